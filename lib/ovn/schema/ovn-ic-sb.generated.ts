// Generated from ovn-ic-sb.ovsschema (OVN_IC_Southbound 1.1.1, cksum 3684563024 6914) by lib/ovsdb/codegen.ts. Do not edit.
// Regenerate: node dist/lib/ovsdb/codegen-cli.js lib/ovn/schema/ovn-ic-sb.ovsschema lib/ovn/schema/ovn-ic-sb.generated.ts
//
// Column values as lib/ovsdb/values.ts decodes them: uuids are strings (typed Uuid); a column
// holding one value is that value, an optional one (min 0, max 1) is `T | undefined`, a set is
// `T[]`, a map with string keys is a Record, any other map a Map. Every row also has `_uuid`.

import type { TypedSchema } from '../../ovsdb/schema.js';
import { parseSchema } from '../../ovsdb/schema.js';

export const ovnICSouthboundName = 'OVN_IC_Southbound';
export const ovnICSouthboundVersion = '1.1.1';

/**
 * A uuid: a plain string at run time. The mark is never set; it tells lib/ovsdb/row-types.ts that
 * the typed builders take ["uuid", s] or ["named-uuid", name] for this column, not a string.
 */
export type Uuid = string & { readonly __ovsdbUuid?: true };

/** IC_SB_Global: root table; at most 1 row. */
export interface ICSBGlobalRow {
  /** Assigned by the server. */
  _uuid: Uuid;
  external_ids: Record<string, string>;
  /** references Connection (strong). */
  connections: Uuid[];
  /** references SSL (strong). */
  ssl: Uuid | undefined;
  options: Record<string, string>;
}

/** Availability_Zone: root table; indexes: (name). */
export interface AvailabilityZoneRow {
  /** Assigned by the server. */
  _uuid: Uuid;
  name: string;
}

/** Gateway: root table; indexes: (name). */
export interface GatewayRow {
  /** Assigned by the server. */
  _uuid: Uuid;
  name: string;
  /** references Availability_Zone (strong). */
  availability_zone: Uuid;
  hostname: string;
  /** 1 to unlimited elements; references Encap (strong). */
  encaps: Uuid[];
  external_ids: Record<string, string>;
}

/** Encap: non-root (deleted when unreferenced); indexes: (type, ip). */
export interface EncapRow {
  /** Assigned by the server. */
  _uuid: Uuid;
  type: 'geneve' | 'stt' | 'vxlan';
  options: Record<string, string>;
  ip: string;
  gateway_name: string;
}

/** Datapath_Binding: root table; indexes: (tunnel_key). */
export interface DatapathBindingRow {
  /** Assigned by the server. */
  _uuid: Uuid;
  transit_switch: string;
  /** integer 1 to 16777215. */
  tunnel_key: number;
  external_ids: Record<string, string>;
}

/** Port_Binding: root table; indexes: (transit_switch, tunnel_key), (logical_port). */
export interface PortBindingRow {
  /** Assigned by the server. */
  _uuid: Uuid;
  logical_port: string;
  transit_switch: string;
  /** references Availability_Zone (strong). */
  availability_zone: Uuid;
  /** integer 1 to 32767. */
  tunnel_key: number;
  gateway: string;
  /** references Encap (weak). */
  encap: Uuid | undefined;
  address: string;
  external_ids: Record<string, string>;
}

/** Route: root table; indexes: (transit_switch, availability_zone, route_table, ip_prefix, nexthop). */
export interface RouteRow {
  /** Assigned by the server. */
  _uuid: Uuid;
  transit_switch: string;
  /** references Availability_Zone (strong). */
  availability_zone: Uuid;
  route_table: string;
  ip_prefix: string;
  nexthop: string;
  origin: 'connected' | 'static';
  external_ids: Record<string, string>;
}

/** Connection: non-root (deleted when unreferenced); indexes: (target). */
export interface ConnectionRow {
  /** Assigned by the server. */
  _uuid: Uuid;
  target: string;
  /** integer >= 1000. */
  max_backoff: number | undefined;
  inactivity_probe: number | undefined;
  other_config: Record<string, string>;
  external_ids: Record<string, string>;
  /** ephemeral (not persisted). */
  is_connected: boolean;
  /** ephemeral (not persisted). */
  status: Record<string, string>;
}

/** SSL: non-root (deleted when unreferenced); at most 1 row. */
export interface SSLRow {
  /** Assigned by the server. */
  _uuid: Uuid;
  private_key: string;
  certificate: string;
  ca_cert: string;
  bootstrap_ca_cert: boolean;
  ssl_protocols: string;
  ssl_ciphers: string;
  external_ids: Record<string, string>;
}

