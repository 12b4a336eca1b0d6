// The networks service: lib/ovn's OvnNetworks on the daemon's one NB connection, reading its
// monitored cache (NetworksService.nbNeeds are the tables it needs) and writing through the
// connection's one transaction path. Every hvnetd on an NB serves the same state (it all lives in
// the NB); drift is repaired by whichever of them holds the OVSDB lock `hvnet_reconcile`, on
// start and after NB changes, and each repair is kept as an event for the status.
//
// Start: the server's schema is checked over a short probe connection while hvnetd waits for the
// NB (a monitor naming a column the server lacks would only be refused, again and again); a
// missing table or column makes hvnetd refuse to start (exit 78, HVNET_OVN_SCHEMA_MISSING) with a
// message naming it. An NB that does not answer within ovn.nb.readyTimeoutSeconds is not checked.
import { EventEmitter } from 'node:events';
import { OvsdbClient } from '../../../../lib/ovsdb/client.js';
import { ovnNorthboundSchema } from '../../../../lib/ovn/schema/ovn-nb.generated.js';
import { NB_TABLES, checkServerSchema } from '../../../../lib/ovn/schema-check.js';
import { OvnNetworks } from '../../../../lib/ovn/networks.js';
import { findNetwork } from '../../../../lib/ovn/network-plan.js';
import { PeeringIndex } from '../../../../lib/ovn/peering-index.js';
import type { PeeringInfo } from '../../../../lib/ovn/peering-plan.js';
import { applyPlan } from '../../../../lib/ovn/apply.js';
import type { Planner } from '../../../../lib/ovn/apply.js';
import type { OvnErrorContext } from '../../../../lib/ovn/errors.js';
import type { RowChange } from '../../../../lib/ovn/plan.js';
import { HvnetError } from '../../../api/errors.js';
import { MAX_PROBLEM_PEERINGS } from '../../../api/status.js';
import type { HostEvent, PeeringCounts, PeeringSummary } from '../../../api/status.js';
import type { Config } from '../../../config/schema.js';
import type { Logger } from '../../../logger.js';
import type { MonitorNeeds, NbConnection } from '../../ovn-nb.js';
import { fromOvnError } from './errors.js';
import { peeringSummary } from './documents.js';

/** Events kept for `hvnet status` and the reports. */
const MAX_EVENTS = 20;
/** Repaired rows named in one log line; the rest are counted. */
const LOGGED_REPAIRS = 20;
/** The peering summary of the status follows NB changes after this quiet time, at most this late. */
const SUMMARY_QUIET_MS = 100;
const SUMMARY_MAX_DELAY_MS = 1_000;
/**
 * The longest the status refresh holds the event loop at a time: a burst of thousands of changed
 * peerings (one NB transaction) is refreshed in slices of this, the rest after the I/O waiting
 * in between. A handful of changes is one slice, with no extra timer.
 */
const SUMMARY_SLICE_MS = 20;
const CLOSE_GRACE_MS = 2_000;

interface NetworksServiceEvents {
  /** The drift events or the peering summary changed. */
  changed: [];
  /** A request failed: the error its caller gets (for the metrics). */
  failed: [HvnetError];
}

export class NetworksService extends EventEmitter<NetworksServiceEvents> {
  /** The NB tables and columns the service reads from the daemon's cache. */
  static readonly nbNeeds: MonitorNeeds = NB_TABLES;

  readonly ovn: OvnNetworks;
  /** The peerings of the status, updated from NB changes peering by peering. */
  private readonly index: PeeringIndex;
  private readonly eventList: HostEvent[] = [];
  private started: Promise<void> | undefined;
  private everSynced = false;
  private closed = false;

  constructor(
    private readonly nb: NbConnection,
    private readonly log: Logger,
  ) {
    super();
    // Group commit: a burst of requests costs the NB and this daemon about one transaction.
    this.ovn = new OvnNetworks(nb.client, { checkSchema: false, reconcile: { debounceMs: 100 }, transact: (ops, requests) => nb.transact(ops, requests), groupCommit: true });
    this.ovn.on('repaired', (changes) => this.onRepaired(changes));
    this.ovn.on('error', (e) => log.warn({ err: e.message }, 'drift repair failed; retried on the next NB change'));
    this.index = new PeeringIndex(this.ovn.view);
    nb.on('state', (s) => {
      if (s.state !== 'connected' || this.closed) return;
      this.everSynced = true;
      this.index.invalidate();
      this.scheduleSummary();
      // Once: NB_Global made if missing, then the reconciler (its lock follows reconnects by itself).
      this.started ??= this.ovn.start().catch((e: unknown) => {
        this.started = undefined;
        log.error({ err: (e as Error).message }, 'networks: start failed; retried on the next NB connection');
      });
    });
    nb.cache.on('batch', (events) => {
      if (!events.some((e) => e.table.startsWith('Logical_Router'))) return;
      this.index.note(events);
      this.scheduleSummary();
    });
  }

