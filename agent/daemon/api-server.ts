// hvnetd's JSON-RPC 2.0 socket: newline-delimited requests on a Unix stream socket, dispatched by
// jayson to the method registry. What this file adds around jayson is what a long-running daemon
// on an administrator's socket needs: a bound on request size, on connections and on requests in
// flight per connection; a client that stops reading cannot make us buffer without end; an idle
// connection is closed; and on shutdown, requests already running finish while new ones get a
// clean error.
import net from 'node:net';
import { chmod, chown, lstat, mkdir, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import jayson from 'jayson';
import { LineReader } from './line-reader.js';
import type { MethodRegistry } from './registry.js';
import type { Logger } from '../logger.js';
import { lookupGid } from './group.js';
import { HvnetError, RPC, RequestTooLargeError, ShuttingDownError, asHvnetError } from '../api/errors.js';

export interface ApiServerOptions {
  socket: string;
  group: string;
  /** Octal string, e.g. "0660". */
  mode: string;
  maxRequestBytes: number;
  maxConnections: number;
  idleTimeoutMs: number;
  /** Requests of one connection running at once; beyond it the connection is not read. */
  maxInFlightPerConnection?: number;
  /** Unread replies a connection may hold before it is dropped. */
  maxPendingOutputBytes?: number;
}

const MAX_BATCH = 32;
const NULL_ID = '\u0000hvnet-null-id';

function errorReply(code: number, message: string, hvnetCode: string): unknown {
  return { jsonrpc: '2.0', id: null, error: { code, message, data: { code: hvnetCode } } };
}

interface ConnectionState {
  id: number;
  socket: net.Socket;
  inFlight: number;
  readEnded: boolean;
  closing: boolean;
  idleTimer: NodeJS.Timeout | undefined;
}

export class ApiServer {
  private readonly server: net.Server;
  private readonly rpc: jayson.Server;
  private readonly connections = new Set<ConnectionState>();
  private nextId = 1;
  private shuttingDown = false;
  private inFlightTotal = 0;
  private idleWaiters: (() => void)[] = [];
  private listening = false;

  constructor(
    private readonly options: ApiServerOptions,
    private readonly registry: MethodRegistry,
    private readonly log: Logger,
  ) {
    this.rpc = new jayson.Server(
      {},
      {
        router: (method: string) =>
          new jayson.Method(
            (params: jayson.RequestParamsLike, context: object, callback: jayson.JSONRPCCallbackTypePlain) => {
              const conn = (context as { connection?: number }).connection ?? 0;
              this.run(method, params, conn).then(
                (result) => callback(null, result),
                (e: unknown) => callback(asHvnetError(e).toRpcError()),
              );
            },
            { useContext: true },
          ),
      },
    );
    this.server = net.createServer({ allowHalfOpen: true, pauseOnConnect: false }, (s) => this.accept(s));
    this.server.on('error', (e) => this.log.error({ err: e }, 'API socket error'));
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  async listen(): Promise<void> {
    const { socket } = this.options;
    await mkdir(dirname(socket), { recursive: true, mode: 0o755 });
    await removeStaleSocket(socket);
    // The socket is created with the process umask: make that owner-only until chmod/chown below,
    // so there is no moment at which someone outside the group could connect.
    const old = process.umask(0o177);
    try {
      await new Promise<void>((resolve, reject) => {
        this.server.once('error', reject);
        this.server.listen(socket, () => {
          this.server.off('error', reject);
          resolve();
        });
      });
    } finally {
      process.umask(old);
    }
    this.listening = true;
    const gid = await lookupGid(this.options.group);
    if (gid !== undefined) {
      await chown(socket, process.getuid?.() ?? 0, gid);
    } else {
      this.log.warn({ group: this.options.group, socket }, 'socket group does not exist: only root can use the socket');
    }
    await chmod(socket, Number.parseInt(this.options.mode, 8));
    this.log.info({ socket, group: gid === undefined ? null : this.options.group, mode: this.options.mode }, 'API socket listening');
  }

  /**
   * Stops taking requests. The socket file goes first, so no new client can reach us, then the
   * backlog is drained (those clients get a clean "shutting down" error instead of a reset), then
   * running requests get up to `graceMs` to finish, then every connection is closed.
   */
  async shutdown(graceMs: number): Promise<void> {
    if (this.shuttingDown) return;
    this.shuttingDown = true;
    if (this.listening) {
      await unlink(this.options.socket).catch(() => undefined);
      await new Promise((r) => setTimeout(r, 100));
      await new Promise<void>((resolve) => this.server.close(() => resolve()));
      this.listening = false;
    }
    if (this.inFlightTotal > 0) {
      await Promise.race([
        new Promise<void>((resolve) => this.idleWaiters.push(resolve)),
        new Promise((r) => setTimeout(r, graceMs)),
      ]);
    }
    if (this.inFlightTotal > 0) this.log.warn({ inFlight: this.inFlightTotal }, 'requests still running after the shutdown grace period');
    const closing = [...this.connections].map(
      (c) =>
        new Promise<void>((resolve) => {
          c.socket.once('close', () => resolve());
          c.socket.end();
          setTimeout(() => {
            c.socket.destroy();
            resolve();
          }, 1_000).unref();
        }),
    );
    await Promise.all(closing);
  }

  private async run(method: string, params: unknown, connection: number): Promise<unknown> {
    if (this.shuttingDown) throw new ShuttingDownError();
    return this.registry.call(method, params, connection);
  }

  private accept(socket: net.Socket): void {
    const c: ConnectionState = { id: this.nextId++, socket, inFlight: 0, readEnded: false, closing: false, idleTimer: undefined };
    socket.on('error', (e) => this.log.debug({ conn: c.id, err: e.message }, 'API connection error'));
    if (this.connections.size >= this.options.maxConnections) {
      this.log.warn({ limit: this.options.maxConnections }, 'API connection refused: too many connections');
      this.reject(c, new HvnetError('HVNET_INTERNAL', `too many connections (limit ${this.options.maxConnections})`));
      return;
    }
    this.connections.add(c);
    socket.on('close', () => {
      clearTimeout(c.idleTimer);
      this.connections.delete(c);
    });
    const reader = new LineReader(this.options.maxRequestBytes);
    this.touch(c);
    socket.on('data', (chunk: Buffer) => {
      if (c.closing) return; // draining what a refused client still sends
      this.touch(c);
      for (const item of reader.push(chunk)) {
        if (item.kind === 'overflow') {
          this.reject(c, new RequestTooLargeError(item.limit));
          return;
        }
        this.handleLine(c, item.text);
      }
    });
    socket.on('end', () => {
      c.readEnded = true;
      if (!c.closing) for (const item of reader.finish()) if (item.kind === 'line') this.handleLine(c, item.text);
      this.maybeEnd(c);
    });
  }

  private handleLine(c: ConnectionState, line: string): void {
    if (line.trim() === '') return;
    let request: unknown;
    try {
      request = JSON.parse(line);
    } catch (e) {
      this.write(c, errorReply(RPC.parseError, `parse error: ${(e as Error).message}`, 'HVNET_PARSE_ERROR'));
      return;
    }
    // Batches are split here rather than in jayson: jayson never answers a batch that holds an
    // empty array (found by the socket fuzz test), which would pin the connection forever.
    let reply: Promise<unknown>;
    if (Array.isArray(request)) {
      if (request.length === 0 || request.length > MAX_BATCH) {
        this.write(c, errorReply(RPC.invalidRequest, `a batch holds 1 to ${MAX_BATCH} requests`, 'HVNET_INVALID_REQUEST'));
        return;
      }
      reply = Promise.all(request.map((r) => this.callOne(c, r))).then((rs) => {
        const answered = rs.filter((r) => r !== undefined);
        return answered.length > 0 ? answered : undefined;
      });
    } else {
      reply = this.callOne(c, request);
    }
    c.inFlight += 1;
    this.inFlightTotal += 1;
    if (c.inFlight >= (this.options.maxInFlightPerConnection ?? 16)) c.socket.pause();
    void reply.then((r) => {
      if (r !== undefined) this.write(c, r);
      c.inFlight -= 1;
      this.inFlightTotal -= 1;
      if (this.inFlightTotal === 0) for (const w of this.idleWaiters.splice(0)) w();
      if (c.socket.isPaused() && !c.closing) c.socket.resume();
      this.touch(c);
      this.maybeEnd(c);
    });
  }

  /** One request (not a batch) through jayson; undefined for a notification. */
  private callOne(c: ConnectionState, request: unknown): Promise<unknown> {
    if (typeof request !== 'object' || request === null || Array.isArray(request)) {
      return Promise.resolve(errorReply(RPC.invalidRequest, 'a request is a JSON object', 'HVNET_INVALID_REQUEST'));
    }
    // JSON-RPC 2.0 makes `"id": null` a request (discouraged, but owed an answer); jayson takes it
    // for a notification, so it gets a stand-in id that is put back in the reply.
    const nullId = 'id' in request && (request).id === null;
    const sent = nullId ? { ...request, id: NULL_ID } : request;
    return new Promise((resolve) => {
      try {
        this.rpc.call(sent as jayson.JSONRPCRequest, { connection: c.id }, (err, response) => {
          const reply = err ?? response ?? undefined;
          resolve(nullId && reply ? { ...reply, id: null } : reply);
        });
      } catch (e) {
        resolve(errorReply(RPC.internal, `internal error: ${(e as Error).message}`, 'HVNET_INTERNAL'));
      }
    });
  }

  private write(c: ConnectionState, message: unknown): void {
    if (c.socket.destroyed || !c.socket.writable) return;
    c.socket.write(`${JSON.stringify(message)}\n`);
    if (c.socket.writableLength > (this.options.maxPendingOutputBytes ?? 8 * 1024 * 1024)) {
      this.log.warn({ conn: c.id, pending: c.socket.writableLength }, 'API client does not read its replies: dropped');
      c.socket.destroy();
    }
  }

  /** Answers once with an error (id null: we could not read one) and closes, draining input. */
  private reject(c: ConnectionState, error: HvnetError): void {
    c.closing = true;
    this.write(c, { jsonrpc: '2.0', id: null, error: error.toRpcError() });
    c.socket.end();
    // Keep reading (and discarding) so a client still writing sees our reply, not EPIPE; a
    // client that never stops is cut off.
    c.socket.resume();
    setTimeout(() => c.socket.destroy(), 5_000).unref();
  }

  private maybeEnd(c: ConnectionState): void {
    if (c.readEnded && c.inFlight === 0 && !c.socket.destroyed) c.socket.end();
  }

  private touch(c: ConnectionState): void {
    clearTimeout(c.idleTimer);
    c.idleTimer = setTimeout(() => {
      if (c.inFlight === 0) {
        this.log.debug({ conn: c.id }, 'idle API connection closed');
        c.socket.end();
        setTimeout(() => c.socket.destroy(), 1_000).unref();
      } else {
        this.touch(c);
      }
    }, this.options.idleTimeoutMs);
    c.idleTimer.unref();
  }
}

/** A socket file left by a crashed hvnetd is removed; a live one (or any other file) is not. */
async function removeStaleSocket(path: string): Promise<void> {
  let isSocket: boolean;
  try {
    isSocket = (await lstat(path)).isSocket();
  } catch {
    return; // nothing there
  }
  if (!isSocket) throw new HvnetError('HVNET_INTERNAL', `${path} exists and is not a socket; not touching it`);
  const live = await new Promise<boolean>((resolve) => {
    const s = net.connect(path);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
  if (live) throw new HvnetError('HVNET_INTERNAL', `another hvnetd is serving ${path}`);
  await unlink(path);
}
