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
import { declarationTarget, extChange } from './state.js';
import type { NbView, Network } from './state.js';
import { sliceDeadline, turnSpent } from '../event-loop/turn-budget.js';

export const RECONCILE_LOCK = 'hvnet_reconcile';

/** Networks, each with the networks towards which its peer rows are to be looked at. */
export type Touched = Map<number, Set<number>>;

/** Work left for a repair in slices: networks with the remotes to look at (undefined: all of them). */
type Work = Map<number, Set<number> | undefined>;

/**
 * The pairs (network, remote) planned and sent in one transaction at most, by default. A burst of
 * thousands of peerings in one NB transaction touches each hub/spoke pair both ways; planned and
 * sent as one transaction, its plan and encoding held the event loop for hundreds of ms. At this
 * size a slice plans and sends in a few ms; a handful of changes is one slice, as before.
 */
export const RECONCILE_SLICE_PAIRS = 500;

/** A batch's facts read for their pairs at a time (a few ms), and the longest run of reading (ms). */
const DIGEST_FACTS = 1_000;
const DIGEST_SLICE_MS = 20;

/**
 * Takes up to `max` pairs out of `work`: whole networks while they fit, the next one's remotes
 * split. A network to look at towards all its remotes counts as one pair per declaration.
 */
export function takeSlice(view: NbView, work: Work, max: number): Work {
  const slice: Work = new Map();
  let size = 0;
  for (const [id, remotes] of work) {
    if (size >= max) break;
    if (remotes === undefined) {
      slice.set(id, undefined);
      work.delete(id);
      size += 1 + (view.networkById(id)?.declarations.size ?? 0);
      continue;
    }
    if (size + remotes.size <= max) {
      slice.set(id, remotes);
      work.delete(id);
      size += remotes.size;
      continue;
    }
    const part = new Set<number>();
    for (const r of remotes) {
      if (size >= max) break;
      part.add(r);
      remotes.delete(r);
      size += 1;
    }
    slice.set(id, part);
  }
  return slice;
}

/**
 * Every repair the NB needs now (pure); with `only`, the repairs of those networks' peer rows
 * towards those networks (the ones an NB change can have put out of step, see networksTouched).
 */
export function planReconcile(view: NbView, only?: ReadonlyMap<number, ReadonlySet<number> | undefined>): Plan<RowChange[]> {
  const tx = new TxnBuilder();
  let networks: Network[];
  if (only === undefined) networks = view.networks();
  else {
    networks = [];
    for (const id of only.keys()) {
      const n = view.networkById(id);
      if (n) networks.push(n);
    }
  }
  convergePeerRows(tx, view, new PlanModel(view), networks, only && ((a) => only.get(a.id)));
  return { operations: tx.operations(), result: tx.changes, changes: tx.changes };
}

/**
 * What a batch's events say, read out of their rows while those are the cache's: the ids,
 * names and declaration texts networksTouched goes by. A row's map read after a later change
 * superseded it is made whole first (the cache keeps a changed map as a patch of the one
 * before), which for a hub's router lists its thousands of keys; so a batch kept for later is
 * kept as these facts, not as its events.
 */
export type BatchFact =
  /** A router as it was or is now (created, deleted, or changed in more than its declarations). */
  | { kind: 'network'; id: number; project: string | undefined; name: string | undefined; declarations: string[] }
  /** Declarations of a router changed, their texts before and after; id and project as they are now. */
  | { kind: 'declarations'; id: number | undefined; project: string | undefined; texts: (string | undefined)[] }
  /** A peer row of network `a` towards `b`, as it was or is now. */
  | { kind: 'row'; a: number; b: number };

type Ext = Readonly<Record<string, string>>;

export function batchFacts(events: readonly CacheEvent[]): BatchFact[] {
  const out: BatchFact[] = [];
  const extOf = (r: unknown): Ext | undefined => (r as { external_ids?: Ext } | undefined)?.external_ids;
  const network = (ext: Ext | undefined): void => {
    const id = parseId(ext?.[EXT.id]);
    if (!ext || id === undefined) return;
    const declarations: string[] = [];
    for (const k in ext) if (k.startsWith(EXT.peeringPrefix)) declarations.push(ext[k] as string);
    out.push({ kind: 'network', id, project: ext[EXT.project], name: ext[EXT.network], declarations });
  };
  for (const e of events) {
    if (e.table === 'Logical_Router') {
      const ext = e.kind === 'update' ? extChange(e) : undefined;
      if (e.kind !== 'update' || !ext || ext.keys.some((k) => !k.startsWith(EXT.peeringPrefix))) {
        network(e.kind === 'insert' ? undefined : extOf(e.old));
        network(e.kind === 'delete' ? undefined : extOf(e.row));
        continue;
      }
      const texts: (string | undefined)[] = [];
      for (const k of ext.keys) texts.push(ext.now[k], ext.before(k));
      out.push({ kind: 'declarations', id: parseId(ext.now[EXT.id]), project: ext.now[EXT.project], texts });
    } else if (e.table === 'Logical_Router_Port' || e.table === 'Logical_Router_Static_Route') {
      for (const ext of [e.kind === 'insert' ? undefined : extOf(e.old), e.kind === 'delete' ? undefined : extOf(e.row)]) {
        const a = parseId(ext?.[EXT.id]);
        const b = parseId(ext?.[EXT.peerId]);
        if (a !== undefined && b !== undefined) out.push({ kind: 'row', a, b });
      }
    }
  }
  return out;
}

