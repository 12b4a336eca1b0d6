// Drift repair: the peer rows of every network are recomputed from the declarations and made to
// match (a peer port or route deleted or edited by hand comes back; rows of peerings whose target
// vanished go). Runs on start and, debounced, after NB changes seen in the cache.
//
// Several hvnetd share one NB: only the holder of the OVSDB lock `hvnet_reconcile` repairs, and
// its transactions `assert` the lock, so a holder that lost the lock mid-flight cannot write.
// The guards of peer-rows.ts still apply, so a repair that races an API request re-plans rather
// than overwriting it.
import { EventEmitter } from 'node:events';
import type { OvsdbClient } from '../ovsdb/client.js';
import type { CacheEvent } from '../ovsdb/cache.js';
import { NotOwnerError } from '../ovsdb/errors.js';
import { OvsdbLock } from '../ovsdb/lock.js';
import { applyPlan } from './apply.js';
import type { Transactor } from './apply.js';
import { convergePeerRows } from './peer-rows.js';
import { PlanModel, TxnBuilder } from './plan.js';
import type { Plan, RowChange } from './plan.js';
import { EXT, parseId } from './ids.js';
import { declarationTarget } from './state.js';
import type { NbView, Network } from './state.js';

export const RECONCILE_LOCK = 'hvnet_reconcile';

/**
 * Every repair the NB needs now (pure); with `only`, the repairs of those networks' peer rows
 * (the ones an NB change can have put out of step, see networksTouched).
 */
export function planReconcile(view: NbView, only?: ReadonlySet<number>): Plan<RowChange[]> {
  const tx = new TxnBuilder();
  let networks: Network[];
  if (only === undefined) networks = view.networks();
  else {
    networks = [];
    for (const id of only) {
      const n = view.networkById(id);
      if (n) networks.push(n);
    }
  }
  convergePeerRows(tx, view, new PlanModel(view), networks);
  return { operations: tx.operations(), result: tx.changes, changes: tx.changes };
}

/**
 * The networks whose peer rows an NB batch can have put out of step, or `all`. A network's
 * desired rows depend on its own declarations and settings and on its targets' declarations
 * and settings; its actual rows are tagged with its id. So: the router that changed, and the
 * targets of the declarations that changed on it; the owner of a tagged port or route that
 * changed. A router created or deleted, or a network's settings changed, can matter to any
 * network (rows towards it, declarations waiting for it): everything. Switches hold no peer rows.
 */
export function networksTouched(view: NbView, events: readonly CacheEvent[]): Set<number> | 'all' {
  const out = new Set<number>();
  const owner = (ext: Record<string, string> | undefined): void => {
    const id = parseId(ext?.[EXT.id]);
    if (id !== undefined) out.add(id);
  };
  const extOf = (r: unknown): Record<string, string> | undefined => (r as { external_ids?: Record<string, string> } | undefined)?.external_ids;
  for (const e of events) {
    if (e.table === 'Logical_Router') {
      if (e.kind !== 'update') return 'all';
      const now = extOf(e.row) ?? {};
      const before = extOf(e.old) ?? {};
      owner(now);
      owner(before);
      const project = now[EXT.project];
      for (const k of new Set([...Object.keys(now), ...Object.keys(before)])) {
        if (now[k] === before[k]) continue;
        if (!k.startsWith(EXT.peeringPrefix) || project === undefined || before[EXT.project] !== project) return 'all';
        for (const text of [now[k], before[k]]) {
          const target = declarationTarget(text, project);
          const id = target && view.network(target.project, target.network)?.id;
          if (id !== undefined) out.add(id);
        }
      }
    } else if (e.table === 'Logical_Router_Port' || e.table === 'Logical_Router_Static_Route') {
      if (e.kind !== 'insert') owner(extOf(e.old));
      if (e.kind !== 'delete') owner(extOf(e.row));
    }
  }
  return out;
}

export interface ReconcilerOptions {
  /** Quiet time after an NB change before repairing (default 100 ms). */
  debounceMs?: number;
  lockName?: string;
  /** Sends the repairs (default: the client's `transact`). */
  transact?: OvsdbClient['transact'];
}

interface ReconcilerEvents {
  repaired: [RowChange[]];
  error: [Error];
  /** The lock was granted (this instance is now the one that repairs) or lost. */
  active: [boolean];
}

export class Reconciler extends EventEmitter<ReconcilerEvents> {
  private readonly lock: OvsdbLock;
  private readonly debounceMs: number;
  private readonly transactor: Transactor;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  /** What the next repair looks at: the networks NB changes touched since the last one, or all. */
  private dirty: Set<number> | 'all' = 'all';
  private readonly onBatch = (events: CacheEvent[]): void => {
    const touched = networksTouched(this.view, events);
    if (touched === 'all') this.dirty = 'all';
    else if (touched.size === 0) return;
    else if (this.dirty !== 'all') for (const id of touched) this.dirty.add(id);
    this.schedule();
  };

  constructor(
    client: OvsdbClient,
    private readonly view: NbView,
    opts: ReconcilerOptions = {},
  ) {
    super();
    this.debounceMs = opts.debounceMs ?? 100;
    this.transactor = { transact: opts.transact ?? ((ops) => client.transact(ops)), session: client.session };
    this.lock = new OvsdbLock(client.session, opts.lockName ?? RECONCILE_LOCK);
    this.lock.on('acquired', () => {
      // Whatever happened while another instance held the lock is not in `dirty`.
      this.dirty = 'all';
      this.emit('active', true);
      this.schedule(0);
    });
    this.lock.on('lost', () => this.emit('active', false));
  }

  get active(): boolean {
    return this.lock.held;
  }

  async start(): Promise<void> {
    this.view.cache.on('batch', this.onBatch);
    await this.lock.acquire();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.view.cache.off('batch', this.onBatch);
    await this.running;
    await this.lock.release().catch(() => undefined);
  }

  private schedule(delay = this.debounceMs): void {
    if (this.stopped || !this.lock.held) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.kick(), delay);
  }

  private async kick(): Promise<void> {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.runOnce()
      .then(() => undefined)
      .catch((e: unknown) => {
        if (!(e instanceof NotOwnerError)) this.emit('error', e instanceof Error ? e : new Error(String(e)));
      })
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.schedule();
        }
      });
    await this.running;
  }

  /**
   * Repairs now (whoever holds the lock); resolves with what was repaired. Only the networks NB
   * changes touched since the last repair are looked at (all of them the first time, after the
   * lock changed hands and after a failed repair): a full pass per NB change cost every peering
   * of the NB on each write.
   */
  async runOnce(): Promise<RowChange[]> {
    if (this.stopped) return [];
    const only = this.dirty === 'all' ? undefined : this.dirty;
    this.dirty = new Set();
    try {
      const applied = await applyPlan(this.transactor, this.view, (v) => planReconcile(v, only), this.lock.held ? { lock: this.lock.name } : {});
      if (applied.attempts > 0 && applied.changes.length > 0) this.emit('repaired', applied.changes);
      return applied.attempts > 0 ? applied.changes : [];
    } catch (e) {
      this.dirty = 'all';
      throw e;
    }
  }
}
