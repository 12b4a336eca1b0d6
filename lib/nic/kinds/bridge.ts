// bridge: `<interface type='bridge'>`, a tap on a host Linux bridge (an RHV-style VM network).
// Its rules beyond the spec's own: a live attach needs the bridge to exist, be up and be a Linux
// bridge; an Open vSwitch bridge is refused (a NIC on OVN's integration bridge is a `network`
// NIC: its logical switch port must exist before the tap, which only that kind plans).
import { buildBridgeInterfaceXml } from '../../domxml/bridge-build.js';
import { validateBridgeInterfaceSpec } from '../../domxml/bridge-validate.js';
import type { DomainBridgeInterface, NormalizedBridgeInterfaceSpec } from '../../domxml/bridge-types.js';
import { checkIdentityUnique } from '../../domxml/validate.js';
import { hvnetAlias } from '../alias.js';
import { BridgeNotUsableError } from '../errors.js';
import type { BridgeProblem } from '../errors.js';
import type { HostFacts, LinkFacts, LinkQuestions } from '../facts.js';
import type { NicKind } from '../kind.js';
import type { AttachPlan, BoundAttach, DetachPlan } from '../plan.js';
import { splitRequest } from '../request.js';
import { attachSteps, namesNic, planNicDetach } from '../steps.js';
import type { BridgeRequest, DetachRequest } from '../request.js';
import { decideScope, macChoice } from '../scope.js';

const SPEC_FIELDS = ['bridge', 'model', 'mac'] as const;

function validate(raw: unknown): BridgeRequest {
  const { target, spec } = splitRequest(raw, SPEC_FIELDS);
  return { kind: 'bridge', ...target, spec: validateBridgeInterfaceSpec({ kind: 'bridge', ...spec }) };
}

function questions(req: BridgeRequest): LinkQuestions {
  return { links: [req.spec.bridge], qbg: [], bridges: [req.spec.bridge] };
}

function problemOf(link: LinkFacts | undefined): BridgeProblem | undefined {
  if (link?.exists !== true) return 'missing';
  if (link.bridge === 'openvswitch') return 'openvswitch';
  if (link.bridge !== 'linux') return 'not-a-bridge';
  if (link.up !== true) return 'down';
  return undefined;
}

function plan(req: BridgeRequest, facts: HostFacts): AttachPlan<BridgeRequest> {
  const { live, config } = decideScope(req, facts);
  const problem = problemOf(facts.links.get(req.spec.bridge));
  const warnings: string[] = [];
  if (problem !== undefined) {
    const refusal = new BridgeNotUsableError(req.spec.bridge, problem);
    // A definition may be meant for another host, or for a bridge brought up later.
    if (live) throw refusal;
    warnings.push(`${refusal.message}; the domain will not start with this NIC until it is a Linux bridge that is up`);
  }
  return { request: req, live, config, warnings, mac: macChoice(req.spec.mac, facts, req.domain), taken: facts.domain.identities };
}

/** The smallest XML libvirt finds the NIC by: its MAC and hvnet's alias (the source bridge is required by the parser). */
function detachXml(bridge: string, mac: string | undefined, alias: string | undefined): string {
  const spec: NormalizedBridgeInterfaceSpec = { kind: 'bridge', bridge, model: 'virtio' };
  if (mac !== undefined) spec.mac = mac;
  if (alias?.startsWith('ua-') === true) spec.alias = alias;
  // The model is not among what libvirt matches a device by; it is left out of the XML below.
  return buildBridgeInterfaceXml(spec).replace(/\n?\s*<model type=["']virtio["']\/>/, '');
}

function bind(p: AttachPlan<BridgeRequest>, mac: string): BoundAttach<NormalizedBridgeInterfaceSpec> {
  const alias = hvnetAlias(mac);
  checkIdentityUnique({ mac, alias }, p.taken);
  const spec: NormalizedBridgeInterfaceSpec = { ...p.request.spec, mac, alias };
  const xml = buildBridgeInterfaceXml(spec);
  const undoXml = detachXml(spec.bridge, mac, alias);
  return { mac, alias, spec, xml, steps: attachSteps(p, xml, undoXml, alias) };
}

export const bridge: NicKind<BridgeRequest, NormalizedBridgeInterfaceSpec> = { kind: 'bridge', validate, questions, plan, bind };

export interface BridgeNics {
  readonly live?: readonly DomainBridgeInterface[] | undefined;
  readonly config?: readonly DomainBridgeInterface[] | undefined;
}

/** Both copies of one bridge NIC. */
export function planBridgeDetach(req: DetachRequest, nics: BridgeNics): DetachPlan {
  return planNicDetach(req, nics, (n) => detachXml(n.bridge, n.mac, n.alias));
}

/** True when the detach request names one of these bridge NICs. */
export function namesBridgeNic(req: DetachRequest, nics: BridgeNics): boolean {
  return namesNic(req, nics);
}
