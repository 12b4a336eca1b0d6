// The `_Server` database every ovsdb-server serves (clustered or not): its Database table says,
// per database, whether this server may be used. Pure functions, so the decisions are tested
// without a cluster.

export const SERVER_DB_COLUMNS = ['name', 'model', 'connected', 'leader', 'index', 'cid'];

export interface ServerDbRow {
  name: string;
  model: string;
  connected: boolean;
  leader: boolean;
  /** Raft log index; absent on standalone servers. */
  index: number | undefined;
  /** Cluster id; absent on standalone servers and on members that have not joined yet. */
  cid: string | undefined;
}

export interface ServerCheckContext {
  database: string;
  leaderOnly: boolean;
  /** The highest raft index this client has seen; -1 when none. */
  highestIndex: number;
  /** The cluster this client has been talking to, once known. */
  clusterId: string | undefined;
}

export type ServerVerdict = { ok: true } | { ok: false; reason: string };

/** Whether a server, described by its `_Server.Database` row, may serve this client. */
export function checkServer(row: ServerDbRow | undefined, ctx: ServerCheckContext): ServerVerdict {
  if (!row) return { ok: false, reason: `does not serve database ${ctx.database}` };
  if (row.model !== 'clustered') return { ok: true };
  if (!row.connected) return { ok: false, reason: `${ctx.database}: this cluster member is not connected to a quorum` };
  if (ctx.leaderOnly && !row.leader) return { ok: false, reason: `${ctx.database}: this cluster member is not the leader` };
  if (ctx.clusterId !== undefined && row.cid !== undefined && row.cid !== ctx.clusterId) {
    return { ok: false, reason: `${ctx.database}: member of cluster ${row.cid}, not of ${ctx.clusterId}` };
  }
  if (row.index !== undefined && row.index < ctx.highestIndex) {
    // A member that was cut off (or restored from an old file) would show an older database.
    return { ok: false, reason: `${ctx.database}: raft index ${row.index} is behind ${ctx.highestIndex} already seen` };
  }
  return { ok: true };
}

/**
 * Reads the row of `database` out of a monitor_cond reply or an update2 notification's table
 * updates, applied on top of the previous row (update2 `modify` carries only changed columns,
 * and for the optional `index`/`cid` columns the elements to toggle).
 */
export function serverRowFrom(
  tableUpdates: unknown,
  database: string,
  previous?: ServerDbRow,
): ServerDbRow | undefined {
  const rows = recordAt(recordAt(tableUpdates, 'Database'));
  let result = previous;
  for (const change of Object.values(rows)) {
    const c = recordAt(change);
    if ('delete' in c) {
      if (result?.name === database) result = undefined;
      continue;
    }
    const fresh = recordAt(c.initial ?? c.insert);
    const modify = recordAt(c.modify);
    if (Object.keys(fresh).length > 0) {
      if (fresh.name !== database) continue;
      result = {
        name: database,
        model: typeof fresh.model === 'string' ? fresh.model : 'standalone',
        connected: fresh.connected === true,
        leader: fresh.leader === true,
        index: optionalAtom(fresh.index, 'number'),
        cid: optionalUuid(fresh.cid),
      };
    } else if (result && Object.keys(modify).length > 0) {
      result = {
        ...result,
        ...(typeof modify.model === 'string' ? { model: modify.model } : {}),
        ...(typeof modify.connected === 'boolean' ? { connected: modify.connected } : {}),
        ...(typeof modify.leader === 'boolean' ? { leader: modify.leader } : {}),
        ...('index' in modify ? { index: toggleOptional(result.index, setElements(modify.index), 'number') } : {}),
        ...('cid' in modify ? { cid: toggleOptional(result.cid, setElements(modify.cid).map(uuidOf), 'string') } : {}),
      };
    }
  }
  return result;
}

function recordAt(value: unknown, key?: string): Record<string, unknown> {
  const v = key === undefined ? value : (value as Record<string, unknown> | undefined)?.[key];
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function setElements(value: unknown): unknown[] {
  if (Array.isArray(value) && value[0] === 'set' && Array.isArray(value[1])) return value[1] as unknown[];
  return value === undefined ? [] : [value];
}

function uuidOf(value: unknown): unknown {
  return Array.isArray(value) && value[0] === 'uuid' ? value[1] : value;
}

function optionalAtom<T extends 'number' | 'string'>(value: unknown, type: T): (T extends 'number' ? number : string) | undefined {
  const [first] = setElements(value);
  return typeof first === type ? (first as T extends 'number' ? number : string) : undefined;
}

function optionalUuid(value: unknown): string | undefined {
  const first = uuidOf(setElements(value)[0]);
  return typeof first === 'string' ? first : undefined;
}

function toggleOptional<V extends number | string>(current: V | undefined, toggled: unknown[], type: 'number' | 'string'): V | undefined {
  const set = new Set<unknown>(current === undefined ? [] : [current]);
  for (const t of toggled) {
    if (set.has(t)) set.delete(t);
    else set.add(t);
  }
  const [first] = [...set];
  return typeof first === type ? (first as V) : undefined;
}
