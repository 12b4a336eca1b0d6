// Generated from ovn-sb.ovsschema (OVN_Southbound 20.27.0, cksum 4078371916 30328) by lib/ovsdb/codegen.ts. Do not edit.
// Regenerate: node dist/lib/ovsdb/codegen-cli.js lib/ovn/schema/ovn-sb.ovsschema lib/ovn/schema/ovn-sb.generated.ts
//
// Column values as lib/ovsdb/values.ts decodes them: uuids are strings (typed Uuid); a column
// holding one value is that value, an optional one (min 0, max 1) is `T | undefined`, a set is
// `T[]`, a map with string keys is a Record, any other map a Map. Every row also has `_uuid`.

import type { TypedSchema } from '../../ovsdb/schema.js';
import { parseSchema } from '../../ovsdb/schema.js';

export const ovnSouthboundName = 'OVN_Southbound';
export const ovnSouthboundVersion = '20.27.0';

/**
 * A uuid: a plain string at run time. The mark is never set; it tells lib/ovsdb/row-types.ts that
 * the typed builders take ["uuid", s] or ["named-uuid", name] for this column, not a string.
 */
export type Uuid = string & { readonly __ovsdbUuid?: true };

/** SB_Global: root table; at most 1 row. */
export interface SBGlobalRow {
  /** Assigned by the server. */
  _uuid: Uuid;
  nb_cfg: number;
  external_ids: Record<string, string>;
  /** references Connection (strong). */
  connections: Uuid[];
  /** references SSL (strong). */
  ssl: Uuid | undefined;
  options: Record<string, string>;
  ipsec: boolean;
}

/** Chassis: root table; indexes: (name). */
export interface ChassisRow {
  /** Assigned by the server. */
  _uuid: Uuid;
  name: string;
  hostname: string;
  /** 1 to unlimited elements; references Encap (strong). */
  encaps: Uuid[];
  vtep_logical_switches: string[];
  nb_cfg: number;
  external_ids: Record<string, string>;
  other_config: Record<string, string>;
  transport_zones: string[];
}

/** Chassis_Private: root table; indexes: (name). */
export interface ChassisPrivateRow {
  /** Assigned by the server. */
  _uuid: Uuid;
  name: string;
  /** references Chassis (weak). */
  chassis: Uuid | undefined;
  nb_cfg: number;
  nb_cfg_timestamp: number;
  external_ids: Record<string, string>;
}

/** Encap: non-root (deleted when unreferenced); indexes: (type, ip). */
export interface EncapRow {
  /** Assigned by the server. */
  _uuid: Uuid;
  type: 'geneve' | 'stt' | 'vxlan';
  options: Record<string, string>;
  ip: string;
  chassis_name: string;
}

/** Address_Set: root table; indexes: (name). */
export interface AddressSetRow {
  /** Assigned by the server. */
  _uuid: Uuid;
  name: string;
  addresses: string[];
}

/** Port_Group: root table; indexes: (name). */
export interface PortGroupRow {
  /** Assigned by the server. */
  _uuid: Uuid;
  name: string;
  ports: string[];
}

/** Logical_Flow: root table. */
export interface LogicalFlowRow {
  /** Assigned by the server. */
  _uuid: Uuid;
  /** references Datapath_Binding (strong). */
  logical_datapath: Uuid | undefined;
  /** references Logical_DP_Group (strong). */
  logical_dp_group: Uuid | undefined;
  pipeline: 'ingress' | 'egress';
  /** integer 0 to 32. */
  table_id: number;
  /** integer 0 to 65535. */
  priority: number;
  match: string;
  actions: string;
  tags: Record<string, string>;
  controller_meter: string | undefined;
  external_ids: Record<string, string>;
}

/** Logical_DP_Group: non-root (deleted when unreferenced). */
export interface LogicalDPGroupRow {
  /** Assigned by the server. */
  _uuid: Uuid;
  /** references Datapath_Binding (weak). */
  datapaths: Uuid[];
}

