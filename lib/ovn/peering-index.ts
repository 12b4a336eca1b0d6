// Every network's peerings with their status, kept current from the cache's batches peering by
// peering (what a host's status summarises). Recomputing all of them after each NB change made
// the work per change grow with the number of peerings; a peering's status rests only on its two
// routers' declarations towards each other, their settings and their rows towards each other, so
// a batch names the peerings it can have changed:
// - a declaration added, changed or removed on a router: that declaration, and the declarations
//   of its old and new target towards the router;
// - a peer port or route changed: the declarations between its owner and the network it leads to;
// - a router created or deleted, or a network's settings changed: that network's declarations,
//   and every declaration targeting its project/network (found through an index by target, so a
//   network created beside thousands of peerings does not recompute them).
import type { CacheEvent } from '../ovsdb/cache.js';
import { EXT, parseId } from './ids.js';
import { peeringInfo } from './peering-plan.js';
import type { PeeringInfo } from './peering-plan.js';
import { PlanModel } from './plan.js';
import { declarationTo, extChange } from './state.js';
import type { NbView, Network } from './state.js';
import { sliceDeadline } from '../event-loop/turn-budget.js';

type Ext = Record<string, string>;

/** How much one `update` may do before it returns with work left (default: everything). */
export interface UpdateBudget {
  /** Declarations computed (a network indexed anew counts its declarations). */
  maxItems?: number;
  maxMs?: number;
}

function extOf(row: unknown): Ext | undefined {
  return (row as { external_ids?: Ext } | undefined)?.external_ids;
}

export class PeeringIndex {
  /** By network id, then peering name. */
  private readonly byNetwork = new Map<number, Map<string, PeeringInfo>>();
  private all = true;
  /** Declarations to recompute: network id → peering names. */
  private readonly names = new Map<number, Set<string>>();
  /** Network pairs whose declarations towards each other are to be recomputed. */
  private readonly pairs = new Map<number, Set<number>>();
  /** A network's peerings sorted by name, until they change; the networks in order, until one comes or goes. */
  private readonly sorted = new Map<number, PeeringInfo[]>();
  private order: number[] | undefined;
  /** Networks whose every declaration is to be recomputed (their router came, went or changed settings). */
  private readonly networksRedo = new Set<number>();
  /** `project/network` keys whose declarations towards them are to be recomputed. */
  private readonly targetsRedo = new Set<string>();
  /** The indexed declarations by their target's `project/network`: network id → peering names. */
  private readonly byTargetKey = new Map<string, Map<number, Set<string>>>();
  /** The peerings by status, kept as they come and go: a status read must not walk them all. */
  private readonly tallies: Record<'total' | PeeringInfo['status'], number> = { total: 0, created: 0, pending: 0, errored: 0 };
  /** The errored and pending peerings (what a status shows one by one, up to a few). */
  private readonly problemSet = new Set<PeeringInfo>();
  private problemsSorted: PeeringInfo[] | undefined;
  private changes = 0;
  /** The declarations towards a router that came, went or changed settings, to recompute: network id → names. */
  private readonly towards = new Map<number, Set<string>>();
  /** The declarations computed so far in this refresh (network id → names). */
  private readonly done = new Map<number, Set<string>>();

  constructor(private readonly view: NbView) {}

  /**
   * Notes what a batch can have changed; nothing is computed until `update`. Ids and names only:
   * a monitor update of thousands of changed declarations is taken in by one task, so reading
   * their targets (parsing each) is left to `update`'s slices, which find them in the view (the
   * new target) and in the index (the old one).
   */
  note(events: readonly CacheEvent[]): void {
    if (this.all) return;
    for (const e of events) {
      if (e.table === 'Logical_Router') {
        const ext = e.kind === 'update' ? extChange(e) : undefined;
        if (e.kind !== 'update' || !ext || ext.keys.some((k) => !k.startsWith(EXT.peeringPrefix))) {
          this.routerChanged(e.kind === 'insert' ? undefined : extOf(e.old));
          this.routerChanged(e.kind === 'delete' ? undefined : extOf(e.row));
          continue;
        }
        const id = parseId(ext.now[EXT.id]);
        if (id === undefined) continue;
        for (const k of ext.keys) add(this.names, id, k.slice(EXT.peeringPrefix.length));
      } else if (e.table === 'Logical_Router_Port' || e.table === 'Logical_Router_Static_Route') {
        for (const ext of [e.kind === 'insert' ? undefined : extOf(e.old), e.kind === 'delete' ? undefined : extOf(e.row)]) {
          const owner = parseId(ext?.[EXT.id]);
          const remote = parseId(ext?.[EXT.peerId]);
          if (owner !== undefined && remote !== undefined) this.pair(owner, remote);
        }
      }
    }
    // What was computed earlier in this refresh rested on the state before this batch.
    if (this.done.size > 0) this.done.clear();
  }

