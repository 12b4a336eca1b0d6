// The NB half of a remote peering on this AZ's side (pure), in Incus's shape: on the transit
// switch's Logical_Switch (which ovn-ic creates in every AZ's NB from the IC-NB row),
//   HA_Chassis_Group named like the switch, one HA_Chassis per interconnection gateway of this AZ
//     (the IC-SB's Gateway rows of the AZ), so the router port is bound to a gateway;
//   Logical_Router_Port named like the switch on the network's router: its own MAC, this AZ's
//     allocated addresses with the switch's prefix lengths, the chassis group, gateway_mtu 1500;
//   Logical_Switch_Port `<switch>-<az>`, type router, addresses router, router-port = the LRP.
// hvnet tags them (hvnet:id, hvnet:remote-peering) and never with hvnet:peer-id, so the local
// peering planners (peer-rows.ts) neither see nor remove them.
//
// Deletion is two NB transactions, in this order: the ports and the learned routes OVN 23.03
// leaves behind (routes tagged ic-learned-route whose nexthop is on this switch), then the chassis
// group (deleting it in the same transaction as the port that refers to it is refused as a
// referential integrity violation).
import { createHash } from 'node:crypto';
import { mutation, where } from '../../ovsdb/operations.js';
import type { Operation } from '../../ovsdb/operations.js';
import { map, namedUuid, set, uuid } from '../../ovsdb/values.js';
import { EXT } from '../ids.js';
import { nb } from '../nb-operations.js';
import type { Allocation } from './transit-plan.js';

export const REMOTE_TAG = 'hvnet:remote-peering';
/** The key ovn-ic puts on the routes it learned (Logical_Router_Static_Route.external_ids). */
export const LEARNED_TAG = 'ic-learned-route';

export interface SideRows {
  /** The transit switch's Logical_Switch in this NB (made by ovn-ic); absent until it syncs. */
  switchUuid: string | undefined;
  lrp: { _uuid: string; mac: string; networks: readonly string[]; haGroup: string | undefined } | undefined;
  lsp: { _uuid: string; type: string; addresses: readonly string[]; routerPort: string | undefined } | undefined;
  group: { _uuid: string; chassis: readonly { name: string; priority: number }[] } | undefined;
  /** Routes on the router that ovn-ic learned (tagged ic-learned-route). */
  learned: readonly { _uuid: string; ip_prefix: string; nexthop: string }[];
}

export interface SideInput {
  ts: string;
  az: string;
  peering: string;
  network: { id: number; routerUuid: string };
  allocation: Allocation;
  subnet4: string;
  subnet6: string;
  /** This AZ's interconnection gateways (chassis names), as the IC-SB lists them. */
  gateways: readonly string[];
  /** Extra options of the router port (route-options.ts perPortFilter on a newer OVN). */
  lrpOptions?: Readonly<Record<string, string>>;
  rows: SideRows;
}

/** A MAC per switch and AZ: the two routers meeting on the switch may have the same network id. */
export function transitMac(ts: string, az: string): string {
  const h = createHash('sha256').update(`${ts}\0${az}`).digest();
  const hex = (i: number): string => (h[i] ?? 0).toString(16).padStart(2, '0');
  return `02:68:69:${hex(0)}:${hex(1)}:${hex(2)}`;
}

export function lspName(ts: string, az: string): string {
  return `${ts}-${az}`;
}

function prefixOf(subnet: string): string {
  return subnet.split('/')[1] ?? '';
}

export function wantedNetworks(i: Pick<SideInput, 'allocation' | 'subnet4' | 'subnet6'>): string[] {
  return [
    ...(i.allocation.v4 ? [`${i.allocation.v4}/${prefixOf(i.subnet4)}`] : []),
    ...(i.allocation.v6 ? [`${i.allocation.v6}/${prefixOf(i.subnet6)}`] : []),
  ];
}

/** Gateways get descending priorities in name order: the same choice in every hvnetd. */
function wantedChassis(gateways: readonly string[]): { name: string; priority: number }[] {
  return [...gateways].sort().map((name, i) => ({ name, priority: 32767 - i }));
}

function sameChassis(a: readonly { name: string; priority: number }[], b: readonly { name: string; priority: number }[]): boolean {
  const f = (x: readonly { name: string; priority: number }[]): string => [...x].map((c) => `${c.name}:${c.priority}`).sort().join(' ');
  return f(a) === f(b);
}

/**
 * What makes this side's rows match: nothing until ovn-ic has made the switch in this NB, or
 * while the AZ has no gateway (the port could not be bound); else the group, the LRP and the LSP,
 * inserted or corrected, in one transaction.
 */
