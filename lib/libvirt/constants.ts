// libvirt's numeric constants that cross the binding, with the names used in events and errors.
// Values are libvirt's ABI (include/libvirt/*.h, 9.0); they never change between releases.

/** virDomainDeviceModifyFlags / virDomainModificationImpact. */
export const DeviceModify = { CURRENT: 0, LIVE: 1, CONFIG: 2 } as const;

/** virDomainXMLFlags for getXMLDesc. */
export const DomainXmlFlags = { SECURE: 1, INACTIVE: 2, UPDATE_CPU: 4, MIGRATABLE: 8 } as const;

/** virDomainUndefineFlagsValues (the ones that matter for a plain QEMU domain). */
export const UndefineFlags = { MANAGED_SAVE: 1, SNAPSHOTS_METADATA: 2, NVRAM: 4, KEEP_NVRAM: 8 } as const;

/** virConnectListAllDomainsFlags (filters; 0 = all). */
export const ListDomainsFlags = { ACTIVE: 1, INACTIVE: 2, PERSISTENT: 4, TRANSIENT: 8, RUNNING: 16, PAUSED: 32, SHUTOFF: 64 } as const;

/** virDomainEventID values the binding subscribes to. */
export const DomainEventId = { LIFECYCLE: 0, DEVICE_REMOVED: 15, DEVICE_ADDED: 19, DEVICE_REMOVAL_FAILED: 22 } as const;

/** virDomainEventType, indexed by value. */
export const LIFECYCLE_EVENTS = [
  'defined',
  'undefined',
  'started',
  'suspended',
  'resumed',
  'stopped',
  'shutdown',
  'pmsuspended',
  'crashed',
] as const;
export type LifecycleEventName = (typeof LIFECYCLE_EVENTS)[number] | 'unknown';

export function lifecycleEventName(event: number): LifecycleEventName {
  return LIFECYCLE_EVENTS[event] ?? 'unknown';
}

/** virDomainState, indexed by value. */
export const DOMAIN_STATES = ['nostate', 'running', 'blocked', 'paused', 'shutdown', 'shutoff', 'crashed', 'pmsuspended'] as const;
export type DomainStateName = (typeof DOMAIN_STATES)[number] | 'unknown';

export function domainStateName(state: number): DomainStateName {
  return DOMAIN_STATES[state] ?? 'unknown';
}

/** virConnectCloseReason, indexed by value. */
export const CLOSE_REASONS = ['error', 'eof', 'keepalive', 'client'] as const;
export type CloseReasonName = (typeof CLOSE_REASONS)[number] | 'unknown';

export function closeReasonName(reason: number): CloseReasonName {
  return CLOSE_REASONS[reason] ?? 'unknown';
}

/** virErrorNumber values hvnet looks at (the error carries the number whatever it is). */
export const VirErrorCode = {
  OK: 0,
  INTERNAL_ERROR: 1,
  NO_SUPPORT: 3,
  NO_CONNECT: 5,
  INVALID_CONN: 6,
  OPERATION_FAILED: 9,
  XML_ERROR: 27,
  SYSTEM_ERROR: 38,
  RPC: 39,
  NO_DOMAIN: 42,
  OPERATION_INVALID: 55,
  AUTH_FAILED: 45,
  INVALID_ARG: 8,
  OPERATION_TIMEOUT: 68,
  AGENT_UNRESPONSIVE: 86,
  DEVICE_MISSING: 99,
} as const;

/** virErrorDomain values (where the error came from). */
export const VirErrorDomain = {
  NONE: 0,
  DOM: 6,
  RPC: 7,
  QEMU: 10,
  TEST: 12,
  REMOTE: 13,
  DOMAIN: 20,
} as const;
