import assert from 'node:assert/strict';
import {
  AbortedError,
  ConstraintViolationError,
  DomainError,
  DuplicateUuidNameError,
  NotOwnerError,
  NotSupportedError,
  OperationError,
  OperationFailedError,
  OvsdbIoError,
  OvsdbRangeError,
  ProtocolError,
  ReferentialIntegrityError,
  ResourcesExhaustedError,
  WaitTimedOutError,
} from '../../lib/ovsdb/errors.js';
import { abort, assertLock, comment, commit, deleteRows, insert, mutate, select, update, wait } from '../../lib/ovsdb/operations.js';
import type { Operation } from '../../lib/ovsdb/operations.js';
import { operationError, readTransactResult } from '../../lib/ovsdb/transact-result.js';

const U1 = '2f1e4c8a-58c4-4e4b-9a4e-2f7a0b7e1c11';
const U2 = 'a1c314f9-4e87-4029-bdd2-9e95a2afaf4f';

const ops: Operation[] = [
  wait('Logical_Router_Port', { where: [], columns: ['name'], rows: [], timeout: 0 }),
  insert('Logical_Router_Port', { name: 'p' }, 'port'),
  insert('Logical_Router', { name: 'r' }),
  select('Logical_Router', []),
  update('Logical_Router', [], { enabled: true }),
  mutate('Logical_Router', [], []),
  deleteRows('Logical_Router', []),
  comment('x'),
];

