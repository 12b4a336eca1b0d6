// Generated from ovn-nb.ovsschema (OVN_Northbound 7.0.0, cksum 94023179 33468) by lib/ovsdb/codegen.ts. Do not edit.
// Regenerate: node dist/lib/ovsdb/codegen-cli.js lib/ovn/schema/ovn-nb.ovsschema lib/ovn/schema/ovn-nb.generated.ts
//
// Column values as lib/ovsdb/values.ts decodes them: uuids are strings (typed Uuid); a column
// holding one value is that value, an optional one (min 0, max 1) is `T | undefined`, a set is
// `T[]`, a map with string keys is a Record, any other map a Map. Every row also has `_uuid`.

import type { TypedSchema } from '../../ovsdb/schema.js';
import { parseSchema } from '../../ovsdb/schema.js';

export const ovnNorthboundName = 'OVN_Northbound';
export const ovnNorthboundVersion = '7.0.0';

/**
 * A uuid: a plain string at run time. The mark is never set; it tells lib/ovsdb/row-types.ts that
 * the typed builders take ["uuid", s] or ["named-uuid", name] for this column, not a string.
 */
export type Uuid = string & { readonly __ovsdbUuid?: true };

/** NB_Global: root table; at most 1 row. */
export interface NBGlobalRow {
  /** Assigned by the server. */
  _uuid: Uuid;
  name: string;
  nb_cfg: number;
  nb_cfg_timestamp: number;
  sb_cfg: number;
  sb_cfg_timestamp: number;
  hv_cfg: number;
  hv_cfg_timestamp: number;
  external_ids: Record<string, string>;
  /** references Connection (strong). */
  connections: Uuid[];
  /** references SSL (strong). */
  ssl: Uuid | undefined;
  options: Record<string, string>;
  ipsec: boolean;
}

/** Copp: root table; indexes: (name). */
export interface CoppRow {
  /** Assigned by the server. */
  _uuid: Uuid;
  name: string;
  meters: Record<string, string>;
  external_ids: Record<string, string>;
}

/** Logical_Switch: root table. */
export interface LogicalSwitchRow {
  /** Assigned by the server. */
  _uuid: Uuid;
  name: string;
  /** references Logical_Switch_Port (strong). */
  ports: Uuid[];
  /** references ACL (strong). */
  acls: Uuid[];
  /** references QoS (strong). */
  qos_rules: Uuid[];
  /** references Load_Balancer (weak). */
  load_balancer: Uuid[];
  /** references Load_Balancer_Group (strong). */
  load_balancer_group: Uuid[];
  /** references DNS (weak). */
  dns_records: Uuid[];
  /** references Copp (weak). */
  copp: Uuid | undefined;
  other_config: Record<string, string>;
  external_ids: Record<string, string>;
  /** references Forwarding_Group (strong). */
  forwarding_groups: Uuid[];
}

/** Logical_Switch_Port: non-root (deleted when unreferenced); indexes: (name). */
export interface LogicalSwitchPortRow {
  /** Assigned by the server. */
  _uuid: Uuid;
  name: string;
  type: string;
  options: Record<string, string>;
  parent_name: string | undefined;
  /** integer 0 to 4095. */
  tag_request: number | undefined;
  /** integer 1 to 4095. */
  tag: number | undefined;
  addresses: string[];
  dynamic_addresses: string | undefined;
  port_security: string[];
  up: boolean | undefined;
  enabled: boolean | undefined;
  /** references DHCP_Options (weak). */
  dhcpv4_options: Uuid | undefined;
  /** references DHCP_Options (weak). */
  dhcpv6_options: Uuid | undefined;
  /** references Mirror (weak). */
  mirror_rules: Uuid[];
  /** references HA_Chassis_Group (strong). */
  ha_chassis_group: Uuid | undefined;
  external_ids: Record<string, string>;
}

/** Forwarding_Group: non-root (deleted when unreferenced). */
export interface ForwardingGroupRow {
  /** Assigned by the server. */
  _uuid: Uuid;
  name: string;
  vip: string;
  vmac: string;
  liveness: boolean;
  external_ids: Record<string, string>;
  /** 1 to unlimited elements. */
  child_port: string[];
}

/** Address_Set: root table; indexes: (name). */
export interface AddressSetRow {
  /** Assigned by the server. */
  _uuid: Uuid;
  name: string;
  addresses: string[];
  external_ids: Record<string, string>;
}

