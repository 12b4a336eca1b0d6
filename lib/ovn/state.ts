// Reading hvnet's state out of the monitored NB cache: projects (NB_Global external_ids),
// networks (one Logical_Router each, user names and settings in its external_ids), peering
// declarations (one external_ids key per peering on the router) and the peer rows.
//
// Nothing here is state of its own: the indexes below are derived from the cache and follow its
// change events, so any hvnetd sharing the NB reads the same thing. Parsed networks are memoised
// per cache row object (the cache replaces a row object on every change, so a memo never goes
// stale).
import { DeclarationMap } from './declaration-map.js';
import type { Declaration } from './declaration-map.js';
import { isPeeringType } from './peering-types.js';
import { changedMapKeys, valueBefore } from '../ovsdb/cache.js';
import type { TableCache, CacheEvent, ColumnChange, RowChanges } from '../ovsdb/cache.js';
import type { NbTables } from './schema-check.js';
import { parseGatewayCidr } from './cidr.js';
import type { GatewayCidr } from './cidr.js';
import { EXT, networkMac, parseId, rowNames } from './ids.js';
import { DEFAULT_PROJECT, formatTarget, isValidName, parseTarget } from './names.js';
import type { Target } from './names.js';
import { sliceDeadline } from '../event-loop/turn-budget.js';

// The rows as the cache holds them (the monitored columns of NB_TABLES).
export type RouterRow = NbTables['Logical_Router'];
export type RouterPortRow = NbTables['Logical_Router_Port'];
export type RouteRow = NbTables['Logical_Router_Static_Route'];
export type SwitchRow = NbTables['Logical_Switch'];
export type GlobalRow = NbTables['NB_Global'];

export type { Declaration } from './declaration-map.js';

export interface Network {
  id: number;
  project: string;
  name: string;
  description: string;
  /** At least one of the two is set (families.ts). */
  ipv4: GatewayCidr | undefined;
  ipv6: GatewayCidr | undefined;
  mac: string;
  /** Peering declarations by peering name. */
  declarations: ReadonlyMap<string, Declaration>;
  /** The router row as read (undefined for a network a plan is about to create). */
  router: RouterRow | undefined;
}

export interface Project {
  name: string;
  description: string;
}

/** The stored form of a declaration (the external_ids value). Keys sorted: equal content, equal text. */
export function encodeDeclaration(d: Omit<Declaration, 'name'>): string {
  // Made on each request and replay check: the object is built in its key order, without
  // spreading partial objects or an entries array.
  const keys = Object.keys(d.config);
  let config = d.config;
  if (keys.length > 1) {
    keys.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    config = {};
    for (const k of keys) config[k] = d.config[k] as string;
  }
  const target = formatTarget(d.target);
  if (d.type === 'local' && d.integration === undefined) return JSON.stringify({ target, description: d.description, config });
  const ordered: Record<string, unknown> = {};
  if (d.type !== 'local') ordered.type = d.type;
  if (d.integration !== undefined) ordered.integration = d.integration;
  ordered.target = target;
  ordered.description = d.description;
  ordered.config = config;
  return JSON.stringify(ordered);
}

function decodeDeclaration(name: string, text: string, project: string): Declaration | undefined {
  try {
    const v = JSON.parse(text) as { type?: unknown; integration?: unknown; target?: unknown; description?: unknown; config?: unknown };
    if (typeof v.target !== 'string' || typeof v.description !== 'string') return undefined;
    const type = v.type ?? 'local';
    if (!isPeeringType(type)) return undefined;
    const config: Record<string, string> = {};
    if (typeof v.config === 'object' && v.config !== null) {
      for (const [k, val] of Object.entries(v.config as Record<string, unknown>)) if (typeof val === 'string') config[k] = val;
    }
    const integration = typeof v.integration === 'string' ? { integration: v.integration } : {};
    return { name, type, ...integration, target: parseTarget(v.target, project), description: v.description, config };
  } catch {
    return undefined;
  }
}

/**
 * The keys whose values differ between two external_ids maps. Walks both without building a set
 * of their union: on a hub's router this runs on every change, over thousands of keys.
 */
export function changedKeys(now: Readonly<Record<string, string>>, before: Readonly<Record<string, string>>): string[] {
  const out: string[] = [];
  for (const k in now) if (now[k] !== before[k]) out.push(k);
  for (const k in before) if (!(k in now)) out.push(k);
  return out;
}

/** The external_ids keys a router update changed, their values before, and the map now. */
export interface ExtChange {
  now: Readonly<Record<string, string>>;
  keys: readonly string[];
  before(key: string): string | undefined;
}

