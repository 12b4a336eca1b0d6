// What hvnet asks for (InterfaceSpec), what it sends after validation (NormalizedInterfaceSpec),
// and what it reads back from a domain (DomainInterface). The vocabularies are arrays so that the
// validator, the error messages and the tests share one list.

/** libvirt's names for the macvtap modes (the kernel calls passthrough `passthru`). */
export const MACVTAP_MODES = ['vepa', 'bridge', 'private', 'passthrough'] as const;
export type MacvtapMode = (typeof MACVTAP_MODES)[number];

/**
 * NIC models hvnet lets a client pick. libvirt's RNG takes any `[a-zA-Z0-9_-]+`, and its QEMU
 * driver then maps known names to devices; this list keeps the ones QEMU on x86 q35/i440fx
 * provides and that libvirt names in virDomainNetModel (virtio and its two transitional
 * variants, Intel e1000/e1000e, Realtek rtl8139, VMware vmxnet3). Others (usb-net, spapr-vlan,
 * lan9118…) are other architectures' devices and would only fail at attach time.
 */
export const NIC_MODELS = [
  'virtio',
  'virtio-transitional',
  'virtio-non-transitional',
  'e1000',
  'e1000e',
  'rtl8139',
  'vmxnet3',
] as const;
export type NicModel = (typeof NIC_MODELS)[number];

export const VIRTUALPORT_TYPES = ['802.1Qbg', '802.1Qbh'] as const;
export type VirtualPortType = (typeof VIRTUALPORT_TYPES)[number];

/** VSI parameters of an 802.1Qbg (VDP) association. */
export interface Qbg {
  type: '802.1Qbg';
  managerid: number;
  typeid: number;
  typeidversion: number;
  /** Generated when absent, so hvnet knows the VSI instance it asked for. */
  instanceid?: string;
}

/** Port profile of an 802.1Qbh (Cisco VN-Tag) port extender. */
export interface Qbh {
  type: '802.1Qbh';
  profileid: string;
}

export type VirtualPortSpec = Qbg | Qbh;

/** A direct (macvtap) NIC as a client asks for it. */
export interface InterfaceSpec {
  /** Host network device the macvtap sits on. */
  source: string;
  /** Default `vepa`, libvirt's own default. */
  mode?: MacvtapMode;
  /** Default `virtio`. */
  model?: string;
  /** Without one libvirt generates a MAC; hvnet then can only detach by alias. */
  mac?: string;
  virtualport?: VirtualPortSpec;
  mtu?: number;
  /** A libvirt user alias; hvnet's start with `ua-hvnet-`. */
  alias?: string;
}

export interface NormalizedQbg extends Qbg {
  instanceid: string;
}

export type NormalizedVirtualPort = NormalizedQbg | Qbh;

/** An InterfaceSpec that passed validation: defaults filled, MAC and UUID lowercase. */
export interface NormalizedInterfaceSpec {
  source: string;
  mode: MacvtapMode;
  model: NicModel;
  mac?: string;
  virtualport?: NormalizedVirtualPort;
  mtu?: number;
  alias?: string;
}

export interface PciAddress {
  domain: number;
  bus: number;
  slot: number;
  function: number;
}

/**
 * A virtualport as found in XML. libvirt's schema makes every parameter optional (it fills some
 * in itself), so nothing but the type is guaranteed; types other than Qbg/Qbh are kept by name.
 */
export type DomainVirtualPort =
  | { type: '802.1Qbg'; managerid?: number; typeid?: number; typeidversion?: number; instanceid?: string }
  | { type: '802.1Qbh'; profileid?: string }
  | { type: 'other'; declaredType: string | undefined };

/** One `<interface type='direct'>` read back from domain XML (live or inactive). */
export interface DomainInterface {
  source: string;
  /** libvirt writes the mode always; absent means vepa. */
  mode: MacvtapMode;
  /** Lowercase. Absent only in XML libvirt has not yet processed. */
  mac?: string;
  /** Any model libvirt accepted, not only hvnet's allow-list. */
  model?: string;
  virtualport?: DomainVirtualPort;
  mtu?: number;
  /** `net0`-style aliases on live domains, or the user alias (`ua-…`). */
  alias?: string;
  /** The macvtap device, live XML only. */
  targetDev?: string;
  pciAddress?: PciAddress;
}
