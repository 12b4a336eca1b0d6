// Errors of the MAC pool, with stable codes and their class (MACPOOL_ERRORS) that the daemon maps
// to API errors and CLI exit codes.
import { defineErrorCodes } from '../errors.js';
import type { ClassifiedError, CodeOf, ErrorClass } from '../errors.js';

export const MACPOOL_ERRORS = defineErrorCodes({
  HVNET_MACPOOL_INVALID_MAC: 'invalid',
  HVNET_MACPOOL_INVALID_RANGE: 'invalid',
  HVNET_MACPOOL_EXHAUSTED: 'conflict',
  HVNET_MACPOOL_DUPLICATE_MAC: 'conflict',
  // The pool's state file cannot be read or written: nothing a request could change.
  HVNET_MACPOOL_STATE: 'internal',
});

export type MacPoolErrorCode = CodeOf<typeof MACPOOL_ERRORS>;

export class MacPoolError extends Error implements ClassifiedError {
  readonly errorClass: ErrorClass;

  constructor(
    readonly code: MacPoolErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.errorClass = MACPOOL_ERRORS[code];
    this.name = new.target.name;
  }
}

export class InvalidMacError extends MacPoolError {
  constructor(
    readonly field: string,
    readonly value: unknown,
    readonly reason: string,
  ) {
    super('HVNET_MACPOOL_INVALID_MAC', `${field}: ${JSON.stringify(value)} ${reason} (allowed: six hex octets like 02:68:76:00:00:01, unicast, not all zero)`);
  }
}

export class InvalidRangeError extends MacPoolError {
  constructor(
    readonly field: string,
    readonly value: unknown,
    readonly reason: string,
  ) {
    super('HVNET_MACPOOL_INVALID_RANGE', `${field}: ${JSON.stringify(value)} ${reason}`);
  }
}

export class PoolExhaustedError extends MacPoolError {
  constructor(readonly range: string) {
    super('HVNET_MACPOOL_EXHAUSTED', `no free MAC address left in ${range}`);
  }
}

/** The MAC is already on a NIC of another domain (libvirt would accept it; the network would not). */
export class DuplicateMacError extends MacPoolError {
  constructor(
    readonly mac: string,
    readonly heldBy: string,
    readonly wanted: string,
  ) {
    super('HVNET_MACPOOL_DUPLICATE_MAC', `MAC ${mac} is already used by domain ${heldBy}; ${wanted} cannot have it too`);
  }
}

export class PoolStateError extends MacPoolError {
  constructor(
    readonly file: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super('HVNET_MACPOOL_STATE', `MAC pool state ${file}: ${reason}`, options);
  }
}
