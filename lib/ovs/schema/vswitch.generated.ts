// Generated from vswitch.ovsschema (Open_vSwitch 8.3.1, cksum 3012963480 26720) by lib/ovsdb/codegen.ts. Do not edit.
// Regenerate: node dist/lib/ovsdb/codegen-cli.js lib/ovs/schema/vswitch.ovsschema lib/ovs/schema/vswitch.generated.ts
//
// Column values as lib/ovsdb/values.ts decodes them: uuids are strings (typed Uuid); a column
// holding one value is that value, an optional one (min 0, max 1) is `T | undefined`, a set is
// `T[]`, a map with string keys is a Record, any other map a Map. Every row also has `_uuid`.

import type { TypedSchema } from '../../ovsdb/schema.js';
import { parseSchema } from '../../ovsdb/schema.js';

export const openVSwitchName = 'Open_vSwitch';
export const openVSwitchVersion = '8.3.1';

/**
 * A uuid: a plain string at run time. The mark is never set; it tells lib/ovsdb/row-types.ts that
 * the typed builders take ["uuid", s] or ["named-uuid", name] for this column, not a string.
 */
export type Uuid = string & { readonly __ovsdbUuid?: true };

/** Open_vSwitch: root table; at most 1 row. */
export interface OpenVSwitchRow {
  /** Assigned by the server. */
  _uuid: Uuid;
  /** value references Datapath (strong). */
  datapaths: Record<string, Uuid>;
  /** references Bridge (strong). */
  bridges: Uuid[];
  /** references Manager (strong). */
  manager_options: Uuid[];
  /** references SSL (strong). */
  ssl: Uuid | undefined;
  other_config: Record<string, string>;
  external_ids: Record<string, string>;
  next_cfg: number;
  cur_cfg: number;
  /** ephemeral (not persisted). */
  statistics: Record<string, string>;
  ovs_version: string | undefined;
  db_version: string | undefined;
  system_type: string | undefined;
  system_version: string | undefined;
  datapath_types: string[];
  iface_types: string[];
  dpdk_initialized: boolean;
  dpdk_version: string | undefined;
}

/** Bridge: non-root (deleted when unreferenced); indexes: (name). */
export interface BridgeRow {
  /** Assigned by the server. */
  _uuid: Uuid;
  /** immutable after insert. */
  name: string;
  datapath_type: string;
  datapath_version: string;
  /** ephemeral (not persisted). */
  datapath_id: string | undefined;
  stp_enable: boolean;
  rstp_enable: boolean;
  mcast_snooping_enable: boolean;
  /** references Port (strong). */
  ports: Uuid[];
  /** references Mirror (strong). */
  mirrors: Uuid[];
  /** references NetFlow (strong). */
  netflow: Uuid | undefined;
  /** references sFlow (strong). */
  sflow: Uuid | undefined;
  /** references IPFIX (strong). */
  ipfix: Uuid | undefined;
  /** references Controller (strong). */
  controller: Uuid[];
  protocols: ('OpenFlow10' | 'OpenFlow11' | 'OpenFlow12' | 'OpenFlow13' | 'OpenFlow14' | 'OpenFlow15')[];
  fail_mode: 'standalone' | 'secure' | undefined;
  /** ephemeral (not persisted). */
  status: Record<string, string>;
  /** ephemeral (not persisted). */
  rstp_status: Record<string, string>;
  other_config: Record<string, string>;
  external_ids: Record<string, string>;
  /** 0 to 4096 elements; integer 0 to 4095. */
  flood_vlans: number[];
  /** key integer 0 to 254; value references Flow_Table (strong). */
  flow_tables: Map<number, Uuid>;
  /** references AutoAttach (strong). */
  auto_attach: Uuid | undefined;
}

