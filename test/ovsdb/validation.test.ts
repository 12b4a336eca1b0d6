import assert from 'node:assert/strict';
import { SchemaValidationError } from '../../lib/ovsdb/errors.js';
import type { ValidationKind } from '../../lib/ovsdb/errors.js';
import {
  abort,
  assertLock,
  comment,
  commit,
  deleteRows,
  insert,
  mutate,
  mutation,
  select,
  update,
  wait,
  where,
} from '../../lib/ovsdb/operations.js';
import type { Operation } from '../../lib/ovsdb/operations.js';
import { parseSchema } from '../../lib/ovsdb/schema.js';
import { validateOperation, validateTransaction, validateValue } from '../../lib/ovsdb/validate.js';
import { encodeRow } from '../../lib/ovsdb/encode.js';
import { map, namedUuid, set, uuid } from '../../lib/ovsdb/values.js';
import { ovnNorthboundSchema as nb } from '../../lib/ovn/schema/ovn-nb.generated.js';

const U1 = '2f1e4c8a-58c4-4e4b-9a4e-2f7a0b7e1c11';

interface Expected {
  kind: ValidationKind;
  table?: string;
  column?: string;
  opIndex?: number;
  message: RegExp;
}

function refused(fn: () => unknown, expected: Expected): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof SchemaValidationError, `SchemaValidationError expected, got ${String(e)}`);
    assert.equal(e.code, 'HVNET_OVSDB_SCHEMA_VALIDATION');
    assert.equal(e.kind, expected.kind);
    if (expected.table !== undefined) assert.equal(e.table, expected.table);
    if (expected.column !== undefined) assert.equal(e.column, expected.column);
    if (expected.opIndex !== undefined) assert.equal(e.opIndex, expected.opIndex);
    assert.match(e.message, expected.message);
    return true;
  });
}

const route = { ip_prefix: '10.10.2.0/24', nexthop: '10.10.2.1' };

