// Methods that exist only when hvnetd runs with HVNET_DEBUG_METHODS=1: the acceptance tests use
// them to block the event loop (the watchdog must stop), to hold a request in flight (shutdown
// must wait for it) and to force a GC before reading the RSS (leak checks).
import { Type } from '@sinclair/typebox';
import { defineMethod, params } from './methods.js';

export const DEBUG_METHODS_ENV = 'HVNET_DEBUG_METHODS';

const Ms = Type.Integer({ minimum: 0, maximum: 120_000 });

export const debugBlockMethod = defineMethod({
  name: 'debug.block',
  summary: 'Busy-loops the event loop for ms milliseconds, then replies.',
  params: params({ ms: Ms }),
  result: Type.Object({ blockedMs: Type.Number() }),
  debug: true,
});

export const debugSleepMethod = defineMethod({
  name: 'debug.sleep',
  summary: 'Replies after ms milliseconds without blocking anything.',
  params: params({ ms: Ms }),
  result: Type.Object({ sleptMs: Type.Number() }),
  debug: true,
});

export const debugGcMethod = defineMethod({
  name: 'debug.gc',
  summary: 'Runs a full GC (hvnetd must run with --expose-gc) and returns process.memoryUsage().',
  params: params({}),
  result: Type.Object({ gc: Type.Boolean(), rss: Type.Number(), heapUsed: Type.Number(), heapTotal: Type.Number(), external: Type.Number(), spaces: Type.Record(Type.String(), Type.Number()) }),
  debug: true,
});
