import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DecodeError, SchemaValidationError } from '../../lib/ovsdb/errors.js';
import { parseSchema } from '../../lib/ovsdb/schema.js';
import type { ColumnType, TableSchema } from '../../lib/ovsdb/schema.js';
import { encodeRow, encodeValue } from '../../lib/ovsdb/encode.js';
import { decodeRow, decodeValue, map, namedUuid, set, uuid } from '../../lib/ovsdb/values.js';
import { ovnNorthboundSchema } from '../../lib/ovn/schema/ovn-nb.generated.js';

const U1 = '2f1e4c8a-58c4-4e4b-9a4e-2f7a0b7e1c11';
const U2 = 'a1c314f9-4e87-4029-bdd2-9e95a2afaf4f';

function table(name: string): TableSchema {
  const t = ovnNorthboundSchema.tables.get(name);
  assert.ok(t, name);
  return t;
}

const lrp = table('Logical_Router_Port');

describe('values: RFC 7047 notation to JavaScript and back', () => {
  it('builds wire atoms and containers', () => {
    assert.deepEqual(uuid(U1), ['uuid', U1]);
    assert.deepEqual(namedUuid('lrp_peer'), ['named-uuid', 'lrp_peer']);
    assert.deepEqual(set(['a', 'b']), ['set', ['a', 'b']]);
    assert.deepEqual(map({ peer: 'x', 'a-b': 'y' }), ['map', [['peer', 'x'], ['a-b', 'y']]]);
    assert.deepEqual(map(new Map([[1, uuid(U1)]])), ['map', [[1, ['uuid', U1]]]]);
    assert.throws(() => uuid('not-a-uuid'), SchemaValidationError);
    assert.throws(() => namedUuid('1starts-with-digit'), SchemaValidationError);
  });

  it('decodes a Logical_Router_Port row as the server sends it', () => {
    const wire = {
      _uuid: ['uuid', U1],
      _version: ['uuid', U2],
      name: 'incus-net1-lr-lrp-peer-net2',
      mac: '00:16:3e:00:01:01',
      networks: ['set', ['10.10.1.1/32', 'fd42:1::1/128']],
      peer: 'incus-net2-lr-lrp-peer-net1', // one-element set written as a bare atom
      enabled: ['set', []],
      gateway_chassis: ['uuid', U2], // bare uuid standing for a one-element set
      options: ['map', [['requested-chassis', 'hv1']]],
      external_ids: ['map', []],
    };
    assert.deepEqual(decodeRow(lrp, wire), {
      _uuid: U1,
      _version: U2,
      name: 'incus-net1-lr-lrp-peer-net2',
      mac: '00:16:3e:00:01:01',
      networks: ['10.10.1.1/32', 'fd42:1::1/128'],
      peer: 'incus-net2-lr-lrp-peer-net1',
      enabled: undefined,
      gateway_chassis: [U2],
      options: { 'requested-chassis': 'hv1' },
      external_ids: {},
    });
  });

  it('leaves absent columns absent and drops columns of a newer schema unless told otherwise', () => {
    const wire = { name: 'p', status: ['map', [['hosting-chassis', 'hv1']]] }; // status: added in 24.03
    assert.deepEqual(decodeRow(lrp, wire), { name: 'p' });
    assert.throws(
      () => decodeRow(lrp, wire, { unknownColumns: 'error' }),
      (e: unknown) => e instanceof DecodeError && e.table === 'Logical_Router_Port' && e.column === 'status',
    );
  });

  it('decodes maps with non-string keys into a Map', () => {
    const type: ColumnType = { key: { type: 'integer' }, value: { type: 'uuid' }, min: 0, max: 'unlimited' };
    const decoded = decodeValue(type, ['map', [[1, ['uuid', U1]], [2, ['uuid', U2]]]], { table: 'QoS', column: 'queues' });
    assert.deepEqual(decoded, new Map([[1, U1], [2, U2]]));
  });

  it('keeps a map key named __proto__ as data, not as the prototype', () => {
    const decoded = decodeValue(lrp.columns.get('external_ids')?.type as ColumnType, ['map', [['__proto__', 'x']]], {
      table: 'Logical_Router_Port',
      column: 'external_ids',
    }) as Record<string, string>;
    assert.equal(Object.getPrototypeOf(decoded), Object.prototype);
    assert.deepEqual(Object.entries(decoded), [['__proto__', 'x']]);
  });

  it('refuses to decode values of the wrong structure, naming table and column', () => {
    const cases: [string, unknown, RegExp][] = [
      ['name', 5, /expected a string, got 5/],
      ['name', ['set', []], /expected one element, got none/],
      ['peer', ['set', ['a', 'b']], /at most one element, got 2/],
      ['options', ['set', []], /expected a map/],
      ['gateway_chassis', ['set', ['not-a-uuid-atom']], /expected \["uuid", UUID\]/],
      ['enabled', 'yes', /expected a boolean, got "yes"/],
      ['enabled', { set: [] }, /expected optional boolean, got/],
    ];
    for (const [col, wire, message] of cases) {
      assert.throws(
        () => decodeRow(lrp, { [col]: wire }),
        (e: unknown) =>
          e instanceof DecodeError && e.code === 'HVNET_OVSDB_DECODE' && e.table === 'Logical_Router_Port' && e.column === col && message.test(e.message),
        col,
      );
    }
    assert.throws(() => decodeRow(lrp, [1]), DecodeError);
  });

  it('encodes a JavaScript row per column type', () => {
    assert.deepEqual(
      encodeRow(lrp, {
        name: 'lrp1',
        mac: '00:16:3e:00:01:01',
        networks: ['10.10.1.1/24'],
        peer: undefined,
        enabled: true,
        gateway_chassis: [U1, namedUuid('gc')],
        ha_chassis_group: null,
        options: { peer: 'x' },
        external_ids: new Map([['k', 'v']]),
      }),
      {
        name: 'lrp1',
        mac: '00:16:3e:00:01:01',
        networks: ['set', ['10.10.1.1/24']],
        peer: ['set', []],
        enabled: true,
        gateway_chassis: ['set', [['uuid', U1], ['named-uuid', 'gc']]],
        ha_chassis_group: ['set', []],
        options: ['map', [['peer', 'x']]],
        external_ids: ['map', [['k', 'v']]],
      },
    );
  });

  it('encodes uuid scalars from strings and from uuid()/namedUuid(), and sets from a Set or a lone atom', () => {
    const lsp = table('Logical_Switch');
    const type = lsp.columns.get('ports')?.type as ColumnType;
    const at = { table: 'Logical_Switch', column: 'ports' };
    assert.deepEqual(encodeValue(type, new Set([U1]), at), ['set', [['uuid', U1]]]);
    assert.deepEqual(encodeValue(type, U1, at), ['set', [['uuid', U1]]]);
    assert.deepEqual(encodeValue(type, namedUuid('p'), at), ['set', [['named-uuid', 'p']]]);
    const gc = table('Logical_Router_Port').columns.get('ha_chassis_group')?.type as ColumnType;
    assert.deepEqual(encodeValue(gc, uuid(U2), { table: 'Logical_Router_Port', column: 'ha_chassis_group' }), ['uuid', U2]);
  });

  it('refuses to write _uuid and _version', () => {
    for (const col of ['_uuid', '_version']) {
      assert.throws(
        () => encodeRow(lrp, { [col]: U1 }),
        (e: unknown) => e instanceof SchemaValidationError && e.kind === 'read-only' && e.column === col,
      );
    }
  });

  it('property: encode then decode gives back the JavaScript row', () => {
    const schema = parseSchema({
      name: 'T',
      version: '1.0.0',
      tables: {
        R: {
          isRoot: true,
          columns: {
            i: { type: 'integer' },
            r: { type: 'real' },
            b: { type: 'boolean' },
            s: { type: 'string' },
            u: { type: 'uuid' },
            o: { type: { key: 'string', min: 0, max: 1 } },
            set: { type: { key: 'integer', min: 0, max: 'unlimited' } },
            m: { type: { key: 'string', value: 'integer', min: 0, max: 'unlimited' } },
            im: { type: { key: 'integer', value: 'string', min: 0, max: 'unlimited' } },
          },
        },
      },
    });
    const r = schema.tables.get('R') as TableSchema;
    const row = fc.record({
      i: fc.integer(),
      r: fc.double({ noNaN: true, noDefaultInfinity: true }),
      b: fc.boolean(),
      s: fc.string({ unit: 'grapheme' }),
      u: fc.uuid(),
      o: fc.option(fc.string(), { nil: undefined }),
      set: fc.uniqueArray(fc.integer()),
      m: fc.dictionary(fc.string(), fc.integer()),
      im: fc.uniqueArray(fc.tuple(fc.integer(), fc.string()), { selector: (t) => t[0] }).map((pairs) => new Map(pairs)),
    });
    fc.assert(
      fc.property(row, (js) => {
        const wire = encodeRow(r, js);
        // Through JSON, as it would travel.
        const back = decodeRow(r, JSON.parse(JSON.stringify(wire)));
        // fast-check's dictionaries have no prototype; decoded maps are plain objects.
        assert.deepEqual(back, { ...js, m: { ...js.m }, r: Object.is(js.r, -0) ? 0 : js.r });
      }),
      { numRuns: 200 },
    );
  });
});
