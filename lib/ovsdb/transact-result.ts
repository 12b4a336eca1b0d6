// The reply to `transact` (RFC 7047 section 4.1.3): one result per operation, in order. When an
// operation fails the server stops there and rolls everything back; its element is an error object
// and the ones after it are null (or absent). When every operation succeeds but the commit fails
// (referential integrity, I/O), the array has one extra element holding that error.
import type { OperationError, OperationErrorContext } from './errors.js';
import {
  AbortedError,
  ConstraintViolationError,
  DomainError,
  DuplicateUuidNameError,
  NotOwnerError,
  NotSupportedError,
  OperationFailedError,
  OvsdbIoError,
  OvsdbRangeError,
  ProtocolError,
  ReferentialIntegrityError,
  ResourcesExhaustedError,
  WaitTimedOutError,
} from './errors.js';
import type { Operation } from './operations.js';
import { isUuid } from './values.js';

export type OperationResult =
  | { op: 'insert'; uuid: string }
  | { op: 'select'; rows: Record<string, unknown>[] }
  | { op: 'update' | 'mutate' | 'delete'; count: number }
  | { op: 'wait' | 'commit' | 'abort' | 'comment' | 'assert' };

export interface TransactResult {
  /** One per operation, same order. */
  results: OperationResult[];
  /** uuid-name of each insert that had one → the uuid the server gave the row. */
  uuidNames: Map<string, string>;
}

type OperationErrorClass = new (context: OperationErrorContext) => OperationError;

const ERROR_CLASSES = new Map<string, OperationErrorClass>([
  ['constraint violation', ConstraintViolationError],
  ['referential integrity violation', ReferentialIntegrityError],
  ['resources exhausted', ResourcesExhaustedError],
  ['I/O error', OvsdbIoError],
  ['duplicate uuid-name', DuplicateUuidNameError],
  ['domain error', DomainError],
  ['range error', OvsdbRangeError],
  ['timed out', WaitTimedOutError],
  ['not supported', NotSupportedError],
  ['aborted', AbortedError],
  ['not owner', NotOwnerError],
]);

/** The typed error for an OVSDB error string; unknown strings become OperationFailedError. */
export function operationError(context: OperationErrorContext): OperationError {
  const ErrorClass = ERROR_CLASSES.get(context.error) ?? OperationFailedError;
  return new ErrorClass(context);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isErrorObject(value: unknown): value is Record<string, unknown> & { error: string } {
  return isRecord(value) && typeof value.error === 'string';
}

/**
 * Maps the `result` of a transact reply onto the operations that were sent. Throws the typed
 * OperationError of the first failure (nothing was committed), or ProtocolError if the reply does
 * not fit the operations.
 */
export function readTransactResult(operations: readonly Operation[], reply: unknown): TransactResult {
  if (!Array.isArray(reply)) throw new ProtocolError('transact result is not an array', reply);
  const n = operations.length;
  if (reply.length > n + 1) {
    throw new ProtocolError(`transact result has ${reply.length} elements for ${n} operations`, reply);
  }
  const failed = reply.findIndex(isErrorObject);
  if (failed >= 0) throw errorAt(operations, failed, reply[failed] as Record<string, unknown> & { error: string });
  if (reply.length !== n) {
    throw new ProtocolError(
      reply.length < n
        ? `transact result has ${reply.length} elements for ${n} operations and no error`
        : 'transact result has an extra element that is not an error',
      reply,
    );
  }

  const results: OperationResult[] = [];
  const uuidNames = new Map<string, string>();
  operations.forEach((operation, i) => {
    const result = readOne(operation, reply[i], i);
    results.push(result);
    if (operation.op === 'insert' && result.op === 'insert' && operation['uuid-name'] !== undefined) {
      uuidNames.set(operation['uuid-name'], result.uuid);
    }
  });
  return { results, uuidNames };
}

function errorAt(operations: readonly Operation[], index: number, element: Record<string, unknown> & { error: string }): OperationError {
  const operation = operations[index];
  const details = typeof element.details === 'string' ? element.details : undefined;
  // Parse errors carry the offending JSON in "syntax"; it is what tells which part was refused.
  const syntax = typeof element.syntax === 'string' ? element.syntax : undefined;
  const context: OperationErrorContext = { opIndex: index, error: element.error };
  const fullDetails = syntax === undefined ? details : `${details ?? ''}${details === undefined ? '' : ' '}(in ${syntax})`;
  if (fullDetails !== undefined) context.details = fullDetails;
  if (operation !== undefined) {
    context.op = operation.op;
    if ('table' in operation) context.table = operation.table;
  }
  return operationError(context);
}

function readOne(operation: Operation, element: unknown, index: number): OperationResult {
  const fail = (what: string): never => {
    throw new ProtocolError(`result ${index} of ${operation.op}: ${what}`, element);
  };
  if (!isRecord(element)) return fail(`expected an object, got ${JSON.stringify(element)}`);
  switch (operation.op) {
    case 'insert': {
      const u = element.uuid;
      if (!Array.isArray(u) || u.length !== 2 || u[0] !== 'uuid' || typeof u[1] !== 'string' || !isUuid(u[1])) {
        return fail('missing ["uuid", UUID]');
      }
      return { op: 'insert', uuid: u[1] };
    }
    case 'select': {
      const rows = element.rows;
      if (!Array.isArray(rows) || !rows.every(isRecord)) return fail('missing "rows" array of objects');
      return { op: 'select', rows };
    }
    case 'update':
    case 'mutate':
    case 'delete': {
      const count = element.count;
      if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) return fail('missing "count"');
      return { op: operation.op, count };
    }
    default:
      return { op: operation.op };
  }
}
