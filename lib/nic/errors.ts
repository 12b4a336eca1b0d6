// The refusals of NIC planning that no lower library owns: they come from the host's and the
// domain's state (facts the agent gathered), not from the spec itself. Each has a stable code and
// its class (NIC_PLAN_ERRORS); the daemon maps them onto its NIC reasons. The spec's own errors
// stay lib/domxml's and lib/macpool's.
import { defineErrorCodes } from '../errors.js';
import type { ClassifiedError, CodeOf, ErrorClass } from '../errors.js';

export const NIC_PLAN_ERRORS = defineErrorCodes({
  HVNET_NICPLAN_NOTHING_TO_DO: 'invalid',
  HVNET_NICPLAN_DOMAIN_NOT_RUNNING: 'conflict',
  HVNET_NICPLAN_DOMAIN_NOT_PERSISTENT: 'conflict',
  HVNET_NICPLAN_SOURCE_MISSING: 'not-found',
  HVNET_NICPLAN_MAC_IN_USE: 'conflict',
  HVNET_NICPLAN_NIC_NOT_FOUND: 'not-found',
  HVNET_NICPLAN_BRIDGE_NOT_USABLE: 'conflict',
  HVNET_NICPLAN_OVS_UNREACHABLE: 'unavailable',
});

export type NicPlanErrorCode = CodeOf<typeof NIC_PLAN_ERRORS>;

export class NicPlanError extends Error implements ClassifiedError {
  readonly errorClass: ErrorClass;

  constructor(
    readonly code: NicPlanErrorCode,
    message: string,
  ) {
    super(message);
    this.errorClass = NIC_PLAN_ERRORS[code];
    this.name = new.target.name;
  }
}

/** live and config both false: the request would change nothing. */
export class NothingToDoError extends NicPlanError {
  constructor(readonly domain: string) {
    super('HVNET_NICPLAN_NOTHING_TO_DO', 'nothing to do: neither live nor config');
  }
}

export class DomainNotRunningError extends NicPlanError {
  constructor(readonly domain: string) {
    super('HVNET_NICPLAN_DOMAIN_NOT_RUNNING', `domain ${domain} is not running: a live attach needs a running domain`);
  }
}

/** A transient domain: it has no definition to add the NIC to. */
export class DomainNotPersistentError extends NicPlanError {
  constructor(readonly domain: string) {
    super('HVNET_NICPLAN_DOMAIN_NOT_PERSISTENT', `domain ${domain} is transient: it has no persistent definition`);
  }
}

/** Only refused for a live attach: a definition may name a device another host has. */
export class SourceMissingError extends NicPlanError {
  constructor(readonly source: string) {
    super('HVNET_NICPLAN_SOURCE_MISSING', `source device ${source} does not exist on this host: a live attach needs it`);
  }
}

/** A NIC of some domain on this host has the MAC: the L2 network would see it twice. */
export class MacInUseError extends NicPlanError {
  constructor(
    readonly mac: string,
    readonly heldBy: string,
    readonly wanted: string,
  ) {
    super('HVNET_NICPLAN_MAC_IN_USE', `MAC ${mac} is already used by a NIC of domain ${heldBy}; ${wanted} cannot have it too`);
  }
}

export class NicNotFoundError extends NicPlanError {
  constructor(
    readonly domain: string,
    readonly nic: string,
    readonly known: readonly string[],
  ) {
    super('HVNET_NICPLAN_NIC_NOT_FOUND', `domain ${domain} has no NIC ${nic} hvnet can detach (it has: ${known.join(', ') || 'none'})`);
  }
}

/** Why a host bridge cannot take a tap: missing, down, or not a Linux bridge. */
export type BridgeProblem = 'missing' | 'down' | 'openvswitch' | 'not-a-bridge';

const BRIDGE_PROBLEMS: Record<BridgeProblem, string> = {
  missing: 'does not exist on this host',
  down: "is down (bring it up: 'ip link set BR up')",
  openvswitch: 'is an Open vSwitch bridge, not a Linux bridge: a NIC on an OVN network is attached with --network',
  'not-a-bridge': 'is not a Linux bridge (a NIC on an OVN network is attached with --network)',
};

export class BridgeNotUsableError extends NicPlanError {
  constructor(
    readonly bridge: string,
    readonly problem: BridgeProblem,
  ) {
    super('HVNET_NICPLAN_BRIDGE_NOT_USABLE', `bridge ${bridge} ${BRIDGE_PROBLEMS[problem].replace('BR', bridge)}`);
  }
}

/**
 * libvirt plugs a NIC on an OVN network with its own ovs-vsctl, which only knows the default
 * socket: when that does not answer the attach would fail inside libvirt (or, on detach, leave a
 * stale port). Refused before anything is changed.
 */
export class OvsUnreachableError extends NicPlanError {
  constructor(
    readonly socket: string,
    readonly why: string,
  ) {
    super(
      'HVNET_NICPLAN_OVS_UNREACHABLE',
      `the Open vSwitch database does not answer at ${socket} (${why}): libvirt plugs NICs on OVN networks with ovs-vsctl, ` +
        'which uses that path; nothing was changed',
    );
  }
}
