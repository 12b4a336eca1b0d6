import assert from 'node:assert/strict';
import { ProtocolError } from '../../lib/ovsdb/errors.js';
import {
  classifyMessage,
  encodeMessage,
  errorResponse,
  isNotification,
  isRequest,
  isResponse,
  notification,
  request,
  response,
} from '../../lib/ovsdb/jsonrpc.js';
import type { JsonRpcRequest } from '../../lib/ovsdb/jsonrpc.js';

describe('jsonrpc: RFC 7047 message shapes', () => {
  it('a request has exactly method, params and id', () => {
    const r = request('transact', ['OVN_Northbound', { op: 'comment', comment: 'x' }], 3);
    assert.deepEqual(Object.keys(r), ['method', 'params', 'id']);
    assert.equal(encodeMessage(r), '{"method":"transact","params":["OVN_Northbound",{"op":"comment","comment":"x"}],"id":3}');
  });

  it('encodeMessage drops members ovsdb-server would refuse', () => {
    const sloppy = { jsonrpc: '2.0', method: 'echo', params: [], id: 1 } as JsonRpcRequest;
    assert.deepEqual(JSON.parse(encodeMessage(sloppy)), { method: 'echo', params: [], id: 1 });
    const reply = { ...response('echo', ['x']), extra: true };
    assert.equal(encodeMessage(reply), '{"result":["x"],"error":null,"id":"echo"}');
  });

  it('a notification is a request with a null id', () => {
    assert.equal(encodeMessage(notification('update3', ['m', 'txn', {}])), '{"method":"update3","params":["m","txn",{}],"id":null}');
  });

  it('responses carry result and error, one of them null', () => {
    assert.deepEqual(response(4, { x: 1 }), { result: { x: 1 }, error: null, id: 4 });
    assert.deepEqual(errorResponse(4, { error: 'unknown method' }), { result: null, error: { error: 'unknown method' }, id: 4 });
  });

  it('type guards tell the kinds apart', () => {
    const echo = { id: 'echo', method: 'echo', params: [] };
    const update = { id: null, method: 'update3', params: ['m', '0', {}] };
    const reply = { id: 2, result: ['OVN_Northbound', '_Server'], error: null };
    assert.deepEqual([isRequest(echo), isNotification(echo), isResponse(echo)], [true, false, false]);
    assert.deepEqual([isRequest(update), isNotification(update), isResponse(update)], [false, true, false]);
    assert.deepEqual([isRequest(reply), isNotification(reply), isResponse(reply)], [false, false, true]);
  });

  it('refuses shapes that are none of them', () => {
    for (const bad of [
      null,
      [],
      'echo',
      { method: 'echo', id: 1 }, // params missing
      { method: 'echo', params: {}, id: 1 }, // params not an array
      { method: 7, params: [], id: 1 },
      { result: 1 }, // response without id
      { id: 1 }, // neither result nor error
      { id: { nested: true }, result: 1, error: null },
    ]) {
      assert.throws(() => classifyMessage(bad), ProtocolError, JSON.stringify(bad));
    }
  });

  it('classifyMessage fills a missing response member with null', () => {
    assert.deepEqual(classifyMessage({ id: 9, result: [] }), { kind: 'response', message: { result: [], error: null, id: 9 } });
    assert.deepEqual(classifyMessage({ id: 9, error: 'x' }), { kind: 'response', message: { result: null, error: 'x', id: 9 } });
    assert.equal(classifyMessage({ id: null, method: 'locked', params: ['l'] }).kind, 'notification');
    assert.equal(classifyMessage({ id: 'echo', method: 'echo', params: [] }).kind, 'request');
  });
});
