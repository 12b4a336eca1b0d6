// A real hvnetd's reports carry its peerings as deltas on top of the previous report; a controller
// that lost its copy (restarted with an empty state directory) cannot apply the next delta, asks
// for the full set in its answer, and has the host's whole set again with the next report.
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, startOvn } from '../../testbed/ovn.js';
import { waitFor } from '../../testbed/exec.js';
import { testRun } from '../../testbed/test-run.js';
import { startHvnetd, writeConfig } from '../agent/harness.js';
import { networkCreateMethod, peerCreateMethod } from '../../agent/api/networks.js';
import { statusMethod } from '../../agent/api/methods.js';
import type { HostRecord } from '../../agent/controller/store.js';
import { startFleetController } from './helpers.js';

describe('controller: peering deltas from a real hvnetd', function () {
  this.timeout(90_000);

  it('deltas keep the set exact; a controller that lost it gets the full set back (resync)', async () => {
    const ovn = await startOvn({ northd: false });
    const dir = testRun.tempDir('resync');
    const port = await freePort();
    const tok = `token-of-hvr-${testRun.id}-0123456789`;
    let ctl = await startFleetController(dir, port, { hvr: tok });
    const tokenFile = join(dir, 'hvr-token');
    writeFileSync(tokenFile, `${tok}\n`, { mode: 0o600 });
    const setup = writeConfig(testRun.tempDir('hvr'), ovn.nb.unix, {
      host: { id: 'hvr' },
      controller: { url: ctl.url, tokenFile, intervalSeconds: 1, retry: { initialSeconds: 0.2, maxSeconds: 1 } },
    });
    const hv = await startHvnetd(setup);
    try {
      const record = async (): Promise<HostRecord | undefined> => {
        const r = await ctl.get('/v1/hosts/hvr');
        return r.status === 200 ? (JSON.parse(r.body) as HostRecord) : undefined;
      };
      await waitFor('the start report', async () => ((await record()) ? true : undefined), 10_000, 50);
      for (let i = 0; i < 6; i++) await hv.client.call(networkCreateMethod, { name: `r${i}`, config: { 'ipv4.address': `10.92.${i}.1/24` } });
      for (let i = 0; i < 5; i++) {
        await hv.client.call(peerCreateMethod, { network: `r${i}`, name: `to-r${i + 1}`, target: `r${i + 1}` });
        await hv.client.call(peerCreateMethod, { network: `r${i + 1}`, name: `to-r${i}`, target: `r${i}` });
      }
      const names = (r: HostRecord | undefined): string[] => (r?.report.peerings.items ?? []).map((p) => `${p.network}/${p.name}/${p.status}`).sort();
      const want = Array.from({ length: 5 }, (_, i) => [`r${i}/to-r${i + 1}/Created`, `r${i + 1}/to-r${i}/Created`]).flat().sort();
      const exact = await waitFor('the controller holds all 10 peerings Created', async () => {
        const r = await record();
        return r && names(r).join() === want.join() ? r : undefined;
      }, 10_000, 100);
      assert.equal(exact.peeringsStale, false);
      assert.equal(exact.resyncs, 0, 'a delta did not apply');
      // The start report had no peering and no resync happened: the 10 came in the later reports'
      // deltas (one or more: the reporter debounces a burst into one report).
      assert.ok(exact.accepted >= 2, 'the peerings came in deltas after the start report');
      assert.equal(exact.report.peerings.digest.length, 32);

      // The controller loses its state: the next delta has no base there.
      await ctl.daemon.stop();
      rmSync(join(dir, 'controller', 'hosts'), { recursive: true, force: true });
      ctl = await startFleetController(dir, port, { hvr: tok });
      const back = await waitFor('the full set again', async () => {
        const r = await record();
        return r && !r.peeringsStale && r.resyncs === 1 && names(r).join() === want.join() ? r : undefined;
      }, 10_000, 100);
      assert.equal(back.report.reason === 'resync' || back.report.reason === 'heartbeat', true);
      const st = await hv.client.call(statusMethod, {});
      assert.equal(st.status.peerings.total, 10);
      assert.equal(st.reporting.dropped, 0);
    } finally {
      await hv.daemon.stop();
      await ctl.daemon.stop();
      await ovn.stop();
    }
  });
});
