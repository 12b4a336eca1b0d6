// A peering as Incus has it, traced through real OVN: pending while one-sided, created (both
// sides' ports and routes, SB patch bindings pointing at each other) once mutual, and gone from
// both routers when either side is deleted.
import assert from 'node:assert/strict';
import { startOvn } from '../../testbed/ovn.js';
import type { OvnHandle } from '../../testbed/ovn.js';
import type { OvnNetworks } from '../../lib/ovn/networks.js';
import type { NetworkInfo } from '../../lib/ovn/network-plan.js';
import { SelfPeeringError } from '../../lib/ovn/errors.js';
import { rowNames } from '../../lib/ovn/ids.js';
import { addInstance, openNetworks, sbBinding, trace, traceReaches } from './helpers.js';
import type { Instance } from './helpers.js';

describe('ovn peering: trace through real OVN', function () {
  this.timeout(60_000);
  let ovn: OvnHandle;
  let nets: OvnNetworks;
  let a: NetworkInfo;
  let b: NetworkInfo;
  let ia: Instance;
  let ib: Instance;

  before(async () => {
    ovn = await startOvn();
    nets = await openNetworks(ovn.nb.unix, { wait: 'sb' });
    a = await nets.createNetwork({ name: 'net-a', ipv4: '10.10.1.1/24', ipv6: 'fd42:1::1/64' });
    b = await nets.createNetwork({ name: 'net-b', ipv4: '10.10.2.1/24', ipv6: 'fd42:2::1/64' });
    ia = await addInstance(ovn, a);
    ib = await addInstance(ovn, b);
    await ovn.nbctl(['--wait=sb', 'sync']);
  });
  after(async () => {
    await nets?.close();
    await ovn?.stop();
  });

  it('one side only: pending, no rows, the trace stops in A', async () => {
    const p = await nets.createPeering({ network: 'net-a', name: 'to-b', target: 'net-b', config: { 'user.k': 'v' } });
    assert.equal(p.status, 'pending');
    assert.deepEqual(nets.showPeering({ network: 'net-a', name: 'to-b' }), p);
    assert.equal(await ovn.nbctl(['--bare', '--columns=name', 'find', 'Logical_Router_Port', `name=${rowNames.peerPort(a.id, b.id)}`]), '');
    assert.equal(await traceReaches(ovn, ia, ib), false);
  });

  it('both sides: created, rows on both routers, SB patch bindings, trace crosses both routers', async () => {
    const p = await nets.createPeering({ network: 'net-b', name: 'to-a', target: 'net-a' });
    assert.equal(p.status, 'created');
    assert.equal(nets.showPeering({ network: 'net-a', name: 'to-b' }).status, 'created');
    assert.equal(nets.showPeering({ network: 'net-b', name: 'to-a' }).status, 'created');

    const pa = rowNames.peerPort(a.id, b.id);
    const pb = rowNames.peerPort(b.id, a.id);
    const lrpA = await ovn.nbctl(['--bare', '--columns=mac,networks,peer', 'list', 'Logical_Router_Port', pa]);
    assert.match(lrpA, new RegExp(a.mac));
    assert.match(lrpA, /10\.10\.1\.1\/32/);
    assert.match(lrpA, /fd42:1::1\/128/);
    assert.match(lrpA, new RegExp(pb));
    const routes = await ovn.nbctl(['lr-route-list', a.router]);
    assert.match(routes, new RegExp(`10\\.10\\.2\\.0/24\\s+10\\.10\\.2\\.1 dst-ip ${pa}`));
    assert.match(routes, new RegExp(`fd42:2::/64\\s+fd42:2::1 dst-ip ${pa}`));

    const sbA = await sbBinding(ovn, pa);
    const sbB = await sbBinding(ovn, pb);
    assert.equal(sbA?.type, 'patch');
    assert.equal(sbA?.options, `peer=${pb}`);
    assert.equal(sbB?.type, 'patch');
    assert.equal(sbB?.options, `peer=${pa}`);

    const t = await trace(ovn, ia, ib);
    assert.match(t, new RegExp(`eth.dst = ${b.mac}`), 'next hop is B\'s router');
    assert.ok(t.includes(`output("${ib.lsp}")`), t);
    assert.ok(await traceReaches(ovn, ib, ia), 'and back');
    assert.ok(await traceReaches(ovn, ia, ib, 6), 'IPv6 too');
  });

  it('delete one side: both sides\' rows go in one transaction, the other side is pending again', async () => {
    await nets.deletePeering({ network: 'net-a', name: 'to-b' });
    assert.equal(nets.showPeering({ network: 'net-b', name: 'to-a' }).status, 'pending');
    for (const lr of [a.router, b.router]) {
      assert.equal((await ovn.nbctl(['lr-route-list', lr])).trim(), '');
      assert.doesNotMatch(await ovn.nbctl(['show', lr]), /peer/);
    }
    assert.equal(await traceReaches(ovn, ia, ib), false);
    assert.equal(await traceReaches(ovn, ib, ia), false);
  });

  it('self-peering is refused; re-creating the deleted side makes the pair created again', async () => {
    await assert.rejects(nets.createPeering({ network: 'net-a', name: 'me', target: 'default/net-a' }), SelfPeeringError);
    await assert.rejects(nets.createPeering({ network: 'net-a', name: 'me', target: 'net-a' }), (e: unknown) => e instanceof SelfPeeringError && /cannot peer with itself/.test(e.message));
    const again = await nets.createPeering({ network: 'net-a', name: 'to-b', target: 'net-b' });
    assert.equal(again.status, 'created');
    assert.ok(await traceReaches(ovn, ia, ib));
  });
});