  /** Drift repairs seen, newest last (at most MAX_EVENTS). */
  get events(): readonly HostEvent[] {
    return this.eventList;
  }

  /** Every network's peerings, as of the last quiet moment of the NB. */
  get summary(): PeeringSummary[] {
    // Made when asked for (the reports), not on each change: the list has every peering of the
    // NB, so making it per NB change cost each write of a hub as much as all its peerings.
    if (this.summaryValue?.version !== this.index.version) {
      const list = this.index.list().map((p) => this.summaryOf(p));
      this.summaryValue = { version: this.index.version, list };
    }
    return this.summaryValue.list;
  }

  /** Bumped whenever `summary` would give another list: what tells a change without making it. */
  get summaryVersion(): number {
    return this.index.version;
  }

  /** The status's peerings: counts and the first problems, from the index's tallies, not from the list. */
  get counts(): PeeringCounts {
    if (this.countsValue?.version !== this.index.version) {
      const c = this.index.counts();
      const problems = this.index.problems(MAX_PROBLEM_PEERINGS).map((p) => this.summaryOf(p));
      this.countsValue = { version: this.index.version, counts: { ...c, problems } };
    }
    return this.countsValue.counts;
  }

  /**
   * The counts as of now (the index brought up to date with the cache first), for /metrics. While
   * a refresh in slices is under way, as it has got (each peering before or after): a scrape must
   * not do the rest of a burst's refresh in one block.
   */
  currentCounts(): PeeringCounts {
    if (this.everSynced && this.summarySlice === undefined) this.syncIndex();
    return this.counts;
  }

  private summaryOf(p: PeeringInfo): PeeringSummary {
    let s = this.summaries.get(p);
    if (!s) this.summaries.set(p, (s = peeringSummary(p)));
    return s;
  }

  /**
   * A network's peerings (what OvnNetworks.listPeerings gives) from the index the status keeps
   * current anyway, brought up to date with the cache first: checking each of a hub's thousands
   * of peerings again on every call cost more than the call's budget.
   */
  listPeerings(ref: { project?: string; network: string }): readonly PeeringInfo[] {
    const a = findNetwork(this.readable().view, { project: ref.project, name: ref.network });
    this.syncIndex();
    return this.index.peeringsOf(a.id);
  }