type RouterUpdate = { old: object; row: object; changes?: { readonly [column: string]: ColumnChange | undefined } };
type ExtRow = { external_ids?: Record<string, string> };

/**
 * What an update of a router changed in its external_ids: from the diff the cache's event
 * carries (the keys the NB sent, in proportion to the change), or, for an update that came
 * whole (a resync), by comparing the two maps. The work per change of a hub's router must not
 * grow with its thousands of declarations.
 */
export function extChange(e: RouterUpdate): ExtChange {
  const now = (e.row as ExtRow).external_ids ?? {};
  if (e.changes) {
    const change = e.changes.external_ids;
    return { now, keys: changedMapKeys(change) as string[], before: (k) => valueBefore(change, now, k) };
  }
  const old = (e.old as ExtRow).external_ids ?? {};
  return { now, keys: changedKeys(now, old), before: (k) => old[k] };
}

/** Keys changed since a router row was last parsed; undefined: not known (compare the maps). */
type KeysSince = Set<string> | undefined;

/**
 * The last targets read out of stored declarations, by their text. One NB change of a declaration
 * is read by the view's index, the status's index and the reconciler, before and after: the JSON
 * is parsed once for all of them. Bounded: emptied when full (it only saves work).
 */
const targetMemo = new Map<string, { project: string; target: Target | undefined }>();
const TARGET_MEMO_MAX = 16_384;

/** The target of a stored declaration, without the rest of it; undefined when it does not parse. */
export function declarationTarget(text: string | undefined, project: string): Target | undefined {
  if (text === undefined) return undefined;
  const hit = targetMemo.get(text);
  if (hit && hit.project === project) return hit.target;
  let target: Target | undefined;
  try {
    const v = JSON.parse(text) as { target?: unknown };
    target = typeof v.target === 'string' ? parseTarget(v.target, project) : undefined;
  } catch {
    target = undefined;
  }
  if (targetMemo.size >= TARGET_MEMO_MAX) targetMemo.clear();
  targetMemo.set(text, { project, target });
  return target;
}

export function encodeProject(p: Omit<Project, 'name'>): string {
  return JSON.stringify({ description: p.description });
}

/**
 * Parses a router into a Network; undefined when it is not an (intact) hvnet network router.
 * `previous`: the same router parsed before its last change; declarations whose stored text did
 * not change are taken from it (and its whole declarations map when none did), so a change to a
 * hub's router does not decode, nor re-index, its thousands of declarations again. `changed`:
 * the external_ids keys changed since `previous` (known from the cache's events), else found by
 * comparing the two routers' maps.
 */
export function parseNetwork(row: RouterRow, previous?: Network, changed?: Iterable<string>): Network | undefined {
  const ext = row.external_ids;
  // Only declarations (or only ports and routes) changed: the settings parsed before still hold,
  // and are not parsed again (CIDRs, names) on each of a router's peerings. declarationsAfter
  // refuses any other key, and the row name is compared, so what is kept is what the row says.
  const sameRow = previous?.router !== undefined && row.name === previous.router.name;
  if (sameRow) {
    const declarations = declarationsAfter(previous, ext, changed);
    if (declarations) return { ...previous, declarations, router: row };
  }
  const id = parseId(ext[EXT.id]);
  const project = ext[EXT.project];
  const name = ext[EXT.network];
  if (id === undefined || !isValidName(project) || !isValidName(name) || row.name !== rowNames.router(id)) return undefined;
  let ipv4: GatewayCidr | undefined;
  let ipv6: GatewayCidr | undefined;
  try {
    ipv4 = ext[EXT.ipv4] === undefined ? undefined : parseGatewayCidr('ipv4', 4, ext[EXT.ipv4]);
    ipv6 = ext[EXT.ipv6] === undefined ? undefined : parseGatewayCidr('ipv6', 6, ext[EXT.ipv6]);
  } catch {
    return undefined;
  }
  // An IPv6-only network has no hvnet:ipv4 key; a router with neither key is not a network.
  if (!ipv4 && !ipv6) return undefined;
  const declarations = (previous && !sameRow && declarationsAfter(previous, ext, changed)) || parseDeclarations(ext, project);
  return { id, project, name, description: ext[EXT.description] ?? '', ipv4, ipv6, mac: networkMac(id), declarations, router: row };
}

function parseDeclarations(ext: Readonly<Record<string, string>>, project: string): DeclarationMap {
  const declarations = new Map<string, Declaration>();
  for (const k in ext) {
    if (!k.startsWith(EXT.peeringPrefix)) continue;
    const peering = k.slice(EXT.peeringPrefix.length);
    const d = isValidName(peering) ? decodeDeclaration(peering, ext[k] as string, project) : undefined;
    if (d) declarations.set(peering, d);
  }
  return DeclarationMap.owning(declarations);
}