/** Port_Group: root table; indexes: (name). */
export interface PortGroupRow {
  /** Assigned by the server. */
  _uuid: Uuid;
  name: string;
  /** references Logical_Switch_Port (weak). */
  ports: Uuid[];
  /** references ACL (strong). */
  acls: Uuid[];
  external_ids: Record<string, string>;
}

/** Load_Balancer: root table. */
export interface LoadBalancerRow {
  /** Assigned by the server. */
  _uuid: Uuid;
  name: string;
  vips: Record<string, string>;
  protocol: 'tcp' | 'udp' | 'sctp' | undefined;
  /** references Load_Balancer_Health_Check (strong). */
  health_check: Uuid[];
  ip_port_mappings: Record<string, string>;
  selection_fields: ('eth_src' | 'eth_dst' | 'ip_src' | 'ip_dst' | 'tp_src' | 'tp_dst')[];
  options: Record<string, string>;
  external_ids: Record<string, string>;
}

/** Load_Balancer_Group: root table; indexes: (name). */
export interface LoadBalancerGroupRow {
  /** Assigned by the server. */
  _uuid: Uuid;
  name: string;
  /** references Load_Balancer (weak). */
  load_balancer: Uuid[];
}

/** Load_Balancer_Health_Check: non-root (deleted when unreferenced). */
export interface LoadBalancerHealthCheckRow {
  /** Assigned by the server. */
  _uuid: Uuid;
  vip: string;
  options: Record<string, string>;
  external_ids: Record<string, string>;
}

/** ACL: non-root (deleted when unreferenced). */
export interface ACLRow {
  /** Assigned by the server. */
  _uuid: Uuid;
  /** <= 63 characters. */
  name: string | undefined;
  /** integer 0 to 32767. */
  priority: number;
  direction: 'from-lport' | 'to-lport';
  match: string;
  action: 'allow' | 'allow-related' | 'allow-stateless' | 'drop' | 'reject';
  log: boolean;
  severity: 'alert' | 'warning' | 'notice' | 'info' | 'debug' | undefined;
  meter: string | undefined;
  /** integer 0 to 4294967295. */
  label: number;
  options: Record<string, string>;
  external_ids: Record<string, string>;
}

/** QoS: non-root (deleted when unreferenced). */
export interface QoSRow {
  /** Assigned by the server. */
  _uuid: Uuid;
  /** integer 0 to 32767. */
  priority: number;
  direction: 'from-lport' | 'to-lport';
  match: string;
  /** value integer 0 to 63. */
  action: Partial<Record<'dscp', number>>;
  /** value integer 1 to 4294967295. */
  bandwidth: Partial<Record<'rate' | 'burst', number>>;
  external_ids: Record<string, string>;
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
  fair: boolean | undefined;
  external_ids: Record<string, string>;
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
  external_ids: Record<string, string>;
}

/** Logical_Router: root table. */
export interface LogicalRouterRow {
  /** Assigned by the server. */
  _uuid: Uuid;
  name: string;
  /** references Logical_Router_Port (strong). */
  ports: Uuid[];
  /** references Logical_Router_Static_Route (strong). */
  static_routes: Uuid[];
  /** references Logical_Router_Policy (strong). */
  policies: Uuid[];
  enabled: boolean | undefined;
  /** references NAT (strong). */
  nat: Uuid[];
  /** references Load_Balancer (weak). */
  load_balancer: Uuid[];
  /** references Load_Balancer_Group (strong). */
  load_balancer_group: Uuid[];
  /** references Copp (weak). */
  copp: Uuid | undefined;
  options: Record<string, string>;
  external_ids: Record<string, string>;
}

/** Logical_Router_Port: non-root (deleted when unreferenced); indexes: (name). */
export interface LogicalRouterPortRow {
  /** Assigned by the server. */
  _uuid: Uuid;
  name: string;
  /** references Gateway_Chassis (strong). */
  gateway_chassis: Uuid[];
  /** references HA_Chassis_Group (strong). */
  ha_chassis_group: Uuid | undefined;
  options: Record<string, string>;
  /** 1 to unlimited elements. */
  networks: string[];
  mac: string;
  peer: string | undefined;
  enabled: boolean | undefined;
  ipv6_ra_configs: Record<string, string>;
  ipv6_prefix: string[];
  external_ids: Record<string, string>;
}

