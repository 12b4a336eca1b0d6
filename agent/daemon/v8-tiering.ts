// How soon V8 optimizes hvnetd's functions. Imported first by the daemon's entry point, so it is
// set before any of hvnetd's code runs.
//
// With V8's default budget, a burst of requests to a freshly started hvnetd spent more CPU in
// V8's optimizing compiler (its background threads) than in hvnetd's own work: functions were
// optimized on the first few calls, before their type feedback settled, then deoptimized and
// optimized again. bench/peering prints hvnetd's main thread apart from its other threads and
// shows it: 1,000 peerings took 0.42 ms of main thread and 0.92 ms in all per peering with the
// default, 0.43 and 0.50 with sixteen times the budget. A function called often enough is optimized
// all the same, later, with feedback that holds; a daemon that runs for days loses nothing.
import v8 from 'node:v8';

/**
 * V8's interrupt budget (bytecode executed between tiering checks; Node 20's default is 66 KiB,
 * `node --v8-options | grep -A1 -- --interrupt-budget`), times 16.
 */
export const INTERRUPT_BUDGET = 16 * 66 * 1024;

/** The same as a node flag, for benchmarks that start the peer tools' Node processes the same way. */
export const INTERRUPT_BUDGET_FLAG = `--interrupt-budget=${INTERRUPT_BUDGET}`;

v8.setFlagsFromString(INTERRUPT_BUDGET_FLAG);
