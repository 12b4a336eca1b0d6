// Networks: one logical router, one internal logical switch, the router's internal port (the
// network's MAC and gateway addresses) and the switch's router-type port, all named from an id
// (ids.ts). Ids are allocated optimistically: the next one after the highest the cache knows,
// guarded by a `wait` that no router carries it yet; a concurrent hvnetd that took the same id
// makes the transaction fail, and the applier re-plans with the refreshed cache.
import { where } from '../ovsdb/operations.js';
import { map, namedUuid, set, uuid } from '../ovsdb/values.js';
import { nb } from './nb-operations.js';
import { IPV4_RULE, IPV6_RULE, NO_ADDRESS, parseOptionalGatewayCidr } from './cidr.js';
import { InvalidCidrError, IdsExhaustedError, NetworkExistsError, NetworkHasForeignPortsError, NetworkNotFoundError, ProjectNotFoundError } from './errors.js';
import { idFree, projectPresent, switchPortsUnchanged } from './guards.js';
import { EXT, MAX_NETWORK_ID, networkMac, projectKey, rowNames } from './ids.js';
import { DEFAULT_PROJECT, checkDescription, checkName } from './names.js';
import { convergePeerRows } from './peer-rows.js';
import { dhcpOptionsInsert, raConfigs } from './network-addressing.js';
import { checkNoVmPorts } from './vm-port-rows.js';
import { PlanModel, TxnBuilder } from './plan.js';
import type { Plan, PlanOptions } from './plan.js';
import type { NbView, Network, SwitchRow } from './state.js';
import type { LogicalSwitchPortRow } from './schema/ovn-nb.generated.js';

export interface CreateNetworkRequest {
  /** Default `default`. */
  project?: string;
  name: string;
  /**
   * Gateway address with prefix, e.g. 10.10.1.1/24; absent, empty or `none` (Incus's spelling):
   * no IPv4. At least one of ipv4 and ipv6 is required.
   */
  ipv4?: string;
  /** Gateway address with prefix, e.g. fd42:1::1/64; absent, empty or `none`: no IPv6. */
  ipv6?: string;
  description?: string;
}

export interface NetworkRef {
  project?: string;
  name: string;
}

export interface DeleteNetworkRequest extends NetworkRef {
  /** Delete the ports other tools put on the network's switch along with it (refused otherwise). */
  force?: boolean;
}

export interface DeletedNetwork {
  project: string;
  name: string;
  /** Ports on the switch that hvnet did not make: deleted with it (force), or the reason for a refusal. */
  foreignPorts: string[];
}

export interface NetworkInfo {
  project: string;
  name: string;
  description: string;
  /** null: the network has no IPv4 (at least one of ipv4 and ipv6 is set). */
  ipv4: string | null;
  ipv6: string | null;
  /** hvnet's id of the network; its OVN rows are named from it. */
  id: number;
  mac: string;
  router: string;
  switch: string;
  peerings: number;
}

export function networkInfo(n: Network): NetworkInfo {
  return {
    project: n.project,
    name: n.name,
    description: n.description,
    ipv4: n.ipv4?.cidr ?? null,
    ipv6: n.ipv6?.cidr ?? null,
    id: n.id,
    mac: n.mac,
    router: rowNames.router(n.id),
    switch: rowNames.switch(n.id),
    peerings: n.declarations.size,
  };
}

/** Validates a project/network reference; the project defaults to `default`. */
export function checkNetworkRef(ref: NetworkRef): { project: string; name: string } {
  const project = checkName('project', ref.project ?? DEFAULT_PROJECT);
  const name = checkName('network', ref.name, { project });
  return { project, name };
}

export function findNetwork(view: NbView, ref: NetworkRef): Network {
  const { project, name } = checkNetworkRef(ref);
  const n = view.network(project, name);
  if (!n) throw new NetworkNotFoundError({ project, network: name });
  return n;
}

