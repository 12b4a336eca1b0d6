// `hvnet network peer show --trace` against a real hvnetd, NB, SB and ovn-northd: pass once the
// peering is created, with both routers and both peer ports among the hops; fail once one side's
// peer port is deleted by hand while the reconciler cannot repair it; pass again once it has;
// unavailable, saying so, from an hvnetd without ovn.sb.
//
// The reconciler is held off the way a second hvnetd would hold it off: the test takes the OVSDB
// lock it repairs under (`ovsdb-client steal`), and gives it back by ending that process, upon
// which the daemon is granted the lock and repairs at once. No switch in the daemon is needed.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { startOvn } from '../../testbed/ovn.js';
import type { OvnHandle } from '../../testbed/ovn.js';
import { waitFor } from '../../testbed/exec.js';
import { testRun } from '../../testbed/test-run.js';
import { rowNames } from '../../lib/ovn/ids.js';
import { RECONCILE_LOCK } from '../../lib/ovn/reconcile.js';
import type { NetworkInfoResult, PeeringShowResult } from '../../agent/api/networks.js';
import { startHvnetd, writeConfig } from '../agent/harness.js';
import type { RunningHvnetd } from '../agent/harness.js';
import { hvOk, startNetworksHvnetd } from './helpers.js';

/** Holds the NB lock `name` (taken from whoever has it) until the process is ended. */
async function stealLock(remote: string, name: string): Promise<ChildProcess> {
  const child = spawn('ovsdb-client', ['steal', remote, name], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.setEncoding('utf8').on('data', (c: string) => (out += c));
  await waitFor(`ovsdb-client steal ${name}`, () => (out.includes('"locked":true') ? true : undefined), 10_000);
  return child;
}

describe('agent-ovn: peer show --trace', function () {
  this.timeout(60_000);
  let ovn: OvnHandle;
  let d: RunningHvnetd;
  let thief: ChildProcess | undefined;
  const ok = (args: readonly string[]): Promise<string> => hvOk(d.setup.socket, args);
  const traced = async (socket = d.setup.socket): Promise<PeeringShowResult> =>
    JSON.parse(await hvOk(socket, ['network', 'peer', 'show', 'A', 'to-b', '--trace', '--format', 'json'])) as PeeringShowResult;

  before(async () => {
    ovn = await startOvn({ northd: true });
    const setup = writeConfig(testRun.tempDir('hvnetd-sb'), ovn.nbRemotes, {
      libvirt: { uri: 'test:///default' },
      ovn: { nb: { readyTimeoutSeconds: 20 }, sb: { remotes: ovn.sb.unix } },
    });
    d = await startHvnetd(setup);
    await ok(['network', 'create', 'A', '--ipv4', '10.41.1.1/24', '--ipv6', 'fd42:41:1::1/64']);
    await ok(['network', 'create', 'B', '--ipv4', '10.41.2.1/24', '--ipv6', 'fd42:41:2::1/64']);
    await ok(['network', 'peer', 'create', 'A', 'to-b', 'B']);
    await ok(['network', 'peer', 'create', 'B', 'to-a', 'A', '--wait']);
  });
  after(async () => {
    thief?.kill();
    await d?.daemon.stop();
    await ovn?.stop();
  });

  const ids = async (): Promise<{ a: number; b: number }> => {
    const show = async (n: string): Promise<number> => (JSON.parse(await ok(['network', 'show', n, '--format', 'json'])) as NetworkInfoResult).id;
    return { a: await show('A'), b: await show('B') };
  };

  it('created: pass both ways, IPv4 and IPv6, crossing both routers and both peer ports', async () => {
    const { a, b } = await ids();
    const r = await traced();
    assert.equal(r.status, 'Created');
    assert.ok(r.trace);
    assert.equal(r.trace.verdict, 'pass', JSON.stringify(r.trace));
    assert.deepEqual(
      r.trace.directions.map((x) => [x.family, x.from, x.to, x.verdict]),
      [
        [4, 'default/A', 'default/B', 'pass'],
        [4, 'default/B', 'default/A', 'pass'],
        [6, 'default/A', 'default/B', 'pass'],
        [6, 'default/B', 'default/A', 'pass'],
      ],
    );
    const first = r.trace.directions[0];
    assert.ok(first);
    const datapaths = new Set(first.hops.map((h) => h.datapath));
    assert.ok(datapaths.has(rowNames.router(a)) && datapaths.has(rowNames.router(b)), 'both routers');
    assert.ok(first.hops.some((h) => h.stage === 'egress' && h.outport === rowNames.peerPort(a, b)), "A's peer port");
    assert.ok(first.hops.some((h) => h.stage === 'ingress' && h.inport === rowNames.peerPort(b, a)), "B's peer port");
    assert.equal(first.hops.at(-1)?.datapath, rowNames.switch(a), "the reply ends on A's switch");
  });

  it('the table form prints the verdict and the hops', async () => {
    const out = await ok(['network', 'peer', 'show', 'A', 'to-b', '--trace']);
    assert.match(out, /^Trace: pass$/m);
    assert.match(out, /\| default\/A \| default\/B \| IPv4 {3}\| pass {4}\|/);
    assert.match(out, /^Hops$/m);
    const { a, b } = await ids();
    assert.ok(out.includes(rowNames.peerPort(b, a)));
    // Without --trace the document is as before.
    assert.doesNotMatch(await ok(['network', 'peer', 'show', 'A', 'to-b']), /Trace/);
  });

  it("B's peer port deleted by hand, the reconciler held off: fail, naming the crossing; repaired: pass again", async () => {
    const { a, b } = await ids();
    thief = await stealLock(ovn.nb.unix, RECONCILE_LOCK);
    await ovn.nbctl(['--wait=sb', 'lrp-del', rowNames.peerPort(b, a)]);
    const r = await traced();
    assert.ok(r.trace);
    assert.equal(r.trace.verdict, 'fail', JSON.stringify(r.trace));
    const there = r.trace.directions[0];
    assert.equal(there?.verdict, 'fail');
    assert.match(there.reason ?? '', new RegExp(`did not enter default/B's router through its peer port ${rowNames.peerPort(b, a)}`));
    assert.deepEqual(
      there.hops.map((h) => h.datapath),
      [rowNames.router(a), rowNames.router(a)],
      "the packet leaves A's peer port and goes nowhere",
    );
    assert.match(r.trace.reason ?? '', /^default\/A → default\/B \(IPv4\): the packet did not enter/);

    thief.kill();
    thief = undefined;
    await waitFor('the repaired peering traces', async () => ((await traced()).trace?.verdict === 'pass' ? true : undefined), 15_000, 200);
  });

  it('an hvnetd without ovn.sb: unavailable, saying so', async () => {
    const other = await startNetworksHvnetd(ovn, 'hvnetd-nosb');
    try {
      const r = await traced(other.setup.socket);
      assert.equal(r.status, 'Created');
      assert.deepEqual(r.trace, { verdict: 'unavailable', reason: 'no SB configured (ovn.sb.remotes): the trace needs the OVN Southbound', directions: [] });
      const table = await hvOk(other.setup.socket, ['network', 'peer', 'show', 'A', 'to-b', '--trace']);
      assert.match(table, /^Trace: unavailable \(no SB configured \(ovn\.sb\.remotes\)/m);
    } finally {
      await other.daemon.stop();
    }
  });
});
