// The applier's bounds, pure: a transaction whose guards keep failing ends in OvnConflictError,
// one whose outcome stays unknown ends in OvnOutcomeUnknownError (never a duplicate), and an
// unknown outcome that did commit is recognised on the replay without sending again.
import assert from 'node:assert/strict';
import { OutcomeUnknownError, WaitTimedOutError } from '../../lib/ovsdb/errors.js';
import type { Operation } from '../../lib/ovsdb/operations.js';
import type { TransactResult } from '../../lib/ovsdb/transact-result.js';
import { applyPlan } from '../../lib/ovn/apply.js';
import type { Transactor } from '../../lib/ovn/apply.js';
import { OvnConflictError, OvnOutcomeUnknownError } from '../../lib/ovn/errors.js';
import { planCreateNetwork } from '../../lib/ovn/network-plan.js';
import { planCreatePeering } from '../../lib/ovn/peering-plan.js';
import { FakeNb } from './fake-nb.js';

function client(send: (ops: readonly Operation[]) => void): Transactor & { sent: number } {
  const c = {
    sent: 0,
    transact: (ops: readonly Operation[]): Promise<TransactResult> => {
      c.sent += 1;
      try {
        send(ops);
        return Promise.resolve({ results: [], uuidNames: new Map() });
      } catch (e) {
        return Promise.reject(e instanceof Error ? e : new Error(String(e)));
      }
    },
    session: { ready: () => Promise.resolve() },
  };
  return c;
}

describe('ovn applier bounds (pure)', () => {
  const nb = new FakeNb();
  nb.transact(planCreateNetwork(nb.view, { name: 'a', ipv4: '10.9.1.1/24' }).operations);
  const req = { network: 'a', name: 'ab', target: 'b' };

  it('guards failing every time: OvnConflictError after the bound, nothing applied', async () => {
    const c = client(() => {
      throw new WaitTimedOutError({ opIndex: 0, op: 'wait', table: 'Logical_Router', error: 'timed out' });
    });
    await assert.rejects(applyPlan(c, nb.view, (v, o) => planCreatePeering(v, req, o), { maxConflicts: 4, context: { network: 'a' } }), (e: unknown) => e instanceof OvnConflictError && e.code === 'HVNET_OVN_CONFLICT' && e.network === 'a');
    assert.equal(c.sent, 4);
  });

  it('outcome unknown every time: OvnOutcomeUnknownError, a distinct typed error', async () => {
    const c = client(() => {
      throw new OutcomeUnknownError({ method: 'transact' });
    });
    await assert.rejects(applyPlan(c, nb.view, (v, o) => planCreatePeering(v, req, o), { maxUnknown: 3 }), (e: unknown) => e instanceof OvnOutcomeUnknownError && e.code === 'HVNET_OVN_OUTCOME_UNKNOWN');
    assert.equal(c.sent, 3);
  });

  it('outcome unknown but committed: the replay finds it and sends nothing more', async () => {
    const c = client((ops) => {
      nb.transact(ops); // committed...
      throw new OutcomeUnknownError({ method: 'transact' }); // ...but the reply was lost
    });
    const applied = await applyPlan(c, nb.view, (v, o) => planCreatePeering(v, req, o));
    assert.equal(c.sent, 1);
    assert.equal(applied.result.status, 'pending');
    assert.equal(nb.view.network('default', 'a')?.declarations.size, 1);
  });
});