  /** A router as it was or is now: its network's declarations, and those towards it. */
  private routerChanged(ext: Ext | undefined): void {
    if (!ext) return;
    const id = parseId(ext[EXT.id]);
    if (id !== undefined) this.networksRedo.add(id);
    const project = ext[EXT.project];
    const network = ext[EXT.network];
    if (project !== undefined && network !== undefined) this.targetsRedo.add(targetKey(project, network));
  }

  /** Everything is recomputed on the next update (start, reconnect, a change of unknown reach). */
  invalidate(): void {
    this.all = true;
    this.names.clear();
    this.pairs.clear();
    this.networksRedo.clear();
    this.targetsRedo.clear();
    this.towards.clear();
    this.done.clear();
  }

  /** True while an `update` left work for the next one (a refresh in slices is under way). */
  get pending(): boolean {
    return this.all || this.networksRedo.size > 0 || this.targetsRedo.size > 0 || this.towards.size > 0 || this.names.size > 0 || this.pairs.size > 0;
  }

  private ref(id: number, p: PeeringInfo): void {
    this.tally(p, 1);
    const k = targetKey(p.targetProject, p.targetNetwork);
    let m = this.byTargetKey.get(k);
    if (!m) this.byTargetKey.set(k, (m = new Map<number, Set<string>>()));
    add(m, id, p.name);
  }

  private unref(id: number, p: PeeringInfo): void {
    this.tally(p, -1);
    const k = targetKey(p.targetProject, p.targetNetwork);
    const m = this.byTargetKey.get(k);
    const names = m?.get(id);
    names?.delete(p.name);
    if (names?.size === 0) m?.delete(id);
    if (m?.size === 0) this.byTargetKey.delete(k);
  }