/** Port: non-root (deleted when unreferenced); indexes: (name). */
export interface PortRow {
  /** Assigned by the server. */
  _uuid: Uuid;
  /** immutable after insert. */
  name: string;
  /** 1 to unlimited elements; references Interface (strong). */
  interfaces: Uuid[];
  /** 0 to 4096 elements; integer 0 to 4095. */
  trunks: number[];
  /** 0 to 4096 elements; integer 0 to 4095. */
  cvlans: number[];
  /** integer 0 to 4095. */
  tag: number | undefined;
  vlan_mode: 'trunk' | 'access' | 'native-tagged' | 'native-untagged' | 'dot1q-tunnel' | undefined;
  /** references QoS (strong). */
  qos: Uuid | undefined;
  mac: string | undefined;
  bond_mode: 'balance-tcp' | 'balance-slb' | 'active-backup' | undefined;
  lacp: 'active' | 'passive' | 'off' | undefined;
  bond_updelay: number;
  bond_downdelay: number;
  bond_active_slave: string | undefined;
  bond_fake_iface: boolean;
  fake_bridge: boolean;
  /** ephemeral (not persisted). */
  status: Record<string, string>;
  /** ephemeral (not persisted). */
  rstp_status: Record<string, string>;
  /** ephemeral (not persisted). */
  rstp_statistics: Record<string, number>;
  /** ephemeral (not persisted). */
  statistics: Record<string, number>;
  protected: boolean;
  other_config: Record<string, string>;
  external_ids: Record<string, string>;
}

/** Interface: non-root (deleted when unreferenced); indexes: (name). */
export interface InterfaceRow {
  /** Assigned by the server. */
  _uuid: Uuid;
  /** immutable after insert. */
  name: string;
  type: string;
  options: Record<string, string>;
  /** integer >= 0. */
  ingress_policing_rate: number;
  /** integer >= 0. */
  ingress_policing_burst: number;
  /** integer >= 0. */
  ingress_policing_kpkts_rate: number;
  /** integer >= 0. */
  ingress_policing_kpkts_burst: number;
  /** ephemeral (not persisted). */
  mac_in_use: string | undefined;
  mac: string | undefined;
  /** integer 0 to 4294967295; ephemeral (not persisted). */
  ifindex: number | undefined;
  external_ids: Record<string, string>;
  ofport: number | undefined;
  /** integer 1 to 65279. */
  ofport_request: number | undefined;
  bfd: Record<string, string>;
  /** ephemeral (not persisted). */
  bfd_status: Record<string, string>;
  cfm_mpid: number | undefined;
  /** ephemeral (not persisted). */
  cfm_remote_mpids: number[];
  cfm_flap_count: number | undefined;
  /** ephemeral (not persisted). */
  cfm_fault: boolean | undefined;
  /** ephemeral (not persisted). */
  cfm_fault_status: string[];
  /** ephemeral (not persisted). */
  cfm_remote_opstate: 'up' | 'down' | undefined;
  /** integer 0 to 100; ephemeral (not persisted). */
  cfm_health: number | undefined;
  /** ephemeral (not persisted). */
  lacp_current: boolean | undefined;
  lldp: Record<string, string>;
  other_config: Record<string, string>;
  /** ephemeral (not persisted). */
  statistics: Record<string, number>;
  /** ephemeral (not persisted). */
  status: Record<string, string>;
  /** ephemeral (not persisted). */
  admin_state: 'up' | 'down' | undefined;
  /** ephemeral (not persisted). */
  link_state: 'up' | 'down' | undefined;
  /** ephemeral (not persisted). */
  link_resets: number | undefined;
  /** ephemeral (not persisted). */
  link_speed: number | undefined;
  /** ephemeral (not persisted). */
  duplex: 'half' | 'full' | undefined;
  /** ephemeral (not persisted). */
  mtu: number | undefined;
  /** integer >= 1. */
  mtu_request: number | undefined;
  error: string | undefined;
}

/** Flow_Table: non-root (deleted when unreferenced). */
export interface FlowTableRow {
  /** Assigned by the server. */
  _uuid: Uuid;
  name: string | undefined;
  /** integer >= 0. */
  flow_limit: number | undefined;
  overflow_policy: 'refuse' | 'evict' | undefined;
  groups: string[];
  /** 0 to 3 elements. */
  prefixes: string[];
  external_ids: Record<string, string>;
}

/** QoS: root table. */
export interface QoSRow {
  /** Assigned by the server. */
  _uuid: Uuid;
  type: string;
  /** key integer 0 to 4294967295; value references Queue (strong). */
  queues: Map<number, Uuid>;
  other_config: Record<string, string>;
  external_ids: Record<string, string>;
}

/** Queue: root table. */
export interface QueueRow {
  /** Assigned by the server. */
  _uuid: Uuid;
  /** integer 0 to 63. */
  dscp: number | undefined;
  other_config: Record<string, string>;
  external_ids: Record<string, string>;
}

