// The networks service's metrics after real operations through a real hvnetd on a real NB:
// peerings by status, a plan retried after another writer changed its router first, the errors callers got by
// code, and a drift repair after a peer port is deleted behind hvnet's back; all read from the
// scraped /metrics page.
import assert from 'node:assert/strict';
import { freePort, startOvn } from '../../testbed/ovn.js';
import type { OvnHandle } from '../../testbed/ovn.js';
import { testRun } from '../../testbed/test-run.js';
import { waitFor } from '../../testbed/exec.js';
import { rowNames } from '../../lib/ovn/ids.js';
import { statusMethod } from '../../agent/api/methods.js';
import { networkCreateMethod, networkShowMethod, peerCreateMethod } from '../../agent/api/networks.js';
import { HvnetError } from '../../agent/api/errors.js';
import { startHvnetd, writeConfig } from '../agent/harness.js';
import type { RunningHvnetd } from '../agent/harness.js';
import { openNetworks } from '../ovn/helpers.js';
import { startNbRelay } from './nb-relay.js';
import type { NbRelay } from './nb-relay.js';

/** Every sample of the page, keyed `name{labels}` as Prometheus prints them. */
async function scrape(url: string): Promise<Map<string, number>> {
  const res = await fetch(url);
  assert.equal(res.status, 200);
  const out = new Map<string, number>();
  for (const line of (await res.text()).split('\n')) {
    const m = /^([a-z_]+(?:\{[^}]*\})?) (\S+)$/.exec(line);
    if (m?.[1] !== undefined && m[2] !== undefined) out.set(m[1], Number(m[2]));
  }
  return out;
}

describe('agent-ovn: peering metrics', function () {
  this.timeout(60_000);
  let ovn: OvnHandle;
  let d: RunningHvnetd;
  let url: string;
  let relay: NbRelay;

  before(async () => {
    ovn = await startOvn({ northd: false });
    relay = await startNbRelay(ovn.nb.unix);
    const listen = `127.0.0.1:${await freePort()}`;
    url = `http://${listen}/metrics`;
    const setup = writeConfig(testRun.tempDir('hvnetd-peering-metrics'), relay.remote, {
      libvirt: { uri: 'test:///default' },
      ovn: { nb: { readyTimeoutSeconds: 20 } },
      metrics: { listen },
    });
    d = await startHvnetd(setup);
    await waitFor('hvnetd connected to the NB', async () => ((await d.client.call(statusMethod, {})).status.ovn.nb.state === 'connected' ? true : undefined), 20_000, 50);
  });
  after(async () => {
    await d?.daemon.stop();
    await relay?.close();
    await ovn?.stop();
  });

  it('peerings by status, retries, errors by code and drift repairs have the values of what was done', async () => {
    const c = d.client;
    const m0 = await scrape(url);
    assert.equal(m0.get('hvnet_peerings{status="Created"}'), 0);
    assert.equal(m0.get('hvnet_ovn_plan_retries_total{reason="conflict"}'), 0);
    assert.equal(m0.get('hvnet_ovn_plan_retries_total{reason="outcome_unknown"}'), 0);
    assert.equal(m0.get('hvnet_drift_repairs_total'), 0);

    for (const [name, ipv4] of [['a', '10.83.1.1/24'], ['b', '10.83.2.1/24'], ['c', '10.83.3.1/24'], ['d', '10.84.0.1/16'], ['e', '10.84.7.1/24']] as const) {
      await c.call(networkCreateMethod, { name, config: { 'ipv4.address': ipv4 } });
    }
    await c.call(peerCreateMethod, { network: 'a', name: 'to-b', target: 'b' });
    await c.call(peerCreateMethod, { network: 'b', name: 'to-a', target: 'a' });
    // Overlapping subnets: both sides errored.
    await c.call(peerCreateMethod, { network: 'd', name: 'to-e', target: 'e' });
    await c.call(peerCreateMethod, { network: 'e', name: 'to-d', target: 'd' });
    const errorsBefore = (await scrape(url)).get('hvnet_ovsdb_transaction_duration_seconds_count{result="error"}') ?? 0;
    // Concurrent writes to one router from hvnetd and another writer (another host's hvnet, here
    // an OvnNetworks of the test): the relay holds hvnetd's transaction until the other has
    // committed to the same router, so hvnetd's guard fails and it re-plans, once.
    const other = await openNetworks(ovn.nbRemotes, { reconcile: false });
    try {
      const hold = relay.holdNextTransact();
      const mine = c.call(peerCreateMethod, { network: 'c', name: 'p0', target: 'nope0' });
      await hold.held;
      await other.createPeering({ network: 'c', name: 'q0', target: 'none0' });
      hold.release();
      await mine;
    } finally {
      await other.close();
    }
    const pending = 2;

    const refuse = async (p: Promise<unknown>, code: string): Promise<void> => {
      await assert.rejects(p, (e: unknown) => e instanceof HvnetError && e.code === code);
    };
    await refuse(c.call(peerCreateMethod, { network: 'a', name: 'self', target: 'a' }), 'HVNET_OVN_SELF_PEERING');
    await refuse(c.call(networkShowMethod, { name: 'nope' }), 'HVNET_OVN_NETWORK_NOT_FOUND');
    await refuse(c.call(networkShowMethod, { name: 'nope2' }), 'HVNET_OVN_NETWORK_NOT_FOUND');

    const m1 = await scrape(url);
    assert.equal(m1.get('hvnet_peerings{status="Created"}'), 2);
    assert.equal(m1.get('hvnet_peerings{status="Pending"}'), pending);
    assert.equal(m1.get('hvnet_peerings{status="Errored"}'), 2);
    const conflicts = m1.get('hvnet_ovn_plan_retries_total{reason="conflict"}') ?? 0;
    assert.equal(conflicts, 1, 'a write whose router another writer changed first re-plans once');
    // On this NB the only failed transactions are failed guards, each re-planned once.
    assert.equal(conflicts, (m1.get('hvnet_ovsdb_transaction_duration_seconds_count{result="error"}') ?? 0) - errorsBefore);
    assert.equal(m1.get('hvnet_ovn_plan_retries_total{reason="outcome_unknown"}'), 0);
    assert.equal(m1.get('hvnet_ovn_errors_total{code="HVNET_OVN_SELF_PEERING"}'), 1);
    assert.equal(m1.get('hvnet_ovn_errors_total{code="HVNET_OVN_NETWORK_NOT_FOUND"}'), 2);
    assert.equal(m1.get('hvnet_drift_repairs_total'), 0);

    const a = await c.call(networkShowMethod, { name: 'a' });
    const b = await c.call(networkShowMethod, { name: 'b' });
    const port = rowNames.peerPort(a.id, b.id);
    await ovn.nbctl(['lrp-del', port]);
    await waitFor(`${port} put back`, async () => ((await ovn.nbctl(['--bare', '--columns=name', 'find', 'Logical_Router_Port', `name=${port}`])).trim() === port ? true : undefined), 10_000, 50);
    const m2 = await scrape(url);
    assert.equal(m2.get('hvnet_drift_repairs_total'), 1);
    assert.equal(m2.get('hvnet_peerings{status="Created"}'), 2);
  });
});
