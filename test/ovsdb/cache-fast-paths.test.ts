// The cache's and the validator's fast paths give the answers of the general ones (pure: the
// cache alone, fed update2 notifications as the server sends them).
import assert from 'node:assert/strict';
import { TableCache } from '../../lib/ovsdb/cache.js';
import { decodeRow, isUuid } from '../../lib/ovsdb/values.js';
import { ovnNorthboundSchema } from '../../lib/ovn/schema/ovn-nb.generated.js';

const U = (i: number): string => `6c2bd7a2-8b4e-4c3f-9f57-${i.toString(16).padStart(12, '0')}`;

describe('ovsdb cache and values: fast paths', () => {
  it('a one-column index keeps names and other values apart (a name that looks like a serialized key finds only its row)', () => {
    const cache = new TableCache(ovnNorthboundSchema, { Logical_Router_Port: ['name', 'peer'] }, { Logical_Router_Port: [['peer']] });
    cache.applyUpdates({
      Logical_Router_Port: {
        [U(1)]: { insert: { name: 'a' } },
        [U(2)]: { insert: { name: 'b', peer: '[null]' } },
        [U(3)]: { insert: { name: 'c', peer: '\u0000[null]' } },
      },
    });
    assert.deepEqual(cache.lookup('Logical_Router_Port', ['peer'], [undefined]).map((r) => r.name), ['a']);
    assert.deepEqual(cache.lookup('Logical_Router_Port', ['peer'], ['[null]']).map((r) => r.name), ['b']);
    assert.deepEqual(cache.lookupOne('Logical_Router_Port', 'name', 'c')?.peer, '\u0000[null]');
  });

  it('an index key goes from one row to several and back as rows come, are renamed and go', () => {
    const cache = new TableCache(ovnNorthboundSchema, { Logical_Router: ['name'] }, { Logical_Router: [['name']] });
    const names = (name: string): string[] => cache.lookup('Logical_Router', ['name'], [name]).map((r) => r._uuid).sort();
    cache.applyUpdates({ Logical_Router: { [U(1)]: { insert: { name: 'r' } } } });
    assert.deepEqual(names('r'), [U(1)]);
    cache.applyUpdates({ Logical_Router: { [U(2)]: { insert: { name: 'r' } }, [U(3)]: { insert: { name: 'r' } } } });
    assert.deepEqual(names('r'), [U(1), U(2), U(3)]);
    cache.applyUpdates({ Logical_Router: { [U(2)]: { modify: { name: 's' } }, [U(3)]: { delete: null } } });
    assert.deepEqual(names('r'), [U(1)]);
    assert.deepEqual(names('s'), [U(2)]);
    cache.applyUpdates({ Logical_Router: { [U(1)]: { delete: null } } });
    assert.deepEqual(names('r'), []);
    cache.applyUpdates({ Logical_Router: { [U(1)]: { insert: { name: 's' } } } });
    assert.deepEqual(names('s'), [U(1), U(2)]);
    cache.applyUpdates({ Logical_Router: { [U(2)]: { delete: null } } });
    assert.deepEqual(names('s'), [U(1)]);
  });

  it('re-keys a renamed row and keeps the key of a row whose indexed column did not change', () => {
    const cache = new TableCache(ovnNorthboundSchema, { Logical_Router: ['name', 'ports'] }, { Logical_Router: [['name']] });
    cache.applyUpdates({ Logical_Router: { [U(1)]: { insert: { name: 'r1' } } } });
    cache.applyUpdates({ Logical_Router: { [U(1)]: { modify: { ports: ['uuid', U(9)] } } } });
    assert.equal(cache.lookupOne('Logical_Router', 'name', 'r1')?._uuid, U(1));
    cache.applyUpdates({ Logical_Router: { [U(1)]: { modify: { name: 'r2' } } } });
    assert.equal(cache.lookupOne('Logical_Router', 'name', 'r1'), undefined);
    assert.deepEqual(cache.lookupOne('Logical_Router', 'name', 'r2')?.ports, [U(9)]);
  });

  it('one toggled set element: added when absent, removed when present, named in `changes`', () => {
    const cache = new TableCache(ovnNorthboundSchema, { Logical_Router: ['name', 'ports'] });
    cache.applyUpdates({ Logical_Router: { [U(1)]: { insert: { name: 'r', ports: ['set', [['uuid', U(7)], ['uuid', U(8)]]] } } } });
    const [added] = cache.applyUpdates({ Logical_Router: { [U(1)]: { modify: { ports: ['uuid', U(9)] } } } });
    assert.ok(added?.kind === 'update');
    assert.deepEqual(added.row.ports, [U(7), U(8), U(9)]);
    assert.deepEqual(added.old.ports, [U(7), U(8)]);
    assert.deepEqual(added.changes?.ports, { kind: 'set', added: [U(9)], removed: [] });
    const [removed] = cache.applyUpdates({ Logical_Router: { [U(1)]: { modify: { ports: ['uuid', U(7)] } } } });
    assert.ok(removed?.kind === 'update');
    assert.deepEqual(removed.row.ports, [U(8), U(9)]);
    assert.deepEqual(removed.changes?.ports, { kind: 'set', added: [], removed: [U(7)] });
  });

  it('a fresh row holds what decodeRow gives plus defaults, one property order per table, whatever columns the server left out', () => {
    const monitored = ['name', 'mac', 'networks', 'peer', 'external_ids', 'enabled'];
    const cache = new TableCache(ovnNorthboundSchema, { Logical_Router_Port: monitored });
    const table = ovnNorthboundSchema.tables.get('Logical_Router_Port');
    assert.ok(table);
    const wires: Record<string, unknown>[] = [
      { name: 'p1' },
      { peer: 'p1', name: 'p2', networks: ['set', ['10.0.0.1/24', 'fd00::1/64']] },
      { external_ids: ['map', [['k', 'v']]], enabled: false, mac: '00:16:3e:00:00:01', name: 'p3', networks: '10.0.0.2/24' },
    ];
    cache.applyUpdates({ Logical_Router_Port: Object.fromEntries(wires.map((w, i) => [U(i + 1), { insert: w }])) });
    const defaults = { name: '', mac: '', networks: [], peer: undefined, external_ids: {}, enabled: undefined };
    wires.forEach((w, i) => {
      const row = cache.get('Logical_Router_Port', U(i + 1));
      assert.deepEqual(row, { ...defaults, ...decodeRow(table, w), _uuid: U(i + 1) });
      assert.deepEqual(Object.keys(row ?? {}), [...monitored, '_uuid']);
    });
    // A column outside the monitored list (a server that sends more, `_version`) is kept, as decodeRow keeps it.
    cache.applyUpdates({ Logical_Router_Port: { [U(9)]: { insert: { name: 'p9', _version: ['uuid', U(99)], options: ['map', [['a', 'b']]] } } } });
    assert.deepEqual(cache.get('Logical_Router_Port', U(9)), { ...defaults, name: 'p9', _version: U(99), options: { a: 'b' }, _uuid: U(9) });
  });

  it('isUuid accepts 8-4-4-4-12 hex digits of either case and nothing else', () => {
    assert.ok(isUuid('6C2BD7A2-8b4e-4c3f-9f57-0a1b2c3d4e5f'));
    for (const bad of ['', '6c2bd7a2-8b4e-4c3f-9f57-0a1b2c3d4e5', '6c2bd7a2-8b4e-4c3f-9f57-0a1b2c3d4e5f0', '6c2bd7a28-b4e-4c3f-9f57-0a1b2c3d4e5f', '6c2bd7a2-8b4e-4c3f-9f57-0a1b2c3d4e5g', '6c2bd7a2_8b4e-4c3f-9f57-0a1b2c3d4e5f']) {
      assert.equal(isUuid(bad), false, bad);
    }
  });
});
