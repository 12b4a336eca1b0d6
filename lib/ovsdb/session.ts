// The persistent session: it keeps one live connection to a usable server of the remote list,
// moving on when a server dies, hangs, loses leadership or falls behind, with exponential backoff
// and jitter between full passes so a fleet of agents does not reconnect in lock-step.
//
// What it never does is replay a request: a transaction in flight when the connection drops ends
// with OutcomeUnknownError, and only the caller (who knows whether its operations are guarded by
// `wait`s or are idempotent) may retry it; see idempotent.ts.
import { EventEmitter } from 'node:events';
import { RpcConnection } from './connection.js';
import type { ConnectionOptions } from './connection.js';
import type { JsonRpcNotification } from './jsonrpc.js';
import { formatRemote, parseRemotes } from './remotes.js';
import type { Remote, SslFiles } from './remotes.js';
import { TransportError } from './errors.js';
import { checkServer, SERVER_DB_COLUMNS, serverRowFrom } from './server-db.js';
import type { ServerDbRow } from './server-db.js';

export type SessionStatus = 'connecting' | 'connected' | 'reconnecting' | 'closed';

export interface BackoffOptions {
  /** Pause after the first full pass over the remotes failed. */
  initialMs?: number;
  /** The pause doubles per failed pass up to this. */
  maxMs?: number;
}

export interface SessionOptions extends ConnectionOptions {
  /** `unix:PATH`, `tcp:IP:PORT`, `ssl:IP:PORT`, comma-separated, or parsed remotes. */
  remotes: string | readonly Remote[];
  /** The database the session is for (e.g. OVN_Northbound); checked in `_Server` on each server. */
  database: string;
  ssl?: SslFiles;
  /**
   * Use only the cluster leader (default true). Followers forward writes, but their reads lag and
   * they stall writes during elections; the IDL behaves the same way by default.
   */
  leaderOnly?: boolean;
  backoff?: BackoffOptions;
  /**
   * How long a request waits for the reply (and, when disconnected, for a connection) before it
   * fails. A transaction that timed out after being sent ends with OutcomeUnknownError.
   */
  requestTimeoutMs?: number;
}

/**
 * Runs on every new connection before the session calls itself connected (monitors, locks). If it
 * throws, that server is given up and the next one is tried.
 */
export type SyncHook = (conn: RpcConnection, server: ServerDbRow) => Promise<void>;

interface SessionEvents {
  status: [SessionStatus];
  connected: [{ remote: string; server: ServerDbRow }];
  disconnected: [{ remote: string; reason: Error }];
  /** A server was tried and refused or failed; the session moves on by itself. */
  attemptFailed: [{ remote: string; reason: Error }];
  notification: [JsonRpcNotification];
}

const DEFAULT_BACKOFF: Required<BackoffOptions> = { initialMs: 100, maxMs: 8_000 };
export const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;

export class OvsdbSession extends EventEmitter<SessionEvents> {
  readonly remotes: readonly Remote[];
  readonly database: string;
  private readonly options: SessionOptions;
  private readonly hooks: { name: string; fn: SyncHook }[] = [];
  private conn: RpcConnection | undefined;
  private statusValue: SessionStatus = 'connecting';
  private started = false;
  private next = 0;
  /** Highest raft index seen: a server behind it would show us the past. */
  private highestIndex = -1;
  private clusterId: string | undefined;
  private waiters: { resolve: () => void; reject: (e: Error) => void }[] = [];
  private wake: (() => void) | undefined;
  private reconnects = 0;

  constructor(options: SessionOptions) {
    super();
    this.options = options;
    this.database = options.database;
    this.remotes =
      typeof options.remotes === 'string'
        ? parseRemotes(options.remotes, options.ssl ? { ssl: options.ssl } : {})
        : [...options.remotes];
  }

  get status(): SessionStatus {
    return this.statusValue;
  }

