// What `peer show --trace` asks ovn-trace: per address family, an ICMP echo from a host on one
// network to the gateway address of the other, and what a working peering makes it cross.
//
// The trace starts on the local router's internal port, as if the switch had just handed the
// packet over: ovn-trace needs a logical inport, and a switch may have no instance port to borrow
// (the switch's router-type port cannot be used as a source: the switch sends the packet back out
// of it and the trace drops it). The source host and MAC are made up; the router does not check
// them. An echo to the other router's own address is answered by that router, so one trace goes
// there and back: out of the local peer port, into the remote router, the reply out of the
// remote peer port, into the local router and out towards the local switch.
import { formatV4, formatV6, parseGatewayCidr } from './cidr.js';
import type { Family, GatewayCidr } from './cidr.js';
import { rowNames } from './ids.js';

/** The parts of a network a trace needs (lib/ovn's NetworkInfo has them). */
export interface TraceNetwork {
  id: number;
  project: string;
  name: string;
  mac: string;
  /** null: the network lacks the family (at least one is set). */
  ipv4: string | null;
  ipv6: string | null;
}

/** One crossing a working peering makes: a router entered through a port, or left through one. */
export interface ExpectedHop {
  stage: 'ingress' | 'egress';
  datapath: string;
  /** ingress: the port entered; egress: the port left. */
  port: string;
  /** Said in a failed verdict's reason when this crossing is the first one missing. */
  meaning: string;
}

export interface TraceProbe {
  family: Family;
  /** `project/name` of each end. */
  from: string;
  to: string;
  /** ovn-trace's datapath and microflow arguments. */
  datapath: string;
  flow: string;
  expect: ExpectedHop[];
}

/** A made-up source MAC: locally administered, and not of the form hvnet gives routers (02:68:76:…). */
export const TRACE_SOURCE_MAC = '0a:68:76:00:00:01';

const label = (n: TraceNetwork): string => `${n.project}/${n.name}`;

/** A host address of the subnet other than the gateway: the first one, or the second when the gateway is the first. */
export function sourceAddress(g: GatewayCidr): string {
  const bits = g.family === 4 ? 32 : 128;
  const size = 1n << BigInt(bits - g.prefix);
  const fmt = g.family === 4 ? formatV4 : formatV6;
  const first = fmt(g.base + 1n);
  if (first !== g.address) return first;
  // A /127 has no second host: its other address is the subnet's own.
  return fmt(size > 2n ? g.base + 2n : g.base);
}

function probe(family: Family, local: TraceNetwork, remote: TraceNetwork): TraceProbe {
  const gw = (n: TraceNetwork): GatewayCidr => (family === 4 ? parseGatewayCidr('ipv4', 4, n.ipv4) : parseGatewayCidr('ipv6', 6, n.ipv6));
  const src = sourceAddress(gw(local));
  const dst = gw(remote).address;
  const l3 =
    family === 4
      ? `ip4.src == ${src} && ip4.dst == ${dst} && ip.ttl == 64 && icmp4.type == 8`
      : `ip6.src == ${src} && ip6.dst == ${dst} && ip.ttl == 64 && icmp6.type == 128`;
  const lr = rowNames.router(local.id);
  const rr = rowNames.router(remote.id);
  const out = rowNames.peerPort(local.id, remote.id);
  const back = rowNames.peerPort(remote.id, local.id);
  return {
    family,
    from: label(local),
    to: label(remote),
    datapath: lr,
    flow: `inport == "${rowNames.routerPort(local.id)}" && eth.src == ${TRACE_SOURCE_MAC} && eth.dst == ${local.mac} && ${l3}`,
    expect: [
      { stage: 'egress', datapath: lr, port: out, meaning: `leave ${label(local)}'s router through its peer port ${out}` },
      { stage: 'ingress', datapath: rr, port: back, meaning: `enter ${label(remote)}'s router through its peer port ${back}` },
      { stage: 'egress', datapath: rr, port: back, meaning: `the reply of ${label(remote)}'s router leave through ${back}` },
      { stage: 'ingress', datapath: lr, port: out, meaning: `the reply enter ${label(local)}'s router through ${out}` },
      {
        stage: 'egress',
        datapath: lr,
        port: rowNames.routerPort(local.id),
        meaning: `the reply leave ${label(local)}'s router towards its switch`,
      },
    ],
  };
}

/** The families both networks have, IPv4 first: the ones a peering carries (families.ts). */
export function traceFamilies(local: TraceNetwork, remote: TraceNetwork): Family[] {
  return ([4, 6] as const).filter((f) => (f === 4 ? local.ipv4 !== null && remote.ipv4 !== null : local.ipv6 !== null && remote.ipv6 !== null));
}

/**
 * The probes of a peering from `local` to `remote`: each way, for each family both networks have
 * (none when they share none: such a peering is errored and has no rows). Each way checks that
 * side's route and peer port; the reply checks the other's.
 */
export function planPeeringTrace(local: TraceNetwork, remote: TraceNetwork): TraceProbe[] {
  return traceFamilies(local, remote).flatMap((f) => [probe(f, local, remote), probe(f, remote, local)]);
}

/** Said of a trace between two networks that have no family in common: there is nothing to trace. */
export function noSharedFamilyTrace(local: TraceNetwork, remote: TraceNetwork): string {
  const has = (n: TraceNetwork): string => (n.ipv4 !== null ? (n.ipv6 !== null ? 'IPv4 and IPv6' : 'IPv4 only') : 'IPv6 only');
  return `${label(local)} (${has(local)}) and ${label(remote)} (${has(remote)}) have no address family in common: there is nothing to trace`;
}
