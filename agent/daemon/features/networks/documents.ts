// The one place where lib/ovn's views become the API's documents, which have Incus's shapes
// (agent/api/networks.ts), and where the Incus-shaped input of network.create and
// network.peer.update becomes lib/ovn's requests. lib/ovn keeps its own camelCase views: it
// knows nothing of Incus's wire names, only of its semantics.
import { isDeepStrictEqual } from 'node:util';
import { IPV4_RULE, IPV6_RULE, NO_ADDRESS } from '../../../../lib/ovn/cidr.js';
import { InvalidCidrError, InvalidConfigError, OvnError, ReadOnlyFieldError } from '../../../../lib/ovn/errors.js';
import type { CreateNetworkRequest, NetworkInfo } from '../../../../lib/ovn/network-plan.js';
import type { PeeringInfo, PeeringStatus } from '../../../../lib/ovn/peering-plan.js';
import type { ProjectInfo } from '../../../../lib/ovn/project-plan.js';
import { DEFAULT_PROJECT } from '../../../api/methods.js';
import { NETWORK_CONFIG_KEYS, PEERING_WRITABLE_FIELDS } from '../../../api/networks.js';
import type { NetworkInfoResult, PeeringInfoResult, ProjectInfoResult } from '../../../api/networks.js';
import type { PeeringSummary } from '../../../api/status.js';

const STATUS: Record<PeeringStatus, PeeringInfoResult['status']> = { pending: 'Pending', created: 'Created', errored: 'Errored' };

/** Incus's URL of an object of a project, as `used_by` lists it. */
function url(kind: string, project: string, name: string): string {
  const path = `/1.0/${kind}/${encodeURIComponent(name)}`;
  return project === DEFAULT_PROJECT ? path : `${path}?project=${encodeURIComponent(project)}`;
}

// Each document lists Incus's fields in the order of its Go type (the writable part first), so
// the YAML reads as Incus's does; hvnet's own fields follow.

export function projectDocument(p: ProjectInfo, networks: readonly string[]): ProjectInfoResult {
  return { config: {}, description: p.description, name: p.name, used_by: networks.map((n) => url('networks', p.name, n)) };
}

export function networkDocument(n: NetworkInfo): NetworkInfoResult {
  return {
    config: { 'ipv4.address': n.ipv4 ?? NO_ADDRESS, 'ipv6.address': n.ipv6 ?? NO_ADDRESS },
    description: n.description,
    name: n.name,
    type: 'ovn',
    // What Incus lists here (instances, profiles) hvnet does not keep; peerings are not users.
    used_by: [],
    managed: true,
    // A network exists once its single NB transaction committed: there is no pending state.
    status: 'Created',
    locations: [],
    project: n.project,
    id: n.id,
    mac: n.mac,
    router: n.router,
    switch: n.switch,
    peerings: n.peerings,
  };
}

export function peeringDocument(p: PeeringInfo): PeeringInfoResult {
  const doc: PeeringInfoResult = {
    description: p.description,
    config: p.config,
    name: p.name,
    target_project: p.targetProject,
    target_network: p.targetNetwork,
    status: STATUS[p.status],
    // Incus lists the network ACLs that name the peer; hvnet has no ACLs.
    used_by: [],
    type: p.type,
  };
  // Set, not spread in: this runs for every peering a write returns.
  if (p.integration !== undefined) doc.target_integration = p.integration;
  if (p.reason !== undefined) doc.reason = p.reason;
  return doc;
}

/** A peering in the host status and in version 2 reports. */
export function peeringSummary(p: PeeringInfo): PeeringSummary {
  return { project: p.project, network: p.network, name: p.name, target_project: p.targetProject, target_network: p.targetNetwork, type: p.type, status: STATUS[p.status] };
}

/**
 * network.create's Incus-shaped config into lib/ovn's request. A key hvnet does not store is
 * refused rather than dropped: Incus would apply it, so ignoring it would mislead.
 */
export function networkRequest(p: { name: string; description?: string; config: Record<string, string> }, project: string): CreateNetworkRequest {
  const ctx = { project, network: p.name };
  for (const [key, value] of Object.entries(p.config)) {
    if (!(NETWORK_CONFIG_KEYS as readonly string[]).includes(key)) {
      throw new InvalidConfigError(`config key ${JSON.stringify(key)} is not supported by an hvnet network`, {
        ...ctx,
        field: `config.${key}`,
        value,
        allowed: NETWORK_CONFIG_KEYS.join(', '),
      });
    }
  }
  const ipv4 = p.config['ipv4.address'];
  const ipv6 = p.config['ipv6.address'];
  const absent = (v: string | undefined): boolean => v === undefined || v === NO_ADDRESS;
  if (absent(ipv4) && absent(ipv6)) {
    // Incus would pick addresses itself; hvnet allocates none, so one family must be given.
    const said = (v: string | undefined): string => (v === undefined ? 'not set' : NO_ADDRESS);
    const why =
      ipv4 === undefined && ipv6 === undefined ? 'ipv4.address is required when ipv6.address is not set' : `ipv4.address is ${said(ipv4)} and ipv6.address is ${said(ipv6)}`;
    throw new InvalidCidrError(`${why}: a network needs at least one gateway address`, {
      ...ctx,
      field: 'config.ipv4.address',
      ...(ipv4 === undefined ? {} : { value: ipv4 }),
      allowed: `ipv4.address ${IPV4_RULE}, and/or ipv6.address ${IPV6_RULE}; ${NO_ADDRESS} for at most one of them`,
    });
  }
  return {
    project,
    name: p.name,
    ...(absent(ipv4) ? {} : { ipv4 }),
    ...(absent(ipv6) ? {} : { ipv6 }),
    ...(p.description === undefined ? {} : { description: p.description }),
  };
}

/** lib/ovn names the address fields `ipv4`/`ipv6`; the API's are the config keys. */
export function renameAddressField(e: unknown): unknown {
  if (e instanceof OvnError && (e.context.field === 'ipv4' || e.context.field === 'ipv6')) e.context.field = `config.${e.context.field}.address`;
  return e;
}

/** Incus's `omitempty` fields: `""` in an edited document is the same as leaving them out. */
const OMITTED_WHEN_EMPTY: ReadonlySet<string> = new Set(['target_integration']);

/**
 * The changes of an edited peering document: description and config. Any other field must equal
 * the current document's (a document sent back as shown is no edit); one that differs, or that
 * the document does not have, is refused under its Incus name.
 */
export function peeringEdit(
  current: PeeringInfoResult,
  fields: Record<string, unknown>,
  ctx: { project: string; network: string; peering: string },
): { description?: string; config?: Record<string, string> } {
  // Typed as lib/ovn's request; lib/ovn checks the values themselves and names what it refuses.
  const out: { description?: string; config?: Record<string, string> } = {};
  const now = current as unknown as Record<string, unknown>;
  for (const [field, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    if ((PEERING_WRITABLE_FIELDS as readonly string[]).includes(field)) {
      Object.assign(out, { [field]: value });
      continue;
    }
    if (Object.hasOwn(now, field) ? isDeepStrictEqual(value, now[field]) : OMITTED_WHEN_EMPTY.has(field) && value === '') continue;
    throw new ReadOnlyFieldError(`field ${JSON.stringify(field)} of a peering cannot be changed`, {
      ...ctx,
      field,
      value,
      allowed: `changes to ${PEERING_WRITABLE_FIELDS.join(' and ')} only`,
    });
  }
  return out;
}
