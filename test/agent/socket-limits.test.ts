// One member of the socket's group cannot lock the others, or root, out: a non-root client
// (connection-hog.js as uid 65534 through setpriv) trying to hold 1,000 idle connections gets its
// per-user budget and no more, the rest refused with an error naming the key; root's `hvnet
// status` still answers at once; the held connections are closed when no request comes; the
// refusals cost a bounded number of warnings. Several users together cannot take root's reserve.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startOvn } from '../../testbed/ovn.js';
import type { OvnHandle } from '../../testbed/ovn.js';
import { startDaemon } from '../../testbed/daemon.js';
import type { Daemon } from '../../testbed/daemon.js';
import { waitFor } from '../../testbed/exec.js';
import { testRun } from '../../testbed/test-run.js';
import { REPO, hvnetCli, startHvnetd, writeConfig } from './harness.js';
import type { RunningHvnetd } from './harness.js';
import type { HogTally } from './connection-hog.js';

const HOG = join(REPO, 'dist/test/agent/connection-hog.js');
/** nogroup: the socket's group in these tests, so the hogs (gid nogroup) may connect. */
const GID = 65534;

interface Hog {
  daemon: Daemon;
  tally(): HogTally | undefined;
}

async function startHog(dir: string, socket: string, uid: number, count: number, delayMs: number): Promise<Hog> {
  const daemon = await startDaemon({
    name: `connection hog uid ${uid}`,
    cmd: 'setpriv',
    args: [`--reuid=${uid}`, `--regid=${GID}`, '--clear-groups', process.execPath, HOG, socket, String(count), String(delayMs)],
    logFile: join(dir, `hog-${uid}.log`),
  });
  const tally = (): HogTally | undefined => {
    const lines = daemon.log().split('\n').filter((l) => l.startsWith('{'));
    const last = lines.at(-1);
    return last === undefined ? undefined : (JSON.parse(last) as HogTally);
  };
  return { daemon, tally };
}

/** Root's `hvnet status` through the real CLI: its exit code and how long it took. */
async function rootStatus(socket: string): Promise<{ code: number; stderr: string; ms: number }> {
  const t0 = Date.now();
  const r = await hvnetCli(['--socket', socket, 'status', '--format', 'json'], { timeoutMs: 30_000 });
  return { code: r.code, stderr: r.stderr, ms: Date.now() - t0 };
}

function warnLines(log: string, re: RegExp): string[] {
  return log.split('\n').filter((l) => l.includes('"level":"warn"') && re.test(l));
}

