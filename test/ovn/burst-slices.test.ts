// A burst of peerings written in one NB transaction, taken in by the status's peering index and
// by the reconciler in bounded slices (small budgets here, so that a hundred peerings make many
// slices): between two slices the index counts each peering once, in its state before or after;
// a change written while slices are pending is picked up; at the end the index equals every
// network's peer list computed from scratch, and the reconciler has repaired every pair, in
// several transactions. On a real NB.
import assert from 'node:assert/strict';
import { startOvn } from '../../testbed/ovn.js';
import type { OvnHandle } from '../../testbed/ovn.js';
import { waitFor } from '../../testbed/exec.js';
import type { OvnNetworks } from '../../lib/ovn/networks.js';
import { PeeringIndex } from '../../lib/ovn/peering-index.js';
import { listPeerings } from '../../lib/ovn/peering-plan.js';
import type { PeeringInfo } from '../../lib/ovn/peering-plan.js';
import { planReconcile } from '../../lib/ovn/reconcile.js';
import { encodeDeclaration } from '../../lib/ovn/state.js';
import { peeringKey } from '../../lib/ovn/ids.js';
import { nb } from '../../lib/ovn/nb-operations.js';
import type { Operation } from '../../lib/ovsdb/operations.js';
import { mutation, where } from '../../lib/ovsdb/operations.js';
import { map, set, uuid } from '../../lib/ovsdb/values.js';
import { openNetworks } from './helpers.js';

const SPOKES = 60;

function everyList(o: OvnNetworks): PeeringInfo[] {
  return o.view
    .networks()
    .filter((n) => n.declarations.size > 0)
    .flatMap((n) => listPeerings(o.view, { project: n.project, network: n.name }));
}

const decl = (network: string): string => encodeDeclaration({ type: 'local', target: { project: 'default', network }, description: '', config: {} });

function routerOf(o: OvnNetworks, name: string): string {
  const r = o.view.network('default', name)?.router;
  if (!r) throw new Error(`no router for ${name}`);
  return r._uuid;
}

/** Every spoke declared towards the hub and the hub towards every spoke, in one transaction. */
function burst(o: OvnNetworks, hub: string, spokes: string[]): Operation[] {
  const ops: Operation[] = [];
  const hubDecls: Record<string, string> = {};
  for (const s of spokes) {
    ops.push(nb.mutate('Logical_Router', [where('_uuid', '==', uuid(routerOf(o, s)))], [mutation('external_ids', 'insert', map({ [peeringKey('up')]: decl(hub) }))]));
    hubDecls[peeringKey(`to-${s}`)] = decl(s);
  }
  ops.push(nb.mutate('Logical_Router', [where('_uuid', '==', uuid(routerOf(o, hub)))], [mutation('external_ids', 'insert', map(hubDecls))]));
  return ops;
}

