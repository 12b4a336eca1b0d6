// A network's peering declarations by name, with an index by target, such that a change of one
// declaration costs that declaration, not the network's thousands (a hub's). Three forms share
// one interface (ReadonlyMap):
// - the newest parse of a router owns a Map and its index, and a change of the router patches
//   them where they are (`patched`), in proportion to the keys that changed;
// - the version it replaced keeps answering as it was: it holds the values the patch overwrote
//   and reads the rest through its successor (made whole only if something iterates it);
// - a planner's "this network with one declaration more, or less" (`withOne`) is a view over the
//   map it changes, without copying it.
// Readers see maps that never change under them. Iteration is in insertion order, except that a
// replaced version, if iterated, lists the declarations later changes touched after the others.
import type { PeeringType } from './peering-types.js';
import type { Target } from './names.js';

/** One side's declaration of a peering, as stored under `hvnet:peering:<name>` on its router. */
export interface Declaration {
  name: string;
  /** Stored only when not `local`, so declarations made before types existed read as local. */
  type: PeeringType;
  /** A remote peering's network integration (lib/ovn/remote); absent for a local one. */
  integration?: string;
  target: Target;
  description: string;
  config: Record<string, string>;
}

/** `project/network` of a declaration's target: what the index goes by. */
export function targetKeyOf(d: Declaration): string {
  return `${d.target.project}/${d.target.network}`;
}

interface Owned {
  kind: 'owned';
  map: Map<string, Declaration>;
  /** Names by target key; undefined until first asked for. */
  towards: Map<string, Set<string>> | undefined;
  /** False for a copy made to answer for an older or planned version: never patched in place. */
  live: boolean;
}

interface Superseded {
  kind: 'superseded';
  next: DeclarationMap;
  /** The values the newer version overwrote (undefined: the name was absent here). */
  undo: Map<string, Declaration | undefined>;
}

interface WithOne {
  kind: 'withOne';
  base: DeclarationMap;
  name: string;
  value: Declaration | undefined;
}

type Node = Owned | Superseded | WithOne;

export class DeclarationMap implements ReadonlyMap<string, Declaration> {
  private node: Node;

  private constructor(node: Node) {
    this.node = node;
  }

  /** The declarations of a parse; this map is the one later changes of the router patch. */
  static owning(map: Map<string, Declaration>): DeclarationMap {
    return new DeclarationMap({ kind: 'owned', map, towards: undefined, live: true });
  }

  /**
   * The next version: `changes` (name → declaration, undefined to remove) applied. When this is
   * the newest version it hands its map over and keeps only what the changes overwrote;
   * otherwise (an older or a planned version) the new one starts from a copy.
   */
  patched(changes: Iterable<readonly [string, Declaration | undefined]>): DeclarationMap {
    const own = this.node.kind === 'owned' && this.node.live ? this.node : undefined;
    const from: Owned = own ?? { kind: 'owned', map: new Map(this.entries()), towards: undefined, live: true };
    const undo = new Map<string, Declaration | undefined>();
    for (const [name, d] of changes) {
      const was = from.map.get(name);
      if (!undo.has(name)) undo.set(name, was);
      if (was) from.towards?.get(targetKeyOf(was))?.delete(name);
      if (d) {
        from.map.set(name, d);
        if (from.towards) addName(from.towards, targetKeyOf(d), name);
      } else from.map.delete(name);
    }
    const next = new DeclarationMap(own ? { ...own } : from);
    if (own) this.node = { kind: 'superseded', next, undo };
    return next;
  }

  /** This map with one declaration set (undefined: removed), for a plan; this one unchanged. */
  withOne(name: string, value: Declaration | undefined): DeclarationMap {
    return new DeclarationMap({ kind: 'withOne', base: this, name, value });
  }

  get(name: string): Declaration | undefined {
    let n: Node = this.node;
    for (;;) {
      if (n.kind === 'owned') return n.map.get(name);
      if (n.kind === 'superseded') {
        if (n.undo.has(name)) return n.undo.get(name);
        n = n.next.node;
      } else {
        if (n.name === name) return n.value;
        n = n.base.node;
      }
    }
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  get size(): number {
    const n = this.node;
    if (n.kind === 'owned') return n.map.size;
    if (n.kind === 'withOne') return n.base.size - (n.base.has(n.name) ? 1 : 0) + (n.value ? 1 : 0);
    let size = n.next.size;
    for (const [name, d] of n.undo) size += (d ? 1 : 0) - (n.next.has(name) ? 1 : 0);
    return size;
  }

  /**
   * The first declaration (in iteration order) whose target is `project/network`: from the
   * index by target, without looking at the others unless two declare the same target (which
   * only a hand edit makes).
   */
  towards(key: string): Declaration | undefined {
    const names = this.namesTowards(key);
    if (!names || names.size === 0) return undefined;
    if (names.size === 1) return this.get(names.values().next().value as string);
    for (const d of this.values()) if (targetKeyOf(d) === key) return d;
    return undefined;
  }

  private namesTowards(key: string): ReadonlySet<string> | undefined {
    const n = this.node;
    if (n.kind === 'withOne') {
      const base = n.base.namesTowards(key);
      const before = n.base.get(n.name);
      const joins = n.value !== undefined && targetKeyOf(n.value) === key;
      const leaves = before !== undefined && targetKeyOf(before) === key;
      if (joins === leaves) return base;
      const out = new Set(base);
      if (joins) out.add(n.name);
      else out.delete(n.name);
      return out;
    }
    const own = this.materialise();
    if (!own.towards) {
      own.towards = new Map();
      for (const [name, d] of own.map) addName(own.towards, targetKeyOf(d), name);
    }
    return own.towards.get(key);
  }

  /** This version as a Map of its own (an older or planned one is copied once, then kept). */
  private materialise(): Owned {
    const n = this.node;
    if (n.kind === 'owned') return n;
    const map = new Map<string, Declaration>();
    if (n.kind === 'withOne') {
      for (const [k, v] of n.base) map.set(k, v);
      if (n.value) map.set(n.name, n.value);
      else map.delete(n.name);
    } else {
      for (const [k, v] of n.next) if (!n.undo.has(k)) map.set(k, v);
      for (const [k, v] of n.undo) if (v) map.set(k, v);
    }
    const own: Owned = { kind: 'owned', map, towards: undefined, live: false };
    this.node = own;
    return own;
  }

  entries(): MapIterator<[string, Declaration]> {
    return this.materialise().map.entries();
  }

  keys(): MapIterator<string> {
    return this.materialise().map.keys();
  }

  values(): MapIterator<Declaration> {
    return this.materialise().map.values();
  }

  forEach(fn: (value: Declaration, key: string, map: ReadonlyMap<string, Declaration>) => void, thisArg?: unknown): void {
    for (const [k, v] of this.materialise().map) fn.call(thisArg, v, k, this);
  }

  [Symbol.iterator](): MapIterator<[string, Declaration]> {
    return this.entries();
  }
}

function addName(m: Map<string, Set<string>>, key: string, name: string): void {
  let s = m.get(key);
  if (!s) m.set(key, (s = new Set()));
  s.add(name);
}
