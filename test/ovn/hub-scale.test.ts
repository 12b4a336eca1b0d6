// What keeps a request on a hub of thousands of peerings as cheap as on a lone network, and
// that it costs none of the guarantees: the guard on a router is one condition (its _version),
// not the whole row; a stale plan is still refused whoever wrote in between; the declarations
// kept from the previous parse of a router, and its peer rows grouped by remote network, equal
// ones made from scratch. On an in-memory NB.
import assert from 'node:assert/strict';
import { WaitTimedOutError } from '../../lib/ovsdb/errors.js';
import type { Operation } from '../../lib/ovsdb/operations.js';
import { mutation, where } from '../../lib/ovsdb/operations.js';
import { map, set, uuid } from '../../lib/ovsdb/values.js';
import { EXT, peeringKey } from '../../lib/ovn/ids.js';
import { nb as ops } from '../../lib/ovn/nb-operations.js';
import { planCreateNetwork, planDeleteNetwork } from '../../lib/ovn/network-plan.js';
import { PeeringIndex } from '../../lib/ovn/peering-index.js';
import { addTouched, networksTouched, planReconcile } from '../../lib/ovn/reconcile.js';
import type { Touched } from '../../lib/ovn/reconcile.js';
import { listPeerings, planCreatePeering, planDeletePeering } from '../../lib/ovn/peering-plan.js';
import { declarationTo, encodeDeclaration, parseNetwork } from '../../lib/ovn/state.js';
import { FakeNb } from './fake-nb.js';

/** A hub with `n` spokes, each pair declared both ways except the hub's side towards the last spoke. */
function hubWith(n: number): FakeNb {
  const nb = new FakeNb();
  nb.transact(planCreateNetwork(nb.view, { name: 'hub', ipv4: '172.16.0.1/24' }).operations);
  for (let i = 0; i < n; i++) {
    nb.transact(planCreateNetwork(nb.view, { name: `s${i}`, ipv4: `10.${1 + (i >> 8)}.${i & 255}.1/24` }).operations);
    nb.transact(planCreatePeering(nb.view, { network: `s${i}`, name: 'up', target: 'hub' }).operations);
    if (i < n - 1) nb.transact(planCreatePeering(nb.view, { network: 'hub', name: `to-s${i}`, target: `s${i}` }).operations);
  }
  return nb;
}

const routerOf = (nb: FakeNb, name: string): { _uuid: string } => {
  const r = nb.view.network('default', name)?.router;
  if (!r) throw new Error(`no router for ${name}`);
  return r;
};

const waits = (operations: Operation[]): Operation[] => operations.filter((o) => o.op === 'wait');

