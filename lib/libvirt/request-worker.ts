// Every libvirt call other than the event loop, one at a time, on this thread
// (docs/libvirt.md#two-workers-and-no-ffi-on-the-main-thread). Errors are per thread in libvirt:
// each failure is read here, right after the call (docs/libvirt.md#errors-are-per-thread).
// Waits for work in Atomics.wait, not in Node's event loop (protocol.ts); nothing is registered
// with koffi on this thread, so nothing needs that loop.
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { domainIdentity, silenceLibvirtStderr, takeDomainArray, takeLastError, v } from './ffi.js';
import type { Ptr } from './ffi.js';
import { isDisconnection } from './errors.js';
import { CTRL_CURRENT, CTRL_REQ_SEQ, LOOP_AWAKE, LOOP_TURNS } from './protocol.js';
import { RequestRingReader } from './request-ring.js';
import type { CallFailure, ConnectArgs, DomainInfo, DomainRef, Ops, OpName, RequestWorkerData, WorkerReply, WorkerRequest } from './protocol.js';
import { DomainEventId, VirErrorCode } from './constants.js';

if (parentPort === null) throw new Error('lib/libvirt/request-worker.js runs as a worker thread only');
const data = workerData as RequestWorkerData;
const ctrl = new Int32Array(data.ctrl);
const port = data.port;
const ring = new RequestRingReader(data.ring);
const cb = data.callbacks;
/** This worker counts itself in loop[LOOP_AWAKE] while awake. */
const loop = new Int32Array(data.loop);
Atomics.add(loop, LOOP_AWAKE, 1);

silenceLibvirtStderr();

/** Thrown inside a handler; turned into a reply. */
class Failure extends Error {
  constructor(readonly failure: CallFailure | { kind: 'notConnected' }) {
    super(failure.kind);
  }
}

let conn: Ptr | null = null;
let eventIds: number[] = [];
/** virDomain pointers by UUID, so a call on a known domain costs no lookup RPC. */
const domains = new Map<string, Ptr>();
const DOMAIN_CACHE_MAX = 512;

/** Reads the thread's error for the call that just failed (before anything else touches it). */
function fail(fn: string): never {
  const e = takeLastError();
  const details = {
    virCode: e?.code ?? VirErrorCode.INTERNAL_ERROR,
    virDomain: e?.domain ?? 0,
    virMessage: e?.message ?? `${fn} failed without an error from libvirt`,
  };
  // virConnectIsAlive resets the last error, so it runs after the read above.
  const dead = conn !== null && v.virConnectIsAlive(conn) === 0;
  const failure: CallFailure = {
    kind: 'call',
    fn,
    virCode: details.virCode,
    virDomain: details.virDomain,
    message: details.virMessage,
    level: e?.level ?? 2,
    disconnected: dead || isDisconnection(details),
  };
  if (e?.str1) failure.str1 = e.str1;
  if (e?.str2) failure.str2 = e.str2;
  if (e?.str3) failure.str3 = e.str3;
  if (e !== undefined) {
    failure.int1 = e.int1;
    failure.int2 = e.int2;
  }
  throw new Failure(failure);
}

function check(fn: string, rc: number): void {
  if (rc < 0) fail(fn);
}

function connection(): Ptr {
  if (conn === null) throw new Failure({ kind: 'notConnected' });
  return conn;
}

function remember(dom: Ptr, uuid: string): void {
  const old = domains.get(uuid);
  if (old !== undefined && old !== dom) v.virDomainFree(old);
  domains.delete(uuid);
  domains.set(uuid, dom);
  if (domains.size > DOMAIN_CACHE_MAX) {
    const [oldestUuid, oldest] = domains.entries().next().value as [string, Ptr];
    domains.delete(oldestUuid);
    v.virDomainFree(oldest);
  }
}

function forget(uuid: string): void {
  const p = domains.get(uuid);
  if (p === undefined) return;
  domains.delete(uuid);
  v.virDomainFree(p);
}