describe('transact-result: mapping a transact reply onto its operations', () => {
  it('maps each result to its operation and collects uuid-names', () => {
    const reply = [{}, { uuid: ['uuid', U1] }, { uuid: ['uuid', U2] }, { rows: [{ name: 'r' }] }, { count: 1 }, { count: 0 }, { count: 2 }, {}];
    const { results, uuidNames } = readTransactResult(ops, reply);
    assert.deepEqual(results, [
      { op: 'wait' },
      { op: 'insert', uuid: U1 },
      { op: 'insert', uuid: U2 },
      { op: 'select', rows: [{ name: 'r' }] },
      { op: 'update', count: 1 },
      { op: 'mutate', count: 0 },
      { op: 'delete', count: 2 },
      { op: 'comment' },
    ]);
    assert.deepEqual([...uuidNames], [['port', U1]]);
  });

  const cases: [string, new (...args: never[]) => OperationError, string][] = [
    ['constraint violation', ConstraintViolationError, 'HVNET_OVSDB_CONSTRAINT_VIOLATION'],
    ['referential integrity violation', ReferentialIntegrityError, 'HVNET_OVSDB_REFERENTIAL_INTEGRITY'],
    ['resources exhausted', ResourcesExhaustedError, 'HVNET_OVSDB_RESOURCES_EXHAUSTED'],
    ['I/O error', OvsdbIoError, 'HVNET_OVSDB_IO_ERROR'],
    ['duplicate uuid-name', DuplicateUuidNameError, 'HVNET_OVSDB_DUPLICATE_UUID_NAME'],
    ['domain error', DomainError, 'HVNET_OVSDB_DOMAIN_ERROR'],
    ['range error', OvsdbRangeError, 'HVNET_OVSDB_RANGE_ERROR'],
    ['timed out', WaitTimedOutError, 'HVNET_OVSDB_TIMED_OUT'],
    ['not supported', NotSupportedError, 'HVNET_OVSDB_NOT_SUPPORTED'],
    ['aborted', AbortedError, 'HVNET_OVSDB_ABORTED'],
    ['not owner', NotOwnerError, 'HVNET_OVSDB_NOT_OWNER'],
    ['syntax error', OperationFailedError, 'HVNET_OVSDB_OPERATION_FAILED'],
  ];
  for (const [error, ErrorClass, code] of cases) {
    it(`"${error}" at an operation becomes ${ErrorClass.name} carrying index, op, table and details`, () => {
      const reply = [{}, { uuid: ['uuid', U1] }, { error, details: 'why it failed' }, null, null, null, null, null];
      assert.throws(
        () => readTransactResult(ops, reply),
        (e: unknown) => {
          assert.ok(e instanceof ErrorClass);
          assert.ok(e instanceof OperationError);
          assert.equal(e.code, code);
          assert.equal(e.opIndex, 2);
          assert.equal(e.op, 'insert');
          assert.equal(e.table, 'Logical_Router');
          assert.equal(e.error, error);
          assert.equal(e.details, 'why it failed');
          assert.equal(e.message, `operation 2 (insert Logical_Router) failed: ${error}: why it failed`);
          return true;
        },
      );
    });
  }

  it('a wait guard that does not hold fails with WaitTimedOutError at the wait', () => {
    const reply = [{ error: 'timed out' }, null, null, null, null, null, null, null];
    assert.throws(
      () => readTransactResult(ops, reply),
      (e: unknown) => e instanceof WaitTimedOutError && e.opIndex === 0 && e.op === 'wait' && e.table === 'Logical_Router_Port' && e.details === undefined,
    );
  });

  it('an extra element is a commit-level error after all operations succeeded', () => {
    const reply = [{}, { uuid: ['uuid', U1] }, { uuid: ['uuid', U2] }, { rows: [] }, { count: 1 }, { count: 1 }, { count: 1 }, {}, {
      error: 'referential integrity violation',
      details: 'cannot delete Logical_Router_Port row because of 1 remaining reference(s)',
    }];
    assert.throws(
      () => readTransactResult(ops, reply),
      (e: unknown) => {
        assert.ok(e instanceof ReferentialIntegrityError);
        assert.equal(e.opIndex, ops.length);
        assert.equal(e.op, undefined);
        assert.equal(e.table, undefined);
        assert.match(e.message, /^transaction commit \(after 8 operations\) failed: referential integrity violation: cannot delete/);
        return true;
      },
    );
  });

  it('accepts a reply truncated after the failing operation', () => {
    assert.throws(() => readTransactResult(ops, [{}, { error: 'constraint violation' }]), ConstraintViolationError);
  });

  it('keeps the "syntax" of a parse error in the details', () => {
    assert.throws(
      () => readTransactResult([abort(), commit()], [{ error: 'syntax error', details: 'unknown member', syntax: '{"op":"x"}' }, null]),
      (e: unknown) => e instanceof OperationFailedError && e.details === 'unknown member (in {"op":"x"})' && e.op === 'abort' && e.table === undefined,
    );
  });

  it('maps an abort and a lock assertion', () => {
    assert.throws(() => readTransactResult([insert('T', {}), abort()], [{ uuid: ['uuid', U1] }, { error: 'aborted' }]), (e: unknown) => e instanceof AbortedError && e.opIndex === 1);
    assert.throws(() => readTransactResult([assertLock('l')], [{ error: 'not owner' }]), NotOwnerError);
  });

  it('operationError builds the class for an error string', () => {
    const e = operationError({ opIndex: 4, op: 'mutate', table: 'NB_Global', error: 'domain error', details: 'division by zero' });
    assert.ok(e instanceof DomainError);
    assert.equal(e.message, 'operation 4 (mutate NB_Global) failed: domain error: division by zero');
    assert.equal(e.name, 'DomainError');
  });

  it('refuses replies that do not fit the operations', () => {
    const bad: [unknown, RegExp][] = [
      [{ error: 'x' }, /not an array/],
      [[{}, {}, {}], /3 elements for 1 operations/],
      [[], /0 elements for 1 operations and no error/],
      [[{}, {}], /extra element that is not an error/],
      [[null], /expected an object, got null/],
      [[{ uuid: U1 }], /missing \["uuid", UUID\]/],
    ];
    for (const [reply, message] of bad) {
      assert.throws(() => readTransactResult([insert('T', {})], reply), (e: unknown) => e instanceof ProtocolError && e.code === 'HVNET_OVSDB_PROTOCOL' && message.test(e.message));
    }
    assert.throws(() => readTransactResult([select('T')], [{ rows: 'x' }]), /missing "rows"/);
    assert.throws(() => readTransactResult([update('T', [], {})], [{ count: -1 }]), /missing "count"/);
  });
});
