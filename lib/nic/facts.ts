// What a plan needs to know about the host and the domain, gathered by the caller beforehand as
// plain data: lib/nic reads no sysfs, runs no `ip` and calls no libvirt, so a plan is a function
// of the request and these facts alone.
import type { DomainInterface } from '../domxml/types.js';
import type { QbgSourceVerdict } from '../domxml/vlan.js';

export interface NicIdentity {
  readonly mac?: string | undefined;
  readonly alias?: string | undefined;
}

export interface DomainFacts {
  readonly name: string;
  readonly active: boolean;
  readonly persistent: boolean;
  /** MAC and alias of each NIC of the domain, of any type, live and persistent. */
  readonly identities: readonly NicIdentity[];
}

/** One host network device a NIC would sit on. */
export interface LinkFacts {
  readonly exists: boolean;
  /** lib/domxml's verdict, when the kind asked for it and the device exists. */
  readonly qbg?: QbgSourceVerdict | undefined;
  /** Administratively up (IFF_UP), when the kind asked about bridges. */
  readonly up?: boolean | undefined;
  /** What kind of bridge the device is, when the kind asked about bridges. */
  readonly bridge?: BridgeType | undefined;
}

/** `openvswitch`: an OVS internal port (the kernel datapath's bridge); `none`: any other device. */
export type BridgeType = 'linux' | 'openvswitch' | 'none';

/** Which host devices a kind needs facts about, and for which of them the 802.1Qbg verdict. */
export interface LinkQuestions {
  readonly links: readonly string[];
  readonly qbg: readonly string[];
  /** Devices whose up flag and bridge type the kind needs. */
  readonly bridges?: readonly string[];
  /** Whether the kind needs the local Open vSwitch database (a NIC on an OVN network). */
  readonly ovs?: boolean;
}

/** The local Open vSwitch database, as libvirt's ovs-vsctl will find it. */
export interface OvsFacts {
  /** The socket libvirt's ovs-vsctl uses (its default path: libvirt passes it no other). */
  readonly socket: string;
  /** The socket accepted a connection just now. */
  readonly answers: boolean;
  /** ovn-controller's integration bridge, when the database was read. */
  readonly bridge?: { readonly name: string; readonly datapathType: string; readonly exists: boolean } | undefined;
}

export interface HostFacts {
  readonly domain: DomainFacts;
  /** The direct NICs of every domain of the host, live and persistent. */
  readonly directNics: readonly DomainInterface[];
  /** MAC → the domain one of whose NICs (of any type, live or persistent) has it. */
  readonly macHolders: ReadonlyMap<string, string>;
  /** The answers to the kind's LinkQuestions; a device not in the map counts as missing. */
  readonly links: ReadonlyMap<string, LinkFacts>;
  /** Asked for with LinkQuestions.ovs. */
  readonly ovs?: OvsFacts | undefined;
}
