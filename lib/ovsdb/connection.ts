// One JSON-RPC connection to one ovsdb-server: requests matched to replies by id, many in flight,
// the server's echo requests answered, and an inactivity probe that declares the peer dead when it
// stops answering. Reconnecting, leader checks and monitors belong to the session above it.
import { EventEmitter } from 'node:events';
import net from 'node:net';
import tls from 'node:tls';
import { readFileSync } from 'node:fs';
import type { Duplex } from 'node:stream';
import { JsonStreamSplitter } from './framing.js';
import { sliceDeadline } from '../event-loop/turn-budget.js';
import { DEFAULT_PARSE_SLICE_MS, SLICED_PARSE_MIN_CHARS, SlicedJsonParse } from './json-slices.js';
import { classifyMessage, encodeMessage, isRequest, notification, request, response } from './jsonrpc.js';
import type { JsonRpcNotification } from './jsonrpc.js';
import { formatRemote } from './remotes.js';
import type { Remote } from './remotes.js';
import { FramingError, OutcomeUnknownError, RpcError, TransportError } from './errors.js';

export interface ConnectionOptions {
  /** Largest message accepted from the server; a larger one drops the connection. */
  maxMessageBytes?: number;
  /** Give up opening the socket after this long. */
  connectTimeoutMs?: number;
  /**
   * After this long without any message from the server an echo is sent; when the server has
   * still said nothing after twice this long, the connection is declared dead. 0 turns it off.
   */
  inactivityProbeMs?: number;
  /**
   * A message at least this many characters long (a big snapshot) is parsed in steps of at most
   * `parseSliceMs`, the event loop free between them; what came after it waits until it is
   * dispatched. Defaults: SLICED_PARSE_MIN_CHARS, DEFAULT_PARSE_SLICE_MS.
   */
  slicedParseMinChars?: number;
  parseSliceMs?: number;
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
export const DEFAULT_INACTIVITY_PROBE_MS = 5_000;

interface Pending {
  method: string;
  resolve: (value: unknown) => void;
  reject: (reason: Error) => void;
  /** Date.now() after which the request fails; Infinity for none. */
  deadline: number;
}

/** How often pending requests are checked against their deadlines. */
const DEADLINE_SWEEP_MS = 100;

interface ConnectionEvents {
  notification: [JsonRpcNotification];
  close: [Error | undefined];
}

export class RpcConnection extends EventEmitter<ConnectionEvents> {
  readonly remoteText: string;
  private readonly splitter: JsonStreamSplitter;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private outbox: string[] = [];
  private flushQueued = false;
  private closedWith: Error | undefined | null = null; // null while open
  private lastReceived = Date.now();
  private probeSentAt = 0;
  private probeTimer: NodeJS.Timeout | undefined;
  private sweepTimer: NodeJS.Timeout | undefined;
  private echoesAnswered = 0;
  private readonly slicedParseMinChars: number;
  private readonly parseSliceMs: number;

  private constructor(
    readonly remote: Remote,
    private readonly socket: Duplex,
    options: ConnectionOptions,
  ) {
    super();
    this.remoteText = formatRemote(remote);
    this.slicedParseMinChars = options.slicedParseMinChars ?? SLICED_PARSE_MIN_CHARS;
    this.parseSliceMs = options.parseSliceMs ?? DEFAULT_PARSE_SLICE_MS;
    this.splitter = new JsonStreamSplitter(
      options.maxMessageBytes === undefined ? {} : { maxMessageBytes: options.maxMessageBytes },
    );
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (e: Error) => this.fail(new TransportError(this.remoteText, e.message, { cause: e })));
    socket.on('close', () => this.fail(new TransportError(this.remoteText, 'connection closed by the server')));
    const probe = options.inactivityProbeMs ?? DEFAULT_INACTIVITY_PROBE_MS;
    if (probe > 0) this.startProbe(probe);
  }

