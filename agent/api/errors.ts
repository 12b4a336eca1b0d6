// Every error hvnet's daemon, CLI and controller can report, with a stable code. A code has a
// class (lib/errors.ts): the libraries declare theirs where they throw them, the agent its own
// below. This file is the only place where a class (or, where it must differ, a code) meets a
// JSON-RPC error number and a CLI exit code: the daemon answers with the number and puts the code
// in `data`, the CLI turns the code back into the same class and exits with its exit code, so a
// script can rely on either.
import { defineErrorCodes, isClassifiedError } from '../../lib/errors.js';
import type { CodeOf, ErrorClass } from '../../lib/errors.js';
import { DOMXML_ERRORS } from '../../lib/domxml/errors.js';
import { LIBVIRT_ERRORS } from '../../lib/libvirt/errors.js';
import { MACPOOL_ERRORS } from '../../lib/macpool/errors.js';
import { NIC_PLAN_ERRORS } from '../../lib/nic/errors.js';
import { OVN_ERRORS } from '../../lib/ovn/errors.js';
import { REMOTE_ERRORS } from '../../lib/ovn/remote/errors.js';
import { OVSDB_ERRORS } from '../../lib/ovsdb/errors.js';
import { NIC_ERRORS } from './nic-errors.js';

/** Exit codes of the hvnet commands (sysexits.h where one fits). Each means one thing. */
export const EXIT = {
  ok: 0,
  /** A value or the operation was refused or failed (bad name, not found, conflict, libvirt or OVN said no). */
  failure: 1,
  /** The command line itself is wrong: unknown command or option, missing or extra argument, a value outside an option's choices. */
  usage: 2,
  /** EX_CONFIG: systemd's Restart=on-failure should not loop on a config it will never accept. */
  config: 78,
  /** EX_TEMPFAIL: an OVN write may or may not have been applied; re-read (list/show) before retrying. */
  outcomeUnknown: 75,
} as const;

/** JSON-RPC 2.0 reserved numbers, and hvnet's own in the implementation-defined range. */
export const RPC = {
  parseError: -32700,
  invalidRequest: -32600,
  methodNotFound: -32601,
  invalidParams: -32602,
  internal: -32603,
  /** -32000..-32099 is "server error" in JSON-RPC 2.0; hvnet's own errors live there. */
  unavailable: -32001,
  shuttingDown: -32002,
  /** libvirt, OVN or the guest refused or failed the operation. */
  refused: -32003,
  notFound: -32004,
  conflict: -32009,
  /** The write may or may not have been applied (the NB connection dropped each time). */
  outcomeUnknown: -32010,
} as const;

/** The agent's own codes (the daemon's socket, its configuration, the CLI). */
export const AGENT_ERRORS = defineErrorCodes({
  HVNET_CONFIG_INVALID: 'invalid',
  HVNET_CONFIG_UNREADABLE: 'invalid',
  /** Found by the CLI's parser: the command line itself is wrong. */
  HVNET_USAGE: 'invalid',
  /** A value the CLI refuses before asking hvnetd (a --project name, a KEY=VALUE word). */
  HVNET_INVALID_ARGUMENT: 'invalid',
  HVNET_EDITOR_FAILED: 'refused',
  HVNET_PARSE_ERROR: 'invalid',
  HVNET_INVALID_REQUEST: 'invalid',
  HVNET_REQUEST_TOO_LARGE: 'invalid',
  HVNET_METHOD_NOT_FOUND: 'invalid',
  HVNET_INVALID_PARAMS: 'invalid',
  HVNET_INTERNAL: 'internal',
  HVNET_SHUTTING_DOWN: 'unavailable',
  /** A socket budget (api.maxConnections, api.maxConnectionsPerUser) is used up; retry once connections close. */
  HVNET_TOO_MANY_CONNECTIONS: 'unavailable',
  HVNET_OVN_UNAVAILABLE: 'unavailable',
  HVNET_DAEMON_UNREACHABLE: 'unavailable',
  HVNET_SOCKET_PERMISSION: 'refused',
  HVNET_DAEMON_PROTOCOL: 'internal',
  HVNET_TIMEOUT: 'unavailable',
});

