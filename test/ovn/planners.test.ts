// The planners, pure: cache snapshot + request -> operations + result, executed on an in-memory
// NB (fake-nb.ts). Covers the shapes of the transactions (guards first, one transaction for both
// sides), the write-skew the guards prevent, replays after an unknown outcome, and hub peerings.
import assert from 'node:assert/strict';
import { WaitTimedOutError } from '../../lib/ovsdb/errors.js';
import type { Operation, WaitOperation } from '../../lib/ovsdb/operations.js';
import { planCreateNetwork, planDeleteNetwork } from '../../lib/ovn/network-plan.js';
import { planCreatePeering, planDeletePeering, showPeering, listPeerings } from '../../lib/ovn/peering-plan.js';
import { planCreateProject, planDeleteProject } from '../../lib/ovn/project-plan.js';
import { planReconcile } from '../../lib/ovn/reconcile.js';
import { rowNames } from '../../lib/ovn/ids.js';
import { NetworkNotFoundError, PeeringExistsError, ProjectNotEmptyError } from '../../lib/ovn/errors.js';
import { FakeNb } from './fake-nb.js';

function net(nb: FakeNb, name: string, i: number, project?: string): void {
  nb.transact(planCreateNetwork(nb.view, { name, project, ipv4: `10.9.${i}.1/24`, ipv6: `fd42:9:${i}::1/64` }).operations);
}

const waits = (ops: Operation[]): WaitOperation[] => ops.filter((o): o is WaitOperation => o.op === 'wait');
const firstWrite = (ops: Operation[]): number => ops.findIndex((o) => o.op !== 'wait');