function freeAllDomains(): void {
  for (const p of domains.values()) v.virDomainFree(p);
  domains.clear();
}

function info(dom: Ptr): DomainInfo {
  const id = domainIdentity(dom);
  const n = v.virDomainGetID(dom);
  return { ...id, id: n === 0xffffffff ? -1 : n };
}

/** Adopts a virDomain returned by a lookup/define: cached, and described. */
function adopt(dom: Ptr): DomainInfo {
  const i = info(dom);
  remember(dom, i.uuid);
  return i;
}

function domainOf(ref: DomainRef | undefined): Ptr {
  if (ref === undefined) throw new Error('operation needs a domain');
  const cached = domains.get(ref.uuid);
  if (cached !== undefined) return cached;
  const dom = v.virDomainLookupByUUIDString(connection(), ref.uuid);
  if (dom === null) fail('virDomainLookupByUUIDString');
  remember(dom, ref.uuid);
  return dom;
}

function teardown(): void {
  const c = conn;
  if (c === null) return;
  flushEvents();
  for (const id of eventIds) {
    if (v.virConnectDomainEventDeregisterAny(c, id) < 0) takeLastError();
  }
  eventIds = [];
  if (v.virConnectUnregisterCloseCallback(c, cb.close) < 0) takeLastError();
  freeAllDomains();
  if (v.virConnectClose(c) < 0) takeLastError();
  conn = null;
}

function connect(a: ConnectArgs): null {
  teardown();
  const c = v.virConnectOpen(a.uri);
  if (c === null) fail('virConnectOpen');
  conn = c;
  const opaque = BigInt(a.gen);
  try {
    if (a.keepAlive !== undefined) check('virConnectSetKeepAlive', v.virConnectSetKeepAlive(c, a.keepAlive.intervalS, a.keepAlive.count));
    check('virConnectRegisterCloseCallback', v.virConnectRegisterCloseCallback(c, cb.close, opaque, null));
    const subscribe = (eventId: number, p: bigint): void => {
      const id = v.virConnectDomainEventRegisterAny(c, null, eventId, p, opaque, null);
      if (id < 0) fail('virConnectDomainEventRegisterAny');
      eventIds.push(id);
    };
    subscribe(DomainEventId.LIFECYCLE, cb.lifecycle);
    subscribe(DomainEventId.DEVICE_REMOVED, cb.deviceRemoved);
    subscribe(DomainEventId.DEVICE_ADDED, cb.deviceAdded);
    subscribe(DomainEventId.DEVICE_REMOVAL_FAILED, cb.deviceRemovalFailed);
  } catch (e) {
    teardown();
    throw e;
  }
  return null;
}

type Handlers = { [K in OpName]: (dom: DomainRef | undefined, ...args: Ops[K]['args']) => Ops[K]['result'] };

const out: [number] = [0];
const out2: [number] = [0];

