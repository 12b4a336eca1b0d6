// network: a NIC on an hvnet OVN network. The logical switch port (lib/ovn/vm-ports.ts) is named
// by a UUID chosen here; the NIC is `<interface type='bridge'>` on ovn-controller's integration
// bridge with `<virtualport type='openvswitch'>` whose interfaceid is that UUID, so libvirt's OVS
// port carries `iface-id` = the LSP and OVN binds it. On a userspace-datapath bridge the tap gets
// `<host csum='off'/>`: the datapath forwards the guest's partial checksums unfixed and TCP dies
// while ping works. A live attach needs the Open vSwitch database to answer where libvirt's
// ovs-vsctl looks (its default socket): refused before anything changes otherwise.
import { randomUUID as nodeRandomUUID } from 'node:crypto';
import { buildBridgeInterfaceXml } from '../../domxml/bridge-build.js';
import { InvalidFieldError } from '../../domxml/errors.js';
import type { NormalizedBridgeInterfaceSpec } from '../../domxml/bridge-types.js';
import { NIC_MODELS } from '../../domxml/types.js';
import type { NicModel } from '../../domxml/types.js';
import { checkIdentityUnique, normalizeMac, normalizeUuid, oneOf } from '../../domxml/validate.js';
import type { ValidateOptions } from '../../domxml/validate.js';
import { isRouterMac, ROUTER_MAC_RANGE } from '../../ovn/ids.js';
import { hvnetAlias } from '../alias.js';
import { OvsUnreachableError } from '../errors.js';
import type { HostFacts, LinkQuestions } from '../facts.js';
import type { NicKind } from '../kind.js';
import type { AttachPlan, BoundAttach } from '../plan.js';
import { splitRequest } from '../request.js';
import type { NetworkRequest } from '../request.js';
import { decideScope, macChoice } from '../scope.js';
import { attachSteps } from '../steps.js';

const SPEC_FIELDS = ['network', 'project', 'ipv4', 'ipv6', 'mac', 'model'] as const;
/** ovn-controller's default integration bridge, for a definition made while OVS is not readable. */
const DEFAULT_BRIDGE = 'br-int';

function text(value: unknown, field: string, allowed: string): string {
  if (typeof value !== 'string' || value === '') throw new InvalidFieldError(field, value, allowed);
  return value;
}

function validate(raw: unknown, options: ValidateOptions = {}): NetworkRequest {
  const { target, spec } = splitRequest(raw, SPEC_FIELDS);
  const network = text(spec.network, 'network', 'the name of an hvnet network');
  const project = spec.project === undefined ? undefined : text(spec.project, 'project', 'a project name');
  const ipv4 = spec.ipv4 === undefined ? undefined : text(spec.ipv4, 'ipv4', 'auto, none or a free address of the network');
  const ipv6 = spec.ipv6 === undefined ? undefined : oneOf(spec.ipv6, ['auto', 'none'] as const, 'ipv6');
  const mac = spec.mac === undefined ? undefined : normalizeMac(spec.mac);
  // On the network's switch the router port answers for this MAC: the NIC would get no traffic.
  if (mac !== undefined && isRouterMac(mac)) throw new InvalidFieldError('mac', spec.mac, `a unicast MAC outside ${ROUTER_MAC_RANGE.first}-${ROUTER_MAC_RANGE.last}, the MACs hvnet gives its networks' router ports`);
  const model: NicModel = spec.model === undefined ? 'virtio' : oneOf(spec.model, NIC_MODELS, 'model');
  const port = normalizeUuid((options.randomUUID ?? nodeRandomUUID)(), 'port (generated)');
  return { kind: 'network', ...target, project, network, ipv4, ipv6, mac, model, port };
}

function questions(): LinkQuestions {
  return { links: [], qbg: [], ovs: true };
}

/** The integration bridge the tap joins, decided in the plan: the request carries it to bind. */
export interface NetworkPlanRequest extends NetworkRequest {
  readonly bridge: string;
  readonly userspace: boolean;
}

function plan(req: NetworkRequest, facts: HostFacts): AttachPlan<NetworkPlanRequest> {
  const { live, config } = decideScope(req, facts);
  const ovs = facts.ovs;
  const warnings: string[] = [];
  if (live) {
    if (ovs === undefined || !ovs.answers) throw new OvsUnreachableError(ovs?.socket ?? '/run/openvswitch/db.sock', 'no connection');
    if (ovs.bridge === undefined || !ovs.bridge.exists) throw new OvsUnreachableError(ovs.socket, `no integration bridge ${ovs.bridge?.name ?? DEFAULT_BRIDGE} (is ovn-controller running?)`);
  } else if (ovs?.bridge === undefined) {
    warnings.push(`the Open vSwitch database was not readable: the definition names the integration bridge ${DEFAULT_BRIDGE}`);
  }
  const bridge = ovs?.bridge?.name ?? DEFAULT_BRIDGE;
  const userspace = ovs?.bridge?.datapathType === 'netdev';
  return { request: { ...req, bridge, userspace }, live, config, warnings, mac: macChoice(req.mac, facts, req.domain), taken: facts.domain.identities };
}

/** Takes the plan `plan` made: its request is a NetworkPlanRequest (a hand-made one falls back to br-int, kernel datapath). */
function bind(p: AttachPlan<NetworkRequest>, mac: string): BoundAttach<NormalizedBridgeInterfaceSpec> {
  const planned: Partial<NetworkPlanRequest> = p.request;
  const r = { ...p.request, bridge: planned.bridge ?? DEFAULT_BRIDGE, userspace: planned.userspace === true };
  const alias = hvnetAlias(mac);
  checkIdentityUnique({ mac, alias }, p.taken);
  const spec: NormalizedBridgeInterfaceSpec = { kind: 'bridge', bridge: r.bridge, model: r.model, mac, alias, virtualport: { type: 'openvswitch', interfaceid: r.port } };
  if (r.userspace) spec.hostCsum = 'off';
  const xml = buildBridgeInterfaceXml(spec);
  const undoXml = buildBridgeInterfaceXml({ kind: 'bridge', bridge: r.bridge, model: r.model, mac, alias });
  return { mac, alias, spec, xml, steps: attachSteps(p, xml, undoXml, alias) };
}

export const ovnNetwork: NicKind<NetworkRequest, NormalizedBridgeInterfaceSpec> = { kind: 'network', validate, questions, plan, bind };
