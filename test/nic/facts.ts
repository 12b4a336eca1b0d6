// Host facts for lib/nic's planner, built by hand: lib/nic is pure, so a fake host is the whole host.
import type { DomainInterface } from '../../lib/domxml/types.js';
import type { QbgSourceVerdict } from '../../lib/domxml/vlan.js';
import type { DomainFacts, HostFacts, LinkFacts } from '../../lib/nic/facts.js';

export const FIXED_UUID = { randomUUID: (): string => '09b11c53-8b5c-4eeb-8f00-d84eaa0aaa4f' };

export const RUNNING: DomainFacts = { name: 'vm1', active: true, persistent: true, identities: [] };
export const STOPPED: DomainFacts = { name: 'vm1', active: false, persistent: true, identities: [] };
export const TRANSIENT: DomainFacts = { name: 'vm1', active: true, persistent: false, identities: [] };

export interface FactsOptions {
  domain?: DomainFacts;
  directNics?: DomainInterface[];
  holders?: Record<string, string>;
  links?: Record<string, LinkFacts>;
}

export function facts(o: FactsOptions = {}): HostFacts {
  return {
    domain: o.domain ?? RUNNING,
    directNics: o.directNics ?? [],
    macHolders: new Map(Object.entries(o.holders ?? {})),
    links: new Map(Object.entries(o.links ?? { eth0: { exists: true } })),
  };
}

export const VETH_VERDICT: QbgSourceVerdict = { ok: false, device: 'eth0', reason: 'veth', detail: "a veth's IFLA_LINK is its peer" };
export const VLAN_VERDICT: QbgSourceVerdict = { ok: true, device: 'eth0', vlanId: 100, chain: ['eth0'], lowerChecked: true };
