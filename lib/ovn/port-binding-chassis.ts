// Which chassis the OVN Southbound binds some logical ports to: one read-only transaction (a select
// of each port's Port_Binding and of the chassis), for a caller that must know where a port lives
// now (a VM migrated to another host keeps its port bound there). Nothing is written to the SB.
import { OvsdbClient } from '../ovsdb/client.js';
import type { ClientOptions } from '../ovsdb/client.js';
import { opsFor } from '../ovsdb/typed-operations.js';
import { decodeRow } from '../ovsdb/values.js';
import type { DecodedValue } from '../ovsdb/values.js';
import { ovnSouthboundSchema } from './schema/ovn-sb.generated.js';

const sb = opsFor(ovnSouthboundSchema);

export interface BoundChassis {
  /** Chassis.name: the chassis's system-id (external_ids:system-id of its Open_vSwitch row). */
  name: string;
  hostname: string;
}

/** A port's binding: the chassis it is bound to, `null` when no chassis binds it; absent ports have no Port_Binding. */
export type PortChassis = Map<string, BoundChassis | null>;

/** Reads the bindings of `ports` through an open SB client. */
export async function readPortChassis(client: OvsdbClient, ports: readonly string[]): Promise<PortChassis> {
  const out: PortChassis = new Map();
  if (ports.length === 0) return out;
  const ops = [sb.select('Chassis', [], ['_uuid', 'name', 'hostname']), ...ports.map((p) => sb.select('Port_Binding', [['logical_port', '==', p]], ['logical_port', 'chassis']))];
  const { results } = await client.transact(ops);
  const table = (name: string) => {
    const t = ovnSouthboundSchema.tables.get(name);
    if (t === undefined) throw new Error(`${name} is not in the OVN_Southbound schema`);
    return t;
  };
  const rowsOf = (i: number): Record<string, unknown>[] => {
    const r = results[i];
    return r?.op === 'select' ? r.rows : [];
  };
  const chassis = new Map<string, BoundChassis>();
  // Decoded against the schema; the string columns are checked here, where the values enter.
  for (const w of rowsOf(0)) {
    const c = decodeRow(table('Chassis'), w);
    const id = text(c._uuid);
    if (id !== undefined) chassis.set(id, { name: text(c.name) ?? '', hostname: text(c.hostname) ?? '' });
  }
  ports.forEach((_, i) => {
    for (const w of rowsOf(i + 1)) {
      const b = decodeRow(table('Port_Binding'), w);
      const port = text(b.logical_port);
      const bound = text(b.chassis);
      if (port === undefined) continue;
      out.set(port, bound === undefined ? null : (chassis.get(bound) ?? { name: `chassis ${bound}`, hostname: '' }));
    }
  });
  return out;
}

function text(v: DecodedValue): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** Opens a short-lived SB session (no monitor, no cache), reads the bindings, and closes it. */
export async function queryPortChassis(options: Omit<ClientOptions, 'schema' | 'monitor'>, ports: readonly string[], timeoutMs = 10_000): Promise<PortChassis> {
  const client = await OvsdbClient.connect({ ...options, schema: ovnSouthboundSchema }, timeoutMs);
  try {
    return await readPortChassis(client, ports);
  } finally {
    client.close();
  }
}
