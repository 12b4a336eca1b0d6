// The VM ports hvnet made (vm-ports.ts plans them), as the NB cache shows them: their
// external_ids keys and how a row is recognised as one. Apart from the planner so that the
// network planners (a delete refused while VM ports remain) can read them without a cycle.
import { NetworkHasVmPortsError } from './errors.js';
import { EXT } from './ids.js';
import type { NbView, Network } from './state.js';
import type { LogicalSwitchPortRow } from './schema/ovn-nb.generated.js';

/** external_ids keys of a VM port (besides EXT.id, the network's id, which every hvnet row has). */
export const VM_PORT_EXT = {
  /** The libvirt domain the NIC belongs to. */
  domain: 'hvnet:vm-domain',
  /** The hvnetd host (host.id) that made the port. */
  host: 'hvnet:vm-host',
  /** Marks the row as a VM port hvnet made (value `true`): only such ports are ever removed. */
  vm: 'hvnet:vm-port',
} as const;

export interface VmPort {
  port: string;
  uuid: string;
  networkId: number | undefined;
  domain: string;
  host: string;
  mac: string;
  addresses: string[];
  up: boolean | undefined;
}

type PortRow = Pick<LogicalSwitchPortRow, '_uuid' | 'name' | 'addresses' | 'external_ids' | 'up'>;

/** A row hvnet made for a VM: a port of any other tool is never read as one (and so never removed). */
export function asVmPort(row: PortRow): VmPort | undefined {
  const ext = row.external_ids;
  if (ext[VM_PORT_EXT.vm] !== 'true') return undefined;
  const words = row.addresses[0]?.split(/\s+/) ?? [];
  const id = ext[EXT.id];
  return {
    port: row.name,
    uuid: row._uuid,
    networkId: id === undefined ? undefined : Number(id),
    domain: ext[VM_PORT_EXT.domain] ?? '',
    host: ext[VM_PORT_EXT.host] ?? '',
    mac: words[0] ?? '',
    addresses: words.slice(1),
    up: row.up,
  };
}

/** Every VM port hvnet made, on any switch. */
export function vmPorts(view: NbView): VmPort[] {
  const out: VmPort[] = [];
  for (const row of view.cache.table('Logical_Switch_Port').values()) {
    const p = asVmPort(row);
    if (p) out.push(p);
  }
  return out.sort((a, b) => a.port.localeCompare(b.port));
}

/** The VM ports on a network's switch. */
export function vmPortsOf(view: NbView, n: Pick<Network, 'id'>): VmPort[] {
  const ls = view.switchOf(n.id);
  if (!ls) return [];
  const out: VmPort[] = [];
  for (const u of ls.ports) {
    const row = view.cache.get('Logical_Switch_Port', u);
    const p = row && asVmPort(row);
    if (p) out.push(p);
  }
  return out;
}

/** Refuses the delete of a network that has VM ports, naming their domains. */
export function checkNoVmPorts(view: NbView, n: Network): void {
  const domains = [...new Set(vmPortsOf(view, n).map((p) => p.domain))].sort();
  if (domains.length > 0) throw new NetworkHasVmPortsError({ project: n.project, network: n.name }, domains);
}