/**
 * The declarations of `ext` as a change of `previous`'s router: its map itself when no
 * declaration changed, else its map patched with only the changed ones decoded (declaration-map.ts).
 * Undefined (parse it all) when anything but declarations changed, so nothing that another key
 * could affect is kept.
 */
function declarationsAfter(previous: Network, ext: Readonly<Record<string, string>>, changed: Iterable<string> | undefined): ReadonlyMap<string, Declaration> | undefined {
  // The previous row's map is read only when the changed keys are not known: made whole for the
  // reader, it would cost what this saves.
  if (!previous.router) return undefined;
  const keys = changed ? [...changed] : changedKeys(ext, previous.router.external_ids);
  if (keys.some((k) => !k.startsWith(EXT.peeringPrefix))) return undefined;
  if (keys.length === 0) return previous.declarations;
  const changes: [string, Declaration | undefined][] = [];
  for (const k of keys) {
    const peering = k.slice(EXT.peeringPrefix.length);
    const v = ext[k];
    changes.push([peering, v !== undefined && isValidName(peering) ? decodeDeclaration(peering, v, previous.project) : undefined]);
  }
  // The previous parse's map, patched where it is (it keeps answering as it was for the old row).
  const before = previous.declarations instanceof DeclarationMap ? previous.declarations : DeclarationMap.owning(new Map(previous.declarations));
  return before.patched(changes);
}

// By declarations map, not by network: planners copy a network with a new map (`{ ...a,
// declarations }`) and never change a map once made, so a map's index never goes stale.
const byTarget = new WeakMap<ReadonlyMap<string, Declaration>, TargetIndex>();

/** Declarations by `project/network` of their target (the first one, when a hand edit made two). */
interface TargetIndex {
  first: Map<string, Declaration>;
  duplicates: boolean;
}

/**
 * The declaration of `n` targeting `project/network`, if any. Indexed: a hub's status asks this
 * of every spoke about the hub and of the hub about every spoke, so a scan would be quadratic.
 */
export function declarationTo(n: Pick<Network, 'declarations'>, project: string, network: string): Declaration | undefined {
  if (n.declarations instanceof DeclarationMap) return n.declarations.towards(networkKey(project, network));
  let index = byTarget.get(n.declarations);
  if (!index) {
    index = { first: new Map(), duplicates: false };
    for (const d of n.declarations.values()) {
      const k = networkKey(d.target.project, d.target.network);
      if (!index.first.has(k)) index.first.set(k, d);
      else index.duplicates = true;
    }
    byTarget.set(n.declarations, index);
  }
  return index.first.get(networkKey(project, network));
}

/**
 * `declarations` with one declaration set (or, undefined, removed), its target index made from
 * the old map's: a plan about one peering of a hub must not index all of the hub's again.
 */
export function withDeclaration(declarations: ReadonlyMap<string, Declaration>, name: string, d: Declaration | undefined): ReadonlyMap<string, Declaration> {
  if (declarations instanceof DeclarationMap) return declarations.withOne(name, d);
  const out = new Map(declarations);
  if (d) out.set(name, d);
  else out.delete(name);
  deriveTargetIndex(declarations, out, [name]);
  return out;
}

/**
 * The target index of `after` made from `before`'s (when it has one and no target is declared
 * twice) and the declarations that changed, rather than from all of a hub's declarations again.
 */
function deriveTargetIndex(before: ReadonlyMap<string, Declaration>, after: ReadonlyMap<string, Declaration>, names: readonly string[]): void {
  const prev = byTarget.get(before);
  if (!prev || prev.duplicates) return;
  const first = new Map(prev.first);
  const keyOf = (d: Declaration): string => networkKey(d.target.project, d.target.network);
  for (const name of names) {
    const old = before.get(name);
    if (old && first.get(keyOf(old)) === old) first.delete(keyOf(old));
  }
  for (const name of names) {
    const d = after.get(name);
    if (!d) continue;
    if (first.has(keyOf(d))) return; // a second declaration towards one target: index it all
    first.set(keyOf(d), d);
  }
  byTarget.set(after, { first, duplicates: false });
}

/** A peer port or route on a router, with the id of the network it leads to. */
export interface PeerRow<T> {
  row: T;
  remoteId: number;
}

/** A router's peer rows towards one network at a time (see NbView.peerRowsByRemote). */
export interface PeerRowsByRemote {
  portsTo(remoteId: number): PeerRow<RouterPortRow>[];
  routesTo(remoteId: number): PeerRow<RouteRow>[];
}

