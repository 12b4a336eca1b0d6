// The main thread's view of a libvirt connection: async methods, typed events, reconnection.
// No FFI here. Calls go to the request worker; libvirt's event loop runs on the event worker
// (docs/libvirt.md#two-workers-and-no-ffi-on-the-main-thread); both are started by open() and
// stopped by close().
//
// Calls made while disconnected: they WAIT for the reconnection, up to `reconnect.waitMs`
// (default 10 s) and never beyond their own deadline, then fail with LibvirtDisconnectedError
// (sent: false). `reconnect.waitMs: 0` makes them fail fast instead. A call that was already sent
// when the connection broke fails with LibvirtDisconnectedError (sent: true, outcome unknown); it is
// never retried by the binding.
//
// Deadlines: every call has one (default 30 s, `callTimeoutMs` / per-call `timeoutMs`), counted from
// the moment it is made (queueing included). When it passes the call rejects with
// LibvirtTimeoutError and a `callTimeout` event is emitted. If libvirt was executing the call
// (`inFlight`), the request worker is still blocked in it and every later call queues behind it:
// treat libvirtd as wedged (docs/libvirt.md#the-qbg-hang: SIGKILL it, remove the orphan macvtap,
// restart it). Killing libvirtd makes the blocked call return, and the binding reconnects.
import { EventEmitter } from 'node:events';
import { MessageChannel, Worker } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import {
  DeviceModify,
  closeReasonName,
  domainStateName,
  lifecycleEventName,
} from './constants.js';
import type { CloseReasonName, DomainStateName, LifecycleEventName } from './constants.js';
import {
  DeviceNotFoundError,
  DeviceNotReleasedError,
  DeviceRemovalFailedError,
  LibvirtCallError,
  LibvirtClosedError,
  LibvirtDisconnectedError,
  LibvirtError,
  LibvirtTimeoutError,
  LibvirtWorkerError,
} from './errors.js';
import { aliasForMac, aliasFromDeviceXml, macFromDeviceXml } from './device-alias.js';
import { CTRL_CURRENT, CTRL_REQ_SEQ, CTRL_WORDS } from './protocol.js';
import { acquireEventLoop, nextTag } from './event-loop.js';
import type { EventLoopLease } from './event-loop.js';
import type {
  DomainInfo,
  DomainRef,
  EventWorkerMessage,
  Ops,
  OpName,
  RequestWorkerData,
  WorkerFailure,
  WorkerReply,
  WorkerRequest,
} from './protocol.js';

export type { DomainInfo, DomainRef } from './protocol.js';

export interface ReconnectOptions {
  /** Default true. False: a lost connection stays lost (calls fail with LibvirtDisconnectedError). */
  enabled?: boolean;
  /** First delay after the loss, ms. Default 100. */
  initialDelayMs?: number;
  /** Upper bound of the delay, ms. Default 5000. */
  maxDelayMs?: number;
  /** Delay multiplier per failed attempt. Default 2. */
  factor?: number;
  /** How long a call made while disconnected waits for the reconnection, ms. Default 10000; 0 = fail fast. */
  waitMs?: number;
}

export interface OpenOptions {
  /** Default deadline of every call, ms. Default 30000. */
  callTimeoutMs?: number;
  /** Deadline of virConnectOpen (first open and each reconnection attempt), ms. Default 30000. */
  openTimeoutMs?: number;
  reconnect?: ReconnectOptions;
  /** virConnectSetKeepAlive after each open; default: libvirt's client defaults. */
  keepAlive?: { intervalS: number; count: number };
  /**
   * Period of the safety timer in libvirt's event loop, ms (default 250): the longest a callback
   * that libvirt fires on the request worker's thread waits for the event worker (event-worker.ts).
   */
  eventLoopTickMs?: number;
}

export interface CallOptions {
  /** Deadline of this call, ms (default: the connection's callTimeoutMs). */
  timeoutMs?: number;
}

export interface LifecycleEvent {
  readonly domain: DomainRef;
  /** virDomainEventType number and name (started, suspended, resumed, stopped, …). */
  readonly event: number;
  readonly eventName: LifecycleEventName;
  /** virDomainEvent*DetailType number, meaning depends on `event`. */
  readonly detail: number;
}

export interface DeviceEvent {
  readonly domain: DomainRef;
  /** Device alias (`net0`, `ua-hvnet-…`). */
  readonly alias: string;
}

