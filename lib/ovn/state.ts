// Reading hvnet's state out of the monitored NB cache: projects (NB_Global external_ids),
// networks (one Logical_Router each, user names and settings in its external_ids), peering
// declarations (one external_ids key per peering on the router) and the peer rows.
//
// Nothing here is state of its own: the indexes below are derived from the cache and follow its
// change events, so any hvnetd sharing the NB reads the same thing. Parsed networks are memoised
// per cache row object (the cache replaces a row object on every change, so a memo never goes
// stale).
import { isPeeringType } from './peering-types.js';
import type { PeeringType } from './peering-types.js';
import type { TableCache, CacheEvent } from '../ovsdb/cache.js';
import type { NbTables } from './schema-check.js';
import { parseGatewayCidr } from './cidr.js';
import type { GatewayCidr } from './cidr.js';
import { EXT, networkMac, parseId, rowNames } from './ids.js';
import { DEFAULT_PROJECT, formatTarget, isValidName, parseTarget } from './names.js';
import type { Target } from './names.js';

// The rows as the cache holds them (the monitored columns of NB_TABLES).
export type RouterRow = NbTables['Logical_Router'];
export type RouterPortRow = NbTables['Logical_Router_Port'];
export type RouteRow = NbTables['Logical_Router_Static_Route'];
export type SwitchRow = NbTables['Logical_Switch'];
export type GlobalRow = NbTables['NB_Global'];

/** One side's declaration of a peering, as stored under `hvnet:peering:<name>` on its router. */
export interface Declaration {
  name: string;
  /** Stored only when not `local`, so declarations made before types existed read as local. */
  type: PeeringType;
  target: Target;
  description: string;
  config: Record<string, string>;
}

