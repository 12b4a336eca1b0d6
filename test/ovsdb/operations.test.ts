import assert from 'node:assert/strict';
import { SchemaValidationError } from '../../lib/ovsdb/errors.js';
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
import type { ConditionFunction, Mutator } from '../../lib/ovsdb/operations.js';
import { map, namedUuid, set, uuid } from '../../lib/ovsdb/values.js';

const U1 = '2f1e4c8a-58c4-4e4b-9a4e-2f7a0b7e1c11';

describe('operations: building RFC 7047 operation objects', () => {
  it('insert, with and without a uuid-name', () => {
    assert.deepEqual(insert('Logical_Router', { name: 'r1' }), { op: 'insert', table: 'Logical_Router', row: { name: 'r1' } });
    assert.deepEqual(insert('Logical_Router_Port', { name: 'p' }, 'new_port'), {
      op: 'insert',
      table: 'Logical_Router_Port',
      row: { name: 'p' },
      'uuid-name': 'new_port',
    });
    assert.throws(() => insert('T', {}, 'new-port'), SchemaValidationError, 'a uuid-name is an <id>: no dashes');
  });

  it('select: where defaults to all rows, columns only when given', () => {
    assert.deepEqual(select('Logical_Router'), { op: 'select', table: 'Logical_Router', where: [] });
    assert.deepEqual(select('Logical_Router', [where('_uuid', '==', uuid(U1))], ['name', 'ports']), {
      op: 'select',
      table: 'Logical_Router',
      where: [['_uuid', '==', ['uuid', U1]]],
      columns: ['name', 'ports'],
    });
  });

  it('update, mutate and delete', () => {
    const byUuid = [where('_uuid', '==', uuid(U1))];
    assert.deepEqual(update('Logical_Router', byUuid, { enabled: true }), {
      op: 'update',
      table: 'Logical_Router',
      where: [['_uuid', '==', ['uuid', U1]]],
      row: { enabled: true },
    });
    assert.deepEqual(
      mutate('Logical_Router', byUuid, [mutation('ports', 'insert', set([namedUuid('p')])), mutation('external_ids', 'delete', set(['k']))]),
      {
        op: 'mutate',
        table: 'Logical_Router',
        where: [['_uuid', '==', ['uuid', U1]]],
        mutations: [
          ['ports', 'insert', ['set', [['named-uuid', 'p']]]],
          ['external_ids', 'delete', ['set', ['k']]],
        ],
      },
    );
    assert.deepEqual(deleteRows('Logical_Router', byUuid), { op: 'delete', table: 'Logical_Router', where: [['_uuid', '==', ['uuid', U1]]] });
  });

  it('wait: until defaults to ==, timeout only when given', () => {
    const w = wait('Logical_Router_Port', { where: [where('name', '==', 'p')], columns: ['name'], rows: [] });
    assert.deepEqual(w, { op: 'wait', table: 'Logical_Router_Port', where: [['name', '==', 'p']], columns: ['name'], until: '==', rows: [] });
    assert.equal('timeout' in w, false);
    assert.deepEqual(
      wait('Logical_Router', { where: [], columns: ['external_ids'], until: '!=', rows: [{ external_ids: map({ a: 'b' }) }], timeout: 0 }),
      { op: 'wait', table: 'Logical_Router', where: [], columns: ['external_ids'], until: '!=', rows: [{ external_ids: ['map', [['a', 'b']]] }], timeout: 0 },
    );
    assert.throws(() => wait('T', { where: [], columns: [], rows: [], timeout: 1.5 }), /wait timeout 1\.5 is not a non-negative integer/);
    assert.throws(() => wait('T', { where: [], columns: [], rows: [], timeout: -1 }), SchemaValidationError);
    assert.throws(() => wait('T', { where: [], columns: [], rows: [], until: '<' as '==' }), /wait until "<"/);
  });

  it('commit, abort, comment and assert', () => {
    assert.deepEqual(commit(), { op: 'commit', durable: false });
    assert.deepEqual(commit(true), { op: 'commit', durable: true });
    assert.deepEqual(abort(), { op: 'abort' });
    assert.deepEqual(comment('hvnet: peer 1 2'), { op: 'comment', comment: 'hvnet: peer 1 2' });
    assert.deepEqual(assertLock('hvnet_agent'), { op: 'assert', lock: 'hvnet_agent' });
    assert.throws(() => assertLock('hvnet agent'), /lock name "hvnet agent" is not an identifier/);
  });

  it('condition and mutation helpers accept every RFC 7047 function and mutator, and nothing else', () => {
    for (const fn of ['<', '<=', '==', '!=', '>=', '>', 'includes', 'excludes'] as const) assert.deepEqual(where('c', fn, 1), ['c', fn, 1]);
    for (const m of ['+=', '-=', '*=', '/=', '%=', 'insert', 'delete'] as const) assert.deepEqual(mutation('c', m, 1), ['c', m, 1]);
    assert.throws(() => where('c', 'like' as ConditionFunction, 1), /unknown condition function "like" \(allowed: < <= == != >= > includes excludes\)/);
    assert.throws(() => mutation('c', 'append' as Mutator, 1), /unknown mutator "append"/);
  });

  it('builds plain data that survives JSON unchanged', () => {
    const op = mutate('Logical_Router', [where('external_ids', 'includes', map({ 'hvnet-net': '1' }))], [mutation('options', 'insert', map({ a: 'b' }))]);
    assert.deepEqual(JSON.parse(JSON.stringify(op)), op);
  });
});