describe('ovn planners (pure, on an in-memory NB)', () => {
  it('a network: guarded id and name, four rows named from the id, and its DHCPv4 options', () => {
    const nb = new FakeNb();
    const plan = planCreateNetwork(nb.view, { name: 'a', ipv4: '10.9.1.1/24' });
    assert.equal(plan.result.id, 1);
    assert.equal(plan.result.mac, '02:68:76:00:00:01');
    assert.equal(waits(plan.operations).length, 2, 'id free, name free');
    assert.deepEqual(
      plan.operations.filter((o) => o.op === 'insert').map((o) => (o.op === 'insert' ? (o.row.name ?? o.table) : '')),
      [rowNames.routerPort(1), rowNames.router(1), rowNames.switchRouterPort(1), rowNames.switch(1), 'DHCP_Options'],
    );
    nb.transact(plan.operations);
    assert.equal(nb.view.network('default', 'a')?.id, 1);
    // The same plan sent again (a concurrent hvnetd that picked the same id) fails its guards.
    assert.throws(() => nb.transact(plan.operations), WaitTimedOutError);
    assert.equal(planCreateNetwork(nb.view, { name: 'b', ipv4: '10.9.2.1/24' }).result.id, 2);
  });

  it('one side: a declaration only, guarded by the absence of the target; the other side: rows for both in one transaction', () => {
    const nb = new FakeNb();
    net(nb, 'a', 1);
    net(nb, 'b', 2);
    const first = planCreatePeering(nb.view, { network: 'a', name: 'ab', target: 'nope' });
    assert.equal(first.result.status, 'pending');
    assert.equal(first.operations.filter((o) => o.op === 'insert').length, 0);
    const ab = planCreatePeering(nb.view, { network: 'a', name: 'ab', target: 'b' });
    assert.equal(ab.result.status, 'pending');
    nb.transact(ab.operations);
    const ba = planCreatePeering(nb.view, { network: 'b', name: 'ba', target: 'a' });
    assert.equal(ba.result.status, 'created');
    assert.equal(firstWrite(ba.operations), waits(ba.operations).length, 'guards come first');
    const inserts = ba.operations.filter((o) => o.op === 'insert');
    assert.equal(inserts.length, 6, '2 ports + 4 routes, both routers, one transaction');
    assert.equal(ba.changes.length, 6);
    nb.transact(ba.operations);
    assert.equal(showPeering(nb.view, { network: 'a', name: 'ab' }).status, 'created');
    assert.equal(nb.rows('Logical_Router_Port').length, 4);
    assert.equal(planReconcile(nb.view).operations.length, 0, 'nothing to repair');
  });

  it('both sides planned from the same snapshot: the second to commit fails its guard and re-plans to created', () => {
    const nb = new FakeNb();
    net(nb, 'a', 1);
    net(nb, 'b', 2);
    const ab = planCreatePeering(nb.view, { network: 'a', name: 'ab', target: 'b' });
    const ba = planCreatePeering(nb.view, { network: 'b', name: 'ba', target: 'a' });
    assert.equal(ab.result.status, 'pending');
    assert.equal(ba.result.status, 'pending');
    nb.transact(ab.operations);
    // Without the guard on a's router both would be pending forever (write skew).
    assert.throws(() => nb.transact(ba.operations), WaitTimedOutError);
    const again = planCreatePeering(nb.view, { network: 'b', name: 'ba', target: 'a' });
    assert.equal(again.result.status, 'created');
    nb.transact(again.operations);
    assert.equal(nb.rows('Logical_Router_Static_Route').length, 4);
  });

  it('target created between read and commit: the pending declaration re-plans', () => {
    const nb = new FakeNb();
    net(nb, 'a', 1);
    const ab = planCreatePeering(nb.view, { network: 'a', name: 'ab', target: 'b' });
    net(nb, 'b', 2);
    assert.throws(() => nb.transact(ab.operations), WaitTimedOutError, 'absence of b was guarded');
  });

  it('replay after an unknown outcome: the same declaration found is success, not "exists"', () => {
    const nb = new FakeNb();
    net(nb, 'a', 1);
    const req = { network: 'a', name: 'ab', target: 'b', config: { 'user.x': '1' } };
    nb.transact(planCreatePeering(nb.view, req).operations);
    assert.throws(() => planCreatePeering(nb.view, req), PeeringExistsError);
    assert.equal(planCreatePeering(nb.view, req, { replay: true }).operations.length, 0);
    assert.throws(() => planCreatePeering(nb.view, { ...req, config: {} }, { replay: true }), PeeringExistsError);
    assert.equal(planDeletePeering(nb.view, { network: 'a', name: 'zz' }, { replay: true }).operations.length, 0);
    assert.equal(planDeleteNetwork(nb.view, { name: 'zz' }, { replay: true }).operations.length, 0);
    assert.throws(() => planDeleteNetwork(nb.view, { name: 'zz' }), NetworkNotFoundError);
  });

  it('hub: deleting one spoke touches only that pair\'s rows', () => {
    const nb = new FakeNb();
    net(nb, 'hub', 1);
    for (const [i, s] of ['b', 'c', 'd'].entries()) {
      net(nb, s, i + 2);
      nb.transact(planCreatePeering(nb.view, { network: 'hub', name: `to-${s}`, target: s }).operations);
      nb.transact(planCreatePeering(nb.view, { network: s, name: 'to-hub', target: 'hub' }).operations);
    }
    assert.deepEqual(listPeerings(nb.view, { network: 'hub' }).map((p) => p.status), ['created', 'created', 'created']);
    const del = planDeletePeering(nb.view, { network: 'c', name: 'to-hub' });
    assert.ok(del.changes.every((c) => c.action === 'delete' && [c.network.name, c.remote.name].sort().join() === 'c,hub'), JSON.stringify(del.changes));
    assert.equal(del.changes.length, 6);
    nb.transact(del.operations);
    assert.deepEqual(listPeerings(nb.view, { network: 'hub' }).map((p) => `${p.name}:${p.status}`), ['to-b:created', 'to-c:pending', 'to-d:created']);
    assert.equal(nb.rows('Logical_Router_Port').length, 4 + 4, '4 internal ports + 2 pairs');
  });

  it('deleting a network removes its rows and the rows facing it, in one transaction', () => {
    const nb = new FakeNb();
    net(nb, 'a', 1);
    net(nb, 'b', 2);
    nb.transact(planCreatePeering(nb.view, { network: 'a', name: 'ab', target: 'b' }).operations);
    nb.transact(planCreatePeering(nb.view, { network: 'b', name: 'ba', target: 'a' }).operations);
    const before = nb.transactions;
    nb.transact(planDeleteNetwork(nb.view, { name: 'b' }).operations);
    assert.equal(nb.transactions, before + 1);
    assert.equal(showPeering(nb.view, { network: 'a', name: 'ab' }).status, 'pending');
    assert.equal(nb.rows('Logical_Router_Static_Route').length, 0);
    assert.equal(nb.rows('Logical_Router_Port').length, 1);
  });

  it('projects: create without NB_Global, refuse deleting a project with networks', () => {
    const nb = new FakeNb(false);
    nb.transact(planCreateProject(nb.view, { name: 'p1' }).operations);
    assert.deepEqual(nb.view.projects().map((p) => p.name), ['default', 'p1']);
    net(nb, 'a', 1, 'p1');
    assert.throws(() => planDeleteProject(nb.view, { name: 'p1' }), ProjectNotEmptyError);
    nb.transact(planDeleteNetwork(nb.view, { project: 'p1', name: 'a' }).operations);
    nb.transact(planDeleteProject(nb.view, { name: 'p1' }).operations);
    assert.deepEqual(nb.view.projects().map((p) => p.name), ['default']);
  });

  it('reconcile repairs a deleted port and a changed route', () => {
    const nb = new FakeNb();
    net(nb, 'a', 1);
    net(nb, 'b', 2);
    nb.transact(planCreatePeering(nb.view, { network: 'a', name: 'ab', target: 'b' }).operations);
    nb.transact(planCreatePeering(nb.view, { network: 'b', name: 'ba', target: 'a' }).operations);
    const a = nb.view.network('default', 'a');
    const port = a?.router?.ports.find((u) => nb.view.port(u)?.name === rowNames.peerPort(1, 2));
    const route = a?.router?.static_routes[0];
    assert.ok(a?.router && port && route);
    nb.transact([
      { op: 'mutate', table: 'Logical_Router', where: [['_uuid', '==', ['uuid', a.router._uuid]]], mutations: [['ports', 'delete', ['set', [['uuid', port]]]]] },
      { op: 'update', table: 'Logical_Router_Static_Route', where: [['_uuid', '==', ['uuid', route]]], row: { nexthop: '10.9.2.99' } },
    ]);
    assert.equal(showPeering(nb.view, { network: 'a', name: 'ab' }).status, 'errored');
    const fix = planReconcile(nb.view);
    assert.deepEqual(fix.changes.map((c) => `${c.action} ${c.table}`).sort(), [
      'delete Logical_Router_Static_Route',
      'insert Logical_Router_Port',
      'insert Logical_Router_Static_Route',
    ]);
    nb.transact(fix.operations);
    assert.equal(showPeering(nb.view, { network: 'a', name: 'ab' }).status, 'created');
    assert.equal(planReconcile(nb.view).operations.length, 0);
  });
});
