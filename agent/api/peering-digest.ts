// A digest of a host's whole peering set that both sides keep up to date peering by peering: the
// XOR of a hash of each peering, so adding, removing or changing one costs one hash whatever the
// number of peerings, and the order they were seen in does not matter. hvnetd puts it in every
// report; the controller compares it with its own after applying a delta and asks for the full set
// when they differ (agent/api/report.ts).
import { createHash } from 'node:crypto';
import type { PeeringSummary } from './status.js';

const BYTES = 16;

/** What identifies a peering on its host: a network's peerings have distinct names. */
export function peeringKey(p: { project: string; network: string; name: string }): string {
  return `${p.project}/${p.network}/${p.name}`;
}

function hashOf(p: PeeringSummary): Buffer {
  // Fixed field order and a separator no name can hold: equal peerings hash equal on both sides.
  const text = [p.project, p.network, p.name, p.target_project, p.target_network, p.type, p.status].join('\n');
  return createHash('sha256').update(text).digest().subarray(0, BYTES);
}

export class PeeringDigest {
  private readonly acc = Buffer.alloc(BYTES);

  static of(list: Iterable<PeeringSummary>): PeeringDigest {
    const d = new PeeringDigest();
    for (const p of list) d.toggle(p);
    return d;
  }

  /** Adds a peering not in the set, or removes one that is (XOR is its own inverse). */
  toggle(p: PeeringSummary): void {
    const h = hashOf(p);
    for (let i = 0; i < BYTES; i++) this.acc[i] = (this.acc[i] ?? 0) ^ (h[i] ?? 0);
  }

  get hex(): string {
    return this.acc.toString('hex');
  }
}
