// The peerings part of the status: counts and the problems. Made once per peering list (the list
// is a new array only when a peering changed), so a status read or an NB batch costs the same
// whatever the number of peerings.
import { MAX_PROBLEM_PEERINGS } from './status.js';
import type { PeeringCounts, PeeringSummary } from './status.js';

const made = new WeakMap<readonly PeeringSummary[], PeeringCounts>();

export function peeringCounts(list: readonly PeeringSummary[]): PeeringCounts {
  const known = made.get(list);
  if (known) return known;
  const c: PeeringCounts = { total: list.length, created: 0, pending: 0, errored: 0, networks: 0, problems: [] };
  const networks = new Set<string>();
  const errored: PeeringSummary[] = [];
  const pending: PeeringSummary[] = [];
  for (const p of list) {
    networks.add(`${p.project}/${p.network}`);
    if (p.status === 'Created') c.created += 1;
    else if (p.status === 'Pending') {
      c.pending += 1;
      if (pending.length < MAX_PROBLEM_PEERINGS) pending.push(p);
    } else {
      c.errored += 1;
      if (errored.length < MAX_PROBLEM_PEERINGS) errored.push(p);
    }
  }
  c.networks = networks.size;
  c.problems = [...errored, ...pending].slice(0, MAX_PROBLEM_PEERINGS);
  made.set(list, c);
  return c;
}
