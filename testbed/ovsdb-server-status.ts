// What an ovsdb-server says about its own databases (`_Server`): model, leadership, raft ids.
import { run } from './exec.js';

/** The `_Server` database's `Database` row of one database, as one server sees it. */
export interface ServerDbRow {
  name: string;
  model: string;
  leader: boolean;
  connected: boolean;
  /** Raft log index (undefined on a standalone server). */
  index: number | undefined;
  cid: string | undefined;
  sid: string | undefined;
}

function uuidOrUndef(v: unknown): string | undefined {
  return Array.isArray(v) && v[0] === 'uuid' && typeof v[1] === 'string' ? v[1] : undefined;
}

/**
 * Reads `_Server.Database` for `db` from `remote` with a plain select (docs/ovn.md#finding-the-leader).
 * `clientArgs` carries e.g. the SSL options for an ssl: remote.
 */
export async function serverDbRow(remote: string, db: string, clientArgs: readonly string[] = []): Promise<ServerDbRow> {
  const txn = JSON.stringify([
    '_Server',
    {
      op: 'select',
      table: 'Database',
      where: [['name', '==', db]],
      columns: ['name', 'model', 'leader', 'connected', 'index', 'cid', 'sid'],
    },
  ]);
  const out = await run('ovsdb-client', [...clientArgs, '--timeout=2', 'transact', remote, txn], { timeoutMs: 4_000 });
  const parsed = JSON.parse(out) as [{ rows?: Record<string, unknown>[]; error?: string }];
  const row = parsed[0]?.rows?.[0];
  if (!row) throw new Error(`${remote}: no _Server.Database row for ${db}: ${out.trim()}`);
  return {
    name: String(row.name),
    model: String(row.model),
    leader: row.leader === true,
    connected: row.connected === true,
    index: typeof row.index === 'number' ? row.index : undefined,
    cid: uuidOrUndef(row.cid),
    sid: uuidOrUndef(row.sid),
  };
}
