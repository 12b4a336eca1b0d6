// The OVN rows of active peerings, as a function of the declarations: for a mutual pair A↔B
// whose subnets do not overlap, A's router has a port facing B (A's MAC, A's gateway addresses as
// /32 and /128, `peer` = B's port) and a static route per address family to B's subnet via B's
// gateway out of that port — and the same on B. Only the families both networks have get an
// address and a route (families.ts); a pair with none in common is errored and has no rows.
// Everything else hvnet tagged as a peer row is removed. Planners call `convergePeerRows` for the networks a request touches; the reconciler
// calls it for all of them. The same diff tells whether a peering's rows are intact (status).
import { mutation, where } from '../ovsdb/operations.js';
import type { InsertOperation, UpdateOperation } from '../ovsdb/operations.js';
import type { MutationOf, WireMapOf } from '../ovsdb/row-types.js';
import { namedUuid, set, uuid } from '../ovsdb/values.js';
import { nb } from './nb-operations.js';
import type { LogicalRouterRow } from './schema/ovn-nb.generated.js';
import { hostCidr, overlaps } from './cidr.js';
import { noSharedFamilyReason, sharedGateways } from './families.js';
import { EXT, rowNames } from './ids.js';
import type { PlanModel, RowChange, TxnBuilder } from './plan.js';
import { declarationTo, groupByRemote } from './state.js';
import type { Declaration, NbView, Network, PeerRow, RouteRow, RouterPortRow } from './state.js';

export type PeeringState =
  | { status: 'pending' }
  | { status: 'errored'; reason: string; peer: Network }
  | { status: 'active'; peer: Network };

/** Shared by every pending answer: nothing reads more of it than its status. */
const PENDING: PeeringState = Object.freeze({ status: 'pending' });

/**
 * Pending unless the target exists and declares a peering back. Nothing about a target that does
 * not answer is revealed: a missing project, a missing network and a network that has not
 * declared yet all give the same `pending`.
 */
export function peeringState(model: Pick<PlanModel, 'network'>, a: Network, d: Declaration): PeeringState {
  switch (d.type) {
    case 'local':
      return localPeeringState(model, a, d);
    case 'remote':
      // Stored by an hvnet that has integrations: this one wants no rows for it and shows it as
      // waiting, as it would a remote side that has not answered.
      return PENDING;
  }
}

function localPeeringState(model: Pick<PlanModel, 'network'>, a: Network, d: Declaration): PeeringState {
  const b = model.network(d.target.project, d.target.network);
  if (!b || b.id === a.id) return PENDING;
  // Only a local declaration back completes a local pair.
  if (declarationTo(b, a.project, a.name)?.type !== 'local') return PENDING;
  // Asked for every peering of each plan and status update: the common answer (families shared,
  // no overlap) is found without the lists that word the other answers.
  let shared = false;
  let overlap = false;
  if (a.ipv4 && b.ipv4) {
    shared = true;
    overlap = overlaps(a.ipv4, b.ipv4);
  }
  if (a.ipv6 && b.ipv6) {
    shared = true;
    overlap ||= overlaps(a.ipv6, b.ipv6);
  }
  if (!shared) return { status: 'errored', reason: noSharedFamilyReason(a, b), peer: b };
  if (overlap) {
    const clash = sharedGateways(a, b)
      .filter((s) => overlaps(s.a, s.b))
      .map((s) => `${s.a.subnet} and ${s.b.subnet}`);
    return { status: 'errored', reason: `the subnets of the two networks overlap (${clash.join('; ')}); the peering is not activated`, peer: b };
  }
  return { status: 'active', peer: b };
}

interface WantPort {
  name: string;
  mac: string;
  networks: string[];
  peer: string;
}

interface WantRoute {
  ip_prefix: string;
  nexthop: string;
  output_port: string;
}

