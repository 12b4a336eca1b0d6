// Every failure of the OVSDB library is an OvsdbError with a stable `code`, so callers (the daemon's
// JSON-RPC layer, the CLI's exit codes) switch on the code or the class, never on message text.
// Each subclass carries the context an operator needs to act: the remote, the table, the column,
// the index of the failing operation. OVSDB_ERRORS gives each code its class.
import { defineErrorCodes } from '../errors.js';
import type { ClassifiedError, CodeOf, ErrorClass } from '../errors.js';

export const OVSDB_ERRORS = defineErrorCodes({
  HVNET_OVSDB_INVALID_REMOTE: 'invalid',
  // The stream is dropped and the session reconnects: the server, not the request, misbehaved.
  HVNET_OVSDB_MESSAGE_TOO_LARGE: 'unavailable',
  HVNET_OVSDB_FRAMING: 'unavailable',
  HVNET_OVSDB_PROTOCOL: 'unavailable',
  HVNET_OVSDB_SCHEMA_INVALID: 'invalid',
  HVNET_OVSDB_SCHEMA_VALIDATION: 'invalid',
  // The server sent a value our schema cannot hold: a schema mismatch or a bug.
  HVNET_OVSDB_DECODE: 'internal',
  // An update taken in over several turns of the event loop was overtaken (a resync) before it
  // was applied: the resync holds what it carried.
  HVNET_OVSDB_UPDATE_DROPPED: 'unavailable',
  HVNET_OVSDB_CONSTRAINT_VIOLATION: 'refused',
  HVNET_OVSDB_REFERENTIAL_INTEGRITY: 'refused',
  HVNET_OVSDB_RESOURCES_EXHAUSTED: 'refused',
  HVNET_OVSDB_IO_ERROR: 'refused',
  HVNET_OVSDB_DUPLICATE_UUID_NAME: 'internal',
  HVNET_OVSDB_DOMAIN_ERROR: 'refused',
  HVNET_OVSDB_RANGE_ERROR: 'refused',
  // A `wait` guard failed: the rows changed under the transaction (the applier retries these).
  HVNET_OVSDB_TIMED_OUT: 'conflict',
  HVNET_OVSDB_NOT_SUPPORTED: 'refused',
  HVNET_OVSDB_ABORTED: 'refused',
  HVNET_OVSDB_NOT_OWNER: 'conflict',
  HVNET_OVSDB_OPERATION_FAILED: 'refused',
  HVNET_OVSDB_OUTCOME_UNKNOWN: 'outcome-unknown',
  HVNET_OVSDB_TRANSPORT: 'unavailable',
  HVNET_OVSDB_RPC_ERROR: 'refused',
});

export type OvsdbErrorCode = CodeOf<typeof OVSDB_ERRORS>;

export class OvsdbError extends Error implements ClassifiedError {
  readonly code: OvsdbErrorCode;
  readonly errorClass: ErrorClass;

  constructor(code: OvsdbErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.errorClass = OVSDB_ERRORS[code];
    // The subclass name, so logs and `util.inspect` show what failed without a stack read.
    this.name = new.target.name;
  }
}

export class InvalidRemoteError extends OvsdbError {
  constructor(
    readonly remote: string,
    readonly reason: string,
  ) {
    super(
      'HVNET_OVSDB_INVALID_REMOTE',
      `invalid OVSDB remote ${JSON.stringify(remote)}: ${reason} ` +
        '(allowed: unix:PATH, tcp:IP:PORT, tcp:[IPv6]:PORT, ssl:IP:PORT, ssl:[IPv6]:PORT, comma-separated)',
    );
  }
}

/** The stream announced a message larger than allowed; the connection must be dropped. */
export class MessageTooLargeError extends OvsdbError {
  constructor(
    readonly limitBytes: number,
    readonly seenBytes: number,
  ) {
    super(
      'HVNET_OVSDB_MESSAGE_TOO_LARGE',
      `OVSDB message exceeds ${limitBytes} bytes (at least ${seenBytes} bytes buffered)`,
    );
  }
}

/** The byte stream is not a sequence of JSON objects/arrays; the connection must be dropped. */
export class FramingError extends OvsdbError {
  constructor(
    message: string,
    readonly streamOffset: number,
    options?: { cause?: unknown },
  ) {
    super('HVNET_OVSDB_FRAMING', `OVSDB framing: ${message} (stream offset ${streamOffset})`, options);
  }
}

/** A well-formed JSON message that does not have the shape RFC 7047 promises. */
export class ProtocolError extends OvsdbError {
  constructor(
    message: string,
    readonly received?: unknown,
  ) {
    super('HVNET_OVSDB_PROTOCOL', `OVSDB protocol: ${message}`);
  }
}

