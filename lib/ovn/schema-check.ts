// The part of the Northbound hvnet touches: what the client monitors (only these columns, so a
// server of another OVN version answers the same monitor request) and what `checkServerSchema`
// requires the server to have. Every column here exists in the NB schemas of OVN 22.03 to 26.03.
import type { OvsdbClient } from '../ovsdb/client.js';
import type { MonitorOptions } from '../ovsdb/monitor.js';
import type { MonitoredTables, MonitorRequest } from '../ovsdb/row-types.js';
import type { OVNNorthboundTables } from './schema/ovn-nb.generated.js';
import { SchemaMissingError } from './errors.js';

export const NB_TABLES = {
  NB_Global: ['external_ids', 'nb_cfg', 'sb_cfg', 'hv_cfg'],
  // `_version`: the optimistic guard on a router (guards.ts) is one condition on it, not the whole
  // row, so it costs the same on a hub of thousands of peerings as on a lone network.
  Logical_Router: ['_version', 'name', 'ports', 'static_routes', 'external_ids'],
  Logical_Router_Port: ['name', 'mac', 'networks', 'peer', 'ipv6_ra_configs', 'external_ids'],
  Logical_Router_Static_Route: ['ip_prefix', 'nexthop', 'output_port', 'policy', 'route_table', 'external_ids'],
  Logical_Switch: ['name', 'ports', 'external_ids'],
  // VM ports: their addresses, port security, DHCPv4 options and whether a chassis bound them.
  Logical_Switch_Port: ['name', 'type', 'addresses', 'port_security', 'dhcpv4_options', 'up', 'options', 'external_ids'],
  DHCP_Options: ['cidr', 'options', 'external_ids'],
} as const satisfies MonitorRequest<OVNNorthboundTables>;

/** The NB tables as the cache holds them: the generated row types, cut to the monitored columns. */
export type NbTables = MonitoredTables<OVNNorthboundTables, typeof NB_TABLES>;

/** The monitor an OvsdbClient must be created with for OvnNetworks. */
export function nbMonitorOptions(): MonitorOptions {
  return {
    tables: NB_TABLES,
    // The schema has no index on router and switch names; rows are found by name in the cache.
    // A network's DHCP_Options row is found by its subnet, not by a pass over every network's.
    extraIndexes: { Logical_Router: [['name']], Logical_Switch: [['name']], DHCP_Options: [['cidr']] },
  };
}

/**
 * Refuses (SchemaMissingError naming the table and column) a server whose NB schema lacks
 * something hvnet reads or writes, before the first request rather than halfway through one.
 */
export async function checkServerSchema(client: OvsdbClient): Promise<void> {
  const server = await client.serverSchema();
  for (const [table, columns] of Object.entries(NB_TABLES)) {
    const t = server.tables.get(table);
    if (!t) throw new SchemaMissingError(table, undefined, server.version);
    for (const column of columns) {
      if (column !== '_version' && !t.columns.has(column)) throw new SchemaMissingError(table, column, server.version);
    }
  }
}
