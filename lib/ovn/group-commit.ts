// Group commit: requests that arrive while this instance has its maximum of transactions in flight
// are planned together when one completes and sent as ONE transaction. Each NB transaction costs both ends far
// more than its operations do (framing, a reply, an update notification and a cache batch with all
// its listeners here; a commit, a log write and a round of monitor updates at the server), so a
// burst of requests costs about one transaction instead of one each. A request that arrives while
// fewer are in flight is sent alone, at once: nothing waits for company, and the NB and this
// process keep working side by side (one transaction at a time left the NB idle while hvnetd
// planned, and the other way round). Plans touching what a transaction in flight touches wait
// for it: the cache does not have its rows yet.
//
// Every guarantee of a request sent alone holds:
// - each request is planned by its own planner against the cache, and its plan keeps its guards:
//   plans join a transaction only when none of them writes what another reads or writes
//   (footprint.ts), so every guard still states what its own plan's decision rests on; a request
//   that clashes waits for the next transaction, after those before it, and is planned again;
// - bad input fails in its planner, before anything is sent, and fails that request alone;
// - if the combined transaction fails (a guard, or the server refusing an operation), no request
//   of it was applied, and each one carries on alone through applyPlan, re-planned from the cache,
//   so it gets its own exact outcome and one bad request never fails another; the request whose
//   guard failed counts the conflict (and pauses as after any failed guard);
// - if the outcome is unknown (connection lost after sending), every request of it is replayed as
//   applyPlan replays one: after the session is back, planned in `replay` mode, so one that did
//   commit finds the NB as requested and one that did not is sent again under the same guards.
// Writes that wait for ovn-northd (`wait`), take a lock or carry other operations are sent alone.
import { setTimeout as sleep } from 'node:timers/promises';
import { OutcomeUnknownError, WaitTimedOutError } from '../ovsdb/errors.js';
import { OvnConflictError, OvnOutcomeUnknownError } from './errors.js';
import type { Operation } from '../ovsdb/operations.js';
import { applyPlan, conflictPauseMs } from './apply.js';
import type { Applied, ApplyOptions, ApplyProgress, Planner, Transactor } from './apply.js';
import { clash, emptyFootprint, footprintOf, joinFootprint } from './footprint.js';
import type { Footprint } from './footprint.js';
import type { Plan } from './plan.js';
import type { NbView } from './state.js';

export interface GroupCommitOptions {
  /** Requests in one transaction at most (default 128). */
  maxRequests?: number;
  /** Operations in one transaction at most (default 4,096): a reply and an update stay a sane size. */
  maxOperations?: number;
  /**
   * Transactions in flight at once (default 4): below it a request goes at once, so the NB and
   * this process keep working side by side; at it, requests wait and are combined.
   */
  maxInFlight?: number;
}

interface Waiting {
  planner: Planner<unknown>;
  opts: ApplyOptions;
  resolve: (a: Applied<unknown>) => void;
  reject: (e: unknown) => void;
}

interface Member {
  w: Waiting;
  plan: Plan<unknown>;
  /** Index of the plan's first operation in the combined transaction. */
  from: number;
  fp: Footprint;
}

/** How many requests the combined transactions carried, for metrics and tests. */
export interface GroupCommitStats {
  transactions: number;
  requests: number;
  /** Combined transactions that failed and whose requests went on alone. */
  fallbacks: number;
}

export class GroupCommit {
  private readonly queue: Waiting[] = [];
  /** What the transactions in flight touch: a request clashing with one waits for it. */
  private readonly inFlight = new Set<Footprint>();
  private readonly maxInFlight: number;
  private readonly maxRequests: number;
  private readonly maxOperations: number;
  readonly stats: GroupCommitStats = { transactions: 0, requests: 0, fallbacks: 0 };

  constructor(
    private readonly client: Transactor,
    private readonly view: NbView,
    opts: GroupCommitOptions = {},
  ) {
    this.maxRequests = opts.maxRequests ?? 128;
    this.maxInFlight = opts.maxInFlight ?? 4;
    this.maxOperations = opts.maxOperations ?? 4_096;
  }

  /** As applyPlan, sharing a transaction with requests in flight at the same time when it can. */
  apply<R>(planner: Planner<R>, opts: ApplyOptions = {}): Promise<Applied<R>> {
    if ((opts.wait ?? 'none') !== 'none' || opts.lock !== undefined) return applyPlan(this.client, this.view, planner, opts);
    return new Promise<Applied<R>>((resolve, reject) => {
      this.queue.push({ planner, opts, resolve: resolve as (a: Applied<unknown>) => void, reject });
      // Others waiting means a transaction in flight will call next() when it completes: they are
      // not planned again on every arrival.
      if (this.queue.length === 1) this.next();
    });
  }

