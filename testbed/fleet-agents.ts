// hvnet's own processes in a fleet, from the build output: hvnet-controller on loopback (plain
// HTTP, reads open, a tokens file so each host reports only as itself) and one hvnetd per host, each a direct child of the test
// process (daemon.ts), with the V8 settings the systemd unit gives hvnetd.
import { execFile } from 'node:child_process';
import { renameSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DaemonClient } from '../agent/cli/client.js';
import { startDaemon, type Daemon } from './daemon.js';
import { UNIT_NODE_OPTIONS } from './unit-node-options.js';
import { waitFor } from './exec.js';
import { freePort, tcpAccepts } from './ports.js';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
const HVNETD = join(REPO, 'dist/agent/bin/hvnetd.js');
const HVNET_CLI = join(REPO, 'dist/agent/hvnet-cli.cjs');
const CONTROLLER = join(REPO, 'dist/agent/bin/hvnet-controller.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The real hvnet CLI against one socket; arguments as an array, never through a shell. */
export function hvnetCli(socket: string, args: readonly string[], timeoutMs = 20_000): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [HVNET_CLI, '--socket', socket, ...args], { timeout: timeoutMs }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

export async function startFleetHvnetd(o: { id: string; dir: string; configFile: string; socket: string }): Promise<Daemon> {
  const client = new DaemonClient({ socket: o.socket, timeoutMs: 5_000 });
  return startDaemon({
    name: `hvnetd ${o.id}`,
    cmd: process.execPath,
    args: [HVNETD, '--config', o.configFile],
    logFile: join(o.dir, 'hvnetd.log'),
    env: { ...process.env, NOTIFY_SOCKET: '', WATCHDOG_USEC: '', NODE_OPTIONS: UNIT_NODE_OPTIONS },
    readyTimeoutMs: 30_000,
    stopTimeoutMs: 20_000,
    ready: async () => {
      await waitFor(`${o.socket} answers`, async () => ((await client.raw('version', {}).catch(() => undefined)) ? true : undefined), 30_000, 50);
    },
  });
}

export interface FleetController {
  readonly daemon: Daemon;
  readonly url: string;
  /** The controller's tokens file: one "HOST TOKEN" line per host. */
  readonly tokensFile: string;
  /** The file holding host ID's own token (its hvnetd's controller.tokenFile). */
  tokenFileOf(id: string): string;
  tokenOf(id: string): string;
  /** A new token for host ID, as an operator rotates one: the controller's file, then the host's (each written aside, renamed over); returns it. */
  rotateToken(id: string): string;
  /** GET a read route (no token needed: --open-reads). */
  get<T>(path: string): Promise<T>;
}

export async function startFleetController(dir: string, hostIds: readonly string[]): Promise<FleetController> {
  const tokens = new Map(hostIds.map((id) => [id, randomBytes(18).toString('base64url')]));
  const tokensFile = join(dir, 'tokens');
  const tokenFileOf = (id: string): string => join(dir, `token-${id}`);
  const replace = (file: string, text: string): void => {
    writeFileSync(`${file}.new`, text, { mode: 0o600 });
    renameSync(`${file}.new`, file);
  };
  const writeTokens = (): void => replace(tokensFile, [...tokens].map(([id, t]) => `${id} ${t}\n`).join(''));
  writeTokens();
  for (const [id, t] of tokens) replace(tokenFileOf(id), t);
  const tokenOf = (id: string): string => {
    const t = tokens.get(id);
    if (t === undefined) throw new Error(`no token for ${id}: the fleet's hosts are ${hostIds.join(', ')}`);
    return t;
  };
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const daemon = await startDaemon({
    name: 'hvnet-controller',
    cmd: process.execPath,
    args: [CONTROLLER, '--listen', `127.0.0.1:${port}`, '--state-dir', join(dir, 'state'), '--tokens-file', tokensFile, '--open-reads'],
    logFile: join(dir, 'controller.log'),
    ready: async () => {
      await waitFor('controller answers', async () => ((await tcpAccepts(port)) ? true : undefined), 10_000, 20);
    },
  });
  return {
    daemon,
    url,
    tokensFile,
    tokenFileOf,
    tokenOf,
    rotateToken: (id) => {
      tokenOf(id);
      const t = randomBytes(18).toString('base64url');
      tokens.set(id, t);
      writeTokens();
      replace(tokenFileOf(id), t);
      return t;
    },
    get: async <T>(path: string): Promise<T> => {
      const r = await fetch(`${url}${path}`, { signal: AbortSignal.timeout(5_000) });
      if (!r.ok) throw new Error(`GET ${path}: HTTP ${r.status}`);
      return (await r.json()) as T;
    },
  };
}
