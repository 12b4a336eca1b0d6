// The two OVN interconnection databases hvnet talks to for remote peerings, each through its own
// OvsdbClient (its own session: no transaction ever spans two databases).
//
// - OVN_IC_Northbound: hvnet writes transit switches here. Leader-only on a RAFT cluster, as for
//   the NB: a follower forwards writes but stalls them during elections and serves stale reads,
//   and the plans are made from the monitored cache.
// - OVN_IC_Southbound: hvnet only reads it (availability zones, their interconnection gateways,
//   the routes each AZ advertises), for the status of remote peerings. Followers are accepted:
//   a status a second behind is better than none while the cluster elects a leader, and the
//   session still refuses a member that is behind what it has already seen.
//
// The monitored columns exist in every IC schema from OVN 22.03 to 26.03 (IC-NB 1.0.0–1.3.0,
// IC-SB 1.1.1 installed).
import { OvsdbClient } from '../../ovsdb/client.js';
import type { ClientOptions } from '../../ovsdb/client.js';
import { withRowTypes } from '../../ovsdb/cache.js';
import type { TableCache } from '../../ovsdb/cache.js';
import type { MonitoredTables, MonitorRequest } from '../../ovsdb/row-types.js';
import { opsFor } from '../../ovsdb/typed-operations.js';
import { ovnICNorthboundSchema } from '../schema/ovn-ic-nb.generated.js';
import type { OVNICNorthboundTables } from '../schema/ovn-ic-nb.generated.js';
import { ovnICSouthboundSchema } from '../schema/ovn-ic-sb.generated.js';
import type { OVNICSouthboundTables } from '../schema/ovn-ic-sb.generated.js';

export const IC_NB_TABLES = {
  Transit_Switch: ['name', 'other_config', 'external_ids'],
} as const satisfies MonitorRequest<OVNICNorthboundTables>;

export const IC_SB_TABLES = {
  Availability_Zone: ['name'],
  Gateway: ['name', 'availability_zone', 'hostname'],
  Port_Binding: ['logical_port', 'transit_switch', 'availability_zone', 'gateway', 'address'],
  Route: ['transit_switch', 'availability_zone', 'route_table', 'ip_prefix', 'nexthop', 'origin'],
} as const satisfies MonitorRequest<OVNICSouthboundTables>;

export type IcNbTables = MonitoredTables<OVNICNorthboundTables, typeof IC_NB_TABLES>;
export type IcSbTables = MonitoredTables<OVNICSouthboundTables, typeof IC_SB_TABLES>;
export type TransitSwitchRow = IcNbTables['Transit_Switch'];

/** Typed operation builders for the IC-NB. */
export const icnb = opsFor(ovnICNorthboundSchema);

export type IcClientOptions = Omit<ClientOptions, 'schema' | 'monitor' | 'leaderOnly'>;

/** A client of the IC-NB with the cache the remote planners read (not connected yet: `session.start()`). */
export function icNbClient(o: IcClientOptions): OvsdbClient {
  return new OvsdbClient({ ...o, schema: ovnICNorthboundSchema, leaderOnly: true, monitor: { tables: IC_NB_TABLES } });
}

/** A client of the IC-SB for status reads (not connected yet: `session.start()`). */
export function icSbClient(o: IcClientOptions): OvsdbClient {
  return new OvsdbClient({
    ...o,
    schema: ovnICSouthboundSchema,
    leaderOnly: false,
    monitor: { tables: IC_SB_TABLES, extraIndexes: { Route: [['transit_switch']], Port_Binding: [['transit_switch']], Gateway: [['availability_zone']] } },
  });
}

export function icNbCache(client: OvsdbClient): TableCache<IcNbTables> {
  return withRowTypes(client.cache, ovnICNorthboundSchema, IC_NB_TABLES);
}

/** A route an AZ advertises on a transit switch, with the AZ's name. */
export interface AdvertisedRoute {
  az: string;
  transitSwitch: string;
  prefix: string;
  nexthop: string;
  origin: 'connected' | 'static';
}

/** Reads of the IC-SB cache, by AZ name (rows refer to AZs by uuid). */
export class IcSbView {
  constructor(readonly cache: TableCache<IcSbTables>) {}

  static of(client: OvsdbClient): IcSbView {
    return new IcSbView(withRowTypes(client.cache, ovnICSouthboundSchema, IC_SB_TABLES));
  }

  availabilityZones(): string[] {
    return [...this.cache.table('Availability_Zone').values()].map((r) => r.name).sort();
  }

  private azName(uuid: string): string | undefined {
    return this.cache.get('Availability_Zone', uuid)?.name;
  }

  /** The interconnection gateways (chassis names) of an AZ, sorted. */
  gateways(az: string): string[] {
    const out: string[] = [];
    for (const g of this.cache.table('Gateway').values()) if (this.azName(g.availability_zone) === az) out.push(g.name);
    return out.sort();
  }

  /** The routes advertised on `transitSwitch` (by every AZ, or by `az` only). */
  routes(transitSwitch: string, az?: string): AdvertisedRoute[] {
    const out: AdvertisedRoute[] = [];
    for (const r of this.cache.lookup('Route', ['transit_switch'], [transitSwitch])) {
      const name = this.azName(r.availability_zone);
      if (name === undefined || (az !== undefined && name !== az)) continue;
      out.push({ az: name, transitSwitch, prefix: r.ip_prefix, nexthop: r.nexthop, origin: r.origin });
    }
    return out.sort((a, b) => (a.az + a.prefix < b.az + b.prefix ? -1 : 1));
  }

  /**
   * The gateway chassis ovn-ic recorded for `az`'s port on `transitSwitch`: '' while none claimed
   * it, undefined while the AZ has no port there (gateway-binding.ts).
   */
  portGateway(transitSwitch: string, az: string): string | undefined {
    for (const p of this.cache.lookup('Port_Binding', ['transit_switch'], [transitSwitch])) if (this.azName(p.availability_zone) === az) return p.gateway;
    return undefined;
  }

  /** The AZs with a port bound on `transitSwitch`. */
  azsOn(transitSwitch: string): string[] {
    const out = new Set<string>();
    for (const p of this.cache.lookup('Port_Binding', ['transit_switch'], [transitSwitch])) {
      const name = this.azName(p.availability_zone);
      if (name !== undefined) out.add(name);
    }
    return [...out].sort();
  }
}
