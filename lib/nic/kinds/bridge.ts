// bridge: `<interface type='bridge'>`, a tap on a host Linux bridge (an RHV-style VM network).
// Its rules beyond the spec's own: a live attach needs the bridge to exist, be up and be a Linux
// bridge; an Open vSwitch bridge is refused (a NIC on OVN's integration bridge is a `network`
// NIC: its logical switch port must exist before the tap, which only that kind plans).
import { buildBridgeInterfaceXml } from '../../domxml/bridge-build.js';
import { validateBridgeInterfaceSpec } from '../../domxml/bridge-validate.js';
import type { DomainBridgeInterface, NormalizedBridgeInterfaceSpec } from '../../domxml/bridge-types.js';
import { checkIdentityUnique } from '../../domxml/validate.js';
import { hvnetAlias } from '../alias.js';
import { BridgeNotUsableError, NicNotFoundError } from '../errors.js';
import type { BridgeProblem } from '../errors.js';
import type { HostFacts, LinkFacts, LinkQuestions } from '../facts.js';
import type { NicKind } from '../kind.js';
import type { AttachPlan, AttachStep, BoundAttach, DetachPlan, DeviceStep } from '../plan.js';
import { splitRequest } from '../request.js';
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
  const steps: AttachStep[] = [];
  if (p.live) steps.push({ op: 'attach', scope: 'live', xml, undo: { op: 'detach', scope: 'live', xml: undoXml, alias } });
  if (p.config) steps.push({ op: 'attach', scope: 'config', xml, undo: { op: 'detach', scope: 'config', xml: undoXml } });
  return { mac, alias, spec, xml, steps };
}

export const bridge: NicKind<BridgeRequest, NormalizedBridgeInterfaceSpec> = { kind: 'bridge', validate, questions, plan, bind };

export interface BridgeNics {
  readonly live?: readonly DomainBridgeInterface[] | undefined;
  readonly config?: readonly DomainBridgeInterface[] | undefined;
}

/** Both copies of one bridge NIC, found as macvtap's planDetach finds direct ones. */
export function planBridgeDetach(req: DetachRequest, nics: BridgeNics): DetachPlan {
  const { key } = req;
  const matches = (i: DomainBridgeInterface): boolean => ('mac' in key ? i.mac === key.mac : i.alias === key.alias);
  const l = nics.live?.find(matches);
  const mac = l?.mac ?? nics.config?.find(matches)?.mac;
  const c = nics.config?.find((i) => (mac !== undefined ? i.mac === mac : matches(i)));
  if (l === undefined && c === undefined) {
    const known = [...(nics.live ?? []), ...(nics.config ?? [])].map((i) => i.mac ?? i.alias ?? '?');
    throw new NicNotFoundError(req.domain, req.nic, [...new Set(known)]);
  }
  const steps: DeviceStep[] = [];
  if (l !== undefined) steps.push({ op: 'detach', scope: 'live', xml: detachXml(l.bridge, l.mac, l.alias), alias: l.alias });
  if (c !== undefined) steps.push({ op: 'detach', scope: 'config', xml: detachXml(c.bridge, c.mac, c.alias) });
  return { domain: req.domain, mac: mac ?? '', alias: l?.alias ?? c?.alias, steps };
}

/** True when the detach request names one of these bridge NICs. */
export function namesBridgeNic(req: DetachRequest, nics: BridgeNics): boolean {
  const { key } = req;
  return [...(nics.live ?? []), ...(nics.config ?? [])].some((i) => ('mac' in key ? i.mac === key.mac : i.alias === key.alias));
}
