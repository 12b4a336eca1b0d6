// Which VM ports are orphans: made by this host (hvnet:vm-host) for a NIC that no domain of the
// host has, live or in its definition (the NIC's interfaceid is the port's name), and bound by no
// chassis (NB `up`: a VM migrated to another host keeps its port bound there, so it is not an
// orphan of this one). A port whose MAC belongs to an attach of unknown outcome is left until
// that is settled.
import type { VmPort } from '../../../../lib/ovn/vm-ports.js';
import type { DomainView } from './inventory.js';

export function orphanCandidates(ports: readonly VmPort[], views: readonly DomainView[], hostId: string, pendingMacs: ReadonlySet<string>): VmPort[] {
  const plugged = new Set<string>();
  for (const v of views) {
    for (const b of [...(v.live?.bridges ?? []), ...(v.config?.bridges ?? [])]) {
      if (b.virtualport?.type === 'openvswitch' && b.virtualport.interfaceid !== undefined) plugged.add(b.virtualport.interfaceid);
    }
  }
  return ports.filter((p) => p.host === hostId && p.up !== true && !plugged.has(p.port) && !pendingMacs.has(p.mac));
}
