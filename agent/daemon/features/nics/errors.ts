// The NIC feature's failures as HvnetErrors: one code per reason (agent/api/nic-errors.ts, with
// its class) plus `details.reason`. Errors of lib/nic, lib/domxml, lib/macpool and lib/libvirt are mapped
// here and nowhere else: onto the NIC reason a caller acts on where there is one, and otherwise
// with the library's own code and class.
import { HvnetError, asHvnetError } from '../../../api/errors.js';
import { NIC_REASONS } from '../../../api/nic-errors.js';
import type { NicErrorReason } from '../../../api/nic-errors.js';
import { DomXmlError, InvalidFieldError, UnsupportedCombinationError, SourceInUseError, DuplicateIdentityError, QbgSourceRefusedError } from '../../../../lib/domxml/errors.js';
import {
  BridgeNotUsableError,
  OvsUnreachableError,
  DomainNotPersistentError,
  DomainNotRunningError,
  MacInUseError,
  NicNotFoundError,
  NicPlanError,
  NothingToDoError,
  SourceMissingError,
} from '../../../../lib/nic/errors.js';
import { MacPoolError, DuplicateMacError, InvalidMacError, PoolExhaustedError } from '../../../../lib/macpool/errors.js';
import {
  DeviceNotReleasedError,
  DeviceRemovalFailedError,
  LibvirtCallError,
  LibvirtClosedError,
  LibvirtDisconnectedError,
  LibvirtError,
  LibvirtTimeoutError,
} from '../../../../lib/libvirt/errors.js';

export class NicError extends HvnetError {
  constructor(
    readonly reason: NicErrorReason,
    message: string,
    details: Record<string, unknown> = {},
    options?: ErrorOptions,
  ) {
    super(NIC_REASONS[reason], message, { reason, ...details }, options);
  }
}

/** What an operator can do about libvirt's refusal, from libvirt's own message. */
export function hintFor(virMessage: string): string {
  if (/PortProfileRequest|virtual port|port profile|lldpad/i.test(virMessage)) {
    return (
      '802.1Qbh needs a NIC that takes port profiles (Cisco enic or its VFs) and 802.1Qbg needs lldpad and a VDP-capable ' +
      'switch; a veth or bridge takes neither. Use --config to store the NIC for a host that has such a device'
    );
  }
  if (/No such device|Unable to get index/i.test(virMessage)) return 'the source device does not exist on this host';
  if (/not running/i.test(virMessage)) return 'the domain is not running: start it, or attach with --config only';
  // QEMU names a slot or an id it already has: a device libvirt does not know of (left by an attach
  // whose libvirtd went away), not a full bus. Said before the generic PCI case below.
  if (/in use by|not available for|Duplicate (ID|device)|already (has|exists)/i.test(virMessage)) {
    return (
      "QEMU already has a device at that PCI address or with that id that libvirt does not know of (e.g. one left by an attach " +
      "during which libvirtd went away: see 'hvnet status' events); a restart of the domain (shutdown, start) clears it"
    );
  }
  if (/No more available PCI slots|no free (PCI|slot)|no (PCI|PCIe) slot/i.test(virMessage)) {
    return 'the domain has no free PCIe slot for hot-plug: give it another pcie-root-port (persistently) and restart it';
  }
  if (/PCI|slot|bus/i.test(virMessage)) return "libvirt could not place the NIC on the domain's PCI bus: see libvirt's message";
  if (/Device or resource busy|already in use|File exists/i.test(virMessage)) return 'the source device is busy (another macvtap in passthrough mode, or a leftover macvtap)';
  if (/transient/i.test(virMessage)) return 'a transient domain has no persistent definition: attach with --live only';
  return "see libvirtd's log for details";
}