export interface DisconnectedEvent {
  /** virConnectCloseReason name when libvirt's close callback said so, `call` when a call failed. */
  readonly reason: CloseReasonName | 'call';
  readonly detail: string;
}

export interface ReconnectedEvent {
  readonly attempts: number;
  readonly downMs: number;
}

export interface ReconnectFailedEvent {
  readonly attempt: number;
  readonly error: LibvirtError;
  readonly nextDelayMs: number;
}

export interface LibvirtConnectionEvents {
  lifecycle: [LifecycleEvent];
  deviceRemoved: [DeviceEvent];
  /** A device was hot-plugged (by this or any other client): DEVICE_ADDED. */
  deviceAdded: [DeviceEvent];
  deviceRemovalFailed: [DeviceEvent];
  disconnected: [DisconnectedEvent];
  reconnected: [ReconnectedEvent];
  reconnectFailed: [ReconnectFailedEvent];
  callTimeout: [LibvirtTimeoutError];
  workerFailed: [LibvirtWorkerError];
  closed: [];
}

export type ConnectionState = 'connected' | 'disconnected' | 'closing' | 'closed';

export interface DomainState {
  readonly state: number;
  readonly stateName: DomainStateName;
  readonly reason: number;
}

export interface DetachAndConfirmOptions {
  /** How long the guest gets to release the device, ms. Default 10000. */
  timeoutMs?: number;
  /** Alias to wait for; default: the XML's `<alias name>`, else the live NIC with the XML's MAC. */
  alias?: string;
  /** Default LIVE. LIVE|CONFIG also removes it from the persistent definition. */
  flags?: number;
}

export interface DetachResult {
  readonly alias: string;
  /** From sending the detach to DEVICE_REMOVED. */
  readonly ms: number;
}

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
  fn: string;
  dom: DomainRef | undefined;
  timer: NodeJS.Timeout;
}

interface Waiter {
  wake: () => void;
}

/** Names of the libvirt functions behind each operation, for errors. */
const FN: Record<OpName, string> = {
  connect: 'virConnectOpen',
  disconnect: 'virConnectClose',
  wakeEventLoop: 'virEventAddTimeout',
  getLibVersion: 'virConnectGetLibVersion',
  getVersion: 'virConnectGetVersion',
  isAlive: 'virConnectIsAlive',
  lookupByName: 'virDomainLookupByName',
  lookupByUUID: 'virDomainLookupByUUIDString',
  listAll: 'virConnectListAllDomains',
  define: 'virDomainDefineXML',
  undefine: 'virDomainUndefineFlags',
  create: 'virDomainCreate',
  destroy: 'virDomainDestroy',
  suspend: 'virDomainSuspend',
  resume: 'virDomainResume',
  getState: 'virDomainGetState',
  getXMLDesc: 'virDomainGetXMLDesc',
  attachDevice: 'virDomainAttachDeviceFlags',
  detachDevice: 'virDomainDetachDeviceFlags',
  updateDevice: 'virDomainUpdateDeviceFlags',
};

/** Operations that manage the connection itself: they pass the "disconnected" gate. */
const CONTROL_OPS: ReadonlySet<OpName> = new Set(['connect', 'disconnect', 'wakeEventLoop', 'isAlive']);

function workerUrl(name: string): URL {
  return new URL(`./${name}`, import.meta.url);
}

function startWorker<T>(file: string, workerData: T, transferList: MessagePort[] = []): { worker: Worker; exited: Promise<number> } {
  const worker = new Worker(workerUrl(file), { workerData, transferList });
  // Attached at once: a worker can exit before anyone awaits it
  // (docs/libvirt.md#waiting-for-a-workers-exit).
  const exited = new Promise<number>((resolve) => worker.once('exit', resolve));
  return { worker, exited };
}

/** A pause that does not keep the process alive by itself. */
function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}