export function groupByRemote<T>(rows: PeerRow<T>[]): Map<number, PeerRow<T>[]> {
  const out = new Map<number, PeerRow<T>[]>();
  for (const r of rows) {
    const list = out.get(r.remoteId);
    if (list) list.push(r);
    else out.set(r.remoteId, [r]);
  }
  return out;
}

function networkKey(project: string, name: string): string {
  return `${project}/${name}`;
}

/**
 * A read view of the cache for planners. Synchronous: a plan made without awaiting in between
 * sees one consistent state (the cache applies each NB transaction's update as a whole).
 */
/** The longest run of counting declarations into the view's index in one turn (ms). */
const SETTLE_SLICE_MS = 20;

export class NbView {
  /**
   * Router uuids by project, then network name: a lookup by project and name (several per
   * peering on each request, status update and repair) reads two maps by strings the rows
   * already hold, rather than building and hashing a `project/name` key each time.
   */
  private readonly byKey = new Map<string, Map<string, Set<string>>>();
  private readonly byId = new Map<number, Set<string>>();
  private readonly parsed = new WeakMap<object, Network | null>();
  /**
   * A router row's last parsed predecessor (the rows it replaced in the cache), and the
   * external_ids keys changed since, until the new one is parsed.
   */
  private readonly predecessor = new WeakMap<RouterRow, { from: RouterRow; keys: KeysSince }>();
  /** The remote network id tagged on each peer port and route, by row uuid. */
  private readonly peerTags = new Map<string, number>();
  /** Declarations by their target's `project/network`: declaring network id → how many. */
  private readonly towards = new Map<string, Map<number, number>>();
  /** Declaration keys on the routers of each network id, parsed or not: how many. */
  private readonly declared = new Map<number, number>();
  /** Peer rows by the network they lead to: owning network id → how many. */
  private readonly rowOwners = new Map<number, Map<number, number>>();
  /** Bumped when a peer row's tag changes in place: a grouping made before is stale. */
  private tagsVersion = 0;
  private readonly grouped = new WeakMap<RouterRow, Grouping>();
  /**
   * A router row's last grouped predecessor, and the changes of its ports and routes since (each
   * update's, in order; undefined: not known, compare the sets), until the new one is grouped.
   */
  private readonly groupPredecessor = new WeakMap<RouterRow, { from: RouterRow; changes: RowChanges<RouterRow>[] | undefined }>();
  private readonly onChange = (e: CacheEvent<NbTables>): void => {
    if (e.table === 'Logical_Router_Port' || e.table === 'Logical_Router_Static_Route') {
      const before = e.kind === 'insert' ? undefined : parseId(e.old.external_ids[EXT.peerId]);
      const now = e.kind === 'delete' ? undefined : parseId(e.row.external_ids[EXT.peerId]);
      const u = e.kind === 'delete' ? e.old._uuid : e.row._uuid;
      if (now === undefined) this.peerTags.delete(u);
      else this.peerTags.set(u, now);
      if (e.kind === 'update' && before !== now) this.tagsVersion++;
      if (e.kind !== 'insert') this.countRow(e.old.external_ids, -1);
      if (e.kind !== 'delete') this.countRow(e.row.external_ids, 1);
      return;
    }
    if (e.table !== 'Logical_Router') return;
    if (e.kind !== 'update') {
      this.countAllDeclarations(e.kind === 'insert' ? e.row.external_ids : e.old.external_ids, e.kind === 'insert' ? 1 : -1);
      if (e.kind === 'insert') this.index(e.row);
      else this.unindex(e.old);
      return;
    }
    const ext = extChange(e);
    this.countDeclarations(e, ext);
    this.notePredecessors(e, ext);
    // The network's id, project and name (what the lookups go by) are three keys: unless one of
    // them changed, the row is found as before, without reading its old map.
    const at = [EXT.id, EXT.project, EXT.network] as const;
    if (ext.keys.some((k) => (at as readonly string[]).includes(k))) {
      this.unindexAs(e.old._uuid, ext.before(EXT.id), ext.before(EXT.project), ext.before(EXT.network));
      this.index(e.row);
    }
  };

