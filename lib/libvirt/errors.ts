// Every failure of lib/libvirt, as a type with a stable code and its class (LIBVIRT_ERRORS).
// Callers (the daemon's JSON-RPC layer, the CLI) switch on the class or `code`, never on the
// message; libvirt's own numbers (`virCode`, `virDomain`) are carried as they came, for the cases
// a caller must tell apart (42: no domain).
import { VirErrorCode, VirErrorDomain } from './constants.js';
import { defineErrorCodes } from '../errors.js';
import type { ClassifiedError, CodeOf, ErrorClass } from '../errors.js';

export const LIBVIRT_ERRORS = defineErrorCodes({
  HVNET_LIBVIRT_CALL_FAILED: 'refused',
  HVNET_LIBVIRT_CALL_TIMEOUT: 'unavailable',
  HVNET_LIBVIRT_DISCONNECTED: 'unavailable',
  HVNET_LIBVIRT_CLOSED: 'unavailable',
  // The device is still attached and may be released later (a paused guest): try again.
  HVNET_LIBVIRT_DEVICE_NOT_RELEASED: 'unavailable',
  HVNET_LIBVIRT_DEVICE_REMOVAL_FAILED: 'refused',
  HVNET_LIBVIRT_DEVICE_NOT_FOUND: 'not-found',
  HVNET_LIBVIRT_WORKER_FAILED: 'internal',
});

export type LibvirtErrorCode = CodeOf<typeof LIBVIRT_ERRORS>;

/** The domain a call was about, as far as the caller named it. */
export interface DomainContext {
  readonly name?: string | undefined;
  readonly uuid?: string | undefined;
}

export class LibvirtError extends Error implements ClassifiedError {
  readonly code: LibvirtErrorCode;
  readonly errorClass: ErrorClass;
  /** The libvirt function (or binding operation) that failed, e.g. `virDomainLookupByName`. */
  readonly fn: string | undefined;
  readonly domainName: string | undefined;
  readonly domainUuid: string | undefined;

  constructor(code: LibvirtErrorCode, message: string, ctx: { fn?: string | undefined; domain?: DomainContext | undefined; cause?: unknown } = {}) {
    super(message, ctx.cause === undefined ? undefined : { cause: ctx.cause });
    this.code = code;
    this.errorClass = LIBVIRT_ERRORS[code];
    this.name = new.target.name;
    this.fn = ctx.fn;
    this.domainName = ctx.domain?.name;
    this.domainUuid = ctx.domain?.uuid;
  }
}

/** What libvirt reported for a failed call (virError, read on the calling thread right after it). */
export interface VirErrorDetails {
  /** virErrorNumber, e.g. 42 (VIR_ERR_NO_DOMAIN). */
  readonly virCode: number;
  /** virErrorDomain, e.g. 10 (VIR_FROM_QEMU). */
  readonly virDomain: number;
  readonly virMessage: string;
  /** virErrorLevel: 1 warning, 2 error. */
  readonly level: number;
  readonly str1?: string | undefined;
  readonly str2?: string | undefined;
  readonly str3?: string | undefined;
  readonly int1?: number | undefined;
  readonly int2?: number | undefined;
}

function where(fn: string | undefined, domain: DomainContext | undefined): string {
  const d = domain?.name ?? domain?.uuid;
  return `${fn ?? 'libvirt call'}${d === undefined ? '' : ` (domain ${d})`}`;
}

/** libvirt returned failure; `virMessage` is libvirt's own text. */
export class LibvirtCallError extends LibvirtError {
  readonly virCode: number;
  readonly virDomain: number;
  readonly virMessage: string;
  readonly level: number;
  readonly details: VirErrorDetails;

  constructor(fn: string, details: VirErrorDetails, domain?: DomainContext) {
    super('HVNET_LIBVIRT_CALL_FAILED', `${where(fn, domain)} failed: ${details.virMessage} [code ${details.virCode}, domain ${details.virDomain}]`, {
      fn,
      domain,
    });
    this.virCode = details.virCode;
    this.virDomain = details.virDomain;
    this.virMessage = details.virMessage;
    this.level = details.level;
    this.details = details;
  }

  /** libvirt said the domain does not exist (VIR_ERR_NO_DOMAIN). */
  get isNoDomain(): boolean {
    return this.virCode === VirErrorCode.NO_DOMAIN;
  }
}

/**
 * The call did not answer within its deadline. When `inFlight` is true libvirt was executing it:
 * its outcome is unknown and the request worker is still blocked in it, so every later call waits
 * behind it. Treat libvirtd as wedged (docs/libvirt.md#the-qbg-hang: SIGKILL libvirtd, delete
 * the orphan macvtap, restart it; the blocked call then returns with an error and the binding
 * reconnects by itself). When false, the call never started and never will.
 */
export class LibvirtTimeoutError extends LibvirtError {
  readonly timeoutMs: number;
  readonly inFlight: boolean;

