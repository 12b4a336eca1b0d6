import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { SchemaParseError } from '../../lib/ovsdb/errors.js';
import { columnShape, implicitColumn, parseSchema } from '../../lib/ovsdb/schema.js';
import type { DatabaseSchema } from '../../lib/ovsdb/schema.js';
import { repoRoot, vswitchSchema } from './repo.js';

function nb(): DatabaseSchema {
  return parseSchema(readFileSync(resolve(repoRoot, 'lib/ovn/schema/ovn-nb.ovsschema'), 'utf8'));
}

function column(schema: DatabaseSchema, table: string, name: string) {
  const c = schema.tables.get(table)?.columns.get(name);
  assert.ok(c, `${table}.${name} exists`);
  return c;
}

function minimal(tables: unknown): unknown {
  return { name: 'Test', version: '1.0.0', tables };
}

describe('schema: parsing .ovsschema documents', () => {
  it('reads name, version and cksum of the installed Northbound schema', () => {
    const s = nb();
    assert.equal(s.name, 'OVN_Northbound');
    assert.equal(s.version, '7.0.0');
    assert.equal(s.cksum, '94023179 33468');
    assert.equal(s.tables.size, 30);
  });

  it('reads the Logical_Router_Port columns in schema order with their types', () => {
    const lrp = nb().tables.get('Logical_Router_Port');
    assert.ok(lrp);
    assert.deepEqual(
      [...lrp.columns.keys()],
      ['name', 'gateway_chassis', 'ha_chassis_group', 'options', 'networks', 'mac', 'peer', 'enabled', 'ipv6_ra_configs', 'ipv6_prefix', 'external_ids'],
    );
    assert.equal(lrp.isRoot, false);
    assert.deepEqual(lrp.indexes, [['name']]);
    assert.deepEqual(lrp.columns.get('networks')?.type, { key: { type: 'string' }, min: 1, max: 'unlimited' });
    assert.deepEqual(lrp.columns.get('gateway_chassis')?.type, {
      key: { type: 'uuid', refTable: 'Gateway_Chassis', refType: 'strong' },
      min: 0,
      max: 'unlimited',
    });
    assert.deepEqual(lrp.columns.get('options')?.type, { key: { type: 'string' }, value: { type: 'string' }, min: 0, max: 'unlimited' });
    assert.deepEqual(lrp.columns.get('peer')?.type, { key: { type: 'string' }, min: 0, max: 1 });
    assert.equal(lrp.columns.get('mac')?.mutable, true);
  });

  it('finds no index on Logical_Router (only on Logical_Router_Port.name)', () => {
    const s = nb();
    assert.deepEqual(s.tables.get('Logical_Router')?.indexes, []);
    assert.equal(s.tables.get('Logical_Router')?.isRoot, true);
    assert.deepEqual(s.tables.get('BFD')?.indexes, [['logical_port', 'dst_ip']]);
  });

  it('reads enums, integer ranges, string lengths, weak references, ephemeral columns and maxRows', () => {
    const s = nb();
    assert.deepEqual(column(s, 'Logical_Router_Static_Route', 'policy').type, {
      key: { type: 'string', enum: ['src-ip', 'dst-ip'] },
      min: 0,
      max: 1,
    });
    assert.deepEqual(column(s, 'Logical_Switch_Port', 'tag_request').type.key, { type: 'integer', minInteger: 0, maxInteger: 4095 });
    assert.deepEqual(column(s, 'ACL', 'name').type.key, { type: 'string', maxLength: 63 });
    assert.equal(column(s, 'ACL', 'label').type.key.maxInteger, 4294967295);
    assert.equal(column(s, 'Logical_Switch', 'load_balancer').type.key.refType, 'weak');
    assert.equal(column(s, 'Connection', 'is_connected').ephemeral, true);
    assert.equal(column(s, 'Connection', 'target').ephemeral, false);
    assert.equal(s.tables.get('NB_Global')?.maxRows, 1);
    assert.equal(s.tables.get('Logical_Router')?.maxRows, undefined);
    // A map whose key is an enum and whose value is a ranged integer.
    assert.deepEqual(column(s, 'QoS', 'action').type, {
      key: { type: 'string', enum: ['dscp'] },
      value: { type: 'integer', minInteger: 0, maxInteger: 63 },
      min: 0,
      max: 'unlimited',
    });
  });

  it('classifies column shapes', () => {
    const s = nb();
    assert.equal(columnShape(column(s, 'Logical_Router_Port', 'name').type), 'scalar');
    assert.equal(columnShape(column(s, 'Logical_Router_Port', 'peer').type), 'optional');
    assert.equal(columnShape(column(s, 'Logical_Router_Port', 'networks').type), 'set');
    assert.equal(columnShape(column(s, 'Logical_Router_Port', 'options').type), 'map');
  });

  it('knows the implicit _uuid and _version columns, read-only', () => {
    assert.deepEqual(implicitColumn('_uuid'), { name: '_uuid', type: { key: { type: 'uuid' }, min: 1, max: 1 }, ephemeral: false, mutable: false });
    assert.equal(implicitColumn('_version')?.mutable, false);
    assert.equal(implicitColumn('name'), undefined);
    assert.equal(nb().tables.get('Logical_Router')?.columns.has('_uuid'), false);
  });

  it('reads "mutable": false (Open_vSwitch schema)', () => {
    const vs = parseSchema(readFileSync(vswitchSchema, 'utf8'));
    assert.equal(vs.name, 'Open_vSwitch');
    assert.equal(vs.tables.get('Bridge')?.columns.get('name')?.mutable, false);
    assert.equal(vs.tables.get('Bridge')?.columns.get('ports')?.mutable, true);
  });

  it('accepts an already parsed document and a single-atom enum', () => {
    const s = parseSchema(minimal({ T: { columns: { c: { type: { key: { type: 'string', enum: 'only' } } } }, isRoot: true } }));
    assert.deepEqual(s.tables.get('T')?.columns.get('c')?.type.key.enum, ['only']);
  });

  it('reads real ranges', () => {
    const s = parseSchema(minimal({ T: { columns: { r: { type: { key: { type: 'real', minReal: -1.5, maxReal: 2.5 } } } } } }));
    assert.deepEqual(s.tables.get('T')?.columns.get('r')?.type.key, { type: 'real', minReal: -1.5, maxReal: 2.5 });
  });

  it('makes every table a root when no table says isRoot (pre-isRoot schemas)', () => {
    const s = parseSchema(minimal({ A: { columns: {} }, B: { columns: {}, isRoot: false } }));
    assert.deepEqual([...s.tables.values()].map((t) => t.isRoot), [true, true]);
    const t = parseSchema(minimal({ A: { columns: {}, isRoot: true }, B: { columns: {} } }));
    assert.deepEqual([...t.tables.values()].map((x) => x.isRoot), [true, false]);
  });

  it('does not find Object.prototype members as tables or columns', () => {
    const s = nb();
    assert.equal(s.tables.get('constructor'), undefined);
    assert.equal(s.tables.get('Logical_Router')?.columns.get('toString'), undefined);
  });

  const broken: [string, unknown, RegExp][] = [
    ['not JSON', '{', /at \$: not JSON/],
    ['no name', { version: '1.0.0', tables: {} }, /at \$\.name: must be a string/],
    ['bad version', { name: 'X', version: '1.0', tables: { T: { columns: {} } } }, /\$\.version: "1\.0" is not x\.y\.z/],
    ['no tables', { name: 'X', version: '1.0.0', tables: {} }, /\$\.tables: no tables/],
    ['unknown atomic type', minimal({ T: { columns: { c: { type: 'text' } } } }), /\$\.tables\.T\.columns\.c\.type: "text" is not an atomic type/],
    ['min 2', minimal({ T: { columns: { c: { type: { key: 'string', min: 2 } } } } }), /\.min: must be 0 or 1, got 2/],
    ['max 0', minimal({ T: { columns: { c: { type: { key: 'string', max: 0 } } } } }), /\.max: must be at least 1 or "unlimited"/],
    ['max "many"', minimal({ T: { columns: { c: { type: { key: 'string', max: 'many' } } } } }), /\.max: must be an integer/],
    ['minInteger on a string', minimal({ T: { columns: { c: { type: { key: { type: 'string', minInteger: 1 } } } } } }), /minInteger: only allowed for type integer/],
    ['refTable on a string', minimal({ T: { columns: { c: { type: { key: { type: 'string', refTable: 'T' } } } } } }), /refTable: only allowed for type uuid/],
    ['dangling refTable', minimal({ T: { columns: { c: { type: { key: { type: 'uuid', refTable: 'Nope' } } } } } }), /refTable "Nope" is not a table/],
    ['bad refType', minimal({ T: { columns: { c: { type: { key: { type: 'uuid', refTable: 'T', refType: 'soft' } } } } } }), /refType: must be "strong" or "weak"/],
    ['enum of wrong type', minimal({ T: { columns: { c: { type: { key: { type: 'integer', enum: ['set', [1, 'two']] } } } } } }), /enum\[1\]: "two" is not a integer/],
    ['inverted range', minimal({ T: { columns: { c: { type: { key: { type: 'integer', minInteger: 5, maxInteger: 1 } } } } } }), /minInteger 5 > maxInteger 1/],
    ['index on unknown column', minimal({ T: { columns: { c: { type: 'string' } }, indexes: [['d']] } }), /indexes\[0\]\[0\]: "d" is not a column of T/],
    ['column starting with _', minimal({ T: { columns: { _c: { type: 'string' } } } }), /column name "_c" is not allowed/],
    ['unknown column member', minimal({ T: { columns: { c: { type: 'string', default: 1 } } } }), /unknown member "default"/],
  ];
  for (const [what, doc, message] of broken) {
    it(`refuses a schema with ${what}, pointing at the place`, () => {
      assert.throws(
        () => parseSchema(doc),
        (e: unknown) => e instanceof SchemaParseError && e.code === 'HVNET_OVSDB_SCHEMA_INVALID' && message.test(e.message),
      );
    });
  }
});
