// Report peerings as deltas (reports/peering-delta.ts), a pure unit: the full set first, then only
// what changed, an empty delta when nothing did, the full set again after a resync, and a digest
// that always equals the digest of the whole set, which is what the controller checks.
import assert from 'node:assert/strict';
import { PeeringDeltas } from '../../agent/daemon/reports/peering-delta.js';
import { PeeringDigest } from '../../agent/api/peering-digest.js';
import type { PeeringSummary } from '../../agent/api/status.js';

const p = (network: string, target: string, status: PeeringSummary['status'] = 'Created'): PeeringSummary => ({
  project: 'default',
  network,
  name: `to-${target}`,
  target_project: 'default',
  target_network: target,
  type: 'local',
  status,
});

describe('agent: report peering deltas', () => {
  it('full set first, then changes, removals and empty heartbeats; the digest is the whole set\'s', () => {
    const d = new PeeringDeltas();
    const ab = p('a', 'b', 'Pending');
    const ba = p('b', 'a');
    let list = [ab, ba];
    const first = d.next(1, list);
    assert.equal(first.kind, 'full');
    assert.deepEqual(first.kind === 'full' && first.items, list);
    assert.equal(first.digest, PeeringDigest.of(list).hex);

    // A heartbeat with the same list: nothing in it.
    assert.deepEqual(d.next(2, list), { kind: 'delta', base: 1, digest: PeeringDigest.of(list).hex, changed: [], removed: [] });
    // A new array with equal content (the source rebuilt it): still nothing.
    assert.deepEqual(d.next(3, [{ ...ab }, { ...ba }]), { kind: 'delta', base: 2, digest: PeeringDigest.of(list).hex, changed: [], removed: [] });

    // One peering changes status, one is added.
    const abCreated = p('a', 'b');
    const cd = p('c', 'd', 'Pending');
    list = [abCreated, ba, cd];
    const change = d.next(4, list);
    assert.deepEqual(change, { kind: 'delta', base: 3, digest: PeeringDigest.of(list).hex, changed: [abCreated, cd], removed: [] });

    // One removed.
    list = [abCreated, cd];
    assert.deepEqual(d.next(5, list), { kind: 'delta', base: 4, digest: PeeringDigest.of(list).hex, changed: [], removed: [{ project: 'default', network: 'b', name: 'to-a' }] });

    // The controller asked for the full set.
    d.resync();
    const full = d.next(6, list);
    assert.equal(full.kind, 'full');
    assert.equal(full.digest, PeeringDigest.of(list).hex);
    assert.equal(d.next(7, list).kind, 'delta');
  });

  it('the digest does not depend on the order of the peerings', () => {
    const list = Array.from({ length: 50 }, (_, i) => p(`n${i}`, `m${i}`, i % 3 === 0 ? 'Pending' : 'Created'));
    assert.equal(PeeringDigest.of(list).hex, PeeringDigest.of([...list].reverse()).hex);
    assert.notEqual(PeeringDigest.of(list).hex, PeeringDigest.of(list.slice(1)).hex);
  });
});
