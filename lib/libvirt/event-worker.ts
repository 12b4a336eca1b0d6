// libvirt's default event loop on its own thread
// (docs/libvirt.md#two-workers-and-no-ffi-on-the-main-thread). libvirt dispatches domain events
// and the close callback from this loop, on this thread, inside virEventRunDefaultImpl, so koffi
// runs the callbacks registered here at once. They only post a message and return.
//
// The loop gives Node's event loop a turn every few milliseconds: a callback that libvirt fires on
// another thread (the close callback, when the request worker's call is the one that sees the
// socket die) is queued by koffi to THIS thread's event loop, and the firing thread waits for it
// (docs/libvirt.md#callbacks-must-fire-on-the-thread-that-registered-them).
// A safety timer in libvirt's loop bounds how long poll() can sleep before such a turn.
//
// While a request worker is awake the loop rests between turns instead of poll()ing
// (docs/libvirt.md#the-event-loop-rests-while-calls-run).
import { parentPort, workerData } from 'node:worker_threads';
import { callbacks, domainIdentity, silenceLibvirtStderr, v } from './ffi.js';
import type { Ptr } from './ffi.js';
import { LOOP_AWAKE, LOOP_TURNS, STOP_AFTER_WAKE, STOP_NOW } from './protocol.js';
import type { CallbackPointers, EventWorkerData, EventWorkerMessage } from './protocol.js';

const port = parentPort;
if (port === null) throw new Error('lib/libvirt/event-worker.js runs as a worker thread only');
const data = workerData as EventWorkerData;
const stop = new Int32Array(data.stop);
const shared = new Int32Array(data.loop);
/**
 * Set when the wake timer that stops the loop has fired. The loop must not end before: that timer
 * stays in libvirt's process-wide loop, and the next event worker of the process would fire it
 * through a koffi trampoline this worker unregistered (and koffi may have handed to another
 * callback, of another signature, by then) — docs/libvirt.md#clean-shutdown.
 */
let stopWakeFired = false;

function post(m: EventWorkerMessage): void {
  port?.postMessage(m);
}

function gen(opaque: Ptr | null): number {
  return opaque === null ? 0 : Number(opaque);
}

silenceLibvirtStderr();
if (v.virEventRegisterDefaultImpl() !== 0) throw new Error('virEventRegisterDefaultImpl failed');

const registered: Ptr[] = [];
function keep(p: Ptr): Ptr {
  registered.push(p);
  return p;
}

const pointers: CallbackPointers = {
  lifecycle: keep(
    callbacks.lifecycle((_conn, dom, event, detail, opaque) => {
      const id = domainIdentity(dom);
      post({ type: 'lifecycle', gen: gen(opaque), ...id, event, detail });
      return 0;
    }),
  ),
  deviceRemoved: keep(
    callbacks.deviceAlias((_conn, dom, alias, opaque) => {
      post({ type: 'deviceRemoved', gen: gen(opaque), ...domainIdentity(dom), alias: alias ?? '' });
    }),
  ),
  deviceAdded: keep(
    callbacks.deviceAlias((_conn, dom, alias, opaque) => {
      post({ type: 'deviceAdded', gen: gen(opaque), ...domainIdentity(dom), alias: alias ?? '' });
    }),
  ),
  deviceRemovalFailed: keep(
    callbacks.deviceAlias((_conn, dom, alias, opaque) => {
      post({ type: 'deviceRemovalFailed', gen: gen(opaque), ...domainIdentity(dom), alias: alias ?? '' });
    }),
  ),
  close: keep(
    callbacks.close((_conn, reason, opaque) => {
      post({ type: 'connectionClosed', gen: gen(opaque), reason });
    }),
  ),
  // Added by the request worker (virEventAddTimeout is thread-safe) to make poll() return. A 0-ms
  // libvirt timeout fires on every iteration until removed, so it removes itself.
  wake: keep(
    callbacks.timeout((timer) => {
      v.virEventRemoveTimeout(timer);
      if (Atomics.load(stop, 0) === STOP_AFTER_WAKE) stopWakeFired = true;
      // No wake is asked for while the loop runs: this one was left by an earlier loop of the process.
      else post({ type: 'strayWake' });
    }),
  ),
};

const tick = callbacks.timeout(() => undefined);
const tickTimer = v.virEventAddTimeout(data.tickMs, tick, null, null);

post({ type: 'ready', callbacks: pointers });

const TURN_MS = 2;

function finish(): void {
  v.virEventRemoveTimeout(tickTimer);
  // Nothing runs libvirt's loop any more, so nothing can call these now.
  callbacks.unregister(tick);
  for (const p of registered) callbacks.unregister(p);
  post({ type: 'stopped' });
  port?.close();
}

/** STOP_NOW: at once (no wake is coming); STOP_AFTER_WAKE: once the wake timer has fired. */
function stopping(): boolean {
  const s = Atomics.load(stop, 0);
  return s === STOP_NOW || (s === STOP_AFTER_WAKE && stopWakeFired);
}

function run(): void {
  const turnUntil = performance.now() + TURN_MS;
  while (!stopping()) {
    if (v.virEventRunDefaultImpl() !== 0) {
      // Only fails when no implementation is registered; nothing sensible to retry.
      throw new Error('virEventRunDefaultImpl failed');
    }
    // While a request worker is awake, each RPC it makes takes its socket out of libvirt's loop
    // and puts it back, waking a poll()ing loop twice; resting here instead leaves those wake-ups
    // pending for the next turn (docs/libvirt.md#the-event-loop-rests-while-calls-run).
    Atomics.add(shared, LOOP_TURNS, 1);
    Atomics.notify(shared, LOOP_TURNS);
    const n = Atomics.load(shared, LOOP_AWAKE);
    if (n > 0 && data.restMs > 0) Atomics.wait(shared, LOOP_AWAKE, n, data.restMs);
    if (performance.now() >= turnUntil) {
      setImmediate(run);
      return;
    }
  }
  finish();
}

run();