function wantPort(a: Network, b: Network): WantPort {
  const networks = sharedGateways(a, b).map((s) => hostCidr(s.a));
  return { name: rowNames.peerPort(a.id, b.id), mac: a.mac, networks, peer: rowNames.peerPort(b.id, a.id) };
}

function wantRoutes(a: Network, b: Network): WantRoute[] {
  const out = rowNames.peerPort(a.id, b.id);
  // A route per family both ends have: the nexthop must be reachable on the peer port.
  return sharedGateways(a, b).map((s) => ({ ip_prefix: s.b.subnet, nexthop: s.b.address, output_port: out }));
}

function samePort(row: RouterPortRow, want: WantPort): boolean {
  return (
    row.name === want.name &&
    row.mac === want.mac &&
    row.peer === want.peer &&
    sameAddresses(row.networks, want.networks)
  );
}

/** The same addresses in any order; a peer port has one or two, compared without sorting copies. */
function sameAddresses(have: readonly string[], want: readonly string[]): boolean {
  if (have.length !== want.length) return false;
  if (have.length === 1) return have[0] === want[0];
  if (have.length === 2) return (have[0] === want[0] && have[1] === want[1]) || (have[0] === want[1] && have[1] === want[0]);
  return [...have].sort().join(' ') === [...want].sort().join(' ');
}

function sameRoute(row: RouteRow, want: WantRoute): boolean {
  return (
    row.ip_prefix === want.ip_prefix &&
    row.nexthop === want.nexthop &&
    row.output_port === want.output_port &&
    (row.policy === undefined || row.policy === 'dst-ip') &&
    row.route_table === ''
  );
}

function tags(a: Network, remoteId: number): WireMapOf<string, string> {
  return ['map', [[EXT.id, String(a.id)], [EXT.peerId, String(remoteId)]]];
}

/** The active peers of a network in the model, by id. */
export function activePeers(model: Pick<PlanModel, 'network'>, a: Network): Map<number, Network> {
  const out = new Map<number, Network>();
  for (const d of a.declarations.values()) {
    const s = peeringState(model, a, d);
    if (s.status === 'active') out.set(s.peer.id, s.peer);
  }
  return out;
}

interface RouterDiff {
  inserts: InsertOperation[];
  updates: UpdateOperation[];
  mutations: MutationOf<LogicalRouterRow>[];
  changes: RowChange[];
  /** Remote networks the changes depend on. */
  remotes: Set<number>;
}

/** The active peers of `a` among the networks `ids` (what activePeers gives, restricted). */
function activePeersAmong(model: Pick<PlanModel, 'network' | 'networkById'>, a: Network, ids: ReadonlySet<number>): Map<number, Network> {
  const out = new Map<number, Network>();
  for (const id of ids) {
    const b = model.networkById(id);
    const d = b && declarationTo(a, b.project, b.name);
    const s = d && peeringState(model, a, d);
    if (s?.status === 'active' && s.peer.id === id) out.set(id, s.peer);
  }
  return out;
}

/** The rows towards each of `ids` (one network, for a request about one peering: its list as it is, read only). */
function rowsTowards<T>(ids: ReadonlySet<number>, of: (id: number) => PeerRow<T>[]): PeerRow<T>[] {
  if (ids.size === 1) return of(ids.values().next().value as number);
  const out: PeerRow<T>[] = [];
  for (const id of ids) for (const r of of(id)) out.push(r);
  return out;
}

/**
 * What must change on network `a`'s router so its peer rows match the model; with `towards`,
 * only its rows towards those networks (a request about one peering of a hub must not cost, nor
 * change, what concerns the hub's other peerings).
 */
