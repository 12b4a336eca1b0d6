// hvnetd and systemd's notify protocol, seen from a NOTIFY_SOCKET of the test's own: READY once
// the NB cache is in sync (or with a STATUS saying what is down), STATUS on every change,
// WATCHDOG from a timer (and not while the event loop is stuck), RELOADING/READY around SIGHUP,
// STOPPING on SIGTERM.
import assert from 'node:assert/strict';
import { startOvn } from '../../testbed/ovn.js';
import type { OvnHandle } from '../../testbed/ovn.js';
import { testRun } from '../../testbed/test-run.js';
import { NotifyListener, startHvnetd, writeConfig } from './harness.js';
import { debugBlockMethod } from '../../agent/api/debug.js';

describe('agent: sd_notify', function () {
  this.timeout(60_000);
  let ovn: OvnHandle;

  before(async () => {
    ovn = await startOvn({ northd: false });
  });
  after(async () => {
    await ovn.stop();
  });

  it('READY within 5 s with the NB up, STATUS on changes, WATCHDOG stops while the loop is blocked, RELOADING, STOPPING', async () => {
    const dir = testRun.tempDir('notify');
    const notify = await NotifyListener.start(dir);
    const network = `net-${testRun.nextName()}`;
    const setup = writeConfig(dir, ovn.nb.unix, { health: { requiredNetworks: [network] } });
    const t0 = Date.now();
    const hv = await startHvnetd(setup, { env: { NOTIFY_SOCKET: notify.path, WATCHDOG_USEC: '400000', HVNET_DEBUG_METHODS: '1' } });

    const ready = await notify.waitFor(/^READY=1$/, t0, 5_000);
    assert.ok(ready.at - t0 < 5_000, `READY after ${ready.at - t0} ms`);
    // The READY datagram carries a STATUS that says why the host is not operational yet.
    const firstStatus = await notify.waitFor(/^STATUS=non-operational: .*required network/, t0, 2_000);
    assert.match(firstStatus.text, /NB connected/);

    // A change: the required network appears, and the STATUS says so.
    const beforeChange = Date.now();
    await ovn.nbctl(['ls-add', network, '--', 'set', 'Logical_Switch', network, `external_ids:hvnet-network=${network}`]);
    const op = await notify.waitFor(/^STATUS=operational; NB connected/, beforeChange, 2_000);
    assert.ok(op.at - beforeChange < 2_000);

    // Watchdog every 200 ms (half of WATCHDOG_USEC).
    await new Promise((r) => setTimeout(r, 1_000));
    const recent = notify.since(Date.now() - 1_000, /^WATCHDOG=1$/);
    assert.ok(recent.length >= 3, `only ${recent.length} WATCHDOG=1 in the last second`);

    // Block the event loop for 1.5 s: no WATCHDOG meanwhile, then they resume.
    const blockStart = Date.now();
    const reply = await hv.client.call(debugBlockMethod, { ms: 1_500 });
    const blockEnd = Date.now();
    assert.ok(reply.blockedMs >= 1_500);
    await new Promise((r) => setTimeout(r, 600));
    const dogs = notify.since(blockStart - 1_000, /^WATCHDOG=1$/).map((l) => l.at);
    const gaps = dogs.slice(1).map((t, i) => t - (dogs[i] ?? t));
    assert.ok(Math.max(...gaps) >= 1_300, `largest gap between WATCHDOG=1 around the block: ${Math.max(...gaps)} ms`);
    assert.ok(
      dogs.filter((t) => t > blockStart + 200 && t < blockEnd - 200).length === 0,
      'WATCHDOG=1 arrived while the event loop was blocked',
    );
    assert.ok(dogs.some((t) => t > blockEnd), 'WATCHDOG=1 did not resume after the block');

    // SIGHUP: RELOADING=1 then READY=1.
    const hup = Date.now();
    hv.daemon.signal('SIGHUP');
    const reloading = await notify.waitFor(/^RELOADING=1$/, hup, 3_000);
    const readyAgain = await notify.waitFor(/^READY=1$/, hup, 3_000);
    assert.ok(readyAgain.at >= reloading.at);

    // SIGTERM: STOPPING=1, exit 0.
    const term = Date.now();
    hv.daemon.signal('SIGTERM');
    await notify.waitFor(/^STOPPING=1$/, term, 5_000);
    const exit = await hv.daemon.exited;
    assert.deepEqual(exit, { code: 0, signal: null });
    await hv.daemon.stop();
    await notify.stop();
  });

  it('without an NB, READY comes after ovn.nb.readyTimeoutSeconds with a STATUS saying the NB is down', async () => {
    const dir = testRun.tempDir('notify-nonb');
    const notify = await NotifyListener.start(dir);
    const setup = writeConfig(dir, `unix:${dir}/no-such-nb.sock`, { ovn: { nb: { readyTimeoutSeconds: 1 } } });
    const t0 = Date.now();
    const hv = await startHvnetd(setup, { env: { NOTIFY_SOCKET: notify.path } });
    const ready = await notify.waitFor(/^READY=1$/, t0, 5_000);
    assert.ok(ready.at - t0 >= 900, `READY after only ${ready.at - t0} ms: it did not wait for the NB`);
    await notify.waitFor(/^STATUS=non-operational: OVN Northbound (connecting|disconnected)/, t0, 1_000);
    assert.equal(notify.since(t0, /^WATCHDOG=1$/).length, 0, 'WATCHDOG=1 without WATCHDOG_USEC');
    await hv.daemon.stop();
    await notify.stop();
  });
});
