// The local Open_vSwitch database as hvnet reads it for VM NICs on OVN networks: the integration
// bridge ovn-controller uses (its name and datapath type), and the OVS ports libvirt adds for a
// NIC's tap (libvirt runs ovs-vsctl itself; hvnet only checks the result and removes a port a
// detach left behind). Pure functions over the monitored cache, and the operations of a removal.
import { where } from '../ovsdb/operations.js';
import type { Operation } from '../ovsdb/operations.js';
import { mutation } from '../ovsdb/operations.js';
import type { TableCache } from '../ovsdb/cache.js';
import type { MonitoredTables, MonitorRequest } from '../ovsdb/row-types.js';
import { set, uuid } from '../ovsdb/values.js';
import { opsFor } from '../ovsdb/typed-operations.js';
import { openVSwitchSchema } from './schema/vswitch.generated.js';
import type { OpenVSwitchTables } from './schema/vswitch.generated.js';

export const OVS_TABLES = {
  Open_vSwitch: ['external_ids', 'bridges'],
  Bridge: ['name', 'datapath_type', 'ports'],
  Port: ['name', 'interfaces'],
  Interface: ['name', 'external_ids'],
} as const satisfies MonitorRequest<OpenVSwitchTables>;

export type OvsTables = MonitoredTables<OpenVSwitchTables, typeof OVS_TABLES>;

const ovs = opsFor(openVSwitchSchema);

/** ovn-controller's default when `external_ids:ovn-bridge` is not set. */
export const DEFAULT_INTEGRATION_BRIDGE = 'br-int';

export interface IntegrationBridge {
  name: string;
  /** `netdev`: the userspace datapath (taps need `<host csum='off'/>`); `system` or empty: the kernel's. */
  datapathType: string;
  /** False when the Bridge row does not exist (ovn-controller makes it). */
  exists: boolean;
}

export function integrationBridge(cache: TableCache<OvsTables>): IntegrationBridge | undefined {
  const root = [...cache.table('Open_vSwitch').values()][0];
  if (!root) return undefined;
  const name = root.external_ids['ovn-bridge'] ?? DEFAULT_INTEGRATION_BRIDGE;
  const br = [...cache.table('Bridge').values()].find((b) => b.name === name);
  return { name, datapathType: br?.datapath_type ?? root.external_ids['ovn-bridge-datapath-type'] ?? '', exists: br !== undefined };
}

/** Ports (by name) whose interface carries `iface-id` = the logical port: libvirt's plug of the NIC. */
export function portsWithIfaceId(cache: TableCache<OvsTables>, ifaceId: string): string[] {
  const ifaces = new Set<string>();
  for (const i of cache.table('Interface').values()) if (i.external_ids['iface-id'] === ifaceId) ifaces.add(i._uuid);
  const out: string[] = [];
  for (const p of cache.table('Port').values()) if (p.interfaces.some((u) => ifaces.has(u))) out.push(p.name);
  return out.sort();
}

/** Removes ports by name from every bridge that has them (what `ovs-vsctl --if-exists del-port` does). */
export function deletePortsOps(cache: TableCache<OvsTables>, names: readonly string[]): Operation[] {
  const byName = new Map<string, string>();
  for (const p of cache.table('Port').values()) if (names.includes(p.name)) byName.set(p._uuid, p.name);
  const ops: Operation[] = [];
  for (const br of cache.table('Bridge').values()) {
    const gone = br.ports.filter((u) => byName.has(u));
    if (gone.length > 0) ops.push(ovs.mutate('Bridge', [where('_uuid', '==', uuid(br._uuid))], [mutation('ports', 'delete', set(gone.map(uuid)))]));
  }
  return ops;
}