/** Every code hvnet reports, with its class: the agent's and each library's table. */
export const ERROR_TABLES = {
  agent: AGENT_ERRORS,
  nic: NIC_ERRORS,
  ovn: OVN_ERRORS,
  ovnRemote: REMOTE_ERRORS,
  ovsdb: OVSDB_ERRORS,
  domxml: DOMXML_ERRORS,
  libvirt: LIBVIRT_ERRORS,
  macpool: MACPOOL_ERRORS,
  nicPlan: NIC_PLAN_ERRORS,
} as const;

type Tables = typeof ERROR_TABLES;
export type HvnetErrorCode = { [K in keyof Tables]: CodeOf<Tables[K]> }[keyof Tables];

const CLASS_OF: Readonly<Record<HvnetErrorCode, ErrorClass>> = Object.freeze(
  Object.assign({}, ...Object.values(ERROR_TABLES)) as Record<HvnetErrorCode, ErrorClass>,
);

export interface ErrorMapping {
  rpc: number;
  exit: number;
}

/** The one table: what each class of failure answers on the socket and exits with. */
export const CLASS_MAPPING: Readonly<Record<ErrorClass, ErrorMapping>> = {
  invalid: { rpc: RPC.invalidParams, exit: EXIT.failure },
  'not-found': { rpc: RPC.notFound, exit: EXIT.failure },
  conflict: { rpc: RPC.conflict, exit: EXIT.failure },
  refused: { rpc: RPC.refused, exit: EXIT.failure },
  unavailable: { rpc: RPC.unavailable, exit: EXIT.failure },
  'outcome-unknown': { rpc: RPC.outcomeUnknown, exit: EXIT.outcomeUnknown },
  internal: { rpc: RPC.internal, exit: EXIT.failure },
};

/** Codes whose number or exit code is not their class's: JSON-RPC's own errors, usage, configuration. */
export const CODE_OVERRIDES: Readonly<Partial<Record<HvnetErrorCode, Partial<ErrorMapping>>>> = {
  HVNET_USAGE: { exit: EXIT.usage },
  HVNET_CONFIG_INVALID: { exit: EXIT.config },
  HVNET_CONFIG_UNREADABLE: { rpc: RPC.internal, exit: EXIT.config },
  // hvnetd refuses to start against an NB whose schema lacks a column it needs: a deployment to fix.
  HVNET_OVN_SCHEMA_MISSING: { exit: EXIT.config },
  HVNET_PARSE_ERROR: { rpc: RPC.parseError },
  HVNET_INVALID_REQUEST: { rpc: RPC.invalidRequest },
  HVNET_REQUEST_TOO_LARGE: { rpc: RPC.invalidRequest },
  HVNET_METHOD_NOT_FOUND: { rpc: RPC.methodNotFound },
  HVNET_SHUTTING_DOWN: { rpc: RPC.shuttingDown },
};

export function isHvnetErrorCode(value: unknown): value is HvnetErrorCode {
  return typeof value === 'string' && Object.hasOwn(CLASS_OF, value);
}

export function classOf(code: HvnetErrorCode): ErrorClass {
  return CLASS_OF[code];
}

/** The JSON-RPC number and exit code of a code: its class's, unless the code overrides them. */
export function mappingOf(code: HvnetErrorCode): ErrorMapping {
  return { ...CLASS_MAPPING[CLASS_OF[code]], ...CODE_OVERRIDES[code] };
}

/** What travels in a JSON-RPC error's `data` member. */
export interface ErrorData {
  code: HvnetErrorCode;
  errorClass: ErrorClass;
  details?: Record<string, unknown>;
}

export class HvnetError extends Error {
  readonly errorClass: ErrorClass;

  constructor(
    readonly code: HvnetErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.errorClass = classOf(code);
    this.name = new.target.name;
  }

  get rpcCode(): number {
    return mappingOf(this.code).rpc;
  }

  get exitCode(): number {
    return mappingOf(this.code).exit;
  }

  toRpcError(): { code: number; message: string; data: ErrorData } {
    const data: ErrorData = { code: this.code, errorClass: this.errorClass };
    if (Object.keys(this.details).length > 0) data.details = this.details;
    return { code: this.rpcCode, message: this.message, data };
  }
}

/** One problem in a configuration file: where (`ovn.nb.remotes`) and what is allowed there. */
export interface ConfigProblem {
  path: string;
  message: string;
}

