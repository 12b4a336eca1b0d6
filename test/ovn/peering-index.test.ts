// The incremental reads: the status's peering index, updated from the cache's batches peering by
// peering, always equals every network's peer list computed from scratch; the reconciler's repair
// of the networks a batch touched equals the full repair. Driven through declarations, peer rows
// edited and deleted by hand, a subnet change and a network deletion, on an in-memory NB.
import assert from 'node:assert/strict';
import type { CacheEvent } from '../../lib/ovsdb/cache.js';
import { planCreateNetwork, planDeleteNetwork } from '../../lib/ovn/network-plan.js';
import { PeeringIndex } from '../../lib/ovn/peering-index.js';
import { listPeerings, planCreatePeering, planDeletePeering } from '../../lib/ovn/peering-plan.js';
import type { PeeringInfo } from '../../lib/ovn/peering-plan.js';
import { addTouched, batchFacts, networksTouched, pairsTouched, planReconcile } from '../../lib/ovn/reconcile.js';
import type { BatchFact, Touched } from '../../lib/ovn/reconcile.js';
import { EXT } from '../../lib/ovn/ids.js';
import { FakeNb } from './fake-nb.js';

function everyList(nb: FakeNb): PeeringInfo[] {
  return nb.view
    .networks()
    .filter((n) => n.declarations.size > 0)
    .flatMap((n) => listPeerings(nb.view, { project: n.project, network: n.name }));
}

const sorted = (p: { changes: { action: string; table: string; what: string }[] }): string[] => p.changes.map((c) => `${c.action} ${c.table} ${c.what}`).sort();

