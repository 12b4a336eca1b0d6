// The OVSDB client as the rest of hvnet uses it: a persistent session, an optional monitored
// cache (the read path), and transactions that are checked against the schema before they leave
// (a transaction with one bad value is refused whole, nothing is sent) and whose reply is mapped
// to typed per-operation errors.
import { OvsdbSession } from './session.js';
import type { SessionOptions } from './session.js';
import { DatabaseMonitor } from './monitor.js';
import type { MonitorOptions } from './monitor.js';
import type { TableCache } from './cache.js';
import { parseSchema } from './schema.js';
import type { DatabaseSchema } from './schema.js';
import { validateTransaction } from './validate.js';
import { readTransactResult } from './transact-result.js';
import type { TransactResult } from './transact-result.js';
import type { Operation } from './operations.js';

export interface ClientOptions extends Omit<SessionOptions, 'database'> {
  /** The schema hvnet was built against; its name is the database the session asks for. */
  schema: DatabaseSchema;
  /** Tables (and columns) to keep in the cache; no cache without it. */
  monitor?: MonitorOptions;
}

export class OvsdbClient {
  readonly session: OvsdbSession;
  readonly schema: DatabaseSchema;
  readonly monitor: DatabaseMonitor | undefined;

  constructor(options: ClientOptions) {
    this.schema = options.schema;
    this.session = new OvsdbSession({ ...options, database: options.schema.name });
    this.monitor = options.monitor ? new DatabaseMonitor(this.session, options.schema, options.monitor) : undefined;
  }

  /** Creates a client and waits until it is connected and, with a monitor, its cache is full. */
  static async connect(options: ClientOptions, timeoutMs = 30_000): Promise<OvsdbClient> {
    const client = new OvsdbClient(options);
    try {
      await client.session.start().ready(timeoutMs);
      await client.monitor?.synced();
      return client;
    } catch (e) {
      client.close();
      throw e;
    }
  }

  get cache(): TableCache {
    if (!this.monitor) throw new Error('this OvsdbClient keeps no cache: it was made without the monitor option');
    return this.monitor.cache;
  }

  /**
   * Validates, sends and reads one transaction. Throws SchemaValidationError (nothing sent),
   * an OperationError subclass (the server rolled back), or OutcomeUnknownError (the connection
   * dropped after sending: see idempotent.ts before retrying).
   */
  async transact(operations: readonly Operation[]): Promise<TransactResult> {
    validateTransaction(this.schema, operations);
    const reply = await this.session.transact(operations);
    return readTransactResult(operations, reply);
  }

  /** The schema the server actually serves (for version checks: a column hvnet needs may be missing). */
  async serverSchema(): Promise<DatabaseSchema> {
    return parseSchema(await this.session.call('get_schema', [this.schema.name]));
  }

  close(): void {
    this.session.close();
  }
}