/** The .ovsschema document itself is malformed. `path` points into the document. */
export class SchemaParseError extends OvsdbError {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super('HVNET_OVSDB_SCHEMA_INVALID', `invalid OVSDB schema at ${path}: ${reason}`);
  }
}

export type ValidationKind =
  | 'unknown-table'
  | 'unknown-column'
  | 'wrong-type'
  | 'enum'
  | 'range'
  | 'length'
  | 'set-size'
  | 'duplicate'
  | 'immutable'
  | 'read-only'
  | 'bad-operation';

export interface ValidationContext {
  table?: string;
  column?: string;
  value?: unknown;
  /** What would have been accepted: the enum members, the range, the size bounds, the known names. */
  allowed?: string;
  opIndex?: number;
}

/**
 * A value or operation that the server would refuse, caught before anything is sent. The whole
 * transaction is refused with it, so a half-valid batch never reaches the server.
 */
export class SchemaValidationError extends OvsdbError {
  readonly table: string | undefined;
  readonly column: string | undefined;
  readonly value: unknown;
  readonly allowed: string | undefined;
  readonly opIndex: number | undefined;

  constructor(
    readonly kind: ValidationKind,
    readonly reason: string,
    context: ValidationContext = {},
  ) {
    const where = [
      context.opIndex === undefined ? undefined : `operation ${context.opIndex}`,
      context.table === undefined ? undefined : context.column === undefined ? context.table : `${context.table}.${context.column}`,
    ]
      .filter((s) => s !== undefined)
      .join(', ');
    const allowed = context.allowed === undefined ? '' : ` (allowed: ${context.allowed})`;
    super('HVNET_OVSDB_SCHEMA_VALIDATION', `${where === '' ? '' : `${where}: `}${reason}${allowed}`);
    this.table = context.table;
    this.column = context.column;
    this.value = context.value;
    this.allowed = context.allowed;
    this.opIndex = context.opIndex;
  }

  /** The same error, positioned at an operation of a transaction. */
  atOperation(opIndex: number): SchemaValidationError {
    return new SchemaValidationError(this.kind, this.reason, {
      table: this.table,
      column: this.column,
      value: this.value,
      allowed: this.allowed,
      opIndex,
    });
  }
}

/** A value received from the server does not fit the column type of our schema. */
export class DecodeError extends OvsdbError {
  constructor(
    readonly table: string,
    readonly column: string,
    readonly reason: string,
    readonly received?: unknown,
  ) {
    super('HVNET_OVSDB_DECODE', `cannot decode ${table}.${column}: ${reason}`);
  }
}

/**
 * An update being decoded in slices was dropped before any of it was applied: the cache changed
 * meanwhile (a resync after a reconnect, which holds what the update carried), or its source
 * said it is no longer wanted (the connection it came on closed).
 */
export class UpdateDroppedError extends OvsdbError {
  constructor(readonly reason: string) {
    super('HVNET_OVSDB_UPDATE_DROPPED', `update dropped before it was applied: ${reason}`);
  }
}

export interface OperationErrorContext {
  /** Index in the transaction's operation array; equals the operation count for commit-level errors. */
  opIndex: number;
  /** The failing operation's `op`, or undefined for a commit-level error. */
  op?: string;
  table?: string;
  /** The OVSDB `error` string, verbatim. */
  error: string;
  details?: string;
}

/**
 * One operation of a transaction failed, so the server rolled back the whole transaction.
 * Subclasses exist per RFC 7047 error string so callers can switch on the class.
 */
export class OperationError extends OvsdbError {
  readonly opIndex: number;
  readonly op: string | undefined;
  readonly table: string | undefined;
  readonly error: string;
  readonly details: string | undefined;

  constructor(code: OvsdbErrorCode, context: OperationErrorContext) {
    const where =
      context.op === undefined
        ? `transaction commit (after ${context.opIndex} operations)`
        : `operation ${context.opIndex} (${context.op}${context.table === undefined ? '' : ` ${context.table}`})`;
    const details = context.details === undefined ? '' : `: ${context.details}`;
    super(code, `${where} failed: ${context.error}${details}`);
    this.opIndex = context.opIndex;
    this.op = context.op;
    this.table = context.table;
    this.error = context.error;
    this.details = context.details;
  }
}

export class ConstraintViolationError extends OperationError {
  constructor(context: OperationErrorContext) {
    super('HVNET_OVSDB_CONSTRAINT_VIOLATION', context);
  }
}

