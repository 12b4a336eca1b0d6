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
 */
export function networksTouched(view: NbView, events: readonly CacheEvent[]): Touched | 'all' {
  const out: Touched = new Map();
  const pair = (a: number, b: number): void => {
    addTouched(out, a, b);
    addTouched(out, b, a);
  };
  const extOf = (r: unknown): Record<string, string> | undefined => (r as { external_ids?: Record<string, string> } | undefined)?.external_ids;
  const towards = (id: number, text: string | undefined, project: string): void => {
    const target = declarationTarget(text, project);
    if (target) for (const other of view.idsNamed(target.project, target.network)) pair(id, other);
  };
  // A network as it was or is now: its declarations' targets, the networks declaring towards it
  // and those holding rows towards it (the NbView's indexes; the view has seen the whole batch).
  const network = (ext: Record<string, string> | undefined): void => {
    const id = parseId(ext?.[EXT.id]);
    const project = ext?.[EXT.project];
    const name = ext?.[EXT.network];
    if (!ext || id === undefined) return;
    if (project !== undefined) for (const k in ext) if (k.startsWith(EXT.peeringPrefix)) towards(id, ext[k], project);
    if (project !== undefined && name !== undefined) for (const other of view.declaringTowards(project, name)) pair(other, id);
    for (const other of view.rowOwnersTowards(id)) pair(other, id);
    for (const router of view.routersWithId(id)) for (const other of view.peerRemotes(router)) pair(id, other);
  };
  for (const e of events) {
    if (e.table === 'Logical_Router') {
      const ext = e.kind === 'update' ? extChange(e) : undefined;
      if (e.kind !== 'update' || !ext || ext.keys.some((k) => !k.startsWith(EXT.peeringPrefix))) {
        network(e.kind === 'insert' ? undefined : extOf(e.old));
        network(e.kind === 'delete' ? undefined : extOf(e.row));
        continue;
      }
      const now = ext.now;
      const id = parseId(now[EXT.id]);
      const project = now[EXT.project];
      for (const k of ext.keys) {
        if (id === undefined || project === undefined) return 'all';
        towards(id, now[k], project);
        towards(id, ext.before(k), project);
      }
    } else if (e.table === 'Logical_Router_Port' || e.table === 'Logical_Router_Static_Route') {
      for (const ext of [e.kind === 'insert' ? undefined : extOf(e.old), e.kind === 'delete' ? undefined : extOf(e.row)]) {
        const owner = parseId(ext?.[EXT.id]);
        const remote = parseId(ext?.[EXT.peerId]);
        if (owner !== undefined && remote !== undefined) pair(owner, remote);
      }
    }
  }
  return out;
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
  private readonly onBatch = (events: CacheEvent[]): void => {
    const touched = networksTouched(this.view, events);
    if (touched === 'all') this.dirty = 'all';
    else if (touched.size === 0) return;
    else if (this.dirty !== 'all') for (const [a, bs] of touched) for (const b of bs) addTouched(this.dirty, a, b);
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
   * Repairs now (whoever holds the lock); resolves with what was repaired. Only the networks NB
   * changes touched since the last repair are looked at (all of them the first time, after the
   * lock changed hands and after a failed repair): a full pass per NB change cost every peering
   * of the NB on each write. In slices of at most `slicePairs` pairs, each planned from the cache
   * as it is then and sent as one guarded transaction, with the event loop free in between; what
   * NB changes touch meanwhile is for the next repair.
   */
  async runOnce(): Promise<RowChange[]> {
    if (this.stopped) return [];
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
 * thousands are split over slices rather than planned at once. Read from the routers' ids and
 * declaration keys, none of them parsed: on start at 5,000 networks, parsing every network here
 * held the event loop for 121 ms in one task; each slice parses its own networks when it plans.
 * A router that does not parse as a network adds work the plan finds nothing to do for.
 */
function everyPair(view: NbView, max: number): Work {
  const work: Work = new Map();
  for (const router of view.cache.table('Logical_Router').values()) {
    const ext = router.external_ids;
    const id = parseId(ext[EXT.id]);
    // Two routers with one id (made by hand): all of its remotes covers any list of them.
    if (id === undefined || (work.has(id) && work.get(id) === undefined)) continue;
    let declarations = 0;
    for (const k in ext) if (k.startsWith(EXT.peeringPrefix)) declarations++;
    if (declarations <= max) {
      work.set(id, undefined);
      continue;
    }
    const project = ext[EXT.project];
    const remotes = new Set(view.peerRemotes(router));
    for (const k in ext) {
      if (!k.startsWith(EXT.peeringPrefix) || project === undefined) continue;
      const target = declarationTarget(ext[k], project);
      if (target) for (const b of view.idsNamed(target.project, target.network)) remotes.add(b);
    }
    const before = work.get(id);
    if (before) for (const b of before) remotes.add(b);
    work.set(id, remotes);
  }
  return work;
}

function yieldToIo(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
