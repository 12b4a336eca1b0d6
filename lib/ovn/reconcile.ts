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
import type { NbView } from './state.js';

export const RECONCILE_LOCK = 'hvnet_reconcile';

const WATCHED = new Set(['Logical_Router', 'Logical_Router_Port', 'Logical_Router_Static_Route', 'Logical_Switch', 'Logical_Switch_Port']);

/** Every repair the NB needs now (pure). */
export function planReconcile(view: NbView): Plan<RowChange[]> {
  const tx = new TxnBuilder();
  convergePeerRows(tx, view, new PlanModel(view), view.networks());
  return { operations: tx.operations(), result: tx.changes, changes: tx.changes };
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
  private readonly onBatch = (events: CacheEvent[]): void => {
    if (events.some((e) => WATCHED.has(e.table))) this.schedule();
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

  /** Repairs now (whoever holds the lock); resolves with what was repaired. */
  async runOnce(): Promise<RowChange[]> {
    if (this.stopped) return [];
    const applied = await applyPlan(this.transactor, this.view, (v) => planReconcile(v), this.lock.held ? { lock: this.lock.name } : {});
    if (applied.attempts > 0 && applied.changes.length > 0) this.emit('repaired', applied.changes);
    return applied.attempts > 0 ? applied.changes : [];
  }
}
