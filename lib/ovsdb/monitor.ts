// Keeps a TableCache in step with the server across reconnects. On each new connection it asks
// for the changes since the last transaction it saw (monitor_cond_since), so a cluster member that
// still has that transaction in its history sends only what changed; otherwise (a standalone
// server keeps no history, or an old server lacks the method) it takes the full snapshot and the
// cache announces only the differences.
import type { RpcConnection } from './connection.js';
import type { JsonRpcNotification } from './jsonrpc.js';
import type { OvsdbSession } from './session.js';
import { TableCache } from './cache.js';
import type { DatabaseSchema } from './schema.js';
import { DecodeError, ProtocolError, RpcError, TransportError, UpdateDroppedError } from './errors.js';

export const ZERO_TXN_ID = '00000000-0000-0000-0000-000000000000';

export type MonitorMethod = 'monitor_cond_since' | 'monitor_cond' | 'monitor';

export interface MonitorOptions {
  /** Each monitored table with its columns (undefined: every column). */
  tables: Readonly<Record<string, readonly string[] | undefined>>;
  /** Non-unique lookups the caller needs beyond the schema's indexes, e.g. Logical_Router: [['name']]. */
  extraIndexes?: Readonly<Record<string, readonly (readonly string[])[]>>;
  /** The longest stretch of decoding an update in one turn of the event loop (ms; TableCache's DEFAULT_SLICE_MS). */
  sliceMs?: number;
}

export interface SyncStats {
  method: MonitorMethod;
  /** monitor_cond_since found our last transaction: only the changes since were sent. */
  resumed: boolean;
  /** Rows in the reply of the last (re)sync. */
  rowsReceived: number;
  syncs: number;
}

const FALLBACK: Record<MonitorMethod, MonitorMethod | undefined> = {
  monitor_cond_since: 'monitor_cond',
  monitor_cond: 'monitor',
  monitor: undefined,
};

export class DatabaseMonitor {
  readonly cache: TableCache;
  private lastTxnId: string | undefined;
  private method: MonitorMethod = 'monitor_cond_since';
  private statsValue: SyncStats = { method: 'monitor_cond_since', resumed: false, rowsReceived: 0, syncs: 0 };
  private firstSync: Promise<void>;
  private resolveFirstSync: (() => void) | undefined;
  private readonly monitorId = 'hvnet-cache';
  private cancelled = false;

  constructor(
    private readonly session: OvsdbSession,
    schema: DatabaseSchema,
    private readonly options: MonitorOptions,
  ) {
    this.cache = new TableCache(schema, options.tables, options.extraIndexes ?? {});
    this.firstSync = new Promise((resolve) => (this.resolveFirstSync = resolve));
    session.addSyncHook('monitor', (conn) => this.sync(conn));
  }

  /** Resolves once the cache holds a full copy (after the first connection's sync). */
  synced(): Promise<void> {
    return this.firstSync;
  }

  get stats(): SyncStats {
    return { ...this.statsValue };
  }

  /** The id of the last transaction reflected in the cache (clustered servers only). */
  get lastTransactionId(): string | undefined {
    return this.lastTxnId;
  }

  /**
   * Columns are always listed: with none, the server also sends `_version`, which changes on every
   * write and would turn each update into noise for the reconciler.
   */
  private requests(): Record<string, { columns: readonly string[] }[]> {
    const out: Record<string, { columns: readonly string[] }[]> = {};
    for (const table of Object.keys(this.options.tables)) out[table] = [{ columns: this.cache.columnsOf(table) }];
    return out;
  }

  /**
   * Stops the monitor (monitor_cancel): the server sends no more updates for it, and it is not
   * set up again after a reconnect. The cache keeps what it has.
   */
  async cancel(): Promise<void> {
    if (this.cancelled) return;
    this.cancelled = true;
    const conn = this.session.connection;
    if (conn) await conn.call('monitor_cancel', [this.monitorId]);
  }