describe('ovn: a burst of peerings in one NB transaction, taken in slices (real NB)', function () {
  this.timeout(180_000);
  let ovn: OvnHandle;
  let o: OvnNetworks;

  before(async () => {
    ovn = await startOvn({ northd: false });
    o = await openNetworks(ovn.nb.unix, { reconcile: false });
    await o.createNetwork({ name: 'hub', ipv4: '172.16.0.1/24' });
    for (let i = 0; i < SPOKES; i++) await o.createNetwork({ name: `s${i}`, ipv4: `10.${1 + (i >> 8)}.${i & 255}.1/24` });
  });
  after(async () => {
    await o?.close();
    await ovn?.stop();
  });

  it('the status index refreshed in slices counts each peering once throughout, picks up a change written between slices, and ends equal to a recount', async () => {
    const index = new PeeringIndex(o.view);
    o.view.cache.on('batch', (events) => index.note(events));
    index.update();
    assert.equal(index.counts().total, 0);
    const spokes = Array.from({ length: SPOKES }, (_, i) => `s${i}`);
    await o.client.transact(burst(o, 'hub', spokes));
    assert.equal(o.view.network('default', 'hub')?.declarations.size, SPOKES, 'the cache holds the burst');

    const consistent = (what: string): void => {
      const list = index.list();
      const keys = new Set(list.map((p) => `${p.network}/${p.name}`));
      assert.equal(keys.size, list.length, `${what}: each peering listed once`);
      const c = index.counts();
      assert.equal(c.total, list.length, `${what}: counted once`);
      assert.equal(c.created + c.pending + c.errored, c.total, `${what}: by status`);
      assert.equal(index.problems(1_000).length, c.pending + c.errored, `${what}: problems`);
    };
    let slices = 0;
    let changedBetween = false;
    while (index.pending || slices === 0) {
      index.update({ maxItems: 10 });
      slices += 1;
      consistent(`after slice ${slices}`);
      if (slices === 3) {
        // Written while slices are pending: a spoke's declaration goes, the hub's towards another is described anew.
        assert.ok(index.pending);
        await o.client.transact([
          nb.mutate('Logical_Router', [where('_uuid', '==', uuid(routerOf(o, 's0')))], [mutation('external_ids', 'delete', set([peeringKey('up')]))]),
          nb.mutate('Logical_Router', [where('_uuid', '==', uuid(routerOf(o, 'hub')))], [mutation('external_ids', 'delete', set([peeringKey('to-s1')]))]),
          nb.mutate('Logical_Router', [where('_uuid', '==', uuid(routerOf(o, 'hub')))], [mutation('external_ids', 'insert', map({ [peeringKey('to-s1')]: encodeDeclaration({ type: 'local', target: { project: 'default', network: 's1' }, description: 'again', config: {} }) }))]),
        ]);
        changedBetween = true;
      }
      assert.ok(slices < 1_000, 'the refresh ends');
    }
    assert.ok(changedBetween);
    assert.ok(slices >= 10, `the burst took several slices (${slices})`);
    assert.deepEqual(index.list(), everyList(o), 'the index equals the peer lists made from scratch');
    assert.equal(index.counts().total, 2 * SPOKES - 1);
    assert.equal(index.list().find((p) => p.network === 'hub' && p.name === 'to-s1')?.description, 'again');
    assert.equal(index.list().find((p) => p.network === 's0'), undefined);
    assert.equal(index.peeringsOf(o.view.network('default', 'hub')?.id ?? -1).length, SPOKES);

    // Invalidated (a reconnect): rebuilt in slices too, each peering still counted once between them.
    index.invalidate();
    slices = 0;
    while (index.pending) {
      index.update({ maxItems: 10 });
      slices += 1;
      consistent(`rebuild slice ${slices}`);
    }
    assert.ok(slices >= 10, `the rebuild took several slices (${slices})`);
    assert.deepEqual(index.list(), everyList(o), 'the rebuilt index equals the peer lists made from scratch');
  });

  it('the reconciler repairs a burst larger than its slice completely, in several transactions', async () => {
    const repaired: number[] = [];
    const r = await openNetworks(ovn.nb.unix, { reconcile: { debounceMs: 20, slicePairs: 16 } });
    try {
      r.on('repaired', (c) => repaired.push(c.length));
      await waitFor('the reconciler holds the lock', () => (r.reconciling ? true : undefined));
      await waitFor('every pair repaired', () => (planReconcile(r.view).operations.length === 0 && repaired.length > 0 ? true : undefined), 60_000);
      assert.ok(repaired.length >= 4, `repaired in several transactions (${repaired.length}: ${repaired.join(', ')})`);
      // A pair (network, remote) is at most a port and a route here (IPv4 only): no slice went over 16 pairs.
      assert.ok(repaired.every((n) => n <= 2 * 16), `rows per transaction: ${repaired.join(', ')}`);
      // Each repair told is one transaction; the hub's towards s0 stays pending (s0 no longer declares back).
      const list = everyList(r);
      assert.equal(list.length, 2 * SPOKES - 1);
      assert.deepEqual(list.filter((p) => p.status !== 'created').map((p) => `${p.network}/${p.name} ${p.status}`), ['hub/to-s0 pending']);
    } finally {
      await r.close();
    }
  });
});
