// SIGTERM in the middle of 200 API calls: every caller gets its reply or a clean error (the
// daemon is shutting down, or no longer there), never a reset or silence, and hvnetd exits 0.
import assert from 'node:assert/strict';
import { startOvn } from '../../testbed/ovn.js';
import type { OvnHandle } from '../../testbed/ovn.js';
import { testRun } from '../../testbed/test-run.js';
import { waitFor } from '../../testbed/exec.js';
import { startHvnetd, writeConfig } from './harness.js';
import { HvnetError } from '../../agent/api/errors.js';
import { debugSleepMethod } from '../../agent/api/debug.js';
import { statusMethod } from '../../agent/api/methods.js';

describe('agent: SIGTERM during a burst', function () {
  this.timeout(60_000);
  let ovn: OvnHandle;

  before(async () => {
    ovn = await startOvn({ northd: false });
  });
  after(async () => {
    await ovn.stop();
  });

  it('200 calls, SIGTERM after the first 100: running ones finish, later ones get clean errors, exit code 0', async () => {
    const dir = testRun.tempDir('burst');
    const hv = await startHvnetd(writeConfig(dir, ovn.nb.unix), { env: { HVNET_DEBUG_METHODS: '1' } });
    const outcomes: string[] = [];
    const calls: Promise<void>[] = [];
    let earlyStatuses = 0;
    for (let i = 0; i < 200; i++) {
      if (i === 100) {
        // The first 100 are in once their 50 statuses are answered (one connection, read in
        // order), while the 2 s sleeps still run when SIGTERM lands. Waiting for the replies
        // rather than a fixed delay keeps this true on a loaded machine.
        await waitFor('the first 50 statuses answered', () => (earlyStatuses === 50 ? true : undefined), 20_000, 5);
        hv.daemon.signal('SIGTERM');
      }
      const call =
        i % 2 === 0
          ? hv.client.call(debugSleepMethod, { ms: 2_000 })
          : hv.client.call(statusMethod, {}).then((r) => {
              if (i < 100) earlyStatuses++;
              return r;
            });
      calls.push(
        call.then(
          () => void outcomes.push('reply'),
          (e: unknown) => {
            if (!(e instanceof HvnetError)) return void outcomes.push(`unexpected: ${String(e)}`);
            const reason = typeof e.details.reason === 'string' ? e.details.reason : '';
            if (e.code === 'HVNET_SHUTTING_DOWN') outcomes.push('shutting-down');
            else if (e.code === 'HVNET_DAEMON_UNREACHABLE' && (reason === 'no socket' || reason === 'nothing listening')) outcomes.push('gone');
            else outcomes.push(`unclean: ${e.code} ${e.message}`);
          },
        ),
      );
      await new Promise((r) => setImmediate(r));
    }
    await Promise.all(calls);
    const unclean = outcomes.filter((o) => !['reply', 'shutting-down', 'gone'].includes(o));
    assert.deepEqual(unclean, [], `unclean outcomes: ${unclean.slice(0, 5).join('; ')}`);
    // Every call made before SIGTERM is answered, the sleeps that were running included.
    assert.ok(outcomes.filter((o) => o === 'reply').length >= 100, `replies: ${outcomes.filter((o) => o === 'reply').length}`);
    assert.deepEqual(await hv.daemon.exited, { code: 0, signal: null });
    await hv.daemon.stop();
  });
});