describe('ovn: a hub of many peerings (in-memory NB)', function () {
  this.timeout(60_000);

  it("the hub-side create's guards are as small with 100 spokes as with 3", () => {
    const size = (n: number): number => {
      const nb = hubWith(n);
      const plan = planCreatePeering(nb.view, { network: 'hub', name: `to-s${n - 1}`, target: `s${n - 1}` });
      assert.equal(plan.result.status, 'created');
      return JSON.stringify(waits(plan.operations)).length;
    };
    const small = size(3);
    const big = size(100);
    assert.ok(big <= small * 1.05, `guards: ${small} bytes with 3 spokes, ${big} bytes with 100`);
  });

  it('a plan made before another writer changed the hub, or the target, is refused and nothing is written', () => {
    for (const changed of ['hub', 's2'] as const) {
      const nb = hubWith(3);
      const plan = planCreatePeering(nb.view, { network: 'hub', name: 'to-s2', target: 's2' });
      // Another hvnetd declares on the router meanwhile: a key the plan never read.
      nb.transact([
        ops.mutate('Logical_Router', [where('_uuid', '==', uuid(routerOf(nb, changed)._uuid))], [
          mutation('external_ids', 'insert', map({ [peeringKey('other')]: encodeDeclaration({ type: 'local', target: { project: 'default', network: 'elsewhere' }, description: '', config: {} }) })),
        ]),
      ]);
      const before = JSON.stringify(nb.rows('Logical_Router'));
      assert.throws(() => nb.transact(plan.operations), WaitTimedOutError, `after a write to ${changed}`);
      assert.equal(JSON.stringify(nb.rows('Logical_Router')), before, 'nothing written');
      // Re-planned from the refreshed cache, it goes through.
      nb.transact(planCreatePeering(nb.view, { network: 'hub', name: 'to-s2', target: 's2' }).operations);
    }
  });

  it("a write to the hub's ports alone (a peering's rows) also refuses a plan made before it", () => {
    const nb = hubWith(3);
    const plan = planDeletePeering(nb.view, { network: 'hub', name: 'to-s0' });
    const hub = nb.view.network('default', 'hub');
    const port = hub?.router && nb.view.peerPorts(hub.router)[0]?.row._uuid;
    assert.ok(hub?.router && port);
    nb.transact([ops.mutate('Logical_Router', [where('_uuid', '==', uuid(hub.router._uuid))], [mutation('ports', 'delete', set([uuid(port)]))])]);
    assert.throws(() => nb.transact(plan.operations), WaitTimedOutError);
  });

  it('a network created or deleted beside a hub recomputes only the peerings towards it (status index) and repairs only the pairs it touches (reconciler)', () => {
    const nb = hubWith(4);
    const index = new PeeringIndex(nb.view);
    let touched: Touched = new Map();
    nb.cache.on('batch', (events) => {
      index.note(events);
      const t = networksTouched(nb.view, events);
      assert.notEqual(t, 'all', 'a batch touches some networks, not all');
      if (t !== 'all') for (const [a, bs] of t) for (const b of bs) addTouched(touched, a, b);
    });
    index.update();
    const hubId = nb.view.network('default', 'hub')?.id ?? -1;
    const kept = new Set(index.peeringsOf(hubId));
    const same = (what: string): void => {
      index.update();
      const full = nb.view.networks().flatMap((n) => (n.declarations.size > 0 ? listPeerings(nb.view, { project: n.project, network: n.name }) : []));
      assert.deepEqual(index.list(), full, `${what}: the index equals a full recount`);
      // The reconciler's repair of the touched pairs equals the full repair; applied, nothing is left.
      const changes = (p: { changes: { action: string; table: string; what: string }[] }): string[] => p.changes.map((c) => `${c.action} ${c.table} ${c.what}`).sort();
      const repair = planReconcile(nb.view, touched);
      assert.deepEqual(changes(repair), changes(planReconcile(nb.view)), `${what}: repair of the touched networks`);
      touched = new Map();
      if (repair.operations.length > 0) nb.transact(repair.operations);
    };
    // The hub declares towards a network that does not exist yet: pending.
    nb.transact(planCreatePeering(nb.view, { network: 'hub', name: 'to-late', target: 'late' }).operations);
    same('declared towards a missing network');
    nb.transact(planCreateNetwork(nb.view, { name: 'late', ipv4: '10.200.0.1/24' }).operations);
    nb.transact(planCreatePeering(nb.view, { network: 'late', name: 'up', target: 'hub' }).operations);
    same('the network created and declaring back');
    assert.equal(index.peeringsOf(hubId).find((p) => p.name === 'to-late')?.status, 'created');
    nb.transact(planCreateNetwork(nb.view, { name: 'unrelated', ipv4: '10.201.0.1/24' }).operations);
    same('an unrelated network created');
    nb.transact(planDeleteNetwork(nb.view, { name: 'late' }).operations);
    same('the network deleted');
    assert.equal(index.peeringsOf(hubId).find((p) => p.name === 'to-late')?.status, 'pending');
    // The hub's other peerings were not recomputed: the same objects as before all of this.
    const now = index.peeringsOf(hubId).filter((p) => p.name !== 'to-late');
    assert.ok(now.length >= 3 && now.every((p) => kept.has(p)), "the hub's other peerings kept");
  });

  it('the declarations and peer-row grouping kept across changes of a router equal ones made from scratch', () => {
    const nb = hubWith(6);
    const check = (what: string): void => {
      const hub = nb.view.network('default', 'hub');
      assert.ok(hub?.router);
      const fresh = parseNetwork(hub.router);
      assert.ok(fresh);
      assert.deepEqual([...hub.declarations].sort(), [...fresh.declarations].sort(), what);
      const g = nb.view.peerRowsByRemote(hub.router);
      const uuids = (rows: { row: { _uuid: string } }[]): string[] => rows.map((r) => r.row._uuid).sort();
      for (const n of nb.view.networks()) {
        assert.deepEqual(declarationTo(hub, n.project, n.name), declarationTo(fresh, n.project, n.name), `${what}: towards ${n.name}`);
        // The grouping patched from the previous row's equals the rows read one by one.
        assert.deepEqual(uuids(g.portsTo(n.id)), uuids(nb.view.peerPorts(hub.router).filter((p) => p.remoteId === n.id)), `${what}: ports to ${n.name}`);
        assert.deepEqual(uuids(g.routesTo(n.id)), uuids(nb.view.peerRoutes(hub.router).filter((r) => r.remoteId === n.id)), `${what}: routes to ${n.name}`);
      }
    };
    check('start');
    nb.transact(planCreatePeering(nb.view, { network: 'hub', name: 'to-s5', target: 's5' }).operations);
    check('one added');
    nb.transact(planDeletePeering(nb.view, { network: 'hub', name: 'to-s1' }).operations);
    check('one deleted');
    nb.transact(planCreatePeering(nb.view, { network: 'hub', name: 'again-s1', target: 's1' }).operations);
    check('the same target under another name');
    nb.transact([ops.mutate('Logical_Router', [where('_uuid', '==', uuid(routerOf(nb, 'hub')._uuid))], [mutation('external_ids', 'insert', map({ [EXT.description]: 'the hub' }))])]);
    check('a setting changed');
    // By hand: a second declaration towards s2 (the planner refuses one), then the first one goes.
    const second = encodeDeclaration({ type: 'local', target: { project: 'default', network: 's2' }, description: '', config: {} });
    nb.transact([ops.mutate('Logical_Router', [where('_uuid', '==', uuid(routerOf(nb, 'hub')._uuid))], [mutation('external_ids', 'insert', map({ [peeringKey('dup-s2')]: second }))])]);
    check('a second declaration towards one target');
    nb.transact(planDeletePeering(nb.view, { network: 'hub', name: 'to-s2' }).operations);
    check('the first of the two deleted');
  });
});
