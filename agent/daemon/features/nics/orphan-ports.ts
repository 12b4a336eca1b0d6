// Which VM ports are orphans: made by this host (hvnet:vm-host) for a NIC that no domain of the
// host has, live or in its definition (the NIC's interfaceid is the port's name), and living here:
// the host the port's SB Port_Binding names is this one, or none (a VM migrated to another host
// keeps its port bound there, so it is not an orphan of this one). A port whose MAC belongs to an
// attach of unknown outcome is left until that is settled.
import type { VmPort } from '../../../../lib/ovn/vm-ports.js';
import type { BoundChassis } from '../../../../lib/ovn/port-binding-chassis.js';
import type { DomainView } from './inventory.js';

/** Ports of this host without a NIC in any domain of it: orphans if they also live here (placement). */
export function orphanCandidates(ports: readonly VmPort[], views: readonly DomainView[], hostId: string, pendingMacs: ReadonlySet<string>): VmPort[] {
  const plugged = new Set<string>();
  for (const v of views) {
    for (const b of [...(v.live?.bridges ?? []), ...(v.config?.bridges ?? [])]) {
      if (b.virtualport?.type === 'openvswitch' && b.virtualport.interfaceid !== undefined) plugged.add(b.virtualport.interfaceid);
    }
  }
  return ports.filter((p) => p.host === hostId && !plugged.has(p.port) && !pendingMacs.has(p.mac));
}

/** here: an orphan of this host; elsewhere: another host binds it; unknown: cannot be told now (kept). */
export type Placement = 'here' | 'elsewhere' | 'unknown';

/**
 * From the port's SB binding (undefined: no Port_Binding yet; null: no chassis binds it) and this
 * host's chassis name (its Open_vSwitch external_ids:system-id; undefined when the local database
 * is not connected). A port bound to this chassis with no domain here is an orphan too: an OVS port
 * a detach left behind keeps it bound.
 */
export function placementOf(binding: BoundChassis | null | undefined, localChassis: string | undefined): Placement {
  if (binding === undefined || binding === null) return 'here';
  if (localChassis === undefined) return 'unknown';
  return binding.name === localChassis ? 'here' : 'elsewhere';
}

/** Without an SB (ovn.sb not configured) the NB `up` flag stands in: bound by some chassis, which one unknown. */
export function placementFromUp(port: VmPort): Placement {
  return port.up === true ? 'unknown' : 'here';
}
