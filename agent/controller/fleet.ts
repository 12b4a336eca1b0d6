// What the fleet page and the JSON API show, made from the stored reports at read time: each
// host's state with liveness (a host that stopped reporting is unreachable after 3 of its own
// heartbeat intervals), each peering once with both ends and every host's view of each end, every
// NIC with its host, and MACs used on more than one host.
import type { HealthReason, PeeringSummary } from '../api/status.js';
import type { HostRecord } from './store.js';
import { macConflicts } from './mac-conflicts.js';
import { nicsOf } from './held-nics.js';
import type { MacConflict } from './mac-conflicts.js';

/** Heartbeat intervals without a report after which a host is unreachable. */
export const MISSED_INTERVALS = 3;

export type FleetState = 'operational' | 'non-operational' | 'unreachable';

export interface HostView {
  host: string;
  state: FleetState;
  /** What the host said in its last report (an unreachable host's last word). */
  reportedState: string;
  reasons: HealthReason[];
  receivedAt: string;
  lastReportReason: string;
  intervalSeconds: number;
  nb: string;
  libvirt: string;
  version: string;
  peerings: { total: number; created: number; pending: number; errored: number; stale: boolean };
  nics: number;
  lastSequence: number;
  missed: number;
}

export function hostView(r: HostRecord, now: number): HostView {
  const s = r.report.status;
  const interval = r.report.intervalSeconds;
  const silentMs = now - Date.parse(r.receivedAt);
  const reasons: HealthReason[] = [];
  let state: FleetState = s.state;
  if (r.report.reason === 'shutdown') {
    state = 'unreachable';
    reasons.push({ code: 'agent-stopped', subject: 'hvnetd', message: 'hvnetd said it was stopping in its last report' });
  } else if (silentMs > MISSED_INTERVALS * interval * 1_000) {
    state = 'unreachable';
    reasons.push({
      code: 'no-reports',
      subject: 'reports',
      message: `no report for ${Math.round(silentMs / 1_000)} s (it reports at least every ${interval} s; unreachable after ${MISSED_INTERVALS * interval} s)`,
    });
  }
  reasons.push(...s.reasons);
  const p = s.peerings;
  return {
    host: r.host,
    state,
    reportedState: s.state,
    reasons,
    receivedAt: r.receivedAt,
    lastReportReason: r.report.reason,
    intervalSeconds: interval,
    nb: s.ovn.nb.state,
    libvirt: s.libvirt.state === 'not yet managed' || s.libvirt.state === 'none' ? 'not used' : s.libvirt.state,
    version: s.agent.version,
    peerings: { total: p.total, created: p.created, pending: p.pending, errored: p.errored, stale: r.peeringsStale },
    nics: s.nics.length,
    lastSequence: r.lastSequence,
    missed: r.missed,
  };
}

/**
 * Milliseconds from NOW until the next reachable host turns unreachable if it stays silent
 * (undefined: none can), so a page can look again right then instead of a refresh period later.
 */
export function msUntilNextUnreachable(hosts: readonly HostView[], now: number): number | undefined {
  let next: number | undefined;
  for (const h of hosts) {
    if (h.state === 'unreachable') continue;
    const ms = Math.max(0, Date.parse(h.receivedAt) + MISSED_INTERVALS * h.intervalSeconds * 1_000 - now);
    if (next === undefined || ms < next) next = ms;
  }
  return next;
}

export interface EndView {
  /** PROJECT/NETWORK */
  end: string;
  /** The peering's name on this end, when declared here. */
  name?: string;
  views: { host: string; status: PeeringSummary['status']; type: PeeringSummary['type'] }[];
}

export type PairStatus = 'Created' | 'Pending' | 'Errored' | 'one-sided' | 'disagree';

export interface PairView {
  key: string;
  status: PairStatus;
  a: EndView;
  b: EndView;
}