/** Mirror: non-root (deleted when unreferenced). */
export interface MirrorRow {
  /** Assigned by the server. */
  _uuid: Uuid;
  name: string;
  select_all: boolean;
  /** references Port (weak). */
  select_src_port: Uuid[];
  /** references Port (weak). */
  select_dst_port: Uuid[];
  /** 0 to 4096 elements; integer 0 to 4095. */
  select_vlan: number[];
  /** references Port (weak). */
  output_port: Uuid | undefined;
  /** integer 1 to 4095. */
  output_vlan: number | undefined;
  /** integer 14 to 65535. */
  snaplen: number | undefined;
  /** ephemeral (not persisted). */
  statistics: Record<string, number>;
  external_ids: Record<string, string>;
}

/** NetFlow: non-root (deleted when unreferenced). */
export interface NetFlowRow {
  /** Assigned by the server. */
  _uuid: Uuid;
  /** 1 to unlimited elements. */
  targets: string[];
  /** integer 0 to 255. */
  engine_type: number | undefined;
  /** integer 0 to 255. */
  engine_id: number | undefined;
  add_id_to_interface: boolean;
  /** integer >= -1. */
  active_timeout: number;
  external_ids: Record<string, string>;
}

/** sFlow: non-root (deleted when unreferenced). */
export interface SFlowRow {
  /** Assigned by the server. */
  _uuid: Uuid;
  /** 1 to unlimited elements. */
  targets: string[];
  sampling: number | undefined;
  polling: number | undefined;
  header: number | undefined;
  agent: string | undefined;
  external_ids: Record<string, string>;
}

/** IPFIX: non-root (deleted when unreferenced). */
export interface IPFIXRow {
  /** Assigned by the server. */
  _uuid: Uuid;
  targets: string[];
  /** integer 1 to 4294967295. */
  sampling: number | undefined;
  /** integer 0 to 4294967295. */
  obs_domain_id: number | undefined;
  /** integer 0 to 4294967295. */
  obs_point_id: number | undefined;
  /** integer 0 to 4200. */
  cache_active_timeout: number | undefined;
  /** integer 0 to 4294967295. */
  cache_max_flows: number | undefined;
  other_config: Record<string, string>;
  external_ids: Record<string, string>;
}

/** Flow_Sample_Collector_Set: root table; indexes: (id, bridge). */
export interface FlowSampleCollectorSetRow {
  /** Assigned by the server. */
  _uuid: Uuid;
  /** integer 0 to 4294967295. */
  id: number;
  /** references Bridge (strong). */
  bridge: Uuid;
  /** references IPFIX (strong). */
  ipfix: Uuid | undefined;
  external_ids: Record<string, string>;
}

/** Controller: non-root (deleted when unreferenced). */
export interface ControllerRow {
  /** Assigned by the server. */
  _uuid: Uuid;
  type: 'primary' | 'service' | undefined;
  target: string;
  /** integer >= 1000. */
  max_backoff: number | undefined;
  inactivity_probe: number | undefined;
  connection_mode: 'in-band' | 'out-of-band' | undefined;
  local_ip: string | undefined;
  local_netmask: string | undefined;
  local_gateway: string | undefined;
  enable_async_messages: boolean | undefined;
  /** integer 1 to 512. */
  controller_queue_size: number | undefined;
  /** integer >= 100. */
  controller_rate_limit: number | undefined;
  /** integer >= 25. */
  controller_burst_limit: number | undefined;
  other_config: Record<string, string>;
  external_ids: Record<string, string>;
  /** ephemeral (not persisted). */
  is_connected: boolean;
  /** ephemeral (not persisted). */
  role: 'other' | 'master' | 'slave' | undefined;
  /** ephemeral (not persisted). */
  status: Record<string, string>;
}

/** Manager: non-root (deleted when unreferenced); indexes: (target). */
export interface ManagerRow {
  /** Assigned by the server. */
  _uuid: Uuid;
  target: string;
  /** integer >= 1000. */
  max_backoff: number | undefined;
  inactivity_probe: number | undefined;
  connection_mode: 'in-band' | 'out-of-band' | undefined;
  other_config: Record<string, string>;
  external_ids: Record<string, string>;
  /** ephemeral (not persisted). */
  is_connected: boolean;
  /** ephemeral (not persisted). */
  status: Record<string, string>;
}

