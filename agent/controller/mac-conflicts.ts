// A MAC address on NICs of two hosts: one of them will lose traffic as soon as both VMs talk on
// the same segment, and no single host can see it. The controller is where all NICs meet.
import { nicsOf } from './held-nics.js';
import type { HostRecord } from './store.js';

export interface MacConflict {
  mac: string;
  hosts: string[];
}

export function macConflicts(records: readonly HostRecord[]): MacConflict[] {
  const byMac = new Map<string, Set<string>>();
  for (const r of records) {
    // While the host has not read its domains yet, the NICs it had: a restart does not hide a conflict.
    for (const nic of nicsOf(r)) {
      const mac = nic.mac.toLowerCase();
      let hosts = byMac.get(mac);
      if (!hosts) byMac.set(mac, (hosts = new Set()));
      hosts.add(r.host);
    }
  }
  return [...byMac]
    .filter(([, hosts]) => hosts.size > 1)
    .map(([mac, hosts]) => ({ mac, hosts: [...hosts].sort() }))
    .sort((a, b) => a.mac.localeCompare(b.mac));
}