/** Multicast_Group: root table; indexes: (datapath, tunnel_key), (datapath, name). */
export interface MulticastGroupRow {
  /** Assigned by the server. */
  _uuid: Uuid;
  /** references Datapath_Binding (strong). */
  datapath: Uuid;
  name: string;
  /** integer 32768 to 65535. */
  tunnel_key: number;
  /** references Port_Binding (weak). */
  ports: Uuid[];
}

/** Mirror: root table; indexes: (name). */
export interface MirrorRow {
  /** Assigned by the server. */
  _uuid: Uuid;
  name: string;
  filter: 'from-lport' | 'to-lport';
  sink: string;
  type: 'gre' | 'erspan';
  index: number;
  external_ids: Record<string, string>;
}

/** Meter: root table; indexes: (name). */
export interface MeterRow {
  /** Assigned by the server. */
  _uuid: Uuid;
  name: string;
  unit: 'kbps' | 'pktps';
  /** 1 to unlimited elements; references Meter_Band (strong). */
  bands: Uuid[];
}

/** Meter_Band: non-root (deleted when unreferenced). */
export interface MeterBandRow {
  /** Assigned by the server. */
  _uuid: Uuid;
  action: 'drop';
  /** integer 1 to 4294967295. */
  rate: number;
  /** integer 0 to 4294967295. */
  burst_size: number;
}

/** Datapath_Binding: root table; indexes: (tunnel_key). */
export interface DatapathBindingRow {
  /** Assigned by the server. */
  _uuid: Uuid;
  /** integer 1 to 16777215. */
  tunnel_key: number;
  load_balancers: Uuid[];
  external_ids: Record<string, string>;
}

/** Port_Binding: root table; indexes: (datapath, tunnel_key), (logical_port). */
export interface PortBindingRow {
  /** Assigned by the server. */
  _uuid: Uuid;
  logical_port: string;
  type: string;
  /** references Gateway_Chassis (strong). */
  gateway_chassis: Uuid[];
  /** references HA_Chassis_Group (strong). */
  ha_chassis_group: Uuid | undefined;
  options: Record<string, string>;
  /** references Datapath_Binding (strong). */
  datapath: Uuid;
  /** integer 1 to 32767. */
  tunnel_key: number;
  parent_port: string | undefined;
  /** integer 1 to 4095. */
  tag: number | undefined;
  virtual_parent: string | undefined;
  /** references Chassis (weak). */
  chassis: Uuid | undefined;
  /** references Chassis (weak). */
  additional_chassis: Uuid[];
  /** references Encap (weak). */
  encap: Uuid | undefined;
  /** references Encap (weak). */
  additional_encap: Uuid[];
  /** references Mirror (weak). */
  mirror_rules: Uuid[];
  mac: string[];
  port_security: string[];
  nat_addresses: string[];
  up: boolean | undefined;
  external_ids: Record<string, string>;
  /** references Chassis (weak). */
  requested_chassis: Uuid | undefined;
  /** references Chassis (weak). */
  requested_additional_chassis: Uuid[];
}

/** MAC_Binding: root table; indexes: (logical_port, ip). */
export interface MACBindingRow {
  /** Assigned by the server. */
  _uuid: Uuid;
  logical_port: string;
  ip: string;
  mac: string;
  timestamp: number;
  /** references Datapath_Binding (strong). */
  datapath: Uuid;
}

/** DHCP_Options: root table. */
export interface DHCPOptionsRow {
  /** Assigned by the server. */
  _uuid: Uuid;
  name: string;
  /** integer 0 to 254. */
  code: number;
  type: 'bool' | 'uint8' | 'uint16' | 'uint32' | 'ipv4' | 'static_routes' | 'str' | 'host_id' | 'domains';
}

/** DHCPv6_Options: root table. */
export interface DHCPv6OptionsRow {
  /** Assigned by the server. */
  _uuid: Uuid;
  name: string;
  /** integer 0 to 254. */
  code: number;
  type: 'ipv6' | 'str' | 'mac';
}