/** Logical_Router_Static_Route: non-root (deleted when unreferenced). */
export interface LogicalRouterStaticRouteRow {
  /** Assigned by the server. */
  _uuid: Uuid;
  route_table: string;
  ip_prefix: string;
  policy: 'src-ip' | 'dst-ip' | undefined;
  nexthop: string;
  output_port: string | undefined;
  /** references BFD (weak). */
  bfd: Uuid | undefined;
  options: Record<string, string>;
  external_ids: Record<string, string>;
}

/** Logical_Router_Policy: non-root (deleted when unreferenced). */
export interface LogicalRouterPolicyRow {
  /** Assigned by the server. */
  _uuid: Uuid;
  /** integer 0 to 32767. */
  priority: number;
  match: string;
  action: 'allow' | 'drop' | 'reroute';
  nexthop: string | undefined;
  nexthops: string[];
  options: Record<string, string>;
  external_ids: Record<string, string>;
}

/** NAT: non-root (deleted when unreferenced). */
export interface NATRow {
  /** Assigned by the server. */
  _uuid: Uuid;
  external_ip: string;
  external_mac: string | undefined;
  external_port_range: string;
  logical_ip: string;
  logical_port: string | undefined;
  type: 'dnat' | 'snat' | 'dnat_and_snat';
  /** references Address_Set (strong). */
  allowed_ext_ips: Uuid | undefined;
  /** references Address_Set (strong). */
  exempted_ext_ips: Uuid | undefined;
  /** references Logical_Router_Port (weak). */
  gateway_port: Uuid | undefined;
  options: Record<string, string>;
  external_ids: Record<string, string>;
}

