// Real packets: namespaces on two hvnet networks, bound on a chassis (userspace datapath), ping
// each other only while the peering is created — not before, not after it is deleted.
import assert from 'node:assert/strict';
import { startOvn } from '../../testbed/ovn.js';
import type { OvnHandle } from '../../testbed/ovn.js';
import { startChassis } from '../../testbed/chassis.js';
import type { ChassisHandle, Workload } from '../../testbed/chassis.js';
import type { OvnNetworks } from '../../lib/ovn/networks.js';
import type { NetworkInfo } from '../../lib/ovn/network-plan.js';
import { addInstance, openNetworks } from './helpers.js';
import type { Instance } from './helpers.js';

async function plug(chassis: ChassisHandle, i: Instance): Promise<Workload> {
  const [gw, prefix] = (i.net.ipv4 ?? '').split('/');
  const [gw6, prefix6] = (i.net.ipv6 ?? '').split('/');
  return chassis.plugNamespace(i.lsp, i.mac, `${i.ipv4}/${prefix ?? ''}`, gw ?? '', i.ipv6 ? { ipv6: `${i.ipv6}/${prefix6 ?? ''}`, gw6: gw6 ?? '' } : {});
}

describe('ovn peering: dataplane on a chassis', function () {
  this.timeout(90_000);
  let ovn: OvnHandle;
  let chassis: ChassisHandle;
  let nets: OvnNetworks;
  let wa: Workload;
  let ia: Instance;
  let ib: Instance;

  before(async () => {
    ovn = await startOvn();
    chassis = await startChassis({ sb: ovn.sb.unix });
    nets = await openNetworks(ovn.nb.unix, { wait: 'hv' });
    const a: NetworkInfo = await nets.createNetwork({ name: 'a', ipv4: '10.80.1.1/24', ipv6: 'fd42:80:1::1/64' });
    const b: NetworkInfo = await nets.createNetwork({ name: 'b', ipv4: '10.80.2.1/24', ipv6: 'fd42:80:2::1/64' });
    ia = await addInstance(ovn, a);
    ib = await addInstance(ovn, b);
    wa = await plug(chassis, ia);
    await plug(chassis, ib);
    await ovn.nbctl(['--wait=hv', 'sync']);
    assert.ok(await wa.ping((a.ipv4 ?? '').split('/')[0] ?? '', { count: 3 }), 'the workload reaches its own gateway');
  });
  after(async () => {
    await nets?.close();
    await chassis?.stop();
    await ovn?.stop();
  });

  it('no ping while pending', async () => {
    await nets.createPeering({ network: 'a', name: 'ab', target: 'b' });
    assert.equal(await wa.ping(ib.ipv4, { count: 1, waitS: 1 }), false);
  });

  it('ping (IPv4 and IPv6) once created', async () => {
    const p = await nets.createPeering({ network: 'b', name: 'ba', target: 'a' });
    assert.equal(p.status, 'created');
    assert.ok(await wa.ping(ib.ipv4, { count: 3 }), 'IPv4');
    assert.ok(await wa.ping(ib.ipv6 ?? '', { count: 3 }), 'IPv6');
  });

  it('no ping after the peering is deleted', async () => {
    await nets.deletePeering({ network: 'b', name: 'ba' });
    assert.equal(await wa.ping(ib.ipv4, { count: 1, waitS: 1 }), false);
  });
});
