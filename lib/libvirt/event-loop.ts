// libvirt's event loop is process-wide: virEventRegisterDefaultImpl registers one GLib loop for
// the whole process, and only one thread may run virEventRunDefaultImpl (a second thread blocks
// waiting to own GLib's main context — seen as a hang at process exit). So every connection of
// the process shares ONE event worker, started by the first open() and stopped by the last
// close(). Each connection (and each reconnection) gets a tag that libvirt passes back to the
// callbacks as their opaque pointer; messages are routed to the connection by that tag.
import { Worker } from 'node:worker_threads';
import { LOOP_WORDS, STOP_AFTER_WAKE, STOP_NOW } from './protocol.js';
import type { CallbackPointers, EventWorkerData, EventWorkerMessage } from './protocol.js';
import { LibvirtWorkerError } from './errors.js';

type Routed = Exclude<EventWorkerMessage, { type: 'ready' } | { type: 'stopped' } | { type: 'strayWake' }>;

export interface EventLoopLease {
  readonly callbacks: CallbackPointers;
  /** EventWorkerData.loop, for the request workers. */
  readonly loop: SharedArrayBuffer;
  /** Sends messages carrying `tag` to `listener` (until unroute or release). */
  route(tag: number, listener: (m: Routed) => void): void;
  /** Called once if the event worker dies. */
  onFailure(listener: (e: LibvirtWorkerError) => void): void;
  /**
   * Gives the lease back (once) and drops its routes. The last lease stops the loop: stop flag,
   * then `wake` (which must make some thread with FFI call virEventAddTimeout with
   * `callbacks.wake`), then the worker's exit, which waits for that timer to fire
   * (docs/libvirt.md#clean-shutdown). Without `wake` (no thread can add the timer) the loop ends
   * at its next safety tick.
   */
  release(wake?: () => Promise<unknown>): Promise<void>;
}

interface Loop {
  shared: SharedArrayBuffer;
  worker: Worker;
  exited: Promise<number>;
  callbacks: CallbackPointers;
  stop: Int32Array;
  refs: number;
  routes: Map<number, (m: Routed) => void>;
  failureListeners: Set<(e: LibvirtWorkerError) => void>;
  stopping: boolean;
}

let current: Promise<Loop> | undefined;
let stopped: Promise<void> = Promise.resolve();
let lastTag = 0;
let strayWakes = 0;

/**
 * How many wake timers fired in a loop that was not being stopped: each is a timer an earlier loop
 * of the process ended without consuming, fired through a callback pointer that loop gave back.
 * Always 0 unless the clean shutdown is broken (test/libvirt/event-loop-restart.test.ts).
 */
export function strayWakeups(): number {
  return strayWakes;
}

/** A tag no other connection of the process uses (the callbacks' opaque pointer). */
export function nextTag(): number {
  lastTag += 1;
  return lastTag;
}

function fail(loop: Loop, e: LibvirtWorkerError): void {
  for (const l of loop.failureListeners) l(e);
  loop.failureListeners.clear();
}

/**
 * How long libvirt's loop may rest while calls run (EventWorkerData.restMs): events that come
 * during a call are delivered at most this late (docs/libvirt.md#the-event-loop-rests-while-calls-run).
 */
const REST_MS = 2;

async function startLoop(tickMs: number): Promise<Loop> {
  const stopBuf = new SharedArrayBuffer(4);
  const shared = new SharedArrayBuffer(LOOP_WORDS * 4);
  const data: EventWorkerData = { stop: stopBuf, tickMs, loop: shared, restMs: REST_MS };
  const worker = new Worker(new URL('./event-worker.js', import.meta.url), { workerData: data });
  // Attached at once: a worker can exit before anyone awaits it
  // (docs/libvirt.md#waiting-for-a-workers-exit).
  const exited = new Promise<number>((resolve) => worker.once('exit', resolve));
  const partial = { shared, worker, exited, stop: new Int32Array(stopBuf), refs: 0, routes: new Map<number, (m: Routed) => void>(), failureListeners: new Set<(e: LibvirtWorkerError) => void>(), stopping: false };
  const callbacks = await new Promise<CallbackPointers>((resolve, reject) => {
    worker.once('message', (m: EventWorkerMessage) => {
      if (m.type === 'ready') resolve(m.callbacks);
      else reject(new LibvirtWorkerError(`libvirt event worker: unexpected first message ${m.type}`));
    });
    worker.once('error', (e) => reject(new LibvirtWorkerError(`libvirt event worker failed to start: ${e.message}`, e)));
    void exited.then((code) => reject(new LibvirtWorkerError(`libvirt event worker exited during start (code ${code})`)));
  });
  const loop: Loop = { ...partial, callbacks };
  worker.on('message', (m: EventWorkerMessage) => {
    if (m.type === 'strayWake') strayWakes += 1;
    if (m.type === 'ready' || m.type === 'stopped' || m.type === 'strayWake') return;
    loop.routes.get(m.gen)?.(m);
  });
  worker.on('error', (e) => fail(loop, new LibvirtWorkerError(`libvirt event worker failed: ${e.message}`, e)));
  void exited.then((code) => {
    if (!loop.stopping) fail(loop, new LibvirtWorkerError(`libvirt event worker exited unexpectedly (code ${code})`));
  });
  return loop;
}

/** A share of the process's event loop; starts it if needed. `tickMs` counts only for the start. */
export async function acquireEventLoop(tickMs: number): Promise<EventLoopLease> {
  await stopped;
  if (current === undefined) {
    const p = startLoop(tickMs);
    current = p;
    p.catch(() => {
      if (current === p) current = undefined;
    });
  }
  const loop = await current;
  loop.refs += 1;
  const mine = new Set<number>();
  let released = false;
  return {
    callbacks: loop.callbacks,
    loop: loop.shared,
    route: (tag, listener) => {
      mine.add(tag);
      loop.routes.set(tag, listener);
    },
    onFailure: (listener) => {
      loop.failureListeners.add(listener);
    },
    release: async (wake) => {
      if (released) return;
      released = true;
      for (const t of mine) loop.routes.delete(t);
      loop.refs -= 1;
      if (loop.refs > 0) return;
      loop.stopping = true;
      current = undefined;
      let done: () => void = () => undefined;
      stopped = new Promise((r) => (done = r));
      try {
        if (wake === undefined) {
          Atomics.store(loop.stop, 0, STOP_NOW);
        } else {
          Atomics.store(loop.stop, 0, STOP_AFTER_WAKE);
          // No timer was added: nothing will fire, so the loop must not wait for one.
          await wake().catch(() => Atomics.store(loop.stop, 0, STOP_NOW));
        }
        let timer: NodeJS.Timeout | undefined;
        const timedOut = await Promise.race([
          loop.exited.then(() => false),
          new Promise<boolean>((r) => (timer = setTimeout(() => r(true), 5_000))),
        ]);
        clearTimeout(timer);
        if (timedOut) await loop.worker.terminate();
      } finally {
        done();
      }
    },
  };
}