export function planSideRows(i: SideInput): { operations: Operation[]; waiting?: string } {
  const { rows, ts, az } = i;
  if (rows.switchUuid === undefined) return { operations: [], waiting: `transit switch ${ts} is not in this NB yet (ovn-ic creates it from the IC-NB)` };
  const chassis = wantedChassis(i.gateways);
  if (chassis.length === 0) return { operations: [], waiting: `availability zone ${az} has no interconnection gateway (a chassis with ovn-is-interconn=true)` };
  const ops: Operation[] = [];
  const tags = map({ [EXT.id]: String(i.network.id), [REMOTE_TAG]: i.peering });
  let groupRef: ReturnType<typeof uuid> | ReturnType<typeof namedUuid>;
  if (!rows.group) {
    chassis.forEach((c, n) => ops.push(nb.insert('HA_Chassis', { chassis_name: c.name, priority: c.priority }, `hc${n}`)));
    ops.push(nb.insert('HA_Chassis_Group', { name: ts, ha_chassis: set(chassis.map((_c, n) => namedUuid(`hc${n}`))), external_ids: tags }, 'group'));
    groupRef = namedUuid('group');
  } else {
    groupRef = uuid(rows.group._uuid);
    if (!sameChassis(rows.group.chassis, chassis)) {
      chassis.forEach((c, n) => ops.push(nb.insert('HA_Chassis', { chassis_name: c.name, priority: c.priority }, `hc${n}`)));
      ops.push(nb.update('HA_Chassis_Group', [where('_uuid', '==', uuid(rows.group._uuid))], { ha_chassis: set(chassis.map((_c, n) => namedUuid(`hc${n}`))) }));
    }
  }
  const mac = transitMac(ts, az);
  const networks = wantedNetworks(i);
  const groupId = rows.group?._uuid;
  if (!rows.lrp) {
    ops.push(
      nb.insert('Logical_Router_Port', { name: ts, mac, networks: set(networks), ha_chassis_group: groupRef, options: map({ gateway_mtu: '1500', ...i.lrpOptions }), external_ids: tags }, 'lrp'),
      nb.mutate('Logical_Router', [where('_uuid', '==', uuid(i.network.routerUuid))], [mutation('ports', 'insert', set([namedUuid('lrp')]))]),
    );
  } else if (rows.lrp.mac !== mac || [...rows.lrp.networks].sort().join(' ') !== [...networks].sort().join(' ') || groupId === undefined || rows.lrp.haGroup !== groupId) {
    ops.push(nb.update('Logical_Router_Port', [where('_uuid', '==', uuid(rows.lrp._uuid))], { mac, networks: set(networks), ha_chassis_group: groupRef }));
  }
  const lsp = lspName(ts, az);
  if (!rows.lsp) {
    ops.push(
      nb.insert('Logical_Switch_Port', { name: lsp, type: 'router', addresses: set(['router']), options: map({ 'router-port': ts }), external_ids: tags }, 'lsp'),
      nb.mutate('Logical_Switch', [where('_uuid', '==', uuid(rows.switchUuid))], [mutation('ports', 'insert', set([namedUuid('lsp')]))]),
    );
  } else if (rows.lsp.type !== 'router' || rows.lsp.routerPort !== ts || rows.lsp.addresses.join(' ') !== 'router') {
    ops.push(nb.update('Logical_Switch_Port', [where('_uuid', '==', uuid(rows.lsp._uuid))], { type: 'router', addresses: set(['router']), options: map({ 'router-port': ts }) }));
  }
  return { operations: ops };
}

/** Whether a learned route leads over this switch (its nexthop is in one of the switch's subnets). */
export function learnedOver(route: { nexthop: string }, subnet4: string, subnet6: string): boolean {
  const v4 = subnet4.split('/')[0]?.split('.').slice(0, 3).join('.') ?? '';
  const last = Number(route.nexthop.split('.')[3]);
  const base = Number(subnet4.split('/')[0]?.split('.')[3]);
  if (route.nexthop.startsWith(`${v4}.`) && last >= base && last < base + 16) return true;
  const v6 = subnet6.split('/')[0]?.replace(/::$/, '') ?? '';
  return v6 !== '' && route.nexthop.startsWith(`${v6}::`);
}

/** First deletion transaction: the ports and the learned routes left behind. */
export function planSideRemovePorts(i: Pick<SideInput, 'network' | 'rows' | 'subnet4' | 'subnet6'>): Operation[] {
  const { rows } = i;
  const ops: Operation[] = [];
  const routes = rows.learned.filter((r) => learnedOver(r, i.subnet4, i.subnet6)).map((r) => uuid(r._uuid));
  const muts = [
    ...(rows.lrp ? [mutation('ports', 'delete', set([uuid(rows.lrp._uuid)]))] : []),
    ...(routes.length > 0 ? [mutation('static_routes', 'delete', set(routes))] : []),
  ];
  // No router (the network was deleted with its router port): only the switch port is left.
  if (muts.length > 0) ops.push(nb.mutate('Logical_Router', [where('_uuid', '==', uuid(i.network.routerUuid))], muts));
  if (rows.lsp && rows.switchUuid) ops.push(nb.mutate('Logical_Switch', [where('_uuid', '==', uuid(rows.switchUuid))], [mutation('ports', 'delete', set([uuid(rows.lsp._uuid)]))]));
  return ops;
}

/** Second deletion transaction: the chassis group, once no port refers to it. */
export function planSideRemoveGroup(rows: Pick<SideRows, 'group'>): Operation[] {
  return rows.group ? [nb.deleteRows('HA_Chassis_Group', [where('_uuid', '==', uuid(rows.group._uuid))])] : [];
}
