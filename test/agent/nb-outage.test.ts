// The NB going away under a running hvnetd: a 3-member RAFT NB loses two members (no quorum, so
// no server will serve it), `hvnet status` and the next controller report say the NB is
// disconnected and the host non-operational; one member back gives the cluster a leader again
// and hvnetd reconnects by itself.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, startOvn } from '../../testbed/ovn.js';
import type { OvnHandle } from '../../testbed/ovn.js';
import { testCerts } from '../../testbed/certs.js';
import { waitFor } from '../../testbed/exec.js';
import { testRun } from '../../testbed/test-run.js';
import { hvnetCli, startController, startHvnetd, writeConfig } from './harness.js';
import type { HostStatus } from '../../agent/api/status.js';
import type { HostRecord } from '../../agent/controller/store.js';

describe('agent: NB outage', function () {
  this.timeout(90_000);
  let ovn: OvnHandle;

  before(async () => {
    ovn = await startOvn({ clustered: 3, northd: false });
  });
  after(async () => {
    await ovn.stop();
  });

  it('kill the NB: status and the next report say disconnected and non-operational; restart it: operational again, same hvnetd', async () => {
    const dir = testRun.tempDir('nb-outage');
    const certs = await testCerts();
    const tokenFile = join(dir, 'token');
    writeFileSync(tokenFile, `${testRun.nextName()}-secret\n`, { mode: 0o600 });
    const port = await freePort();
    const ctl = await startController({ dir, port, tokenFile, cert: certs.server.cert, key: certs.server.key, ca: certs.ca });
    const setup = writeConfig(dir, ovn.nbRemotes, {
      controller: { url: ctl.url, tokenFile, caFile: certs.ca, retry: { initialSeconds: 0.2, maxSeconds: 1 } },
    });
    const hv = await startHvnetd(setup);
    const status = async (): Promise<HostStatus> => {
      const r = await hvnetCli(['--socket', setup.socket, 'status', '--format', 'json']);
      assert.equal(r.code, 0, r.stderr);
      return (JSON.parse(r.stdout) as { status: HostStatus }).status;
    };
    const latestReport = async (): Promise<HostRecord | undefined> => {
      const r = await ctl.get(`/v1/hosts/${setup.hostId}`);
      return r.status === 200 ? (r.body as HostRecord) : undefined;
    };

    const up = await waitFor('operational with the NB', async () => {
      const s = await status();
      return s.state === 'operational' ? s : undefined;
    }, 10_000, 100);
    const remote = up.ovn.nb.remote;
    const leader = ovn.members.findIndex((m) => m.tcp === remote);
    assert.ok(leader >= 0, `hvnetd's remote ${remote} is no member's`);
    await waitFor('an operational report', async () => ((await latestReport())?.report.status.state === 'operational' ? true : undefined), 10_000, 100);
    const seqBefore = (await latestReport())?.lastSequence ?? 0;

    // Kill the member hvnetd uses and one more: the last one has no quorum and serves nobody.
    const other = [0, 1, 2].find((i) => i !== leader) ?? 0;
    const killedAt = Date.now();
    await ovn.members[leader]?.daemon.kill();
    await ovn.members[other]?.daemon.kill();
    const down = await waitFor('hvnet status: NB disconnected', async () => {
      const s = await status();
      return s.ovn.nb.state !== 'connected' && s.state === 'non-operational' ? s : undefined;
    }, 5_000, 50);
    assert.ok(Date.now() - killedAt < 2_500, `status took ${Date.now() - killedAt} ms to show the NB down`);
    assert.ok(down.reasons.some((r) => r.code === 'nb-disconnected'));
    const report = await waitFor('a report with the NB down', async () => {
      const rec = await latestReport();
      return rec && rec.lastSequence > seqBefore ? rec : undefined;
    }, 5_000, 50);
    assert.equal(report.report.status.state, 'non-operational');
    assert.notEqual(report.report.status.ovn.nb.state, 'connected');

    // One member back: quorum, a leader, and hvnetd finds it.
    await ovn.restart(other);
    const back = await waitFor('operational again', async () => {
      const s = await status();
      return s.state === 'operational' ? s : undefined;
    }, 20_000, 100);
    assert.equal(back.ovn.nb.state, 'connected');
    assert.ok(back.ovn.nb.reconnects >= 1, JSON.stringify(back.ovn.nb));
    await waitFor('an operational report again', async () => ((await latestReport())?.report.status.state === 'operational' ? true : undefined), 5_000, 100);
    assert.equal(hv.daemon.hasExited, false, 'hvnetd restarted');
    await ovn.restart(leader);
    await hv.daemon.stop();
    await ctl.daemon.stop();
  });
});
