// A MAC address on NICs of two hosts: one of them will lose traffic as soon as both VMs talk on
// the same segment, and no single host can see it. The controller is where all NICs meet.
import type { HostRecord } from './store.js';

export interface MacConflict {
  mac: string;
  hosts: string[];
}

export function macConflicts(records: readonly HostRecord[]): MacConflict[] {
  const byMac = new Map<string, Set<string>>();
  for (const r of records) {
    for (const nic of r.report.status.nics) {
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