  /** The remote of the live connection, if any. */
  get currentRemote(): string | undefined {
    return this.conn?.isOpen ? this.conn.remoteText : undefined;
  }

  /** Connections made after the first. */
  get reconnectCount(): number {
    return this.reconnects;
  }

  /** Registers work to redo on every connection (in registration order). */
  addSyncHook(name: string, fn: SyncHook): void {
    this.hooks.push({ name, fn });
  }

  /** Starts connecting in the background; `ready()` tells when the first connection is usable. */
  start(): this {
    if (!this.started) {
      this.started = true;
      void this.run();
    }
    return this;
  }

  /** Resolves once connected (immediately if already); rejects on close or timeout. */
  ready(timeoutMs = this.options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS): Promise<void> {
    this.start();
    if (this.statusValue === 'connected') return Promise.resolve();
    if (this.isClosed()) return Promise.reject(new TransportError(this.remoteList(), 'session closed'));
    return new Promise((resolve, reject) => {
      const waiter = {
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (e: Error) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new TransportError(this.remoteList(), `no usable server for ${this.database} after ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /**
   * Sends a request on the live connection, waiting for one if needed (bounded by the request
   * timeout). Never resent on another connection.
   */
  async call(method: string, params: unknown[]): Promise<unknown> {
    const timeoutMs = this.options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    const deadline = Date.now() + timeoutMs;
    let conn = this.conn;
    while (!conn?.isOpen || this.statusValue !== 'connected') {
      // Nothing was sent yet, so waiting for the next connection is safe.
      await this.ready(Math.max(1, deadline - Date.now()));
      conn = this.conn;
    }
    return conn.call(method, params, Math.max(1, deadline - Date.now()));
  }

  /** The live connection, for calls that need it directly (cancel, counters); undefined when down. */
  get connection(): RpcConnection | undefined {
    return this.conn?.isOpen ? this.conn : undefined;
  }

  /** `transact` on the session's database. */
  transact(operations: readonly unknown[]): Promise<unknown> {
    return this.call('transact', [this.database, ...operations]);
  }

  /** Drops the current connection (as a failure would) so the session moves to the next server. */
  reconnect(reason = 'reconnect requested'): void {
    this.conn?.close(new TransportError(this.conn.remoteText, reason));
  }

  close(): void {
    if (this.isClosed()) return;
    this.setStatus('closed');
    this.conn?.close();
    this.wake?.();
    const err = new TransportError(this.remoteList(), 'session closed');
    for (const w of this.waiters.splice(0)) w.reject(err);
  }

  /** A method, not a field read: the status changes behind TypeScript's narrowing across awaits. */
  private isClosed(): boolean {
    return this.statusValue === 'closed';
  }

  private remoteList(): string {
    return this.remotes.map(formatRemote).join(',');
  }

  private setStatus(s: SessionStatus): void {
    if (this.statusValue === s) return;
    this.statusValue = s;
    this.emit('status', s);
  }

  private async run(): Promise<void> {
    const backoff = { ...DEFAULT_BACKOFF, ...this.options.backoff };
    let failedPasses = 0;
    let everConnected = false;
    while (!this.isClosed()) {
      let connectedThisPass = false;
      for (let i = 0; i < this.remotes.length && !this.isClosed(); i++) {
        const remote = this.remotes[this.next % this.remotes.length] as Remote;
        this.next += 1;
        const conn = await this.tryServer(remote);
        if (!conn) continue;
        connectedThisPass = true;
        if (everConnected) this.reconnects += 1;
        everConnected = true;
        const reason = await new Promise<Error>((resolve) => {
          if (!conn.isOpen) resolve(new TransportError(conn.remoteText, 'closed during start-up'));
          conn.once('close', (e) => resolve(e ?? new TransportError(conn.remoteText, 'closed')));
        });
        this.conn = undefined;
        if (this.isClosed()) return;
        this.setStatus('reconnecting');
        this.emit('disconnected', { remote: conn.remoteText, reason });
        break; // start a fresh pass at the next remote, without pausing
      }
      if (this.isClosed()) return;
      if (connectedThisPass) {
        failedPasses = 0;
        continue;
      }
      const pause = Math.min(backoff.maxMs, backoff.initialMs * 2 ** failedPasses);
      failedPasses += 1;
      // Full jitter on the upper half: never in lock-step with other clients, never near zero.
      await this.sleep(pause / 2 + Math.random() * (pause / 2));
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.wake = undefined;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(t);
        this.wake = undefined;
        resolve();
      };
    });
  }

  /** Opens, checks and prepares one server; undefined (after an attemptFailed event) if refused. */
  private async tryServer(remote: Remote): Promise<RpcConnection | undefined> {
    const text = formatRemote(remote);
    let conn: RpcConnection | undefined;
    try {
      conn = await RpcConnection.open(remote, this.options);
      const server = await this.checkAndWatch(conn);
      for (const hook of this.hooks) {
        try {
          await hook.fn(conn, server);
        } catch (e) {
          throw new TransportError(text, `sync step ${hook.name} failed: ${(e as Error).message}`, { cause: e });
        }
      }
      if (!conn.isOpen) throw new TransportError(text, 'closed during start-up');
      if (this.isClosed()) {
        conn.close();
        return undefined;
      }
      this.conn = conn;
      conn.on('notification', (n) => {
        if (this.conn === conn) this.emit('notification', n);
      });
      this.setStatus('connected');
      this.emit('connected', { remote: text, server });
      for (const w of this.waiters.splice(0)) w.resolve();
      return conn;
    } catch (e) {
      conn?.close();
      this.emit('attemptFailed', { remote: text, reason: e as Error });
      return undefined;
    }
  }

  /**
   * Reads this database's row of `_Server.Database`, refuses a server that cannot serve us, and
   * monitors the row so a later loss of leadership or of the cluster moves the session on.
   */
  private async checkAndWatch(conn: RpcConnection): Promise<ServerDbRow> {
    const leaderOnly = this.options.leaderOnly ?? true;
    // Without this the server closes the connection when the database is converted or removed;
    // with it, it reports the change through the _Server monitor below.
    await conn.call('set_db_change_aware', [true]).catch(() => undefined);
    const monitorId = ['hvnet-server-db', this.database];
    const initial = await conn.call('monitor_cond', [
      '_Server',
      monitorId,
      { Database: [{ columns: SERVER_DB_COLUMNS, where: [['name', '==', this.database]] }] },
    ]);
    const row = serverRowFrom(initial, this.database);
    const verdict = checkServer(row, {
      database: this.database,
      leaderOnly,
      highestIndex: this.highestIndex,
      clusterId: this.clusterId,
    });
    if (!verdict.ok) throw new TransportError(conn.remoteText, verdict.reason);
    if (!row) throw new TransportError(conn.remoteText, `does not serve database ${this.database}`);
    this.remember(row);
    let current = row;
    conn.on('notification', (n) => {
      if (n.method !== 'update2' && n.method !== 'update') return;
      if (JSON.stringify(n.params[0]) !== JSON.stringify(monitorId)) return;
      const updated = serverRowFrom(n.params[1], this.database, current);
      if (!updated) {
        conn.close(new TransportError(conn.remoteText, `database ${this.database} was removed from this server`));
        return;
      }
      current = updated;
      this.remember(current);
      const again = checkServer(current, {
        database: this.database,
        leaderOnly,
        highestIndex: -1, // the index only grows on one server; the check is for new servers
        clusterId: this.clusterId,
      });
      if (!again.ok) conn.close(new TransportError(conn.remoteText, again.reason));
    });
    return row;
  }

  private remember(row: ServerDbRow): void {
    if (row.index !== undefined && row.index > this.highestIndex) this.highestIndex = row.index;
    if (row.cid !== undefined) this.clusterId ??= row.cid;
  }
}
