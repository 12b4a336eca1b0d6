// A declaration carries its peering type (Incus's `local` / `remote`) and the planners dispatch on
// it: a declaration stored before types existed reads as local; an unknown type is refused at
// create, naming the field; a remote declaration wants no local peer rows (its own are in
// lib/ovn/remote, tested in test/ovn-ic).
import assert from 'node:assert/strict';
import { planCreateNetwork } from '../../lib/ovn/network-plan.js';
import { planCreatePeering, showPeering } from '../../lib/ovn/peering-plan.js';
import { InvalidInputError } from '../../lib/ovn/errors.js';
import { encodeDeclaration } from '../../lib/ovn/state.js';
import { peeringKey, rowNames } from '../../lib/ovn/ids.js';
import { FakeNb } from './fake-nb.js';

function net(nb: FakeNb, name: string, i: number): void {
  nb.transact(planCreateNetwork(nb.view, { name, ipv4: `10.8.${i}.1/24` }).operations);
}

/** Writes a declaration as another hvnet would have stored it, bypassing the planners. */
function storeRaw(nb: FakeNb, network: string, peering: string, value: string): void {
  const router = nb.view.network('default', network)?.router;
  assert.ok(router);
  nb.transact([
    { op: 'mutate', table: 'Logical_Router', where: [['_uuid', '==', ['uuid', router._uuid]]], mutations: [['external_ids', 'insert', ['map', [[peeringKey(peering), value]]]]] },
  ]);
}

describe('ovn peering types (pure, on an in-memory NB)', () => {
  it('local is the default, is shown, and is not written: the stored form is the one before types', () => {
    const nb = new FakeNb();
    net(nb, 'a', 1);
    net(nb, 'b', 2);
    nb.transact(planCreatePeering(nb.view, { network: 'a', name: 'to-b', target: 'b' }).operations);
    const stored = nb.view.network('default', 'a')?.router?.external_ids[peeringKey('to-b')];
    assert.equal(stored, JSON.stringify({ target: 'default/b', description: '', config: {} }));
    assert.equal(encodeDeclaration({ type: 'local', target: { project: 'default', network: 'b' }, description: '', config: {} }), stored);
    nb.transact(planCreatePeering(nb.view, { network: 'b', name: 'to-a', target: 'a', type: 'local' }).operations);
    const shown = showPeering(nb.view, { network: 'a', name: 'to-b' });
    assert.equal(shown.type, 'local');
    assert.equal(shown.status, 'created');
  });

  it('unknown types are refused at create, naming the field, with nothing planned', () => {
    const nb = new FakeNb();
    net(nb, 'a', 1);
    for (const type of ['Local', 'ic']) {
      assert.throws(
        () => planCreatePeering(nb.view, { network: 'a', name: 'x', target: 'b', type }),
        (e: unknown) => e instanceof InvalidInputError && e.field === 'type' && /local/.test(e.allowed ?? ''),
      );
    }
    assert.equal(nb.view.network('default', 'a')?.declarations.size, 0);
  });

  it('a remote declaration without its integration: errored naming it, no peer rows, and it does not complete a local pair', () => {
    const nb = new FakeNb();
    net(nb, 'a', 1);
    net(nb, 'b', 2);
    storeRaw(nb, 'b', 'to-a', JSON.stringify({ type: 'remote', target: 'default/a', description: '', config: {} }));
    nb.transact(planCreatePeering(nb.view, { network: 'a', name: 'to-b', target: 'b' }).operations);
    assert.equal(showPeering(nb.view, { network: 'a', name: 'to-b' }).status, 'pending');
    const remote = showPeering(nb.view, { network: 'b', name: 'to-a' });
    assert.equal(remote.type, 'remote');
    assert.equal(remote.status, 'errored');
    assert.match(remote.reason ?? '', /integration/);
    const names = [...nb.view.cache.table('Logical_Router_Port').values()].map((r) => r.name);
    assert.ok(!names.includes(rowNames.peerPort(1, 2)) && !names.includes(rowNames.peerPort(2, 1)), names.join(' '));
  });
});
