// A detach plan finds both copies of one NIC: by MAC, or by an alias only the live copy may have
// (net0), its persistent copy then by the live one's MAC; live first, then the definition.
import assert from 'node:assert/strict';
import { buildDetachXml } from '../../lib/domxml/build.js';
import type { DomainInterface } from '../../lib/domxml/types.js';
import { NicNotFoundError } from '../../lib/nic/errors.js';
import { planDetach } from '../../lib/nic/kinds/macvtap.js';
import { validateDetachRequest } from '../../lib/nic/request.js';

const MAC = '52:54:00:aa:00:01';
const live: DomainInterface = { source: 'eth0', mode: 'bridge', mac: MAC, alias: 'net0', targetDev: 'macvtap0' };
const config: DomainInterface = { source: 'eth0', mode: 'bridge', mac: MAC };
const req = (nic: string) => validateDetachRequest({ domain: 'vm1', nic });

describe('nic: detach plans', () => {
  it('by MAC (any case): the live copy, then the persistent one', () => {
    const p = planDetach(req(MAC.toUpperCase()), { live: [live], config: [config] });
    assert.deepEqual(p, {
      domain: 'vm1',
      mac: MAC,
      alias: 'net0',
      steps: [
        { op: 'detach', scope: 'live', xml: buildDetachXml(live), alias: 'net0' },
        { op: 'detach', scope: 'config', xml: buildDetachXml(config) },
      ],
    });
  });

  it("by libvirt's live alias: the persistent copy is found by the live one's MAC", () => {
    assert.deepEqual(planDetach(req('net0'), { live: [live], config: [config] }).steps.map((s) => s.scope), ['live', 'config']);
  });

  it('only the copies that exist become steps', () => {
    assert.deepEqual(planDetach(req(MAC), { config: [config] }).steps.map((s) => s.scope), ['config']);
    assert.deepEqual(planDetach(req(MAC), { live: [live], config: [] }).steps.map((s) => s.scope), ['live']);
  });

  it('a NIC the domain does not have: refused, naming the ones it has', () => {
    assert.throws(
      () => planDetach(req('52:54:00:aa:00:99'), { live: [live], config: [config] }),
      (e: unknown) => e instanceof NicNotFoundError && e.message === `domain vm1 has no NIC 52:54:00:aa:00:99 hvnet can detach (it has: ${MAC})`,
    );
    assert.throws(() => planDetach(req('net0'), {}), (e: unknown) => e instanceof NicNotFoundError && /\(it has: none\)$/.test(e.message));
  });
});
