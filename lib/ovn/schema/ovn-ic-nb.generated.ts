// Generated from ovn-ic-nb.ovsschema (OVN_IC_Northbound 1.0.0, cksum 45589876 3383) by lib/ovsdb/codegen.ts. Do not edit.
// Regenerate: node dist/lib/ovsdb/codegen-cli.js lib/ovn/schema/ovn-ic-nb.ovsschema lib/ovn/schema/ovn-ic-nb.generated.ts
//
// Column values as lib/ovsdb/values.ts decodes them: uuids are strings (typed Uuid); a column
// holding one value is that value, an optional one (min 0, max 1) is `T | undefined`, a set is
// `T[]`, a map with string keys is a Record, any other map a Map. Every row also has `_uuid`.

import type { TypedSchema } from '../../ovsdb/schema.js';
import { parseSchema } from '../../ovsdb/schema.js';

export const ovnICNorthboundName = 'OVN_IC_Northbound';
export const ovnICNorthboundVersion = '1.0.0';

/**
 * A uuid: a plain string at run time. The mark is never set; it tells lib/ovsdb/row-types.ts that
 * the typed builders take ["uuid", s] or ["named-uuid", name] for this column, not a string.
 */
export type Uuid = string & { readonly __ovsdbUuid?: true };

/** IC_NB_Global: root table; at most 1 row. */
export interface ICNBGlobalRow {
  /** Assigned by the server. */
  _uuid: Uuid;
  external_ids: Record<string, string>;
  /** references Connection (strong). */
  connections: Uuid[];
  /** references SSL (strong). */
  ssl: Uuid | undefined;
  options: Record<string, string>;
}

/** Transit_Switch: root table; indexes: (name). */
export interface TransitSwitchRow {
  /** Assigned by the server. */
  _uuid: Uuid;
  name: string;
  other_config: Record<string, string>;
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
export interface OVNICNorthboundTables {
  IC_NB_Global: ICNBGlobalRow;
  Transit_Switch: TransitSwitchRow;
  Connection: ConnectionRow;
  SSL: SSLRow;
}

export type OVNICNorthboundTableName =
  | 'IC_NB_Global'
  | 'Transit_Switch'
  | 'Connection'
  | 'SSL';

/** The schema document, verbatim. */
export const ovnICNorthboundSchemaJson = {
  name: 'OVN_IC_Northbound',
  version: '1.0.0',
  cksum: '45589876 3383',
  tables: {
    IC_NB_Global: {
      columns: {
        external_ids: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
        connections: { type: { key: { type: 'uuid', refTable: 'Connection' }, min: 0, max: 'unlimited' } },
        ssl: { type: { key: { type: 'uuid', refTable: 'SSL' }, min: 0, max: 1 } },
        options: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
      },
      maxRows: 1,
      isRoot: true,
    },
    Transit_Switch: {
      columns: {
        name: { type: 'string' },
        other_config: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
        external_ids: { type: { key: 'string', value: 'string', min: 0, max: 'unlimited' } },
      },
      isRoot: true,
      indexes: [['name']],
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
export const ovnICNorthboundSchema: TypedSchema<OVNICNorthboundTables> = parseSchema(ovnICNorthboundSchemaJson);