  /** Opens the socket; rejects with TransportError naming the remote. */
  static open(remote: Remote, options: ConnectionOptions = {}): Promise<RpcConnection> {
    const text = formatRemote(remote);
    return new Promise((resolve, reject) => {
      let socket: net.Socket | tls.TLSSocket;
      const connectEvent = remote.kind === 'ssl' ? 'secureConnect' : 'connect';
      try {
        socket = connectSocket(remote);
      } catch (e) {
        reject(new TransportError(text, `cannot connect: ${(e as Error).message}`, { cause: e }));
        return;
      }
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new TransportError(text, `no connection after ${options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS} ms`));
      }, options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS);
      const onError = (e: Error): void => {
        clearTimeout(timer);
        socket.destroy();
        reject(new TransportError(text, `cannot connect: ${e.message}`, { cause: e }));
      };
      socket.once('error', onError);
      socket.once(connectEvent, () => {
        clearTimeout(timer);
        socket.off('error', onError);
        socket.setNoDelay?.(true);
        resolve(new RpcConnection(remote, socket, options));
      });
    });
  }

  /** Wraps an already connected stream (tests, or a socket opened elsewhere). */
  static fromStream(remote: Remote, stream: Duplex, options: ConnectionOptions = {}): RpcConnection {
    return new RpcConnection(remote, stream, options);
  }

  get isOpen(): boolean {
    return this.closedWith === null;
  }

  /** Requests written but not answered yet. */
  get inFlight(): number {
    return this.pending.size;
  }

  /**
   * Sends a request. Requests made in the same turn of the event loop leave in one write. If the connection drops
   * before the reply, a `transact` rejects with OutcomeUnknownError (it may have committed) and
   * anything else with TransportError.
   */
  call(method: string, params: unknown[], timeoutMs?: number): Promise<unknown> {
    return this.request(method, params, timeoutMs).reply;
  }

  /** Like call(), also giving the request id, which cancel() takes. */
  request(method: string, params: unknown[], timeoutMs?: number): { id: number; reply: Promise<unknown> } {
    if (this.closedWith !== null) return { id: 0, reply: Promise.reject(this.closedError(method)) };
    const id = this.nextId++;
    const deadline = timeoutMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + timeoutMs;
    if (timeoutMs !== undefined) this.startSweep();
    const reply = new Promise<unknown>((resolve, reject) => {
      this.pending.set(id, { method, resolve, reject, deadline });
      this.send(encodeMessage(request(method, params, id)));
    });
    return { id, reply };
  }

  /**
   * RFC 7047 `cancel`: the server abandons a request still waiting (a transact blocked in a
   * `wait` without timeout) and answers it with the error "canceled".
   */
  cancel(id: number): void {
    if (this.closedWith === null && this.pending.has(id)) this.send(encodeMessage(notification('cancel', [id])));
  }

  /** Echo requests from the server answered on this connection (the server's own liveness probe). */
  get serverEchoesAnswered(): number {
    return this.echoesAnswered;
  }

  /**
   * One timer for all deadlines, not one per request: at thousands of transactions a second the
   * timers would cost more than the requests. A request that times out is forgotten (its late
   * reply is ignored); a transaction that times out may still commit, hence OutcomeUnknownError.
   */
  private startSweep(): void {
    if (this.sweepTimer) return;
    this.sweepTimer = setInterval(() => {
      if (this.pending.size === 0) {
        clearInterval(this.sweepTimer);
        this.sweepTimer = undefined;
        return;
      }
      const now = Date.now();
      for (const [id, p] of this.pending) {
        if (p.deadline > now) continue;
        this.pending.delete(id);
        const why = new Error(`no reply within the deadline`);
        p.reject(
          p.method === 'transact'
            ? new OutcomeUnknownError({ remote: this.remoteText, method: p.method, requestId: id }, { cause: why })
            : new TransportError(this.remoteText, `${p.method}: no reply within the deadline`),
        );
      }
    }, DEADLINE_SWEEP_MS);
    this.sweepTimer.unref();
  }

  /** Closes the connection; pending requests fail as if it had dropped. */
  close(reason?: Error): void {
    this.fail(reason ?? new TransportError(this.remoteText, 'connection closed by the client'));
  }

  private send(text: string): void {
    this.outbox.push(text);
    if (this.flushQueued) return;
    this.flushQueued = true;
    // After the I/O phase, not after this microtask: requests set off by every message read in
    // this turn of the event loop (a daemon's clients' requests, replies that free waiting
    // writers) leave in one write, one system call and one wake-up of the server.
    setImmediate(() => {
      this.flushQueued = false;
      if (this.closedWith !== null || this.outbox.length === 0) return;
      const batch = this.outbox.length === 1 ? (this.outbox[0] as string) : this.outbox.join('');
      this.outbox = [];
      this.socket.write(batch);
    });
  }

  /**
   * Holds back every message after the one being dispatched until `until` settles, then
   * dispatches them in the order they came. For a listener that takes a notification in over
   * several turns of the event loop (a monitor update of thousands of rows, decoded in slices):
   * what the server sent after it, replies included, is seen after it, as the server ordered
   * them. The server's echo requests are answered meanwhile, so a long hold does not look like a
   * dead client.
   */
  holdUntil(until: Promise<unknown>): void {
    this.held ??= [];
    this.holds++;
    // In a turn of its own: the task that ends the hold (a whole update applied and announced)
    // is not made longer by what waited behind it.
    const release = (): void => {
      setImmediate(() => {
        if (--this.holds > 0) return;
        const held = this.held ?? [];
        this.held = undefined;
        this.deliver(held);
      });
    };
    until.then(release, release);
  }

  /** Messages read while a hold is on (holdUntil), in order; undefined when none is. */
  private held: unknown[] | undefined;
  private holds = 0;

  private onData(chunk: Buffer): void {
    this.lastReceived = Date.now();
    let messages: unknown[];
    try {
      messages = this.splitter.pushParsed(chunk, this.slicedParseMinChars);
    } catch (e) {
      this.fail(e as Error);
      return;
    }
    this.deliver(messages);
  }

  private deliver(messages: readonly unknown[]): void {
    for (const m of messages) {
      if (this.closedWith !== null) return;
      if (m instanceof SlicedJsonParse && !m.done) {
        this.parseAside(m);
        continue;
      }
      const value = m instanceof SlicedJsonParse ? m.value : m;
      if (this.held === undefined) this.dispatch(value);
      else if (isRequest(value) && value.method === 'echo') this.dispatch(value);
      else this.held.push(value);
    }
  }

  /**
   * Runs a big message's parse in steps. It keeps its place among the messages held behind it,
   * and is dispatched, parsed, when the hold ends.
   */
  private parseAside(parse: SlicedJsonParse): void {
    (this.held ??= []).push(parse);
    const streamOffset = this.splitter.streamOffset;
    const run = async (): Promise<void> => {
      try {
        let deadline = performance.now() + this.parseSliceMs;
        while (!parse.step(deadline)) {
          await new Promise<void>((resolve) => setImmediate(resolve));
          if (this.closedWith !== null) return;
          deadline = sliceDeadline(this.parseSliceMs);
        }
      } catch (e) {
        this.fail(new FramingError(`a message is not valid JSON: ${(e as Error).message}`, streamOffset, { cause: e }));
      }
    };
    this.holdUntil(run());
  }

  private dispatch(raw: unknown): void {
    let classified;
    try {
      classified = classifyMessage(raw);
    } catch (e) {
      this.fail(e as Error);
      return;
    }
    switch (classified.kind) {
      case 'response': {
        const { id, result, error } = classified.message;
        if (typeof id !== 'number') return; // not one of ours (we only send numeric ids)
        const p = this.pending.get(id);
        if (!p) return; // e.g. the reply to a request whose caller gave up
        this.pending.delete(id);
        if (error !== null && error !== undefined) p.reject(new RpcError(p.method, error, this.remoteText));
        else p.resolve(result);
        return;
      }
      case 'request':
        // ovsdb-server probes idle clients with echo; a client that does not answer is dropped.
        if (classified.message.method === 'echo') {
          this.echoesAnswered += 1;
          this.send(encodeMessage(response(classified.message.id, classified.message.params)));
        }
        return;
      case 'notification':
        this.emit('notification', classified.message);
        return;
    }
  }

  private startProbe(intervalMs: number): void {
    // Checking at a tenth of the interval bounds detection to about two intervals after the last
    // message, without resetting a timer on every chunk of a busy connection.
    this.probeTimer = setInterval(() => {
      const now = Date.now();
      const idle = now - this.lastReceived;
      if (this.probeSentAt > this.lastReceived) {
        if (now - this.lastReceived >= 2 * intervalMs) {
          this.fail(new TransportError(this.remoteText, `no answer to the inactivity probe within ${intervalMs} ms`));
        }
        return;
      }
      if (idle >= intervalMs) {
        this.probeSentAt = now;
        this.call('echo', ['hvnet-probe']).catch(() => undefined);
      }
    }, Math.max(10, Math.floor(intervalMs / 10)));
    this.probeTimer.unref();
  }

  private closedError(method: string): Error {
    const base = this.closedWith ?? new TransportError(this.remoteText, 'connection closed');
    if (method === 'transact') {
      return new OutcomeUnknownError({ remote: this.remoteText, method }, { cause: base });
    }
    return base;
  }

  private fail(reason: Error): void {
    if (this.closedWith !== null) return;
    this.closedWith = reason;
    clearInterval(this.probeTimer);
    clearInterval(this.sweepTimer);
    this.socket.destroy();
    const pending = [...this.pending.entries()];
    this.pending.clear();
    for (const [id, p] of pending) {
      if (p.method === 'transact') {
        p.reject(new OutcomeUnknownError({ remote: this.remoteText, method: p.method, requestId: id }, { cause: reason }));
      } else {
        p.reject(reason instanceof TransportError ? reason : new TransportError(this.remoteText, reason.message, { cause: reason }));
      }
    }
    this.emit('close', reason);
  }
}

function connectSocket(remote: Remote): net.Socket | tls.TLSSocket {
  switch (remote.kind) {
    case 'unix':
      return net.createConnection({ path: remote.path });
    case 'tcp':
      return net.createConnection({ host: remote.host, port: remote.port, family: remote.family });
    case 'ssl':
      return tls.connect({
        host: remote.host,
        port: remote.port,
        key: readFileSync(remote.ssl.privateKey),
        cert: readFileSync(remote.ssl.certificate),
        ca: readFileSync(remote.ssl.caCertificate),
        // OVS authenticates peers by the CA chain only; its certificates name no host, so a host
        // name check would refuse every ovsdb-server that ovs-pki or ovn-ctl set up.
        checkServerIdentity: () => undefined,
      });
  }
}
