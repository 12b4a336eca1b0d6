// The bridge kind (a tap on a host Linux bridge): which params name it, the refusals of a bridge
// that is missing, down or not a Linux bridge (an OVS one names --network), the XML and the
// detach found by MAC or alias.
import assert from 'node:assert/strict';
import { InvalidFieldError } from '../../lib/domxml/errors.js';
import { BridgeNotUsableError, MacInUseError, NicNotFoundError } from '../../lib/nic/errors.js';
import { namesBridgeNic, planBridgeDetach } from '../../lib/nic/kinds/bridge.js';
import { kindOfParams, kinds } from '../../lib/nic/registry.js';
import type { BridgeRequest } from '../../lib/nic/request.js';
import { validateDetachRequest } from '../../lib/nic/request.js';
import { STOPPED, facts } from './facts.js';

const { bridge } = kinds;
const MAC = '02:68:76:00:00:07';
const UP = { br0: { exists: true, up: true, bridge: 'linux' as const } };
const request = (extra: Record<string, unknown> = {}): BridgeRequest => bridge.validate({ kind: 'bridge', domain: 'vm1', bridge: 'br0', ...extra });

describe('nic: bridge plans', () => {
  it('the kind comes from exactly one of source and bridge', () => {
    assert.equal(kindOfParams({ domain: 'vm1', source: 'eth0' }), 'macvtap');
    assert.equal(kindOfParams({ domain: 'vm1', bridge: 'br0' }), 'bridge');
    assert.throws(() => kindOfParams({ domain: 'vm1' }), (e: unknown) => e instanceof InvalidFieldError && /exactly one of source, network, bridge/.test(e.message));
    assert.throws(() => kindOfParams({ domain: 'vm1', source: 'eth0', bridge: 'br0' }), (e: unknown) => e instanceof InvalidFieldError && e.field === 'bridge');
  });

  it('refuses macvtap fields, naming them', () => {
    assert.throws(() => request({ mode: 'vepa' }), (e: unknown) => e instanceof InvalidFieldError && e.field === 'mode');
    assert.throws(() => request({ virtualport: { type: '802.1Qbh', profileid: 'x' } }), (e: unknown) => e instanceof InvalidFieldError && e.field === 'virtualport');
  });

  it('asks whether the bridge exists, is up and is a Linux bridge', () => {
    assert.deepEqual(bridge.questions(request()), { links: ['br0'], qbg: [], bridges: ['br0'] });
  });

  it('a bridge missing, down, OVS or not a bridge: refused live (OVS naming --network), a warning for the definition', () => {
    const cases = [
      [{}, 'missing', /does not exist/],
      [{ br0: { exists: true, up: false, bridge: 'linux' as const } }, 'down', /is down/],
      [{ br0: { exists: true, up: true, bridge: 'openvswitch' as const } }, 'openvswitch', /Open vSwitch bridge.*--network/],
      [{ br0: { exists: true, up: true, bridge: 'none' as const } }, 'not-a-bridge', /not a Linux bridge.*--network/],
    ] as const;
    for (const [links, problem, re] of cases) {
      assert.throws(() => bridge.plan(request(), facts({ links })), (e: unknown) => e instanceof BridgeNotUsableError && e.problem === problem && re.test(e.message));
      const p = bridge.plan(request({ config: true }), facts({ domain: STOPPED, links }));
      assert.equal(p.warnings.length, 1);
      assert.match(p.warnings[0] ?? '', re);
    }
  });

  it("a MAC another NIC of the host has is refused", () => {
    assert.throws(() => bridge.plan(request({ mac: MAC }), facts({ links: UP, holders: { [MAC]: 'vm2' } })), MacInUseError);
  });

  it('binds to <interface type=bridge> with the MAC and hvnet alias, live then config, each undone by a detach', () => {
    const b = bridge.bind(bridge.plan(request(), facts({ links: UP })), MAC);
    assert.equal(
      b.xml,
      '<interface type="bridge">\n  <mac address="02:68:76:00:00:07"/>\n  <source bridge="br0"/>\n  <model type="virtio"/>\n  <alias name="ua-hvnet-026876000007"/>\n</interface>',
    );
    assert.deepEqual(b.steps.map((s) => [s.op, s.scope, s.undo.scope]), [['attach', 'live', 'live'], ['attach', 'config', 'config']]);
    assert.equal(b.steps[0]?.undo.xml, '<interface type="bridge">\n  <mac address="02:68:76:00:00:07"/>\n  <source bridge="br0"/>\n  <alias name="ua-hvnet-026876000007"/>\n</interface>');
  });

  it('a detach finds both copies by MAC or alias; another MAC is not found', () => {
    const nic = { kind: 'bridge' as const, bridge: 'br0', mac: MAC, alias: 'ua-hvnet-026876000007' };
    const nics = { live: [nic], config: [nic] };
    const byMac = validateDetachRequest({ domain: 'vm1', nic: MAC });
    assert.ok(namesBridgeNic(byMac, nics));
    assert.deepEqual(planBridgeDetach(byMac, nics).steps.map((s) => s.scope), ['live', 'config']);
    const byAlias = validateDetachRequest({ domain: 'vm1', nic: 'ua-hvnet-026876000007' });
    assert.equal(planBridgeDetach(byAlias, nics).mac, MAC);
    const other = validateDetachRequest({ domain: 'vm1', nic: '02:68:76:00:00:08' });
    assert.equal(namesBridgeNic(other, nics), false);
    assert.throws(() => planBridgeDetach(other, nics), NicNotFoundError);
  });
});
