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
import { createServer } from 'node:net';
import type { AddressInfo, Server } from 'node:net';
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
import { PENDING, tracePeering } from '../../agent/daemon/features/networks/trace.js';
import type { SbConfig } from '../../agent/daemon/features/networks/trace.js';
import { HvnetError } from '../../agent/api/errors.js';
import type { TraceNetwork } from '../../lib/ovn/trace-plan.js';

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
    assert.equal(r.status, 'Errored', 'the NB read says the rows changed; the trace shows what that does');
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

  it('pending: fail with one reason whether the target exists or not (no discovery)', async () => {
    await ok(['network', 'create', 'C', '--ipv4', '10.41.3.1/24']);
    await ok(['network', 'peer', 'create', 'A', 'to-c', 'C']);
    await ok(['network', 'peer', 'create', 'A', 'to-nowhere', 'nowhere']);
    const show = async (name: string): Promise<PeeringShowResult['trace']> =>
      (JSON.parse(await ok(['network', 'peer', 'show', 'A', name, '--trace', '--format', 'json'])) as PeeringShowResult).trace;
    const expected = { verdict: 'fail', reason: PENDING, directions: [] };
    assert.deepEqual(await show('to-c'), expected);
    assert.deepEqual(await show('to-nowhere'), expected);
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

describe('agent-ovn: peer show --trace when ovn-trace fails', function () {
  this.timeout(30_000);
  const net = (id: number): TraceNetwork => ({ id, project: 'default', name: `n${id}`, mac: '02:68:76:00:00:0' + String(id), ipv4: `10.42.${id}.1/24`, ipv6: null });
  const sb = (remotes: string, traceTimeoutMs = 10_000): SbConfig => ({ remotes, traceTimeoutMs });
  let silent: Server | undefined;
  after(() => silent?.close());

  it('an SB that is not there: unavailable, with what ovn-trace said', async () => {
    const t = await tracePeering(sb(`unix:${testRun.tempDir('nosb')}/sb.sock`), net(1), net(2));
    assert.equal(t.verdict, 'unavailable');
    assert.equal(t.code, 'HVNET_OVN_UNAVAILABLE');
    assert.match(t.reason ?? '', /^ovn-trace failed against the SB unix:.*sb\.sock: .*database connection failed/);
  });

  it('an SB that never answers: unavailable after ovn.sb.traceTimeoutMs, HVNET_TIMEOUT', async () => {
    silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent?.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as AddressInfo).port;
    const started = Date.now();
    const t = await tracePeering(sb(`tcp:127.0.0.1:${port}`, 1_000), net(1), net(2));
    assert.deepEqual([t.verdict, t.code], ['unavailable', 'HVNET_TIMEOUT'], JSON.stringify(t));
    assert.match(t.reason ?? '', /within 1000 ms \(ovn\.sb\.traceTimeoutMs\)/);
    assert.ok(Date.now() - started < 5_000);
  });

  it('output that is not a trace, or an error of the run: unavailable, the directions traced so far kept', async () => {
    const t = await tracePeering(sb('unix:/unused'), net(1), net(2), () => Promise.resolve('unknown datapath "hvnet-net1-lr"\n'));
    assert.deepEqual(t, { verdict: 'unavailable', reason: 'ovn-trace said: unknown datapath "hvnet-net1-lr"', code: 'HVNET_OVN_UNAVAILABLE', directions: [] });
    let calls = 0;
    const second = await tracePeering(sb('unix:/unused'), net(1), net(2), () =>
      ++calls === 1 ? Promise.resolve('# icmp\n') : Promise.reject(new HvnetError('HVNET_TIMEOUT', 'slow')),
    );
    assert.equal(second.verdict, 'unavailable');
    assert.equal(second.code, 'HVNET_TIMEOUT');
    assert.equal(second.directions.length, 1);
    assert.equal(second.directions[0]?.verdict, 'fail');
  });
});
