// How guests on a network get their addresses from OVN itself: DHCPv4 options (ovn-controller
// answers DHCP for every port whose dhcpv4_options names them: the lease is the port's address)
// and IPv6 router advertisements on the router's internal port (SLAAC: the guest forms its
// EUI-64 address in the /64, which vm-ports.ts puts into the port's addresses beforehand).
// Networks get both when created; networks made before get them from planNetworkAddressing.
import { where } from '../ovsdb/operations.js';
import { map, uuid } from '../ovsdb/values.js';
import { mutation } from '../ovsdb/operations.js';
import type { GatewayCidr } from './cidr.js';
import { EXT, parseId, rowNames } from './ids.js';
import { valueBefore } from '../ovsdb/cache.js';
import type { CacheEvent, ColumnChange } from '../ovsdb/cache.js';
import type { NbTables } from './schema-check.js';
import { nb } from './nb-operations.js';
import type { Operation } from '../ovsdb/operations.js';
import { TxnBuilder } from './plan.js';
import type { Plan } from './plan.js';
import type { NbView, Network } from './state.js';
import { VM_PORT_EXT } from './vm-port-rows.js';

/** Lease one hour; the server is the gateway with the router port's MAC (what the guest sees answer). */
export function dhcpv4Options(ipv4: GatewayCidr, mac: string): Record<string, string> {
  return { lease_time: '3600', router: ipv4.address, server_id: ipv4.address, server_mac: mac };
}

/**
 * SLAAC only (no DHCPv6: busybox-class guests have no client). Periodic RAs every 10–30 s: a
 * guest that missed the answer to its router solicitation still gets the prefix soon.
 */
export const RA_CONFIGS: Readonly<Record<string, string>> = { address_mode: 'slaac', send_periodic: 'true', max_interval: '30', min_interval: '10' };

/** The DHCP_Options row of a new network (none without IPv4), inserted in its create transaction. */
export function dhcpOptionsInsert(id: number, ipv4: GatewayCidr | undefined, mac: string): Operation[] {
  if (!ipv4) return [];
  return [nb.insert('DHCP_Options', { cidr: ipv4.subnet, options: map(dhcpv4Options(ipv4, mac)), external_ids: map({ [EXT.id]: String(id) }) })];
}

/** The router port's ipv6_ra_configs of a new network (empty without IPv6). */
export function raConfigs(ipv6: GatewayCidr | undefined): Record<string, string> {
  return ipv6 ? { ...RA_CONFIGS } : {};
}

/** The network's DHCPv4 options row hvnet made (tagged with its id, for its subnet). */
export function dhcpOptionsOf(view: NbView, n: Pick<Network, 'id' | 'ipv4'>, index?: ReadonlyMap<string, string>): string | undefined {
  if (!n.ipv4) return undefined;
  if (index) return index.get(`${n.id} ${n.ipv4.subnet}`);
  const id = String(n.id);
  return view.cache.lookup('DHCP_Options', ['cidr'], [n.ipv4.subnet]).find((row) => row.external_ids[EXT.id] === id)?._uuid;
}

/** hvnet's DHCP_Options rows by `id subnet`: one pass, so a plan over every network stays linear. */
function dhcpIndex(view: NbView): Map<string, string> {
  const out = new Map<string, string>();
  for (const row of view.cache.table('DHCP_Options').values()) {
    const id = row.external_ids[EXT.id];
    if (id !== undefined) out.set(`${id} ${row.cidr}`, row._uuid);
  }
  return out;
}

export interface AddressingChange {
  network: string;
  what: string;
}

/**
 * For networks made before hvnet did this: their DHCPv4 options, their RA configs, and the
 * options on their VM ports with IPv4 that lack them. Empty when everything is in place. `only`:
 * those networks (addressingTouched), not all of them.
 */