export function diffPeerRows(view: NbView, model: PlanModel, a: Network, towards?: ReadonlySet<number>): RouterDiff {
  const diff: RouterDiff = { inserts: [], updates: [], mutations: [], changes: [], remotes: new Set() };
  const router = a.router;
  if (!router) return diff;
  const peers = towards ? activePeersAmong(model, a, towards) : activePeers(model, a);
  const g = towards && view.peerRowsByRemote(router);
  const ports = g ? rowsTowards(towards, (id) => g.portsTo(id)) : view.peerPorts(router);
  const routes = g ? rowsTowards(towards, (id) => g.routesTo(id)) : view.peerRoutes(router);
  const delPorts: string[] = [];
  const delRoutes: string[] = [];
  const addPorts: string[] = [];
  const addRoutes: string[] = [];
  const me = { id: a.id, project: a.project, name: a.name };
  const change = (c: Omit<RowChange, 'network'>): void => {
    diff.changes.push({ action: c.action, table: c.table, what: c.what, network: me, remote: c.remote });
    diff.remotes.add(c.remote.id);
  };
  const remoteOf = (id: number): RowChange['remote'] => {
    const b = peers.get(id) ?? view.networkById(id);
    return b ? { id, project: b.project, name: b.name } : { id };
  };

  // Grouped once: filtering the router's rows per peer is quadratic in a hub's peerings.
  const portsTo = groupByRemote(ports);
  const routesTo = groupByRemote(routes);
  for (const [bId, b] of peers) {
    const want = wantPort(a, b);
    const mine = portsTo.get(bId) ?? [];
    const keep = mine.find((p) => samePort(p.row, want)) ?? mine[0];
    for (const p of mine) {
      if (p === keep) continue;
      delPorts.push(p.row._uuid);
      change({ action: 'delete', table: 'Logical_Router_Port', what: p.row.name, remote: remoteOf(bId) });
    }
    if (!keep) {
      const name = `p_${a.id}_${bId}`;
      diff.inserts.push(
        nb.insert(
          'Logical_Router_Port',
          { name: want.name, mac: want.mac, networks: set(want.networks), peer: want.peer, external_ids: tags(a, bId) },
          name,
        ),
      );
      addPorts.push(name);
      change({ action: 'insert', table: 'Logical_Router_Port', what: want.name, remote: remoteOf(bId) });
    } else if (!samePort(keep.row, want)) {
      diff.updates.push(
        nb.update('Logical_Router_Port', [where('_uuid', '==', uuid(keep.row._uuid))], {
          name: want.name,
          mac: want.mac,
          networks: set(want.networks),
          peer: want.peer,
        }),
      );
      change({ action: 'update', table: 'Logical_Router_Port', what: want.name, remote: remoteOf(bId) });
    }

    const mineRoutes = routesTo.get(bId) ?? [];
    const used = new Set<string>();
    for (const [i, w] of wantRoutes(a, b).entries()) {
      const hit = mineRoutes.find((r) => !used.has(r.row._uuid) && sameRoute(r.row, w));
      if (hit) {
        used.add(hit.row._uuid);
        continue;
      }
      const name = `r_${a.id}_${bId}_${i}`;
      diff.inserts.push(
        nb.insert(
          'Logical_Router_Static_Route',
          { ip_prefix: w.ip_prefix, nexthop: w.nexthop, output_port: w.output_port, external_ids: tags(a, bId) },
          name,
        ),
      );
      addRoutes.push(name);
      change({ action: 'insert', table: 'Logical_Router_Static_Route', what: `${w.ip_prefix} via ${w.nexthop}`, remote: remoteOf(bId) });
    }
    for (const r of mineRoutes) {
      if (used.has(r.row._uuid)) continue;
      delRoutes.push(r.row._uuid);
      change({ action: 'delete', table: 'Logical_Router_Static_Route', what: `${r.row.ip_prefix} via ${r.row.nexthop}`, remote: remoteOf(bId) });
    }
  }
  // Rows for peerings that are no longer active (deleted, target gone, overlap): all go.
  for (const p of ports) {
    if (peers.has(p.remoteId)) continue;
    delPorts.push(p.row._uuid);
    change({ action: 'delete', table: 'Logical_Router_Port', what: p.row.name, remote: remoteOf(p.remoteId) });
  }
  for (const r of routes) {
    if (peers.has(r.remoteId)) continue;
    delRoutes.push(r.row._uuid);
    change({ action: 'delete', table: 'Logical_Router_Static_Route', what: `${r.row.ip_prefix} via ${r.row.nexthop}`, remote: remoteOf(r.remoteId) });
  }
  // Ports and routes are non-root rows: dropping the router's reference deletes them.
  if (delPorts.length > 0) diff.mutations.push(mutation('ports', 'delete', set(delPorts.map(uuid))));
  if (delRoutes.length > 0) diff.mutations.push(mutation('static_routes', 'delete', set(delRoutes.map(uuid))));
  if (addPorts.length > 0) diff.mutations.push(mutation('ports', 'insert', set(addPorts.map(namedUuid))));
  if (addRoutes.length > 0) diff.mutations.push(mutation('static_routes', 'insert', set(addRoutes.map(namedUuid))));
  return diff;
}

