// JSON-RPC 1.0 as RFC 7047 uses it. ovsdb-server is strict about shapes: a request carries exactly
// `method`, `params` and `id` (an extra member such as `jsonrpc: "2.0"` gets the request refused),
// params is always an array, and a notification is a request whose id is null.
import { ProtocolError } from './errors.js';

/** Ids we send are numbers; the server's own requests (echo) use strings such as "echo". */
export type JsonRpcId = number | string;

export interface JsonRpcRequest {
  method: string;
  params: unknown[];
  id: JsonRpcId;
}

export interface JsonRpcNotification {
  method: string;
  params: unknown[];
  id: null;
}

/** Exactly one of result/error is non-null. */
export interface JsonRpcResponse {
  result: unknown;
  error: unknown;
  id: JsonRpcId;
}

export type JsonRpcMessage = JsonRpcRequest | JsonRpcNotification | JsonRpcResponse;

export type ClassifiedMessage =
  | { kind: 'request'; message: JsonRpcRequest }
  | { kind: 'notification'; message: JsonRpcNotification }
  | { kind: 'response'; message: JsonRpcResponse };

export function request(method: string, params: unknown[], id: JsonRpcId): JsonRpcRequest {
  return { method, params, id };
}

export function notification(method: string, params: unknown[]): JsonRpcNotification {
  return { method, params, id: null };
}

export function response(id: JsonRpcId, result: unknown): JsonRpcResponse {
  return { result, error: null, id };
}

export function errorResponse(id: JsonRpcId, error: unknown): JsonRpcResponse {
  return { result: null, error, id };
}

/** Serializes with the members in protocol order and nothing else, whatever object it is handed. */
export function encodeMessage(message: JsonRpcMessage): string {
  if ('method' in message) {
    return JSON.stringify({ method: message.method, params: message.params, id: message.id });
  }
  return JSON.stringify({ result: message.result, error: message.error, id: message.id });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isId(value: unknown): value is JsonRpcId {
  return typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value));
}

function hasMethodAndParams(m: Record<string, unknown>): boolean {
  return typeof m.method === 'string' && Array.isArray(m.params);
}

export function isRequest(value: unknown): value is JsonRpcRequest {
  return isRecord(value) && hasMethodAndParams(value) && isId(value.id);
}

export function isNotification(value: unknown): value is JsonRpcNotification {
  return isRecord(value) && hasMethodAndParams(value) && value.id === null;
}

/** RFC 7047 requires both result and error members; a server omitting one is tolerated as null. */
export function isResponse(value: unknown): value is JsonRpcResponse {
  return (
    isRecord(value) &&
    !('method' in value) &&
    isId(value.id) &&
    ('result' in value || 'error' in value)
  );
}

/** Sorts an incoming message into its kind, filling absent response members with null. */
export function classifyMessage(value: unknown): ClassifiedMessage {
  // Most messages are replies that carry both members: passed on as they are, not copied.
  if (isResponse(value)) {
    const message = value.result !== undefined && value.error !== undefined ? value : { result: value.result ?? null, error: value.error ?? null, id: value.id };
    return { kind: 'response', message };
  }
  if (isRequest(value)) return { kind: 'request', message: value };
  if (isNotification(value)) return { kind: 'notification', message: value };
  throw new ProtocolError('not a JSON-RPC request, notification or response', value);
}
