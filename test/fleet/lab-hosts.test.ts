// `scripts/lab up --hosts 3` as a user runs it (demos off): up in under 60 s, `status` lists the
// three hosts and their agents, `host 2 stop|start` stops and starts that host's ovn-controller
// and hvnetd, and `down` leaves no process, namespace, link or pidfile.
//
// Starts a libvirtd and an ovs-vswitchd in the root namespace: run under
//   flock /tmp/hvnet-libvirt.lock flock /tmp/hvnet-root-ovs.lock scripts/test fleet
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run, isAlive } from '../../testbed/exec.js';
import { freePort } from '../../testbed/ports.js';
import { testRun } from '../../testbed/test-run.js';
import { assertNoForeignLibvirt } from '../../testbed/libvirt.js';
import { assertNoForeignRootVswitchd } from '../../testbed/root-ovs.js';

const repo = fileURLToPath(new URL('../../../', import.meta.url));

describe('scripts/lab up --hosts 3', function () {
  this.timeout(180_000);
  let lab: string;
  let port = 0;
  const env = (): NodeJS.ProcessEnv => ({ ...process.env, HVNET_LAB_DIR: lab, HVNET_LAB_CONTROLLER_PORT: String(port), HVNET_LAB_DEMOS: '0' });
  const labCmd = (...args: string[]): Promise<string> => run('bash', [join(repo, 'scripts/lab'), ...args], { env: env(), timeoutMs: 170_000 });
  const pidFiles = (): string[] => {
    const out: string[] = [];
    const walk = (d: string): void => {
      for (const f of readdirSync(d, { withFileTypes: true })) {
        if (f.isDirectory()) walk(join(d, f.name));
        else if (f.name.endsWith('.pid')) out.push(join(d, f.name));
      }
    };
    walk(lab);
    return out;
  };

  before(async () => {
    await assertNoForeignLibvirt();
    await assertNoForeignRootVswitchd();
    lab = testRun.tempDir('lab-hosts');
    port = await freePort();
  });

  after(async () => {
    if (lab) await labCmd('down').catch(() => undefined);
  });

  it('is up in under 60 s; status lists the hosts and their agents; host 2 stops and starts; down leaves nothing', async () => {
    const t0 = Date.now();
    const out = await labCmd('up', '--hosts', '3');
    const upMs = Date.now() - t0;
    assert.ok(upMs < 60_000, `up took ${upMs} ms`);
    for (const k of [1, 2, 3]) assert.match(out, new RegExp(`hv${k}: tunnel 169\\.254\\.\\d+\\.${k}`));
    const pids = pidFiles().map((f) => Number(readFileSync(f, 'utf8').trim()));
    assert.ok(pids.length >= 3 * 4 + 6 + 1 + 3, `pidfiles: ${pidFiles().join(', ')}`);

    const status = await labCmd('status');
    for (const k of [1, 2, 3]) assert.match(status, new RegExp(`hv${k} +ovs-db \\d+ +vswitchd \\d+ +ovn-controller \\d+ +hvnetd \\d+ +agent: operational`));

    await labCmd('host', '2', 'stop');
    assert.match(await labCmd('status'), /hv2 +ovs-db \d+ +vswitchd \d+ +ovn-controller stopped +hvnetd stopped +agent: stopped/);
    await labCmd('host', '2', 'start');
    assert.match(await labCmd('status'), /hv2 +ovs-db \d+ +vswitchd \d+ +ovn-controller \d+ +hvnetd \d+ +agent: operational/);
    const bad = await labCmd('host', '4', 'stop').then(() => 'exit 0', (e: Error) => e.message);
    assert.match(bad, /K is a host number, 1\.\.3/);

    const all = pidFiles().map((f) => Number(readFileSync(f, 'utf8').trim()));
    await labCmd('down');
    for (const pid of [...pids, ...all]) assert.equal(await isAlive(pid), false, `pid ${pid} still runs`);
    assert.deepEqual(pidFiles(), [], 'no pidfile left');
    const tag = /netns (hvl[0-9a-f]+)h2/.exec(out)?.[1] ?? '';
    assert.ok(tag, out);
    assert.equal((await run('ip', ['netns', 'list'])).split('\n').filter((l) => l.startsWith(tag)).length, 0, 'no namespace left');
    assert.equal((await run('ip', ['-o', 'link', 'show'])).split('\n').filter((l) => l.includes(tag)).length, 0, 'no link left');
    assert.equal(existsSync(join(lab, 'hv1', 'hvnet.sock')), false);
  });
});