/** Anything thrown by the libraries, as a NicError (HvnetErrors pass unchanged). */
export function toNicError(e: unknown, what: string): HvnetError {
  if (e instanceof HvnetError) return e;
  if (e instanceof NicPlanError) return fromPlanError(e, what);
  if (e instanceof DomXmlError) {
    if (e instanceof InvalidFieldError) return new NicError('invalid-field', e.message, { field: e.field, allowed: e.allowed }, { cause: e });
    if (e instanceof UnsupportedCombinationError) return new NicError('unsupported-combination', e.message, { field: e.field, allowed: e.allowedValues }, { cause: e });
    if (e instanceof SourceInUseError) return new NicError('source-in-use', e.message, { source: e.source, holder: e.holder }, { cause: e });
    if (e instanceof DuplicateIdentityError) {
      return new NicError(e.field === 'mac' ? 'duplicate-mac' : 'duplicate-alias', e.message, { [e.field]: e.value }, { cause: e });
    }
    if (e instanceof QbgSourceRefusedError) return new NicError('qbg-source-refused', e.message, { source: e.device, problem: e.reason }, { cause: e });
    return libraryError(e, what);
  }
  if (e instanceof MacPoolError) {
    if (e instanceof DuplicateMacError) return new NicError('duplicate-mac', e.message, { mac: e.mac, heldBy: e.heldBy }, { cause: e });
    if (e instanceof PoolExhaustedError) return new NicError('mac-pool-exhausted', e.message, { range: e.range }, { cause: e });
    if (e instanceof InvalidMacError) return new NicError('invalid-field', e.message, { field: e.field }, { cause: e });
    return libraryError(e, what);
  }
  if (e instanceof LibvirtError) {
    if (e instanceof DeviceNotReleasedError) {
      return new NicError('device-not-released', `${what}: ${e.message}`, { alias: e.alias, timeoutMs: e.timeoutMs }, { cause: e });
    }
    if (e instanceof DeviceRemovalFailedError) {
      return new NicError('libvirt-refused', `${what}: ${e.message}`, { alias: e.alias, hint: 'the guest refused the unplug request' }, { cause: e });
    }
    if (e instanceof LibvirtTimeoutError) return new NicError('libvirt-timeout', `${what}: ${e.message}`, { inFlight: e.inFlight }, { cause: e });
    if (e instanceof LibvirtCallError) {
      if (e.isNoDomain) return new NicError('domain-not-found', `${what}: ${e.virMessage}`, { libvirt: { code: e.virCode, message: e.virMessage } }, { cause: e });
      const hint = hintFor(e.virMessage);
      return new NicError('libvirt-refused', `${what}: libvirt refused: ${e.virMessage} (hint: ${hint})`, { libvirt: { code: e.virCode, domain: e.virDomain, message: e.virMessage, fn: e.fn }, hint }, { cause: e });
    }
    if (e instanceof LibvirtDisconnectedError || e instanceof LibvirtClosedError) {
      return new NicError('libvirt-unavailable', `${what}: ${e.message}`, { libvirtCode: e.code }, { cause: e });
    }
    return libraryError(e, what);
  }
  return libraryError(e, what);
}

/** lib/nic's refusals, with the CLI's way out where there is one. */
function fromPlanError(e: NicPlanError, what: string): HvnetError {
  const options = { cause: e };
  if (e instanceof NothingToDoError) return new NicError('invalid-field', e.message, { domain: e.domain }, options);
  if (e instanceof DomainNotRunningError) return new NicError('domain-not-running', `${e.message} (use --config to change its definition)`, { domain: e.domain }, options);
  if (e instanceof DomainNotPersistentError) return new NicError('domain-not-persistent', `${e.message} (use --live only)`, { domain: e.domain }, options);
  if (e instanceof OvsUnreachableError) return new NicError('ovs-unreachable', e.message, { socket: e.socket }, options);
  if (e instanceof BridgeNotUsableError) return new NicError('bridge-not-usable', e.message, { bridge: e.bridge, problem: e.problem }, options);
  if (e instanceof SourceMissingError) return new NicError('source-missing', e.message, { source: e.source }, options);
  if (e instanceof MacInUseError) return new NicError('duplicate-mac', e.message, { mac: e.mac, heldBy: e.heldBy }, options);
  if (e instanceof NicNotFoundError) return new NicError('nic-not-found', e.message, { domain: e.domain, nic: e.nic }, options);
  return libraryError(e, what);
}

/** No NIC reason fits: the library's own code and class, said about the operation. */
function libraryError(e: unknown, what: string): HvnetError {
  const err = asHvnetError(e);
  return new HvnetError(err.code, `${what}: ${err.message}`, err.details, { cause: e });
}