/**
 * Adds to the transaction what it takes to make the peer rows of `networks` match the model,
 * with guards on every router whose state the changes were computed from.
 */
export function convergePeerRows(
  tx: TxnBuilder,
  view: NbView,
  model: PlanModel,
  networks: Iterable<Network>,
  towards?: (a: Network) => ReadonlySet<number> | undefined,
): void {
  const seen = new Set<number>();
  for (const a of networks) {
    if (seen.has(a.id) || model.isRemoved(a.id) || !a.router) continue;
    seen.add(a.id);
    const diff = diffPeerRows(view, model, a, towards?.(a));
    if (diff.changes.length === 0) continue;
    tx.guardRouter(a.router);
    for (const id of diff.remotes) tx.guardRouter(view.networkById(id)?.router);
    tx.write(...diff.inserts, ...diff.updates);
    if (diff.mutations.length > 0) tx.write(nb.mutate('Logical_Router', [where('_uuid', '==', uuid(a.router._uuid))], diff.mutations));
    tx.changes.push(...diff.changes);
  }
}

/**
 * Whether network a's peer rows towards b differ from the model: what diffPeerRows would change
 * for b, found from a's rows towards b alone (the status of one peering of a hub must not cost
 * as much as all of the hub's).
 */
export function rowsDriftedTowards(view: NbView, model: PlanModel, a: Network, b: Network, known?: PeeringState): boolean {
  // The status of a peering checks both directions, and so does the status of the peering back.
  return model.pairAnswer(a, b, () => drifted(view, model, a, b, known));
}

/** `known`: a's state towards b in this model when the caller has it (the same answer, found sooner). */
function drifted(view: NbView, model: PlanModel, a: Network, b: Network, known: PeeringState | undefined): boolean {
  if (!a.router) return false;
  const g = view.peerRowsByRemote(a.router);
  const mine = g.portsTo(b.id);
  const mineRoutes = g.routesTo(b.id);
  const d = known ? undefined : declarationTo(a, b.project, b.name);
  const s = known ?? (d && peeringState(model, a, d));
  if (!s || s.status !== 'active' || s.peer.id !== b.id) return mine.length + mineRoutes.length > 0;
  const first = mine[0];
  if (mine.length !== 1 || !first || !samePort(first.row, wantPort(a, b))) return true;
  const want = wantRoutes(a, b);
  if (mineRoutes.length !== want.length) return true;
  const used = new Set<string>();
  for (const w of want) {
    const hit = mineRoutes.find((r) => !used.has(r.row._uuid) && sameRoute(r.row, w));
    if (!hit) return true;
    used.add(hit.row._uuid);
  }
  return false;
}

/**
 * Whether the rows of the active peering a↔b are in place on both routers. `known`: a's state
 * towards b when the caller has just computed it (a's declaration towards b, in this model).
 */
export function peerRowsIntact(view: NbView, model: PlanModel, a: Network, b: Network, known?: PeeringState): boolean {
  return !rowsDriftedTowards(view, model, a, b, known) && !rowsDriftedTowards(view, model, b, a);
}
