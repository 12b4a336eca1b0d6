// Host health against real links and a real NB: a required link going down, losing MTU or
// vanishing, and a hung NB, each show in `hvnet status` (the real CLI) within the promised time,
// and each recovery too, without restarting hvnetd.
import assert from 'node:assert/strict';
import { startOvn } from '../../testbed/ovn.js';
import type { OvnHandle } from '../../testbed/ovn.js';
import { vethPair } from '../../testbed/netns.js';
import { run, waitFor } from '../../testbed/exec.js';
import { testRun } from '../../testbed/test-run.js';
import { hvnetCli, startHvnetd, writeConfig } from './harness.js';
import type { RunningHvnetd } from './harness.js';
import type { HostStatus } from '../../agent/api/status.js';

async function cliStatus(socket: string): Promise<HostStatus> {
  const r = await hvnetCli(['--socket', socket, 'status', '--format', 'json']);
  assert.equal(r.code, 0, r.stderr);
  return (JSON.parse(r.stdout) as { status: HostStatus }).status;
}

/** Polls the real CLI until `pred` holds; returns how long that took. */
async function within(socket: string, what: string, pred: (s: HostStatus) => boolean, timeoutMs: number): Promise<number> {
  const start = Date.now();
  await waitFor(what, async () => (pred(await cliStatus(socket)) ? true : undefined), timeoutMs + 1_000, 50);
  const took = Date.now() - start;
  assert.ok(took <= timeoutMs, `${what}: took ${took} ms (limit ${timeoutMs})`);
  return took;
}

const reason = (code: string, subject?: string) => (s: HostStatus) =>
  s.state === 'non-operational' && s.reasons.some((r) => r.code === code && (subject === undefined || r.subject === subject));

describe('agent: host health', function () {
  this.timeout(60_000);
  let ovn: OvnHandle;
  let hv: RunningHvnetd;
  let link: string;
  let deleteLink: () => Promise<void>;

  before(async () => {
    ovn = await startOvn({ northd: false });
    const veth = await vethPair();
    link = veth.a;
    deleteLink = () => veth.delete();
    await run('ip', ['link', 'set', link, 'mtu', '1500']);
    const dir = testRun.tempDir('health');
    hv = await startHvnetd(writeConfig(dir, ovn.nb.unix, { health: { requiredLinks: [{ name: link, minMtu: 1400 }] } }));
    await within(hv.setup.socket, 'operational at start', (s) => s.state === 'operational', 5_000);
  });
  after(async () => {
    await hv.daemon.stop();
    await ovn.stop();
  });

  it('a required link going down or losing MTU: non-operational within 2 s, and back', async () => {
    const sock = hv.setup.socket;
    await run('ip', ['link', 'set', link, 'down']);
    await within(sock, 'link-down', reason('link-down', link), 2_000);
    await run('ip', ['link', 'set', link, 'up']);
    await within(sock, 'operational after link up', (s) => s.state === 'operational', 3_000);

    await run('ip', ['link', 'set', link, 'mtu', '1300']);
    await within(sock, 'link-mtu', reason('link-mtu', link), 2_000);
    assert.equal((await cliStatus(sock)).links[0]?.mtu, 1300);
    await run('ip', ['link', 'set', link, 'mtu', '1500']);
    await within(sock, 'operational after MTU restored', (x) => x.state === 'operational', 3_000);
  });

  it('a required OVN network: missing is non-operational, created is operational', async () => {
    const sock = hv.setup.socket;
    const name = `net-${testRun.nextName()}`;
    // Reload with a new required network (SIGHUP), no restart.
    const { writeFileSync, readFileSync } = await import('node:fs');
    const yaml = await import('yaml');
    const cfg = yaml.parse(readFileSync(hv.setup.configFile, 'utf8')) as { health: { requiredNetworks?: string[] } };
    cfg.health.requiredNetworks = [name];
    writeFileSync(hv.setup.configFile, yaml.stringify(cfg));
    hv.daemon.signal('SIGHUP');
    await within(sock, 'network-missing after reload', reason('network-missing', name), 3_000);
    await ovn.nbctl(['lr-add', name, '--', 'set', 'Logical_Router', name, `external_ids:hvnet-network=${name}`]);
    await within(sock, 'operational once the router exists', (s) => s.state === 'operational' && s.networks[0]?.kind === 'Logical_Router', 2_000);
    await ovn.nbctl(['lr-del', name]);
    await within(sock, 'network-missing after delete', reason('network-missing', name), 2_000);
    cfg.health.requiredNetworks = [];
    writeFileSync(hv.setup.configFile, yaml.stringify(cfg));
    hv.daemon.signal('SIGHUP');
    await within(sock, 'operational after reload', (s) => s.state === 'operational', 3_000);
  });

  it('a hung NB (SIGSTOP) is seen within two inactivity probes; SIGCONT brings it back', async () => {
    const sock = hv.setup.socket;
    const nb = ovn.pids()[0];
    assert.ok(nb !== undefined);
    process.kill(nb, 'SIGSTOP');
    try {
      // inactivityProbeMs is 1000 in the test config: dead after 2 s of silence, plus one poll.
      await within(sock, 'nb-disconnected on a hung NB', reason('nb-disconnected'), 3_000);
    } finally {
      process.kill(nb, 'SIGCONT');
    }
    await within(sock, 'operational after SIGCONT', (s) => s.state === 'operational' && s.ovn.nb.state === 'connected', 5_000);
  });

  it('a required link that vanishes: link-missing within 2 s', async () => {
    await deleteLink();
    await within(hv.setup.socket, 'link-missing', reason('link-missing', link), 2_000);
  });
});
