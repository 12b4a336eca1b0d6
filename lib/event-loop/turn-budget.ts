// Several pieces of work can go on in slices at once (the cache decoding a big update, the status
// index catching up with it, the reconciler repairing what it touched), each yielding with
// setImmediate after a slice. Node runs every immediate queued during one turn of the event loop
// in the next turn's check phase, back to back, so a turn lasts as long as their slices together:
// after a burst of 5,000 peerings, turns of 100–144 ms were made of slices of 20–44 ms each. A
// slicer takes its deadline from here: the first slice of a turn opens the turn's budget, the
// slices after it in the same turn share what is left. Each slicer still does at least one unit
// of work per slice, so none of them starves.

/** What every slice of one turn of the event loop may take together (ms). */
export const TURN_BUDGET_MS = 25;

let turnEnds = Number.NEGATIVE_INFINITY;
let open = false;

function closeTurn(): void {
  open = false;
}

/**
 * The deadline of a slice of at most `sliceMs`, within what is left of this turn's budget. The
 * turn closes in the next timers phase, which comes before the next check phase: every
 * immediate of one turn shares one budget.
 */
export function sliceDeadline(sliceMs: number): number {
  const now = performance.now();
  if (!open) {
    open = true;
    turnEnds = now + TURN_BUDGET_MS;
    setTimeout(closeTurn, 0).unref();
  }
  return Math.min(now + sliceMs, turnEnds);
}

/** Whether this turn's budget is spent: a slicer whose slices cannot be cut short waits for the next turn. */
export function turnSpent(): boolean {
  return open && performance.now() >= turnEnds;
}
