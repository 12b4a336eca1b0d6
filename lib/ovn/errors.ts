// Every failure of lib/ovn is an OvnError with a stable `code` (HVNET_OVN_…) and its class, both
// from OVN_ERRORS, so the daemon maps it to a JSON-RPC error and the CLI to an exit code by class,
// never by message text.
// Each carries what an operator needs to act: the project, network and peering it concerns, the
// field that was refused and the form that would have been accepted.
import { CodedError, defineErrorCodes } from '../errors.js';
import type { CodeOf } from '../errors.js';

export const OVN_ERRORS = defineErrorCodes({
  HVNET_OVN_INVALID_NAME: 'invalid',
  HVNET_OVN_INVALID_TARGET: 'invalid',
  HVNET_OVN_INVALID_CIDR: 'invalid',
  HVNET_OVN_INVALID_CONFIG: 'invalid',
  HVNET_OVN_INVALID_INPUT: 'invalid',
  HVNET_OVN_READ_ONLY_FIELD: 'invalid',
  HVNET_OVN_SELF_PEERING: 'invalid',
  HVNET_OVN_PROJECT_NOT_FOUND: 'not-found',
  HVNET_OVN_NETWORK_NOT_FOUND: 'not-found',
  HVNET_OVN_PEERING_NOT_FOUND: 'not-found',
  HVNET_OVN_PROJECT_EXISTS: 'conflict',
  HVNET_OVN_PROJECT_NOT_EMPTY: 'conflict',
  HVNET_OVN_PROJECT_PROTECTED: 'conflict',
  HVNET_OVN_NETWORK_EXISTS: 'conflict',
  HVNET_OVN_NETWORK_HAS_FOREIGN_PORTS: 'conflict',
  HVNET_OVN_PEERING_EXISTS: 'conflict',
  HVNET_OVN_PEERING_TARGET_TAKEN: 'conflict',
  HVNET_OVN_IDS_EXHAUSTED: 'conflict',
  HVNET_OVN_ADDRESS_IN_USE: 'conflict',
  HVNET_OVN_SUBNET_FULL: 'conflict',
  HVNET_OVN_NETWORK_HAS_VM_PORTS: 'conflict',
  HVNET_OVN_PORT_NOT_FOUND: 'not-found',
  // Other writers kept winning: nothing was applied, so the state, not the outcome, is the problem.
  HVNET_OVN_CONFLICT: 'conflict',
  HVNET_OVN_OUTCOME_UNKNOWN: 'outcome-unknown',
  // The NB in place cannot serve hvnet until it is upgraded: retrying alone will not help, which
  // the daemon says with its configuration exit code.
  HVNET_OVN_SCHEMA_MISSING: 'unavailable',
  HVNET_OVN_WAIT_TIMEOUT: 'unavailable',
});

export type OvnErrorCode = CodeOf<typeof OVN_ERRORS>;

/** What an error is about. Only the members that apply are set. */
export interface OvnErrorContext {
  project?: string;
  network?: string;
  peering?: string;
  /** The request field that was refused (`name`, `target`, `ipv4`, `config.user.x`…). */
  field?: string;
  /** The refused value, as given. */
  value?: unknown;
  /** What would have been accepted. */
  allowed?: string;
}

export class OvnError extends CodedError<OvnErrorCode, OvnErrorContext> {
  constructor(code: OvnErrorCode, message: string, context: OvnErrorContext = {}, options?: { cause?: unknown }) {
    super(OVN_ERRORS, code, message, context, options);
  }

  get project(): string | undefined {
    return this.context.project;
  }
  get network(): string | undefined {
    return this.context.network;
  }
  get peering(): string | undefined {
    return this.context.peering;
  }
  get field(): string | undefined {
    return this.context.field;
  }
  get allowed(): string | undefined {
    return this.context.allowed;
  }

  /** A plain object for JSON replies: code, message and context, nothing else. */
  toJSON(): { code: OvnErrorCode; message: string; context: OvnErrorContext } {
    return { code: this.code, message: this.message, context: this.context };
  }
}

/** A project, network or peering name outside the allowed form (names.ts). */
export class InvalidNameError extends OvnError {
  constructor(message: string, context: OvnErrorContext) {
    super('HVNET_OVN_INVALID_NAME', message, context);
  }
}

