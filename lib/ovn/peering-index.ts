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
import { declarationTarget, declarationTo, extChange } from './state.js';
import type { NbView, Network } from './state.js';

type Ext = Record<string, string>;

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

  constructor(private readonly view: NbView) {}

  /** Notes what a batch can have changed; nothing is computed until `update`. */
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
        const now = ext.now;
        const id = parseId(now[EXT.id]);
        const project = now[EXT.project];
        if (id === undefined || project === undefined) continue;
        for (const k of ext.keys) {
          add(this.names, id, k.slice(EXT.peeringPrefix.length));
          for (const text of [now[k], ext.before(k)]) {
            const t = declarationTarget(text, project);
            const other = t && this.view.network(t.project, t.network);
            if (other) this.pair(id, other.id);
          }
        }
      } else if (e.table === 'Logical_Router_Port' || e.table === 'Logical_Router_Static_Route') {
        for (const ext of [e.kind === 'insert' ? undefined : extOf(e.old), e.kind === 'delete' ? undefined : extOf(e.row)]) {
          const owner = parseId(ext?.[EXT.id]);
          const remote = parseId(ext?.[EXT.peerId]);
          if (owner !== undefined && remote !== undefined) this.pair(owner, remote);
        }
      }
    }
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

  /** Brings the index up to date; true when a peering's info changed. */
  update(): boolean {
    const model = new PlanModel(this.view);
    if (this.all) {
      this.all = false;
      this.byNetwork.clear();
      this.byTargetKey.clear();
      this.tallies.total = this.tallies.created = this.tallies.pending = this.tallies.errored = 0;
      this.problemSet.clear();
      this.problemsSorted = undefined;
      this.changes++;
      this.sorted.clear();
      this.order = undefined;
      this.networksRedo.clear();
      this.targetsRedo.clear();
      for (const a of this.view.networks()) this.indexNetwork(model, a);
      return true;
    }
    let changed = false;
    for (const id of this.networksRedo) {
      const had = this.byNetwork.get(id);
      if (had) {
        for (const p of had.values()) this.unref(id, p);
        this.byNetwork.delete(id);
        this.sorted.delete(id);
        this.order = undefined;
        changed = true;
      }
      const a = this.view.networkById(id);
      if (a && this.indexNetwork(model, a)) changed = true;
    }
    this.networksRedo.clear();
    // A declaration is named by its key, by its target's pair and by its rows' pair alike: it is
    // computed once per update whichever named it (the state it rests on cannot move in between).
    const done = new Map<number, Set<string>>();
    const redo = (a: Network | undefined, name: string): void => {
      if (!a) return;
      let seen = done.get(a.id);
      if (!seen) done.set(a.id, (seen = new Set()));
      else if (seen.has(name)) return;
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
        return;
      }
      const info = peeringInfo(this.view, model, a, d);
      if (before && samePeeringInfo(before, info)) return;
      if (before) this.unref(a.id, before);
      this.ref(a.id, info);
      if (m) m.set(name, info);
      else {
        this.byNetwork.set(a.id, new Map([[name, info]]));
        this.order = undefined;
      }
      this.resort(a.id, name, info);
      changed = true;
    };
    for (const key of this.targetsRedo) {
      const towards = [...(this.byTargetKey.get(key) ?? [])].map(([id, names]) => [id, [...names]] as const);
      for (const [id, names] of towards) {
        const a = this.view.networkById(id);
        for (const name of names) redo(a, name);
      }
    }
    this.targetsRedo.clear();
    for (const [id, names] of this.names) {
      const a = this.view.networkById(id);
      for (const name of names) redo(a, name);
    }
    for (const [x, ys] of this.pairs) {
      const a = this.view.networkById(x);
      for (const y of ys) {
        const b = this.view.networkById(y);
        if (!a || !b) continue;
        const d = declarationTo(a, b.project, b.name);
        if (d) redo(a, d.name);
      }
    }
    this.names.clear();
    this.pairs.clear();
    return changed;
  }

  /** Indexes every declaration of a network not indexed yet; true when it has any. */
  private indexNetwork(model: PlanModel, a: Network): boolean {
    if (a.declarations.size === 0) return false;
    const m = new Map<string, PeeringInfo>();
    for (const d of a.declarations.values()) {
      const info = peeringInfo(this.view, model, a, d);
      m.set(d.name, info);
      this.ref(a.id, info);
    }
    this.byNetwork.set(a.id, m);
    this.order = undefined;
    return true;
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