describe('incremental peering status and repair (in-memory NB)', () => {
  it('the index equals a full recount after every change; a repair of the touched networks equals the full one', () => {
    const nb = new FakeNb();
    const index = new PeeringIndex(nb.view);
    let touched: Touched | 'all' = new Map();
    // The same batches' facts, read only when a step looks (the reconciler reads them when it
    // repairs, after later batches): the pairs they name then must be enough too.
    let facts: BatchFact[] = [];
    nb.cache.on('batch', (events: CacheEvent[]) => {
      index.note(events);
      facts.push(...batchFacts(events));
      const t = networksTouched(nb.view, events);
      if (t === 'all' || touched === 'all') touched = 'all';
      else for (const [a, bs] of t) for (const b of bs) addTouched(touched, a, b);
    });
    const step = (what: string): void => {
      index.update();
      assert.deepEqual(index.list(), everyList(nb), `${what}: index`);
      const full = planReconcile(nb.view);
      if (touched !== 'all') assert.deepEqual(sorted(planReconcile(nb.view, touched)), sorted(full), `${what}: repair`);
      const later = pairsTouched(nb.view, facts);
      if (later !== 'all') assert.deepEqual(sorted(planReconcile(nb.view, later)), sorted(full), `${what}: repair from facts read later`);
      for (const n of nb.view.networks()) {
        const keys = Object.keys(n.router?.external_ids ?? {}).filter((k) => k.startsWith(EXT.peeringPrefix)).length;
        assert.equal(nb.view.declarationCount(n.id), keys, `${what}: declaration keys of ${n.name}`);
      }
      // As the reconciler: what it has not repaired yet stays to be looked at.
      if (full.operations.length === 0) {
        touched = new Map();
        facts = [];
      }
    };
    const tx = (ops: Parameters<FakeNb['transact']>[0], what: string): void => {
      nb.transact(ops);
      step(what);
    };

    tx(planCreateNetwork(nb.view, { name: 'hub', ipv4: '10.8.0.1/24', ipv6: 'fd42:8::1/64' }).operations, 'hub');
    for (let i = 1; i <= 5; i++) tx(planCreateNetwork(nb.view, { name: `s${i}`, ipv4: `10.8.${i}.1/24` }).operations, `s${i}`);
    tx(planCreateNetwork(nb.view, { name: 'clash', ipv4: '10.8.0.2/24' }).operations, 'clash');
    for (let i = 1; i <= 5; i++) tx(planCreatePeering(nb.view, { network: `s${i}`, name: 'up', target: 'hub' }).operations, `s${i} -> hub`);
    for (let i = 1; i <= 4; i++) tx(planCreatePeering(nb.view, { network: 'hub', name: `to-s${i}`, target: `s${i}` }).operations, `hub -> s${i}`);
    tx(planCreatePeering(nb.view, { network: 'hub', name: 'to-clash', target: 'clash' }).operations, 'hub -> clash (pending)');
    tx(planCreatePeering(nb.view, { network: 'clash', name: 'up', target: 'hub' }).operations, 'clash -> hub (errored: the subnets overlap)');
    assert.equal(index.list().filter((p) => p.status === 'created').length, 8);

    // By hand: a spoke's peer port detached, a hub route's nexthop changed.
    const s2 = nb.view.network('default', 's2');
    const hub = nb.view.network('default', 'hub');
    const port = s2?.router && nb.view.peerPorts(s2.router)[0]?.row._uuid;
    const route = hub?.router && nb.view.peerRoutes(hub.router).find((r) => r.remoteId === nb.view.network('default', 's3')?.id)?.row._uuid;
    assert.ok(s2?.router && port && route);
    tx([{ op: 'mutate', table: 'Logical_Router', where: [['_uuid', '==', ['uuid', s2.router._uuid]]], mutations: [['ports', 'delete', ['set', [['uuid', port]]]]] }], 'port detached');
    tx([{ op: 'update', table: 'Logical_Router_Static_Route', where: [['_uuid', '==', ['uuid', route]]], row: { nexthop: '10.8.3.99' } }], 'route edited');
    assert.deepEqual(
      index
        .list()
        .filter((p) => p.status === 'errored')
        .map((p) => `${p.network}/${p.name}`)
        .sort(),
      ['clash/up', 'hub/to-clash', 'hub/to-s2', 'hub/to-s3', 's2/up', 's3/up'],
    );
    tx(planReconcile(nb.view).operations, 'repaired');
    assert.equal(index.list().filter((p) => p.status === 'errored').length, 2, 'the overlap stays');

    tx(planDeletePeering(nb.view, { network: 'hub', name: 'to-s4' }).operations, 'hub -> s4 deleted');
    tx(planDeletePeering(nb.view, { network: 's1', name: 'up' }).operations, 's1 -> hub deleted');
    tx(planCreatePeering(nb.view, { network: 'hub', name: 'to-s5', target: 's5' }).operations, 'hub -> s5');
    // A network's settings changed by hand: everything is looked at again.
    const s5 = nb.view.network('default', 's5');
    assert.ok(s5?.router);
    tx([{ op: 'mutate', table: 'Logical_Router', where: [['_uuid', '==', ['uuid', s5.router._uuid]]], mutations: [['external_ids', 'insert', ['map', [['hvnet:description', 'edited']]]]] }], 's5 settings');
    tx(planDeleteNetwork(nb.view, { name: 's3' }).operations, 's3 deleted');
    assert.deepEqual(index.list(), everyList(nb));
  });

  it("a network's peerings handed out stay as they were when it changes; the index's next list is the new one", () => {
    const nb = new FakeNb();
    const index = new PeeringIndex(nb.view);
    nb.cache.on('batch', (events: CacheEvent[]) => index.note(events));
    const tx = (ops: Parameters<FakeNb['transact']>[0]): void => {
      nb.transact(ops);
      index.update();
    };
    tx(planCreateNetwork(nb.view, { name: 'hub', ipv4: '10.9.0.1/24' }).operations);
    for (let i = 1; i <= 4; i++) tx(planCreateNetwork(nb.view, { name: `s${i}`, ipv4: `10.9.${i}.1/24` }).operations);
    const hubId = nb.view.network('default', 'hub')?.id;
    assert.ok(hubId !== undefined);
    const hubList = (): PeeringInfo[] => listPeerings(nb.view, { project: 'default', network: 'hub' });
    // Changed where it is while nobody holds it (s1, s3), then copied once handed out.
    tx(planCreatePeering(nb.view, { network: 'hub', name: 'to-s3', target: 's3' }).operations);
    tx(planCreatePeering(nb.view, { network: 'hub', name: 'to-s1', target: 's1' }).operations);
    const held = index.peeringsOf(hubId);
    const copy = held.map((p) => ({ ...p }));
    assert.deepEqual(held, hubList());
    tx(planCreatePeering(nb.view, { network: 'hub', name: 'to-s2', target: 's2' }).operations);
    tx(planCreatePeering(nb.view, { network: 's2', name: 'up', target: 'hub' }).operations);
    tx(planDeletePeering(nb.view, { network: 'hub', name: 'to-s1' }).operations);
    assert.deepEqual(held, copy, 'the list handed out did not change');
    const next = index.peeringsOf(hubId);
    assert.deepEqual(next, hubList());
    assert.deepEqual(
      next.map((p) => p.name),
      ['to-s2', 'to-s3'],
    );
    tx(planCreatePeering(nb.view, { network: 'hub', name: 'to-s4', target: 's4' }).operations);
    assert.deepEqual(next, hubList().filter((p) => p.name !== 'to-s4'), 'nor the second one');
    assert.deepEqual(index.peeringsOf(hubId), hubList());
  });
});
