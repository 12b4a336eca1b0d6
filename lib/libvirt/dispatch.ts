// Calls from the main thread to the request worker: one message per call, a reply matched by id,
// a deadline per call, and libvirt's failures turned into typed errors.
//
// Deadlines: every call has one, counted from the moment it is made (queueing included). When it
// passes the call rejects with LibvirtTimeoutError. One timer serves them all, armed for the
// earliest deadline of the calls pending: a call costs no timer of its own to set and clear
// (bench/RESULTS.md, the FFI round trip). If libvirt was executing the call
// (`inFlight`), the request worker is still blocked in it and every later call queues behind it:
// treat libvirtd as wedged (docs/libvirt.md#the-qbg-hang: SIGKILL it, remove the orphan macvtap,
// restart it). Killing libvirtd makes the blocked call return, and the binding reconnects.
import type { MessagePort } from 'node:worker_threads';
import {
  LibvirtCallError,
  LibvirtDisconnectedError,
  LibvirtTimeoutError,
  LibvirtWorkerError,
} from './errors.js';
import type { LibvirtError } from './errors.js';
import { CTRL_CURRENT, CTRL_REQ_SEQ } from './protocol.js';
import { RequestRingWriter, inlineCode } from './request-ring.js';
import type { DomainRef, Ops, OpName, WorkerFailure, WorkerReply, WorkerRequest } from './protocol.js';

/** Names of the libvirt functions behind each operation, for errors. */
export const FN: Record<OpName, string> = {
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

export interface DispatchHooks {
  /** A call's deadline passed (after the call was rejected). */
  timedOut(err: LibvirtTimeoutError): void;
  /** A sent call failed because the connection broke (before the call is rejected). */
  lost(detail: string): void;
}

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
  fn: string;
  dom: DomainRef | undefined;
  /** performance.now() past which the call times out. */
  deadline: number;
  timeoutMs: number;
}

export class RequestDispatcher {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly ctrl: Int32Array;
  /** The deadline timer, armed for `timerAt` (performance.now()); undefined when none is armed. */
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;

  private readonly dropAfterSend: ReadonlySet<string>;
  private readonly ring: RequestRingWriter;

  /** `dropAfterSend`: the test hook of OpenOptions.dropAfterSend (operation names). */
  constructor(
    private readonly port: MessagePort,
    ctrl: SharedArrayBuffer,
    ring: SharedArrayBuffer,
    private readonly hooks: DispatchHooks,
    dropAfterSend: readonly string[] = [],
  ) {
    this.dropAfterSend = new Set(dropAfterSend);
    this.ctrl = new Int32Array(ctrl);
    this.ring = new RequestRingWriter(ring);
    port.on('message', (m: WorkerReply) => this.onReply(m));
  }

  /** Posts the call and wakes the worker; `errDom` names the domain in errors when `dom` is not sent. */
  send<K extends OpName>(op: K, args: Ops[K]['args'], dom: DomainRef | undefined, timeoutMs: number, errDom?: DomainRef): Promise<Ops[K]['result']> {
    const id = this.nextId++;
    const fn = FN[op];
    return new Promise((resolve, reject) => {
      // Posted first: the worker starts while this thread does its bookkeeping.
      const wallDeadline = Date.now() + timeoutMs;
      const code = inlineCode(op, args, dom !== undefined);
      if (code === 0) {
        const req: WorkerRequest = { id, op, args, deadline: wallDeadline };
        if (dom !== undefined) req.dom = { name: dom.name, uuid: dom.uuid };
        this.port.postMessage(req);
      }
      if (this.ring.push(id, code, args, wallDeadline)) this.bump();
      const deadline = performance.now() + Math.max(0, timeoutMs);
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, fn, dom: dom ?? errDom, deadline, timeoutMs });
      if (deadline < this.timerAt) this.armTimer(deadline);
      if (this.dropAfterSend.has(op)) {
        // The reply, when it comes, finds no pending call and is ignored: lost with the connection.
        this.pending.delete(id);
        const detail = `${fn}: connection dropped after the call was sent (test hook)`;
        this.hooks.lost(detail);
        reject(new LibvirtDisconnectedError(fn, true, detail, { domain: dom ?? errDom }));
      }
    });
  }

  private armTimer(at: number): void {
    clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => this.expire(), Math.max(0, Math.ceil(at - performance.now())));
  }

  private disarmTimer(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Infinity;
  }

  /** Rejects the calls whose deadline passed, in the order they were made; re-arms for the next. */
  private expire(): void {
    this.timer = undefined;
    this.timerAt = Infinity;
    // A timer may fire up to a millisecond before performance.now() reaches its deadline.
    const now = performance.now() + 1;
    let next = Infinity;
    const current = Atomics.load(this.ctrl, CTRL_CURRENT);
    for (const [id, p] of this.pending) {
      if (p.deadline > now) {
        if (p.deadline < next) next = p.deadline;
        continue;
      }
      this.pending.delete(id);
      const err = new LibvirtTimeoutError(p.fn, p.timeoutMs, current === id, p.dom);
      p.reject(err);
      this.hooks.timedOut(err);
    }
    if (next !== Infinity && next < this.timerAt) this.armTimer(next);
  }

  /** Rejects every call still waiting for its reply. */
  rejectAll(errorFor: (fn: string) => unknown): void {
    this.disarmTimer();
    for (const [id, p] of this.pending) {
      this.pending.delete(id);
      p.reject(errorFor(p.fn));
    }
  }

  /** Asks the request worker to exit once the calls queued before this are done. */
  shutdown(): void {
    this.port.postMessage({ shutdown: true });
    if (this.ring.push(0, 0, [], 0)) this.bump();
  }

  close(): void {
    this.disarmTimer();
    this.port.close();
  }

  private bump(): void {
    Atomics.add(this.ctrl, CTRL_REQ_SEQ, 1);
    Atomics.notify(this.ctrl, CTRL_REQ_SEQ);
  }

  private onReply(m: WorkerReply): void {
    // Every entry the worker took is answered: the space it freed is written now.
    if (this.ring.flush()) this.bump();
    const p = this.pending.get(m.id);
    if (p === undefined) return; // timed out already
    this.pending.delete(m.id);
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
        this.hooks.lost(`${f.fn}: ${f.message}`);
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
}