/** A peering target that is not `network` or `project/network`. */
export class InvalidTargetError extends OvnError {
  constructor(message: string, context: OvnErrorContext) {
    super('HVNET_OVN_INVALID_TARGET', message, context);
  }
}

export class InvalidCidrError extends OvnError {
  constructor(message: string, context: OvnErrorContext) {
    super('HVNET_OVN_INVALID_CIDR', message, context);
  }
}

/** A peering config key that is not `user.*`, or a value hvnet will not store. */
export class InvalidConfigError extends OvnError {
  constructor(message: string, context: OvnErrorContext) {
    super('HVNET_OVN_INVALID_CONFIG', message, context);
  }
}

/** Any other malformed request member (a description too long, a wrong type from JSON). */
export class InvalidInputError extends OvnError {
  constructor(message: string, context: OvnErrorContext) {
    super('HVNET_OVN_INVALID_INPUT', message, context);
  }
}

/** An update tried to change a field that is fixed at creation. */
export class ReadOnlyFieldError extends OvnError {
  constructor(message: string, context: OvnErrorContext) {
    super('HVNET_OVN_READ_ONLY_FIELD', message, context);
  }
}

export class ProjectNotFoundError extends OvnError {
  constructor(context: OvnErrorContext) {
    super('HVNET_OVN_PROJECT_NOT_FOUND', `project ${JSON.stringify(context.project)} does not exist`, context);
  }
}

export class ProjectExistsError extends OvnError {
  constructor(context: OvnErrorContext) {
    super('HVNET_OVN_PROJECT_EXISTS', `project ${JSON.stringify(context.project)} already exists`, context);
  }
}

export class ProjectNotEmptyError extends OvnError {
  constructor(
    context: OvnErrorContext,
    readonly networks: readonly string[],
  ) {
    super(
      'HVNET_OVN_PROJECT_NOT_EMPTY',
      `project ${JSON.stringify(context.project)} still has networks (${networks.join(', ')}); delete them first`,
      context,
    );
  }
}

/** The `default` project always exists and cannot be deleted. */
export class ProjectProtectedError extends OvnError {
  constructor(context: OvnErrorContext) {
    super('HVNET_OVN_PROJECT_PROTECTED', `project ${JSON.stringify(context.project)} cannot be deleted`, context);
  }
}

export class NetworkNotFoundError extends OvnError {
  constructor(context: OvnErrorContext) {
    super('HVNET_OVN_NETWORK_NOT_FOUND', `network ${JSON.stringify(context.network)} does not exist in project ${JSON.stringify(context.project)}`, context);
  }
}

export class NetworkExistsError extends OvnError {
  constructor(context: OvnErrorContext) {
    super('HVNET_OVN_NETWORK_EXISTS', `network ${JSON.stringify(context.network)} already exists in project ${JSON.stringify(context.project)}`, context);
  }
}

/**
 * The network's switch holds ports hvnet did not make (another tool's VMs or services): deleting
 * the switch would take them along, which only `force` may do.
 */
export class NetworkHasForeignPortsError extends OvnError {
  constructor(
    context: OvnErrorContext,
    readonly ports: readonly string[],
  ) {
    super(
      'HVNET_OVN_NETWORK_HAS_FOREIGN_PORTS',
      `network ${JSON.stringify(context.network)} has ports hvnet did not make on its switch (${ports.join(', ')}); ` +
        'remove them first, or force the delete to remove them with the switch',
      context,
    );
  }
}

export class PeeringNotFoundError extends OvnError {
  constructor(context: OvnErrorContext) {
    super('HVNET_OVN_PEERING_NOT_FOUND', `network ${JSON.stringify(context.network)} has no peering ${JSON.stringify(context.peering)}`, context);
  }
}

export class PeeringExistsError extends OvnError {
  constructor(context: OvnErrorContext) {
    super('HVNET_OVN_PEERING_EXISTS', `network ${JSON.stringify(context.network)} already has a peering ${JSON.stringify(context.peering)}`, context);
  }
}

/** One peering per (network, target): another peering of the network already targets it. */
export class PeeringTargetTakenError extends OvnError {
  constructor(
    context: OvnErrorContext,
    readonly existingPeering: string,
    readonly target: string,
  ) {
    super(
      'HVNET_OVN_PEERING_TARGET_TAKEN',
      `network ${JSON.stringify(context.network)} already peers with ${target} through peering ${JSON.stringify(existingPeering)}`,
      context,
    );
  }
}