  constructor(fn: string, timeoutMs: number, inFlight: boolean, domain?: DomainContext) {
    super(
      'HVNET_LIBVIRT_CALL_TIMEOUT',
      `${where(fn, domain)} did not answer within ${timeoutMs} ms` +
        (inFlight ? ' (still running in libvirt: outcome unknown, libvirtd may be wedged)' : ' (never started: queued behind a call that did not return)'),
      { fn, domain },
    );
    this.timeoutMs = timeoutMs;
    this.inFlight = inFlight;
  }
}

/**
 * The connection to libvirtd is gone. Either the call was sent and failed because the daemon went
 * away (`cause` is the LibvirtCallError; for a call that changes state the outcome is unknown), or
 * the call was made while disconnected and no reconnection came within the wait bound.
 */
export class LibvirtDisconnectedError extends LibvirtError {
  /** True when the call reached libvirt before the connection broke. */
  readonly sent: boolean;

  constructor(fn: string, sent: boolean, detail: string, ctx: { domain?: DomainContext | undefined; cause?: unknown } = {}) {
    super('HVNET_LIBVIRT_DISCONNECTED', `${where(fn, ctx.domain)}: not connected to libvirtd (${detail})`, { fn, ...ctx });
    this.sent = sent;
  }
}

/** The connection was closed with close(); no further calls. */
export class LibvirtClosedError extends LibvirtError {
  constructor(fn: string) {
    super('HVNET_LIBVIRT_CLOSED', `${fn}: the libvirt connection is closed`, { fn });
  }
}

/**
 * The live detach was sent but the guest did not release the device in time (no DEVICE_REMOVED).
 * A paused guest, or one whose OS ignores the unplug request, does this; libvirt still returns 0
 * from the detach (docs/libvirt.md#detach-returns-before-the-device-is-gone). The device is still
 * attached; the removal may still complete later (e.g. after resume), and then a DEVICE_REMOVED
 * event is emitted.
 */
export class DeviceNotReleasedError extends LibvirtError {
  readonly alias: string;
  readonly timeoutMs: number;

  constructor(alias: string, timeoutMs: number, domain: DomainContext) {
    super(
      'HVNET_LIBVIRT_DEVICE_NOT_RELEASED',
      `the guest did not release device ${alias} within ${timeoutMs} ms (no DEVICE_REMOVED from ${domain.name ?? domain.uuid ?? 'the domain'}); ` +
        'it is still attached (a paused guest or a guest OS that ignores the unplug request does this)',
      { fn: 'virDomainDetachDeviceFlags', domain },
    );
    this.alias = alias;
    this.timeoutMs = timeoutMs;
  }
}

/** libvirt reported DEVICE_REMOVAL_FAILED for the device: the guest refused the unplug. */
export class DeviceRemovalFailedError extends LibvirtError {
  readonly alias: string;

  constructor(alias: string, domain: DomainContext) {
    super('HVNET_LIBVIRT_DEVICE_REMOVAL_FAILED', `removal of device ${alias} failed in the guest (DEVICE_REMOVAL_FAILED)`, {
      fn: 'virDomainDetachDeviceFlags',
      domain,
    });
    this.alias = alias;
  }
}

/** detachAndConfirm could not tell which device alias to wait for (none in the XML, no live match). */
export class DeviceNotFoundError extends LibvirtError {
  constructor(what: string, domain: DomainContext) {
    super('HVNET_LIBVIRT_DEVICE_NOT_FOUND', `no device matching ${what} in the live XML of ${domain.name ?? domain.uuid ?? 'the domain'}`, {
      fn: 'virDomainDetachDeviceFlags',
      domain,
    });
  }
}

/** A worker of the binding died or broke the protocol (a bug, or the FFI failed to load). */
export class LibvirtWorkerError extends LibvirtError {
  constructor(message: string, cause?: unknown) {
    super('HVNET_LIBVIRT_WORKER_FAILED', message, { cause });
  }
}

/**
 * Whether a libvirt error means the connection itself is gone (daemon died or restarted), as
 * opposed to a failure of the operation. The request worker also asks virConnectIsAlive; this
 * is the fallback on the error alone.
 */
export function isDisconnection(e: Pick<VirErrorDetails, 'virCode' | 'virDomain' | 'virMessage'>): boolean {
  if (e.virCode === VirErrorCode.NO_CONNECT || e.virCode === VirErrorCode.INVALID_CONN) return true;
  if (/client socket is closed|end of file while reading data|connection reset by peer|broken pipe|cannot recv data|cannot write data/i.test(e.virMessage)) {
    return e.virCode === VirErrorCode.SYSTEM_ERROR || e.virCode === VirErrorCode.INTERNAL_ERROR || e.virCode === VirErrorCode.RPC;
  }
  return e.virCode === VirErrorCode.SYSTEM_ERROR && e.virDomain === VirErrorDomain.RPC;
}