export class ConfigError extends HvnetError {
  constructor(
    readonly file: string,
    readonly problems: readonly ConfigProblem[],
  ) {
    super(
      'HVNET_CONFIG_INVALID',
      `${file}: ${problems.map((p) => (p.path ? `${p.path}: ${p.message}` : p.message)).join('; ')}`,
      { file, problems },
    );
  }
}

export class ConfigUnreadableError extends HvnetError {
  constructor(
    readonly file: string,
    reason: string,
    options?: ErrorOptions,
  ) {
    super('HVNET_CONFIG_UNREADABLE', `${file}: ${reason}`, { file }, options);
  }
}

export class InvalidParamsError extends HvnetError {
  constructor(method: string, problems: readonly string[]) {
    super('HVNET_INVALID_PARAMS', `${method}: invalid params: ${problems.join('; ')}`, { method, problems });
  }
}

export class MethodNotFoundError extends HvnetError {
  constructor(method: string, known: readonly string[]) {
    super('HVNET_METHOD_NOT_FOUND', `unknown method '${method}'`, { method, known });
  }
}

export class ShuttingDownError extends HvnetError {
  constructor() {
    super('HVNET_SHUTTING_DOWN', 'hvnetd is shutting down; retry once it is back');
  }
}

export class TooManyConnectionsError extends HvnetError {
  /**
   * `key` is the configuration key of the limit that was reached, named in the message (with
   * `note`) so whoever reads it knows what to raise.
   */
  constructor(from: string, key: string, limit: number, details: Record<string, unknown> = {}, note = '') {
    super('HVNET_TOO_MANY_CONNECTIONS', `too many connections${from} (${key} = ${limit}${note}); retry once some close`, { key, limit, ...details });
  }
}

export class RequestTooLargeError extends HvnetError {
  constructor(limit: number) {
    super('HVNET_REQUEST_TOO_LARGE', `request larger than ${limit} bytes`, { limit });
  }
}

export class DaemonUnreachableError extends HvnetError {
  constructor(socket: string, reason: string, options?: ErrorOptions) {
    super(
      'HVNET_DAEMON_UNREACHABLE',
      `cannot reach hvnetd at ${socket} (${reason}); start it with 'systemctl start hvnetd', ` +
        `or run 'hvnetd --config FILE', or point --socket at its socket`,
      { socket, reason },
      options,
    );
  }
}

export class SocketPermissionError extends HvnetError {
  constructor(socket: string, options?: ErrorOptions) {
    super(
      'HVNET_SOCKET_PERMISSION',
      `permission denied on ${socket}: only root and members of group 'hvnet' may use hvnetd ` +
        `(add the user to the group, then log in again)`,
      { socket },
      options,
    );
  }
}

/**
 * Turns whatever was thrown into an HvnetError without losing a typed one: a library's error keeps
 * its code (and so its class); only what carries no known code becomes HVNET_INTERNAL.
 */
export function asHvnetError(e: unknown): HvnetError {
  if (e instanceof HvnetError) return e;
  const message = e instanceof Error ? e.message : String(e);
  if (isClassifiedError(e) && isHvnetErrorCode(e.code)) return new HvnetError(e.code, message, {}, { cause: e });
  return new HvnetError('HVNET_INTERNAL', message, {}, { cause: e });
}

/**
 * The CLI's side of the mapping: a JSON-RPC error from hvnetd back into an HvnetError with the
 * daemon's code (HVNET_DAEMON_PROTOCOL when the daemon sent something that is not hvnet's shape).
 */
export function fromRpcError(error: unknown): HvnetError {
  if (typeof error !== 'object' || error === null) {
    return new HvnetError('HVNET_DAEMON_PROTOCOL', `malformed error from hvnetd: ${JSON.stringify(error)}`);
  }
  const { message, data } = error as { message?: unknown; data?: unknown };
  const text = typeof message === 'string' ? message : 'error without a message';
  const d = typeof data === 'object' && data !== null ? (data as { code?: unknown; details?: unknown }) : {};
  const code = isHvnetErrorCode(d.code) ? d.code : 'HVNET_DAEMON_PROTOCOL';
  const details = typeof d.details === 'object' && d.details !== null ? (d.details as Record<string, unknown>) : {};
  return new HvnetError(code, text, details);
}
