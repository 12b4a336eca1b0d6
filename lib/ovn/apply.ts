// The thin I/O around the planners: plan from the cache, send, and on failure re-plan — never
// resend an old plan.
//
// - WaitTimedOutError: a guard failed, another writer changed what the plan read. Nothing was
//   applied. Pause a little (jittered, growing, so competing hvnetd fall out of step), then
//   re-plan from the cache, which by then holds the other writer's change (should the update
//   still be on its way, the re-plan only repeats the failed guard, and the next pause absorbs
//   it). Bounded: OvnConflictError.
// - OutcomeUnknownError: the connection dropped after sending. Wait for the session to reconnect
//   (the monitor resyncs the cache before the session reports ready), then re-plan in `replay`
//   mode: if the first attempt committed, the planner finds the NB as requested and returns no
//   operations; if not, the same guards make the new attempt safe. Bounded: OvnOutcomeUnknownError.
import { setTimeout as sleep } from 'node:timers/promises';
import type { OvsdbClient } from '../ovsdb/client.js';
import { assertLock, mutation, where } from '../ovsdb/operations.js';
import type { Operation } from '../ovsdb/operations.js';
import { OutcomeUnknownError, WaitTimedOutError } from '../ovsdb/errors.js';
import { uuid } from '../ovsdb/values.js';
import { nb } from './nb-operations.js';
import { OvnConflictError, OvnOutcomeUnknownError, WaitTimeoutError } from './errors.js';
import type { OvnErrorContext } from './errors.js';
import type { Plan, PlanOptions } from './plan.js';
import type { NbView } from './state.js';

/** `sb`: return once ovn-northd has processed the change (as `ovn-nbctl --wait=sb`); `hv`: once every chassis has. */
export type WaitFor = 'none' | 'sb' | 'hv';

export interface ApplyOptions {
  wait?: WaitFor;
  /** Default 30 s. */
  waitTimeoutMs?: number;
  /** Attempts whose guards failed before OvnConflictError (default 25). */
  maxConflicts?: number;
  /** Attempts with an unknown outcome before OvnOutcomeUnknownError (default 5). */
  maxUnknown?: number;
  /** Make the transaction conditional on holding this OVSDB lock (the reconciler's). */
  lock?: string;
  /** What the request is about, for the errors. */
  context?: OvnErrorContext;
  /** Who asked, opaque here: handed to the transactor with the operations, so its logs can name the request. */
  request?: object;
  /** Told before each retry: `conflict` (a guard failed) or `unknown` (connection lost). For metrics and tests. */
  onRetry?: (kind: 'conflict' | 'unknown', attempt: number) => void;
}

export interface Applied<R> extends Plan<R> {
  /** Transactions sent (0: the NB already was as requested). */
  attempts: number;
  /** With `wait`: the nb_cfg the change was tagged with. */
  nbCfg?: number;
}

export type Planner<R> = (view: NbView, opts: PlanOptions) => Plan<R>;

/**
 * Sends one transaction: the client's own `transact`, or a caller's wrapper around it. `requests`:
 * the `request` of each write the transaction carries (several when combined), for the wrapper's logs.
 */
export type Transact = (operations: readonly Operation[], requests?: readonly object[]) => ReturnType<OvsdbClient['transact']>;

/** What the applier needs of an OvsdbClient (tests pass a stand-in). */
export interface Transactor {
  transact: Transact;
  session: { ready(): Promise<void> };
}

/**
 * How far a request got before it reached this applier: a request whose combined transaction
 * (group-commit.ts) failed carries on from there, its earlier attempt counted.
 */
export interface ApplyProgress {
  attempts: number;
  conflicts: number;
  unknown: number;
  replay: boolean;
}

export async function applyPlan<R>(client: Transactor, view: NbView, planner: Planner<R>, opts: ApplyOptions = {}, from?: ApplyProgress): Promise<Applied<R>> {
  const maxConflicts = opts.maxConflicts ?? 25;
  const maxUnknown = opts.maxUnknown ?? 5;
  const waitFor = opts.wait ?? 'none';
  let conflicts = from?.conflicts ?? 0;
  let unknown = from?.unknown ?? 0;
  let attempts = from?.attempts ?? 0;
  let replay = from?.replay ?? false;
  for (;;) {
    const plan = planner(view, { replay });
    if (plan.operations.length === 0) return { ...plan, attempts };
    const ops: Operation[] = [...(opts.lock ? [assertLock(opts.lock)] : []), ...plan.operations];
    const global = waitFor === 'none' ? undefined : view.nbGlobal();
    let cfgIndex = -1;
    if (global) {
      // As ovn-nbctl --wait does: bump nb_cfg in the same transaction and read the new value back.
      const at = [where('_uuid', '==', uuid(global._uuid))];
      ops.push(nb.mutate('NB_Global', at, [mutation('nb_cfg', '+=', 1)]));
      cfgIndex = ops.length;
      ops.push(nb.select('NB_Global', at, ['nb_cfg']));
    }
    attempts += 1;
    try {
      const { results } = await client.transact(ops, opts.request ? [opts.request] : undefined);
      let nbCfg: number | undefined;
      const r = cfgIndex >= 0 ? results[cfgIndex] : undefined;
      if (r?.op === 'select' && typeof r.rows[0]?.nb_cfg === 'number') nbCfg = r.rows[0].nb_cfg;
      if (nbCfg !== undefined && waitFor !== 'none') await waitForCfg(view, waitFor, nbCfg, opts.waitTimeoutMs ?? 30_000);
      return nbCfg === undefined ? { ...plan, attempts } : { ...plan, attempts, nbCfg };
    } catch (e) {
      if (e instanceof WaitTimedOutError) {
        conflicts += 1;
        if (conflicts >= maxConflicts) throw new OvnConflictError(attempts, opts.context ?? {}, { cause: e });
        opts.onRetry?.('conflict', attempts);
        await sleep(conflictPauseMs(conflicts));
        continue;
      }
      if (e instanceof OutcomeUnknownError) {
        unknown += 1;
        if (unknown >= maxUnknown) throw new OvnOutcomeUnknownError(attempts, opts.context ?? {}, { cause: e });
        replay = true;
        opts.onRetry?.('unknown', attempts);
        try {
          await client.session.ready();
        } catch (readyError) {
          throw new OvnOutcomeUnknownError(attempts, opts.context ?? {}, { cause: readyError });
        }
        continue;
      }
      throw e;
    }
  }
}

/** The pause before re-planning after the `conflicts`th failed guard: jittered, growing, bounded. */
export function conflictPauseMs(conflicts: number): number {
  return Math.random() * Math.min(250, 4 * 2 ** Math.min(conflicts, 6));
}

/** Resolves when NB_Global's sb_cfg (or hv_cfg) in the cache reaches `nbCfg`. */
export function waitForCfg(view: NbView, what: 'sb' | 'hv', nbCfg: number, timeoutMs: number): Promise<void> {
  const reached = (): boolean => {
    const g = view.nbGlobal();
    return g !== undefined && (what === 'sb' ? g.sb_cfg : g.hv_cfg) >= nbCfg;
  };
  if (reached()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onBatch = (): void => {
      if (!reached()) return;
      cleanup();
      resolve();
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new WaitTimeoutError(what, nbCfg, timeoutMs));
    }, timeoutMs);
    const cleanup = (): void => {
      clearTimeout(timer);
      view.cache.off('batch', onBatch);
    };
    view.cache.on('batch', onBatch);
  });
}
