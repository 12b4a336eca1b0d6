// The NIC feature's failures as HvnetErrors: an existing hvnet code (so the CLI's exit codes and
// the JSON-RPC numbers stay those of agent/api/errors.ts) plus a stable `details.reason`
// (agent/api/nics.ts lists them). Errors of lib/domxml, lib/macpool and lib/libvirt are mapped
// here and nowhere else.
import { HvnetError } from '../../../api/errors.js';
import type { HvnetErrorCode } from '../../../api/errors.js';
import type { NicErrorReason } from '../../../api/nics.js';
import { DomXmlError, InvalidFieldError, UnsupportedCombinationError, SourceInUseError, DuplicateIdentityError, QbgSourceRefusedError } from '../../../../lib/domxml/errors.js';
import { MacPoolError, DuplicateMacError, PoolExhaustedError } from '../../../../lib/macpool/errors.js';
import {
  DeviceNotReleasedError,
  DeviceRemovalFailedError,
  LibvirtCallError,
  LibvirtError,
  LibvirtTimeoutError,
} from '../../../../lib/libvirt/errors.js';

const CODE_OF: Record<NicErrorReason, HvnetErrorCode> = {
  'invalid-field': 'HVNET_INVALID_PARAMS',
  'unsupported-combination': 'HVNET_INVALID_PARAMS',
  'source-missing': 'HVNET_INVALID_PARAMS',
  'qbg-source-refused': 'HVNET_INVALID_PARAMS',
  'duplicate-mac': 'HVNET_INVALID_PARAMS',
  'duplicate-alias': 'HVNET_INVALID_PARAMS',
  'source-in-use': 'HVNET_INVALID_PARAMS',
  'domain-not-running': 'HVNET_INVALID_PARAMS',
  'domain-not-persistent': 'HVNET_INVALID_PARAMS',
  'mac-pool-exhausted': 'HVNET_INVALID_PARAMS',
  'domain-not-found': 'HVNET_NOT_FOUND',
  'nic-not-found': 'HVNET_NOT_FOUND',
  'device-not-released': 'HVNET_TIMEOUT',
  'libvirt-timeout': 'HVNET_TIMEOUT',
  'libvirt-refused': 'HVNET_INTERNAL',
  'libvirt-unavailable': 'HVNET_INTERNAL',
  'rollback-failed': 'HVNET_INTERNAL',
};

export class NicError extends HvnetError {
  constructor(
    readonly reason: NicErrorReason,
    message: string,
    details: Record<string, unknown> = {},
    options?: ErrorOptions,
  ) {
    super(CODE_OF[reason], message, { reason, ...details }, options);
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
  if (/PCI|slot|bus/i.test(virMessage)) return 'the domain has no free PCIe slot for hot-plug: give it another pcie-root-port (persistently) and restart it';
  if (/Device or resource busy|already in use|File exists/i.test(virMessage)) return 'the source device is busy (another macvtap in passthrough mode, or a leftover macvtap)';
  if (/transient/i.test(virMessage)) return 'a transient domain has no persistent definition: attach with --live only';
  return "see libvirtd's log for details";
}

/** Anything thrown by the libraries, as a NicError (HvnetErrors pass unchanged). */
export function toNicError(e: unknown, what: string): HvnetError {
  if (e instanceof HvnetError) return e;
  if (e instanceof DomXmlError) {
    if (e instanceof InvalidFieldError) return new NicError('invalid-field', e.message, { field: e.field, allowed: e.allowed }, { cause: e });
    if (e instanceof UnsupportedCombinationError) return new NicError('unsupported-combination', e.message, { field: e.field, allowed: e.allowedValues }, { cause: e });
    if (e instanceof SourceInUseError) return new NicError('source-in-use', e.message, { source: e.source, holder: e.holder }, { cause: e });
    if (e instanceof DuplicateIdentityError) {
      return new NicError(e.field === 'mac' ? 'duplicate-mac' : 'duplicate-alias', e.message, { [e.field]: e.value }, { cause: e });
    }
    if (e instanceof QbgSourceRefusedError) return new NicError('qbg-source-refused', e.message, { source: e.device, problem: e.reason }, { cause: e });
    return new NicError('invalid-field', e.message, {}, { cause: e });
  }
  if (e instanceof MacPoolError) {
    if (e instanceof DuplicateMacError) return new NicError('duplicate-mac', e.message, { mac: e.mac, heldBy: e.heldBy }, { cause: e });
    if (e instanceof PoolExhaustedError) return new NicError('mac-pool-exhausted', e.message, { range: e.range }, { cause: e });
    return new NicError('invalid-field', e.message, {}, { cause: e });
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
    return new NicError('libvirt-unavailable', `${what}: ${e.message}`, { libvirtCode: e.code }, { cause: e });
  }
  return new HvnetError('HVNET_INTERNAL', `${what}: ${e instanceof Error ? e.message : String(e)}`, {}, { cause: e });
}