/**
 * The pairs of networks whose peer rows an NB batch can have put out of step, or `all`. The rows
 * between a and b depend on both sides' declarations towards each other and on their settings,
 * and are tagged with both ids. So: a declaration changed on a router touches the router's
 * network and its old and new target; a peer row changed touches its owner and the network it
 * leads to. A router created or deleted, or a network's settings changed, touches that network
 * and the networks it declares towards, that declare towards it, and that hold rows towards it
 * or it towards them (found through the view's indexes, not by looking at every network).
 * Switches hold no peer rows. Networks are named by their routers' ids, not parsed: a burst of
 * thousands of declarations arrives in one monitor update, and parsing every network it names
 * here made that one task 80 ms longer (profiled at 5,000 spokes); the status index parses
 * them later, in its slices. A router that does not parse as a network (or a duplicate name made
 * by hand) adds a pair the plan finds nothing to do for: more pairs, never fewer.
 *
 * The facts may be read after later batches changed the view (the reconciler reads them when
 * it repairs): a relation looked up then rather than at the batch's time (who declares towards
 * a network, which rows lead to it) that changed in between changed by a later batch, whose
 * facts name both its old and its new ends.
 */
export function pairsTouched(view: NbView, facts: readonly BatchFact[]): Touched | 'all' {
  const out: Touched = new Map();
  const pair = (a: number, b: number): void => {
    addTouched(out, a, b);
    addTouched(out, b, a);
  };
  const towards = (id: number, text: string | undefined, project: string): void => {
    const target = declarationTarget(text, project);
    if (target) for (const other of view.idsNamed(target.project, target.network)) pair(id, other);
  };
  for (const f of facts) {
    if (f.kind === 'row') pair(f.a, f.b);
    else if (f.kind === 'declarations') {
      if (f.id === undefined || f.project === undefined) {
        if (f.texts.length > 0) return 'all';
        continue;
      }
      for (const text of f.texts) towards(f.id, text, f.project);
    } else {
      const { id, project, name } = f;
      if (project !== undefined) for (const text of f.declarations) towards(id, text, project);
      if (project !== undefined && name !== undefined) for (const other of view.declaringTowards(project, name)) pair(other, id);
      for (const other of view.rowOwnersTowards(id)) pair(other, id);
      for (const router of view.routersWithId(id)) for (const other of view.peerRemotes(router)) pair(id, other);
    }
  }
  return out;
}

/** pairsTouched of a batch's events, read now. */
export function networksTouched(view: NbView, events: readonly CacheEvent[]): Touched | 'all' {
  return pairsTouched(view, batchFacts(events));
}

export function addTouched(m: Touched, a: number, b: number): void {
  let s = m.get(a);
  if (!s) m.set(a, (s = new Set()));
  s.add(b);
}

export interface ReconcilerOptions {
  /** Quiet time after an NB change before repairing (default 100 ms). */
  debounceMs?: number;
  lockName?: string;
  /** Sends the repairs (default: the client's `transact`). */
  transact?: OvsdbClient['transact'];
  /** Pairs (network, remote) repaired per transaction at most (default RECONCILE_SLICE_PAIRS). */
  slicePairs?: number;
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
  private readonly slicePairs: number;
  private readonly transactor: Transactor;
  private timer: NodeJS.Timeout | undefined;
  /** When the armed timer is to repair (Date.now() time). */
  private due = 0;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  /** What the next repair looks at: the networks NB changes touched since the last one, or all. */
  private dirty: Touched | 'all' = 'all';
  /**
   * NB batches not yet read for the pairs they touch, as their facts (batchFacts). A burst of
   * thousands of peerings arrives as one batch, and reading it whole (networksTouched) in the
   * task that applies it made that task 30 ms longer at 5,000 spokes; the repair waits for a
   * quiet NB anyway, so the view is asked about them when it starts, in slices (pairsTouched
   * says why that finds every pair).
   */
  private pending: BatchFact[][] = [];
  private readonly onBatch = (events: CacheEvent[]): void => {
    const facts = batchFacts(events);
    if (facts.length === 0) return;
    // Only the lock's holder repairs on its own, and it starts from all of the NB when it gets
    // the lock; a repair asked of another (runOnce) looks at all of it rather than keep batches.
    if (!this.lock.held) {
      this.dirty = 'all';
      this.pending = [];
      return;
    }
    if (this.dirty !== 'all') {
      for (let i = 0; i < facts.length; i += DIGEST_FACTS) this.pending.push(facts.slice(i, i + DIGEST_FACTS));
    }
    this.schedule();
  };

