// What an update event says about a `modify` from a real server, and what it costs: the changed
// map keys with their old values and the set elements gained and lost, in proportion to the
// change (a router with 2,000 external_ids keys, one changed, names one key); the map changed in
// place rather than copied; the old row still reading exactly as it was, after further changes
// too; a resync (no diff from the server) announcing only real differences, without `changes`.
import assert from 'node:assert/strict';
import { startOvn } from '../../testbed/ovn.js';
import type { OvnHandle } from '../../testbed/ovn.js';
import { waitFor } from '../../testbed/exec.js';
import { OvsdbClient } from '../../lib/ovsdb/client.js';
import { TableCache, valueBefore } from '../../lib/ovsdb/cache.js';
import type { CacheEvent } from '../../lib/ovsdb/cache.js';
import { mutation, where } from '../../lib/ovsdb/operations.js';
import { map, namedUuid, set, uuid } from '../../lib/ovsdb/values.js';
import { opsFor } from '../../lib/ovsdb/typed-operations.js';
import { ovnNorthboundSchema } from '../../lib/ovn/schema/ovn-nb.generated.js';

const TABLES = { Logical_Router: ['name', 'ports', 'external_ids'], Logical_Router_Port: ['name'] } as const;
const KEYS = 2_000;
const nb = opsFor(ovnNorthboundSchema);