  /** Links the new row to the last parsed and the last grouped of the rows before it, with what changed since. */
  private notePredecessors(e: { old: RouterRow; row: RouterRow; changes?: RowChanges<RouterRow> }, ext: ExtChange): void {
    const parsedFrom = this.parsed.has(e.old) ? undefined : this.predecessor.get(e.old);
    let keys: KeysSince;
    if (parsedFrom) {
      keys = parsedFrom.keys && e.changes ? new Set(parsedFrom.keys) : undefined;
      if (keys) for (const k of ext.keys) keys.add(k);
    } else keys = e.changes ? new Set(ext.keys) : undefined;
    this.predecessor.set(e.row, { from: parsedFrom?.from ?? e.old, keys });
    const groupedFrom = this.grouped.has(e.old) ? undefined : this.groupPredecessor.get(e.old);
    const changes = groupedFrom ? groupedFrom.changes && e.changes && [...groupedFrom.changes, e.changes] : e.changes && [e.changes];
    this.groupPredecessor.set(e.row, { from: groupedFrom?.from ?? e.old, changes });
  }

  constructor(readonly cache: TableCache<NbTables>) {
    for (const row of cache.table('Logical_Router').values()) {
      this.index(row);
      this.countAllDeclarations(row.external_ids, 1);
    }
    for (const table of ['Logical_Router_Port', 'Logical_Router_Static_Route'] as const) {
      for (const row of cache.table(table).values()) {
        const remote = parseId(row.external_ids[EXT.peerId]);
        if (remote !== undefined) this.peerTags.set(row._uuid, remote);
        this.countRow(row.external_ids, 1);
      }
    }
    cache.on('change', this.onChange);
  }

  close(): void {
    this.cache.off('change', this.onChange);
  }

  private index(row: RouterRow): void {
    const ext = row.external_ids;
    const id = parseId(ext[EXT.id]);
    if (id === undefined) return;
    addTo(this.byId, id, row._uuid);
    const project = ext[EXT.project];
    const name = ext[EXT.network];
    if (project === undefined || name === undefined) return;
    let names = this.byKey.get(project);
    if (!names) this.byKey.set(project, (names = new Map<string, Set<string>>()));
    addTo(names, name, row._uuid);
  }

  private unindex(row: RouterRow): void {
    const ext = row.external_ids;
    this.unindexAs(row._uuid, ext[EXT.id], ext[EXT.project], ext[EXT.network]);
  }

  private unindexAs(uuid: string, idText: string | undefined, project: string | undefined, name: string | undefined): void {
    const id = parseId(idText);
    if (id === undefined) return;
    removeFrom(this.byId, id, uuid);
    if (project === undefined || name === undefined) return;
    const names = this.byKey.get(project);
    if (!names) return;
    removeFrom(names, name, uuid);
    if (names.size === 0) this.byKey.delete(project);
  }

  /**
   * The ids of the networks declaring a peering towards `project/network` (by their stored
   * targets, before any other check): who a network coming or going can matter to.
   */
  declaringTowards(project: string, network: string): number[] {
    this.settleTowards(Number.POSITIVE_INFINITY);
    return [...(this.towards.get(networkKey(project, network))?.keys() ?? [])];
  }

  /** The ids of the networks whose routers hold peer rows tagged as leading to network `id`. */
  rowOwnersTowards(id: number): number[] {
    return [...(this.rowOwners.get(id)?.keys() ?? [])];
  }

  /** Keeps `towards` and `declared` in step with a router update: only the changed declarations. */
  private countDeclarations(e: { old: RouterRow; row: RouterRow }, ext: ExtChange): void {
    const now = e.row.external_ids;
    const id = parseId(now[EXT.id]);
    const project = now[EXT.project];
    if (ext.keys.every((k) => k.startsWith(EXT.peeringPrefix)) && id !== undefined && project !== undefined) {
      let delta = 0;
      for (const k of ext.keys) {
        const before = ext.before(k);
        const after = now[k];
        delta += (after === undefined ? 0 : 1) - (before === undefined ? 0 : 1);
        this.countDeclaration(id, project, before, -1);
        this.countDeclaration(id, project, after, 1);
      }
      if (delta !== 0) addCount(this.declared, id, delta);
      return;
    }
    this.countAllDeclarations(e.old.external_ids, -1);
    this.countAllDeclarations(now, 1);
  }

  private countAllDeclarations(ext: Readonly<Record<string, string>>, delta: number): void {
    const id = parseId(ext[EXT.id]);
    if (id === undefined) return;
    const project = ext[EXT.project];
    let keys = 0;
    for (const k in ext) {
      if (!k.startsWith(EXT.peeringPrefix)) continue;
      keys++;
      if (project !== undefined) this.countDeclaration(id, project, ext[k], delta);
    }
    if (keys > 0) addCount(this.declared, id, keys * delta);
  }

  /**
   * Counted into `towards` later: each declaration's target is in its JSON text, and a burst of
   * thousands of declarations (or the first fill at start) parsed them all in the task that
   * applies the NB update (10–17 ms of it at 5,000 spokes). They are counted in the next turns,
   * in slices, or at once by the first reader.
   */
  private countDeclaration(id: number, project: string, text: string | undefined, delta: number): void {
    if (text === undefined) return;
    if (this.towardsPending.length === 0) setImmediate(this.settleTowardsSoon);
    this.towardsPending.push({ id, project, text, delta });
  }