/** `p`, or undefined after `ms`; the timer is cleared either way. */
async function within<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<undefined>((r) => (timer = setTimeout(() => r(undefined), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

export class LibvirtConnection extends EventEmitter<LibvirtConnectionEvents> {
  readonly uri: string;
  private connState: ConnectionState = 'connected';
  private gen = 0;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private waiters = new Set<Waiter>();
  private downSince = 0;
  private reconnecting: Promise<void> | undefined;
  private closing: Promise<void> | undefined;
  private readonly callTimeoutMs: number;
  private readonly openTimeoutMs: number;
  private readonly reconnectOpts: Required<ReconnectOptions>;
  private readonly keepAlive: OpenOptions['keepAlive'];
  private readonly ctrl: Int32Array;

  private constructor(
    uri: string,
    opts: OpenOptions,
    private readonly requestWorker: { worker: Worker; exited: Promise<number> },
    private readonly events: EventLoopLease,
    private readonly port: MessagePort,
    ctrl: SharedArrayBuffer,
  ) {
    super();
    this.uri = uri;
    this.callTimeoutMs = opts.callTimeoutMs ?? 30_000;
    this.openTimeoutMs = opts.openTimeoutMs ?? 30_000;
    this.reconnectOpts = {
      enabled: opts.reconnect?.enabled ?? true,
      initialDelayMs: opts.reconnect?.initialDelayMs ?? 100,
      maxDelayMs: opts.reconnect?.maxDelayMs ?? 5_000,
      factor: opts.reconnect?.factor ?? 2,
      waitMs: opts.reconnect?.waitMs ?? 10_000,
    };
    this.keepAlive = opts.keepAlive;
    this.ctrl = new Int32Array(ctrl);
    port.on('message', (m: WorkerReply) => this.onReply(m));
    events.onFailure((e) => this.onWorkerFailure(e));
    requestWorker.worker.on('error', (e) => this.onWorkerFailure(new LibvirtWorkerError(`libvirt request worker failed: ${e.message}`, e)));
    void requestWorker.exited.then((code) => {
      if (this.connState !== 'closing' && this.connState !== 'closed') {
        this.onWorkerFailure(new LibvirtWorkerError(`libvirt request worker exited unexpectedly (code ${code})`));
      }
    });
  }

  /**
   * Starts the event worker (libvirt's event loop, registered before any connection), then the
   * request worker, and opens `uri` (e.g. `qemu:///system`). Rejects with LibvirtCallError
   * (fn virConnectOpen) when libvirt refuses; nothing is left running then.
   */
  static async open(uri: string, opts: OpenOptions = {}): Promise<LibvirtConnection> {
    const events = await acquireEventLoop(opts.eventLoopTickMs ?? 250);
    const ctrl = new SharedArrayBuffer(CTRL_WORDS * 4);
    const { port1, port2 } = new MessageChannel();
    const reqData: RequestWorkerData = { ctrl, port: port2, callbacks: events.callbacks };
    const rq = startWorker('request-worker.js', reqData, [port2]);
    const conn = new LibvirtConnection(uri, opts, rq, events, port1, ctrl);
    try {
      await conn.connectNow();
    } catch (e) {
      await conn.shutdownWorkers();
      throw e;
    }
    return conn;
  }

  get state(): ConnectionState {
    return this.connState;
  }

  // --- calls ----------------------------------------------------------------------------------

  /** libvirt's library version of libvirtd (major * 1e6 + minor * 1e3 + release), one RPC. */
  getLibVersion(opts?: CallOptions): Promise<number> {
    return this.call('getLibVersion', [], undefined, opts);
  }

  /** Hypervisor version (QEMU's for qemu://), same encoding. */
  getVersion(opts?: CallOptions): Promise<number> {
    return this.call('getVersion', [], undefined, opts);
  }

  lookupDomainByName(name: string, opts?: CallOptions): Promise<DomainInfo> {
    return this.call('lookupByName', [name], undefined, opts, { name, uuid: '' });
  }

  lookupDomainByUUID(uuid: string, opts?: CallOptions): Promise<DomainInfo> {
    return this.call('lookupByUUID', [uuid], undefined, opts, { name: '', uuid });
  }

  /** Every domain (flags: ListDomainsFlags filters; 0 = all). */
  listAllDomains(flags = 0, opts?: CallOptions): Promise<DomainInfo[]> {
    return this.call('listAll', [flags], undefined, opts);
  }

  /** Defines (persistently) a domain from its XML; returns it. */
  defineDomain(xml: string, opts?: CallOptions): Promise<DomainInfo> {
    return this.call('define', [xml], undefined, opts);
  }

  undefineDomain(dom: DomainRef, flags = 0, opts?: CallOptions): Promise<void> {
    return this.call('undefine', [flags], dom, opts).then(() => undefined);
  }

  /** Starts a defined domain (virDomainCreate). */
  startDomain(dom: DomainRef, opts?: CallOptions): Promise<void> {
    return this.call('create', [], dom, opts).then(() => undefined);
  }

  destroyDomain(dom: DomainRef, opts?: CallOptions): Promise<void> {
    return this.call('destroy', [], dom, opts).then(() => undefined);
  }

  suspendDomain(dom: DomainRef, opts?: CallOptions): Promise<void> {
    return this.call('suspend', [], dom, opts).then(() => undefined);
  }

  resumeDomain(dom: DomainRef, opts?: CallOptions): Promise<void> {
    return this.call('resume', [], dom, opts).then(() => undefined);
  }

  async getDomainState(dom: DomainRef, opts?: CallOptions): Promise<DomainState> {
    const s = await this.call('getState', [], dom, opts);
    return { state: s.state, stateName: domainStateName(s.state), reason: s.reason };
  }

  /** Domain XML; flags DomainXmlFlags (INACTIVE = 2 for the persistent definition). */
  getDomainXml(dom: DomainRef, flags = 0, opts?: CallOptions): Promise<string> {
    return this.call('getXMLDesc', [flags], dom, opts);
  }

  /** flags: DeviceModify (LIVE = 1, CONFIG = 2, CURRENT = 0), combinable. */
  attachDevice(dom: DomainRef, xml: string, flags: number, opts?: CallOptions): Promise<void> {
    return this.call('attachDevice', [xml, flags], dom, opts).then(() => undefined);
  }

  /**
   * Sends the detach. For a live detach a success only means "request sent"
   * (docs/libvirt.md#detach-returns-before-the-device-is-gone): use detachAndConfirm to know the
   * device is gone.
   */
  detachDevice(dom: DomainRef, xml: string, flags: number, opts?: CallOptions): Promise<void> {
    return this.call('detachDevice', [xml, flags], dom, opts).then(() => undefined);
  }

  updateDevice(dom: DomainRef, xml: string, flags: number, opts?: CallOptions): Promise<void> {
    return this.call('updateDevice', [xml, flags], dom, opts).then(() => undefined);
  }

  /**
   * Live detach that resolves only when libvirt reports DEVICE_REMOVED for the device's alias.
   * The wait is registered before the detach is sent (the event can arrive ~1 ms before the call
   * returns). Rejects with DeviceNotReleasedError when the guest does not release the device within
   * `timeoutMs` (a paused guest ignores the unplug while libvirt still reports success), with
   * DeviceRemovalFailedError on DEVICE_REMOVAL_FAILED, or with the detach call's own error.
   */
  async detachAndConfirm(dom: DomainRef, xml: string, opts: DetachAndConfirmOptions = {}): Promise<DetachResult> {
    const timeoutMs = opts.timeoutMs ?? 10_000;
    const flags = opts.flags ?? DeviceModify.LIVE;
    let alias = opts.alias ?? aliasFromDeviceXml(xml);
    if (alias === undefined) {
      const mac = macFromDeviceXml(xml);
      if (mac === undefined) throw new DeviceNotFoundError('the detach XML (it has neither <alias> nor <mac>)', dom);
      alias = aliasForMac(await this.getDomainXml(dom, 0), mac);
      if (alias === undefined) throw new DeviceNotFoundError(`MAC ${mac}`, dom);
    }
    const wanted = alias;
    const started = performance.now();
    return new Promise<DetachResult>((resolve, reject) => {
      let settled = false;
      const finish = (err: Error | undefined, result?: DetachResult): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.off('deviceRemoved', onRemoved);
        this.off('deviceRemovalFailed', onFailed);
        this.off('reconnected', onReconnected);
        if (err !== undefined) reject(err);
        else if (result !== undefined) resolve(result);
      };
      const mine = (e: DeviceEvent): boolean => e.alias === wanted && e.domain.uuid === dom.uuid;
      const onRemoved = (e: DeviceEvent): void => {
        if (mine(e)) finish(undefined, { alias: wanted, ms: performance.now() - started });
      };
      const onFailed = (e: DeviceEvent): void => {
        if (mine(e)) finish(new DeviceRemovalFailedError(wanted, dom));
      };
      // Events of the broken connection may be lost: look at the live XML instead.
      const onReconnected = (): void => {
        this.getDomainXml(dom, 0).then(
          (live) => {
            if (!new RegExp(`<alias\\s+name=['"]${wanted.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}['"]`).test(live)) {
              finish(undefined, { alias: wanted, ms: performance.now() - started });
            }
          },
          () => undefined,
        );
      };
      this.on('deviceRemoved', onRemoved);
      this.on('deviceRemovalFailed', onFailed);
      this.on('reconnected', onReconnected);
      const timer = setTimeout(() => finish(new DeviceNotReleasedError(wanted, timeoutMs, dom)), timeoutMs);
      this.detachDevice(dom, xml, flags, { timeoutMs: Math.max(this.callTimeoutMs, timeoutMs) }).catch((e: unknown) => finish(e instanceof Error ? e : new LibvirtWorkerError(String(e), e)));
    });
  }

  /**
   * Clean shutdown (docs/libvirt.md#clean-shutdown): callbacks deregistered and connection closed on the request
   * worker, stop flag for the event loop, a wake-up timer so its poll() returns, both workers exit.
   * Calls still queued run first; calls made after close() reject with LibvirtClosedError.
   */
  close(): Promise<void> {
    this.closing ??= this.closeNow();
    return this.closing;
  }

  // --- internals ------------------------------------------------------------------------------

  private async closeNow(): Promise<void> {
    this.connState = 'closing';
    for (const w of this.waiters) w.wake();
    await this.rawCall('disconnect', [], undefined, this.callTimeoutMs).catch(() => undefined);
    await this.shutdownWorkers();
    this.connState = 'closed';
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      this.pending.delete(id);
      p.reject(new LibvirtClosedError(p.fn));
    }
    this.emit('closed');
  }

  private async shutdownWorkers(): Promise<void> {
    this.connState = this.connState === 'closed' ? 'closed' : 'closing';
    // The last connection of the process stops the shared event loop; its wake-up timer is added
    // from this connection's request worker, which is still running.
    await this.events.release(() => this.rawCall('wakeEventLoop', [], undefined, 5_000));
    this.port.postMessage({ shutdown: true });
    this.bump();
    await within(this.requestWorker.exited, 5_000);
    this.port.close();
  }

  private bump(): void {
    Atomics.add(this.ctrl, CTRL_REQ_SEQ, 1);
    Atomics.notify(this.ctrl, CTRL_REQ_SEQ);
  }

  private async connectNow(): Promise<void> {
    this.gen = nextTag();
    this.events.route(this.gen, (m) => this.onEvent(m));
    await this.rawCall('connect', [{ uri: this.uri, gen: this.gen, keepAlive: this.keepAlive }], undefined, this.openTimeoutMs);
  }

  private async call<K extends OpName>(
    op: K,
    args: Ops[K]['args'],
    dom: DomainRef | undefined,
    opts: CallOptions | undefined,
    errDom?: DomainRef,
  ): Promise<Ops[K]['result']> {
    const timeoutMs = opts?.timeoutMs ?? this.callTimeoutMs;
    const fn = FN[op];
    if (this.connState === 'closing' || this.connState === 'closed') throw new LibvirtClosedError(fn);
    if (this.connState === 'disconnected' && !CONTROL_OPS.has(op)) {
      const t0 = performance.now();
      const bound = Math.min(this.reconnectOpts.waitMs, timeoutMs);
      if (bound <= 0 || !this.reconnectOpts.enabled) throw new LibvirtDisconnectedError(fn, false, 'connection lost', { domain: dom ?? errDom });
      await this.waitForReconnect(bound);
      const now = this.currentState();
      if (now === 'closing' || now === 'closed') throw new LibvirtClosedError(fn);
      if (now !== 'connected') {
        throw new LibvirtDisconnectedError(fn, false, `no reconnection within ${bound} ms`, { domain: dom ?? errDom });
      }
      return this.rawCall(op, args, dom, timeoutMs - (performance.now() - t0), errDom);
    }
    return this.rawCall(op, args, dom, timeoutMs, errDom);
  }

  /** The state, read afresh (TypeScript keeps a narrowed `connState` across awaits). */
  private currentState(): ConnectionState {
    return this.connState;
  }

  private waitForReconnect(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const w: Waiter = {
        wake: () => {
          clearTimeout(t);
          this.waiters.delete(w);
          resolve();
        },
      };
      const t = setTimeout(w.wake, ms);
      this.waiters.add(w);
    });
  }

  private rawCall<K extends OpName>(op: K, args: Ops[K]['args'], dom: DomainRef | undefined, timeoutMs: number, errDom?: DomainRef): Promise<Ops[K]['result']> {
    const id = this.nextId++;
    const fn = FN[op];
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        if (!this.pending.delete(id)) return;
        const inFlight = Atomics.load(this.ctrl, CTRL_CURRENT) === id;
        const err = new LibvirtTimeoutError(fn, timeoutMs, inFlight, dom ?? errDom);
        reject(err);
        this.emit('callTimeout', err);
      }, Math.max(0, timeoutMs));
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, fn, dom: dom ?? errDom, timer });
      const req: WorkerRequest = { id, op, args, deadline: Date.now() + timeoutMs };
      if (dom !== undefined) req.dom = { name: dom.name, uuid: dom.uuid };
      this.port.postMessage(req);
      this.bump();
    });
  }

  private onReply(m: WorkerReply): void {
    const p = this.pending.get(m.id);
    if (p === undefined) return; // timed out already
    this.pending.delete(m.id);
    clearTimeout(p.timer);
    if (m.ok) {
      p.resolve(m.value);
      return;
    }
    p.reject(this.toError(p.fn, p.dom, m.error));
  }

  private toError(fn: string, dom: DomainRef | undefined, f: WorkerFailure): LibvirtError {
    const ctx = dom === undefined ? undefined : { name: dom.name || undefined, uuid: dom.uuid || undefined };
    switch (f.kind) {
      case 'call': {
        const err = new LibvirtCallError(
          f.fn,
          {
            virCode: f.virCode,
            virDomain: f.virDomain,
            virMessage: f.message,
            level: f.level,
            str1: f.str1,
            str2: f.str2,
            str3: f.str3,
            int1: f.int1,
            int2: f.int2,
          },
          ctx,
        );
        if (!f.disconnected || f.fn === 'virConnectOpen') return err;
        this.lost('call', `${f.fn}: ${f.message}`);
        return new LibvirtDisconnectedError(f.fn, true, f.message, { domain: ctx, cause: err });
      }
      case 'notConnected':
        return new LibvirtDisconnectedError(fn, false, 'no connection', { domain: ctx });
      case 'expired':
        return new LibvirtTimeoutError(fn, 0, false, ctx);
      case 'internal':
        return new LibvirtWorkerError(`${fn}: ${f.message}`);
    }
  }

  private onEvent(m: EventWorkerMessage): void {
    switch (m.type) {
      case 'lifecycle':
        this.emit('lifecycle', {
          domain: { name: m.name, uuid: m.uuid },
          event: m.event,
          eventName: lifecycleEventName(m.event),
          detail: m.detail,
        });
        return;
      case 'deviceRemoved':
      case 'deviceAdded':
      case 'deviceRemovalFailed':
        this.emit(m.type, { domain: { name: m.name, uuid: m.uuid }, alias: m.alias });
        return;
      case 'connectionClosed':
        // A late callback of an older connection says nothing about the current one.
        if (m.gen === this.gen) this.lost(closeReasonName(m.reason), `libvirt closed the connection (${closeReasonName(m.reason)})`);
        return;
      case 'ready':
      case 'stopped':
        return;
    }
  }

  private lost(reason: DisconnectedEvent['reason'], detail: string): void {
    if (this.connState !== 'connected') return;
    this.connState = 'disconnected';
    this.downSince = performance.now();
    this.emit('disconnected', { reason, detail });
    if (this.reconnectOpts.enabled) this.reconnecting ??= this.reconnectLoop().finally(() => (this.reconnecting = undefined));
  }

  private async reconnectLoop(): Promise<void> {
    let wait = this.reconnectOpts.initialDelayMs;
    for (let attempt = 1; this.connState === 'disconnected'; attempt++) {
      await delay(wait);
      if (this.currentState() !== 'disconnected') return;
      try {
        await this.connectNow();
      } catch (e) {
        const next = Math.min(wait * this.reconnectOpts.factor, this.reconnectOpts.maxDelayMs);
        const error = e instanceof LibvirtError ? e : new LibvirtWorkerError(String(e), e);
        this.emit('reconnectFailed', { attempt, error, nextDelayMs: next });
        wait = next;
        continue;
      }
      if (this.currentState() !== 'disconnected') return; // closed meanwhile; close() disconnects
      this.connState = 'connected';
      for (const w of this.waiters) w.wake();
      this.emit('reconnected', { attempts: attempt, downMs: performance.now() - this.downSince });
      return;
    }
  }

  private onWorkerFailure(err: LibvirtWorkerError): void {
    if (this.connState === 'closed') return;
    const wasClosing = this.connState === 'closing';
    this.connState = 'closed';
    for (const w of this.waiters) w.wake();
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      this.pending.delete(id);
      p.reject(err);
    }
    if (!wasClosing) {
      this.emit('workerFailed', err);
      void this.requestWorker.worker.terminate();
      void this.events.release(() => Promise.resolve());
      this.port.close();
      this.emit('closed');
    }
  }
}
