// How to retry a transaction whose outcome is unknown without applying it twice.
//
// OVSDB has no request ids that survive a reconnect: when the connection drops after a transact
// was sent, the server may or may not have committed it, and resending blindly can create every
// row twice (most OVN tables have no unique index to stop that; Logical_Router.name has none).
// The remedy is to make the transaction say what the world must look like before it applies:
//
//   [wait until the marker rows are absent (timeout 0)] + the operations
//
// where the marker matches exactly the rows the transaction creates (a unique name, or an
// external_ids key the caller owns). Sent again after OutcomeUnknownError, the transaction either
// applies (the first attempt did not commit) or fails its wait with "timed out", which proves the
// first attempt did commit. Either way the effect happens exactly once. Deletions and mutations are
// made safe the same way with a wait that the rows are still as expected.
import type { Condition, Operation } from './operations.js';
import { wait } from './operations.js';
import { OutcomeUnknownError, WaitTimedOutError } from './errors.js';

export interface Marker {
  table: string;
  /** Matches the rows the transaction creates, and nothing else. */
  where: Condition[];
}

/** Something that can send a transaction (OvsdbClient, or a session plus readTransactResult). */
export type Transactor<R> = (operations: readonly Operation[]) => Promise<R>;

export interface OnceOptions {
  /** Attempts in all, including the first (default 5). */
  attempts?: number;
  onRetry?: (attempt: number, error: OutcomeUnknownError) => void;
}

export type OnceResult<R> =
  | { applied: true; result: R; attempts: number }
  /** An earlier attempt (or another client) had already made the marked rows. */
  | { applied: false; attempts: number };

/** The guard that makes an insert idempotent: the marked rows must not exist yet. */
export function absentGuard(marker: Marker): Operation {
  return wait(marker.table, { where: marker.where, columns: ['_uuid'], until: '==', rows: [], timeout: 0 });
}

/**
 * Runs `[absentGuard(marker), ...operations]`, retrying after OutcomeUnknownError. Any other error
 * is thrown at once. When every attempt ends unknown, the last OutcomeUnknownError is thrown: the
 * caller must then re-read before deciding, never assume.
 */
export async function transactOnce<R>(
  transact: Transactor<R>,
  marker: Marker,
  operations: readonly Operation[],
  options: OnceOptions = {},
): Promise<OnceResult<R>> {
  const attempts = options.attempts ?? 5;
  const ops = [absentGuard(marker), ...operations];
  let last: OutcomeUnknownError | undefined;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      const result = await transact(ops);
      return { applied: true, result, attempts: attempt };
    } catch (e) {
      // The guard failed: the rows exist, made by an earlier attempt of ours (attempt > 1) or by
      // someone else before we started. Either way there is nothing left to do.
      if (e instanceof WaitTimedOutError && e.opIndex === 0) return { applied: false, attempts: attempt };
      if (!(e instanceof OutcomeUnknownError)) throw e;
      last = e;
      if (attempt < attempts) options.onRetry?.(attempt, e);
    }
  }
  throw last ?? new OutcomeUnknownError({ method: 'transact' });
}
