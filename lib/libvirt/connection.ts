// The main thread's view of a libvirt connection: async methods, typed events, reconnection.
// No FFI here. Calls go to the request worker; libvirt's event loop runs on the event worker
// (docs/libvirt.md#two-workers-and-no-ffi-on-the-main-thread); both are started by open() and
// stopped by close(). This file holds the facade and the connection's state; the parts live in
// dispatch.ts (calls, deadlines, errors), reconnect.ts (back-off, waiting calls) and
// detach-confirm.ts.
//
// Calls made while disconnected: they WAIT for the reconnection, up to `reconnect.waitMs`
// (default 10 s) and never beyond their own deadline, then fail with LibvirtDisconnectedError
// (sent: false). `reconnect.waitMs: 0` makes them fail fast instead. A call that was already sent
// when the connection broke fails with LibvirtDisconnectedError (sent: true, outcome unknown); it is
// never retried by the binding.
//
// Deadlines: every call has one (default 30 s, `callTimeoutMs` / per-call `timeoutMs`); when it
// passes the call rejects with LibvirtTimeoutError and a `callTimeout` event is emitted
// (dispatch.ts says what an `inFlight` timeout means).
import { EventEmitter } from 'node:events';
import { MessageChannel, Worker } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { closeReasonName, domainStateName, lifecycleEventName } from './constants.js';
import type { DomainStateName } from './constants.js';
import { LibvirtClosedError, LibvirtDisconnectedError, LibvirtWorkerError } from './errors.js';
import { CTRL_WORDS } from './protocol.js';
import { newRingBuffer } from './request-ring.js';
import { acquireEventLoop, nextTag } from './event-loop.js';
import type { EventLoopLease } from './event-loop.js';
import type { DomainInfo, DomainRef, EventWorkerMessage, Ops, OpName, RequestWorkerData } from './protocol.js';
import type { CallOptions, OpenOptions, ReconnectOptions } from './connection-options.js';
import type { DisconnectedEvent, LibvirtConnectionEvents } from './connection-events.js';
import { FN, RequestDispatcher } from './dispatch.js';
import { ReconnectWaiters, reconnectSettings, reconnectWithBackoff } from './reconnect.js';
import { confirmDetach } from './detach-confirm.js';
import type { DetachAndConfirmOptions, DetachResult } from './detach-confirm.js';

export type { DomainInfo, DomainRef } from './protocol.js';
export type { CallOptions, OpenOptions, ReconnectOptions } from './connection-options.js';
export type {
  DeviceEvent,
  DisconnectedEvent,
  LibvirtConnectionEvents,
  LifecycleEvent,
  ReconnectFailedEvent,
  ReconnectedEvent,
} from './connection-events.js';
export type { DetachAndConfirmOptions, DetachResult } from './detach-confirm.js';

export type ConnectionState = 'connected' | 'disconnected' | 'closing' | 'closed';

export interface DomainState {
  readonly state: number;
  readonly stateName: DomainStateName;
  readonly reason: number;
}

/** Operations that manage the connection itself: they pass the "disconnected" gate. */
const CONTROL_OPS: ReadonlySet<OpName> = new Set(['connect', 'disconnect', 'wakeEventLoop', 'isAlive']);

