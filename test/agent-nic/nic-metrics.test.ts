// hvnet_nics counts NICs by kind, mode and where they are: a macvtap NIC attached to a stopped
// domain through the real CLI, hvnetd and libvirtd shows on the scraped /metrics page, and goes
// once detached.
import assert from 'node:assert/strict';
import { freePort, startOvn } from '../../testbed/ovn.js';
import type { OvnHandle } from '../../testbed/ovn.js';
import { startLibvirt } from '../../testbed/libvirt.js';
import type { Libvirt } from '../../testbed/libvirt.js';
import { vethPair } from '../../testbed/netns.js';
import type { VethPair } from '../../testbed/netns.js';
import { waitFor } from '../../testbed/exec.js';
import { testRun } from '../../testbed/test-run.js';
import { startHvnetd, writeConfig } from '../agent/harness.js';
import type { RunningHvnetd } from '../agent/harness.js';
import type { HostStatus } from '../../agent/api/status.js';
import type { ResultOf } from '../../agent/api/methods.js';
import type { nicAttachMethod } from '../../agent/api/nics.js';
import { NicCli, defineStoppedDomain } from './helpers.js';
import type { StoppedDomain } from './helpers.js';

/** The hvnet_nics samples, labels sorted by name (`kind=…,mode=…,state=…` → value). */
async function nicSamples(url: string): Promise<Record<string, number>> {
  const res = await fetch(url);
  assert.equal(res.status, 200);
  const out: Record<string, number> = {};
  for (const line of (await res.text()).split('\n')) {
    const m = /^hvnet_nics\{([^}]*)\} (\S+)$/.exec(line);
    if (m?.[1] === undefined || m[2] === undefined) continue;
    const labels = m[1].split(',').map((l) => l.replace(/"/g, '')).sort().join(',');
    out[labels] = Number(m[2]);
  }
  return out;
}

describe('agent-nic: NIC metrics by kind', function () {
  this.timeout(120_000);
  let ovn: OvnHandle;
  let libvirt: Libvirt;
  let stopped: StoppedDomain;
  let veth: VethPair;
  let hv: RunningHvnetd;
  let cli: NicCli;
  let url: string;

  before(async function () {
    this.timeout(240_000);
    ovn = await startOvn({ northd: false });
    libvirt = await startLibvirt();
    stopped = await defineStoppedDomain(libvirt);
    veth = await vethPair();
    const listen = `127.0.0.1:${await freePort()}`;
    url = `http://${listen}/metrics`;
    hv = await startHvnetd(writeConfig(testRun.tempDir('nic-metrics'), ovn.nb.unix, { metrics: { listen }, libvirt: { uri: 'qemu:///system' } }));
    cli = new NicCli(hv.setup.socket);
    await waitFor('hvnetd connected to libvirt', async () => ((await cli.json<{ status: HostStatus }>(['status'])).status.libvirt.state === 'connected' ? true : undefined), 15_000, 100);
  });
  after(async () => {
    await hv?.daemon.stop();
    await veth?.delete();
    await stopped?.remove();
    await libvirt?.stop();
    await ovn?.stop();
  });

  it('a macvtap NIC attached to a stopped domain is counted with its kind, mode and state; detached, it is not', async () => {
    assert.deepEqual(await nicSamples(url), {});
    const a = await cli.json<ResultOf<typeof nicAttachMethod>>(['nic', 'attach', stopped.name, '--source', veth.a, '--mode', 'bridge', '--config']);
    const counted = JSON.stringify({ 'kind=macvtap,mode=bridge,state=config': 1 });
    await waitFor('the NIC counted', async () => (JSON.stringify(await nicSamples(url)) === counted ? true : undefined), 10_000, 100);
    await cli.json(['nic', 'detach', stopped.name, a.mac]);
    await waitFor('the NIC no longer counted', async () => (JSON.stringify(await nicSamples(url)) === '{}' ? true : undefined), 10_000, 100);
  });
});