/** Connection: non-root (deleted when unreferenced); indexes: (target). */
export interface ConnectionRow {
  /** Assigned by the server. */
  _uuid: Uuid;
  target: string;
  /** integer >= 1000. */
  max_backoff: number | undefined;
  inactivity_probe: number | undefined;
  read_only: boolean;
  role: string;
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

/** DNS: root table. */
export interface DNSRow {
  /** Assigned by the server. */
  _uuid: Uuid;
  records: Record<string, string>;
  /** 1 to unlimited elements; references Datapath_Binding (strong). */
  datapaths: Uuid[];
  external_ids: Record<string, string>;
}

/** RBAC_Role: root table. */
export interface RBACRoleRow {
  /** Assigned by the server. */
  _uuid: Uuid;
  name: string;
  /** value references RBAC_Permission (weak). */
  permissions: Record<string, Uuid>;
}

/** RBAC_Permission: root table. */
export interface RBACPermissionRow {
  /** Assigned by the server. */
  _uuid: Uuid;
  table: string;
  authorization: string[];
  insert_delete: boolean;
  update: string[];
}

/** Gateway_Chassis: non-root (deleted when unreferenced); indexes: (name). */
export interface GatewayChassisRow {
  /** Assigned by the server. */
  _uuid: Uuid;
  name: string;
  /** references Chassis (weak). */
  chassis: Uuid | undefined;
  /** integer 0 to 32767. */
  priority: number;
  external_ids: Record<string, string>;
  options: Record<string, string>;
}

/** HA_Chassis: non-root (deleted when unreferenced). */
export interface HAChassisRow {
  /** Assigned by the server. */
  _uuid: Uuid;
  /** references Chassis (weak). */
  chassis: Uuid | undefined;
  /** integer 0 to 32767. */
  priority: number;
  external_ids: Record<string, string>;
}

/** HA_Chassis_Group: root table; indexes: (name). */
export interface HAChassisGroupRow {
  /** Assigned by the server. */
  _uuid: Uuid;
  name: string;
  /** references HA_Chassis (strong). */
  ha_chassis: Uuid[];
  /** references Chassis (weak). */
  ref_chassis: Uuid[];
  external_ids: Record<string, string>;
}

/** Controller_Event: root table. */
export interface ControllerEventRow {
  /** Assigned by the server. */
  _uuid: Uuid;
  event_type: 'empty_lb_backends';
  event_info: Record<string, string>;
  /** references Chassis (weak). */
  chassis: Uuid | undefined;
  seq_num: number;
}

/** IP_Multicast: root table; indexes: (datapath). */
export interface IPMulticastRow {
  /** Assigned by the server. */
  _uuid: Uuid;
  /** references Datapath_Binding (weak). */
  datapath: Uuid;
  enabled: boolean | undefined;
  querier: boolean | undefined;
  eth_src: string;
  ip4_src: string;
  ip6_src: string;
  table_size: number | undefined;
  idle_timeout: number | undefined;
  query_interval: number | undefined;
  query_max_resp: number | undefined;
  seq_no: number;
}

/** IGMP_Group: root table; indexes: (address, datapath, chassis). */
export interface IGMPGroupRow {
  /** Assigned by the server. */
  _uuid: Uuid;
  address: string;
  /** references Datapath_Binding (weak). */
  datapath: Uuid | undefined;
  /** references Chassis (weak). */
  chassis: Uuid | undefined;
  /** references Port_Binding (weak). */
  ports: Uuid[];
}

/** Service_Monitor: root table; indexes: (logical_port, ip, port, protocol). */
export interface ServiceMonitorRow {
  /** Assigned by the server. */
  _uuid: Uuid;
  ip: string;
  protocol: 'tcp' | 'udp' | undefined;
  /** integer 0 to 65535. */
  port: number;
  logical_port: string;
  src_mac: string;
  src_ip: string;
  status: 'online' | 'offline' | 'error' | undefined;
  options: Record<string, string>;
  external_ids: Record<string, string>;
}

/** Load_Balancer: root table. */
export interface LoadBalancerRow {
  /** Assigned by the server. */
  _uuid: Uuid;
  name: string;
  vips: Record<string, string>;
  protocol: 'tcp' | 'udp' | 'sctp' | undefined;
  /** references Datapath_Binding (strong). */
  datapaths: Uuid[];
  /** references Logical_DP_Group (strong). */
  datapath_group: Uuid | undefined;
  options: Record<string, string>;
  external_ids: Record<string, string>;
}

/** BFD: root table; indexes: (logical_port, dst_ip, src_port, disc). */
export interface BFDRow {
  /** Assigned by the server. */
  _uuid: Uuid;
  /** integer 49152 to 65535. */
  src_port: number;
  disc: number;
  logical_port: string;
  dst_ip: string;
  min_tx: number;
  min_rx: number;
  detect_mult: number;
  status: 'down' | 'init' | 'up' | 'admin_down';
  external_ids: Record<string, string>;
  options: Record<string, string>;
}

/** FDB: root table; indexes: (mac, dp_key). */
export interface FDBRow {
  /** Assigned by the server. */
  _uuid: Uuid;
  mac: string;
  /** integer 1 to 16777215. */
  dp_key: number;
  /** integer 1 to 16777215. */
  port_key: number;
}

/** Static_MAC_Binding: root table; indexes: (logical_port, ip). */
export interface StaticMACBindingRow {
  /** Assigned by the server. */
  _uuid: Uuid;
  logical_port: string;
  ip: string;
  mac: string;
  override_dynamic_mac: boolean;
  /** references Datapath_Binding (strong). */
  datapath: Uuid;
}

/** Chassis_Template_Var: root table; indexes: (chassis). */
export interface ChassisTemplateVarRow {
  /** Assigned by the server. */
  _uuid: Uuid;
  chassis: string;
  variables: Record<string, string>;
}

/** Row type of every table, by table name. */
export interface OVNSouthboundTables {
  SB_Global: SBGlobalRow;
  Chassis: ChassisRow;
  Chassis_Private: ChassisPrivateRow;
  Encap: EncapRow;
  Address_Set: AddressSetRow;
  Port_Group: PortGroupRow;
  Logical_Flow: LogicalFlowRow;
  Logical_DP_Group: LogicalDPGroupRow;
  Multicast_Group: MulticastGroupRow;
  Mirror: MirrorRow;
  Meter: MeterRow;
  Meter_Band: MeterBandRow;
  Datapath_Binding: DatapathBindingRow;
  Port_Binding: PortBindingRow;
  MAC_Binding: MACBindingRow;
  DHCP_Options: DHCPOptionsRow;
  DHCPv6_Options: DHCPv6OptionsRow;
  Connection: ConnectionRow;
  SSL: SSLRow;
  DNS: DNSRow;
  RBAC_Role: RBACRoleRow;
  RBAC_Permission: RBACPermissionRow;
  Gateway_Chassis: GatewayChassisRow;
  HA_Chassis: HAChassisRow;
  HA_Chassis_Group: HAChassisGroupRow;
  Controller_Event: ControllerEventRow;
  IP_Multicast: IPMulticastRow;
  IGMP_Group: IGMPGroupRow;
  Service_Monitor: ServiceMonitorRow;
  Load_Balancer: LoadBalancerRow;
  BFD: BFDRow;
  FDB: FDBRow;
  Static_MAC_Binding: StaticMACBindingRow;
  Chassis_Template_Var: ChassisTemplateVarRow;
}

export type OVNSouthboundTableName =
  | 'SB_Global'
  | 'Chassis'
  | 'Chassis_Private'
  | 'Encap'
  | 'Address_Set'
  | 'Port_Group'
  | 'Logical_Flow'
  | 'Logical_DP_Group'
  | 'Multicast_Group'
  | 'Mirror'
  | 'Meter'
  | 'Meter_Band'
  | 'Datapath_Binding'
  | 'Port_Binding'
  | 'MAC_Binding'
  | 'DHCP_Options'
  | 'DHCPv6_Options'
  | 'Connection'
  | 'SSL'
  | 'DNS'
  | 'RBAC_Role'
  | 'RBAC_Permission'
  | 'Gateway_Chassis'
  | 'HA_Chassis'
  | 'HA_Chassis_Group'
  | 'Controller_Event'
  | 'IP_Multicast'
  | 'IGMP_Group'
  | 'Service_Monitor'
  | 'Load_Balancer'
  | 'BFD'
  | 'FDB'
  | 'Static_MAC_Binding'
  | 'Chassis_Template_Var';

/** The schema document, verbatim. */
export const ovnSouthboundSchemaJson = {
  name: 'OVN_Southbound',
  version: '20.27.0',
  cksum: '4078371916 30328',
  tables: {
    SB_Global: {
      columns: {
        nb_cfg: { type: { key: 'integer' } },
        external_ids: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
        connections: { type: { key: { type: 'uuid', refTable: 'Connection' }, min: 0, max: 'unlimited' } },
        ssl: { type: { key: { type: 'uuid', refTable: 'SSL' }, min: 0, max: 1 } },
        options: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
        ipsec: { type: 'boolean' },
      },
      maxRows: 1,
      isRoot: true,
    },
    Chassis: {
      columns: {
        name: { type: 'string' },
        hostname: { type: 'string' },
        encaps: { type: { key: { type: 'uuid', refTable: 'Encap' }, min: 1, max: 'unlimited' } },
        vtep_logical_switches: { type: { key: 'string', min: 0, max: 'unlimited' } },
        nb_cfg: { type: { key: 'integer' } },
        external_ids: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
        other_config: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
        transport_zones: { type: { key: 'string', min: 0, max: 'unlimited' } },
      },
      isRoot: true,
      indexes: [['name']],
    },
    Chassis_Private: {
      columns: {
        name: { type: 'string' },
        chassis: { type: { key: { type: 'uuid', refTable: 'Chassis', refType: 'weak' }, min: 0, max: 1 } },
        nb_cfg: { type: { key: 'integer' } },
        nb_cfg_timestamp: { type: { key: 'integer' } },
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
        chassis_name: { type: 'string' },
      },
      indexes: [['type', 'ip']],
    },
    Address_Set: {
      columns: { name: { type: 'string' }, addresses: { type: { key: 'string', min: 0, max: 'unlimited' } } },
      indexes: [['name']],
      isRoot: true,
    },
    Port_Group: {
      columns: { name: { type: 'string' }, ports: { type: { key: 'string', min: 0, max: 'unlimited' } } },
      indexes: [['name']],
      isRoot: true,
    },
    Logical_Flow: {
      columns: {
        logical_datapath: { type: { key: { type: 'uuid', refTable: 'Datapath_Binding' }, min: 0, max: 1 } },
        logical_dp_group: { type: { key: { type: 'uuid', refTable: 'Logical_DP_Group' }, min: 0, max: 1 } },
        pipeline: { type: { key: { type: 'string', enum: ['set', ['ingress', 'egress']] } } },
        table_id: { type: { key: { type: 'integer', minInteger: 0, maxInteger: 32 } } },
        priority: { type: { key: { type: 'integer', minInteger: 0, maxInteger: 65535 } } },
        match: { type: 'string' },
        actions: { type: 'string' },
        tags: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
        controller_meter: { type: { key: { type: 'string' }, min: 0, max: 1 } },
        external_ids: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
      },
      isRoot: true,
    },
    Logical_DP_Group: {
      columns: {
        datapaths: {
          type: {
            key: { type: 'uuid', refTable: 'Datapath_Binding', refType: 'weak' },
            min: 0,
            max: 'unlimited',
          },
        },
      },
      isRoot: false,
    },
    Multicast_Group: {
      columns: {
        datapath: { type: { key: { type: 'uuid', refTable: 'Datapath_Binding' } } },
        name: { type: 'string' },
        tunnel_key: { type: { key: { type: 'integer', minInteger: 32768, maxInteger: 65535 } } },
        ports: {
          type: {
            key: { type: 'uuid', refTable: 'Port_Binding', refType: 'weak' },
            min: 0,
            max: 'unlimited',
          },
        },
      },
      indexes: [['datapath', 'tunnel_key'], ['datapath', 'name']],
      isRoot: true,
    },
    Mirror: {
      columns: {
        name: { type: 'string' },
        filter: { type: { key: { type: 'string', enum: ['set', ['from-lport', 'to-lport']] } } },
        sink: { type: 'string' },
        type: { type: { key: { type: 'string', enum: ['set', ['gre', 'erspan']] } } },
        index: { type: 'integer' },
        external_ids: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
      },
      indexes: [['name']],
      isRoot: true,
    },
    Meter: {
      columns: {
        name: { type: 'string' },
        unit: { type: { key: { type: 'string', enum: ['set', ['kbps', 'pktps']] } } },
        bands: {
          type: {
            key: { type: 'uuid', refTable: 'Meter_Band', refType: 'strong' },
            min: 1,
            max: 'unlimited',
          },
        },
      },
      indexes: [['name']],
      isRoot: true,
    },
    Meter_Band: {
      columns: {
        action: { type: { key: { type: 'string', enum: ['set', ['drop']] } } },
        rate: { type: { key: { type: 'integer', minInteger: 1, maxInteger: 4294967295 } } },
        burst_size: { type: { key: { type: 'integer', minInteger: 0, maxInteger: 4294967295 } } },
      },
      isRoot: false,
    },
    Datapath_Binding: {
      columns: {
        tunnel_key: { type: { key: { type: 'integer', minInteger: 1, maxInteger: 16777215 } } },
        load_balancers: { type: { key: { type: 'uuid' }, min: 0, max: 'unlimited' } },
        external_ids: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
      },
      indexes: [['tunnel_key']],
      isRoot: true,
    },
    Port_Binding: {
      columns: {
        logical_port: { type: 'string' },
        type: { type: 'string' },
        gateway_chassis: {
          type: {
            key: { type: 'uuid', refTable: 'Gateway_Chassis', refType: 'strong' },
            min: 0,
            max: 'unlimited',
          },
        },
        ha_chassis_group: {
          type: { key: { type: 'uuid', refTable: 'HA_Chassis_Group', refType: 'strong' }, min: 0, max: 1 },
        },
        options: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
        datapath: { type: { key: { type: 'uuid', refTable: 'Datapath_Binding' } } },
        tunnel_key: { type: { key: { type: 'integer', minInteger: 1, maxInteger: 32767 } } },
        parent_port: { type: { key: 'string', min: 0, max: 1 } },
        tag: { type: { key: { type: 'integer', minInteger: 1, maxInteger: 4095 }, min: 0, max: 1 } },
        virtual_parent: { type: { key: 'string', min: 0, max: 1 } },
        chassis: { type: { key: { type: 'uuid', refTable: 'Chassis', refType: 'weak' }, min: 0, max: 1 } },
        additional_chassis: {
          type: { key: { type: 'uuid', refTable: 'Chassis', refType: 'weak' }, min: 0, max: 'unlimited' },
        },
        encap: { type: { key: { type: 'uuid', refTable: 'Encap', refType: 'weak' }, min: 0, max: 1 } },
        additional_encap: {
          type: { key: { type: 'uuid', refTable: 'Encap', refType: 'weak' }, min: 0, max: 'unlimited' },
        },
        mirror_rules: {
          type: { key: { type: 'uuid', refTable: 'Mirror', refType: 'weak' }, min: 0, max: 'unlimited' },
        },
        mac: { type: { key: 'string', min: 0, max: 'unlimited' } },
        port_security: { type: { key: 'string', min: 0, max: 'unlimited' } },
        nat_addresses: { type: { key: 'string', min: 0, max: 'unlimited' } },
        up: { type: { key: 'boolean', min: 0, max: 1 } },
        external_ids: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
        requested_chassis: { type: { key: { type: 'uuid', refTable: 'Chassis', refType: 'weak' }, min: 0, max: 1 } },
        requested_additional_chassis: {
          type: { key: { type: 'uuid', refTable: 'Chassis', refType: 'weak' }, min: 0, max: 'unlimited' },
        },
      },
      indexes: [['datapath', 'tunnel_key'], ['logical_port']],
      isRoot: true,
    },
    MAC_Binding: {
      columns: {
        logical_port: { type: 'string' },
        ip: { type: 'string' },
        mac: { type: 'string' },
        timestamp: { type: { key: 'integer' } },
        datapath: { type: { key: { type: 'uuid', refTable: 'Datapath_Binding' } } },
      },
      indexes: [['logical_port', 'ip']],
      isRoot: true,
    },
    DHCP_Options: {
      columns: {
        name: { type: 'string' },
        code: { type: { key: { type: 'integer', minInteger: 0, maxInteger: 254 } } },
        type: {
          type: {
            key: {
              type: 'string',
              enum: [
                'set',
                [
                  'bool',
                  'uint8',
                  'uint16',
                  'uint32',
                  'ipv4',
                  'static_routes',
                  'str',
                  'host_id',
                  'domains',
                ],
              ],
            },
          },
        },
      },
      isRoot: true,
    },
    DHCPv6_Options: {
      columns: {
        name: { type: 'string' },
        code: { type: { key: { type: 'integer', minInteger: 0, maxInteger: 254 } } },
        type: { type: { key: { type: 'string', enum: ['set', ['ipv6', 'str', 'mac']] } } },
      },
      isRoot: true,
    },
    Connection: {
      columns: {
        target: { type: 'string' },
        max_backoff: { type: { key: { type: 'integer', minInteger: 1000 }, min: 0, max: 1 } },
        inactivity_probe: { type: { key: 'integer', min: 0, max: 1 } },
        read_only: { type: 'boolean' },
        role: { type: 'string' },
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
    DNS: {
      columns: {
        records: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
        datapaths: { type: { key: { type: 'uuid', refTable: 'Datapath_Binding' }, min: 1, max: 'unlimited' } },
        external_ids: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
      },
      isRoot: true,
    },
    RBAC_Role: {
      columns: {
        name: { type: 'string' },
        permissions: {
          type: {
            key: { type: 'string' },
            value: { type: 'uuid', refTable: 'RBAC_Permission', refType: 'weak' },
            min: 0,
            max: 'unlimited',
          },
        },
      },
      isRoot: true,
    },
    RBAC_Permission: {
      columns: {
        table: { type: 'string' },
        authorization: { type: { key: 'string', min: 0, max: 'unlimited' } },
        insert_delete: { type: 'boolean' },
        update: { type: { key: 'string', min: 0, max: 'unlimited' } },
      },
      isRoot: true,
    },
    Gateway_Chassis: {
      columns: {
        name: { type: 'string' },
        chassis: { type: { key: { type: 'uuid', refTable: 'Chassis', refType: 'weak' }, min: 0, max: 1 } },
        priority: { type: { key: { type: 'integer', minInteger: 0, maxInteger: 32767 } } },
        external_ids: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
        options: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
      },
      indexes: [['name']],
      isRoot: false,
    },
    HA_Chassis: {
      columns: {
        chassis: { type: { key: { type: 'uuid', refTable: 'Chassis', refType: 'weak' }, min: 0, max: 1 } },
        priority: { type: { key: { type: 'integer', minInteger: 0, maxInteger: 32767 } } },
        external_ids: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
      },
      isRoot: false,
    },
    HA_Chassis_Group: {
      columns: {
        name: { type: 'string' },
        ha_chassis: {
          type: {
            key: { type: 'uuid', refTable: 'HA_Chassis', refType: 'strong' },
            min: 0,
            max: 'unlimited',
          },
        },
        ref_chassis: {
          type: { key: { type: 'uuid', refTable: 'Chassis', refType: 'weak' }, min: 0, max: 'unlimited' },
        },
        external_ids: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
      },
      indexes: [['name']],
      isRoot: true,
    },
    Controller_Event: {
      columns: {
        event_type: { type: { key: { type: 'string', enum: ['set', ['empty_lb_backends']] } } },
        event_info: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
        chassis: { type: { key: { type: 'uuid', refTable: 'Chassis', refType: 'weak' }, min: 0, max: 1 } },
        seq_num: { type: { key: 'integer' } },
      },
      isRoot: true,
    },
    IP_Multicast: {
      columns: {
        datapath: { type: { key: { type: 'uuid', refTable: 'Datapath_Binding', refType: 'weak' } } },
        enabled: { type: { key: 'boolean', min: 0, max: 1 } },
        querier: { type: { key: 'boolean', min: 0, max: 1 } },
        eth_src: { type: 'string' },
        ip4_src: { type: 'string' },
        ip6_src: { type: 'string' },
        table_size: { type: { key: 'integer', min: 0, max: 1 } },
        idle_timeout: { type: { key: 'integer', min: 0, max: 1 } },
        query_interval: { type: { key: 'integer', min: 0, max: 1 } },
        query_max_resp: { type: { key: 'integer', min: 0, max: 1 } },
        seq_no: { type: 'integer' },
      },
      indexes: [['datapath']],
      isRoot: true,
    },
    IGMP_Group: {
      columns: {
        address: { type: 'string' },
        datapath: {
          type: { key: { type: 'uuid', refTable: 'Datapath_Binding', refType: 'weak' }, min: 0, max: 1 },
        },
        chassis: { type: { key: { type: 'uuid', refTable: 'Chassis', refType: 'weak' }, min: 0, max: 1 } },
        ports: {
          type: {
            key: { type: 'uuid', refTable: 'Port_Binding', refType: 'weak' },
            min: 0,
            max: 'unlimited',
          },
        },
      },
      indexes: [['address', 'datapath', 'chassis']],
      isRoot: true,
    },
    Service_Monitor: {
      columns: {
        ip: { type: 'string' },
        protocol: { type: { key: { type: 'string', enum: ['set', ['tcp', 'udp']] }, min: 0, max: 1 } },
        port: { type: { key: { type: 'integer', minInteger: 0, maxInteger: 65535 } } },
        logical_port: { type: 'string' },
        src_mac: { type: 'string' },
        src_ip: { type: 'string' },
        status: {
          type: { key: { type: 'string', enum: ['set', ['online', 'offline', 'error']] }, min: 0, max: 1 },
        },
        options: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
        external_ids: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
      },
      indexes: [['logical_port', 'ip', 'port', 'protocol']],
      isRoot: true,
    },
    Load_Balancer: {
      columns: {
        name: { type: 'string' },
        vips: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
        protocol: { type: { key: { type: 'string', enum: ['set', ['tcp', 'udp', 'sctp']] }, min: 0, max: 1 } },
        datapaths: { type: { key: { type: 'uuid', refTable: 'Datapath_Binding' }, min: 0, max: 'unlimited' } },
        datapath_group: { type: { key: { type: 'uuid', refTable: 'Logical_DP_Group' }, min: 0, max: 1 } },
        options: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
        external_ids: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
      },
      isRoot: true,
    },
    BFD: {
      columns: {
        src_port: { type: { key: { type: 'integer', minInteger: 49152, maxInteger: 65535 } } },
        disc: { type: { key: { type: 'integer' } } },
        logical_port: { type: 'string' },
        dst_ip: { type: 'string' },
        min_tx: { type: { key: { type: 'integer' } } },
        min_rx: { type: { key: { type: 'integer' } } },
        detect_mult: { type: { key: { type: 'integer' } } },
        status: { type: { key: { type: 'string', enum: ['set', ['down', 'init', 'up', 'admin_down']] } } },
        external_ids: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
        options: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
      },
      indexes: [['logical_port', 'dst_ip', 'src_port', 'disc']],
      isRoot: true,
    },
    FDB: {
      columns: {
        mac: { type: 'string' },
        dp_key: { type: { key: { type: 'integer', minInteger: 1, maxInteger: 16777215 } } },
        port_key: { type: { key: { type: 'integer', minInteger: 1, maxInteger: 16777215 } } },
      },
      indexes: [['mac', 'dp_key']],
      isRoot: true,
    },
    Static_MAC_Binding: {
      columns: {
        logical_port: { type: 'string' },
        ip: { type: 'string' },
        mac: { type: 'string' },
        override_dynamic_mac: { type: 'boolean' },
        datapath: { type: { key: { type: 'uuid', refTable: 'Datapath_Binding' } } },
      },
      indexes: [['logical_port', 'ip']],
      isRoot: true,
    },
    Chassis_Template_Var: {
      columns: {
        chassis: { type: 'string' },
        variables: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
      },
      indexes: [['chassis']],
      isRoot: true,
    },
  },
};

/** The parsed schema, for validating operations against the same source as the types above, which it carries. */
export const ovnSouthboundSchema: TypedSchema<OVNSouthboundTables> = parseSchema(ovnSouthboundSchemaJson);
