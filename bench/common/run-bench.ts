// How a benchmark that starts daemons ends: whatever happens to its output (a closed pipe) or to it
// (Ctrl-C, a failure), what it started is stopped by PID and nothing is left behind; a cleanup
// problem fails the run like an error does.
import { testRun } from '../../testbed/test-run.js';

export async function runBench(name: string, main: () => Promise<void>): Promise<never> {
  process.stdout.on('error', () => undefined);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGPIPE'] as const) {
    process.once(sig, () => {
      void testRun.stopAll().finally(() => process.exit(130));
    });
  }
  let failed = false;
  try {
    await main();
  } catch (e) {
    console.error(`${name}: ${e instanceof Error ? e.message : String(e)}`);
    failed = true;
  } finally {
    const errors = await testRun.stopAll();
    const leaks = await testRun.leaks();
    if (errors.length + leaks.length > 0) {
      console.error(`cleanup problems: ${[...errors, ...leaks].join('; ')}`);
      failed = true;
    } else if (process.env.HVNET_KEEP_TEST_DIRS !== '1') {
      testRun.removeRoot();
    }
  }
  process.exit(failed ? 1 : 0);
}
