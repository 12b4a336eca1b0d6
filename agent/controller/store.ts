// The controller's memory: per host, the latest report (with the host's whole peering set, deltas
// applied) and what it knows about the host's report stream, one JSON file per host so it
// survives a restart. Reports of a stream arrive in sequence order (the agent's spool guarantees
// it), so "seen" is simply "not above the highest sequence": a report resent after a lost
// acknowledgement is recognised and not counted twice.
import { mkdir, readFile, readdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { reportFromV1, reportFromV2 } from '../api/report.js';
import type { FullReport, Report, ReportV1, ReportV2 } from '../api/report.js';
import { PeeringDigest, peeringKey } from '../api/peering-digest.js';
import type { HostStatus, PeeringSummary } from '../api/status.js';
import { heldNics } from './held-nics.js';

/** Accepted sequence numbers kept per host (for audits and tests); older ones are forgotten. */
const HISTORY = 1_000;

export interface HostRecord {
  host: string;
  stream: string;
  lastSequence: number;
  /** Reports accepted (duplicates excluded) since the controller first heard of the host. */
  accepted: number;
  duplicates: number;
  /** Sequence numbers skipped by the stream (reports the agent dropped). */
  missed: number;
  receivedAt: string;
  /** The latest report, its peerings the full set as the controller holds it. */
  report: FullReport;
  /**
   * The peering set may be out of date: a delta could not be applied (its base was missing) or
   * the digest after applying it differed. The host was asked for the full set.
   */
  peeringsStale: boolean;
  /** Full sets asked for so far. */
  resyncs: number;
  /** The last accepted sequence numbers, oldest first. */
  history: number[];
  /** The host's NICs as last read from libvirt, while its latest report says it has not read them yet (held-nics.ts). */
  heldNics?: HostStatus['nics'];
}

export interface AcceptResult {
  accepted: boolean;
  duplicate: boolean;
  resync?: boolean;
}

type Stored = Omit<HostRecord, 'report'> & { report: FullReport | ReportV2 | ReportV1 };

/** A record written by an older controller: one shape in memory, whatever is on disk. */
function upgrade(rec: Stored): HostRecord {
  const r = rec.report;
  const report = r.version === 1 ? reportFromV1(r) : r.version === 2 ? reportFromV2(r) : r;
  return { ...rec, report, peeringsStale: rec.peeringsStale ?? false, resyncs: rec.resyncs ?? 0 };
}

export class HostStore {
  private readonly hosts = new Map<string, HostRecord>();
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly dir: string) {}

  async open(): Promise<void> {
    await mkdir(join(this.dir, 'hosts'), { recursive: true, mode: 0o700 });
    for (const name of await readdir(join(this.dir, 'hosts'))) {
      if (!name.endsWith('.json')) continue;
      try {
        const rec = upgrade(JSON.parse(await readFile(join(this.dir, 'hosts', name), 'utf8')) as Stored);
        this.hosts.set(rec.host, rec);
      } catch {
        // a half-written file cannot exist (rename), so this is someone else's file: skip it
      }
    }
  }

  list(): HostRecord[] {
    return [...this.hosts.values()].sort((a, b) => a.host.localeCompare(b.host));
  }

  get(host: string): HostRecord | undefined {
    return this.hosts.get(host);
  }

  /** Records a report unless it was seen; resolves once it is on disk. */
  accept(report: Report | FullReport): Promise<AcceptResult> {
    const run = this.chain.then(async (): Promise<AcceptResult> => {
      const prev = this.hosts.get(report.host);
      if (prev && prev.stream === report.stream && report.sequence <= prev.lastSequence) {
        prev.duplicates += 1;
        await this.save(prev);
        return { accepted: false, duplicate: true };
      }
      const sameStream = prev?.stream === report.stream;
      const last = sameStream ? prev.lastSequence : 0;
      const history = sameStream ? [...prev.history, report.sequence].slice(-HISTORY) : [report.sequence];
      const applied = applyPeerings(sameStream ? prev : undefined, report);
      const rec: HostRecord = {
        host: report.host,
        stream: report.stream,
        lastSequence: report.sequence,
        accepted: (prev?.accepted ?? 0) + 1,
        duplicates: prev?.duplicates ?? 0,
        missed: (prev?.missed ?? 0) + Math.max(0, report.sequence - last - 1),
        receivedAt: new Date().toISOString(),
        report: { ...report, peerings: { kind: 'full', digest: applied.digest, items: applied.items } },
        peeringsStale: applied.stale,
        resyncs: (prev?.resyncs ?? 0) + (applied.stale ? 1 : 0),
        history,
      };
      // Whatever the stream: an hvnetd restart starts a new one, and that is when the list is not read yet.
      const held = heldNics(prev, report.status);
      if (held !== undefined) rec.heldNics = held;
      this.hosts.set(report.host, rec);
      await this.save(rec);
      return applied.stale ? { accepted: true, duplicate: false, resync: true } : { accepted: true, duplicate: false };
    });
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async save(rec: HostRecord): Promise<void> {
    const file = join(this.dir, 'hosts', `${rec.host}.json`);
    await writeFile(`${file}.tmp`, JSON.stringify(rec), { mode: 0o600 });
    await rename(`${file}.tmp`, file);
  }
}

/**
 * The host's peering set after `report`: a full set as sent; a delta on top of the previous
 * report when that is its base, checked against the digest it carries. Otherwise the previous set
 * stays (marked stale) until the full set the host is asked for arrives.
 */
function applyPeerings(prev: HostRecord | undefined, report: Report): { items: PeeringSummary[]; digest: string; stale: boolean } {
  const p = report.peerings;
  if (p.kind === 'full') return { items: p.items, digest: p.digest, stale: false };
  const before = prev?.report.peerings;
  if (!prev || !before || prev.lastSequence !== p.base) {
    return { items: before?.items ?? [], digest: before?.digest ?? new PeeringDigest().hex, stale: true };
  }
  if (p.changed.length === 0 && p.removed.length === 0 && !prev.peeringsStale) {
    return { items: before.items, digest: before.digest, stale: before.digest !== p.digest };
  }
  const set = new Map(before.items.map((x) => [peeringKey(x), x]));
  for (const k of p.removed) set.delete(peeringKey(k));
  for (const x of p.changed) set.set(peeringKey(x), x);
  const items = [...set.values()];
  // Checked over the whole set: cheap next to the report's parse, and it catches a controller
  // whose copy drifted for any reason, not only a missing base.
  const digest = PeeringDigest.of(items).hex;
  return { items, digest, stale: digest !== p.digest };
}