export interface Network {
  id: number;
  project: string;
  name: string;
  description: string;
  ipv4: GatewayCidr;
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
  const config = Object.fromEntries(Object.entries(d.config).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const type = d.type === 'local' ? {} : { type: d.type };
  return JSON.stringify({ ...type, target: formatTarget(d.target), description: d.description, config });
}

function decodeDeclaration(name: string, text: string, project: string): Declaration | undefined {
  try {
    const v = JSON.parse(text) as { type?: unknown; target?: unknown; description?: unknown; config?: unknown };
    if (typeof v.target !== 'string' || typeof v.description !== 'string') return undefined;
    const type = v.type ?? 'local';
    if (!isPeeringType(type)) return undefined;
    const config: Record<string, string> = {};
    if (typeof v.config === 'object' && v.config !== null) {
      for (const [k, val] of Object.entries(v.config as Record<string, unknown>)) if (typeof val === 'string') config[k] = val;
    }
    return { name, type, target: parseTarget(v.target, project), description: v.description, config };
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

/** The target of a stored declaration, without the rest of it; undefined when it does not parse. */
export function declarationTarget(text: string | undefined, project: string): Target | undefined {
  if (text === undefined) return undefined;
  try {
    const v = JSON.parse(text) as { target?: unknown };
    return typeof v.target === 'string' ? parseTarget(v.target, project) : undefined;
  } catch {
    return undefined;
  }
}

export function encodeProject(p: Omit<Project, 'name'>): string {
  return JSON.stringify({ description: p.description });
}

/**
 * Parses a router into a Network; undefined when it is not an (intact) hvnet network router.
 * `previous`: the same router parsed before its last change; declarations whose stored text did
 * not change are taken from it (and its whole declarations map when none did), so a change to a
 * hub's router does not decode, nor re-index, its thousands of declarations again.
 */
export function parseNetwork(row: RouterRow, previous?: Network): Network | undefined {
  const ext = row.external_ids;
  const id = parseId(ext[EXT.id]);
  const project = ext[EXT.project];
  const name = ext[EXT.network];
  if (id === undefined || !isValidName(project) || !isValidName(name) || row.name !== rowNames.router(id)) return undefined;
  let ipv4: GatewayCidr;
  let ipv6: GatewayCidr | undefined;
  try {
    ipv4 = parseGatewayCidr('ipv4', 4, ext[EXT.ipv4]);
    ipv6 = ext[EXT.ipv6] === undefined ? undefined : parseGatewayCidr('ipv6', 6, ext[EXT.ipv6]);
  } catch {
    return undefined;
  }
  const before = previous?.project === project ? previous : undefined;
  const beforeExt = before?.router?.external_ids;
  let declarations = new Map<string, Declaration>();
  let reused = 0;
  for (const k in ext) {
    if (!k.startsWith(EXT.peeringPrefix)) continue;
    const v = ext[k] as string;
    const peering = k.slice(EXT.peeringPrefix.length);
    const kept = beforeExt?.[k] === v ? before?.declarations.get(peering) : undefined;
    if (kept) reused++;
    const d = kept ?? (isValidName(peering) ? decodeDeclaration(peering, v, project) : undefined);
    if (d) declarations.set(peering, d);
  }
  if (before && reused === declarations.size && reused === before.declarations.size) declarations = before.declarations as Map<string, Declaration>;
  return { id, project, name, description: ext[EXT.description] ?? '', ipv4, ipv6, mac: networkMac(id), declarations, router: row };
}

// By declarations map, not by network: planners copy a network with a new map (`{ ...a,
// declarations }`) and never change a map once made, so a map's index never goes stale.
const byTarget = new WeakMap<ReadonlyMap<string, Declaration>, Map<string, Declaration>>();

/**
 * The declaration of `n` targeting `project/network`, if any. Indexed: a hub's status asks this
 * of every spoke about the hub and of the hub about every spoke, so a scan would be quadratic.
 */
export function declarationTo(n: Pick<Network, 'declarations'>, project: string, network: string): Declaration | undefined {
  let index = byTarget.get(n.declarations);
  if (!index) {
    index = new Map();
    for (const d of n.declarations.values()) {
      const k = networkKey(d.target.project, d.target.network);
      if (!index.has(k)) index.set(k, d);
    }
    byTarget.set(n.declarations, index);
  }
  return index.get(networkKey(project, network));
}

/** A peer port or route on a router, with the id of the network it leads to. */
export interface PeerRow<T> {
  row: T;
  remoteId: number;
}

export interface PeerRowsByRemote {
  ports: ReadonlyMap<number, readonly PeerRow<RouterPortRow>[]>;
  routes: ReadonlyMap<number, readonly PeerRow<RouteRow>[]>;
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
export class NbView {
  private readonly byKey = new Map<string, Set<string>>();
  private readonly byId = new Map<number, Set<string>>();
  private readonly parsed = new WeakMap<object, Network | null>();
  /** A router row's predecessor (the row it replaced in the cache), until the new one is parsed. */
  private readonly predecessor = new WeakMap<RouterRow, RouterRow>();
  /** Bumped on every peer port or route change: a grouping made before is stale. */
  private rowsVersion = 0;
  private readonly grouped = new WeakMap<RouterRow, PeerRowsByRemote & { version: number }>();
  private readonly onChange = (e: CacheEvent<NbTables>): void => {
    if (e.table === 'Logical_Router_Port' || e.table === 'Logical_Router_Static_Route') this.rowsVersion++;
    if (e.table !== 'Logical_Router') return;
    // Chained past rows never parsed, to the last one that was.
    if (e.kind === 'update') this.predecessor.set(e.row, this.parsed.has(e.old) ? e.old : (this.predecessor.get(e.old) ?? e.old));
    if (e.kind !== 'insert') this.unindex(e.old);
    if (e.kind !== 'delete') this.index(e.row);
  };

  constructor(readonly cache: TableCache<NbTables>) {
    for (const row of cache.table('Logical_Router').values()) this.index(row);
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
    if (project !== undefined && name !== undefined) addTo(this.byKey, networkKey(project, name), row._uuid);
  }

  private unindex(row: RouterRow): void {
    const ext = row.external_ids;
    const id = parseId(ext[EXT.id]);
    if (id === undefined) return;
    removeFrom(this.byId, id, row._uuid);
    const project = ext[EXT.project];
    const name = ext[EXT.network];
    if (project !== undefined && name !== undefined) removeFrom(this.byKey, networkKey(project, name), row._uuid);
  }

  router(uuid: string): RouterRow | undefined {
    return this.cache.get('Logical_Router', uuid);
  }

  private networkOf(uuid: string): Network | undefined {
    const row = this.router(uuid);
    if (!row) return undefined;
    let n = this.parsed.get(row);
    if (n === undefined) {
      const old = this.predecessor.get(row);
      n = parseNetwork(row, (old && this.parsed.get(old)) ?? undefined) ?? null;
      this.predecessor.delete(row);
      this.parsed.set(row, n);
    }
    return n ?? undefined;
  }

  /** The network `project/name`; with duplicates (made by hand), the lowest id. */
  network(project: string, name: string): Network | undefined {
    const uuids = this.byKey.get(networkKey(project, name));
    if (!uuids) return undefined;
    let best: Network | undefined;
    for (const u of uuids) {
      const n = this.networkOf(u);
      if (n && (!best || n.id < best.id)) best = n;
    }
    return best;
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
   * The router's peer ports and routes by the network they lead to, kept until the router or any
   * peer row changes: checking one peering of a hub must not walk all of the hub's rows.
   */
  peerRowsByRemote(router: RouterRow): PeerRowsByRemote {
    const hit = this.grouped.get(router);
    if (hit && hit.version === this.rowsVersion) return hit;
    const g = { version: this.rowsVersion, ports: groupByRemote(this.peerPorts(router)), routes: groupByRemote(this.peerRoutes(router)) };
    this.grouped.set(router, g);
    return g;
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

