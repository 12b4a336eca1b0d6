// The hvnetd a NIC benchmark talks to: its config written beside its socket and state under `dir`,
// started as the unit starts it (no sd_notify socket or watchdog here), and ready once it has
// connected to what the benchmark uses, so no timed call ever waits for its start-up.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { DaemonClient } from '../../agent/cli/client.js';
import { statusMethod } from '../../agent/api/methods.js';
import type { ResultOf } from '../../agent/api/methods.js';
import { startDaemon } from '../../testbed/daemon.js';
import { UNIT_NODE_OPTIONS } from '../../testbed/unit-node-options.js';
import { waitFor } from '../../testbed/exec.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));

type Status = ResultOf<typeof statusMethod>;

/** What hvnetd must have reached before a benchmark's clock may start. */
export const READY = {
  libvirt: { what: 'hvnetd connected to libvirt', test: (s: Status): boolean => s.status.libvirt.state === 'connected' },
  nb: { what: 'hvnetd connected to the NB', test: (s: Status): boolean => s.status.ovn.nb.state === 'connected' },
} as const;

/**
 * `config` is hvnet.yaml's content without `api`, `stateDir` and `logLevel`, which are set here;
 * `ready` is what the start waits for (libvirt by default).
 */
export async function startBenchHvnetd(dir: string, config: Record<string, unknown>, ready: (typeof READY)[keyof typeof READY] = READY.libvirt): Promise<{ client: DaemonClient; socket: string }> {
  const socket = join(dir, 'hvnet.sock');
  const configFile = join(dir, 'hvnet.yaml');
  writeFileSync(configFile, stringify({ host: { id: 'bench' }, ...config, api: { socket }, stateDir: join(dir, 'state'), logLevel: 'warn' }));
  const client = new DaemonClient({ socket, timeoutMs: 30_000 });
  await startDaemon({
    name: 'hvnetd (bench)',
    cmd: process.execPath,
    args: [join(REPO, 'dist/agent/bin/hvnetd.js'), '--config', configFile],
    logFile: join(dir, 'hvnetd.log'),
    env: { ...process.env, NOTIFY_SOCKET: '', WATCHDOG_USEC: '', NODE_OPTIONS: UNIT_NODE_OPTIONS },
    ready: async () => {
      await waitFor(ready.what, async () => {
        const s = await client.call(statusMethod, {}).catch(() => undefined);
        return s !== undefined && ready.test(s) ? true : undefined;
      }, 20_000, 50);
    },
    readyTimeoutMs: 25_000,
  });
  return { client, socket };
}