  private towardsPending: { id: number; project: string; text: string; delta: number }[] = [];
  private towardsAt = 0;

  private readonly settleTowardsSoon = (): void => {
    if (!this.settleTowards(sliceDeadline(SETTLE_SLICE_MS))) setImmediate(this.settleTowardsSoon);
  };

  /** Counts pending declarations until the deadline; says whether none is left. */
  private settleTowards(deadline: number): boolean {
    const pending = this.towardsPending;
    while (this.towardsAt < pending.length) {
      const d = pending[this.towardsAt++] as { id: number; project: string; text: string; delta: number };
      const t = declarationTarget(d.text, d.project);
      if (t) count(this.towards, networkKey(t.project, t.network), d.id, d.delta);
      if (this.towardsAt % 64 === 0 && performance.now() >= deadline) return false;
    }
    this.towardsPending = [];
    this.towardsAt = 0;
    return true;
  }

  private countRow(ext: Readonly<Record<string, string>>, delta: number): void {
    const owner = parseId(ext[EXT.id]);
    const remote = parseId(ext[EXT.peerId]);
    if (owner !== undefined && remote !== undefined) count(this.rowOwners, remote, owner, delta);
  }

  router(uuid: string): RouterRow | undefined {
    return this.cache.get('Logical_Router', uuid);
  }

  private networkOf(uuid: string): Network | undefined {
    const row = this.router(uuid);
    if (!row) return undefined;
    let n = this.parsed.get(row);
    if (n === undefined) {
      const p = this.predecessor.get(row);
      const before = p && this.parsed.get(p.from);
      n = (before ? parseNetwork(row, before, p.keys) : parseNetwork(row)) ?? null;
      this.predecessor.delete(row);
      this.parsed.set(row, n);
    }
    return n ?? undefined;
  }

  /** The network `project/name`; with duplicates (made by hand), the lowest id. */
  network(project: string, name: string): Network | undefined {
    const uuids = this.byKey.get(project)?.get(name);
    if (!uuids) return undefined;
    let best: Network | undefined;
    for (const u of uuids) {
      const n = this.networkOf(u);
      if (n && (!best || n.id < best.id)) best = n;
    }
    return best;
  }

  /**
   * The ids of every router indexed as `project/name`, none of them parsed: each id `network()`
   * can answer, and those of routers that do not parse as a network. For a reader that only
   * needs who may be concerned (the reconciler's touched pairs): parsing is left to whoever
   * reads the network, not done for thousands of them in the task that takes in an NB update.
   */
  idsNamed(project: string, name: string): number[] {
    const out: number[] = [];
    for (const u of this.byKey.get(project)?.get(name) ?? []) {
      const id = parseId(this.router(u)?.external_ids[EXT.id]);
      if (id !== undefined) out.push(id);
    }
    return out;
  }

  /** Every router tagged with network id `id`, none of them parsed (see idsNamed). */
  routersWithId(id: number): RouterRow[] {
    const out: RouterRow[] = [];
    for (const u of this.byId.get(id) ?? []) {
      const r = this.router(u);
      if (r) out.push(r);
    }
    return out;
  }

  /** Every network id a router is tagged with, none of them parsed (see idsNamed). */
  networkIds(): IterableIterator<number> {
    return this.byId.keys();
  }

  /**
   * How many declaration keys the routers of network `id` hold, parsed or not: at least its
   * declarations' count, known without parsing the network or listing its keys.
   */
  declarationCount(id: number): number {
    return this.declared.get(id) ?? 0;
  }

  networkById(id: number): Network | undefined {
    for (const u of this.byId.get(id) ?? []) {
      const n = this.networkOf(u);
      if (n) return n;
    }
    return undefined;
  }

  networks(project?: string): Network[] {
    const out: Network[] = [];
    for (const uuids of this.byId.values()) {
      for (const u of uuids) {
        const n = this.networkOf(u);
        if (n && (project === undefined || n.project === project)) out.push(n);
      }
    }
    return out.sort((a, b) => (a.project === b.project ? (a.name < b.name ? -1 : 1) : a.project < b.project ? -1 : 1));
  }