  /**
   * Brings the index up to date, or, with a budget, as far as the budget goes (`pending` tells
   * whether work is left; the next call carries on, with whatever was noted in between). True
   * when a peering's info changed. Between two calls the index holds, for each peering, either
   * its info before the change or after it, never both nor neither: its counts stay true to one
   * of the two states, peering by peering.
   */
  update(budget: UpdateBudget = {}): boolean {
    const model = new PlanModel(this.view);
    const maxItems = budget.maxItems ?? Infinity;
    const until = budget.maxMs === undefined ? Infinity : sliceDeadline(budget.maxMs);
    let items = 0;
    const spent = (n = 1): boolean => (items += n) >= maxItems || (until !== Infinity && performance.now() >= until);
    let changed = false;
    if (this.all) {
      // Every network is indexed again one by one, its old entries replaced when it is reached
      // (not the whole index emptied first: a read between two slices sees each peering once).
      this.all = false;
      this.changes++;
      changed = true;
      this.names.clear();
      this.pairs.clear();
      this.targetsRedo.clear();
      this.towards.clear();
      for (const id of this.byNetwork.keys()) this.networksRedo.add(id);
      for (const a of this.view.networks()) if (a.declarations.size > 0) this.networksRedo.add(a.id);
    }
    // A network whose router came, went or changed settings: each of its declarations, old and
    // new, recomputed one by one below (a hub's thousands through the slices like the rest). Its
    // sorted list is dropped rather than edited per declaration; a network gone is dropped whole.
    for (const id of this.networksRedo) {
      const had = this.byNetwork.get(id);
      const a = this.view.networkById(id);
      if (had && !a) {
        for (const p of had.values()) this.unref(id, p);
        this.byNetwork.delete(id);
        this.order = undefined;
        changed = true;
      } else {
        for (const name of had?.keys() ?? []) add(this.towards, id, name);
        for (const name of a?.declarations.keys() ?? []) add(this.towards, id, name);
      }
      this.sorted.delete(id);
    }
    this.networksRedo.clear();
    // A declaration is named by its key, by its target's pair and by its rows' pair alike: it is
    // computed once per refresh whichever named it (`done`, forgotten when a batch is noted).
    const redo = (a: Network | undefined, name: string): Network | undefined => {
      if (!a) return undefined;
      let seen = this.done.get(a.id);
      if (!seen) this.done.set(a.id, (seen = new Set()));
      else if (seen.has(name)) return undefined;
      seen.add(name);
      const d = a.declarations.get(name);
      const m = this.byNetwork.get(a.id);
      const before = m?.get(name);
      if (!d) {
        if (before) {
          this.unref(a.id, before);
          m?.delete(name);
          if (m?.size === 0) {
            this.byNetwork.delete(a.id);
            this.order = undefined;
          }
          this.resort(a.id, name, undefined);
          changed = true;
        }
        return undefined;
      }
      const info = peeringInfo(this.view, model, a, d);
      if (before && samePeeringInfo(before, info)) return this.view.network(d.target.project, d.target.network);
      if (before) this.unref(a.id, before);
      this.ref(a.id, info);
      if (m) m.set(name, info);
      else {
        this.byNetwork.set(a.id, new Map([[name, info]]));
        this.order = undefined;
      }
      this.resort(a.id, name, info);
      changed = true;
      return this.view.network(d.target.project, d.target.network);
    };
    // A declaration added, changed or removed: the declarations of its old target (in the index)
    // and of its new one (in the view) towards this network rest on it too. First, so that the
    // declarations named otherwise as well are still found here, not skipped as done.
    const declared = (a: Network | undefined, name: string): void => {
      if (!a || this.done.get(a.id)?.has(name)) return;
      const before = this.byNetwork.get(a.id)?.get(name);
      const old = before && this.view.network(before.targetProject, before.targetNetwork);
      if (old) this.pair(a.id, old.id);
      const b = redo(a, name);
      if (b) this.pair(a.id, b.id);
    };
    if (this.drain(this.names, declared, spent)) return changed;
    // A router came, went or changed settings: the declarations towards it (a set of names, not
    // computed here, so that a hub's thousands go through the slices like the rest).
    for (const key of this.targetsRedo) {
      for (const [id, names] of this.byTargetKey.get(key) ?? []) for (const name of names) add(this.towards, id, name);
    }
    this.targetsRedo.clear();
    if (this.drain(this.towards, (a, name) => void redo(a, name), spent)) return changed;
    for (const [x, ys] of this.pairs) {
      const a = this.view.networkById(x);
      for (const y of ys) {
        ys.delete(y);
        const b = this.view.networkById(y);
        if (!a || !b) continue;
        const d = declarationTo(a, b.project, b.name);
        if (d) redo(a, d.name);
        if (spent()) {
          if (ys.size === 0) this.pairs.delete(x);
          return changed;
        }
      }
      this.pairs.delete(x);
    }
    this.done.clear();
    return changed;
  }

  /** Takes each (network, name) out of `m` and hands it to `f`; true when the budget ran out first. */
  private drain(m: Map<number, Set<string>>, f: (a: Network | undefined, name: string) => void, spent: () => boolean): boolean {
    for (const [id, names] of m) {
      const a = this.view.networkById(id);
      for (const name of names) {
        names.delete(name);
        f(a, name);
        if (spent()) {
          if (names.size === 0) m.delete(id);
          return true;
        }
      }
      m.delete(id);
    }
    return false;
  }

  /** Every peering in or out (each ref and unref of a PeeringInfo): counted, and the problems noted. */
  private tally(p: PeeringInfo, delta: 1 | -1): void {
    this.tallies.total += delta;
    this.tallies[p.status] += delta;
    this.changes++;
    if (p.status === 'created') return;
    if (delta > 0) this.problemSet.add(p);
    else this.problemSet.delete(p);
    this.problemsSorted = undefined;
  }

  /** Bumped whenever what list() gives may have changed. */
  get version(): number {
    return this.changes;
  }

  /** The peerings by status, and the networks having any (as of the last `update`). */
  counts(): { total: number; created: number; pending: number; errored: number; networks: number } {
    return { ...this.tallies, networks: this.byNetwork.size };
  }