  private async sync(conn: RpcConnection): Promise<void> {
    if (this.cancelled) return;
    // Listen before asking: the reply and the first updates can arrive in one read, and an update
    // handled before the reply is applied would be lost. Updates wait until the reply is in.
    let held: JsonRpcNotification[] | undefined = [];
    conn.on('notification', (n) => {
      if (held) held.push(n);
      // A big update holds the connection itself (take): nothing to wait for here.
      else void this.onNotification(conn, n);
    });
    for (;;) {
      try {
        await this.request(conn);
        break;
      } catch (e) {
        const next = FALLBACK[this.method];
        if (!(e instanceof RpcError) || !isUnknownMethod(e) || next === undefined) throw e;
        this.method = next;
      }
    }
    // In order, one update applied before the next is taken (a big one in slices): what arrives
    // meanwhile joins the same list.
    const pending = held;
    for (let i = 0; i < pending.length; i++) {
      await this.onNotification(conn, pending[i] as JsonRpcNotification);
      // One dropped with the connection: none after it may be applied (the resync on the next
      // connection starts from the last one applied).
      if (!conn.isOpen) throw new TransportError(conn.remoteText, 'connection lost while the monitor was syncing');
    }
    held = undefined;
    this.resolveFirstSync?.();
    this.resolveFirstSync = undefined;
  }

  private async request(conn: RpcConnection): Promise<void> {
    const db = this.session.database;
    const requests = this.requests();
    let resumed = false;
    let updates: unknown;
    let txn = this.lastTxnId;
    if (this.method === 'monitor_cond_since') {
      const reply = await conn.call('monitor_cond_since', [db, this.monitorId, requests, this.lastTxnId ?? ZERO_TXN_ID]);
      if (!Array.isArray(reply) || reply.length !== 3 || typeof reply[0] !== 'boolean' || typeof reply[1] !== 'string') {
        throw new ProtocolError('monitor_cond_since reply is not [found, last-txn-id, updates]', reply);
      }
      resumed = reply[0] && this.lastTxnId !== undefined;
      txn = reply[1] === ZERO_TXN_ID ? undefined : reply[1];
      updates = reply[2];
    } else {
      updates = await conn.call(this.method, [db, this.monitorId, requests]);
    }
    const rows = countRows(updates);
    // In slices (a first fill of tens of thousands of rows held the event loop for a third of a
    // second); the updates sent meanwhile wait in `held` (sync).
    const slices = { sliceMs: this.options.sliceMs, wanted: () => conn.isOpen && !this.cancelled };
    if (resumed) await this.cache.applyUpdatesInSlices(updates, slices);
    else await this.cache.replaceAllInSlices(updates, slices);
    // Only now: had the connection dropped while the reply was taken in (and the reply was then
    // dropped), the next sync must still ask for everything since the transaction before it.
    this.lastTxnId = txn;
    if (resumed) await this.refreshVersions(conn);
    this.statsValue = { method: this.method, resumed, rowsReceived: rows, syncs: this.statsValue.syncs + 1 };
  }