export function planCreateNetwork(view: NbView, req: CreateNetworkRequest, opts: PlanOptions = {}): Plan<NetworkInfo> {
  const { project, name } = checkNetworkRef(req);
  const ctx = { project, network: name };
  const ipv4 = parseOptionalGatewayCidr('ipv4', 4, req.ipv4, ctx);
  const ipv6 = parseOptionalGatewayCidr('ipv6', 6, req.ipv6, ctx);
  if (!ipv4 && !ipv6) throw noAddressError(req, ctx);
  const description = checkDescription(req.description, ctx);
  const storedProject = project === DEFAULT_PROJECT ? undefined : view.project(project);
  if (project !== DEFAULT_PROJECT && !storedProject) throw new ProjectNotFoundError({ project });

  const existing = view.network(project, name);
  if (existing) {
    const same = existing.ipv4?.cidr === ipv4?.cidr && existing.ipv6?.cidr === ipv6?.cidr && existing.description === description;
    if (opts.replay && same) return { operations: [], result: networkInfo(existing), changes: [] };
    throw new NetworkExistsError(ctx);
  }

  let id = view.maxId() + 1;
  while (id <= MAX_NETWORK_ID && view.idTaken(id)) id++;
  if (id > MAX_NETWORK_ID) throw new IdsExhaustedError(MAX_NETWORK_ID);

  const tx = new TxnBuilder();
  tx.guard('id', idFree(id));
  tx.guardAbsent(project, name);
  if (storedProject) {
    const global = view.nbGlobal()?.external_ids[projectKey(project)];
    if (global !== undefined) tx.guard('project', projectPresent(project, global));
  }
  const mac = networkMac(id);
  const tag = { [EXT.id]: String(id) };
  const routerExt: Record<string, string> = { ...tag, [EXT.project]: project, [EXT.network]: name };
  // A family the network lacks has no key at all (not `none`): what is stored is what exists.
  if (ipv4) routerExt[EXT.ipv4] = ipv4.cidr;
  if (ipv6) routerExt[EXT.ipv6] = ipv6.cidr;
  if (description !== '') routerExt[EXT.description] = description;
  tx.write(
    nb.insert(
      'Logical_Router_Port',
      { name: rowNames.routerPort(id), mac, networks: set([ipv4, ipv6].flatMap((g) => (g ? [g.cidr] : []))), ipv6_ra_configs: map(raConfigs(ipv6)), external_ids: map(tag) },
      'lrp',
    ),
    nb.insert('Logical_Router', { name: rowNames.router(id), ports: set([namedUuid('lrp')]), external_ids: map(routerExt) }),
    nb.insert(
      'Logical_Switch_Port',
      {
        name: rowNames.switchRouterPort(id),
        type: 'router',
        addresses: set(['router']),
        options: map({ 'router-port': rowNames.routerPort(id) }),
        external_ids: map(tag),
      },
      'lsp',
    ),
    nb.insert('Logical_Switch', { name: rowNames.switch(id), ports: set([namedUuid('lsp')]), external_ids: map(tag) }),
    ...dhcpOptionsInsert(id, ipv4, mac),
  );
  const result: NetworkInfo = {
    project,
    name,
    description,
    ipv4: ipv4?.cidr ?? null,
    ipv6: ipv6?.cidr ?? null,
    id,
    mac,
    router: rowNames.router(id),
    switch: rowNames.switch(id),
    peerings: 0,
  };
  return { operations: tx.operations(), result, changes: [] };
}

/** Neither family given (or both `none`): the error names both fields and what each accepts. */
function noAddressError(req: CreateNetworkRequest, ctx: { project: string; network: string }): InvalidCidrError {
  const said = (v: unknown): string => (v === NO_ADDRESS ? NO_ADDRESS : 'not given');
  return new InvalidCidrError(`ipv4 is ${said(req.ipv4)} and ipv6 is ${said(req.ipv6)}: a network needs at least one gateway address`, {
    ...ctx,
    field: 'ipv4',
    value: req.ipv4 ?? null,
    allowed: `ipv4 ${IPV4_RULE}, and/or ipv6 ${IPV6_RULE}; ${NO_ADDRESS} for at most one of them`,
  });
}

/**
 * The switch's ports hvnet did not make: neither its router-type port nor tagged with the
 * network's id (how hvnet marks every row it makes for a network).
 */
export function foreignPorts(view: NbView, id: number, ls: SwitchRow): string[] {
  const out: string[] = [];
  for (const u of ls.ports) {
    const p = view.cache.get('Logical_Switch_Port', u) as Pick<LogicalSwitchPortRow, 'name' | 'external_ids'> | undefined;
    if (!p || p.name === rowNames.switchRouterPort(id) || p.external_ids[EXT.id] === String(id)) continue;
    out.push(p.name);
  }
  return out.sort();
}

/**
 * Deletes the router and switch (their ports and routes go with them), and in the same
 * transaction the peer rows other routers have towards this network. Declarations of other
 * networks that target it stay: they are pending again. Ports other tools put on the switch
 * refuse the delete unless `force`.
 */
export function planDeleteNetwork(view: NbView, ref: DeleteNetworkRequest, opts: PlanOptions = {}): Plan<DeletedNetwork> {
  const { project, name } = checkNetworkRef(ref);
  const n = view.network(project, name);
  if (!n?.router) {
    if (opts.replay) return { operations: [], result: { project, name, foreignPorts: [] }, changes: [] };
    throw new NetworkNotFoundError({ project, network: name });
  }
  const ls = view.switchOf(n.id);
  const foreign = ls ? foreignPorts(view, n.id, ls) : [];
  if (foreign.length > 0 && ref.force !== true) throw new NetworkHasForeignPortsError({ project, network: name }, foreign);
  checkNoVmPorts(view, n);
  const model = new PlanModel(view);
  model.remove(n.id);
  const tx = new TxnBuilder();
  tx.guardRouter(n.router);
  tx.write(nb.deleteRows('Logical_Router', [where('_uuid', '==', uuid(n.router._uuid))]));
  if (ls) {
    tx.guard(`ls-ports:${ls._uuid}`, switchPortsUnchanged(ls));
    tx.write(nb.deleteRows('Logical_Switch', [where('_uuid', '==', uuid(ls._uuid))]));
  }
  // The network's DHCPv4 options are a root row: they go with it explicitly.
  tx.write(nb.deleteRows('DHCP_Options', [where('external_ids', 'includes', map({ [EXT.id]: String(n.id) }))]));
  const affected = new Map<number, Network>();
  for (const other of view.networks()) {
    if (other.id === n.id) continue;
    const targetsIt = [...other.declarations.values()].some((d) => d.target.project === project && d.target.network === name);
    if (targetsIt) affected.set(other.id, other);
  }
  for (const other of view.networksWithPeerRowsTo(n.id)) affected.set(other.id, other);
  convergePeerRows(tx, view, model, affected.values());
  return { operations: tx.operations(), result: { project, name, foreignPorts: foreign }, changes: tx.changes };
}
