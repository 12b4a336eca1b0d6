// Errors of the MAC pool, with stable codes the daemon maps to API errors and CLI exit codes.

export const MACPOOL_ERROR_CODES = {
  invalidMac: 'HVNET_MACPOOL_INVALID_MAC',
  invalidRange: 'HVNET_MACPOOL_INVALID_RANGE',
  exhausted: 'HVNET_MACPOOL_EXHAUSTED',
  duplicate: 'HVNET_MACPOOL_DUPLICATE_MAC',
  state: 'HVNET_MACPOOL_STATE',
} as const;

export type MacPoolErrorCode = (typeof MACPOOL_ERROR_CODES)[keyof typeof MACPOOL_ERROR_CODES];

export class MacPoolError extends Error {
  constructor(
    readonly code: MacPoolErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class InvalidMacError extends MacPoolError {
  constructor(
    readonly field: string,
    readonly value: unknown,
    readonly reason: string,
  ) {
    super(MACPOOL_ERROR_CODES.invalidMac, `${field}: ${JSON.stringify(value)} ${reason} (allowed: six hex octets like 02:68:76:00:00:01, unicast, not all zero)`);
  }
}

export class InvalidRangeError extends MacPoolError {
  constructor(
    readonly field: string,
    readonly value: unknown,
    readonly reason: string,
  ) {
    super(MACPOOL_ERROR_CODES.invalidRange, `${field}: ${JSON.stringify(value)} ${reason}`);
  }
}

export class PoolExhaustedError extends MacPoolError {
  constructor(readonly range: string) {
    super(MACPOOL_ERROR_CODES.exhausted, `no free MAC address left in ${range}`);
  }
}

/** The MAC is already on a NIC of another domain (libvirt would accept it; the network would not). */
export class DuplicateMacError extends MacPoolError {
  constructor(
    readonly mac: string,
    readonly heldBy: string,
    readonly wanted: string,
  ) {
    super(MACPOOL_ERROR_CODES.duplicate, `MAC ${mac} is already used by domain ${heldBy}; ${wanted} cannot have it too`);
  }
}

export class PoolStateError extends MacPoolError {
  constructor(
    readonly file: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(MACPOOL_ERROR_CODES.state, `MAC pool state ${file}: ${reason}`, options);
  }
}