const handlers: Handlers = {
  connect: (_d, a) => connect(a),
  disconnect: () => {
    teardown();
    return null;
  },
  wakeEventLoop: (_d, delayMs) => {
    // OpenOptions.delayEventLoopWakeMs: a request worker descheduled here, on a loaded machine.
    if (delayMs > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, delayMs);
    check('virEventAddTimeout', v.virEventAddTimeout(0, cb.wake, null, null));
    return null;
  },
  getLibVersion: () => {
    check('virConnectGetLibVersion', v.virConnectGetLibVersion(connection(), out));
    return out[0];
  },
  getVersion: () => {
    check('virConnectGetVersion', v.virConnectGetVersion(connection(), out));
    return out[0];
  },
  isAlive: () => conn !== null && v.virConnectIsAlive(conn) === 1,
  lookupByName: (_d, name) => {
    const dom = v.virDomainLookupByName(connection(), name);
    if (dom === null) fail('virDomainLookupByName');
    return adopt(dom);
  },
  lookupByUUID: (_d, uuid) => {
    const dom = v.virDomainLookupByUUIDString(connection(), uuid);
    if (dom === null) fail('virDomainLookupByUUIDString');
    return adopt(dom);
  },
  listAll: (_d, flags) => {
    const arr: [Ptr | null] = [null];
    const n = v.virConnectListAllDomains(connection(), arr, flags);
    if (n < 0) fail('virConnectListAllDomains');
    const ptrs = arr[0] === null ? [] : takeDomainArray(arr[0], n);
    const result: DomainInfo[] = [];
    for (const p of ptrs) {
      result.push(info(p));
      v.virDomainFree(p);
    }
    return result;
  },
  define: (_d, xml) => {
    const dom = v.virDomainDefineXML(connection(), xml);
    if (dom === null) fail('virDomainDefineXML');
    return adopt(dom);
  },
  undefine: (d, flags) => {
    check('virDomainUndefineFlags', v.virDomainUndefineFlags(domainOf(d), flags));
    if (d !== undefined) forget(d.uuid);
    return null;
  },
  create: (d) => (check('virDomainCreate', v.virDomainCreate(domainOf(d))), null),
  destroy: (d) => (check('virDomainDestroy', v.virDomainDestroy(domainOf(d))), null),
  suspend: (d) => (check('virDomainSuspend', v.virDomainSuspend(domainOf(d))), null),
  resume: (d) => (check('virDomainResume', v.virDomainResume(domainOf(d))), null),
  getState: (d) => {
    check('virDomainGetState', v.virDomainGetState(domainOf(d), out, out2, 0));
    return { state: out[0], reason: out2[0] };
  },
  getXMLDesc: (d, flags) => {
    const xml = v.virDomainGetXMLDesc(domainOf(d), flags);
    if (xml === null) fail('virDomainGetXMLDesc');
    return xml;
  },
  attachDevice: (d, xml, flags) => (check('virDomainAttachDeviceFlags', v.virDomainAttachDeviceFlags(domainOf(d), xml, flags)), null),
  detachDevice: (d, xml, flags) => (check('virDomainDetachDeviceFlags', v.virDomainDetachDeviceFlags(domainOf(d), xml, flags)), null),
  updateDevice: (d, xml, flags) => (check('virDomainUpdateDeviceFlags', v.virDomainUpdateDeviceFlags(domainOf(d), xml, flags)), null),
};

function execute(req: WorkerRequest): WorkerReply {
  if (Date.now() > req.deadline) return { id: req.id, ok: false, error: { kind: 'expired' } };
  const handler = handlers[req.op] as (dom: DomainRef | undefined, ...args: readonly unknown[]) => unknown;
  try {
    return { id: req.id, ok: true, value: handler(req.dom, ...req.args) };
  } catch (e) {
    if (e instanceof Failure) {
      const f = e.failure;
      // A domain that vanished must not stay cached (its UUID may come back as another domain).
      if (f.kind === 'call' && f.virCode === VirErrorCode.NO_DOMAIN && req.dom !== undefined) forget(req.dom.uuid);
      return { id: req.id, ok: false, error: f };
    }
    const err = e instanceof Error ? e : new Error(String(e));
    return { id: req.id, ok: false, error: { kind: 'internal', message: err.message, ...(err.stack ? { stack: err.stack } : {}) } };
  }
}

/** Set by a 'shutdown' message: leave the loop once the queue is drained. */
let exiting = false;

/**
 * After a reply, how long the worker watches for the next request before it sleeps in
 * Atomics.wait. A caller that awaits one call and makes the next finds the worker awake, which
 * saves a futex wake-up and a reschedule of this thread per call (bench/RESULTS.md, the FFI round
 * trip); when no call follows, it costs this much CPU once. The caller's side of a round trip (its
 * wake-up for the reply, then the next call) takes ~40-60 µs on an idle 2-core VM and more under
 * load, so after fast calls the watch is longer; after slower ones (attach, detach) it stays short,
 * as the events their replies come with are delivered when it ends.
 */