  /**
   * The errored peerings, then the pending ones, each in list() order; at most `max`. Sorted
   * again only after one of them came, went or changed, from these alone.
   */
  problems(max: number): readonly PeeringInfo[] {
    if (!this.problemsSorted) {
      const key = (p: PeeringInfo): string => `${p.status === 'errored' ? 0 : 1}\u0000${p.project}\u0000${p.network}\u0000${p.name}`;
      const keyed = [...this.problemSet].map((p) => [key(p), p] as const);
      keyed.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      this.problemsSorted = keyed.map(([, p]) => p);
    }
    return this.problemsSorted.slice(0, max);
  }

  /**
   * Every network's peerings, by network (project, name) then peering name. Only the networks
   * whose peerings changed are sorted again.
   */
  list(): PeeringInfo[] {
    if (!this.order) {
      const key = (id: number): string => {
        const first = this.byNetwork.get(id)?.values().next().value;
        return first ? `${first.project}\u0000${first.network}` : '';
      };
      const keys = new Map([...this.byNetwork.keys()].map((id) => [id, key(id)]));
      this.order = [...keys.keys()].sort((x, y) => {
        const a = keys.get(x) ?? '';
        const b = keys.get(y) ?? '';
        return a < b ? -1 : a > b ? 1 : 0;
      });
    }
    const out: PeeringInfo[] = [];
    for (const id of this.order) for (const p of this.sortedOf(id)) out.push(p);
    return out;
  }

  /**
   * One network's peerings sorted by name, what listPeerings makes from the cache (as of the last
   * `update`): a hub's list is kept rather than each of its peerings checked again per call.
   */
  peeringsOf(id: number): readonly PeeringInfo[] {
    const list = this.sortedOf(id);
    this.handedOut.add(list);
    return list;
  }

  private sortedOf(id: number): PeeringInfo[] {
    let list = this.sorted.get(id);
    if (!list) {
      list = [...(this.byNetwork.get(id)?.values() ?? [])].sort((x, y) => (x.name < y.name ? -1 : 1));
      this.sorted.set(id, list);
    }
    return list;
  }

  /** Sorted lists a caller may hold: the next change copies them; one nobody was given changes where it is. */
  private readonly handedOut = new WeakSet<PeeringInfo[]>();

  /**
   * The network's sorted list with one peering put in, replaced or (info undefined) taken out:
   * one element moved, not a sort of a hub's thousands per change; in a copy when the list was
   * handed out, as it must not change under its reader.
   */
  private resort(id: number, name: string, info: PeeringInfo | undefined): void {
    const list = this.sorted.get(id);
    if (!list) return;
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((list[mid] as PeeringInfo).name < name) lo = mid + 1;
      else hi = mid;
    }
    // A hub's list copied per change was 5,000 elements of garbage per create at 5,000 spokes
    // (bench/scale): copied only when it was handed out since it last changed.
    const next = this.handedOut.has(list) ? list.slice() : list;
    const here = next[lo]?.name === name;
    if (info) next.splice(lo, here ? 1 : 0, info);
    else if (here) next.splice(lo, 1);
    this.sorted.set(id, next);
  }

  /** Both directions: a peering's status rests on both sides' rows towards each other. */
  private pair(a: number, b: number): void {
    add(this.pairs, a, b);
    add(this.pairs, b, a);
  }
}

/** Equal as the API shows them (what JSON.stringify of both compared, without making the text). */
function samePeeringInfo(x: PeeringInfo, y: PeeringInfo): boolean {
  if (
    x.project !== y.project ||
    x.network !== y.network ||
    x.name !== y.name ||
    x.description !== y.description ||
    x.targetProject !== y.targetProject ||
    x.targetNetwork !== y.targetNetwork ||
    x.type !== y.type ||
    x.integration !== y.integration ||
    x.status !== y.status ||
    x.reason !== y.reason
  ) {
    return false;
  }
  const xk = Object.keys(x.config);
  const yk = Object.keys(y.config);
  return xk.length === yk.length && xk.every((k, i) => k === yk[i] && x.config[k] === y.config[k]);
}

function targetKey(project: string, network: string): string {
  return `${project}/${network}`;
}

function add<K, V>(m: Map<K, Set<V>>, k: K, v: V): void {
  let s = m.get(k);
  if (!s) m.set(k, (s = new Set()));
  s.add(v);
}
