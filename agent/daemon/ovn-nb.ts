// hvnetd's connection to the OVN Northbound database: one OvsdbClient whose session reconnects
// by itself, seen from the daemon as a state (connected with a fresh cache, or not, and why) that
// health, status and metrics read. Start-up never waits on it: hvnetd serves its socket and says
// what is down while the NB is away. Every transaction the daemon sends, whoever plans it (an
// API request, drift repair), goes through `transact` here, which times it for
// hvnet_ovsdb_transaction_duration_seconds and logs it when it fails.
import { EventEmitter } from 'node:events';
import { OvsdbClient } from '../../lib/ovsdb/client.js';
import type { TableCache } from '../../lib/ovsdb/cache.js';
import type { Operation } from '../../lib/ovsdb/operations.js';
import type { TransactResult } from '../../lib/ovsdb/transact-result.js';
import type { SslFiles } from '../../lib/ovsdb/remotes.js';
import { ovnNorthboundSchema } from '../../lib/ovn/schema/ovn-nb.generated.js';
import { nbMonitorOptions } from '../../lib/ovn/schema-check.js';
import type { NbStatus } from '../api/status.js';
import { WaitTimedOutError } from '../../lib/ovsdb/errors.js';
import type { Logger } from '../logger.js';

/** Tables (and columns; undefined: all) a feature needs in the cache. */
export type MonitorNeeds = Readonly<Record<string, readonly string[] | undefined>>;

/** Merges what several features need into one monitor request. */
export function mergeNeeds(...needs: MonitorNeeds[]): Record<string, string[] | undefined> {
  const out: Record<string, string[] | undefined> = {};
  for (const n of needs) {
    for (const [table, cols] of Object.entries(n)) {
      if (table in out && out[table] === undefined) continue;
      if (cols === undefined) out[table] = undefined;
      else out[table] = [...new Set([...(out[table] ?? []), ...cols])];
    }
  }
  return out;
}

export interface NbOptions {
  remotes: string;
  ssl?: SslFiles;
  inactivityProbeMs: number;
  connectTimeoutMs: number;
  tables: MonitorNeeds;
}

interface NbEvents {
  /** The state (connected, remote, error) changed. */
  state: [NbStatus];
  transaction: [{ seconds: number; ok: boolean }];
  reconnected: [];
}

export class NbConnection extends EventEmitter<NbEvents> {
  readonly client: OvsdbClient;
  private stateValue: NbStatus['state'] = 'connecting';
  private sinceValue = new Date();
  private lastError: string | undefined;
  private everConnected = false;
  private reconnects = 0;
  /** Remotes whose failure was logged since the last connection: a dead cluster is logged once, not per retry. */
  private readonly loggedFailures = new Set<string>();

  constructor(
    private readonly options: NbOptions,
    private readonly log: Logger,
  ) {
    super();
    this.client = new OvsdbClient({
      schema: ovnNorthboundSchema,
      remotes: options.remotes,
      ...(options.ssl ? { ssl: options.ssl } : {}),
      inactivityProbeMs: options.inactivityProbeMs,
      connectTimeoutMs: options.connectTimeoutMs,
      // Lookups by name the NB schema has no index for (lib/ovn finds routers and switches by name).
      monitor: { tables: options.tables, extraIndexes: nbMonitorOptions().extraIndexes ?? {} },
      backoff: { initialMs: 100, maxMs: 2_000 },
    });
    const session = this.client.session;
    session.on('connected', ({ remote }) => {
      // Counted here, not read from the session: it counts after this event fires.
      if (this.everConnected) {
        this.reconnects += 1;
        this.emit('reconnected');
      }
      this.everConnected = true;
      this.lastError = undefined;
      this.loggedFailures.clear();
      this.log.info({ remote }, 'OVN NB connected, cache in sync');
      this.setState('connected');
    });
    session.on('disconnected', ({ remote, reason }) => {
      this.lastError = `${remote}: ${reason.message}`;
      this.log.warn({ remote, reason: reason.message }, 'OVN NB connection lost');
      this.setState('disconnected');
    });
    session.on('attemptFailed', ({ remote, reason }) => {
      const text = `${remote}: ${reason.message}`;
      if (!this.loggedFailures.has(remote)) this.log.warn({ remote, reason: reason.message }, 'OVN NB server refused or unreachable; retrying');
      this.loggedFailures.add(remote);
      this.lastError = text;
      if (this.stateValue !== 'connected') this.setState(this.everConnected ? 'disconnected' : 'connecting');
    });
  }

  start(): void {
    this.client.session.start();
  }

  /** Resolves when the cache is in sync, or false after `timeoutMs`. */
  async waitSynced(timeoutMs: number): Promise<boolean> {
    if (this.stateValue === 'connected') return true;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.off('state', onState);
        resolve(false);
      }, timeoutMs);
      const onState = (s: NbStatus): void => {
        if (s.state !== 'connected') return;
        clearTimeout(timer);
        this.off('state', onState);
        resolve(true);
      };
      this.on('state', onState);
    });
  }

  get connected(): boolean {
    return this.stateValue === 'connected';
  }

  get cache(): TableCache {
    return this.client.cache;
  }

  status(): NbStatus {
    const s: NbStatus = {
      state: this.stateValue,
      remotes: this.options.remotes,
      synced: this.stateValue === 'connected',
      since: this.sinceValue.toISOString(),
      reconnects: this.reconnects,
    };
    const remote = this.client.session.currentRemote;
    if (remote !== undefined && this.stateValue === 'connected') s.remote = remote;
    if (this.lastError !== undefined) s.lastError = this.lastError;
    return s;
  }

  /**
   * The daemon's one way of sending a transaction: timed for the metrics, and logged when it
   * fails. A failed guard (`wait`) is how a write learns that another writer got there first and
   * is re-planned by its sender, so it is only logged at debug level. Deliberately no check of
   * the connection: the session's own behaviour (fail fast, or an unknown outcome the applier
   * waits out) is what lib/ovn's retries are built on. `requests`: the API calls the
   * transaction is sent for (none for background work, several when group commit combined
   * them), named in the log of a failure.
   */
  async transact(operations: readonly Operation[], requests?: readonly object[]): Promise<TransactResult> {
    const start = process.hrtime.bigint();
    let ok = false;
    try {
      const r = await this.client.transact(operations);
      ok = true;
      return r;
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      const request = requests === undefined || requests.length === 0 ? null : requests.length === 1 ? requests[0] : requests;
      const fields = { err: err.message, error: err.name, operations: operations.map((o) => o.op), request };
      if (err instanceof WaitTimedOutError) this.log.debug(fields, 'OVN NB transaction: a guard failed');
      else this.log.warn(fields, 'OVN NB transaction failed');
      throw e;
    } finally {
      this.emit('transaction', { seconds: Number(process.hrtime.bigint() - start) / 1e9, ok });
    }
  }

  close(): void {
    this.client.close();
  }

  /** Emits even without a change of state: the error text may have changed. */
  private setState(state: NbStatus['state']): void {
    if (state !== this.stateValue) {
      this.stateValue = state;
      this.sinceValue = new Date();
    }
    this.emit('state', this.status());
  }
}
