// `scripts/lab up --azs 2` as a new user runs it: two availability zones joined by OVN-IC, a remote
// peering declared from both sides, and pings between the AZs both ways (IPv4 and IPv6); `down`
// leaves no process, socket, pidfile, namespace or link. Network only: no libvirt.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run, isAlive } from '../../testbed/exec.js';
import { testRun } from '../../testbed/test-run.js';

const repo = fileURLToPath(new URL('../../../', import.meta.url));

describe('scripts/lab up --azs 2', function () {
  this.timeout(240_000);
  let lab: string;
  const env = (): NodeJS.ProcessEnv => ({ ...process.env, HVNET_LAB_DIR: lab });
  const labCmd = (args: string[]): Promise<string> => run('bash', [join(repo, 'scripts/lab'), ...args], { env: env(), timeoutMs: 220_000 });
  const pidfiles = (): string[] =>
    ['ic', 'az1', 'az2'].flatMap((d) => (existsSync(join(lab, d)) ? readdirSync(join(lab, d)).filter((f) => f.endsWith('.pid')).map((f) => join(lab, d, f)) : []));

  before(() => {
    lab = testRun.tempDir('lab-azs');
  });

  after(async () => {
    if (lab) await labCmd(['down']).catch(() => undefined);
  });

  it('shows a created remote peering and pings between the AZs both ways; down leaves nothing', async () => {
    const out = await labCmd(['up', '--azs', '2']);
    assert.equal((out.match(/3 packets transmitted, 3 received/g) ?? []).length, 4, `four pings (IPv4 and IPv6, both ways):\n${out}`);
    assert.match(out, /ts-incus-ic-default-labic/);
    for (const k of [1, 2]) {
      const peer = JSON.parse(await run('node', [join(repo, 'dist/agent/hvnet-cli.cjs'), '--socket', join(lab, `az${k}`, 'hvnet.sock'), '--format', 'json', 'network', 'peer', 'show', 'labic', `to-az${3 - k}`])) as { status: string; type: string };
      assert.deepEqual([peer.status, peer.type], ['Created', 'remote']);
    }
    const pids = pidfiles().map((f) => Number(readFileSync(f, 'utf8').trim()));
    assert.equal(pids.length, 18, 'IC-NB, IC-SB and per AZ nb, sb, northd, ovn-ic, ovs-db, vswitchd, ovn-controller, hvnetd');
    const tag = /ip netns exec (\S+)w1 ping/.exec(out)?.[1] ?? '';
    assert.ok(tag.length > 3, `the lab's tag printed:\n${out}`);

    await labCmd(['down']);
    for (const pid of pids) assert.equal(await isAlive(pid), false, `${pid} still runs`);
    assert.deepEqual(pidfiles(), [], 'no pidfile left');
    const sockets = ['ic', 'az1', 'az2'].flatMap((d) => readdirSync(join(lab, d)).filter((f) => /\.(sock|ctl)$/.test(f)));
    assert.deepEqual(sockets, [], 'no socket or control file left');
    assert.doesNotMatch(await run('ip', ['netns', 'list']), new RegExp(tag), 'no namespace of the lab left');
    assert.doesNotMatch(await run('ip', ['-o', 'link', 'show']), new RegExp(tag), 'no link of the lab left');
  });
});