  constructor(
    client: OvsdbClient,
    private readonly view: NbView,
    opts: ReconcilerOptions = {},
  ) {
    super();
    this.debounceMs = opts.debounceMs ?? 100;
    this.slicePairs = opts.slicePairs ?? RECONCILE_SLICE_PAIRS;
    this.transactor = { transact: opts.transact ?? ((ops) => client.transact(ops)), session: client.session };
    this.lock = new OvsdbLock(client.session, opts.lockName ?? RECONCILE_LOCK);
    this.lock.on('acquired', () => {
      // Whatever happened while another instance held the lock is not in `dirty`.
      this.dirty = 'all';
      this.pending = [];
      this.emit('active', true);
      this.schedule(0);
    });
    this.lock.on('lost', () => {
      this.pending = [];
      this.emit('active', false);
    });
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

  /**
   * Runs a repair once the NB has been quiet for `delay`. During a burst the armed timer is kept
   * and re-armed when it fires early, rather than replaced on every batch: at thousands of
   * batches a second, replacing a timer cost more than noting the time.
   */
  private schedule(delay = this.debounceMs): void {
    if (this.stopped || !this.lock.held) return;
    const due = Date.now() + delay;
    if (this.timer !== undefined && due >= this.due) {
      this.due = due;
      return;
    }
    clearTimeout(this.timer);
    this.due = due;
    this.arm(delay);
  }

  private arm(ms: number): void {
    this.timer = setTimeout(() => {
      const left = this.due - Date.now();
      if (left > 0) {
        this.arm(left);
        return;
      }
      this.timer = undefined;
      void this.kick();
    }, ms);
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
   * Reads the pending batches into `dirty`, DIGEST_SLICE_MS at a time with the event loop free
   * in between; batches that arrive meanwhile are read too.
   */
  private async digest(): Promise<void> {
    let deadline = sliceDeadline(DIGEST_SLICE_MS);
    while (this.pending.length > 0) {
      if (this.dirty === 'all') {
        this.pending = [];
        return;
      }
      const touched = pairsTouched(this.view, this.pending.shift() as BatchFact[]);
      if (touched === 'all') this.dirty = 'all';
      else for (const [a, bs] of touched) for (const b of bs) addTouched(this.dirty, a, b);
      if (performance.now() >= deadline && this.pending.length > 0) {
        await yieldToIo();
        deadline = sliceDeadline(DIGEST_SLICE_MS);
      }
    }
  }

  /**
   * Repairs now (whoever holds the lock); resolves with what was repaired. Only the networks NB
   * changes touched since the last repair are looked at (all of them the first time, after the
   * lock changed hands and after a failed repair): a full pass per NB change cost every peering
   * of the NB on each write. In slices of at most `slicePairs` pairs, each planned from the cache
   * as it is then and sent as one guarded transaction, with the event loop free in between; what
   * NB changes touch meanwhile is for the next repair.
   */
  async runOnce(): Promise<RowChange[]> {
    if (this.stopped) return [];
    await this.digest();
    const work: Work = this.dirty === 'all' ? everyPair(this.view, this.slicePairs) : this.dirty;
    this.dirty = new Map();
    const out: RowChange[] = [];
    try {
      for (;;) {
        const only = takeSlice(this.view, work, this.slicePairs);
        const applied = await applyPlan(this.transactor, this.view, (v) => planReconcile(v, only), this.lock.held ? { lock: this.lock.name } : {});
        if (applied.attempts > 0 && applied.changes.length > 0) {
          this.emit('repaired', applied.changes);
          out.push(...applied.changes);
        }
        if (work.size === 0 || this.stopped) return out;
        await yieldToIo();
        // A slice cannot be cut short: when what else runs in slices spent this turn, the next
        // one (a few turns at most, so the repair is not starved).
        for (let turns = 0; turns < 4 && turnSpent(); turns++) await yieldToIo();
      }
    } catch (e) {
      this.dirty = 'all';
      throw e;
    }
  }
}

/**
 * A full pass's work: every network towards all its remotes, except that a network with more
 * declarations than a slice (a hub) is named with its remotes (the networks it declares towards
 * and those its peer rows lead to: every row and peer the full look would find), so that its
 * thousands are split over slices rather than planned at once. Only hubs are parsed here, and
 * their targets are named by id, not parsed: on start at 5,000 networks, parsing every network
 * here held the event loop for 121 ms in one task; each slice parses its own networks when it
 * plans. A router that does not parse as a network adds work the plan finds nothing to do for.
 */
function everyPair(view: NbView, max: number): Work {
  const work: Work = new Map();
  for (const id of view.networkIds()) {
    const n = view.declarationCount(id) > max ? view.networkById(id) : undefined;
    if (!n?.router || n.declarations.size <= max) {
      work.set(id, undefined);
      continue;
    }
    const remotes = new Set(view.peerRemotes(n.router));
    for (const d of n.declarations.values()) for (const b of view.idsNamed(d.target.project, d.target.network)) remotes.add(b);
    work.set(id, remotes);
  }
  return work;
}

function yieldToIo(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
