// hvnetd's JSON-RPC 2.0 socket: newline-delimited requests on a Unix stream socket, dispatched by
// jayson to the method registry. What this file adds around jayson is what a long-running daemon
// on an administrator's socket needs: a bound on request size, on connections and on requests in
// flight per connection; a client that stops reading cannot make us buffer without end; an idle
// connection is closed; and on shutdown, requests already running finish while new ones get a
// clean error. Connections are budgeted per user (the peer's uid from the kernel) with a share
// only root may use, so no member of the socket's group can lock the others, or the
// administrator, out by holding connections open.
import net from 'node:net';
import { chmod, chown, lstat, mkdir, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import jayson from 'jayson';
import { LineReader } from './line-reader.js';
import type { MethodRegistry } from './registry.js';
import type { Logger } from '../logger.js';
import { lookupGid } from './group.js';
import { PeerCredentialReader } from './peer-credentials.js';
import { HvnetError, RPC, RequestTooLargeError, ShuttingDownError, TooManyConnectionsError, asHvnetError } from '../api/errors.js';

export interface ApiServerOptions {
  socket: string;
  group: string;
  /** Octal string, e.g. "0660". */
  mode: string;
  maxRequestBytes: number;
  maxConnections: number;
  /**
   * Connections one uid other than root may hold. Root's are bounded by maxConnections alone; a
   * peer whose uid cannot be read is bounded by the share of maxConnections that is not root's.
   */
  maxConnectionsPerUser?: number;
  /** Of maxConnections, how many only uid 0 may use. */
  rootReservedConnections?: number;
  /** A connection without a whole request line by then is closed. */
  firstRequestTimeoutMs?: number;
  idleTimeoutMs: number;
  /** Requests of one connection running at once; beyond it the connection is not read. */
  maxInFlightPerConnection?: number;
  /** Unread replies a connection may hold before it is dropped. */
  maxPendingOutputBytes?: number;
}

const MAX_BATCH = 32;
/** One warning per limit and user in this window; what it held back is counted in the next line. */
const REFUSAL_LOG_WINDOW_MS = 10_000;
const NULL_ID = '\u0000hvnet-null-id';

function errorReply(code: number, message: string, hvnetCode: string): unknown {
  return { jsonrpc: '2.0', id: null, error: { code, message, data: { code: hvnetCode } } };
}

interface RefusalWindow {
  suppressed: number;
  timer: NodeJS.Timeout | undefined;
}

interface ConnectionState {
  id: number;
  socket: net.Socket;
  /** A whole request line has arrived: from then on only the idle timeout applies. */
  requested: boolean;
  firstRequestTimer: NodeJS.Timeout | undefined;
  inFlight: number;
  readEnded: boolean;
  closing: boolean;
  idleTimer: NodeJS.Timeout | undefined;
  /** Date.now() of the last request data or reply. */
  lastActive: number;
  /** Replies are being gathered for one write at the end of this turn of the event loop. */
  corked: boolean;
}

export class ApiServer {
  private readonly server: net.Server;
  private readonly rpc: jayson.Server;
  private readonly connections = new Set<ConnectionState>();
  private readonly perUser = new Map<number, number>();
  private readonly refusalLog = new Map<string, RefusalWindow>();
  /** Refused connections still being drained; beyond maxConnections they are cut at once. */
  private draining = 0;
  private nextId = 1;
  private shuttingDown = false;
  private inFlightTotal = 0;
  private idleWaiters: (() => void)[] = [];
  private listening = false;
  private readonly peers: PeerCredentialReader;

  constructor(
    private readonly options: ApiServerOptions,
    private readonly registry: MethodRegistry,
    private readonly log: Logger,
  ) {
    this.peers = new PeerCredentialReader(log);
    // One jayson Method per method name, made on its first call rather than on every request.
    const methods = new Map<string, jayson.Method>();
    const methodFor = (method: string): jayson.Method =>
      new jayson.Method(
        (params: jayson.RequestParamsLike, context: object, callback: jayson.JSONRPCCallbackTypePlain) => {
          const { connection: conn = 0, id } = context as { connection?: number; id?: string | number | null };
          this.run(method, params, conn, id).then(
            (result) => callback(null, result),
            (e: unknown) => callback(asHvnetError(e).toRpcError()),
          );
        },
        { useContext: true },
      );
    this.rpc = new jayson.Server(
      {},
      {
        router: (method: string) => {
          // Only registered names are kept: a client sending made-up names must not grow the map.
          if (!registry.has(method)) return methodFor(method);
          let m = methods.get(method);
          if (!m) methods.set(method, (m = methodFor(method)));
          return m;
        },
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

  private async run(method: string, params: unknown, connection: number, id: string | number | null | undefined): Promise<unknown> {
    if (this.shuttingDown) throw new ShuttingDownError();
    return this.registry.call(method, params, connection, id);
  }

  private accept(socket: net.Socket): void {
    const uid = this.peers.read(socket)?.uid;
    const c: ConnectionState = {
      id: this.nextId++,
      socket,
      requested: false,
      firstRequestTimer: undefined,
      inFlight: 0,
      readEnded: false,
      closing: false,
      idleTimer: undefined,
      lastActive: 0,
      corked: false,
    };
    socket.on('error', (e) => this.log.debug({ conn: c.id, uid, err: e.message }, 'API connection error'));
    const refusal = this.overBudget(uid);
    if (refusal) {
      this.logRefusal(refusal, uid);
      this.draining += 1;
      socket.once('close', () => (this.draining -= 1));
      this.reject(c, refusal);
      // A client that opens connections in a loop must not hold our descriptors through the
      // drain: past this many, the reply is written and the connection cut.
      if (this.draining > this.options.maxConnections) socket.once('finish', () => socket.destroy());
      return;
    }
    this.connections.add(c);
    if (uid !== undefined) this.perUser.set(uid, (this.perUser.get(uid) ?? 0) + 1);
    socket.on('close', () => {
      clearTimeout(c.idleTimer);
      clearTimeout(c.firstRequestTimer);
      this.connections.delete(c);
      if (uid !== undefined) {
        const n = (this.perUser.get(uid) ?? 1) - 1;
        if (n > 0) this.perUser.set(uid, n);
        else this.perUser.delete(uid);
      }
    });
    const reader = new LineReader(this.options.maxRequestBytes);
    this.touch(c);
    const firstMs = this.options.firstRequestTimeoutMs ?? 5_000;
    c.firstRequestTimer = setTimeout(() => {
      if (c.requested || c.readEnded || c.closing) return;
      this.log.debug({ conn: c.id, uid }, 'API connection closed: no request');
      this.reject(
        c,
        new HvnetError('HVNET_TIMEOUT', `no request within ${firstMs / 1_000} s of connecting (api.firstRequestTimeoutSeconds = ${firstMs / 1_000})`, {
          key: 'api.firstRequestTimeoutSeconds',
          limit: firstMs / 1_000,
        }),
      );
    }, firstMs);
    c.firstRequestTimer.unref();
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
    if (!c.requested) {
      c.requested = true;
      clearTimeout(c.firstRequestTimer);
    }
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
    // jayson hands a method its params only: the id travels in the context, for the logs.
    const rawId = (request as { id?: unknown }).id;
    const id = typeof rawId === 'string' || typeof rawId === 'number' || rawId === null ? rawId : undefined;
    return new Promise((resolve) => {
      try {
        this.rpc.call(sent as jayson.JSONRPCRequest, { connection: c.id, ...(id === undefined ? {} : { id }) }, (err, response) => {
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
    // A client that pipelines: replies finished in the same turn of the event loop (one NB
    // reply completes many of its requests) leave in one write. A lone request's reply leaves
    // at once.
    if (!c.corked && c.inFlight > 1) {
      c.corked = true;
      c.socket.cork();
      setImmediate(() => {
        c.corked = false;
        c.socket.uncork();
      });
    }
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

  /**
   * Why a new connection from `uid` would be one too many, or undefined when it fits. Root is the
   * administrator, who can stop hvnetd anyway: its tools may run as many calls at once as the
   * daemon serves. Any other user has its own budget, checked first as the limit one runaway
   * client reaches, and all of them together cannot take the connections kept for root.
   */
  private overBudget(uid: number | undefined): TooManyConnectionsError | undefined {
    const { maxConnections } = this.options;
    const perUser = this.options.maxConnectionsPerUser ?? maxConnections;
    const reserved = Math.min(this.options.rootReservedConnections ?? 0, maxConnections - 1);
    if (uid !== undefined && uid !== 0 && (this.perUser.get(uid) ?? 0) >= perUser) {
      return new TooManyConnectionsError(` from uid ${uid}`, 'api.maxConnectionsPerUser', perUser, { uid });
    }
    if (this.connections.size >= maxConnections) {
      return new TooManyConnectionsError('', 'api.maxConnections', maxConnections, uid === undefined ? {} : { uid });
    }
    if (uid !== 0 && this.connections.size >= maxConnections - reserved) {
      return new TooManyConnectionsError(
        ' from users other than root',
        'api.maxConnections',
        maxConnections,
        uid === undefined ? { reserved } : { uid, reserved },
        `, of which api.rootReservedConnections = ${reserved} are kept for root`,
      );
    }
    return undefined;
  }

  /**
   * A client refused in a loop would otherwise write a warning per attempt to the journal. Per
   * limit and user, the first refusal is logged; later ones are counted, and the count logged at
   * the end of each window that had any, so a steady flood costs one line per window.
   */
  private logRefusal(e: TooManyConnectionsError, uid: number | undefined): void {
    const key = String(e.details.key);
    const slot = `${key}/${uid ?? 'unknown'}`;
    const open = this.refusalLog.get(slot);
    if (open) {
      open.suppressed += 1;
      return;
    }
    this.log.warn({ key, limit: e.details.limit, uid: uid ?? null, connections: this.connections.size }, `API connection refused: ${e.message}`);
    const entry: RefusalWindow = { suppressed: 0, timer: undefined };
    entry.timer = setInterval(() => {
      if (entry.suppressed === 0) {
        clearInterval(entry.timer);
        this.refusalLog.delete(slot);
        return;
      }
      this.log.warn(
        { key, limit: e.details.limit, uid: uid ?? null, refused: entry.suppressed, windowSeconds: REFUSAL_LOG_WINDOW_MS / 1_000 },
        `API connections refused: ${entry.suppressed} more over ${key} in the last ${REFUSAL_LOG_WINDOW_MS / 1_000} s`,
      );
      entry.suppressed = 0;
    }, REFUSAL_LOG_WINDOW_MS);
    entry.timer.unref();
    this.refusalLog.set(slot, entry);
  }

  private maybeEnd(c: ConnectionState): void {
    if (c.readEnded && c.inFlight === 0 && !c.socket.destroyed) c.socket.end();
  }

  /**
   * Notes activity. The idle timer is armed once and, when it fires, re-armed for what is left
   * since the last activity: a busy connection's every chunk and reply only note the time (a
   * timer replaced on each of them cost more than the rest of the reply path).
   */
  private touch(c: ConnectionState): void {
    c.lastActive = Date.now();
    if (c.idleTimer === undefined) this.armIdle(c, this.options.idleTimeoutMs);
  }

  private armIdle(c: ConnectionState, ms: number): void {
    c.idleTimer = setTimeout(() => {
      const left = c.lastActive + this.options.idleTimeoutMs - Date.now();
      if (left > 0 || c.inFlight > 0) {
        this.armIdle(c, left > 0 ? left : this.options.idleTimeoutMs);
        return;
      }
      this.log.debug({ conn: c.id }, 'idle API connection closed');
      c.socket.end();
      setTimeout(() => c.socket.destroy(), 1_000).unref();
    }, ms);
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
