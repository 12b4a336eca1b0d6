// What every planner returns, and the two helpers they share: the model (the cache as the
// transaction will leave it, as far as networks and declarations go) and the transaction builder
// (guards first, deduplicated; then the writes).
import type { Operation } from '../ovsdb/operations.js';
import { routerUnchanged, networkAbsent } from './guards.js';
import type { NbView, Network, RouterRow } from './state.js';

/** One peer row the transaction creates, corrects or removes (for reports and dry runs). */
export interface RowChange {
  action: 'insert' | 'update' | 'delete';
  table: 'Logical_Router_Port' | 'Logical_Router_Static_Route';
  /** Port name, or route prefix and nexthop. */
  what: string;
  /** The router's network, and the network the row leads to (ids; names when known). */
  network: { id: number; project?: string; name?: string };
  remote: { id: number; project?: string; name?: string };
}

export interface Plan<R> {
  /** The transaction, guards first. Empty: the NB already is as requested. */
  operations: Operation[];
  /** What the request returns once the transaction commits. */
  result: R;
  /** Peer rows the transaction inserts, updates or deletes. */
  changes: RowChange[];
}

export interface PlanOptions {
  /**
   * Set by the applier after an OutcomeUnknownError: an earlier attempt may have committed, so
   * finding the NB already as requested (the same declaration, the same network) is success,
   * not "already exists"; a deletion that finds nothing is success too.
   */
  replay?: boolean;
}

/** The networks as the transaction leaves them: the cache plus the plan's own changes. */
export class PlanModel {
  private readonly overrides = new Map<number, Network | null>();
  /**
   * Answers about two networks computed against this model, kept until the model changes. A
   * model lives within one synchronous pass over the cache (a plan, a status update), so the
   * cache cannot change under it; the status asks the same of both sides of a peering.
   */
  private pairAnswers = new WeakMap<Network, WeakMap<Network, boolean>>();

  constructor(readonly view: NbView) {}

  /** `compute()`'s answer about networks a and b, computed once per model state. */
  pairAnswer(a: Network, b: Network, compute: () => boolean): boolean {
    let byB = this.pairAnswers.get(a);
    const known = byB?.get(b);
    if (known !== undefined) return known;
    const answer = compute();
    if (!byB) this.pairAnswers.set(a, (byB = new WeakMap()));
    byB.set(b, answer);
    return answer;
  }

  network(project: string, name: string): Network | undefined {
    for (const n of this.overrides.values()) if (n && n.project === project && n.name === name) return n;
    const n = this.view.network(project, name);
    return n && this.overrides.has(n.id) ? undefined : n;
  }

  networkById(id: number): Network | undefined {
    return this.overrides.has(id) ? (this.overrides.get(id) ?? undefined) : this.view.networkById(id);
  }

  put(n: Network): void {
    this.overrides.set(n.id, n);
    this.pairAnswers = new WeakMap();
  }

  remove(id: number): void {
    this.overrides.set(id, null);
    this.pairAnswers = new WeakMap();
  }

  isRemoved(id: number): boolean {
    return this.overrides.has(id) && this.overrides.get(id) === null;
  }
}

export class TxnBuilder {
  private readonly guards = new Map<string, Operation>();
  private readonly writes: Operation[] = [];
  readonly changes: RowChange[] = [];

  /** The router must be as read; the router row of the cache, whatever the model changed. */
  guardRouter(row: RouterRow | undefined): void {
    if (row && !this.guards.has(`lr:${row._uuid}`)) this.guards.set(`lr:${row._uuid}`, routerUnchanged(row));
  }

  guardAbsent(project: string, network: string): void {
    const key = `absent:${project}/${network}`;
    if (!this.guards.has(key)) this.guards.set(key, networkAbsent(project, network));
  }

  guard(key: string, op: Operation): void {
    if (!this.guards.has(key)) this.guards.set(key, op);
  }

  write(...ops: Operation[]): void {
    this.writes.push(...ops);
  }

  get hasWrites(): boolean {
    return this.writes.length > 0;
  }

  /** Guards only make sense with writes; a plan that writes nothing sends nothing. */
  operations(): Operation[] {
    return this.writes.length === 0 ? [] : [...this.guards.values(), ...this.writes];
  }
}