describe('agent: socket limits', function () {
  this.timeout(90_000);
  let ovn: OvnHandle;
  let hv: RunningHvnetd | undefined;
  let hogs: Hog[] = [];

  before(async () => {
    ovn = await startOvn({ northd: false });
  });
  afterEach(async () => {
    await Promise.all(hogs.map((h) => h.daemon.stop()));
    hogs = [];
    await hv?.daemon.stop();
    hv = undefined;
  });
  after(async () => {
    await ovn.stop();
  });

  it('a non-root member of the group holding 1,000 connections does not stop root’s hvnet status', async () => {
    const dir = testRun.tempDir('sock-limits');
    // The defaults, except the group: a budget that only works once raised would prove nothing.
    hv = await startHvnetd(writeConfig(dir, ovn.nb.unix, { api: { group: 'nogroup' } }));
    const { socket } = hv.setup;
    const started = Date.now();
    const hog = await startHog(dir, socket, 65534, 1_000, 1_000);
    hogs.push(hog);
    // Every one of the 1,000 has been tried (and the ones refused tried again).
    await waitFor('the hog has opened its 1,000 connections', () => ((hog.tally()?.attempts ?? 0) >= 1_500 ? true : undefined), 20_000, 50);

    for (let i = 0; i < 3; i++) {
      const s = await rootStatus(socket);
      assert.equal(s.code, 0, `root's hvnet status, attempt ${i + 1}: ${s.stderr}`);
      assert.ok(s.ms < 5_000, `root's hvnet status took ${s.ms} ms`);
    }

    // A connection counts as held once it has stayed silent past the hog's threshold (3 s).
    await waitFor('the hog holds connections', () => ((hog.tally()?.maxHeldLong ?? 0) > 0 ? true : undefined), 10_000, 50);
    const t = hog.tally();
    assert.ok(t, 'the hog reports');
    assert.ok(t.maxHeldLong > 0 && t.maxHeldLong <= 32, `the hog has held up to ${t.maxHeldLong} connections; its budget is 32`);
    const refused = t.samples.HVNET_TOO_MANY_CONNECTIONS;
    assert.ok(refused, `the hog's extra connections are refused: ${JSON.stringify(t.replies)}`);
    assert.equal(refused.errorClass, 'unavailable');
    assert.match(refused.message, /too many connections from uid 65534 \(api\.maxConnectionsPerUser = 32\)/);
    assert.equal(refused.details.key, 'api.maxConnectionsPerUser');
    assert.equal(t.replies.HVNET_INTERNAL, undefined);

    // The held connections never send a request: closed after api.firstRequestTimeoutSeconds (5).
    await waitFor('the held connections time out', () => ((hog.tally()?.timeoutAfterMs.length ?? 0) >= 32 ? true : undefined), 15_000, 50);
    const later = hog.tally();
    assert.ok(later);
    const timeout = later.samples.HVNET_TIMEOUT;
    assert.ok(timeout);
    assert.match(timeout.message, /api\.firstRequestTimeoutSeconds/);
    for (const ms of later.timeoutAfterMs) assert.ok(ms >= 4_900 && ms < 8_000, `a silent connection was closed after ${ms} ms (timeout 5 s)`);

    // Thousands of refusals in the first seconds; the journal gets a handful of lines.
    const elapsedWindows = Math.ceil((Date.now() - started) / 10_000);
    const warnings = warnLines(hv.daemon.log(), /API connections? refused/);
    assert.ok((later.replies.HVNET_TOO_MANY_CONNECTIONS ?? 0) > 1_000, JSON.stringify(later.replies));
    assert.ok(warnings.length >= 1 && warnings.length <= elapsedWindows + 1, `${warnings.length} refusal warnings in ${elapsedWindows} windows:\n${warnings.join('\n')}`);
    for (const w of warnings) assert.match(w, /api\.maxConnectionsPerUser/);
  });

  it('users together fill only their share: root gets in through its reserve', async () => {
    const dir = testRun.tempDir('sock-share');
    hv = await startHvnetd(
      writeConfig(dir, ovn.nb.unix, { api: { group: 'nogroup', maxConnections: 40, maxConnectionsPerUser: 8, rootReservedConnections: 4 } }),
    );
    const { socket } = hv.setup;
    // 6 users × 8 = 48: more than the 36 the non-root users share.
    for (const uid of [65534, 60001, 60002, 60003, 60004, 60005]) hogs.push(await startHog(dir, socket, uid, 20, 500));
    await waitFor(
      'the users have filled their share',
      () => (hogs.reduce((n, h) => n + (h.tally()?.heldLong ?? 0), 0) >= 36 ? true : undefined),
      20_000,
      50,
    );
    const s = await rootStatus(socket);
    assert.equal(s.code, 0, s.stderr);
    const tallies = hogs.map((h) => h.tally());
    const held = tallies.reduce((n, t) => n + (t?.heldLong ?? 0), 0);
    assert.ok(held <= 36, `non-root users hold ${held}; their share is 36`);
    const overall = tallies.map((t) => t?.samples.HVNET_TOO_MANY_CONNECTIONS).find((r) => r?.details.key === 'api.maxConnections');
    assert.ok(overall, 'some user was refused for the overall limit');
    assert.match(overall.message, /api\.maxConnections = 40/);
    assert.match(overall.message, /api\.rootReservedConnections = 4/);
  });
});
