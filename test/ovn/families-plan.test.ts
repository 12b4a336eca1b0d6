// Networks of one family, pure: the planners on an in-memory NB (fake-nb.ts) and the trace plan.
// What a chassis makes of it is in families.test.ts.
import assert from 'node:assert/strict';
import { InvalidCidrError } from '../../lib/ovn/errors.js';
import { EXT, rowNames } from '../../lib/ovn/ids.js';
import { planCreateNetwork, networkInfo } from '../../lib/ovn/network-plan.js';
import type { CreateNetworkRequest } from '../../lib/ovn/network-plan.js';
import { planCreatePeering, showPeering } from '../../lib/ovn/peering-plan.js';
import { planReconcile } from '../../lib/ovn/reconcile.js';
import { parseNetwork } from '../../lib/ovn/state.js';
import type { RouterRow } from '../../lib/ovn/state.js';
import { planPeeringTrace } from '../../lib/ovn/trace-plan.js';
import type { TraceNetwork } from '../../lib/ovn/trace-plan.js';
import { FakeNb } from './fake-nb.js';

function net(nb: FakeNb, req: CreateNetworkRequest): void {
  nb.transact(planCreateNetwork(nb.view, req).operations);
}

function peer(nb: FakeNb, a: string, b: string): void {
  nb.transact(planCreatePeering(nb.view, { network: a, name: `to-${b}`, target: b }).operations);
  nb.transact(planCreatePeering(nb.view, { network: b, name: `to-${a}`, target: a }).operations);
}

/** The peer port networks and route prefixes of `a` towards `b`, as the NB holds them. */
function peerRows(nb: FakeNb, a: string): { networks: string[]; routes: string[] } {
  const n = nb.view.network('default', a);
  assert.ok(n?.router);
  return {
    networks: nb.view.peerPorts(n.router).flatMap((p) => [...p.row.networks].sort()),
    routes: nb.view.peerRoutes(n.router).map((r) => `${r.row.ip_prefix} via ${r.row.nexthop}`).sort(),
  };
}

const traceNet = (id: number, ipv4: string | null, ipv6: string | null): TraceNetwork => ({
  id,
  project: 'default',
  name: `n${id}`,
  mac: `02:68:76:00:00:0${id}`,
  ipv4,
  ipv6,
});

describe('ovn planners: networks of one family (pure)', () => {
  it('an IPv6-only network: no hvnet:ipv4 key, one address on its port, read back with ipv4 undefined', () => {
    const nb = new FakeNb();
    const plan = planCreateNetwork(nb.view, { name: 'v6', ipv4: 'none', ipv6: 'fd42:9:1::1/64' });
    assert.equal(plan.result.ipv4, null);
    nb.transact(plan.operations);
    const n = nb.view.network('default', 'v6');
    assert.ok(n?.router);
    assert.equal(n.ipv4, undefined);
    assert.equal(n.ipv6?.cidr, 'fd42:9:1::1/64');
    assert.equal(n.router.external_ids[EXT.ipv4], undefined);
    assert.deepEqual(networkInfo(n), plan.result);
    // Replaying the request after an unknown outcome finds it done.
    assert.deepEqual(planCreateNetwork(nb.view, { name: 'v6', ipv6: 'fd42:9:1::1/64' }, { replay: true }).operations, []);
  });

  it('a router with neither address key is not a network', () => {
    const row = { _uuid: 'u', name: rowNames.router(7), external_ids: { [EXT.id]: '7', [EXT.project]: 'default', [EXT.network]: 'x' } };
    assert.equal(parseNetwork(row as unknown as RouterRow), undefined);
  });

  it('no address: refused naming ipv4 and ipv6 and what each accepts', () => {
    const nb = new FakeNb();
    for (const req of [{ ipv4: 'none', ipv6: 'none' }, {}, { ipv4: '', ipv6: 'none' }]) {
      assert.throws(
        () => planCreateNetwork(nb.view, { name: 'x', ...req }),
        (e: unknown) =>
          e instanceof InvalidCidrError &&
          e.field === 'ipv4' &&
          /ipv4 is .* and ipv6 is .*: a network needs at least one gateway address/.test(e.message) &&
          /ipv4 a host address .*and\/or ipv6 a host address .*none for at most one of them/.test(e.allowed ?? ''),
      );
    }
  });

  it('peer rows only for the families both networks have; none in common: errored, no rows, nothing to repair', () => {
    const nb = new FakeNb();
    net(nb, { name: 'd', ipv4: '10.9.1.1/24', ipv6: 'fd42:9:1::1/64' });
    net(nb, { name: 'v4', ipv4: '10.9.2.1/24' });
    net(nb, { name: 'v6', ipv6: 'fd42:9:3::1/64' });
    net(nb, { name: 'w6', ipv4: 'none', ipv6: 'fd42:9:4::1/64' });
    peer(nb, 'd', 'v4');
    peer(nb, 'v6', 'w6');
    peer(nb, 'v4', 'v6');
    assert.deepEqual(peerRows(nb, 'v4'), { networks: ['10.9.2.1/32'], routes: ['10.9.1.0/24 via 10.9.1.1'] });
    assert.deepEqual(peerRows(nb, 'd'), { networks: ['10.9.1.1/32'], routes: ['10.9.2.0/24 via 10.9.2.1'] });
    assert.deepEqual(peerRows(nb, 'w6'), { networks: ['fd42:9:4::1/128'], routes: ['fd42:9:3::/64 via fd42:9:3::1'] });
    const p = showPeering(nb.view, { network: 'v4', name: 'to-v6' });
    assert.equal(p.status, 'errored');
    assert.equal(p.reason, 'the two networks have no address family in common (default/v4: IPv4 only; default/v6: IPv6 only); the peering is not activated');
    assert.deepEqual(planReconcile(nb.view).operations, []);
  });

  it('the trace plan: the shared families only, none for a pair without one', () => {
    const fam = (a: TraceNetwork, b: TraceNetwork): number[] => planPeeringTrace(a, b).map((p) => p.family);
    assert.deepEqual(fam(traceNet(1, null, 'fd42:1::1/64'), traceNet(2, null, 'fd42:2::1/64')), [6, 6]);
    assert.deepEqual(fam(traceNet(1, '10.1.1.1/24', 'fd42:1::1/64'), traceNet(2, '10.1.2.1/24', null)), [4, 4]);
    assert.deepEqual(fam(traceNet(1, '10.1.1.1/24', null), traceNet(2, null, 'fd42:2::1/64')), []);
    assert.deepEqual(fam(traceNet(1, '10.1.1.1/24', 'fd42:1::1/64'), traceNet(2, '10.1.2.1/24', 'fd42:2::1/64')), [4, 4, 6, 6]);
  });
});