export class ReferentialIntegrityError extends OperationError {
  constructor(context: OperationErrorContext) {
    super('HVNET_OVSDB_REFERENTIAL_INTEGRITY', context);
  }
}

export class ResourcesExhaustedError extends OperationError {
  constructor(context: OperationErrorContext) {
    super('HVNET_OVSDB_RESOURCES_EXHAUSTED', context);
  }
}

export class OvsdbIoError extends OperationError {
  constructor(context: OperationErrorContext) {
    super('HVNET_OVSDB_IO_ERROR', context);
  }
}

export class DuplicateUuidNameError extends OperationError {
  constructor(context: OperationErrorContext) {
    super('HVNET_OVSDB_DUPLICATE_UUID_NAME', context);
  }
}

export class DomainError extends OperationError {
  constructor(context: OperationErrorContext) {
    super('HVNET_OVSDB_DOMAIN_ERROR', context);
  }
}

/** RFC 7047 "range error" (named so it does not shadow the global RangeError). */
export class OvsdbRangeError extends OperationError {
  constructor(context: OperationErrorContext) {
    super('HVNET_OVSDB_RANGE_ERROR', context);
  }
}

/** A `wait` operation's condition did not hold before its timeout ("timed out"). */
export class WaitTimedOutError extends OperationError {
  constructor(context: OperationErrorContext) {
    super('HVNET_OVSDB_TIMED_OUT', context);
  }
}

export class NotSupportedError extends OperationError {
  constructor(context: OperationErrorContext) {
    super('HVNET_OVSDB_NOT_SUPPORTED', context);
  }
}

/** An `abort` operation ran: the transaction was rolled back on purpose. */
export class AbortedError extends OperationError {
  constructor(context: OperationErrorContext) {
    super('HVNET_OVSDB_ABORTED', context);
  }
}

/** An `assert` operation named a lock this client does not own. */
export class NotOwnerError extends OperationError {
  constructor(context: OperationErrorContext) {
    super('HVNET_OVSDB_NOT_OWNER', context);
  }
}

/** Any other error string (e.g. "syntax error", "unknown column" from a newer or older server). */
export class OperationFailedError extends OperationError {
  constructor(context: OperationErrorContext) {
    super('HVNET_OVSDB_OPERATION_FAILED', context);
  }
}

export interface OutcomeUnknownContext {
  remote?: string;
  method?: string;
  requestId?: string | number;
}

/**
 * The connection dropped after a transaction was sent and before its reply arrived: it may or may
 * not have committed. The caller must re-read the database (or rely on `wait` guards) before retrying.
 */
export class OutcomeUnknownError extends OvsdbError {
  readonly remote: string | undefined;
  readonly method: string | undefined;
  readonly requestId: string | number | undefined;

  constructor(context: OutcomeUnknownContext = {}, options?: { cause?: unknown }) {
    const where = [context.method, context.remote === undefined ? undefined : `on ${context.remote}`]
      .filter((s) => s !== undefined)
      .join(' ');
    super(
      'HVNET_OVSDB_OUTCOME_UNKNOWN',
      `${where === '' ? 'request' : where}: connection lost before the reply; the outcome is unknown`,
      options,
    );
    this.remote = context.remote;
    this.method = context.method;
    this.requestId = context.requestId;
  }
}

/** The socket could not be opened, or failed, or closed. */
export class TransportError extends OvsdbError {
  constructor(
    readonly remote: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super('HVNET_OVSDB_TRANSPORT', `${remote}: ${message}`, options);
  }
}

/** The server answered a JSON-RPC request with a non-null `error` member. */
export class RpcError extends OvsdbError {
  /** The `error` member's `error` string when it has one (e.g. "unknown database"). */
  readonly error: string | undefined;
  readonly details: string | undefined;

  constructor(
    readonly method: string,
    readonly rpcError: unknown,
    readonly remote?: string,
  ) {
    const { error, details } = describeRpcError(rpcError);
    super(
      'HVNET_OVSDB_RPC_ERROR',
      `${method}${remote === undefined ? '' : ` on ${remote}`} failed: ${error ?? JSON.stringify(rpcError)}` +
        (details === undefined ? '' : `: ${details}`),
    );
    this.error = error;
    this.details = details;
  }
}

function describeRpcError(rpcError: unknown): { error?: string; details?: string } {
  if (typeof rpcError === 'string') return { error: rpcError };
  if (typeof rpcError !== 'object' || rpcError === null) return {};
  const record = rpcError as Record<string, unknown>;
  return {
    error: typeof record.error === 'string' ? record.error : undefined,
    details: typeof record.details === 'string' ? record.details : undefined,
  };
}