/** Datapath: non-root (deleted when unreferenced). */
export interface DatapathRow {
  /** Assigned by the server. */
  _uuid: Uuid;
  datapath_version: string;
  /** key integer 0 to 65535; value references CT_Zone (strong). */
  ct_zones: Map<number, Uuid>;
  capabilities: Record<string, string>;
  external_ids: Record<string, string>;
}

/** CT_Zone: non-root (deleted when unreferenced). */
export interface CTZoneRow {
  /** Assigned by the server. */
  _uuid: Uuid;
  /** references CT_Timeout_Policy (strong). */
  timeout_policy: Uuid | undefined;
  external_ids: Record<string, string>;
}

/** CT_Timeout_Policy: non-root (deleted when unreferenced). */
export interface CTTimeoutPolicyRow {
  /** Assigned by the server. */
  _uuid: Uuid;
  /** value integer 0 to 4294967295. */
  timeouts: Partial<Record<'tcp_syn_sent' | 'tcp_syn_recv' | 'tcp_established' | 'tcp_fin_wait' | 'tcp_close_wait' | 'tcp_last_ack' | 'tcp_time_wait' | 'tcp_close' | 'tcp_syn_sent2' | 'tcp_retransmit' | 'tcp_unack' | 'udp_first' | 'udp_single' | 'udp_multiple' | 'icmp_first' | 'icmp_reply', number>>;
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
  external_ids: Record<string, string>;
}

/** AutoAttach: non-root (deleted when unreferenced). */
export interface AutoAttachRow {
  /** Assigned by the server. */
  _uuid: Uuid;
  system_name: string;
  system_description: string;
  /** key integer 0 to 16777215; value integer 0 to 4095. */
  mappings: Map<number, number>;
}

/** Row type of every table, by table name. */
export interface OpenVSwitchTables {
  Open_vSwitch: OpenVSwitchRow;
  Bridge: BridgeRow;
  Port: PortRow;
  Interface: InterfaceRow;
  Flow_Table: FlowTableRow;
  QoS: QoSRow;
  Queue: QueueRow;
  Mirror: MirrorRow;
  NetFlow: NetFlowRow;
  sFlow: SFlowRow;
  IPFIX: IPFIXRow;
  Flow_Sample_Collector_Set: FlowSampleCollectorSetRow;
  Controller: ControllerRow;
  Manager: ManagerRow;
  Datapath: DatapathRow;
  CT_Zone: CTZoneRow;
  CT_Timeout_Policy: CTTimeoutPolicyRow;
  SSL: SSLRow;
  AutoAttach: AutoAttachRow;
}

export type OpenVSwitchTableName =
  | 'Open_vSwitch'
  | 'Bridge'
  | 'Port'
  | 'Interface'
  | 'Flow_Table'
  | 'QoS'
  | 'Queue'
  | 'Mirror'
  | 'NetFlow'
  | 'sFlow'
  | 'IPFIX'
  | 'Flow_Sample_Collector_Set'
  | 'Controller'
  | 'Manager'
  | 'Datapath'
  | 'CT_Zone'
  | 'CT_Timeout_Policy'
  | 'SSL'
  | 'AutoAttach';

