// What the server holds, read with ovsdb-client (not with the code under test), in the form the
// cache holds it, for comparisons.
import { run } from '../../testbed/exec.js';
import { decodeRow } from '../../lib/ovsdb/values.js';
import type { TableCache } from '../../lib/ovsdb/cache.js';
import { ovnNorthboundSchema } from '../../lib/ovn/schema/ovn-nb.generated.js';

function normalize(rows: Record<string, unknown>[]): string[] {
  return rows
    .map((r) => JSON.stringify(Object.keys(r).sort().map((k) => [k, r[k] instanceof Map ? [...(r[k] as Map<unknown, unknown>)] : sortIfArray(r[k])])))
    .sort();
}

function sortIfArray(v: unknown): unknown {
  return Array.isArray(v) ? [...(v as unknown[])].map(String).sort() : v;
}

export async function serverRows(remote: string, table: string, columns: readonly string[]): Promise<string[]> {
  const schema = ovnNorthboundSchema.tables.get(table);
  if (!schema) throw new Error(`no table ${table}`);
  const out = await run('ovsdb-client', [
    'transact',
    remote,
    JSON.stringify(['OVN_Northbound', { op: 'select', table, where: [], columns: ['_uuid', ...columns] }]),
  ]);
  const [result] = JSON.parse(out) as [{ rows: Record<string, unknown>[] }];
  return normalize(result.rows.map((r) => decodeRow(schema, r)));
}

export function cacheRows(cache: TableCache, table: string): string[] {
  return normalize([...cache.table(table).values()]);
}
