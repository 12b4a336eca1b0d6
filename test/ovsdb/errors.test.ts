import assert from 'node:assert/strict';
import {
  DecodeError,
  FramingError,
  InvalidRemoteError,
  MessageTooLargeError,
  OVSDB_ERRORS,
  OperationError,
  OutcomeUnknownError,
  OvsdbError,
  ProtocolError,
  RpcError,
  SchemaParseError,
  SchemaValidationError,
  TransportError,
  WaitTimedOutError,
} from '../../lib/ovsdb/errors.js';

describe('errors: one base class, stable codes, context on every error', () => {
  it('every code is prefixed HVNET_OVSDB_ (a table key, so unique)', () => {
    for (const code of Object.keys(OVSDB_ERRORS)) assert.match(code, /^HVNET_OVSDB_[A-Z_]+$/);
  });

  it('every error is an OvsdbError and an Error, named for its class', () => {
    const errors: OvsdbError[] = [
      new InvalidRemoteError('x', 'why'),
      new MessageTooLargeError(10, 11),
      new FramingError('bad', 3),
      new ProtocolError('bad'),
      new SchemaParseError('$.x', 'bad'),
      new SchemaValidationError('enum', 'bad'),
      new DecodeError('T', 'c', 'bad'),
      new WaitTimedOutError({ opIndex: 0, op: 'wait', table: 'T', error: 'timed out' }),
      new OutcomeUnknownError(),
      new TransportError('unix:/x', 'closed'),
      new RpcError('transact', { error: 'unknown database' }),
    ];
    for (const e of errors) {
      assert.ok(e instanceof OvsdbError && e instanceof Error);
      assert.equal(e.name, e.constructor.name);
      assert.ok(Object.hasOwn(OVSDB_ERRORS, e.code));
      assert.equal(e.errorClass, OVSDB_ERRORS[e.code]);
    }
    assert.ok(errors[7] instanceof OperationError);
  });

  it('OutcomeUnknownError says the outcome is unknown and carries remote, method, id and cause', () => {
    const cause = new Error('ECONNRESET');
    const e = new OutcomeUnknownError({ remote: 'tcp:127.0.0.1:6641', method: 'transact', requestId: 12 }, { cause });
    assert.equal(e.code, 'HVNET_OVSDB_OUTCOME_UNKNOWN');
    assert.equal(e.message, 'transact on tcp:127.0.0.1:6641: connection lost before the reply; the outcome is unknown');
    assert.equal(e.remote, 'tcp:127.0.0.1:6641');
    assert.equal(e.requestId, 12);
    assert.equal(e.cause, cause);
    assert.equal(new OutcomeUnknownError().message, 'request: connection lost before the reply; the outcome is unknown');
  });

  it('TransportError names the remote', () => {
    const e = new TransportError('unix:/run/nb.sock', 'connect ENOENT');
    assert.equal(e.code, 'HVNET_OVSDB_TRANSPORT');
    assert.equal(e.message, 'unix:/run/nb.sock: connect ENOENT');
    assert.equal(e.remote, 'unix:/run/nb.sock');
  });

  it('RpcError reads the RFC 7047 error object, or shows whatever the server sent', () => {
    const e = new RpcError('monitor_cond_since', { error: 'unknown database', details: 'OVN_Nope' }, 'tcp:127.0.0.1:6641');
    assert.equal(e.code, 'HVNET_OVSDB_RPC_ERROR');
    assert.equal(e.error, 'unknown database');
    assert.equal(e.details, 'OVN_Nope');
    assert.equal(e.message, 'monitor_cond_since on tcp:127.0.0.1:6641 failed: unknown database: OVN_Nope');
    assert.equal(new RpcError('echo', 'not allowed').error, 'not allowed');
    assert.equal(new RpcError('echo', [1]).message, 'echo failed: [1]');
  });

  it('SchemaValidationError.atOperation keeps everything and adds the index', () => {
    const e = new SchemaValidationError('range', '5 is out of range', { table: 'T', column: 'c', value: 5, allowed: '0 to 4' });
    assert.equal(e.message, 'T.c: 5 is out of range (allowed: 0 to 4)');
    const at = e.atOperation(2);
    assert.equal(at.message, 'operation 2, T.c: 5 is out of range (allowed: 0 to 4)');
    assert.deepEqual([at.kind, at.table, at.column, at.value, at.allowed, at.opIndex], ['range', 'T', 'c', 5, '0 to 4', 2]);
  });
});
