// Every NB transaction of hvnetd goes through its one timed path: a peering created through the
// socket shows up in hvnet_ovsdb_transaction_duration_seconds on the scraped /metrics page.
import assert from 'node:assert/strict';
import { freePort, startOvn } from '../../testbed/ovn.js';
import type { OvnHandle } from '../../testbed/ovn.js';
import { testRun } from '../../testbed/test-run.js';
import { waitFor } from '../../testbed/exec.js';
import { statusMethod } from '../../agent/api/methods.js';
import { networkCreateMethod, peerCreateMethod } from '../../agent/api/networks.js';
import { startHvnetd, writeConfig } from '../agent/harness.js';
import type { RunningHvnetd } from '../agent/harness.js';

const METRIC = 'hvnet_ovsdb_transaction_duration_seconds_count';

/** The histogram's count by `result` label, from the page as Prometheus would scrape it. */
async function transactionCounts(url: string): Promise<Record<string, number>> {
  const res = await fetch(url);
  assert.equal(res.status, 200);
  const out: Record<string, number> = {};
  for (const line of (await res.text()).split('\n')) {
    const m = new RegExp(`^${METRIC}\\{result="(\\w+)"\\} (\\d+)$`).exec(line);
    if (m?.[1] !== undefined) out[m[1]] = Number(m[2]);
  }
  return out;
}

describe('agent-ovn: the NB transaction metric', function () {
  this.timeout(60_000);
  let ovn: OvnHandle;
  let d: RunningHvnetd;
  let url: string;

  before(async () => {
    ovn = await startOvn();
    const listen = `127.0.0.1:${await freePort()}`;
    url = `http://${listen}/metrics`;
    const setup = writeConfig(testRun.tempDir('hvnetd-metrics'), ovn.nbRemotes, {
      libvirt: { uri: 'test:///default' },
      ovn: { nb: { readyTimeoutSeconds: 20 } },
      metrics: { listen },
    });
    d = await startHvnetd(setup);
    await waitFor('hvnetd connected to the NB', async () => ((await d.client.call(statusMethod, {})).status.ovn.nb.state === 'connected' ? true : undefined), 20_000, 50);
    await d.client.call(networkCreateMethod, { name: 'm1', config: { 'ipv4.address': '10.71.1.1/24' } });
    await d.client.call(networkCreateMethod, { name: 'm2', config: { 'ipv4.address': '10.71.2.1/24' } });
  });
  after(async () => {
    await d?.daemon.stop();
    await ovn?.stop();
  });

  it('a peering created through the socket is counted', async () => {
    const before = await transactionCounts(url);
    await d.client.call(peerCreateMethod, { network: 'm1', name: 'to-m2', target: 'm2' });
    const after = await transactionCounts(url);
    assert.ok((after.ok ?? 0) > (before.ok ?? 0), `${METRIC}{result="ok"}: ${before.ok ?? 'absent'} before, ${after.ok ?? 'absent'} after`);
  });
});
