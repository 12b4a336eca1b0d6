// What undoes an attach at each point it can fail: nothing done yet gives only the MAC back; a
// live NIC made before the definition failed is detached (confirmed by its alias) first; when
// libvirt may still be applying the failed step, the MAC stays reserved.
import assert from 'node:assert/strict';
import { rollbackAfter } from '../../lib/nic/plan.js';
import type { AttachStep } from '../../lib/nic/plan.js';
import { kinds } from '../../lib/nic/registry.js';
import { STOPPED, facts } from './facts.js';

const { macvtap } = kinds;
const MAC = '02:68:76:00:00:07';
const bound = (domain = facts()) => macvtap.bind(macvtap.plan(macvtap.validate({ kind: 'macvtap', domain: 'vm1', source: 'eth0', mode: 'bridge' }), domain), MAC);
const step = (steps: readonly AttachStep[], i: number): AttachStep => {
  const s = steps[i];
  assert.ok(s, `no step ${i}`);
  return s;
};

describe('nic: rollback after a failed step', () => {
  it('the live attach failed: the MAC goes back, nothing to detach', () => {
    const b = bound();
    assert.deepEqual(rollbackAfter(b, step(b.steps, 0), false), [{ op: 'release-mac', mac: MAC }]);
  });

  it('the persistent attach failed after the live one: the live NIC is detached by its alias, then the MAC goes back', () => {
    const b = bound();
    const live = step(b.steps, 0);
    assert.deepEqual(rollbackAfter(b, step(b.steps, 1), false), [live.undo, { op: 'release-mac', mac: MAC }]);
    assert.deepEqual([live.undo.op, live.undo.scope, live.undo.alias], ['detach', 'live', 'ua-hvnet-026876000007']);
    assert.match(live.undo.xml, /<mac address="02:68:76:00:00:07"\/>/);
  });

  it('the outcome is unknown (a timed-out call libvirt may still run): the MAC is kept, the live part still undone', () => {
    const b = bound();
    assert.deepEqual(rollbackAfter(b, step(b.steps, 0), true), [{ op: 'keep-mac', mac: MAC }]);
    assert.deepEqual(rollbackAfter(b, step(b.steps, 1), true), [step(b.steps, 0).undo, { op: 'keep-mac', mac: MAC }]);
  });

  it('a config-only attach that failed gives the MAC back only', () => {
    const b = bound(facts({ domain: STOPPED }));
    assert.deepEqual(rollbackAfter(b, step(b.steps, 0), false), [{ op: 'release-mac', mac: MAC }]);
  });

  it('a step of another plan is a bug, not a rollback', () => {
    const a = bound();
    const b = bound();
    assert.throws(() => rollbackAfter(a, step(b.steps, 0), false), /not one of the plan/);
  });
});
