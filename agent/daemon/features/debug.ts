// Test hooks, registered only with HVNET_DEBUG_METHODS=1 (never set by the unit file).
import v8 from 'node:v8';
import koffi from 'koffi';
import { debugBlockMethod, debugGcMethod, debugSleepMethod } from '../../api/debug.js';
import type { DaemonContext, Feature } from '../feature.js';

export function createDebugFeature(ctx: Pick<DaemonContext, 'debug' | 'log' | 'methods'>): Feature {
  const feature: Feature = { name: 'debug' };
  if (!ctx.debug) return feature;
  ctx.log.warn('debug methods enabled (HVNET_DEBUG_METHODS=1): anyone on the socket can stall this daemon');
  const mallocTrim = loadMallocTrim();
  ctx.methods.register(debugBlockMethod, ({ ms }) => {
    const start = Date.now();
    while (Date.now() - start < ms) {
      // busy: the point is to starve the event loop
    }
    return { blockedMs: Date.now() - start };
  });
  ctx.methods.register(debugSleepMethod, async ({ ms }) => {
    const start = Date.now();
    await new Promise((r) => setTimeout(r, ms));
    return { sleptMs: Date.now() - start };
  });
  ctx.methods.register(debugGcMethod, async () => {
    const gc = (globalThis as { gc?: () => void }).gc;
    // Twice, with a pause: V8 hands freed pages back from a background thread, after the GC.
    gc?.();
    await new Promise((r) => setTimeout(r, 250));
    gc?.();
    await new Promise((r) => setTimeout(r, 250));
    // glibc keeps freed native memory (socket buffers) mapped; trimming makes RSS show what is
    // live, which is what a leak check compares.
    mallocTrim?.(0);
    const m = process.memoryUsage();
    const spaces = Object.fromEntries(v8.getHeapSpaceStatistics().map((sp) => [sp.space_name, sp.space_size]));
    return { gc: gc !== undefined, rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, spaces };
  });
  return feature;
}

type MallocTrim = (pad: number) => number;

function loadMallocTrim(): MallocTrim | undefined {
  try {
    return koffi.load('libc.so.6').func('int malloc_trim(size_t pad)') as MallocTrim;
  } catch {
    return undefined; // not glibc
  }
}