const PROBLEM_ORDER: Record<PairStatus, number> = { disagree: 0, Errored: 1, 'one-sided': 2, Pending: 3, Created: 4 };

/**
 * Each peering once: the declaration on A towards B and the one on B towards A are one pair. A
 * pair is Created when every view of both ends says so; one end undeclared is `one-sided`; views
 * that differ (between the ends, or between hosts on one end) are `disagree`.
 */
export function peeringPairs(records: readonly HostRecord[]): PairView[] {
  const pairs = new Map<string, PairView>();
  for (const r of records) {
    for (const p of r.report.peerings.items) {
      const from = `${p.project}/${p.network}`;
      const to = `${p.target_project}/${p.target_network}`;
      const [a, b] = from <= to ? [from, to] : [to, from];
      const key = `${a} ↔ ${b}`;
      let pair = pairs.get(key);
      if (!pair) pairs.set(key, (pair = { key, status: 'Created', a: { end: a, views: [] }, b: { end: b, views: [] } }));
      const end = from === a ? pair.a : pair.b;
      end.name ??= p.name;
      end.views.push({ host: r.host, status: p.status, type: p.type });
    }
  }
  const out = [...pairs.values()];
  for (const pair of out) {
    const statuses = new Set([...pair.a.views, ...pair.b.views].map((v) => v.status));
    if (pair.a.views.length === 0 || pair.b.views.length === 0) pair.status = statuses.has('Errored') ? 'Errored' : 'one-sided';
    else if (statuses.size > 1) pair.status = 'disagree';
    else pair.status = [...statuses][0] ?? 'Pending';
  }
  return out.sort((x, y) => PROBLEM_ORDER[x.status] - PROBLEM_ORDER[y.status] || x.key.localeCompare(y.key));
}

export interface NicView {
  host: string;
  domain: string;
  mac: string;
  kind: string;
  /** The host device (direct), the Linux bridge (bridge) or the OVN network, PROJECT/NETWORK (network). */
  source: string;
  /** A network NIC's addresses. */
  addresses: string[];
  mode: string;
  state: string;
  /** The MAC is on another host too (or twice on this one). */
  duplicate: boolean;
}

export function nicViews(records: readonly HostRecord[], conflicts: readonly MacConflict[]): NicView[] {
  const dup = new Set(conflicts.map((c) => c.mac));
  const out: NicView[] = [];
  for (const r of records) {
    for (const n of nicsOf(r)) {
      out.push({
        host: r.host,
        domain: n.vm,
        mac: n.mac,
        kind: n.kind ?? 'direct',
        source: n.network ?? n.link ?? '',
        addresses: n.addresses ?? [],
        mode: n.mode ?? '',
        state: n.state ?? '',
        duplicate: dup.has(n.mac.toLowerCase()) || n.duplicate === true,
      });
    }
  }
  return out.sort((x, y) => Number(y.duplicate) - Number(x.duplicate) || x.host.localeCompare(y.host) || x.domain.localeCompare(y.domain) || x.mac.localeCompare(y.mac));
}

export interface Fleet {
  now: string;
  hosts: HostView[];
  pairs: PairView[];
  nics: NicView[];
  macConflicts: MacConflict[];
}

export function fleet(records: readonly HostRecord[], now = Date.now()): Fleet {
  const conflicts = macConflicts(records);
  return { now: new Date(now).toISOString(), hosts: records.map((r) => hostView(r, now)), pairs: peeringPairs(records), nics: nicViews(records, conflicts), macConflicts: conflicts };
}

/** One page of a list: `page` counts from 1. */
export function pageOf<T>(items: readonly T[], page: number, size: number): { items: T[]; page: number; pages: number; total: number } {
  const pages = Math.max(1, Math.ceil(items.length / size));
  const p = Math.min(Math.max(1, page), pages);
  return { items: items.slice((p - 1) * size, p * size), page: p, pages, total: items.length };
}
