// What every kind decides the same way: where the NIC goes (live, persistent, both) from the
// request and the domain's state, and how its MAC is got.
import { DomainNotPersistentError, DomainNotRunningError, MacInUseError, NothingToDoError } from './errors.js';
import type { HostFacts } from './facts.js';
import type { MacChoice } from './plan.js';
import type { AttachTarget } from './request.js';

/** Live and persistent on a running domain, persistent on a stopped one, unless the request says. */
export function decideScope(req: AttachTarget, facts: HostFacts): { live: boolean; config: boolean } {
  const d = facts.domain;
  const live = req.live ?? (req.config === true ? false : d.active);
  const config = req.config ?? (req.live === true ? false : d.persistent);
  if (!live && !config) throw new NothingToDoError(req.domain);
  if (live && !d.active) throw new DomainNotRunningError(req.domain);
  if (config && !d.persistent) throw new DomainNotPersistentError(req.domain);
  return { live, config };
}

/** The client's MAC, refused when a NIC of the host has it, or the pool's next one. */
export function macChoice(mac: string | undefined, facts: HostFacts, domain: string): MacChoice {
  if (mac === undefined) return { from: 'pool' };
  const held = facts.macHolders.get(mac);
  if (held !== undefined) throw new MacInUseError(mac, held, domain);
  return { from: 'request', mac };
}
