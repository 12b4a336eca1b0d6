// Whether this AZ's side of a remote peering can carry traffic out of the AZ (pure). Its router
// port on the transit switch is a distributed gateway port: traffic leaves through the one chassis
// that claimed the port's chassisredirect binding, chosen from the port's HA chassis group, and
// ovn-ic copies that chassis into the IC-SB's Port_Binding.gateway. Routes can be learned both ways
// while no chassis has claimed it (routes are control plane only), so "created" does not say that
// packets cross: an empty gateway for longer than a claim takes does.
//
//   ovn-ic-sbctl --columns=logical_port,gateway find Port_Binding transit_switch=TS
//   ovn-sbctl --columns=logical_port,chassis find Port_Binding logical_port=cr-TS

/** How long a new side's port may stay unclaimed before it is reported (a claim takes a second or two). */
export const CLAIM_BOUND_MS = 10_000;

/**
 * The warning for a side whose port has been bound to no gateway chassis for CLAIM_BOUND_MS;
 * undefined while bound, unknown (no IC-SB row yet) or within the bound.
 */
export function gatewayWarning(i: { ts: string; az: string; gateway: string | undefined; gateways: readonly string[]; unboundSinceMs: number | undefined; nowMs: number }): string | undefined {
  if (i.gateway !== '' || i.unboundSinceMs === undefined) return undefined;
  if (i.nowMs - i.unboundSinceMs < CLAIM_BOUND_MS) return undefined;
  const who = i.gateways.length === 0 ? 'no interconnection gateway is known for this availability zone' : `its HA chassis group ${i.ts} names ${i.gateways.join(', ')}`;
  return `this availability zone's port on transit switch ${i.ts} has been bound to no gateway chassis for ${CLAIM_BOUND_MS / 1000} s or more (${who}; check ovn-controller on ${i.gateways.length === 1 ? 'that chassis' : 'those chassis'}): traffic cannot leave ${i.az}`;
}
