// Is a host device a safe 802.1Qbg source? Decided from `ip -d -j link show` output (parsed
// JSON), so the agent does the I/O and this stays a pure function the tests feed recordings.
//
// Why it matters (docs/libvirt.md#the-qbg-hang): for a Qbg association libvirt walks the source's
// IFLA_LINK chain looking for the root device and the first VLAN id. 802.1Qbg's VDP needs that
// id to be non-zero. A veth's IFLA_LINK is its peer, so the walk never ends: libvirtd's worker
// spins forever holding the domain's job, and only SIGKILL stops it. A lower device in another
// netns is resolved by ifindex in the wrong namespace.
import { QbgSourceRefusedError } from './errors.js';
import type { QbgSourceProblem } from './errors.js';

/** The fields of one `ip -d -j link show` entry this module reads. */
export interface LinkFacts {
  ifname: string;
  /** `linkinfo.info_kind`: veth, vlan, bridge, macvtap…; absent for physical NICs and lo. */
  kind?: string;
  /** `linkinfo.info_data.id` of a VLAN. */
  vlanId?: number;
  /** `link`: name of the lower device when ip could resolve it in the same netns. */
  lower?: string;
  /** `link_index`: printed instead of `link` when the lower device is elsewhere. */
  lowerIndex?: number;
  /** `link_netnsid`: the lower device (or veth peer) lives in another netns. */
  lowerNetnsId?: number;
}

function field(obj: unknown, key: string): unknown {
  return typeof obj === 'object' && obj !== null && !Array.isArray(obj) ? (obj as Record<string, unknown>)[key] : undefined;
}

function asNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** undefined when `link` is not a link entry at all (no ifname). */
export function linkFacts(link: unknown): LinkFacts | undefined {
  const ifname = field(link, 'ifname');
  if (typeof ifname !== 'string' || ifname === '') return undefined;
  const facts: LinkFacts = { ifname };
  const linkinfo = field(link, 'linkinfo');
  const kind = field(linkinfo, 'info_kind');
  if (typeof kind === 'string') facts.kind = kind;
  const vlanId = asNumber(field(field(linkinfo, 'info_data'), 'id'));
  if (vlanId !== undefined) facts.vlanId = vlanId;
  const lower = field(link, 'link');
  if (typeof lower === 'string' && lower !== '') facts.lower = lower;
  const lowerIndex = asNumber(field(link, 'link_index'));
  if (lowerIndex !== undefined) facts.lowerIndex = lowerIndex;
  const lowerNetnsId = asNumber(field(link, 'link_netnsid'));
  if (lowerNetnsId !== undefined) facts.lowerNetnsId = lowerNetnsId;
  return facts;
}

export function isVlanWithNonZeroId(link: unknown): boolean {
  const facts = linkFacts(link);
  return facts?.kind === 'vlan' && facts.vlanId !== undefined && facts.vlanId !== 0;
}

export type QbgSourceVerdict =
  | {
      ok: true;
      device: string;
      vlanId: number;
      /** The device, then each lower device down to the root, as far as it was checked. */
      chain: readonly string[];
      /** False when no link list was given, so only the device itself was looked at. */
      lowerChecked: boolean;
    }
  | { ok: false; device: string | undefined; reason: QbgSourceProblem; detail: string };

function refuse(device: string | undefined, reason: QbgSourceProblem, detail: string): QbgSourceVerdict {
  return { ok: false, device, reason, detail };
}

/**
 * Whether `link` may be the source of an 802.1Qbg NIC: a VLAN link with a non-zero id, not a
 * veth. Pass `allLinks` (the whole `ip -d -j link show` array of the same netns) to also walk the
 * lower devices the way libvirt will: a VLAN on a veth hangs libvirtd just the same.
 */
export function describeQbgSource(link: unknown, allLinks?: readonly unknown[]): QbgSourceVerdict {
  const facts = linkFacts(link);
  if (facts === undefined) return refuse(undefined, 'not-a-link', 'not an entry of `ip -d -j link show` (no ifname)');
  const device = facts.ifname;
  if (facts.kind === 'veth') {
    return refuse(device, 'veth', "a veth's IFLA_LINK is its peer: libvirt would follow it forever (libvirtd hangs)");
  }
  if (facts.kind !== 'vlan') {
    return refuse(device, 'not-vlan', `802.1Qbg needs a VLAN link, this is ${facts.kind ?? 'a device without linkinfo (physical NIC or loopback)'}`);
  }
  if (facts.vlanId === undefined) return refuse(device, 'vlan-id-missing', 'VLAN link without linkinfo.info_data.id');
  if (facts.vlanId === 0) return refuse(device, 'vlan-id-zero', '802.1Qbg requires a non-zero VLAN id');
  if (facts.lowerNetnsId !== undefined) {
    return refuse(device, 'lower-in-other-netns', 'libvirt resolves the lower ifindex in its own netns and would pick an unrelated device');
  }
  if (allLinks === undefined) return { ok: true, device, vlanId: facts.vlanId, chain: [device], lowerChecked: false };

  const byName = new Map<string, LinkFacts>();
  for (const entry of allLinks) {
    const f = linkFacts(entry);
    if (f !== undefined) byName.set(f.ifname, f);
  }
  const chain = [device];
  let current: LinkFacts = facts;
  while (current.lower !== undefined || current.lowerIndex !== undefined) {
    if (current.lower === undefined) {
      return refuse(device, 'lower-not-found', `${current.ifname} has lower ifindex ${current.lowerIndex} that ip could not name`);
    }
    const next = byName.get(current.lower);
    if (next === undefined) return refuse(device, 'lower-not-found', `lower device ${current.lower} is not in the link list`);
    if (chain.includes(next.ifname)) return refuse(device, 'link-loop', `IFLA_LINK chain loops: ${[...chain, next.ifname].join(' -> ')}`);
    chain.push(next.ifname);
    if (next.kind === 'veth') {
      return refuse(device, 'lower-veth', `lower device ${next.ifname} is a veth: libvirt would follow it to its peer forever`);
    }
    if (next.lowerNetnsId !== undefined) {
      return refuse(device, 'lower-in-other-netns', `lower device ${next.ifname} links into another netns`);
    }
    current = next;
  }
  return { ok: true, device, vlanId: facts.vlanId, chain, lowerChecked: true };
}

/** describeQbgSource for callers that want an exception; returns the VLAN id. */
export function assertQbgSource(link: unknown, allLinks?: readonly unknown[]): number {
  const verdict = describeQbgSource(link, allLinks);
  if (!verdict.ok) throw new QbgSourceRefusedError(verdict.device, verdict.reason, verdict.detail);
  return verdict.vlanId;
}