  /** Whether an id is taken by a router, or any of its row names by a row (hvnet's or not). */
  idTaken(id: number): boolean {
    if ((this.byId.get(id)?.size ?? 0) > 0) return true;
    const c = this.cache;
    return (
      c.lookup('Logical_Router', ['name'], [rowNames.router(id)]).length > 0 ||
      c.lookup('Logical_Switch', ['name'], [rowNames.switch(id)]).length > 0 ||
      c.lookupOne('Logical_Router_Port', 'name', rowNames.routerPort(id)) !== undefined ||
      c.lookupOne('Logical_Switch_Port', 'name', rowNames.switchRouterPort(id)) !== undefined
    );
  }

  maxId(): number {
    let max = 0;
    for (const id of this.byId.keys()) if (id > max) max = id;
    return max;
  }

  /** Networks whose routers hold peer rows leading to network `id` (found by the rows' tags). */
  networksWithPeerRowsTo(id: number): Network[] {
    const out: Network[] = [];
    const tag = String(id);
    for (const uuids of this.byId.values()) {
      for (const u of uuids) {
        const n = this.networkOf(u);
        const r = n?.router;
        if (!n || !r || n.id === id) continue;
        const hit =
          r.ports.some((p) => this.port(p)?.external_ids[EXT.peerId] === tag) ||
          r.static_routes.some((x) => this.route(x)?.external_ids[EXT.peerId] === tag);
        if (hit) out.push(n);
      }
    }
    return out;
  }

  port(uuid: string): RouterPortRow | undefined {
    return this.cache.get('Logical_Router_Port', uuid);
  }

  route(uuid: string): RouteRow | undefined {
    return this.cache.get('Logical_Router_Static_Route', uuid);
  }

  /** The router's ports that hvnet made for peerings (tagged with the remote network's id). */
  peerPorts(router: RouterRow): PeerRow<RouterPortRow>[] {
    const out: PeerRow<RouterPortRow>[] = [];
    for (const u of router.ports) {
      const p = this.port(u);
      const remoteId = parseId(p?.external_ids[EXT.peerId]);
      if (p && remoteId !== undefined) out.push({ row: p, remoteId });
    }
    return out;
  }

  peerRoutes(router: RouterRow): PeerRow<RouteRow>[] {
    const out: PeerRow<RouteRow>[] = [];
    for (const u of router.static_routes) {
      const r = this.route(u);
      const remoteId = parseId(r?.external_ids[EXT.peerId]);
      if (r && remoteId !== undefined) out.push({ row: r, remoteId });
    }
    return out;
  }

  /**
   * The router's peer ports and routes by the network they lead to. The grouping (row uuids, by
   * the tags kept from the cache's events) is made once per router row, without reading each
   * row; the rows towards one network are read when asked for: checking one peering of a hub
   * must not walk all of the hub's rows.
   */
  peerRowsByRemote(router: RouterRow): PeerRowsByRemote {
    let g = this.grouped.get(router);
    if (!g || g.version !== this.tagsVersion) {
      // The previous row's grouping, taken over and patched with the rows that came and went: a
      // hub's router changes with each of its peerings, and grouping it again cost all its rows.
      const p = this.groupPredecessor.get(router);
      const prev = p && this.grouped.get(p.from);
      if (p && prev && prev.version === this.tagsVersion) {
        this.grouped.delete(p.from);
        if (p.changes) {
          for (const c of p.changes) {
            const ports = c.ports?.kind === 'set' ? c.ports : undefined;
            const routes = c.static_routes?.kind === 'set' ? c.static_routes : undefined;
            if (ports) this.applyToGroups(prev.ports, prev.remoteOf, ports.removed as string[], ports.added as string[]);
            if (routes) this.applyToGroups(prev.routes, prev.remoteOf, routes.removed as string[], routes.added as string[]);
          }
        } else {
          this.patchGroups(prev.ports, prev.remoteOf, p.from.ports, router.ports);
          this.patchGroups(prev.routes, prev.remoteOf, p.from.static_routes, router.static_routes);
        }
        g = prev;
      } else {
        const remoteOf = new Map<string, number>();
        g = { version: this.tagsVersion, ports: this.groupUuids(router.ports, remoteOf), routes: this.groupUuids(router.static_routes, remoteOf), remoteOf };
      }
      this.grouped.set(router, g);
      this.groupPredecessor.delete(router);
    }
    const { ports, routes } = g;
    return {
      portsTo: (id) => this.rowsOf(ports.get(id), id, (u) => this.port(u)),
      routesTo: (id) => this.rowsOf(routes.get(id), id, (u) => this.route(u)),
    };
  }

  /** The ids of the networks the router's peer rows lead to. */
  peerRemotes(router: RouterRow): number[] {
    this.peerRowsByRemote(router);
    const g = this.grouped.get(router);
    return g ? [...new Set([...g.ports.keys(), ...g.routes.keys()])] : [];
  }