/** DHCP_Options: root table. */
export interface DHCPOptionsRow {
  /** Assigned by the server. */
  _uuid: Uuid;
  cidr: string;
  options: Record<string, string>;
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

/** DNS: root table. */
export interface DNSRow {
  /** Assigned by the server. */
  _uuid: Uuid;
  records: Record<string, string>;
  external_ids: Record<string, string>;
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

/** Gateway_Chassis: non-root (deleted when unreferenced); indexes: (name). */
export interface GatewayChassisRow {
  /** Assigned by the server. */
  _uuid: Uuid;
  name: string;
  chassis_name: string;
  /** integer 0 to 32767. */
  priority: number;
  external_ids: Record<string, string>;
  options: Record<string, string>;
}

/** HA_Chassis: non-root (deleted when unreferenced). */
export interface HAChassisRow {
  /** Assigned by the server. */
  _uuid: Uuid;
  chassis_name: string;
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
  external_ids: Record<string, string>;
}

/** BFD: root table; indexes: (logical_port, dst_ip). */
export interface BFDRow {
  /** Assigned by the server. */
  _uuid: Uuid;
  logical_port: string;
  dst_ip: string;
  /** integer >= 1. */
  min_tx: number | undefined;
  min_rx: number | undefined;
  /** integer >= 1. */
  detect_mult: number | undefined;
  status: 'down' | 'init' | 'up' | 'admin_down' | undefined;
  external_ids: Record<string, string>;
  options: Record<string, string>;
}

/** Static_MAC_Binding: root table; indexes: (logical_port, ip). */
export interface StaticMACBindingRow {
  /** Assigned by the server. */
  _uuid: Uuid;
  logical_port: string;
  ip: string;
  mac: string;
  override_dynamic_mac: boolean;
}

/** Chassis_Template_Var: root table; indexes: (chassis). */
export interface ChassisTemplateVarRow {
  /** Assigned by the server. */
  _uuid: Uuid;
  chassis: string;
  variables: Record<string, string>;
  external_ids: Record<string, string>;
}

/** Row type of every table, by table name. */
export interface OVNNorthboundTables {
  NB_Global: NBGlobalRow;
  Copp: CoppRow;
  Logical_Switch: LogicalSwitchRow;
  Logical_Switch_Port: LogicalSwitchPortRow;
  Forwarding_Group: ForwardingGroupRow;
  Address_Set: AddressSetRow;
  Port_Group: PortGroupRow;
  Load_Balancer: LoadBalancerRow;
  Load_Balancer_Group: LoadBalancerGroupRow;
  Load_Balancer_Health_Check: LoadBalancerHealthCheckRow;
  ACL: ACLRow;
  QoS: QoSRow;
  Mirror: MirrorRow;
  Meter: MeterRow;
  Meter_Band: MeterBandRow;
  Logical_Router: LogicalRouterRow;
  Logical_Router_Port: LogicalRouterPortRow;
  Logical_Router_Static_Route: LogicalRouterStaticRouteRow;
  Logical_Router_Policy: LogicalRouterPolicyRow;
  NAT: NATRow;
  DHCP_Options: DHCPOptionsRow;
  Connection: ConnectionRow;
  DNS: DNSRow;
  SSL: SSLRow;
  Gateway_Chassis: GatewayChassisRow;
  HA_Chassis: HAChassisRow;
  HA_Chassis_Group: HAChassisGroupRow;
  BFD: BFDRow;
  Static_MAC_Binding: StaticMACBindingRow;
  Chassis_Template_Var: ChassisTemplateVarRow;
}

export type OVNNorthboundTableName =
  | 'NB_Global'
  | 'Copp'
  | 'Logical_Switch'
  | 'Logical_Switch_Port'
  | 'Forwarding_Group'
  | 'Address_Set'
  | 'Port_Group'
  | 'Load_Balancer'
  | 'Load_Balancer_Group'
  | 'Load_Balancer_Health_Check'
  | 'ACL'
  | 'QoS'
  | 'Mirror'
  | 'Meter'
  | 'Meter_Band'
  | 'Logical_Router'
  | 'Logical_Router_Port'
  | 'Logical_Router_Static_Route'
  | 'Logical_Router_Policy'
  | 'NAT'
  | 'DHCP_Options'
  | 'Connection'
  | 'DNS'
  | 'SSL'
  | 'Gateway_Chassis'
  | 'HA_Chassis'
  | 'HA_Chassis_Group'
  | 'BFD'
  | 'Static_MAC_Binding'
  | 'Chassis_Template_Var';

/** The schema document, verbatim. */
export const ovnNorthboundSchemaJson = {
  name: 'OVN_Northbound',
  version: '7.0.0',
  cksum: '94023179 33468',
  tables: {
    NB_Global: {
      columns: {
        name: { type: 'string' },
        nb_cfg: { type: { key: 'integer' } },
        nb_cfg_timestamp: { type: { key: 'integer' } },
        sb_cfg: { type: { key: 'integer' } },
        sb_cfg_timestamp: { type: { key: 'integer' } },
        hv_cfg: { type: { key: 'integer' } },
        hv_cfg_timestamp: { type: { key: 'integer' } },
        external_ids: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
        connections: { type: { key: { type: 'uuid', refTable: 'Connection' }, min: 0, max: 'unlimited' } },
        ssl: { type: { key: { type: 'uuid', refTable: 'SSL' }, min: 0, max: 1 } },
        options: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
        ipsec: { type: 'boolean' },
      },
      maxRows: 1,
      isRoot: true,
    },
    Copp: {
      columns: {
        name: { type: 'string' },
        meters: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
        external_ids: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
      },
      indexes: [['name']],
      isRoot: true,
    },
    Logical_Switch: {
      columns: {
        name: { type: 'string' },
        ports: {
          type: {
            key: { type: 'uuid', refTable: 'Logical_Switch_Port', refType: 'strong' },
            min: 0,
            max: 'unlimited',
          },
        },
        acls: {
          type: { key: { type: 'uuid', refTable: 'ACL', refType: 'strong' }, min: 0, max: 'unlimited' },
        },
        qos_rules: {
          type: { key: { type: 'uuid', refTable: 'QoS', refType: 'strong' }, min: 0, max: 'unlimited' },
        },
        load_balancer: {
          type: {
            key: { type: 'uuid', refTable: 'Load_Balancer', refType: 'weak' },
            min: 0,
            max: 'unlimited',
          },
        },
        load_balancer_group: {
          type: { key: { type: 'uuid', refTable: 'Load_Balancer_Group' }, min: 0, max: 'unlimited' },
        },
        dns_records: {
          type: { key: { type: 'uuid', refTable: 'DNS', refType: 'weak' }, min: 0, max: 'unlimited' },
        },
        copp: { type: { key: { type: 'uuid', refTable: 'Copp', refType: 'weak' }, min: 0, max: 1 } },
        other_config: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
        external_ids: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
        forwarding_groups: {
          type: {
            key: { type: 'uuid', refTable: 'Forwarding_Group', refType: 'strong' },
            min: 0,
            max: 'unlimited',
          },
        },
      },
      isRoot: true,
    },
    Logical_Switch_Port: {
      columns: {
        name: { type: 'string' },
        type: { type: 'string' },
        options: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
        parent_name: { type: { key: 'string', min: 0, max: 1 } },
        tag_request: { type: { key: { type: 'integer', minInteger: 0, maxInteger: 4095 }, min: 0, max: 1 } },
        tag: { type: { key: { type: 'integer', minInteger: 1, maxInteger: 4095 }, min: 0, max: 1 } },
        addresses: { type: { key: 'string', min: 0, max: 'unlimited' } },
        dynamic_addresses: { type: { key: 'string', min: 0, max: 1 } },
        port_security: { type: { key: 'string', min: 0, max: 'unlimited' } },
        up: { type: { key: 'boolean', min: 0, max: 1 } },
        enabled: { type: { key: 'boolean', min: 0, max: 1 } },
        dhcpv4_options: {
          type: { key: { type: 'uuid', refTable: 'DHCP_Options', refType: 'weak' }, min: 0, max: 1 },
        },
        dhcpv6_options: {
          type: { key: { type: 'uuid', refTable: 'DHCP_Options', refType: 'weak' }, min: 0, max: 1 },
        },
        mirror_rules: {
          type: { key: { type: 'uuid', refTable: 'Mirror', refType: 'weak' }, min: 0, max: 'unlimited' },
        },
        ha_chassis_group: {
          type: { key: { type: 'uuid', refTable: 'HA_Chassis_Group', refType: 'strong' }, min: 0, max: 1 },
        },
        external_ids: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
      },
      indexes: [['name']],
      isRoot: false,
    },
    Forwarding_Group: {
      columns: {
        name: { type: 'string' },
        vip: { type: 'string' },
        vmac: { type: 'string' },
        liveness: { type: 'boolean' },
        external_ids: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
        child_port: { type: { key: 'string', min: 1, max: 'unlimited' } },
      },
      isRoot: false,
    },
    Address_Set: {
      columns: {
        name: { type: 'string' },
        addresses: { type: { key: 'string', min: 0, max: 'unlimited' } },
        external_ids: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
      },
      indexes: [['name']],
      isRoot: true,
    },
    Port_Group: {
      columns: {
        name: { type: 'string' },
        ports: {
          type: {
            key: { type: 'uuid', refTable: 'Logical_Switch_Port', refType: 'weak' },
            min: 0,
            max: 'unlimited',
          },
        },
        acls: {
          type: { key: { type: 'uuid', refTable: 'ACL', refType: 'strong' }, min: 0, max: 'unlimited' },
        },
        external_ids: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
      },
      indexes: [['name']],
      isRoot: true,
    },
    Load_Balancer: {
      columns: {
        name: { type: 'string' },
        vips: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
        protocol: { type: { key: { type: 'string', enum: ['set', ['tcp', 'udp', 'sctp']] }, min: 0, max: 1 } },
        health_check: {
          type: {
            key: { type: 'uuid', refTable: 'Load_Balancer_Health_Check', refType: 'strong' },
            min: 0,
            max: 'unlimited',
          },
        },
        ip_port_mappings: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
        selection_fields: {
          type: {
            key: {
              type: 'string',
              enum: ['set', ['eth_src', 'eth_dst', 'ip_src', 'ip_dst', 'tp_src', 'tp_dst']],
            },
            min: 0,
            max: 'unlimited',
          },
        },
        options: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
        external_ids: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
      },
      isRoot: true,
    },
    Load_Balancer_Group: {
      columns: {
        name: { type: 'string' },
        load_balancer: {
          type: {
            key: { type: 'uuid', refTable: 'Load_Balancer', refType: 'weak' },
            min: 0,
            max: 'unlimited',
          },
        },
      },
      indexes: [['name']],
      isRoot: true,
    },
    Load_Balancer_Health_Check: {
      columns: {
        vip: { type: 'string' },
        options: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
        external_ids: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
      },
      isRoot: false,
    },
    ACL: {
      columns: {
        name: { type: { key: { type: 'string', maxLength: 63 }, min: 0, max: 1 } },
        priority: { type: { key: { type: 'integer', minInteger: 0, maxInteger: 32767 } } },
        direction: { type: { key: { type: 'string', enum: ['set', ['from-lport', 'to-lport']] } } },
        match: { type: 'string' },
        action: {
          type: {
            key: {
              type: 'string',
              enum: ['set', ['allow', 'allow-related', 'allow-stateless', 'drop', 'reject']],
            },
          },
        },
        log: { type: 'boolean' },
        severity: {
          type: {
            key: { type: 'string', enum: ['set', ['alert', 'warning', 'notice', 'info', 'debug']] },
            min: 0,
            max: 1,
          },
        },
        meter: { type: { key: 'string', min: 0, max: 1 } },
        label: { type: { key: { type: 'integer', minInteger: 0, maxInteger: 4294967295 } } },
        options: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
        external_ids: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
      },
      isRoot: false,
    },
    QoS: {
      columns: {
        priority: { type: { key: { type: 'integer', minInteger: 0, maxInteger: 32767 } } },
        direction: { type: { key: { type: 'string', enum: ['set', ['from-lport', 'to-lport']] } } },
        match: { type: 'string' },
        action: {
          type: {
            key: { type: 'string', enum: ['set', ['dscp']] },
            value: { type: 'integer', minInteger: 0, maxInteger: 63 },
            min: 0,
            max: 'unlimited',
          },
        },
        bandwidth: {
          type: {
            key: { type: 'string', enum: ['set', ['rate', 'burst']] },
            value: { type: 'integer', minInteger: 1, maxInteger: 4294967295 },
            min: 0,
            max: 'unlimited',
          },
        },
        external_ids: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
      },
      isRoot: false,
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
        fair: { type: { key: 'boolean', min: 0, max: 1 } },
        external_ids: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
      },
      indexes: [['name']],
      isRoot: true,
    },
    Meter_Band: {
      columns: {
        action: { type: { key: { type: 'string', enum: ['set', ['drop']] } } },
        rate: { type: { key: { type: 'integer', minInteger: 1, maxInteger: 4294967295 } } },
        burst_size: { type: { key: { type: 'integer', minInteger: 0, maxInteger: 4294967295 } } },
        external_ids: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
      },
      isRoot: false,
    },
    Logical_Router: {
      columns: {
        name: { type: 'string' },
        ports: {
          type: {
            key: { type: 'uuid', refTable: 'Logical_Router_Port', refType: 'strong' },
            min: 0,
            max: 'unlimited',
          },
        },
        static_routes: {
          type: {
            key: { type: 'uuid', refTable: 'Logical_Router_Static_Route', refType: 'strong' },
            min: 0,
            max: 'unlimited',
          },
        },
        policies: {
          type: {
            key: { type: 'uuid', refTable: 'Logical_Router_Policy', refType: 'strong' },
            min: 0,
            max: 'unlimited',
          },
        },
        enabled: { type: { key: 'boolean', min: 0, max: 1 } },
        nat: {
          type: { key: { type: 'uuid', refTable: 'NAT', refType: 'strong' }, min: 0, max: 'unlimited' },
        },
        load_balancer: {
          type: {
            key: { type: 'uuid', refTable: 'Load_Balancer', refType: 'weak' },
            min: 0,
            max: 'unlimited',
          },
        },
        load_balancer_group: {
          type: { key: { type: 'uuid', refTable: 'Load_Balancer_Group' }, min: 0, max: 'unlimited' },
        },
        copp: { type: { key: { type: 'uuid', refTable: 'Copp', refType: 'weak' }, min: 0, max: 1 } },
        options: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
        external_ids: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
      },
      isRoot: true,
    },
    Logical_Router_Port: {
      columns: {
        name: { type: 'string' },
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
        networks: { type: { key: 'string', min: 1, max: 'unlimited' } },
        mac: { type: 'string' },
        peer: { type: { key: 'string', min: 0, max: 1 } },
        enabled: { type: { key: 'boolean', min: 0, max: 1 } },
        ipv6_ra_configs: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
        ipv6_prefix: { type: { key: 'string', min: 0, max: 'unlimited' } },
        external_ids: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
      },
      indexes: [['name']],
      isRoot: false,
    },
    Logical_Router_Static_Route: {
      columns: {
        route_table: { type: 'string' },
        ip_prefix: { type: 'string' },
        policy: { type: { key: { type: 'string', enum: ['set', ['src-ip', 'dst-ip']] }, min: 0, max: 1 } },
        nexthop: { type: 'string' },
        output_port: { type: { key: 'string', min: 0, max: 1 } },
        bfd: { type: { key: { type: 'uuid', refTable: 'BFD', refType: 'weak' }, min: 0, max: 1 } },
        options: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
        external_ids: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
      },
      isRoot: false,
    },
    Logical_Router_Policy: {
      columns: {
        priority: { type: { key: { type: 'integer', minInteger: 0, maxInteger: 32767 } } },
        match: { type: 'string' },
        action: { type: { key: { type: 'string', enum: ['set', ['allow', 'drop', 'reroute']] } } },
        nexthop: { type: { key: 'string', min: 0, max: 1 } },
        nexthops: { type: { key: 'string', min: 0, max: 'unlimited' } },
        options: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
        external_ids: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
      },
      isRoot: false,
    },
    NAT: {
      columns: {
        external_ip: { type: 'string' },
        external_mac: { type: { key: 'string', min: 0, max: 1 } },
        external_port_range: { type: 'string' },
        logical_ip: { type: 'string' },
        logical_port: { type: { key: 'string', min: 0, max: 1 } },
        type: { type: { key: { type: 'string', enum: ['set', ['dnat', 'snat', 'dnat_and_snat']] } } },
        allowed_ext_ips: {
          type: { key: { type: 'uuid', refTable: 'Address_Set', refType: 'strong' }, min: 0, max: 1 },
        },
        exempted_ext_ips: {
          type: { key: { type: 'uuid', refTable: 'Address_Set', refType: 'strong' }, min: 0, max: 1 },
        },
        gateway_port: {
          type: {
            key: { type: 'uuid', refTable: 'Logical_Router_Port', refType: 'weak' },
            min: 0,
            max: 1,
          },
        },
        options: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
        external_ids: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
      },
      isRoot: false,
    },
    DHCP_Options: {
      columns: {
        cidr: { type: 'string' },
        options: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
        external_ids: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
      },
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
    DNS: {
      columns: {
        records: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
        external_ids: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
      },
      isRoot: true,
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
    Gateway_Chassis: {
      columns: {
        name: { type: 'string' },
        chassis_name: { type: 'string' },
        priority: { type: { key: { type: 'integer', minInteger: 0, maxInteger: 32767 } } },
        external_ids: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
        options: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
      },
      indexes: [['name']],
      isRoot: false,
    },
    HA_Chassis: {
      columns: {
        chassis_name: { type: 'string' },
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
        external_ids: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
      },
      indexes: [['name']],
      isRoot: true,
    },
    BFD: {
      columns: {
        logical_port: { type: 'string' },
        dst_ip: { type: 'string' },
        min_tx: { type: { key: { type: 'integer', minInteger: 1 }, min: 0, max: 1 } },
        min_rx: { type: { key: { type: 'integer' }, min: 0, max: 1 } },
        detect_mult: { type: { key: { type: 'integer', minInteger: 1 }, min: 0, max: 1 } },
        status: {
          type: {
            key: { type: 'string', enum: ['set', ['down', 'init', 'up', 'admin_down']] },
            min: 0,
            max: 1,
          },
        },
        external_ids: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
        options: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
      },
      indexes: [['logical_port', 'dst_ip']],
      isRoot: true,
    },
    Static_MAC_Binding: {
      columns: {
        logical_port: { type: 'string' },
        ip: { type: 'string' },
        mac: { type: 'string' },
        override_dynamic_mac: { type: 'boolean' },
      },
      indexes: [['logical_port', 'ip']],
      isRoot: true,
    },
    Chassis_Template_Var: {
      columns: {
        chassis: { type: 'string' },
        variables: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
        external_ids: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
      },
      indexes: [['chassis']],
      isRoot: true,
    },
  },
};

/** The parsed schema, for validating operations against the same source as the types above, which it carries. */
export const ovnNorthboundSchema: TypedSchema<OVNNorthboundTables> = parseSchema(ovnNorthboundSchemaJson);