/** Row type of every table, by table name. */
export interface OVNICSouthboundTables {
  IC_SB_Global: ICSBGlobalRow;
  Availability_Zone: AvailabilityZoneRow;
  Gateway: GatewayRow;
  Encap: EncapRow;
  Datapath_Binding: DatapathBindingRow;
  Port_Binding: PortBindingRow;
  Route: RouteRow;
  Connection: ConnectionRow;
  SSL: SSLRow;
}

export type OVNICSouthboundTableName =
  | 'IC_SB_Global'
  | 'Availability_Zone'
  | 'Gateway'
  | 'Encap'
  | 'Datapath_Binding'
  | 'Port_Binding'
  | 'Route'
  | 'Connection'
  | 'SSL';

/** The schema document, verbatim. */
export const ovnICSouthboundSchemaJson = {
  name: 'OVN_IC_Southbound',
  version: '1.1.1',
  cksum: '3684563024 6914',
  tables: {
    IC_SB_Global: {
      columns: {
        external_ids: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
        connections: { type: { key: { type: 'uuid', refTable: 'Connection' }, min: 0, max: 'unlimited' } },
        ssl: { type: { key: { type: 'uuid', refTable: 'SSL' }, min: 0, max: 1 } },
        options: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
      },
      maxRows: 1,
      isRoot: true,
    },
    Availability_Zone: { columns: { name: { type: 'string' } }, isRoot: true, indexes: [['name']] },
    Gateway: {
      columns: {
        name: { type: 'string' },
        availability_zone: { type: { key: { type: 'uuid', refTable: 'Availability_Zone' } } },
        hostname: { type: 'string' },
        encaps: { type: { key: { type: 'uuid', refTable: 'Encap' }, min: 1, max: 'unlimited' } },
        external_ids: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
      },
      isRoot: true,
      indexes: [['name']],
    },
    Encap: {
      columns: {
        type: { type: { key: { type: 'string', enum: ['set', ['geneve', 'stt', 'vxlan']] } } },
        options: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
        ip: { type: 'string' },
        gateway_name: { type: 'string' },
      },
      indexes: [['type', 'ip']],
    },
    Datapath_Binding: {
      columns: {
        transit_switch: { type: 'string' },
        tunnel_key: { type: { key: { type: 'integer', minInteger: 1, maxInteger: 16777215 } } },
        external_ids: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
      },
      indexes: [['tunnel_key']],
      isRoot: true,
    },
    Port_Binding: {
      columns: {
        logical_port: { type: 'string' },
        transit_switch: { type: 'string' },
        availability_zone: { type: { key: { type: 'uuid', refTable: 'Availability_Zone' } } },
        tunnel_key: { type: { key: { type: 'integer', minInteger: 1, maxInteger: 32767 } } },
        gateway: { type: 'string' },
        encap: { type: { key: { type: 'uuid', refTable: 'Encap', refType: 'weak' }, min: 0, max: 1 } },
        address: { type: 'string' },
        external_ids: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
      },
      indexes: [['transit_switch', 'tunnel_key'], ['logical_port']],
      isRoot: true,
    },
    Route: {
      columns: {
        transit_switch: { type: 'string' },
        availability_zone: { type: { key: { type: 'uuid', refTable: 'Availability_Zone' } } },
        route_table: { type: 'string' },
        ip_prefix: { type: 'string' },
        nexthop: { type: 'string' },
        origin: { type: { key: { type: 'string', enum: ['set', ['connected', 'static']] } } },
        external_ids: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
      },
      indexes: [['transit_switch', 'availability_zone', 'route_table', 'ip_prefix', 'nexthop']],
      isRoot: true,
    },
    Connection: {
      columns: {
        target: { type: 'string' },
        max_backoff: { type: { key: { type: 'integer', minInteger: 1000 }, min: 0, max: 1 } },
        inactivity_probe: { type: { key: 'integer', min: 0, max: 1 } },
        other_config: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
        external_ids: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
        is_connected: { type: 'boolean', ephemeral: true },
        status: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' }, ephemeral: true },
      },
      indexes: [['target']],
    },
    SSL: {
      columns: {
        private_key: { type: 'string' },
        certificate: { type: 'string' },
        ca_cert: { type: 'string' },
        bootstrap_ca_cert: { type: 'boolean' },
        ssl_protocols: { type: 'string' },
        ssl_ciphers: { type: 'string' },
        external_ids: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
      },
      maxRows: 1,
    },
  },
};

/** The parsed schema, for validating operations against the same source as the types above, which it carries. */
export const ovnICSouthboundSchema: TypedSchema<OVNICSouthboundTables> = parseSchema(ovnICSouthboundSchemaJson);
