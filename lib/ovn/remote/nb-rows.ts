// What the remote planners read of this AZ's NB, from the monitored cache: the columns beyond
// lib/ovn's own (NB_TABLES) that remote peerings need, and the rows of one side gathered into
// side-plan.ts's input. Pure reads of the cache.
import type { TableCache } from '../../ovsdb/cache.js';
import type { MonitoredTables, MonitorRequest } from '../../ovsdb/row-types.js';
import type { OVNNorthboundTables } from '../schema/ovn-nb.generated.js';
import { EXT, parseId } from '../ids.js';
import { LEARNED_TAG, REMOTE_TAG, lspName } from './side-plan.js';
import { OPTIONS_RECORD } from './route-options.js';
import type { SideRows } from './side-plan.js';

export const REMOTE_NB_TABLES = {
  NB_Global: ['name', 'options', 'external_ids'],
  Logical_Router: ['name', 'ports', 'static_routes', 'external_ids'],
  Logical_Router_Port: ['name', 'mac', 'networks', 'ha_chassis_group', 'options', 'external_ids'],
  Logical_Router_Static_Route: ['ip_prefix', 'nexthop', 'external_ids'],
  Logical_Switch: ['name', 'ports', 'external_ids'],
  Logical_Switch_Port: ['name', 'type', 'addresses', 'options', 'external_ids'],
  HA_Chassis_Group: ['name', 'ha_chassis', 'external_ids'],
  HA_Chassis: ['chassis_name', 'priority'],
} as const satisfies MonitorRequest<OVNNorthboundTables>;

export type RemoteNbTables = MonitoredTables<OVNNorthboundTables, typeof REMOTE_NB_TABLES>;
export type RemoteNbCache = TableCache<RemoteNbTables>;

export function sideRows(cache: RemoteNbCache, routerUuid: string | undefined, ts: string, az: string): SideRows {
  const router = routerUuid === undefined ? undefined : cache.get('Logical_Router', routerUuid);
  const ls = cache.lookup('Logical_Switch', ['name'], [ts])[0];
  const lrpRow = cache.lookupOne('Logical_Router_Port', 'name', ts);
  const lrp = lrpRow && router?.ports.includes(lrpRow._uuid) ? lrpRow : undefined;
  const lspRow = cache.lookupOne('Logical_Switch_Port', 'name', lspName(ts, az));
  const groupRow = cache.lookup('HA_Chassis_Group', ['name'], [ts])[0];
  const learned = [];
  for (const u of router?.static_routes ?? []) {
    const r = cache.get('Logical_Router_Static_Route', u);
    if (r && r.external_ids[LEARNED_TAG] !== undefined) learned.push({ _uuid: r._uuid, ip_prefix: r.ip_prefix, nexthop: r.nexthop });
  }
  return {
    switchUuid: ls?._uuid,
    lrp: lrp && { _uuid: lrp._uuid, mac: lrp.mac, networks: lrp.networks, haGroup: lrp.ha_chassis_group },
    lsp: lspRow && ls?.ports.includes(lspRow._uuid) ? { _uuid: lspRow._uuid, type: lspRow.type, addresses: lspRow.addresses, routerPort: lspRow.options['router-port'] } : undefined,
    group: groupRow && {
      _uuid: groupRow._uuid,
      chassis: groupRow.ha_chassis.flatMap((c) => {
        const h = cache.get('HA_Chassis', c);
        return h ? [{ name: h.chassis_name, priority: h.priority }] : [];
      }),
    },
    learned,
  };
}

/** A side hvnet made, found by its tags: the network id, the peering and the transit switch. */
export interface TaggedSide {
  networkId: number;
  peering: string;
  ts: string;
}

/** Every side whose rows exist in the NB (router port, switch port or chassis group tagged by hvnet). */
/**
 * Whether this NB holds anything a remote peering leaves: a side's HA chassis group (made with
 * its ports, removed after them) or hvnet's record of the route options it set. Reads two small
 * tables, so callers can skip the full pass when there is none.
 */
export function hasRemoteTraces(cache: RemoteNbCache): boolean {
  for (const g of cache.table('HA_Chassis_Group').values()) if (g.external_ids[REMOTE_TAG] !== undefined) return true;
  for (const g of cache.table('NB_Global').values()) if (g.external_ids[OPTIONS_RECORD] !== undefined) return true;
  return false;
}

export function taggedSides(cache: RemoteNbCache): TaggedSide[] {
  const out = new Map<string, TaggedSide>();
  const add = (ext: Readonly<Record<string, string>>, ts: string | undefined): void => {
    const id = parseId(ext[EXT.id]);
    const peering = ext[REMOTE_TAG];
    if (id === undefined || peering === undefined || ts === undefined) return;
    out.set(`${id}/${peering}/${ts}`, { networkId: id, peering, ts });
  };
  for (const p of cache.table('Logical_Router_Port').values()) add(p.external_ids, p.name);
  for (const p of cache.table('Logical_Switch_Port').values()) add(p.external_ids, p.options['router-port']);
  for (const g of cache.table('HA_Chassis_Group').values()) add(g.external_ids, g.name);
  return [...out.values()];
}
