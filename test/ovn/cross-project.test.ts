// Peerings across projects, and targets that do not exist: a missing project, a missing network
// and a network that has not answered all look exactly alike (no discovery of other projects).
import assert from 'node:assert/strict';
import { startOvn } from '../../testbed/ovn.js';
import type { OvnHandle } from '../../testbed/ovn.js';
import type { OvnNetworks } from '../../lib/ovn/networks.js';
import type { PeeringInfo } from '../../lib/ovn/peering-plan.js';
import { ProjectNotEmptyError, ProjectProtectedError, ProjectNotFoundError } from '../../lib/ovn/errors.js';
import { addInstance, openNetworks, traceReaches } from './helpers.js';

describe('ovn peering: across projects', function () {
  this.timeout(60_000);
  let ovn: OvnHandle;
  let nets: OvnNetworks;

  before(async () => {
    ovn = await startOvn();
    nets = await openNetworks(ovn.nb.unix, { wait: 'sb' });
    await nets.createProject({ name: 'p1', description: 'first' });
    await nets.createProject({ name: 'p2' });
  });
  after(async () => {
    await nets?.close();
    await ovn?.stop();
  });

  it('projects: default always exists, a network needs its project, a project with networks stays', async () => {
    assert.deepEqual(
      nets.listProjects().map((p) => p.name),
      ['default', 'p1', 'p2'],
    );
    await assert.rejects(nets.createNetwork({ project: 'nope', name: 'x', ipv4: '10.1.1.1/24' }), ProjectNotFoundError);
    await assert.rejects(nets.deleteProject('default'), ProjectProtectedError);
    await nets.createProject({ name: 'p3' });
    await nets.createNetwork({ project: 'p3', name: 'x', ipv4: '10.1.1.1/24' });
    await assert.rejects(nets.deleteProject('p3'), ProjectNotEmptyError);
    await nets.deleteNetwork({ project: 'p3', name: 'x' });
    await nets.deleteProject('p3');
    assert.equal(nets.showProject('p3'), undefined);
  });

  it('p1/A <-> p2/B is created and traced; same names in two projects never meet', async () => {
    const a = await nets.createNetwork({ project: 'p1', name: 'A', ipv4: '10.40.1.1/24', ipv6: 'fd42:40:1::1/64' });
    const b = await nets.createNetwork({ project: 'p2', name: 'B', ipv4: '10.40.2.1/24', ipv6: 'fd42:40:2::1/64' });
    // The same network name in the other project is another network.
    const a2 = await nets.createNetwork({ project: 'p2', name: 'A', ipv4: '10.40.3.1/24' });
    assert.notEqual(a2.router, a.router);
    const ia = await addInstance(ovn, a);
    const ib = await addInstance(ovn, b);
    assert.equal((await nets.createPeering({ project: 'p1', network: 'A', name: 'ab', target: 'p2/B' })).status, 'pending');
    const back = await nets.createPeering({ project: 'p2', network: 'B', name: 'ba', target: 'p1/A' });
    assert.equal(back.status, 'created');
    assert.equal(nets.showPeering({ project: 'p1', network: 'A', name: 'ab' }).status, 'created');
    assert.ok(await traceReaches(ovn, ia, ib));
    assert.ok(await traceReaches(ovn, ib, ia));
  });

  it('targets p2/nope and nope/B stay pending, with the same reply as a valid unanswered one', async () => {
    await nets.createNetwork({ project: 'p1', name: 'C', ipv4: '10.40.4.1/24' });
    await nets.createNetwork({ project: 'p2', name: 'D', ipv4: '10.40.5.1/24' });
    const replies: PeeringInfo[] = [
      await nets.createPeering({ project: 'p1', network: 'C', name: 'x1', target: 'p2/nope' }),
      await nets.createPeering({ project: 'p1', network: 'C', name: 'x2', target: 'nope/B' }),
      await nets.createPeering({ project: 'p1', network: 'C', name: 'x3', target: 'p2/D' }),
    ];
    const shown = ['x1', 'x2', 'x3'].map((name) => nets.showPeering({ project: 'p1', network: 'C', name }));
    const strip = (p: PeeringInfo): unknown => ({ ...p, name: '-', targetProject: '-', targetNetwork: '-' });
    for (const list of [replies, shown]) {
      for (const p of list) {
        assert.equal(p.status, 'pending');
        assert.deepEqual(strip(p), strip(list[2] as PeeringInfo), `${p.name} looks like an unanswered peering`);
        assert.deepEqual(Object.keys(p).sort(), Object.keys(list[2] as PeeringInfo).sort());
      }
    }
    // A target that does not exist can always be deleted.
    await nets.deletePeering({ project: 'p1', network: 'C', name: 'x1' });
    await nets.deletePeering({ project: 'p1', network: 'C', name: 'x2' });
    assert.deepEqual(
      nets.listPeerings({ project: 'p1', network: 'C' }).map((p) => p.name),
      ['x3'],
    );
  });

  it('deleting a network removes its peerings and turns those that target it back to pending', async () => {
    // B's switch holds the test instance, a port hvnet did not make: only a forced delete takes it.
    await nets.deleteNetwork({ project: 'p2', name: 'B', force: true });
    assert.equal(nets.showPeering({ project: 'p1', network: 'A', name: 'ab' }).status, 'pending');
    const a = nets.showNetwork({ project: 'p1', name: 'A' });
    assert.equal((await ovn.nbctl(['lr-route-list', a.router])).trim(), '');
    assert.doesNotMatch(await ovn.nbctl(['show', a.router]), /peer/);
    // The target network comes back with other subnets and answers: created again, new routes.
    await nets.createNetwork({ project: 'p2', name: 'B', ipv4: '10.40.9.1/24' });
    assert.equal((await nets.createPeering({ project: 'p2', network: 'B', name: 'ba', target: 'p1/A' })).status, 'created');
    assert.match(await ovn.nbctl(['lr-route-list', a.router]), /10\.40\.9\.0\/24\s+10\.40\.9\.1/);
  });

  it('overlapping subnets: the second declaration is stored but not activated, the reason is shown', async () => {
    await nets.createNetwork({ project: 'p1', name: 'E', ipv4: '10.50.0.1/16' });
    await nets.createNetwork({ project: 'p2', name: 'F', ipv4: '10.50.7.1/24' });
    await nets.createPeering({ project: 'p1', network: 'E', name: 'ef', target: 'p2/F' });
    const second = await nets.createPeering({ project: 'p2', network: 'F', name: 'fe', target: 'p1/E' });
    assert.equal(second.status, 'errored');
    assert.match(second.reason ?? '', /overlap \(10\.50\.7\.0\/24 and 10\.50\.0\.0\/16\)/);
    assert.equal(nets.showPeering({ project: 'p1', network: 'E', name: 'ef' }).status, 'errored');
    assert.match(nets.showPeering({ project: 'p2', network: 'F', name: 'fe' }).reason ?? '', /overlap/);
    const e = nets.showNetwork({ project: 'p1', name: 'E' });
    assert.equal((await ovn.nbctl(['lr-route-list', e.router])).trim(), '');
  });
});
