// The NIC feature's failures: one code per reason, with its class. The daemon's NIC service throws
// them (agent/daemon/features/nics/errors.ts), mapping lib/domxml, lib/macpool and lib/libvirt
// errors onto the reason the caller can act on; the CLI needs the same list to recognise them.
// `details.reason` repeats the reason in words for scripts written against the earlier API.
import { defineErrorCodes } from '../../lib/errors.js';
import type { CodeOf } from '../../lib/errors.js';

export const NIC_ERRORS = defineErrorCodes({
  HVNET_NIC_INVALID_FIELD: 'invalid',
  HVNET_NIC_UNSUPPORTED_COMBINATION: 'invalid',
  HVNET_NIC_QBG_SOURCE_REFUSED: 'invalid',
  HVNET_NIC_SOURCE_MISSING: 'not-found',
  // The host bridge is missing, down or not a Linux bridge (an OVS bridge: use --network).
  HVNET_NIC_BRIDGE_NOT_USABLE: 'conflict',
  // libvirt's ovs-vsctl would not reach the Open vSwitch database: nothing was changed.
  HVNET_NIC_OVS_UNREACHABLE: 'unavailable',
  HVNET_NIC_DOMAIN_NOT_FOUND: 'not-found',
  HVNET_NIC_NOT_FOUND: 'not-found',
  HVNET_NIC_DUPLICATE_MAC: 'conflict',
  HVNET_NIC_DUPLICATE_ALIAS: 'conflict',
  HVNET_NIC_SOURCE_IN_USE: 'conflict',
  HVNET_NIC_DOMAIN_NOT_RUNNING: 'conflict',
  HVNET_NIC_DOMAIN_NOT_PERSISTENT: 'conflict',
  HVNET_NIC_MAC_POOL_EXHAUSTED: 'conflict',
  // The guest kept the device (paused, or it ignores the unplug): it is still attached; retry later.
  HVNET_NIC_DEVICE_NOT_RELEASED: 'unavailable',
  HVNET_NIC_LIBVIRT_TIMEOUT: 'unavailable',
  HVNET_NIC_LIBVIRT_UNAVAILABLE: 'unavailable',
  HVNET_NIC_LIBVIRT_REFUSED: 'refused',
  // The attach failed and undoing its live part failed too: a NIC is left that needs a detach.
  HVNET_NIC_ROLLBACK_FAILED: 'internal',
  // libvirtd went away after the attach was sent: QEMU may hold the NIC; its MAC stays reserved.
  HVNET_NIC_OUTCOME_UNKNOWN: 'outcome-unknown',
});

export type NicErrorCode = CodeOf<typeof NIC_ERRORS>;

/** The reason of each code, as `details.reason` carries it. */
export const NIC_REASONS = {
  'invalid-field': 'HVNET_NIC_INVALID_FIELD',
  'unsupported-combination': 'HVNET_NIC_UNSUPPORTED_COMBINATION',
  'qbg-source-refused': 'HVNET_NIC_QBG_SOURCE_REFUSED',
  'source-missing': 'HVNET_NIC_SOURCE_MISSING',
  'bridge-not-usable': 'HVNET_NIC_BRIDGE_NOT_USABLE',
  'ovs-unreachable': 'HVNET_NIC_OVS_UNREACHABLE',
  'domain-not-found': 'HVNET_NIC_DOMAIN_NOT_FOUND',
  'nic-not-found': 'HVNET_NIC_NOT_FOUND',
  'duplicate-mac': 'HVNET_NIC_DUPLICATE_MAC',
  'duplicate-alias': 'HVNET_NIC_DUPLICATE_ALIAS',
  'source-in-use': 'HVNET_NIC_SOURCE_IN_USE',
  'domain-not-running': 'HVNET_NIC_DOMAIN_NOT_RUNNING',
  'domain-not-persistent': 'HVNET_NIC_DOMAIN_NOT_PERSISTENT',
  'mac-pool-exhausted': 'HVNET_NIC_MAC_POOL_EXHAUSTED',
  'device-not-released': 'HVNET_NIC_DEVICE_NOT_RELEASED',
  'libvirt-timeout': 'HVNET_NIC_LIBVIRT_TIMEOUT',
  'libvirt-unavailable': 'HVNET_NIC_LIBVIRT_UNAVAILABLE',
  'libvirt-refused': 'HVNET_NIC_LIBVIRT_REFUSED',
  'rollback-failed': 'HVNET_NIC_ROLLBACK_FAILED',
  'outcome-unknown': 'HVNET_NIC_OUTCOME_UNKNOWN',
} as const satisfies Record<string, NicErrorCode>;

export type NicErrorReason = keyof typeof NIC_REASONS;
