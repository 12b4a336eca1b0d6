// A network has IPv4, IPv6 or both. Two peered networks exchange only the families both have: a
// route needs a nexthop the peer port can reach, and a peer port address of a family the other
// side lacks would lead nowhere. Two networks with no family in common cannot be peered at all.
import type { Family, GatewayCidr } from './cidr.js';

export interface Gateways {
  ipv4: GatewayCidr | undefined;
  ipv6: GatewayCidr | undefined;
}

export function gatewayOf(n: Gateways, family: Family): GatewayCidr | undefined {
  return family === 4 ? n.ipv4 : n.ipv6;
}

/** The families a network has, IPv4 first. */
export function familiesOf(n: Gateways): Family[] {
  return ([4, 6] as const).filter((f) => gatewayOf(n, f) !== undefined);
}

/** The families both networks have, IPv4 first, with each side's gateway. */
export function sharedGateways(a: Gateways, b: Gateways): { family: Family; a: GatewayCidr; b: GatewayCidr }[] {
  const out: { family: Family; a: GatewayCidr; b: GatewayCidr }[] = [];
  for (const family of [4, 6] as const) {
    const ga = gatewayOf(a, family);
    const gb = gatewayOf(b, family);
    if (ga && gb) out.push({ family, a: ga, b: gb });
  }
  return out;
}

/** `IPv4 only`, `IPv6 only` or `IPv4 and IPv6`: how a status reason describes a network. */
export function describeFamilies(n: Gateways): string {
  const f = familiesOf(n);
  return f.length === 2 ? 'IPv4 and IPv6' : f.length === 1 ? `IPv${f[0] ?? ''} only` : 'no address';
}

/** Why a peering between two networks without a common family is not activated. */
export function noSharedFamilyReason(a: Gateways & { project: string; name: string }, b: Gateways & { project: string; name: string }): string {
  const label = (n: { project: string; name: string }): string => `${n.project}/${n.name}`;
  return (
    `the two networks have no address family in common (${label(a)}: ${describeFamilies(a)}; ${label(b)}: ${describeFamilies(b)}); ` +
    'the peering is not activated'
  );
}