function startWorker<T>(file: string, workerData: T, transferList: MessagePort[] = []): { worker: Worker; exited: Promise<number> } {
  const worker = new Worker(new URL(`./${file}`, import.meta.url), { workerData, transferList });
  // Attached at once: a worker can exit before anyone awaits it
  // (docs/libvirt.md#waiting-for-a-workers-exit).
  const exited = new Promise<number>((resolve) => worker.once('exit', resolve));
  return { worker, exited };
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
  private readonly waiters = new ReconnectWaiters();
  private readonly dispatch: RequestDispatcher;
  private downSince = 0;
  private reconnecting: Promise<void> | undefined;
  private closing: Promise<void> | undefined;
  private readonly callTimeoutMs: number;
  private readonly openTimeoutMs: number;
  private readonly reconnectOpts: Required<ReconnectOptions>;
  private readonly keepAlive: OpenOptions['keepAlive'];
  private readonly wakeDelayMs: number;

  private constructor(
    uri: string,
    opts: OpenOptions,
    private readonly requestWorker: { worker: Worker; exited: Promise<number> },
    private readonly events: EventLoopLease,
    port: MessagePort,
    ctrl: SharedArrayBuffer,
    ring: SharedArrayBuffer,
  ) {
    super();
    this.uri = uri;
    this.callTimeoutMs = opts.callTimeoutMs ?? 30_000;
    this.openTimeoutMs = opts.openTimeoutMs ?? 30_000;
    this.reconnectOpts = reconnectSettings(opts.reconnect);
    this.keepAlive = opts.keepAlive;
    this.wakeDelayMs = opts.delayEventLoopWakeMs ?? 0;
    this.dispatch = new RequestDispatcher(
      port,
      ctrl,
      ring,
      {
        timedOut: (err) => this.emit('callTimeout', err),
        lost: (detail) => this.lost('call', detail),
      },
      opts.dropAfterSend,
    );
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
    const ring = newRingBuffer();
    const reqData: RequestWorkerData = { ctrl, ring, port: port2, callbacks: events.callbacks, loop: events.loop };
    const rq = startWorker('request-worker.js', reqData, [port2]);
    const conn = new LibvirtConnection(uri, opts, rq, events, port1, ctrl, ring);
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
  detachAndConfirm(dom: DomainRef, xml: string, opts: DetachAndConfirmOptions = {}): Promise<DetachResult> {
    return confirmDetach(this, dom, xml, opts, this.callTimeoutMs);
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
    this.waiters.wakeAll();
    await this.dispatch.send('disconnect', [], undefined, this.callTimeoutMs).catch(() => undefined);
    await this.shutdownWorkers();
    this.connState = 'closed';
    this.dispatch.rejectAll((fn) => new LibvirtClosedError(fn));
    this.emit('closed');
  }

  private async shutdownWorkers(): Promise<void> {
    this.connState = this.connState === 'closed' ? 'closed' : 'closing';
    // The last connection of the process stops the shared event loop; its wake-up timer is added
    // from this connection's request worker, which is still running.
    await this.events.release(() => this.dispatch.send('wakeEventLoop', [this.wakeDelayMs], undefined, 5_000));
    this.dispatch.shutdown();
    await within(this.requestWorker.exited, 5_000);
    this.dispatch.close();
  }

  private async connectNow(): Promise<void> {
    this.gen = nextTag();
    this.events.route(this.gen, (m) => this.onEvent(m));
    await this.dispatch.send('connect', [{ uri: this.uri, gen: this.gen, keepAlive: this.keepAlive }], undefined, this.openTimeoutMs);
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
      await this.waiters.wait(bound);
      const now = this.currentState();
      if (now === 'closing' || now === 'closed') throw new LibvirtClosedError(fn);
      if (now !== 'connected') {
        throw new LibvirtDisconnectedError(fn, false, `no reconnection within ${bound} ms`, { domain: dom ?? errDom });
      }
      return this.dispatch.send(op, args, dom, timeoutMs - (performance.now() - t0), errDom);
    }
    return this.dispatch.send(op, args, dom, timeoutMs, errDom);
  }

  /** The state, read afresh (TypeScript keeps a narrowed `connState` across awaits). */
  private currentState(): ConnectionState {
    return this.connState;
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
    const attempts = await reconnectWithBackoff(this.reconnectOpts, {
      down: () => this.currentState() === 'disconnected',
      connect: () => this.connectNow(),
      failed: (e) => this.emit('reconnectFailed', e),
    });
    // Checked again here: close() may have run between the last attempt and this continuation.
    if (attempts === undefined || this.currentState() !== 'disconnected') return;
    this.connState = 'connected';
    this.waiters.wakeAll();
    this.emit('reconnected', { attempts, downMs: performance.now() - this.downSince });
  }

  private onWorkerFailure(err: LibvirtWorkerError): void {
    if (this.connState === 'closed') return;
    const wasClosing = this.connState === 'closing';
    this.connState = 'closed';
    this.waiters.wakeAll();
    this.dispatch.rejectAll(() => err);
    if (!wasClosing) {
      this.emit('workerFailed', err);
      void this.requestWorker.worker.terminate();
      void this.events.release();
      this.dispatch.close();
      this.emit('closed');
    }
  }
}
