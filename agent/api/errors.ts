// Every error hvnet's daemon, CLI and controller can report, with a stable code. The table below
// is the only place where a code meets a JSON-RPC error number and a CLI exit code: the daemon
// answers with the number and puts the code in `data`, the CLI turns the code back into the same
// class and exits with its exit code, so a script can rely on either.

/** Exit codes of the hvnet commands (sysexits.h where one fits). */
export const EXIT = {
  ok: 0,
  failure: 1,
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
  notFound: -32004,
  conflict: -32009,
  /** The write may or may not have been applied (the NB connection dropped each time). */
  outcomeUnknown: -32010,
} as const;

export const ERROR_CODES = {
  HVNET_CONFIG_INVALID: { rpc: RPC.invalidParams, exit: EXIT.config },
  HVNET_CONFIG_UNREADABLE: { rpc: RPC.internal, exit: EXIT.config },
  HVNET_USAGE: { rpc: RPC.invalidParams, exit: EXIT.usage },
  HVNET_PARSE_ERROR: { rpc: RPC.parseError, exit: EXIT.failure },
  HVNET_INVALID_REQUEST: { rpc: RPC.invalidRequest, exit: EXIT.failure },
  HVNET_REQUEST_TOO_LARGE: { rpc: RPC.invalidRequest, exit: EXIT.failure },
  HVNET_METHOD_NOT_FOUND: { rpc: RPC.methodNotFound, exit: EXIT.failure },
  HVNET_INVALID_PARAMS: { rpc: RPC.invalidParams, exit: EXIT.usage },
  HVNET_INTERNAL: { rpc: RPC.internal, exit: EXIT.failure },
  HVNET_SHUTTING_DOWN: { rpc: RPC.shuttingDown, exit: EXIT.failure },
  HVNET_OVN_UNAVAILABLE: { rpc: RPC.unavailable, exit: EXIT.failure },
  HVNET_NOT_FOUND: { rpc: RPC.notFound, exit: EXIT.failure },
  HVNET_DAEMON_UNREACHABLE: { rpc: RPC.unavailable, exit: EXIT.failure },
  HVNET_SOCKET_PERMISSION: { rpc: RPC.unavailable, exit: EXIT.failure },
  HVNET_DAEMON_PROTOCOL: { rpc: RPC.internal, exit: EXIT.failure },
  HVNET_TIMEOUT: { rpc: RPC.unavailable, exit: EXIT.failure },
  // lib/ovn's errors (agent/daemon/features/networks/errors.ts): the same codes, `details.field`
  // names the refused request field. Bad input is a usage error; state the request ran into is not.
  HVNET_OVN_INVALID_NAME: { rpc: RPC.invalidParams, exit: EXIT.usage },
  HVNET_OVN_INVALID_TARGET: { rpc: RPC.invalidParams, exit: EXIT.usage },
  HVNET_OVN_INVALID_CIDR: { rpc: RPC.invalidParams, exit: EXIT.usage },
  HVNET_OVN_INVALID_CONFIG: { rpc: RPC.invalidParams, exit: EXIT.usage },
  HVNET_OVN_INVALID_INPUT: { rpc: RPC.invalidParams, exit: EXIT.usage },
  HVNET_OVN_READ_ONLY_FIELD: { rpc: RPC.invalidParams, exit: EXIT.usage },
  HVNET_OVN_SELF_PEERING: { rpc: RPC.invalidParams, exit: EXIT.usage },
  HVNET_OVN_PROJECT_NOT_FOUND: { rpc: RPC.notFound, exit: EXIT.failure },
  HVNET_OVN_NETWORK_NOT_FOUND: { rpc: RPC.notFound, exit: EXIT.failure },
  HVNET_OVN_PEERING_NOT_FOUND: { rpc: RPC.notFound, exit: EXIT.failure },
  HVNET_OVN_PROJECT_EXISTS: { rpc: RPC.conflict, exit: EXIT.failure },
  HVNET_OVN_NETWORK_EXISTS: { rpc: RPC.conflict, exit: EXIT.failure },
  HVNET_OVN_PEERING_EXISTS: { rpc: RPC.conflict, exit: EXIT.failure },
  HVNET_OVN_PEERING_TARGET_TAKEN: { rpc: RPC.conflict, exit: EXIT.failure },
  HVNET_OVN_PROJECT_NOT_EMPTY: { rpc: RPC.conflict, exit: EXIT.failure },
  HVNET_OVN_PROJECT_PROTECTED: { rpc: RPC.conflict, exit: EXIT.failure },
  HVNET_OVN_CONFLICT: { rpc: RPC.conflict, exit: EXIT.failure },
  HVNET_OVN_IDS_EXHAUSTED: { rpc: RPC.conflict, exit: EXIT.failure },
  HVNET_OVN_OUTCOME_UNKNOWN: { rpc: RPC.outcomeUnknown, exit: EXIT.outcomeUnknown },
  HVNET_OVN_WAIT_TIMEOUT: { rpc: RPC.unavailable, exit: EXIT.failure },
  /** hvnetd refuses to start against an NB whose schema lacks a column it needs. */
  HVNET_OVN_SCHEMA_MISSING: { rpc: RPC.unavailable, exit: EXIT.config },
} as const;

export type HvnetErrorCode = keyof typeof ERROR_CODES;

export function isHvnetErrorCode(value: unknown): value is HvnetErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CODES, value);
}

/** What travels in a JSON-RPC error's `data` member. */
export interface ErrorData {
  code: HvnetErrorCode;
  details?: Record<string, unknown>;
}

export class HvnetError extends Error {
  constructor(
    readonly code: HvnetErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
  }

  get rpcCode(): number {
    return ERROR_CODES[this.code].rpc;
  }

  get exitCode(): number {
    return ERROR_CODES[this.code].exit;
  }

  toRpcError(): { code: number; message: string; data: ErrorData } {
    const data: ErrorData = { code: this.code };
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

/** Turns whatever was thrown into an HvnetError without losing a typed one. */
export function asHvnetError(e: unknown): HvnetError {
  if (e instanceof HvnetError) return e;
  const message = e instanceof Error ? e.message : String(e);
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
