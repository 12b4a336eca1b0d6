// Every failure of lib/domxml, as a type with a stable code and its class (DOMXML_ERRORS). Callers
// (the JSON-RPC layer, the CLI) switch on the class or the code, never on the message, which is
// for humans and may change.
import { defineErrorCodes } from '../errors.js';
import type { ClassifiedError, CodeOf, ErrorClass } from '../errors.js';

export const DOMXML_ERRORS = defineErrorCodes({
  HVNET_DOMXML_INVALID_FIELD: 'invalid',
  HVNET_DOMXML_UNSUPPORTED_COMBINATION: 'invalid',
  HVNET_DOMXML_QBG_SOURCE_REFUSED: 'invalid',
  HVNET_DOMXML_SOURCE_IN_USE: 'conflict',
  HVNET_DOMXML_DUPLICATE_IDENTITY: 'conflict',
  // The XML comes from libvirt: when it does not parse, no request of ours could fix it.
  HVNET_DOMXML_MALFORMED_XML: 'internal',
});

export type DomXmlErrorCode = CodeOf<typeof DOMXML_ERRORS>;

export class DomXmlError extends Error implements ClassifiedError {
  readonly code: DomXmlErrorCode;
  readonly errorClass: ErrorClass;

  constructor(code: DomXmlErrorCode, message: string) {
    super(message);
    this.code = code;
    this.errorClass = DOMXML_ERRORS[code];
    this.name = new.target.name;
  }
}

/** A value shown in a message: bounded, and never throwing (the value came from a client). */
export function describeValue(value: unknown): string {
  let text: string;
  try {
    text = typeof value === 'bigint' ? `${value}n` : (JSON.stringify(value) ?? String(value));
  } catch {
    text = Object.prototype.toString.call(value);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** One field of a spec (or of parsed XML) that breaks its rule. */
export class InvalidFieldError extends DomXmlError {
  /** Dotted path of the field, e.g. `virtualport.managerid`. */
  readonly field: string;
  /** The offending value as received. */
  readonly value: unknown;
  /** The rule in words, e.g. `integer 1..255`. */
  readonly allowed: string;
  /** For enumerations: every accepted value. */
  readonly allowedValues: readonly string[] | undefined;

  constructor(field: string, value: unknown, allowed: string, allowedValues?: readonly string[]) {
    super('HVNET_DOMXML_INVALID_FIELD', `invalid ${field} ${describeValue(value)}: allowed ${allowed}`);
    this.field = field;
    this.value = value;
    this.allowed = allowed;
    this.allowedValues = allowedValues;
  }
}

/** Each field is valid alone, but not together (a virtualport type with a macvtap mode). */
export class UnsupportedCombinationError extends DomXmlError {
  readonly field: string;
  readonly value: unknown;
  /** The field whose value restricts `field`. */
  readonly because: string;
  readonly becauseValue: unknown;
  readonly allowedValues: readonly string[];

  constructor(field: string, value: unknown, because: string, becauseValue: unknown, allowedValues: readonly string[]) {
    super(
      'HVNET_DOMXML_UNSUPPORTED_COMBINATION',
      `${field} ${describeValue(value)} cannot be used with ${because} ${describeValue(becauseValue)}: allowed ${allowedValues.join(', ')}`,
    );
    this.field = field;
    this.value = value;
    this.because = because;
    this.becauseValue = becauseValue;
    this.allowedValues = allowedValues;
  }
}

/** The host device is taken: passthrough wants it alone, or it is already held in passthrough. */
export class SourceInUseError extends DomXmlError {
  readonly source: string;
  readonly requestedMode: string;
  /** The NIC that holds the device (identified as well as the XML allows). */
  readonly holder: { readonly mode: string; readonly mac: string | undefined; readonly alias: string | undefined };

  constructor(source: string, requestedMode: string, holder: SourceInUseError['holder']) {
    const who = holder.alias ?? holder.mac ?? 'another NIC';
    super(
      'HVNET_DOMXML_SOURCE_IN_USE',
      `source ${source} cannot take a ${requestedMode} NIC: ${who} already uses it in mode ${holder.mode}` +
        ' (passthrough needs the device to itself)',
    );
    this.source = source;
    this.requestedMode = requestedMode;
    this.holder = holder;
  }
}

/** A MAC or alias already present in the domain; libvirt would accept a duplicate MAC and then fail to detach. */
export class DuplicateIdentityError extends DomXmlError {
  readonly field: 'mac' | 'alias';
  readonly value: string;

  constructor(field: 'mac' | 'alias', value: string) {
    super('HVNET_DOMXML_DUPLICATE_IDENTITY', `${field} ${value} is already used by another interface of the domain`);
    this.field = field;
    this.value = value;
  }
}

/** XML that is not well formed, or lacks what libvirt always writes. */
export class MalformedXmlError extends DomXmlError {
  /** Where in the document, e.g. `domain/devices/interface[2]/source`. */
  readonly where: string;
  readonly detail: string;

  constructor(where: string, detail: string) {
    super('HVNET_DOMXML_MALFORMED_XML', `malformed XML at ${where}: ${detail}`);
    this.where = where;
    this.detail = detail;
  }
}

export type QbgSourceProblem =
  | 'not-a-link'
  | 'veth'
  | 'not-vlan'
  | 'vlan-id-missing'
  | 'vlan-id-zero'
  | 'lower-in-other-netns'
  | 'lower-not-found'
  | 'lower-veth'
  | 'link-loop';

/** An 802.1Qbg source that would fail, or hang libvirtd (docs/libvirt.md#the-qbg-hang). */
export class QbgSourceRefusedError extends DomXmlError {
  readonly device: string | undefined;
  readonly reason: QbgSourceProblem;

  constructor(device: string | undefined, reason: QbgSourceProblem, detail: string) {
    super('HVNET_DOMXML_QBG_SOURCE_REFUSED', `802.1Qbg source ${device ?? '(unnamed)'} refused (${reason}): ${detail}`);
    this.device = device;
    this.reason = reason;
  }
}
