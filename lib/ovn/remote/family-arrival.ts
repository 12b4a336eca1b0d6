// Which of a remote-peered network's families the other AZ's routes have not come for (pure).
// A side advertises its subnets only over the families it has transit addresses for, and each
// side has addresses for its own families only: a dual-stack network peered with an IPv6-only one
// learns IPv6 routes and never IPv4 ones. hvnet cannot see the other side's network, so once the
// first route has arrived it waits ARRIVAL_BOUND_MS for the others and then names the families
// still missing in the peering's warning (the peering is created: the families that did arrive
// carry traffic).
import type { Family } from '../cidr.js';

export const ARRIVAL_BOUND_MS = 10_000;

export function familyOfPrefix(prefix: string): Family {
  return prefix.includes(':') ? 6 : 4;
}

/** The local families for which no learned route exists. */
export function missingFamilies(local: readonly Family[], learned: readonly { prefix: string }[]): Family[] {
  const got = new Set(learned.map((r) => familyOfPrefix(r.prefix)));
  return local.filter((f) => !got.has(f));
}

/**
 * The warning for families still missing ARRIVAL_BOUND_MS after the first route arrived;
 * undefined while none arrived (the peering is pending, with its own reason), within the bound,
 * or when every local family has routes.
 */
export function arrivalWarning(i: { ts: string; local: readonly Family[]; learned: readonly { prefix: string }[]; firstArrivedMs: number | undefined; nowMs: number }): string | undefined {
  if (i.learned.length === 0 || i.firstArrivedMs === undefined) return undefined;
  if (i.nowMs - i.firstArrivedMs < ARRIVAL_BOUND_MS) return undefined;
  const missing = missingFamilies(i.local, i.learned);
  if (missing.length === 0) return undefined;
  const names = missing.map((f) => `IPv${f}`).join(' and ');
  return `no ${names} route learned over transit switch ${i.ts} within ${ARRIVAL_BOUND_MS / 1000} s of the first route: the other availability zone's network has no ${names}, or its side has not answered for it; the other families carry traffic`;
}