  /**
   * `_version` is not replicated: each member of a cluster makes its own for the same write. A
   * resumed monitor sends only the rows changed since, so after a reconnect to another member
   * the rows that did not change keep the previous member's `_version`, and a wait on it would
   * fail on every attempt. The monitored `_version` columns are read again (on the same
   * connection, so updates sent before the reply are older than it, and those held during the
   * sync are applied after it, in order) and corrected where they differ.
   */
  private async refreshVersions(conn: RpcConnection): Promise<void> {
    const tables = Object.keys(this.options.tables).filter((t) => this.cache.columnsOf(t).includes('_version'));
    if (tables.length === 0) return;
    const ops = tables.map((table) => ({ op: 'select', table, where: [], columns: ['_uuid', '_version'] }));
    const reply = await conn.call('transact', [this.session.database, ...ops]);
    if (!Array.isArray(reply)) throw new ProtocolError('transact reply is not an array', reply);
    const fix: Record<string, Record<string, { modify: { _version: unknown } }>> = {};
    tables.forEach((table, i) => {
      const rows = (reply[i] as { rows?: unknown } | undefined)?.rows;
      if (!Array.isArray(rows)) throw new ProtocolError(`select of ${table} returned no rows array`, reply[i]);
      for (const r of rows as { _uuid?: unknown; _version?: unknown }[]) {
        const uuid: unknown = Array.isArray(r._uuid) ? r._uuid[1] : undefined;
        const version: unknown = Array.isArray(r._version) ? r._version[1] : undefined;
        if (typeof uuid !== 'string' || typeof version !== 'string') continue;
        const cached = (this.cache.get(table as never, uuid) as { _version?: unknown } | undefined)?._version;
        if (cached !== undefined && cached !== version) (fix[table] ??= {})[uuid] = { modify: { _version: r._version } };
      }
    });
    if (Object.keys(fix).length > 0) this.cache.applyUpdates(fix);
  }

  /** Takes a notification in; a promise while a big update is being taken in slices. */
  private onNotification(conn: RpcConnection, n: JsonRpcNotification): Promise<void> | undefined {
    const [id] = n.params;
    if (id !== this.monitorId || this.cancelled) return undefined;
    switch (n.method) {
      case 'update3': {
        const txn = n.params[1];
        return this.take(conn, n.params[2], typeof txn === 'string' && txn !== ZERO_TXN_ID ? txn : undefined);
      }
      case 'update2':
      case 'update':
        return this.take(conn, n.params[1], undefined);
    }
    return undefined;
  }

  /**
   * Applies one update. A big one (a burst of thousands of rows in one transaction) is decoded
   * in slices with the event loop free between them; the connection holds back what came after
   * it, replies included, until it is applied, so the order the server sent stays the order seen.
   * Its transaction id is noted only once it is applied: a monitor resumed after a drop asks for
   * it again. An update that does not decode drops the connection: the resync after the
   * reconnect starts from a full snapshot rather than from a cache missing part of a transaction.
   */
  private take(conn: RpcConnection, updates: unknown, txn: string | undefined): Promise<void> | undefined {
    // After an update dropped with its connection nothing later from it is applied: the cache
    // would hold a later transaction without an earlier one, and resume after the later.
    if (!conn.isOpen) return undefined;
    const applied = (): void => {
      if (txn !== undefined) this.lastTxnId = txn;
    };
    // Anything else thrown is a listener's bug, and is thrown as it was when updates were applied
    // in the task that read them.
    const failed = (e: unknown): void => {
      if (e instanceof DecodeError) conn.close(e);
      else if (e instanceof UpdateDroppedError) {
        // Dropped with its connection, as expected. Dropped on one still open, the cache would
        // miss a transaction for good: the resync of a new connection brings it back.
        if (conn.isOpen) conn.close(new TransportError(conn.remoteText, `resync: ${e.message}`));
      } else throw e;
    };
    let result;
    try {
      result = this.cache.applyUpdatesInSlices(updates, { sliceMs: this.options.sliceMs, wanted: () => conn.isOpen && !this.cancelled });
    } catch (e) {
      failed(e);
      return undefined;
    }
    if (!(result instanceof Promise)) {
      applied();
      return undefined;
    }
    const done = result.then(applied, failed);
    conn.holdUntil(done);
    return done.catch((e: unknown) => {
      setImmediate(() => {
        throw e;
      });
    });
  }
}

function isUnknownMethod(e: RpcError): boolean {
  return /unknown method|not supported/i.test(`${e.error ?? ''} ${e.details ?? ''}`);
}

function countRows(updates: unknown): number {
  if (typeof updates !== 'object' || updates === null) return 0;
  let n = 0;
  for (const rows of Object.values(updates as Record<string, unknown>)) {
    if (typeof rows === 'object' && rows !== null) n += Object.keys(rows).length;
  }
  return n;
}