/** The schema document, verbatim. */
export const openVSwitchSchemaJson = {
  name: 'Open_vSwitch',
  version: '8.3.1',
  cksum: '3012963480 26720',
  tables: {
    Open_vSwitch: {
      columns: {
        datapaths: {
          type: {
            key: { type: 'string' },
            value: { type: 'uuid', refTable: 'Datapath' },
            min: 0,
            max: 'unlimited',
          },
        },
        bridges: { type: { key: { type: 'uuid', refTable: 'Bridge' }, min: 0, max: 'unlimited' } },
        manager_options: { type: { key: { type: 'uuid', refTable: 'Manager' }, min: 0, max: 'unlimited' } },
        ssl: { type: { key: { type: 'uuid', refTable: 'SSL' }, min: 0, max: 1 } },
        other_config: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
        external_ids: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
        next_cfg: { type: 'integer' },
        cur_cfg: { type: 'integer' },
        statistics: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' }, ephemeral: true },
        ovs_version: { type: { key: { type: 'string' }, min: 0, max: 1 } },
        db_version: { type: { key: { type: 'string' }, min: 0, max: 1 } },
        system_type: { type: { key: { type: 'string' }, min: 0, max: 1 } },
        system_version: { type: { key: { type: 'string' }, min: 0, max: 1 } },
        datapath_types: { type: { key: { type: 'string' }, min: 0, max: 'unlimited' } },
        iface_types: { type: { key: { type: 'string' }, min: 0, max: 'unlimited' } },
        dpdk_initialized: { type: 'boolean' },
        dpdk_version: { type: { key: { type: 'string' }, min: 0, max: 1 } },
      },
      isRoot: true,
      maxRows: 1,
    },
    Bridge: {
      columns: {
        name: { type: 'string', mutable: false },
        datapath_type: { type: 'string' },
        datapath_version: { type: 'string' },
        datapath_id: { type: { key: 'string', min: 0, max: 1 }, ephemeral: true },
        stp_enable: { type: 'boolean' },
        rstp_enable: { type: 'boolean' },
        mcast_snooping_enable: { type: 'boolean' },
        ports: { type: { key: { type: 'uuid', refTable: 'Port' }, min: 0, max: 'unlimited' } },
        mirrors: { type: { key: { type: 'uuid', refTable: 'Mirror' }, min: 0, max: 'unlimited' } },
        netflow: { type: { key: { type: 'uuid', refTable: 'NetFlow' }, min: 0, max: 1 } },
        sflow: { type: { key: { type: 'uuid', refTable: 'sFlow' }, min: 0, max: 1 } },
        ipfix: { type: { key: { type: 'uuid', refTable: 'IPFIX' }, min: 0, max: 1 } },
        controller: { type: { key: { type: 'uuid', refTable: 'Controller' }, min: 0, max: 'unlimited' } },
        protocols: {
          type: {
            key: {
              type: 'string',
              enum: [
                'set',
                ['OpenFlow10', 'OpenFlow11', 'OpenFlow12', 'OpenFlow13', 'OpenFlow14', 'OpenFlow15'],
              ],
            },
            min: 0,
            max: 'unlimited',
          },
        },
        fail_mode: {
          type: { key: { type: 'string', enum: ['set', ['standalone', 'secure']] }, min: 0, max: 1 },
        },
        status: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' }, ephemeral: true },
        rstp_status: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' }, ephemeral: true },
        other_config: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
        external_ids: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
        flood_vlans: { type: { key: { type: 'integer', minInteger: 0, maxInteger: 4095 }, min: 0, max: 4096 } },
        flow_tables: {
          type: {
            key: { type: 'integer', minInteger: 0, maxInteger: 254 },
            value: { type: 'uuid', refTable: 'Flow_Table' },
            min: 0,
            max: 'unlimited',
          },
        },
        auto_attach: { type: { key: { type: 'uuid', refTable: 'AutoAttach' }, min: 0, max: 1 } },
      },
      indexes: [['name']],
    },
    Port: {
      columns: {
        name: { type: 'string', mutable: false },
        interfaces: { type: { key: { type: 'uuid', refTable: 'Interface' }, min: 1, max: 'unlimited' } },
        trunks: { type: { key: { type: 'integer', minInteger: 0, maxInteger: 4095 }, min: 0, max: 4096 } },
        cvlans: { type: { key: { type: 'integer', minInteger: 0, maxInteger: 4095 }, min: 0, max: 4096 } },
        tag: { type: { key: { type: 'integer', minInteger: 0, maxInteger: 4095 }, min: 0, max: 1 } },
        vlan_mode: {
          type: {
            key: {
              type: 'string',
              enum: ['set', ['trunk', 'access', 'native-tagged', 'native-untagged', 'dot1q-tunnel']],
            },
            min: 0,
            max: 1,
          },
        },
        qos: { type: { key: { type: 'uuid', refTable: 'QoS' }, min: 0, max: 1 } },
        mac: { type: { key: { type: 'string' }, min: 0, max: 1 } },
        bond_mode: {
          type: {
            key: { type: 'string', enum: ['set', ['balance-tcp', 'balance-slb', 'active-backup']] },
            min: 0,
            max: 1,
          },
        },
        lacp: {
          type: { key: { type: 'string', enum: ['set', ['active', 'passive', 'off']] }, min: 0, max: 1 },
        },
        bond_updelay: { type: 'integer' },
        bond_downdelay: { type: 'integer' },
        bond_active_slave: { type: { key: { type: 'string' }, min: 0, max: 1 } },
        bond_fake_iface: { type: 'boolean' },
        fake_bridge: { type: 'boolean' },
        status: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' }, ephemeral: true },
        rstp_status: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' }, ephemeral: true },
        rstp_statistics: { type: { key: 'string', value: 'integer', min: 0, max: 'unlimited' }, ephemeral: true },
        statistics: { type: { key: 'string', value: 'integer', min: 0, max: 'unlimited' }, ephemeral: true },
        protected: { type: 'boolean' },
        other_config: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
        external_ids: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
      },
      indexes: [['name']],
    },
    Interface: {
      columns: {
        name: { type: 'string', mutable: false },
        type: { type: 'string' },
        options: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
        ingress_policing_rate: { type: { key: { type: 'integer', minInteger: 0 } } },
        ingress_policing_burst: { type: { key: { type: 'integer', minInteger: 0 } } },
        ingress_policing_kpkts_rate: { type: { key: { type: 'integer', minInteger: 0 } } },
        ingress_policing_kpkts_burst: { type: { key: { type: 'integer', minInteger: 0 } } },
        mac_in_use: { type: { key: { type: 'string' }, min: 0, max: 1 }, ephemeral: true },
        mac: { type: { key: { type: 'string' }, min: 0, max: 1 } },
        ifindex: {
          type: { key: { type: 'integer', minInteger: 0, maxInteger: 4294967295 }, min: 0, max: 1 },
          ephemeral: true,
        },
        external_ids: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
        ofport: { type: { key: 'integer', min: 0, max: 1 } },
        ofport_request: { type: { key: { type: 'integer', minInteger: 1, maxInteger: 65279 }, min: 0, max: 1 } },
        bfd: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
        bfd_status: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' }, ephemeral: true },
        cfm_mpid: { type: { key: { type: 'integer' }, min: 0, max: 1 } },
        cfm_remote_mpids: { type: { key: { type: 'integer' }, min: 0, max: 'unlimited' }, ephemeral: true },
        cfm_flap_count: { type: { key: { type: 'integer' }, min: 0, max: 1 } },
        cfm_fault: { type: { key: { type: 'boolean' }, min: 0, max: 1 }, ephemeral: true },
        cfm_fault_status: { type: { key: 'string', min: 0, max: 'unlimited' }, ephemeral: true },
        cfm_remote_opstate: {
          type: { key: { type: 'string', enum: ['set', ['up', 'down']] }, min: 0, max: 1 },
          ephemeral: true,
        },
        cfm_health: {
          type: { key: { type: 'integer', minInteger: 0, maxInteger: 100 }, min: 0, max: 1 },
          ephemeral: true,
        },
        lacp_current: { type: { key: { type: 'boolean' }, min: 0, max: 1 }, ephemeral: true },
        lldp: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
        other_config: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
        statistics: { type: { key: 'string', value: 'integer', min: 0, max: 'unlimited' }, ephemeral: true },
        status: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' }, ephemeral: true },
        admin_state: {
          type: { key: { type: 'string', enum: ['set', ['up', 'down']] }, min: 0, max: 1 },
          ephemeral: true,
        },
        link_state: {
          type: { key: { type: 'string', enum: ['set', ['up', 'down']] }, min: 0, max: 1 },
          ephemeral: true,
        },
        link_resets: { type: { key: { type: 'integer' }, min: 0, max: 1 }, ephemeral: true },
        link_speed: { type: { key: 'integer', min: 0, max: 1 }, ephemeral: true },
        duplex: {
          type: { key: { type: 'string', enum: ['set', ['half', 'full']] }, min: 0, max: 1 },
          ephemeral: true,
        },
        mtu: { type: { key: 'integer', min: 0, max: 1 }, ephemeral: true },
        mtu_request: { type: { key: { type: 'integer', minInteger: 1 }, min: 0, max: 1 } },
        error: { type: { key: 'string', min: 0, max: 1 } },
      },
      indexes: [['name']],
    },
    Flow_Table: {
      columns: {
        name: { type: { key: 'string', min: 0, max: 1 } },
        flow_limit: { type: { key: { type: 'integer', minInteger: 0 }, min: 0, max: 1 } },
        overflow_policy: { type: { key: { type: 'string', enum: ['set', ['refuse', 'evict']] }, min: 0, max: 1 } },
        groups: { type: { key: 'string', min: 0, max: 'unlimited' } },
        prefixes: { type: { key: 'string', min: 0, max: 3 } },
        external_ids: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
      },
    },
    QoS: {
      columns: {
        type: { type: 'string' },
        queues: {
          type: {
            key: { type: 'integer', minInteger: 0, maxInteger: 4294967295 },
            value: { type: 'uuid', refTable: 'Queue' },
            min: 0,
            max: 'unlimited',
          },
        },
        other_config: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
        external_ids: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
      },
      isRoot: true,
    },
    Queue: {
      columns: {
        dscp: { type: { key: { type: 'integer', minInteger: 0, maxInteger: 63 }, min: 0, max: 1 } },
        other_config: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
        external_ids: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
      },
      isRoot: true,
    },
    Mirror: {
      columns: {
        name: { type: 'string' },
        select_all: { type: 'boolean' },
        select_src_port: {
          type: { key: { type: 'uuid', refTable: 'Port', refType: 'weak' }, min: 0, max: 'unlimited' },
        },
        select_dst_port: {
          type: { key: { type: 'uuid', refTable: 'Port', refType: 'weak' }, min: 0, max: 'unlimited' },
        },
        select_vlan: { type: { key: { type: 'integer', minInteger: 0, maxInteger: 4095 }, min: 0, max: 4096 } },
        output_port: { type: { key: { type: 'uuid', refTable: 'Port', refType: 'weak' }, min: 0, max: 1 } },
        output_vlan: { type: { key: { type: 'integer', minInteger: 1, maxInteger: 4095 }, min: 0, max: 1 } },
        snaplen: { type: { key: { type: 'integer', minInteger: 14, maxInteger: 65535 }, min: 0, max: 1 } },
        statistics: { type: { key: 'string', value: 'integer', min: 0, max: 'unlimited' }, ephemeral: true },
        external_ids: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
      },
    },
    NetFlow: {
      columns: {
        targets: { type: { key: { type: 'string' }, min: 1, max: 'unlimited' } },
        engine_type: { type: { key: { type: 'integer', minInteger: 0, maxInteger: 255 }, min: 0, max: 1 } },
        engine_id: { type: { key: { type: 'integer', minInteger: 0, maxInteger: 255 }, min: 0, max: 1 } },
        add_id_to_interface: { type: 'boolean' },
        active_timeout: { type: { key: { type: 'integer', minInteger: -1 } } },
        external_ids: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
      },
    },
    sFlow: {
      columns: {
        targets: { type: { key: 'string', min: 1, max: 'unlimited' } },
        sampling: { type: { key: 'integer', min: 0, max: 1 } },
        polling: { type: { key: 'integer', min: 0, max: 1 } },
        header: { type: { key: 'integer', min: 0, max: 1 } },
        agent: { type: { key: 'string', min: 0, max: 1 } },
        external_ids: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
      },
    },
    IPFIX: {
      columns: {
        targets: { type: { key: 'string', min: 0, max: 'unlimited' } },
        sampling: {
          type: { key: { type: 'integer', minInteger: 1, maxInteger: 4294967295 }, min: 0, max: 1 },
        },
        obs_domain_id: {
          type: { key: { type: 'integer', minInteger: 0, maxInteger: 4294967295 }, min: 0, max: 1 },
        },
        obs_point_id: {
          type: { key: { type: 'integer', minInteger: 0, maxInteger: 4294967295 }, min: 0, max: 1 },
        },
        cache_active_timeout: { type: { key: { type: 'integer', minInteger: 0, maxInteger: 4200 }, min: 0, max: 1 } },
        cache_max_flows: {
          type: { key: { type: 'integer', minInteger: 0, maxInteger: 4294967295 }, min: 0, max: 1 },
        },
        other_config: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
        external_ids: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
      },
    },
    Flow_Sample_Collector_Set: {
      columns: {
        id: {
          type: { key: { type: 'integer', minInteger: 0, maxInteger: 4294967295 }, min: 1, max: 1 },
        },
        bridge: { type: { key: { type: 'uuid', refTable: 'Bridge' }, min: 1, max: 1 } },
        ipfix: { type: { key: { type: 'uuid', refTable: 'IPFIX' }, min: 0, max: 1 } },
        external_ids: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
      },
      isRoot: true,
      indexes: [['id', 'bridge']],
    },
    Controller: {
      columns: {
        type: { type: { key: { type: 'string', enum: ['set', ['primary', 'service']] }, min: 0, max: 1 } },
        target: { type: 'string' },
        max_backoff: { type: { key: { type: 'integer', minInteger: 1000 }, min: 0, max: 1 } },
        inactivity_probe: { type: { key: 'integer', min: 0, max: 1 } },
        connection_mode: {
          type: { key: { type: 'string', enum: ['set', ['in-band', 'out-of-band']] }, min: 0, max: 1 },
        },
        local_ip: { type: { key: { type: 'string' }, min: 0, max: 1 } },
        local_netmask: { type: { key: { type: 'string' }, min: 0, max: 1 } },
        local_gateway: { type: { key: { type: 'string' }, min: 0, max: 1 } },
        enable_async_messages: { type: { key: { type: 'boolean' }, min: 0, max: 1 } },
        controller_queue_size: { type: { key: { type: 'integer', minInteger: 1, maxInteger: 512 }, min: 0, max: 1 } },
        controller_rate_limit: { type: { key: { type: 'integer', minInteger: 100 }, min: 0, max: 1 } },
        controller_burst_limit: { type: { key: { type: 'integer', minInteger: 25 }, min: 0, max: 1 } },
        other_config: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
        external_ids: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
        is_connected: { type: 'boolean', ephemeral: true },
        role: {
          type: { key: { type: 'string', enum: ['set', ['other', 'master', 'slave']] }, min: 0, max: 1 },
          ephemeral: true,
        },
        status: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' }, ephemeral: true },
      },
    },
    Manager: {
      columns: {
        target: { type: 'string' },
        max_backoff: { type: { key: { type: 'integer', minInteger: 1000 }, min: 0, max: 1 } },
        inactivity_probe: { type: { key: 'integer', min: 0, max: 1 } },
        connection_mode: {
          type: { key: { type: 'string', enum: ['set', ['in-band', 'out-of-band']] }, min: 0, max: 1 },
        },
        other_config: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
        external_ids: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
        is_connected: { type: 'boolean', ephemeral: true },
        status: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' }, ephemeral: true },
      },
      indexes: [['target']],
    },
    Datapath: {
      columns: {
        datapath_version: { type: 'string' },
        ct_zones: {
          type: {
            key: { type: 'integer', minInteger: 0, maxInteger: 65535 },
            value: { type: 'uuid', refTable: 'CT_Zone' },
            min: 0,
            max: 'unlimited',
          },
        },
        capabilities: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
        external_ids: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
      },
    },
    CT_Zone: {
      columns: {
        timeout_policy: { type: { key: { type: 'uuid', refTable: 'CT_Timeout_Policy' }, min: 0, max: 1 } },
        external_ids: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
      },
    },
    CT_Timeout_Policy: {
      columns: {
        timeouts: {
          type: {
            key: {
              type: 'string',
              enum: [
                'set',
                [
                  'tcp_syn_sent',
                  'tcp_syn_recv',
                  'tcp_established',
                  'tcp_fin_wait',
                  'tcp_close_wait',
                  'tcp_last_ack',
                  'tcp_time_wait',
                  'tcp_close',
                  'tcp_syn_sent2',
                  'tcp_retransmit',
                  'tcp_unack',
                  'udp_first',
                  'udp_single',
                  'udp_multiple',
                  'icmp_first',
                  'icmp_reply',
                ],
              ],
            },
            value: { type: 'integer', minInteger: 0, maxInteger: 4294967295 },
            min: 0,
            max: 'unlimited',
          },
        },
        external_ids: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
      },
    },
    SSL: {
      columns: {
        private_key: { type: 'string' },
        certificate: { type: 'string' },
        ca_cert: { type: 'string' },
        bootstrap_ca_cert: { type: 'boolean' },
        external_ids: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
      },
      maxRows: 1,
    },
    AutoAttach: {
      columns: {
        system_name: { type: 'string' },
        system_description: { type: 'string' },
        mappings: {
          type: {
            key: { type: 'integer', minInteger: 0, maxInteger: 16777215 },
            value: { type: 'integer', minInteger: 0, maxInteger: 4095 },
            min: 0,
            max: 'unlimited',
          },
        },
      },
    },
  },
};

/** The parsed schema, for validating operations against the same source as the types above, which it carries. */
export const openVSwitchSchema: TypedSchema<OpenVSwitchTables> = parseSchema(openVSwitchSchemaJson);