  private groupUuids(uuids: readonly string[], remoteOf: Map<string, number>): Map<number, string[]> {
    const out = new Map<number, string[]>();
    for (const u of uuids) {
      const remote = this.peerTags.get(u);
      if (remote === undefined) continue;
      remoteOf.set(u, remote);
      const list = out.get(remote);
      if (list) list.push(u);
      else out.set(remote, [u]);
    }
    return out;
  }

  /**
   * Applies to `groups` the uuids `before` → `after` removed and added. The cache keeps a set's
   * order (removals close up, additions go last), so one walk comparing references finds them;
   * any other order only makes the walk see more removed-and-added pairs, still exact.
   */
  private patchGroups(groups: Map<number, string[]>, remoteOf: Map<string, number>, before: readonly string[], after: readonly string[]): void {
    const removed: string[] = [];
    let j = 0;
    for (const u of before) {
      if (j < after.length && after[j] === u) j++;
      else removed.push(u);
    }
    this.applyToGroups(groups, remoteOf, removed, after.slice(j));
  }

  /** Takes `removed` out of `groups` and puts `added` in (by their tags). */
  private applyToGroups(groups: Map<number, string[]>, remoteOf: Map<string, number>, removed: readonly string[], added: readonly string[]): void {
    for (const u of removed) {
      const remote = remoteOf.get(u);
      if (remote === undefined) continue;
      remoteOf.delete(u);
      const rest = (groups.get(remote) ?? []).filter((x) => x !== u);
      if (rest.length > 0) groups.set(remote, rest);
      else groups.delete(remote);
    }
    for (const u of added) {
      const remote = this.peerTags.get(u);
      if (remote === undefined) continue;
      remoteOf.set(u, remote);
      groups.set(remote, [...(groups.get(remote) ?? []), u]);
    }
  }

  private rowsOf<T extends { external_ids: Record<string, string> }>(uuids: string[] | undefined, remoteId: number, get: (u: string) => T | undefined): PeerRow<T>[] {
    const out: PeerRow<T>[] = [];
    for (const u of uuids ?? []) {
      const row = get(u);
      if (row && parseId(row.external_ids[EXT.peerId]) === remoteId) out.push({ row, remoteId });
    }
    return out;
  }

  switchOf(id: number): SwitchRow | undefined {
    return this.cache.lookup('Logical_Switch', ['name'], [rowNames.switch(id)])[0];
  }

  nbGlobal(): GlobalRow | undefined {
    const first = this.cache.table('NB_Global').values().next();
    return first.done ? undefined : first.value;
  }

  /** Every project: `default` always, plus those recorded in NB_Global. */
  projects(): Project[] {
    const out = new Map<string, Project>([[DEFAULT_PROJECT, { name: DEFAULT_PROJECT, description: 'Default project' }]]);
    const ext = this.nbGlobal()?.external_ids ?? {};
    for (const [k, v] of Object.entries(ext)) {
      if (!k.startsWith(EXT.projectPrefix)) continue;
      const name = k.slice(EXT.projectPrefix.length);
      if (!isValidName(name) || name === DEFAULT_PROJECT) continue;
      let description = '';
      try {
        const parsed = JSON.parse(v) as { description?: unknown };
        if (typeof parsed.description === 'string') description = parsed.description;
      } catch {
        // a hand-written value: the project exists, without a description
      }
      out.set(name, { name, description });
    }
    return [...out.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  project(name: string): Project | undefined {
    return this.projects().find((p) => p.name === name);
  }
}

/** A router's peer rows (uuids) by the network they lead to, and the way back. */
interface Grouping {
  version: number;
  ports: Map<number, string[]>;
  routes: Map<number, string[]>;
  remoteOf: Map<string, number>;
}

function count<K>(m: Map<K, Map<number, number>>, k: K, id: number, delta: number): void {
  let ids = m.get(k);
  if (!ids) m.set(k, (ids = new Map<number, number>()));
  const n = (ids.get(id) ?? 0) + delta;
  if (n > 0) ids.set(id, n);
  else ids.delete(id);
  if (ids.size === 0) m.delete(k);
}

function addTo<K>(m: Map<K, Set<string>>, k: K, v: string): void {
  let s = m.get(k);
  if (!s) m.set(k, (s = new Set()));
  s.add(v);
}

function removeFrom<K>(m: Map<K, Set<string>>, k: K, v: string): void {
  const s = m.get(k);
  s?.delete(v);
  if (s?.size === 0) m.delete(k);
}

function addCount(m: Map<number, number>, id: number, delta: number): void {
  const n = (m.get(id) ?? 0) + delta;
  if (n === 0) m.delete(id);
  else m.set(id, n);
}
