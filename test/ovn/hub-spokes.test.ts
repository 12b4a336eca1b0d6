// A network peered with several others at once (the Incus bug "More than one matching network
// peer" must not happen), and deleting one spoke leaves the others untouched (Incus PR#3995).
import assert from 'node:assert/strict';
import { startOvn } from '../../testbed/ovn.js';
import type { OvnHandle } from '../../testbed/ovn.js';
import type { OvnNetworks } from '../../lib/ovn/networks.js';
import type { NetworkInfo } from '../../lib/ovn/network-plan.js';
import { PeeringTargetTakenError } from '../../lib/ovn/errors.js';
import { rowNames } from '../../lib/ovn/ids.js';
import { addInstance, openNetworks, traceReaches } from './helpers.js';
import type { Instance } from './helpers.js';

describe('ovn peering: hub and spokes', function () {
  this.timeout(60_000);
  let ovn: OvnHandle;
  let nets: OvnNetworks;
  const net: Record<string, NetworkInfo> = {};
  const inst: Record<string, Instance> = {};

  before(async () => {
    ovn = await startOvn();
    nets = await openNetworks(ovn.nb.unix, { wait: 'sb' });
    for (const [i, n] of ['hub', 'b', 'c', 'd'].entries()) {
      net[n] = await nets.createNetwork({ name: n, ipv4: `10.30.${i + 1}.1/24`, ipv6: `fd42:30:${i + 1}::1/64` });
      inst[n] = await addInstance(ovn, net[n]);
    }
  });
  after(async () => {
    await nets?.close();
    await ovn?.stop();
  });

  const reaches = (x: string, y: string): Promise<boolean> => traceReaches(ovn, inst[x] as Instance, inst[y] as Instance);

  it('the hub peers with three spokes at once, all created, every trace passes', async () => {
    // The hub's three declarations and the spokes' answers, all in flight together.
    await Promise.all([
      ...['b', 'c', 'd'].map((s) => nets.createPeering({ network: 'hub', name: `to-${s}`, target: s })),
      ...['b', 'c', 'd'].map((s) => nets.createPeering({ network: s, name: 'to-hub', target: 'hub' })),
    ]);
    await ovn.nbctl(['--wait=sb', 'sync']);
    for (const p of nets.listPeerings({ network: 'hub' })) assert.equal(p.status, 'created', p.name);
    for (const s of ['b', 'c', 'd']) {
      assert.equal(nets.showPeering({ network: s, name: 'to-hub' }).status, 'created');
      assert.ok(await reaches('hub', s), `hub -> ${s}`);
      assert.ok(await reaches(s, 'hub'), `${s} -> hub`);
    }
    assert.equal(await reaches('b', 'c'), false, 'spokes are not peered with each other');
    const hub = net.hub as NetworkInfo;
    const routes = await ovn.nbctl(['lr-route-list', hub.router]);
    assert.equal(routes.split('\n').filter((l) => /dst-ip/.test(l)).length, 6, routes);
  });

  it('one peering per (network, target)', async () => {
    await assert.rejects(nets.createPeering({ network: 'hub', name: 'again-b', target: 'default/b' }), PeeringTargetTakenError);
  });

  it('deleting hub<->c leaves hub<->b and hub<->d created, with their rows and traces', async () => {
    const hub = net.hub as NetworkInfo;
    const c = net.c as NetworkInfo;
    await nets.deletePeering({ network: 'hub', name: 'to-c' }, { wait: 'sb' });
    assert.equal(nets.showPeering({ network: 'c', name: 'to-hub' }).status, 'pending');
    assert.equal(nets.showPeering({ network: 'hub', name: 'to-b' }).status, 'created');
    assert.equal(nets.showPeering({ network: 'hub', name: 'to-d' }).status, 'created');
    assert.equal(await reaches('hub', 'c'), false);
    assert.ok(await reaches('hub', 'b'));
    assert.ok(await reaches('hub', 'd'));
    assert.ok(await reaches('d', 'hub'));
    const ports = await ovn.nbctl(['--bare', '--columns=name', 'list', 'Logical_Router_Port']);
    assert.ok(!ports.includes(rowNames.peerPort(hub.id, c.id)));
    assert.ok(!ports.includes(rowNames.peerPort(c.id, hub.id)));
    const routes = await ovn.nbctl(['lr-route-list', hub.router]);
    assert.equal(routes.split('\n').filter((l) => /dst-ip/.test(l)).length, 4, routes);
  });
});