describe('validation: refusing what the server would refuse, before sending', () => {
  it('accepts a realistic peering transaction', () => {
    const ops: Operation[] = [
      wait('Logical_Router_Port', { where: [where('name', '==', 'lrp-peer')], columns: ['name'], rows: [], timeout: 0 }),
      insert('Logical_Router_Port', { name: 'lrp-peer', mac: '00:16:3e:00:01:01', networks: set(['10.10.1.1/32']), peer: 'other' }, 'lrp'),
      insert('Logical_Router_Static_Route', { ...route, policy: 'dst-ip', output_port: 'lrp-peer' }, 'route'),
      mutate('Logical_Router', [where('_uuid', '==', uuid(U1))], [
        mutation('ports', 'insert', set([namedUuid('lrp')])),
        mutation('static_routes', 'insert', set([namedUuid('route')])),
      ]),
      update('Logical_Router', [where('name', '==', 'r1')], { options: map({ 'always_learn_from_arp_request': 'false' }) }),
      select('Logical_Router', [where('external_ids', 'includes', map({ 'hvnet-net': '1' }))], ['_uuid', 'name']),
      deleteRows('Logical_Router_Static_Route', [where('_uuid', '==', uuid(U1))]),
      comment('hvnet: peer net1 net2'),
      commit(false),
      assertLock('hvnet'),
      abort(),
    ];
    assert.doesNotThrow(() => validateTransaction(nb, ops));
  });

  it('unknown table: lists the tables of the database', () => {
    refused(() => validateOperation(nb, insert('Logical_Routers', {}), 3), {
      kind: 'unknown-table',
      table: 'Logical_Routers',
      opIndex: 3,
      message: /^operation 3, Logical_Routers: no table "Logical_Routers" in database OVN_Northbound \(allowed: NB_Global, .*Logical_Router, /,
    });
  });

  it('unknown column: in a row, a condition, a column list, a mutation; lists the columns', () => {
    const expected = {
      kind: 'unknown-column' as const,
      table: 'Logical_Router',
      column: 'nmae',
      message: /Logical_Router\.nmae: no column "nmae" in table Logical_Router \(allowed: _uuid, _version, name, ports, /,
    };
    refused(() => validateOperation(nb, insert('Logical_Router', { nmae: 'x' })), expected);
    refused(() => validateOperation(nb, select('Logical_Router', [where('nmae', '==', 'x')])), expected);
    refused(() => validateOperation(nb, select('Logical_Router', [], ['nmae'])), expected);
    refused(() => validateOperation(nb, mutate('Logical_Router', [], [mutation('nmae', 'insert', set([]))])), expected);
    refused(() => validateOperation(nb, wait('Logical_Router', { where: [], columns: ['nmae'], rows: [] })), expected);
  });

  it('wrong atomic type: names the expected type', () => {
    refused(() => validateOperation(nb, insert('Logical_Switch_Port', { name: 'p', tag_request: 'ten' })), {
      kind: 'wrong-type',
      table: 'Logical_Switch_Port',
      column: 'tag_request',
      message: /Logical_Switch_Port\.tag_request: expected an integer, got "ten" \(allowed: integer 0 to 4095\)/,
    });
    refused(() => validateOperation(nb, insert('Logical_Router_Port', { name: 1 })), {
      kind: 'wrong-type',
      column: 'name',
      message: /expected a string, got 1/,
    });
    refused(() => validateOperation(nb, insert('Logical_Router', { enabled: 'true' })), { kind: 'wrong-type', column: 'enabled', message: /expected a boolean/ });
    refused(() => validateOperation(nb, insert('Logical_Switch_Port', { name: 'p', tag: 1.5 })), { kind: 'wrong-type', column: 'tag', message: /expected an integer, got 1\.5/ });
    // A uuid column given a bare string (it must be ["uuid", s] or ["named-uuid", id] on the wire).
    refused(() => validateOperation(nb, insert('Logical_Router', { ports: set([U1]) })), {
      kind: 'wrong-type',
      column: 'ports',
      message: /expected \["uuid", UUID\] or \["named-uuid", NAME\], got "2f1e4c8a/,
    });
    refused(() => validateOperation(nb, insert('Logical_Router', { ports: set([['uuid', 'nope']]) })), { kind: 'wrong-type', message: /got \["uuid","nope"\]/ });
    refused(() => validateOperation(nb, insert('Logical_Router', { options: set([]) })), {
      kind: 'wrong-type',
      column: 'options',
      message: /expected \["map", \[\[key, value\], \.\.\.\]\], got \["set",\[\]\] \(allowed: map of 0 to unlimited \(string\) to \(string\)\)/,
    });
    refused(() => validateOperation(nb, insert('Logical_Router', { options: map({ a: 1 as unknown as string }) })), {
      kind: 'wrong-type',
      message: /value expected a string, got 1/,
    });
  });

  it('wrong enum value: lists the allowed values', () => {
    refused(() => validateOperation(nb, insert('Logical_Router_Static_Route', { ...route, policy: 'dest-ip' }), 1), {
      kind: 'enum',
      table: 'Logical_Router_Static_Route',
      column: 'policy',
      opIndex: 1,
      message: /^operation 1, Logical_Router_Static_Route\.policy: "dest-ip" is not an allowed value \(allowed: "src-ip", "dst-ip"\)$/,
    });
    // An enum on a map key.
    refused(() => validateOperation(nb, insert('QoS', { priority: 1, direction: 'to-lport', match: 'ip', action: map({ mark: 1 }) })), {
      kind: 'enum',
      column: 'action',
      message: /key "mark" is not an allowed value \(allowed: "dscp"\)/,
    });
  });

  it('integer out of range: names the range', () => {
    refused(() => validateOperation(nb, insert('Logical_Switch_Port', { name: 'p', tag_request: 4096 })), {
      kind: 'range',
      table: 'Logical_Switch_Port',
      column: 'tag_request',
      message: /Logical_Switch_Port\.tag_request: 4096 is out of range \(allowed: 0 to 4095\)/,
    });
    refused(() => validateOperation(nb, update('ACL', [], { priority: -1 })), { kind: 'range', column: 'priority', message: /-1 is out of range \(allowed: 0 to 32767\)/ });
    refused(() => validateOperation(nb, insert('QoS', { action: map({ dscp: 64 }) })), { kind: 'range', column: 'action', message: /value 64 is out of range \(allowed: 0 to 63\)/ });
  });

  it('real out of range and string too short (constraints the NB schema does not use)', () => {
    const s = parseSchema({
      name: 'T',
      version: '1.0.0',
      tables: { R: { isRoot: true, columns: { r: { type: { key: { type: 'real', minReal: 0.5, maxReal: 1 } } }, s: { type: { key: { type: 'string', minLength: 2 } } } } } },
    });
    refused(() => validateOperation(s, insert('R', { r: 1.25 })), { kind: 'range', message: /R\.r: 1\.25 is out of range \(allowed: 0\.5 to 1\)/ });
    refused(() => validateOperation(s, insert('R', { s: 'x' })), { kind: 'length', message: /R\.s: string of 1 characters is too short \(allowed: >= 2 characters\)/ });
  });

  it('string too long: counts characters, names the limit', () => {
    refused(() => validateOperation(nb, insert('ACL', { name: 'n'.repeat(64) })), {
      kind: 'length',
      table: 'ACL',
      column: 'name',
      message: /ACL\.name: string of 64 characters is too long \(allowed: <= 63 characters\)/,
    });
    // 63 four-byte characters: 252 bytes, 126 UTF-16 units, 63 characters: allowed.
    assert.doesNotThrow(() => validateOperation(nb, insert('ACL', { name: '😀'.repeat(63) })));
  });

  it('set size outside min/max: names the bounds', () => {
    refused(() => validateOperation(nb, insert('Logical_Router_Port', { name: 'p', mac: 'm', networks: set([]) })), {
      kind: 'set-size',
      table: 'Logical_Router_Port',
      column: 'networks',
      message: /Logical_Router_Port\.networks: 0 elements where 1 to unlimited elements are allowed \(allowed: 1 to unlimited elements\)/,
    });
    refused(() => validateOperation(nb, insert('Logical_Router_Port', { name: 'p', peer: set(['a', 'b']) })), {
      kind: 'set-size',
      column: 'peer',
      message: /2 elements where 0 to 1 elements are allowed/,
    });
    refused(() => validateOperation(nb, insert('Logical_Router_Port', { name: set([]) })), { kind: 'set-size', column: 'name', message: /0 elements where 1 to 1/ });
  });

  it('duplicate set elements and map keys', () => {
    refused(() => validateOperation(nb, insert('Logical_Router_Port', { name: 'p', networks: set(['a/1', 'a/1']) })), {
      kind: 'duplicate',
      column: 'networks',
      message: /duplicate set element "a\/1"/,
    });
    refused(() => validateOperation(nb, insert('Logical_Router', { options: ['map', [['k', 'a'], ['k', 'b']]] })), {
      kind: 'duplicate',
      column: 'options',
      message: /duplicate map key "k"/,
    });
  });

  it('immutable columns can be inserted but not updated or mutated', () => {
    const s = parseSchema({
      name: 'T',
      version: '1.0.0',
      tables: { Bridge: { isRoot: true, columns: { name: { type: 'string', mutable: false }, ports: { type: { key: 'string', min: 0, max: 'unlimited' }, mutable: false } } } },
    });
    assert.doesNotThrow(() => validateOperation(s, insert('Bridge', { name: 'br-int' })));
    refused(() => validateOperation(s, update('Bridge', [], { name: 'br-ex' })), {
      kind: 'immutable',
      table: 'Bridge',
      column: 'name',
      message: /Bridge\.name: name can only be set when the row is inserted/,
    });
    refused(() => validateOperation(s, mutate('Bridge', [], [mutation('ports', 'insert', set(['p']))])), { kind: 'immutable', column: 'ports', message: /only be set when the row is inserted/ });
  });

  it('_uuid and _version are read-only in rows and mutations, usable in conditions', () => {
    refused(() => validateOperation(nb, update('Logical_Router', [], { _uuid: uuid(U1) })), { kind: 'read-only', column: '_uuid', message: /_uuid is maintained by the server/ });
    refused(() => validateOperation(nb, mutate('Logical_Router', [], [mutation('_version', 'insert', set([]))])), { kind: 'read-only', column: '_version', message: /_version/ });
    assert.doesNotThrow(() => validateOperation(nb, select('Logical_Router', [where('_uuid', '!=', uuid(U1))], ['_uuid', '_version'])));
    refused(() => validateOperation(nb, select('Logical_Router', [where('_uuid', '==', U1)])), { kind: 'wrong-type', column: '_uuid', message: /expected \["uuid", UUID\]/ });
  });

  it('conditions: ordering only on integer/real scalars; operands are type-checked but not constrained', () => {
    assert.doesNotThrow(() => validateOperation(nb, select('ACL', [where('priority', '>=', 100000)])), 'out-of-range operand is legal');
    assert.doesNotThrow(() => validateOperation(nb, select('Logical_Router_Static_Route', [where('policy', '==', set([]))])));
    assert.doesNotThrow(() => validateOperation(nb, select('Logical_Router_Port', [where('networks', 'includes', set(['a', 'b', 'c']))])));
    refused(() => validateOperation(nb, select('Logical_Router', [where('name', '<', 'm')])), {
      kind: 'bad-operation',
      column: 'name',
      message: /< only compares integer or real scalar columns \(allowed: == != includes excludes\)/,
    });
    refused(() => validateOperation(nb, select('ACL', [where('priority', '==', '1')])), { kind: 'wrong-type', column: 'priority', message: /expected an integer/ });
    refused(() => validateOperation(nb, select('ACL', [['priority', '=~' as '==', 1]])), { kind: 'bad-operation', message: /unknown condition function "=~"/ });
    refused(() => validateOperation(nb, select('ACL', [['priority', '=='] as unknown as ['priority', '==', 1]])), {
      kind: 'bad-operation',
      message: /a condition must be \[column, function, value\]/,
    });
  });

  it('mutations: mutator must fit the column; insert operands keep element constraints', () => {
    assert.doesNotThrow(() => validateOperation(nb, mutate('NB_Global', [], [mutation('nb_cfg', '+=', 1)])));
    assert.doesNotThrow(() => validateOperation(nb, mutate('Logical_Router', [], [mutation('options', 'delete', set(['k']))])), 'map delete by keys');
    assert.doesNotThrow(() => validateOperation(nb, mutate('Logical_Router', [], [mutation('options', 'delete', map({ k: 'v' }))])), 'map delete by pairs');
    refused(() => validateOperation(nb, mutate('Logical_Router', [], [mutation('name', '+=', 1)])), {
      kind: 'bad-operation',
      column: 'name',
      message: /\+= needs an integer or real column/,
    });
    refused(() => validateOperation(nb, mutate('Logical_Router', [], [mutation('name', 'insert', set(['x']))])), {
      kind: 'bad-operation',
      message: /insert needs a set or map column, name holds exactly one value/,
    });
    refused(() => validateOperation(nb, mutate('NB_Global', [], [mutation('nb_cfg', '/=', 0)])), { kind: 'range', column: 'nb_cfg', message: /\/= by zero/ });
    refused(() => validateOperation(nb, mutate('Logical_Switch_Port', [], [mutation('tag_request', 'insert', set([5000]))])), {
      kind: 'range',
      column: 'tag_request',
      message: /5000 is out of range \(allowed: 0 to 4095\)/,
    });
    // Deleting a value that could never be present is pointless but legal.
    assert.doesNotThrow(() => validateOperation(nb, mutate('Logical_Switch_Port', [], [mutation('tag_request', 'delete', set([5000]))])));
    refused(() => validateOperation(nb, mutate('NB_Global', [], [['nb_cfg', '^=' as '+=', 1]])), { kind: 'bad-operation', message: /unknown mutator "\^="/ });
  });

  it('wait: rows may only use the listed columns; until and timeout are checked', () => {
    refused(() => validateOperation(nb, wait('Logical_Router', { where: [], columns: ['name'], rows: [{ enabled: true }] })), {
      kind: 'bad-operation',
      message: /wait row has column "enabled" not listed in "columns" \(allowed: name\)/,
    });
    const op = wait('Logical_Router', { where: [], columns: ['name'], rows: [] });
    refused(() => validateOperation(nb, { ...op, until: '<' } as unknown as Operation), { kind: 'bad-operation', message: /wait until "<"/ });
    refused(() => validateOperation(nb, { ...op, timeout: -5 }), { kind: 'bad-operation', message: /wait timeout -5/ });
  });

  it('malformed operations are refused with the list of operations', () => {
    refused(() => validateOperation(nb, { op: 'upsert' } as unknown as Operation), {
      kind: 'bad-operation',
      message: /unknown operation "upsert" \(allowed: insert, select, update, mutate, delete, wait, commit, abort, comment, assert\)/,
    });
    refused(() => validateOperation(nb, { op: 'insert', table: 'Logical_Router', row: [] } as unknown as Operation), { kind: 'bad-operation', message: /insert needs a "row" object/ });
    refused(() => validateOperation(nb, { op: 'insert', table: 'Logical_Router', row: {}, 'uuid-name': 'a-b' }), { kind: 'bad-operation', message: /uuid-name "a-b"/ });
    refused(() => validateOperation(nb, { op: 'commit' } as unknown as Operation), { kind: 'bad-operation', message: /commit needs "durable"/ });
    refused(() => validateOperation(nb, { op: 'assert', lock: '' }), { kind: 'bad-operation', message: /lock "" is not an identifier/ });
  });

  it('refuses a whole transaction for one bad value, naming its operation index', () => {
    const ops: Operation[] = [
      insert('Logical_Router', { name: 'r1' }, 'r1'),
      insert('Logical_Router_Static_Route', { ...route, policy: 'bogus' }),
      insert('Logical_Router', { name: 'r2' }),
    ];
    refused(() => validateTransaction(nb, ops), { kind: 'enum', opIndex: 1, column: 'policy', message: /^operation 1, / });
  });

  it('encodeRow applies the same checks to JavaScript values', () => {
    const t = nb.tables.get('Logical_Switch_Port');
    assert.ok(t);
    refused(() => encodeRow(t, { tag_request: 9999 }), { kind: 'range', table: 'Logical_Switch_Port', column: 'tag_request', message: /9999 is out of range/ });
    refused(() => encodeRow(t, { name: undefined }), { kind: 'wrong-type', column: 'name', message: /expected string, got undefined/ });
    refused(() => encodeRow(t, { options: ['a'] }), { kind: 'wrong-type', column: 'options', message: /expected map of/ });
    refused(() => encodeRow(t, { nope: 1 }), { kind: 'unknown-column', column: 'nope', message: /no column "nope"/ });
  });

  it('refuses strings that are not valid Unicode', () => {
    const t = nb.tables.get('Logical_Router');
    assert.ok(t);
    refused(() => validateValue(t.columns.get('name')?.type ?? assert.fail(), '\ud800', { table: 'Logical_Router', column: 'name' }), {
      kind: 'wrong-type',
      message: /lone surrogate/,
    });
  });
});