  /** Plans what waits, sends what fits in one transaction; the rest waits for the next. */
  private next(): void {
    if (this.inFlight.size >= this.maxInFlight || this.queue.length === 0) return;
    const members: Member[] = [];
    const taken: Footprint = emptyFootprint();
    const busy = this.inFlight.size > 0;
    // Planned from a cache that does not have the transactions in flight yet: what they touch waits.
    const meetsInFlight = (fp: Footprint): boolean => {
      for (const f of this.inFlight) if (clash(f, fp)) return true;
      return false;
    };
    const later: Waiting[] = [];
    let operations = 0;
    // Whether `taken` holds a plan that is not sent now (then what this transaction touches is made apart).
    let deferred = false;
    for (const w of this.queue.splice(0)) {
      if (members.length >= this.maxRequests || taken.alone) {
        later.push(w);
        continue;
      }
      let plan: Plan<unknown>;
      try {
        plan = w.planner(this.view, {});
      } catch (e) {
        w.reject(e);
        continue;
      }
      if (plan.operations.length === 0) {
        w.resolve({ ...plan, attempts: 0 });
        continue;
      }
      const fp = footprintOf(plan.operations);
      const fits =
        (members.length === 0 && !busy) || (!clash(taken, fp) && !(busy && meetsInFlight(fp)) && operations + plan.operations.length <= this.maxOperations);
      // What waits keeps its place: a later request touching the same rows does not pass it.
      joinFootprint(taken, fp);
      if (!fits) {
        deferred = true;
        later.push(w);
        continue;
      }
      members.push({ w, plan, from: operations, fp });
      operations += plan.operations.length;
    }
    this.queue.unshift(...later);
    if (members.length === 0) return;
    // What this transaction touches: its members' footprints and nothing of those that wait
    // (`taken` itself when no plan was left to wait).
    let mine = taken;
    if (deferred) {
      mine = emptyFootprint();
      for (const m of members) joinFootprint(mine, m.fp);
    }
    this.inFlight.add(mine);
    void this.send(members).finally(() => {
      this.inFlight.delete(mine);
      this.next();
    });
  }

  private async send(members: Member[]): Promise<void> {
    const ops: Operation[] = members.length === 1 ? (members[0] as Member).plan.operations : members.flatMap((m) => m.plan.operations);
    this.stats.transactions += 1;
    this.stats.requests += members.length;
    try {
      await this.client.transact(ops, requestsOf(members));
    } catch (e) {
      if (members.length === 1 && !(e instanceof WaitTimedOutError) && !(e instanceof OutcomeUnknownError)) {
        (members[0] as Member).w.reject(e);
        return;
      }
      this.stats.fallbacks += members.length > 1 ? 1 : 0;
      await Promise.all(members.map((m) => this.alone(m, e)));
      return;
    }
    for (const m of members) m.w.resolve({ ...m.plan, attempts: 1 });
  }

  /** A member of a failed transaction carries on alone, from where that transaction left it (as applyPlan would). */
  private async alone(m: Member, e: unknown): Promise<void> {
    const { w } = m;
    const context = w.opts.context ?? {};
    try {
      let from: ApplyProgress = { attempts: 1, conflicts: 0, unknown: 0, replay: false };
      if (e instanceof OutcomeUnknownError) {
        if ((w.opts.maxUnknown ?? 5) <= 1) throw new OvnOutcomeUnknownError(1, context, { cause: e });
        w.opts.onRetry?.('unknown', 1);
        // The cache is in sync again once the session is ready; then the replay.
        try {
          await this.client.session.ready();
        } catch (readyError) {
          throw new OvnOutcomeUnknownError(1, context, { cause: readyError });
        }
        from = { ...from, unknown: 1, replay: true };
      } else if (e instanceof WaitTimedOutError && e.opIndex >= m.from && e.opIndex < m.from + m.plan.operations.length) {
        // Its own guard failed: counted and paused like any failed guard.
        if ((w.opts.maxConflicts ?? 25) <= 1) throw new OvnConflictError(1, context, { cause: e });
        w.opts.onRetry?.('conflict', 1);
        from = { ...from, conflicts: 1 };
        await sleep(conflictPauseMs(1));
      }
      w.resolve(await applyPlan(this.client, this.view, w.planner, w.opts, from));
    } catch (err) {
      w.reject(err);
    }
  }
}

/** The requests a transaction carries (those that said who asked), for the transactor's logs. */
function requestsOf(members: readonly Member[]): object[] | undefined {
  let out: object[] | undefined;
  for (const m of members) if (m.w.opts.request) (out ??= []).push(m.w.opts.request);
  return out;
}