  /** Refuses a server whose NB schema lacks what lib/ovn needs; says nothing when the NB does not answer. */
  static async checkSchemaAtStart(c: Config, log: Logger): Promise<void> {
    const nb = c.ovn.nb;
    const probe = new OvsdbClient({
      schema: ovnNorthboundSchema,
      remotes: nb.remotes,
      ...(nb.ssl ? { ssl: nb.ssl } : {}),
      inactivityProbeMs: nb.inactivityProbeMs,
      connectTimeoutMs: nb.connectTimeoutMs,
      backoff: { initialMs: 100, maxMs: 2_000 },
    });
    try {
      try {
        await probe.session.start().ready(nb.readyTimeoutSeconds * 1_000);
      } catch {
        log.warn('OVN NB did not answer at start: its schema was not checked');
        return;
      }
      await checkServerSchema(probe);
    } catch (e) {
      throw fromOvnError(e);
    } finally {
      probe.close();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.summaryTimer);
    clearImmediate(this.summarySlice);
    // Bounded: a repair or lock request waiting for a lost NB must not hold up SIGTERM (the
    // daemon closes the NB session right after, which ends them).
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.ovn.close().catch(() => undefined),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, CLOSE_GRACE_MS);
      }),
    ]);
    clearTimeout(timer);
  }

  /** A request's failure as its caller gets it (lib/ovn's errors become the daemon's), told to the listeners. */
  failure(e: unknown): HvnetError {
    const err = fromOvnError(e);
    this.emit('failed', err);
    return err;
  }

  /** Reads need a cache that was in sync once; writes need the NB now. */
  readable(): OvnNetworks {
    if (!this.everSynced) throw new HvnetError('HVNET_OVN_UNAVAILABLE', 'the OVN NB has not been reached yet: no networks to show');
    return this.ovn;
  }

  writable(): OvnNetworks {
    // Checked on every write: the status (with its timestamps) is made only to say why not.
    if (this.nb.connected) return this.ovn;
    const nb = this.nb.status();
    if (nb.state !== 'connected') throw new HvnetError('HVNET_OVN_UNAVAILABLE', `OVN NB is ${nb.state}${nb.lastError ? `: ${nb.lastError}` : ''}; nothing was changed`);
    return this.ovn;
  }

  /**
   * A write another feature planned (the NIC feature's VM ports, lib/ovn/vm-ports.ts), applied like
   * every NB write: guarded, re-planned from the refreshed cache when a guard fails, through the
   * connection's one transaction path. Errors as the networks' own.
   */
  async applyPlanned<R>(planner: Planner<R>, context: OvnErrorContext): Promise<R> {
    this.writable();
    try {
      return (await applyPlan({ transact: (ops) => this.nb.transact(ops), session: this.nb.client.session }, this.ovn.view, planner, { context })).result;
    } catch (e) {
      throw this.failure(e);
    }
  }

  private onRepaired(changes: RowChange[]): void {
    const at = new Date().toISOString();
    // Only the last MAX_EVENTS are kept: a burst's repair (thousands of rows) adds just those.
    for (const c of changes.slice(-MAX_EVENTS)) {
      const side = `${c.network.project ?? '?'}/${c.network.name ?? c.network.id}`;
      const remote = `${c.remote.project ?? '?'}/${c.remote.name ?? c.remote.id}`;
      this.eventList.push({ at, code: 'drift-repaired', subject: side, message: `${c.action} ${c.table} ${c.what} (peering towards ${remote})` });
    }
    this.eventList.splice(0, Math.max(0, this.eventList.length - MAX_EVENTS));
    // One line per repair, of a size an operator can read: a burst's repair names its first rows and counts them all.
    const named = changes.slice(0, LOGGED_REPAIRS).map((c) => `${c.action} ${c.table} ${c.what}`);
    this.log.warn({ count: changes.length, changes: named, ...(changes.length > named.length ? { more: changes.length - named.length } : {}) }, 'OVN drift repaired');
    this.emit('changed');
  }

  /**
   * The status is re-evaluated on every NB cache batch; the peering summary (every network's
   * peerings) follows after a quiet moment (bounded), so a burst of thousands of writes costs
   * one refresh, and a refresh recomputes only the peerings the NB changes can have touched, in
   * slices of SUMMARY_SLICE_MS (a status read in between sees each peering before or after).
   */
  /** Made again from the index when asked for after it changed. */
  private summaryValue: { version: number; list: PeeringSummary[] } | undefined;
  private countsValue: { version: number; counts: PeeringCounts } | undefined;
  /** The index keeps a peering's info object until it changes: its summary is made once. */
  private readonly summaries = new WeakMap<PeeringInfo, PeeringSummary>();
  private summaryTimer: NodeJS.Timeout | undefined;
  private summaryDue = 0;

  /** When the NB last changed: the armed timer re-arms itself until it has been quiet long enough. */
  private summaryLastChange = 0;

  private scheduleSummary(): void {
    const now = Date.now();
    this.summaryLastChange = now;
    // One timer per burst, not one per NB batch: at thousands of writes a second, re-arming a
    // timer on each cost more than the summary.
    if (this.summaryTimer !== undefined) return;
    this.summaryDue = now + SUMMARY_MAX_DELAY_MS;
    this.armSummary(Math.min(SUMMARY_QUIET_MS, SUMMARY_MAX_DELAY_MS));
  }

  private armSummary(ms: number): void {
    this.summaryTimer = setTimeout(() => {
      const now = Date.now();
      const quietAt = this.summaryLastChange + SUMMARY_QUIET_MS;
      if (quietAt > now && this.summaryDue > now) this.armSummary(Math.min(quietAt, this.summaryDue) - now);
      else this.refreshSummary();
    }, Math.max(0, ms));
    this.summaryTimer.unref();
  }

  private refreshSummary(): void {
    this.summaryTimer = undefined;
    // A refresh in slices under way picks up what was noted since by itself.
    if (this.closed || !this.everSynced || this.summarySlice !== undefined) return;
    this.refreshSlice();
  }

  /** A refresh in slices changed a peering: told once, when it is done. */
  private sliceChanged = false;
  private summarySlice: NodeJS.Immediate | undefined;

  private refreshSlice(): void {
    this.summarySlice = undefined;
    if (this.closed) return;
    if (this.index.update({ maxMs: SUMMARY_SLICE_MS })) this.sliceChanged = true;
    if (this.index.pending) {
      this.summarySlice = setImmediate(() => this.refreshSlice());
      return;
    }
    if (!this.sliceChanged) return;
    this.sliceChanged = false;
    this.emit('changed');
  }

  /** The index up to date now, whole (a read that must see the NB as it is). */
  private syncIndex(): void {
    const changed = this.index.update() || this.sliceChanged;
    this.sliceChanged = false;
    if (changed) this.emit('changed');
  }
}