describe('ovsdb cache: what an update changed, against a standalone server', function () {
  this.timeout(30_000);
  let ovn: OvnHandle;
  let client: OvsdbClient;
  const events: CacheEvent[] = [];
  let router = '';

  const routerRow = (): Record<string, unknown> & { external_ids: Record<string, string>; ports: string[] } => {
    const r = client.cache.get('Logical_Router', router) as (Record<string, unknown> & { external_ids: Record<string, string>; ports: string[] }) | undefined;
    if (!r) throw new Error('router not cached');
    return r;
  };
  /** The next update of the router, after `act`. */
  const updateAfter = async (act: () => Promise<unknown>): Promise<CacheEvent & { kind: 'update' }> => {
    events.length = 0;
    await act();
    return waitFor('the router updated', () => events.find((e): e is CacheEvent & { kind: 'update' } => e.kind === 'update' && e.table === 'Logical_Router'));
  };

  before(async () => {
    ovn = await startOvn({ northd: false });
    client = await OvsdbClient.connect({ remotes: ovn.nb.unix, schema: ovnNorthboundSchema, monitor: { tables: TABLES, extraIndexes: { Logical_Router: [['name']] } } });
    const ids: Record<string, string> = {};
    for (let i = 0; i < KEYS; i++) ids[`k${i}`] = `v${i}`;
    await client.transact([nb.insert('Logical_Router', { name: 'big', external_ids: map(ids) })]);
    router = (await waitFor('big cached', () => client.cache.lookup('Logical_Router', ['name'], ['big'])[0]))._uuid;
    client.cache.on('change', (e) => events.push(e));
  });
  after(async () => {
    client?.close();
    await ovn?.stop();
  });

  it('names only the keys that changed, with their values before, and changes the map where it is', async () => {
    const before = routerRow();
    const mapObject = before.external_ids;
    const snapshot = { ...mapObject };
    // Another client: one key replaced, one removed, one added.
    const e = await updateAfter(() => ovn.nbctl(['set', 'Logical_Router', 'big', 'external_ids:k5=new', 'external_ids:added=1', '--', 'remove', 'Logical_Router', 'big', 'external_ids', 'k7']));
    const change = e.changes?.external_ids;
    assert.ok(change && change.kind === 'map', 'the event carries the map diff');
    assert.deepEqual(
      [...change.before].sort(),
      [
        ['added', undefined],
        ['k5', 'v5'],
        ['k7', 'v7'],
      ],
    );
    assert.equal(e.changes?.ports, undefined, 'a column the modify did not name is not listed');
    assert.equal(e.row.ports, e.old.ports, 'and keeps its object');
    // Not copied: the new row holds the same object, changed.
    assert.equal(e.row.external_ids, mapObject);
    assert.equal(e.row.external_ids.k5, 'new');
    assert.equal(valueBefore(change, e.row.external_ids, 'k5'), 'v5');
    assert.equal(valueBefore(change, e.row.external_ids, 'k9'), 'v9', 'a key that did not change reads from the new row');
    // The old row reads as it was, made when read, even after a further change.
    const later = await updateAfter(() => ovn.nbctl(['set', 'Logical_Router', 'big', 'external_ids:k1=again']));
    assert.deepEqual([...(later.changes?.external_ids?.kind === 'map' ? later.changes.external_ids.before : [])], [['k1', 'v1']]);
    assert.deepEqual(e.old.external_ids, snapshot);
    assert.deepEqual(later.old.external_ids, omit({ ...snapshot, k5: 'new', added: '1' }, 'k7'));
    assert.equal(routerRow().external_ids.k1, 'again');
    assert.equal(Object.keys(routerRow().external_ids).length, KEYS);
  });

  it('names the set elements gained and lost', async () => {
    const added = await updateAfter(() => ovn.nbctl(['lrp-add', 'big', 'big-p1', '02:00:00:00:00:01', '10.9.0.1/24']));
    const port = client.cache.lookupOne('Logical_Router_Port', 'name', 'big-p1');
    assert.ok(port);
    assert.deepEqual(added.changes?.ports, { kind: 'set', added: [port._uuid], removed: [] });
    const removed = await updateAfter(() => client.transact([nb.mutate('Logical_Router', [where('_uuid', '==', uuid(router))], [mutation('ports', 'delete', set([uuid(port._uuid)]))])]));
    assert.deepEqual(removed.changes?.ports, { kind: 'set', added: [], removed: [port._uuid] });
    assert.deepEqual(removed.old.ports, [port._uuid]);
    assert.deepEqual(removed.row.ports, []);
  });

  it('changes a big set where it is, and the old row reads exactly as it was, in its order, after further changes too', async () => {
    // 70 ports in one transaction (a bulk diff: copied), so that the set is big enough to be changed in place.
    const names = Array.from({ length: 70 }, (_, i) => `bulk-${i}`);
    await updateAfter(() =>
      client.transact([
        ...names.map((name) => nb.insert('Logical_Router_Port', { name, mac: '02:00:00:00:01:01', networks: set(['10.8.0.1/24']) }, name.replace('-', '_'))),
        nb.mutate('Logical_Router', [where('_uuid', '==', uuid(router))], [mutation('ports', 'insert', set(names.map((n) => namedUuid(n.replace('-', '_')))))]),
      ]),
    );
    const portOf = (name: string): string => {
      const p = client.cache.lookupOne('Logical_Router_Port', 'name', name);
      assert.ok(p, name);
      return p._uuid;
    };
    const array = routerRow().ports;
    const snapshot = [...array];
    assert.equal(snapshot.length, 70);
    const nameOf = new Map(names.map((n) => [portOf(n), n]));
    const middle = snapshot[35] as string;
    const middleName = nameOf.get(middle) as string;
    // One transaction: a port from the middle out, a new one in.
    const e = await updateAfter(() => ovn.nbctl(['lrp-del', middleName, '--', 'lrp-add', 'big', 'big-p5', '02:00:00:00:00:05', '10.9.5.1/24']));
    assert.deepEqual(e.changes?.ports, { kind: 'set', added: [portOf('big-p5')], removed: [middle] });
    assert.equal(e.row.ports, array, 'not copied: the new row holds the same array, changed');
    const after = [...snapshot.filter((u) => u !== middle), portOf('big-p5')];
    assert.deepEqual(e.row.ports, after);
    const first = snapshot[0] as string;
    const later = await updateAfter(() => ovn.nbctl(['lrp-del', nameOf.get(first) as string]));
    assert.deepEqual(e.old.ports, snapshot);
    assert.deepEqual(later.old.ports, after);
    assert.deepEqual(routerRow().ports, after.slice(1));
  });
});

