// Drift: peer rows deleted or changed by hand come back within 2 s, repaired by exactly one of
// two hvnetd sharing the NB (the holder of the reconcile lock), and the repair is reported.
import assert from 'node:assert/strict';
import { startOvn } from '../../testbed/ovn.js';
import type { OvnHandle } from '../../testbed/ovn.js';
import { waitFor } from '../../testbed/exec.js';
import type { OvnNetworks } from '../../lib/ovn/networks.js';
import type { NetworkInfo } from '../../lib/ovn/network-plan.js';
import type { RowChange } from '../../lib/ovn/plan.js';
import { rowNames } from '../../lib/ovn/ids.js';
import { addInstance, openNetworks, traceReaches } from './helpers.js';
import type { Instance } from './helpers.js';

describe('ovn peering: drift repair', function () {
  this.timeout(60_000);
  let ovn: OvnHandle;
  const agents: OvnNetworks[] = [];
  const repaired: { agent: number; changes: RowChange[] }[] = [];
  let a: NetworkInfo;
  let b: NetworkInfo;
  let ia: Instance;
  let ib: Instance;

  before(async () => {
    ovn = await startOvn();
    for (let i = 0; i < 2; i++) {
      const agent = await openNetworks(ovn.nb.unix);
      agent.on('repaired', (changes) => repaired.push({ agent: i, changes }));
      agents.push(agent);
    }
    const [n0, n1] = agents as [OvnNetworks, OvnNetworks];
    a = await n0.createNetwork({ name: 'a', ipv4: '10.60.1.1/24', ipv6: 'fd42:60:1::1/64' });
    b = await n0.createNetwork({ name: 'b', ipv4: '10.60.2.1/24', ipv6: 'fd42:60:2::1/64' });
    ia = await addInstance(ovn, a);
    ib = await addInstance(ovn, b);
    await n0.createPeering({ network: 'a', name: 'ab', target: 'b' });
    await waitFor('b in the second agent', () => (n1.listNetworks().length === 2 ? true : undefined));
    await n1.createPeering({ network: 'b', name: 'ba', target: 'a' }, { wait: 'sb' });
    assert.ok(await traceReaches(ovn, ia, ib));
    repaired.length = 0;
  });
  after(async () => {
    for (const n of agents) await n.close();
    await ovn?.stop();
  });

  it('exactly one agent holds the reconcile lock', () => {
    assert.equal(agents.filter((n) => n.reconciling).length, 1);
  });

  async function repairedWithin2s(what: string, check: () => Promise<boolean>): Promise<number> {
    const t0 = Date.now();
    await waitFor(what, async () => ((await check()) ? true : undefined), 2_000, 20);
    return Date.now() - t0;
  }

  it('a peer port deleted with ovn-nbctl is back within 2 s and the trace passes again', async () => {
    const port = rowNames.peerPort(a.id, b.id);
    await ovn.nbctl(['lrp-del', port]);
    const ms = await repairedWithin2s(`${port} back`, async () => (await ovn.nbctl(['--bare', '--columns=peer', 'find', 'Logical_Router_Port', `name=${port}`])).trim() === rowNames.peerPort(b.id, a.id));
    await ovn.nbctl(['--wait=sb', 'sync']);
    assert.ok(await traceReaches(ovn, ia, ib), 'trace passes again');
    assert.ok(ms < 2_000);
    const reports = repaired.flatMap((r) => r.changes.map((c) => ({ agent: r.agent, ...c })));
    assert.ok(reports.some((c) => c.action === 'insert' && c.what === port), JSON.stringify(reports));
    assert.equal(new Set(repaired.map((r) => r.agent)).size, 1, 'one agent repaired');
    assert.ok(agents[repaired[0]?.agent ?? -1]?.reconciling, 'the lock holder');
  });

  it('a route deleted and a route changed by hand are repaired, nothing duplicated', async () => {
    repaired.length = 0;
    await ovn.nbctl(['lr-route-del', b.router, '10.60.1.0/24']);
    const uuid = (await ovn.nbctl(['--bare', '--columns=_uuid', 'find', 'Logical_Router_Static_Route', 'ip_prefix="fd42:60:2::/64"'])).trim();
    await ovn.nbctl(['set', 'Logical_Router_Static_Route', uuid, 'nexthop="fd42:60:2::99"']);
    // Each router: one IPv4 and one IPv6 route to the other network, via its gateway.
    const good = (routes: string, other: string, other6: string): boolean =>
      new RegExp(`${other}\\.0/24\\s+${other}\\.1 dst-ip`).test(routes) &&
      new RegExp(`${other6}::/64\\s+${other6}::1 dst-ip`).test(routes) &&
      routes.split('\n').filter((l) => /dst-ip/.test(l)).length === 2;
    await repairedWithin2s(
      'routes repaired',
      async () =>
        good(await ovn.nbctl(['lr-route-list', b.router]), '10\\.60\\.1', 'fd42:60:1') &&
        good(await ovn.nbctl(['lr-route-list', a.router]), '10\\.60\\.2', 'fd42:60:2'),
    );
    const routesA = await ovn.nbctl(['lr-route-list', a.router]);
    assert.match(routesA, /fd42:60:2::\/64\s+fd42:60:2::1 dst-ip/);
    assert.doesNotMatch(routesA, /::99/);
    await ovn.nbctl(['--wait=sb', 'sync']);
    assert.ok(await traceReaches(ovn, ib, ia));
    assert.ok(await traceReaches(ovn, ia, ib, 6));
  });

  it('the other agent takes over when the lock holder goes away', async () => {
    const holder = agents.findIndex((n) => n.reconciling);
    const other = agents[1 - holder] as OvnNetworks;
    await (agents[holder] as OvnNetworks).close();
    agents.splice(holder, 1);
    await waitFor('the other agent holds the lock', () => (other.reconciling ? true : undefined), 5_000);
    repaired.length = 0;
    await ovn.nbctl(['lrp-del', rowNames.peerPort(b.id, a.id)]);
    await repairedWithin2s('port back', async () => (await ovn.nbctl(['--bare', '--columns=name', 'find', 'Logical_Router_Port', `name=${rowNames.peerPort(b.id, a.id)}`])).trim() !== '');
    assert.ok(repaired.length > 0);
  });
});