export function planNetworkAddressing(view: NbView, only?: ReadonlySet<number>): Plan<AddressingChange[]> {
  const tx = new TxnBuilder();
  const done: AddressingChange[] = [];
  // A pass after an NB change names a few networks: each finds its row through the cache's
  // index, where one pass over every network's row would grow with the hub (bench/scale).
  const index = only ? undefined : dhcpIndex(view);
  const networks = only ? [...only].flatMap((id) => view.networkById(id) ?? []) : view.networks();
  for (const n of networks) {
    const label = `${n.project}/${n.name}`;
    if (n.ipv4 && dhcpOptionsOf(view, n, index) === undefined) {
      // Another hvnetd may be adding the same row: only one of them commits.
      tx.guard(
        `dhcp:${n.id}`,
        nb.wait('DHCP_Options', { where: [where('external_ids', 'includes', map({ [EXT.id]: String(n.id) }))], columns: ['_uuid'], until: '==', rows: [], timeout: 0 }),
      );
      tx.write(...dhcpOptionsInsert(n.id, n.ipv4, n.mac));
      done.push({ network: label, what: `DHCP_Options for ${n.ipv4.subnet}` });
      // Ports are pointed at the new row on the next pass, once it has a UUID in the cache.
      continue;
    }
    addRa(view, n, tx, done, label);
    const dhcp = dhcpOptionsOf(view, n, index);
    const ls = view.switchOf(n.id);
    if (dhcp === undefined || !ls) continue;
    for (const u of ls.ports) {
      const row = view.cache.get('Logical_Switch_Port', u);
      if (!row || row.external_ids[VM_PORT_EXT.vm] !== 'true' || row.dhcpv4_options === dhcp) continue;
      if (!(row.addresses[0] ?? '').includes('.')) continue;
      tx.write(nb.update('Logical_Switch_Port', [where('_uuid', '==', uuid(row._uuid))], { dhcpv4_options: uuid(dhcp) }));
      done.push({ network: label, what: `dhcpv4_options on port ${row.name}` });
    }
  }
  return { operations: tx.operations(), result: done, changes: [] };
}

function addRa(view: NbView, n: Network, tx: TxnBuilder, done: AddressingChange[], label: string): void {
  if (!n.ipv6) return;
  const lrp = view.cache.lookup('Logical_Router_Port', ['name'], [rowNames.routerPort(n.id)])[0];
  if (!lrp || lrp.ipv6_ra_configs.address_mode !== undefined) return;
  tx.write(nb.mutate('Logical_Router_Port', [where('_uuid', '==', uuid(lrp._uuid))], [mutation('ipv6_ra_configs', 'insert', map(RA_CONFIGS))]));
  done.push({ network: label, what: 'IPv6 router advertisements (SLAAC)' });
}

const ADDRESSING_TABLES: ReadonlySet<string> = new Set(['Logical_Router', 'Logical_Router_Port', 'Logical_Switch', 'Logical_Switch_Port', 'DHCP_Options']);

/**
 * The networks whose addressing an NB batch can have changed: what planNetworkAddressing looks
 * at for network n are rows hvnet tags with n's id (its router, router port, switch, VM ports,
 * DHCP_Options row), so the ids on the rows that changed name them. A row without the tag is not
 * one the plan reads. The old row's id is read from the event's diff, not from its map: on a
 * hub's router that map has thousands of keys.
 */
export function addressingTouched(events: readonly CacheEvent<NbTables>[]): Set<number> {
  const out = new Set<number>();
  const add = (text: string | undefined): void => {
    const id = parseId(text);
    if (id !== undefined) out.add(id);
  };
  for (const e of events) {
    if (!ADDRESSING_TABLES.has(e.table)) continue;
    const ext = (r: object): Readonly<Record<string, string>> => (r as { external_ids?: Record<string, string> }).external_ids ?? {};
    if (e.kind !== 'delete') add(ext(e.row)[EXT.id]);
    if (e.kind === 'delete') add(ext(e.old)[EXT.id]);
    else if (e.kind === 'update') {
      const changes = e.changes as { readonly [column: string]: ColumnChange | undefined } | undefined;
      add(changes ? valueBefore(changes.external_ids, ext(e.row), EXT.id) : ext(e.old)[EXT.id]);
    }
  }
  return out;
}