describe('ovsdb cache: a resync (pure, on the cache alone)', () => {
  const u = '6c2bd7a2-8b4e-4c3f-9f57-0a1b2c3d4e5f';
  const snapshot = (ids: [string, string][]): unknown => ({ Logical_Router: { [u]: { initial: { name: 'x', external_ids: ['map', ids] } } } });

  it('announces no update for a row whose map only holds its keys in another order, and an update without `changes` for one that differs', () => {
    const cache = new TableCache(ovnNorthboundSchema, { Logical_Router: ['name', 'external_ids'] });
    cache.applyUpdates(snapshot([['a', '1'], ['b', '2']]));
    // Removed and added again: the same content, its keys in another order than the server's.
    for (const pair of [['a', '1'], ['a', '1'], ['c', '3']]) cache.applyUpdates({ Logical_Router: { [u]: { modify: { external_ids: ['map', [pair]] } } } });
    assert.deepEqual(Object.keys(cache.get('Logical_Router', u)?.external_ids as object), ['b', 'a', 'c']);
    assert.deepEqual(cache.replaceAll(snapshot([['a', '1'], ['b', '2'], ['c', '3']])), []);
    const [e, ...rest] = cache.replaceAll(snapshot([['a', '1'], ['b', '2'], ['c', '4']]));
    assert.equal(rest.length, 0);
    assert.ok(e?.kind === 'update');
    assert.equal(e.changes, undefined, 'a resync compares whole rows: no diff from the server to pass on');
    assert.equal((e.old.external_ids as Record<string, string>).c, '3');
    assert.equal((e.row.external_ids as Record<string, string>).c, '4');
  });
});

describe('ovsdb cache: sets changed where they are (pure, on the cache alone)', () => {
  const u = '6c2bd7a2-8b4e-4c3f-9f57-0a1b2c3d4e5f';
  const uuidOf = (i: number): string => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;

  it('gives every old row of a long chain of random diffs (1 to 8 toggles, and a bulk one; sets above and below the size changed in place) exactly its set, in its order', () => {
    const cache = new TableCache(ovnNorthboundSchema, { Logical_Router: ['name', 'ports'] });
    let seed = 7;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    let model = Array.from({ length: 80 }, (_, i) => uuidOf(i));
    cache.applyUpdates({ Logical_Router: { [u]: { initial: { name: 'x', ports: ['set', model.map((x) => ['uuid', x])] } } } });
    const seen: { old: Record<string, unknown>; before: string[] }[] = [];
    let next = 80;
    const sizes = new Set<boolean>();
    for (let step = 0; step < 300; step++) {
      // Distinct elements per diff, as a server sends them: some present (removed), some new.
      const n = step === 150 ? 20 : 1 + rand(8);
      const toggles = new Set<string>();
      while (toggles.size < n) toggles.add(model.length > 0 && rand(2) === 0 ? (model[rand(model.length)] as string) : uuidOf(next++));
      const before = [...model];
      sizes.add(before.length >= 64);
      for (const t of toggles) {
        const i = model.indexOf(t);
        if (i >= 0) model.splice(i, 1);
        else model = [...model, t];
      }
      const [e] = cache.applyUpdates({ Logical_Router: { [u]: { modify: { ports: ['set', [...toggles].map((x) => ['uuid', x])] } } } });
      assert.ok(e?.kind === 'update');
      const ch = e.changes?.ports;
      assert.ok(ch?.kind === 'set');
      assert.deepEqual([...ch.added].sort(), [...toggles].filter((t) => !before.includes(t)).sort());
      assert.deepEqual([...ch.removed].sort(), [...toggles].filter((t) => before.includes(t)).sort());
      seen.push({ old: e.old, before });
    }
    // Read only now, after every later change: each row as it was, the newest as it is.
    assert.equal(sizes.size, 2, 'the walk went through both sizes');
    for (const [i, s] of seen.entries()) assert.deepEqual(s.old.ports, s.before, `old row of change ${i}`);
    assert.deepEqual(cache.get('Logical_Router', u)?.ports, model);
  });
});

function omit(r: Record<string, string>, key: string): Record<string, string> {
  const out = { ...r };
  delete out[key];
  return out;
}
