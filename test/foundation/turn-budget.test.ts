// The budget that slicers share within one turn of the event loop: the first slice of a turn
// opens it, the later ones get what is left, and the next turn opens a fresh one. Pure: timers only.
import assert from 'node:assert/strict';
import { TURN_BUDGET_MS, sliceDeadline, turnSpent } from '../../lib/event-loop/turn-budget.js';

function busy(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 2));

describe('event loop: one budget for every slice of a turn', () => {
  it('a slice after another in the same turn gets what is left; none is left once it is spent', async () => {
    await nextTurn();
    const t0 = performance.now();
    const first = sliceDeadline(20);
    assert.ok(first - t0 >= 19 && first - t0 <= 21, `first slice: ${first - t0} ms`);
    busy(15);
    const second = sliceDeadline(20);
    assert.ok(second <= t0 + TURN_BUDGET_MS + 1, 'the second slice ends with the turn');
    assert.ok(second - performance.now() < 12, `the second slice has what is left: ${second - performance.now()} ms`);
    assert.equal(turnSpent(), false);
    busy(TURN_BUDGET_MS - 15 + 1);
    assert.equal(turnSpent(), true);
    assert.ok(sliceDeadline(20) <= performance.now(), 'no time left in this turn');
  });

  it('the next turn opens a fresh budget for the slices a slice queued with setImmediate', async () => {
    const fresh = await new Promise<number>((resolve) =>
      setImmediate(() => {
        // A slice in the check phase, as slicers run, that spends the turn and queues the next.
        sliceDeadline(20);
        busy(TURN_BUDGET_MS + 2);
        assert.equal(turnSpent(), true);
        setImmediate(() => resolve(sliceDeadline(20) - performance.now()));
      }),
    );
    assert.ok(fresh > 15, `a slice in the next turn has its own time: ${fresh} ms`);
  });
});
