// The typed layer over the builders and the cache. What must not compile carries an expected-error
// directive, which tsc itself fails on once there is no error to expect, so each such line keeps
// proving its check; at run time the typed builders build exactly what the untyped ones do.
import assert from 'node:assert/strict';
import { TableCache, withRowTypes } from '../../lib/ovsdb/cache.js';
import type { CacheEvent } from '../../lib/ovsdb/cache.js';
import { DecodeError } from '../../lib/ovsdb/errors.js';
import { deleteRows, insert, mutate, mutation, select, update, wait, where } from '../../lib/ovsdb/operations.js';
import { opsFor } from '../../lib/ovsdb/typed-operations.js';
import { validateTransaction } from '../../lib/ovsdb/validate.js';
import { map, namedUuid, set, uuid } from '../../lib/ovsdb/values.js';
import { ovnNorthboundSchema } from '../../lib/ovn/schema/ovn-nb.generated.js';
import type { OVNNorthboundTables } from '../../lib/ovn/schema/ovn-nb.generated.js';

const U1 = '2f1e4c8a-58c4-4e4b-9a4e-2f7a0b7e1c11';
const nb = opsFor(ovnNorthboundSchema);

describe('typed operations and cache: the generated row types checked by tsc', () => {
  it('refuses at compile time what validate.ts would refuse at run time', () => {
    const refused = [
      // @ts-expect-error misspelt column
      () => nb.insert('Logical_Router', { nmae: 'r1' }),
      // @ts-expect-error wrongly typed value: name is a string
      () => nb.insert('Logical_Router', { name: 5 }),
      // @ts-expect-error a set of numbers for a set of strings
      () => nb.insert('Logical_Router_Port', { name: 'p', mac: '00:00:00:00:00:01', networks: set([1, 2]) }),
      // @ts-expect-error a uuid column takes ["uuid", s] or ["named-uuid", name], not a string
      () => nb.insert('Logical_Router', { name: 'r', ports: set([U1]) }),
      // @ts-expect-error an optional uuid column takes a uuid, not a string
      () => nb.update('Logical_Switch', [], { copp: U1 }),
      // @ts-expect-error a string column takes a string, not a uuid
      () => nb.insert('Logical_Router', { name: uuid(U1) }),
      // @ts-expect-error not a table
      () => nb.insert('Logical_Routers', {}),
      // @ts-expect-error not one of the enum's values (Logical_Router_Static_Route.policy)
      () => nb.insert('Logical_Router_Static_Route', { ip_prefix: '10.0.0.0/24', nexthop: '10.0.0.1', policy: 'dest-ip' }),
      // @ts-expect-error _uuid is the server's: not writable
      () => nb.update('Logical_Router', [], { _uuid: uuid(U1) }),
      // @ts-expect-error a condition on a column the table lacks
      () => nb.deleteRows('Logical_Router', [where('nmae', '==', 'r1')]),
      // @ts-expect-error the row's uuid is compared as ["uuid", s], not as a plain string
      () => nb.deleteRows('Logical_Router', [where('_uuid', '==', U1)]),
      // @ts-expect-error arithmetic on a string column
      () => nb.mutate('Logical_Router', [], [mutation('name', '+=', 1)]),
      // @ts-expect-error a map for a set column
      () => nb.mutate('Logical_Router', [], [mutation('ports', 'insert', map({ a: 'b' }))]),
      // @ts-expect-error wait lists a column the table lacks
      () => nb.wait('NB_Global', { where: [], columns: ['nb_cgf'], rows: [] }),
      // @ts-expect-error select of a misspelt column
      () => nb.select('NB_Global', [], ['nb_cgf']),
    ];
    // The same mistakes built anyway (the types were overruled) still never reach the server.
    for (const build of refused) {
      assert.throws(() => {
        validateTransaction(ovnNorthboundSchema, [build()]);
      });
    }
  });

  it('builds the same operations as the untyped builders', () => {
    const at = [where('_uuid', '==', uuid(U1))];
    const lrp = { name: 'lrp1', mac: '00:00:00:00:00:01', networks: set(['10.0.0.1/24']), external_ids: map({ k: 'v' }) };
    const pairs = [
      [nb.insert('Logical_Router_Port', lrp, 'lrp'), insert('Logical_Router_Port', lrp, 'lrp')],
      [nb.insert('Logical_Router', { name: 'r', ports: set([namedUuid('lrp')]) }), insert('Logical_Router', { name: 'r', ports: set([namedUuid('lrp')]) })],
      [nb.update('Logical_Router_Port', at, { mac: '00:00:00:00:00:02' }), update('Logical_Router_Port', at, { mac: '00:00:00:00:00:02' })],
      [
        nb.mutate('Logical_Router', at, [mutation('ports', 'delete', set([uuid(U1)])), mutation('external_ids', 'delete', set(['k']))]),
        mutate('Logical_Router', at, [mutation('ports', 'delete', set([uuid(U1)])), mutation('external_ids', 'delete', set(['k']))]),
      ],
      [nb.mutate('NB_Global', at, [mutation('nb_cfg', '+=', 1)]), mutate('NB_Global', at, [mutation('nb_cfg', '+=', 1)])],
      [nb.deleteRows('Logical_Switch', at), deleteRows('Logical_Switch', at)],
      [nb.update('Logical_Switch', at, { copp: uuid(U1) }), update('Logical_Switch', at, { copp: uuid(U1) })],
      [nb.update('Logical_Switch', at, { copp: set([]) }), update('Logical_Switch', at, { copp: set([]) })],
      [nb.select('NB_Global', at, ['nb_cfg']), select('NB_Global', at, ['nb_cfg'])],
      [
        nb.wait('Logical_Router', { where: [where('external_ids', 'includes', map({ k: 'v' }))], columns: ['_uuid'], rows: [], timeout: 0 }),
        wait('Logical_Router', { where: [where('external_ids', 'includes', map({ k: 'v' }))], columns: ['_uuid'], rows: [], timeout: 0 }),
      ],
    ] as const;
    for (const [typed, untyped] of pairs) assert.deepEqual(typed, untyped);
    validateTransaction(
      ovnNorthboundSchema,
      pairs.map(([typed]) => typed),
    );
  });

  it('a typed cache hands out row types cut to the monitored columns', () => {
    const cache = TableCache.of(ovnNorthboundSchema, { Logical_Router: ['name', 'external_ids'] }, { Logical_Router: [['name']] });
    const seen: string[] = [];
    cache.on('change', (e: CacheEvent<{ Logical_Router: Pick<OVNNorthboundTables['Logical_Router'], '_uuid' | 'name' | 'external_ids'> }>) => {
      if (e.kind !== 'delete') seen.push(e.row.name);
    });
    cache.applyUpdates({ Logical_Router: { [U1]: { insert: { name: 'r1', external_ids: ['map', [['k', 'v']]] } } } });
    assert.deepEqual(seen, ['r1']);
    const row = cache.lookup('Logical_Router', ['name'], ['r1'])[0];
    assert.equal(row?.external_ids.k, 'v');
    assert.equal(cache.get('Logical_Router', U1)?.name, 'r1');
    // @ts-expect-error not monitored: not in the row type
    void row?.ports;
    // @ts-expect-error a table the cache does not monitor
    assert.throws(() => cache.table('Logical_Switch'), DecodeError);
    // @ts-expect-error an extra index on a column the cache does not monitor
    TableCache.of(ovnNorthboundSchema, { Logical_Router: ['name'] }, { Logical_Router: [['ports']] });
    // @ts-expect-error the index value has the column's type
    assert.deepEqual(cache.lookup('Logical_Router', ['name'], [1]), []);
  });

  it('withRowTypes vouches for a cache made from plain names only when it monitors what the types say', () => {
    const plain = new TableCache(ovnNorthboundSchema, { Logical_Router: ['name', 'external_ids'], Logical_Switch: undefined });
    const typed = withRowTypes(plain, ovnNorthboundSchema, { Logical_Router: ['name'], Logical_Switch: ['ports'] });
    assert.equal(typed.table('Logical_Switch').size, 0);
    assert.throws(() => withRowTypes(plain, ovnNorthboundSchema, { Logical_Router: ['ports'] }), /ports.*not monitored|not monitored/);
    assert.throws(() => withRowTypes(plain, ovnNorthboundSchema, { NB_Global: undefined }), /not monitored/);
  });
});
