// The device steps every NIC kind makes the same way; a kind brings only its XML. Live comes first
// in both directions: a refused hot-plug leaves the definition untouched, and a detach keeps the
// definition's copy until the guest has let go of the live one.
import { NicNotFoundError } from './errors.js';
import type { AttachPlan, AttachStep, DetachPlan, DeviceStep } from './plan.js';
import type { DetachRequest } from './request.js';

/** The attach steps of a bound NIC, each undone by a detach with `undoXml`. */
export function attachSteps(p: Pick<AttachPlan<unknown>, 'live' | 'config'>, xml: string, undoXml: string, alias: string): AttachStep[] {
  const steps: AttachStep[] = [];
  if (p.live) steps.push({ op: 'attach', scope: 'live', xml, undo: { op: 'detach', scope: 'live', xml: undoXml, alias } });
  if (p.config) steps.push({ op: 'attach', scope: 'config', xml, undo: { op: 'detach', scope: 'config', xml: undoXml } });
  return steps;
}

/** A domain's NICs of one kind, as the running domain and its definition have them. */
export interface NicCopies<I> {
  readonly live?: readonly I[] | undefined;
  readonly config?: readonly I[] | undefined;
}

interface Identified {
  readonly mac?: string | undefined;
  readonly alias?: string | undefined;
}

function matcher(req: DetachRequest): (i: Identified) => boolean {
  const { key } = req;
  return (i) => ('mac' in key ? i.mac === key.mac : i.alias === key.alias);
}

/** True when the detach request names one of these NICs. */
export function namesNic<I extends Identified>(req: DetachRequest, nics: NicCopies<I>): boolean {
  return [...(nics.live ?? []), ...(nics.config ?? [])].some(matcher(req));
}

/**
 * Both copies of one NIC: an alias like net0 exists only live, so the definition's copy is found by
 * the live one's MAC.
 */
export function planNicDetach<I extends Identified>(req: DetachRequest, nics: NicCopies<I>, detachXml: (nic: I) => string): DetachPlan {
  const matches = matcher(req);
  const l = nics.live?.find(matches);
  const mac = l?.mac ?? nics.config?.find(matches)?.mac;
  const c = nics.config?.find((i) => (mac !== undefined ? i.mac === mac : matches(i)));
  if (l === undefined && c === undefined) {
    const known = [...(nics.live ?? []), ...(nics.config ?? [])].map((i) => i.mac ?? i.alias ?? '?');
    throw new NicNotFoundError(req.domain, req.nic, [...new Set(known)]);
  }
  const steps: DeviceStep[] = [];
  if (l !== undefined) steps.push({ op: 'detach', scope: 'live', xml: detachXml(l), alias: l.alias });
  if (c !== undefined) steps.push({ op: 'detach', scope: 'config', xml: detachXml(c) });
  return { domain: req.domain, mac: mac ?? '', alias: l?.alias ?? c?.alias, steps };
}