const LINGER_MS = 0.05;
const LINGER_AFTER_FAST_MS = 0.2;

/** Leaves the awake count; the event worker may be resting until it drops. */
function asleep(): void {
  Atomics.sub(loop, LOOP_AWAKE, 1);
  Atomics.notify(loop, LOOP_AWAKE);
}

/**
 * Longest wait for a turn of libvirt's loop before the callbacks are deregistered. A resting loop
 * may hold events our last calls received (their dispatch is a timer in that loop, armed by the
 * call, which also signalled the loop): the turn after the rest dispatches them. A loop with
 * nothing pending does not turn, and this is waited in full (once per close or reconnection).
 */
const FLUSH_MS = 5;

/** Ends the loop's rest and waits for its next turn: the events already received are delivered. */
function flushEvents(): void {
  const turns = Atomics.load(loop, LOOP_TURNS);
  Atomics.sub(loop, LOOP_AWAKE, 1);
  Atomics.notify(loop, LOOP_AWAKE);
  Atomics.wait(loop, LOOP_TURNS, turns, FLUSH_MS);
  Atomics.add(loop, LOOP_AWAKE, 1);
}

/** True when a request was posted before `until` (performance.now()). */
function requestWithin(seen: number, until: number): boolean {
  while (performance.now() < until) {
    if (Atomics.load(ctrl, CTRL_REQ_SEQ) !== seen) return true;
  }
  return false;
}

/**
 * After a call shorter than FAST_MS, how long the worker stays counted awake (asleep in
 * Atomics.wait, not spinning) once its linger is over. Back-to-back fast calls (the caller awaits
 * one and makes the next, ~40-100 µs later) then find the loop still resting, instead of waking it
 * between every two calls (it woke ~1.3 times per virConnectGetLibVersion: bench/RESULTS.md, the
 * FFI round trip). An event that comes meanwhile still waits at most one rest
 * (docs/libvirt.md#the-event-loop-rests-while-calls-run). After a slower call (an attach, a detach:
 * its DEVICE_REMOVED is often already in the loop) the worker leaves the count at once, as before.
 */
const HOLD_MS = 1;
const FAST_MS = 1;

for (;;) {
  const seen = Atomics.load(ctrl, CTRL_REQ_SEQ);
  let served = false;
  let fast = true;
  for (let e = ring.take(); e !== undefined; e = ring.take()) {
    let req: WorkerRequest;
    if (e.op === undefined) {
      // Posted before its entry was written, so it is on the port already.
      const m = receiveMessageOnPort(port);
      if (m === undefined) throw new Error('request ring: an entry for the port, and no message on it');
      const posted = m.message as WorkerRequest | { shutdown: true };
      if ('shutdown' in posted) {
        exiting = true;
        continue;
      }
      req = posted;
    } else {
      req = { id: e.id, op: e.op, args: e.args, deadline: e.deadline };
    }
    Atomics.store(ctrl, CTRL_CURRENT, req.id);
    const t0 = performance.now();
    const reply = execute(req);
    if (performance.now() - t0 >= FAST_MS) fast = false;
    Atomics.store(ctrl, CTRL_CURRENT, 0);
    port.postMessage(reply);
    served = true;
  }
  if (exiting) break;
  if (served && requestWithin(seen, performance.now() + (fast ? LINGER_AFTER_FAST_MS : LINGER_MS))) continue;
  if (served && fast && Atomics.wait(ctrl, CTRL_REQ_SEQ, seen, HOLD_MS) !== 'timed-out') continue;
  asleep();
  Atomics.wait(ctrl, CTRL_REQ_SEQ, seen);
  Atomics.add(loop, LOOP_AWAKE, 1);
}
asleep();

teardown();
port.close();
parentPort.close();
