// What a report says about the host's peerings: the full set on the first report of a run and when
// the controller asks for it, otherwise what changed since the previous report (agent/api/report.ts).
// It keeps the set as of the last report made, so a heartbeat with nothing changed carries an
// empty delta; comparing is by identity first (the networks service keeps a peering's summary
// object until it changes), so a report costs a pointer comparison per peering and a hash per
// changed one, not a serialisation of the set.
import { PeeringDigest, peeringKey } from '../../api/peering-digest.js';
import type { PeeringKey, ReportPeerings } from '../../api/report.js';
import type { PeeringSummary } from '../../api/status.js';

function same(a: PeeringSummary, b: PeeringSummary): boolean {
  return (
    a === b ||
    (a.target_project === b.target_project && a.target_network === b.target_network && a.type === b.type && a.status === b.status && a.project === b.project && a.network === b.network && a.name === b.name)
  );
}

export class PeeringDeltas {
  private sent = new Map<string, PeeringSummary>();
  private sentList: readonly PeeringSummary[] | undefined;
  private digest = new PeeringDigest();
  private full = true;

  /** The next report carries the full set (the controller's copy is not to be trusted). */
  resync(): void {
    this.full = true;
  }

  /** The peerings part of the report of `sequence`, and the set it describes becomes the base of the next. */
  next(sequence: number, list: readonly PeeringSummary[]): ReportPeerings {
    if (this.full || sequence === 1) {
      this.full = false;
      this.sent = new Map(list.map((p) => [peeringKey(p), p]));
      this.sentList = list;
      this.digest = PeeringDigest.of(this.sent.values());
      return { kind: 'full', digest: this.digest.hex, items: [...this.sent.values()] };
    }
    const changed: PeeringSummary[] = [];
    const removed: PeeringKey[] = [];
    if (list !== this.sentList) {
      const seen = new Set<string>();
      for (const p of list) {
        const key = peeringKey(p);
        seen.add(key);
        const old = this.sent.get(key);
        if (old && same(old, p)) continue;
        if (old) this.digest.toggle(old);
        this.digest.toggle(p);
        this.sent.set(key, p);
        changed.push(p);
      }
      if (seen.size !== this.sent.size) {
        for (const [key, old] of this.sent) {
          if (seen.has(key)) continue;
          this.digest.toggle(old);
          this.sent.delete(key);
          removed.push({ project: old.project, network: old.network, name: old.name });
        }
      }
      this.sentList = list;
    }
    return { kind: 'delta', digest: this.digest.hex, base: sequence - 1, changed, removed };
  }
}
