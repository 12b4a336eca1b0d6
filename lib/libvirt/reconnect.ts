// Getting a lost connection back: attempts with exponential back-off, and the calls that wait
// for the outcome instead of failing at once.
import { LibvirtError, LibvirtWorkerError } from './errors.js';
import type { ReconnectOptions } from './connection-options.js';
import type { ReconnectFailedEvent } from './connection-events.js';

export function reconnectSettings(opts: ReconnectOptions | undefined): Required<ReconnectOptions> {
  return {
    enabled: opts?.enabled ?? true,
    initialDelayMs: opts?.initialDelayMs ?? 100,
    maxDelayMs: opts?.maxDelayMs ?? 5_000,
    factor: opts?.factor ?? 2,
    waitMs: opts?.waitMs ?? 10_000,
  };
}

/** A pause that does not keep the process alive by itself. */
function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}

export interface ReconnectHooks {
  /** Still disconnected (not reconnected, closing or closed meanwhile). */
  down(): boolean;
  /** One attempt; rejects when libvirt refuses. */
  connect(): Promise<void>;
  failed(event: ReconnectFailedEvent): void;
}

/**
 * Attempts until one succeeds or the connection stops being down. Resolves with the number of
 * attempts when the last one succeeded while still down, undefined when it was given up.
 */
export async function reconnectWithBackoff(settings: Required<ReconnectOptions>, hooks: ReconnectHooks): Promise<number | undefined> {
  let wait = settings.initialDelayMs;
  for (let attempt = 1; hooks.down(); attempt++) {
    await delay(wait);
    if (!hooks.down()) return undefined;
    try {
      await hooks.connect();
    } catch (e) {
      const next = Math.min(wait * settings.factor, settings.maxDelayMs);
      const error = e instanceof LibvirtError ? e : new LibvirtWorkerError(String(e), e);
      hooks.failed({ attempt, error, nextDelayMs: next });
      wait = next;
      continue;
    }
    // Closed meanwhile: close() disconnects.
    return hooks.down() ? attempt : undefined;
  }
  return undefined;
}

interface Waiter {
  wake: () => void;
}

/** Calls made while disconnected, parked until the state changes or their bound passes. */
export class ReconnectWaiters {
  private readonly waiters = new Set<Waiter>();

  /** Resolves at the next wakeAll() or after `ms`, whichever comes first. */
  wait(ms: number): Promise<void> {
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

  wakeAll(): void {
    for (const w of this.waiters) w.wake();
  }
}
