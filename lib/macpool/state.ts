// The pool's allocations on disk, so a restart does not hand out a MAC that a NIC being attached
// was just given. Written atomically (temp file + rename): a crash leaves the old or the new file.
import { readFileSync, renameSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { MacPool } from './pool.js';
import type { Allocation } from './pool.js';
import { parseRange } from './mac.js';
import { PoolStateError } from './errors.js';

interface StateFile {
  version: 1;
  range: string;
  cursor: string;
  allocations: Allocation[];
}

/** Opens the pool for `range`, with the allocations of `file` if it exists. */
export function openPool(range: string, file: string): MacPool {
  const r = parseRange(range);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return new MacPool(r);
    throw new PoolStateError(file, `cannot be read: ${(e as Error).message}`, { cause: e });
  }
  let state: unknown;
  try {
    state = JSON.parse(text);
  } catch (e) {
    throw new PoolStateError(file, 'is not JSON', { cause: e });
  }
  if (!isState(state)) throw new PoolStateError(file, 'is not a hvnet MAC pool state (version 1)');
  // A changed range keeps the recorded allocations (those NICs still exist) but restarts the cursor.
  const sameRange = state.range === range;
  return new MacPool(r, state.allocations, sameRange ? state.cursor : undefined);
}

export function savePool(pool: MacPool, file: string): void {
  const state: StateFile = { version: 1, range: pool.rangeText, cursor: pool.nextCursor, allocations: pool.list() };
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify(state, null, 1)}\n`, { mode: 0o640 });
  renameSync(tmp, file);
}

function isState(v: unknown): v is StateFile {
  if (typeof v !== 'object' || v === null) return false;
  const s = v as Record<string, unknown>;
  return (
    s.version === 1 &&
    typeof s.range === 'string' &&
    typeof s.cursor === 'string' &&
    Array.isArray(s.allocations) &&
    s.allocations.every(
      (a) =>
        typeof a === 'object' &&
        a !== null &&
        typeof (a as Allocation).mac === 'string' &&
        typeof (a as Allocation).domain === 'string' &&
        ((a as Allocation).alias === undefined || typeof (a as Allocation).alias === 'string'),
    )
  );
}
