// A remote peering's declaration and status (pure). `hvnet network peer create NET PEER
// INTEGRATION --type=remote` writes one NB transaction: the declaration on the network's router
// (`hvnet:peering:<name>` = {type: remote, integration, target: the network itself}). The network
// it meets is whichever network of another AZ renders the same transit switch name: with Incus's
// default pattern, the network of the same project and name peered through an integration of the
// same name. Everything else (the IC-NB switch and allocation, this AZ's rows, the route options)
// is the remote reconciler's, which completes or removes it from the declarations, so a crash
// between two databases' writes is repaired on the next pass.
//
// Status, from the NB alone: pending until ovn-ic has learned routes over this side's transit
// port (the other AZ's side exists and advertises), then created. A remote side that does not
// exist looks like one that has not answered (no discovery).
import { mutation, where } from '../../ovsdb/operations.js';
import { map, set, uuid } from '../../ovsdb/values.js';
import { PeeringExistsError } from '../errors.js';
import { peeringKey } from '../ids.js';
import { checkConfig, checkDescription, checkName } from '../names.js';
import { nb } from '../nb-operations.js';
import { findNetwork } from '../network-plan.js';
import { TxnBuilder } from '../plan.js';
import type { Plan, PlanOptions } from '../plan.js';
import { encodeDeclaration } from '../state.js';
import type { Declaration, NbView, Network } from '../state.js';
import type { PeeringType } from '../peering-types.js';
import { RemoteError } from './errors.js';
import { checkIntegrationName, integrationKey, readIntegration, transitPattern } from './integration.js';
import { LEARNED_TAG, learnedOver } from './side-plan.js';
import { renderTransitName } from './transit-name.js';

// peering-plan.ts dispatches here, so its types are restated rather than imported (no cycle).
interface CreatePeeringRequest {
  project?: string;
  network: string;
  name: string;
  target: string;
  description?: string;
  config?: Record<string, string>;
}

export interface PeeringInfo {
  project: string;
  network: string;
  name: string;
  description: string;
  config: Record<string, string>;
  targetProject: string;
  targetNetwork: string;
  type: PeeringType;
  integration?: string;
  status: 'pending' | 'created' | 'errored';
  reason?: string;
}

/** The transit switch a remote declaration meets on; undefined when its integration is gone. */
export function transitNameOf(view: NbView, a: Pick<Network, 'project' | 'name'>, d: Declaration): string | undefined {
  const i = d.integration === undefined ? undefined : readIntegration(view, d.integration);
  if (!i) return undefined;
  try {
    return renderTransitName(transitPattern(i), { integration: i.name, project: a.project, network: a.name });
  } catch {
    return undefined;
  }
}

/** The learned routes over this side's transit port (its subnets, by the port's networks). */
export function learnedRoutes(view: NbView, a: Network, ts: string): { prefix: string; nexthop: string }[] {
  const lrp = view.cache.lookupOne('Logical_Router_Port', 'name', ts);
  if (!lrp || !a.router?.ports.includes(lrp._uuid)) return [];
  const v4 = lrp.networks.find((n) => n.includes('.'));
  const v6 = lrp.networks.find((n) => n.includes(':'));
  const subnet4 = v4 ? `${v4.split('/')[0]?.split('.').slice(0, 3).join('.')}.${Number(v4.split('/')[0]?.split('.')[3]) & 0xf0}/28` : '0.0.0.0/32';
  const subnet6 = v6 ? `${v6.split('/')[0]?.replace(/::[0-9a-f]+$/, '::')}/64` : '';
  const out: { prefix: string; nexthop: string }[] = [];
  for (const u of a.router.static_routes) {
    const r = view.route(u);
    if (r && r.external_ids[LEARNED_TAG] !== undefined && learnedOver(r, subnet4, subnet6)) out.push({ prefix: r.ip_prefix, nexthop: r.nexthop });
  }
  return out.sort((x, y) => (x.prefix < y.prefix ? -1 : 1));
}

export function remotePeeringInfo(view: NbView, a: Network, d: Declaration, base: Omit<PeeringInfo, 'status' | 'reason'>): PeeringInfo {
  const info = { ...base, ...(d.integration === undefined ? {} : { integration: d.integration }) };
  const ts = transitNameOf(view, a, d);
  if (ts === undefined) return { ...info, status: 'errored', reason: `network integration ${JSON.stringify(d.integration)} does not exist or its transit pattern does not render a valid name` };
  if (learnedRoutes(view, a, ts).length > 0) return { ...info, status: 'created' };
  return { ...info, status: 'pending', reason: `no route learned over transit switch ${ts} yet: the other availability zone's side does not exist or has not answered` };
}

export function planCreateRemotePeering(view: NbView, req: CreatePeeringRequest, opts: PlanOptions = {}): Plan<PeeringInfo> {
  const a = findNetwork(view, { project: req.project, name: req.network });
  if (!a.router) throw new Error('unreachable: a network read from the cache has a router');
  const name = checkName('peering', req.name, { project: a.project, network: a.name });
  const ctx = { project: a.project, network: a.name, peering: name };
  const integration = checkIntegrationName(req.target);
  const i = readIntegration(view, integration);
  if (!i) {
    throw new RemoteError('HVNET_OVN_INTEGRATION_NOT_FOUND', `network integration ${JSON.stringify(integration)} does not exist: a remote peering's target is an integration`, {
      ...ctx,
      integration,
      field: 'target',
      value: req.target,
    });
  }
  const ts = renderTransitName(transitPattern(i), { integration, project: a.project, network: a.name }, { ...ctx, integration });
  const want: Declaration = {
    name,
    type: 'remote',
    integration,
    target: { project: a.project, network: a.name },
    description: checkDescription(req.description, ctx),
    config: checkConfig(req.config, ctx),
  };
  const base = { project: a.project, network: a.name, name, description: want.description, config: { ...want.config }, targetProject: a.project, targetNetwork: a.name, type: 'remote' as const };
  const existing = a.declarations.get(name);
  if (existing) {
    if (opts.replay && encodeDeclaration(existing) === encodeDeclaration(want)) return { operations: [], result: remotePeeringInfo(view, a, existing, base), changes: [] };
    throw new PeeringExistsError(ctx);
  }
  for (const other of a.declarations.values()) {
    if (other.type === 'remote' && transitNameOf(view, a, other) === ts) {
      throw new RemoteError('HVNET_OVN_INTEGRATION_IN_USE', `peering ${other.name} of this network already meets on transit switch ${ts}`, { ...ctx, integration, usedBy: [`${a.project}/${a.name}/${other.name}`] });
    }
  }
  const tx = new TxnBuilder();
  tx.guardRouter(a.router);
  // The integration as read: a concurrent delete of it makes this re-plan (and be refused).
  tx.guard(
    'integration',
    nb.wait('NB_Global', {
      where: [where('external_ids', 'includes', map({ [integrationKey(integration)]: view.nbGlobal()?.external_ids[integrationKey(integration)] ?? '' }))],
      columns: ['_uuid'],
      until: '!=',
      rows: [],
      timeout: 0,
    }),
  );
  const key = peeringKey(name);
  tx.write(
    nb.mutate('Logical_Router', [where('_uuid', '==', uuid(a.router._uuid))], [
      mutation('external_ids', 'delete', set([key])),
      mutation('external_ids', 'insert', map({ [key]: encodeDeclaration(want) })),
    ]),
  );
  const result: PeeringInfo = { ...base, integration, status: 'pending', reason: `no route learned over transit switch ${ts} yet: the other availability zone's side does not exist or has not answered` };
  return { operations: tx.operations(), result, changes: [] };
}
