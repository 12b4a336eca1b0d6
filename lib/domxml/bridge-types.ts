// A NIC on a host bridge (`<interface type='bridge'>`): a Linux bridge, or an Open vSwitch bridge
// such as OVN's br-int, where `<virtualport type='openvswitch'>` makes libvirt add the tap as an
// OVS port carrying the interfaceid (OVS `external_ids:iface-id`, what OVN binds a logical switch
// port by).
import type { NicModel, PciAddress } from './types.js';

export const BRIDGE_VIRTUALPORT_TYPES = ['openvswitch'] as const;
export type BridgeVirtualPortType = (typeof BRIDGE_VIRTUALPORT_TYPES)[number];

/** libvirt's values of `<driver><host csum>`: checksum offload from the guest to the host tap. */
export const HOST_CSUM_VALUES = ['on', 'off'] as const;
export type HostCsum = (typeof HOST_CSUM_VALUES)[number];

export interface OpenvswitchPort {
  type: 'openvswitch';
  /**
   * Required, unlike libvirt, which would generate one: OVN only binds the port whose iface-id
   * names its logical switch port, so the caller must know it before the attach.
   */
  interfaceid: string;
}

/** A bridge NIC as a client asks for it. */
export interface BridgeInterfaceSpec {
  kind: 'bridge';
  /** The host bridge the tap joins. */
  bridge: string;
  /** Default `virtio`. */
  model?: string;
  mac?: string;
  /** Absent: a plain Linux bridge. */
  virtualport?: OpenvswitchPort;
  /** The tap's name; absent: libvirt picks `vnetN`. */
  targetDev?: string;
  /**
   * `off` on a userspace-datapath OVS bridge: the tap's partial checksums are forwarded unfixed
   * and TCP/UDP dropped by the receiver (docs/ovn.md#veth-checksum-offload-must-be-off, the same
   * failure with a veth). Absent: QEMU's default (on).
   */
  hostCsum?: HostCsum;
  mtu?: number;
  alias?: string;
}

/** A BridgeInterfaceSpec that passed validation: model filled, MAC and UUID lowercase. */
export type NormalizedBridgeInterfaceSpec = Omit<BridgeInterfaceSpec, 'model'> & { model: NicModel };

/** As found in XML: libvirt fills the interfaceid itself when none was given. */
export type DomainBridgeVirtualPort = { type: 'openvswitch'; interfaceid?: string } | { type: 'other'; declaredType: string | undefined };

/** One `<interface type='bridge'>` read back from domain XML (live or inactive). */
export interface DomainBridgeInterface {
  kind: 'bridge';
  bridge: string;
  /** Lowercase. Absent only in XML libvirt has not yet processed. */
  mac?: string;
  /** Any model libvirt accepted. */
  model?: string;
  virtualport?: DomainBridgeVirtualPort;
  /** On a live domain libvirt's own `vnetN` when none was asked for. */
  targetDev?: string;
  hostCsum?: HostCsum;
  mtu?: number;
  alias?: string;
  pciAddress?: PciAddress;
}
