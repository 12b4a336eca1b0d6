// macvtap: `<interface type='direct'>` on a host device. Its rules beyond the spec's own: a live
// attach needs the device to exist, an 802.1Qbg source must pass lib/domxml's verdict (a bad one
// hangs libvirtd: docs/libvirt.md#the-qbg-hang), passthrough takes its device alone, and no NIC on
// the host may already have the MAC.
import { QbgSourceRefusedError } from '../../domxml/errors.js';
import { buildDetachXml, buildInterfaceXml } from '../../domxml/build.js';
import { checkIdentityUnique, checkPassthroughExclusive, validateInterfaceSpec } from '../../domxml/validate.js';
import type { ValidateOptions } from '../../domxml/validate.js';
import type { DomainInterface, NormalizedInterfaceSpec } from '../../domxml/types.js';
import { hvnetAlias } from '../alias.js';
import { DomainNotPersistentError, DomainNotRunningError, MacInUseError, NothingToDoError, SourceMissingError } from '../errors.js';
import type { HostFacts, LinkFacts, LinkQuestions } from '../facts.js';
import type { NicKind } from '../kind.js';
import type { AttachPlan, BoundAttach, DetachPlan, MacChoice } from '../plan.js';
import { splitRequest } from '../request.js';
import { attachSteps, planNicDetach } from '../steps.js';
import type { DetachRequest, MacvtapRequest } from '../request.js';

/** `alias` and `mtu` are lib/domxml's but not the client's: the alias is the plan's. */
const SPEC_FIELDS = ['source', 'mode', 'model', 'mac', 'virtualport'] as const;

function validate(raw: unknown, options: ValidateOptions = {}): MacvtapRequest {
  const { target, spec } = splitRequest(raw, SPEC_FIELDS);
  return { kind: 'macvtap', ...target, spec: validateInterfaceSpec(spec, options) };
}

function questions(req: MacvtapRequest): LinkQuestions {
  const { source, virtualport } = req.spec;
  return { links: [source], qbg: virtualport?.type === '802.1Qbg' ? [source] : [] };
}

/** A live attach is refused what a definition only warns about: the definition may be for another host. */
function sourceWarnings(spec: NormalizedInterfaceSpec, link: LinkFacts | undefined, live: boolean): string[] {
  if (link?.exists !== true) {
    if (live) throw new SourceMissingError(spec.source);
    return [`source device ${spec.source} does not exist on this host; the domain will not start with this NIC until it does`];
  }
  const verdict = spec.virtualport?.type === '802.1Qbg' ? link.qbg : undefined;
  if (verdict === undefined || verdict.ok) return [];
  if (live) throw new QbgSourceRefusedError(verdict.device, verdict.reason, verdict.detail);
  return [
    `802.1Qbg source ${spec.source} is not usable (${verdict.reason}: ${verdict.detail}); do not start the domain with this NIC ` +
      'on this host (a veth source hangs libvirtd)',
  ];
}

function plan(req: MacvtapRequest, facts: HostFacts): AttachPlan<MacvtapRequest> {
  const d = facts.domain;
  // live and persistent on a running domain, persistent on a stopped one, unless the request says.
  const live = req.live ?? (req.config === true ? false : d.active);
  const config = req.config ?? (req.live === true ? false : d.persistent);
  if (!live && !config) throw new NothingToDoError(req.domain);
  if (live && !d.active) throw new DomainNotRunningError(req.domain);
  if (config && !d.persistent) throw new DomainNotPersistentError(req.domain);
  const warnings = sourceWarnings(req.spec, facts.links.get(req.spec.source), live);
  checkPassthroughExclusive(req.spec, facts.directNics);
  let mac: MacChoice = { from: 'pool' };
  if (req.spec.mac !== undefined) {
    const held = facts.macHolders.get(req.spec.mac);
    if (held !== undefined) throw new MacInUseError(req.spec.mac, held, req.domain);
    mac = { from: 'request', mac: req.spec.mac };
  }
  return { request: req, live, config, warnings, mac, taken: d.identities };
}

function bind(p: AttachPlan<MacvtapRequest>, mac: string): BoundAttach<NormalizedInterfaceSpec> {
  const alias = hvnetAlias(mac);
  checkIdentityUnique({ mac, alias }, p.taken);
  const spec: NormalizedInterfaceSpec = { ...p.request.spec, mac, alias };
  const xml = buildInterfaceXml(spec);
  const detachXml = buildDetachXml({ source: spec.source, mode: spec.mode, mac, alias });
  return { mac, alias, spec, xml, steps: attachSteps(p, xml, detachXml, alias) };
}

export const macvtap: NicKind<MacvtapRequest, NormalizedInterfaceSpec> = { kind: 'macvtap', validate, questions, plan, bind };

/** The domain's direct NICs, as the running domain and its definition have them. */
export interface DirectNics {
  readonly live?: readonly DomainInterface[] | undefined;
  readonly config?: readonly DomainInterface[] | undefined;
}

/** Both copies of one direct NIC. */
export function planDetach(req: DetachRequest, nics: DirectNics): DetachPlan {
  return planNicDetach(req, nics, buildDetachXml);
}