export class SelfPeeringError extends OvnError {
  constructor(context: OvnErrorContext) {
    super('HVNET_OVN_SELF_PEERING', `network ${JSON.stringify(context.network)} cannot peer with itself`, context);
  }
}

/**
 * Other writers kept changing what the transaction depended on: every attempt failed its `wait`
 * guards. Nothing was applied by the failed attempts; the request may be sent again.
 */
export class OvnConflictError extends OvnError {
  constructor(
    readonly attempts: number,
    context: OvnErrorContext,
    options?: { cause?: unknown },
  ) {
    super('HVNET_OVN_CONFLICT', `the Northbound kept changing under the request; gave up after ${attempts} attempts`, context, options);
  }
}

/**
 * The connection dropped after a transaction was sent, and the retries could not tell whether it
 * was applied (they also ended unknown). Re-read (list/show) before deciding: never resend blindly.
 */
export class OvnOutcomeUnknownError extends OvnError {
  constructor(
    readonly attempts: number,
    context: OvnErrorContext,
    options?: { cause?: unknown },
  ) {
    super('HVNET_OVN_OUTCOME_UNKNOWN', `the outcome of the request is unknown after ${attempts} attempts (connection lost each time)`, context, options);
  }
}

/** The server's Northbound schema lacks a table or column hvnet writes or reads. */
export class SchemaMissingError extends OvnError {
  constructor(
    readonly table: string,
    readonly column: string | undefined,
    readonly serverVersion: string,
  ) {
    super(
      'HVNET_OVN_SCHEMA_MISSING',
      `the Northbound server (schema ${serverVersion}) has no ${column === undefined ? `table ${table}` : `column ${table}.${column}`}, which hvnet needs`,
      { field: column === undefined ? table : `${table}.${column}` },
    );
  }
}

/** `wait: 'sb'|'hv'`: northd (or the chassis) did not catch up in time. The change itself is committed. */
export class WaitTimeoutError extends OvnError {
  constructor(
    readonly target: 'sb' | 'hv',
    readonly nbCfg: number,
    readonly timeoutMs: number,
  ) {
    super(
      'HVNET_OVN_WAIT_TIMEOUT',
      `committed, but ${target === 'sb' ? 'sb_cfg' : 'hv_cfg'} did not reach nb_cfg ${nbCfg} within ${timeoutMs} ms (is ovn-northd running?)`,
    );
  }
}

export class IdsExhaustedError extends OvnError {
  constructor(max: number) {
    super('HVNET_OVN_IDS_EXHAUSTED', `no network id left (ids go up to ${max})`);
  }
}

/** A VM port asked for an address another port of the network has (or the gateway's). */
export class AddressInUseError extends OvnError {
  constructor(
    context: OvnErrorContext,
    readonly address: string,
    readonly heldBy: string,
  ) {
    super('HVNET_OVN_ADDRESS_IN_USE', `address ${address} of network ${JSON.stringify(context.network)} is already used by ${heldBy}`, context);
  }
}

/** Every host address of the network's IPv4 subnet is taken: nothing was written. */
export class SubnetFullError extends OvnError {
  constructor(
    context: OvnErrorContext,
    readonly subnet: string,
    readonly used: number,
  ) {
    super(
      'HVNET_OVN_SUBNET_FULL',
      `network ${JSON.stringify(context.network)} has no free IPv4 address left in ${subnet} (${used} in use with the gateway); ` +
        'detach a NIC, or attach with --ipv4 none',
      context,
    );
  }
}

/** A network whose switch still has VM ports hvnet made: deleting it would cut those VMs off. */
export class NetworkHasVmPortsError extends OvnError {
  constructor(
    context: OvnErrorContext,
    readonly domains: readonly string[],
  ) {
    super('HVNET_OVN_NETWORK_HAS_VM_PORTS', `network ${JSON.stringify(context.network)} still has NICs of the domains ${domains.join(', ')}; detach them first`, context);
  }
}

export class PortNotFoundError extends OvnError {
  constructor(
    context: OvnErrorContext,
    readonly port: string,
  ) {
    super('HVNET_OVN_PORT_NOT_FOUND', `no VM port ${port} made by hvnet in the NB`, context);
  }
}
