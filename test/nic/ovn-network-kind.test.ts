// The network kind (a NIC on an hvnet OVN network), pure: the port UUID chosen at validation, the
// bridge XML on the integration bridge with the openvswitch virtualport, host csum off on the
// userspace datapath only, the refusal when the Open vSwitch database does not answer, and of a MAC
// the network's router ports use.
import assert from 'node:assert/strict';
import { InvalidFieldError } from '../../lib/domxml/errors.js';
import { OvsUnreachableError } from '../../lib/nic/errors.js';
import type { OvsFacts } from '../../lib/nic/facts.js';
import { kinds } from '../../lib/nic/registry.js';
import type { NetworkRequest } from '../../lib/nic/request.js';
import { FIXED_UUID, STOPPED, facts } from './facts.js';

const { network } = kinds;
const MAC = '02:68:6e:00:00:07';
const OVS = (datapathType: string, answers = true): OvsFacts => ({ socket: '/run/openvswitch/db.sock', answers, bridge: { name: 'br-int', datapathType, exists: true } });
const request = (extra: Record<string, unknown> = {}): NetworkRequest => network.validate({ kind: 'network', domain: 'vm1', network: 'net1', ...extra }, FIXED_UUID);

describe('nic: network plans', () => {
  it('validates its fields, naming the bad one; the port is a UUID chosen here', () => {
    assert.equal(request().port, FIXED_UUID.randomUUID());
    assert.throws(() => request({ ipv6: 'dhcp' }), (e: unknown) => e instanceof InvalidFieldError && e.field === 'ipv6');
    assert.throws(() => request({ mode: 'vepa' }), (e: unknown) => e instanceof InvalidFieldError && e.field === 'mode');
    assert.throws(() => request({ network: '' }), (e: unknown) => e instanceof InvalidFieldError && e.field === 'network');
  });

  it("refuses a MAC of the router ports' range, naming the field and the range; the MAC just outside it is taken", () => {
    for (const mac of ['02:68:76:00:00:01', '02:68:76:FF:FF:FF']) {
      assert.throws(() => request({ mac }), (e: unknown) => e instanceof InvalidFieldError && e.field === 'mac' && /02:68:76:00:00:00-02:68:76:ff:ff:ff/.test(e.message));
    }
    assert.equal(request({ mac: '02:68:77:00:00:00' }).mac, '02:68:77:00:00:00');
    assert.equal(request({ mac: '02:68:75:ff:ff:ff' }).mac, '02:68:75:ff:ff:ff');
  });

  it('on a userspace-datapath integration bridge: openvswitch virtualport with the port, host csum off', () => {
    const b = network.bind(network.plan(request(), { ...facts(), ovs: OVS('netdev') }), MAC);
    assert.match(b.xml, /<source bridge="br-int"\/>/);
    assert.match(b.xml, /<virtualport type="openvswitch">\s*<parameters interfaceid="09b11c53-8b5c-4eeb-8f00-d84eaa0aaa4f"\/>/);
    assert.match(b.xml, /<driver name="qemu">\s*<host csum="off"\/>/);
    assert.deepEqual(b.steps.map((s) => s.scope), ['live', 'config']);
  });

  it('on a kernel-datapath bridge: no host csum', () => {
    const b = network.bind(network.plan(request(), { ...facts(), ovs: OVS('system') }), MAC);
    assert.doesNotMatch(b.xml, /csum/);
  });

  it('a live attach is refused while the database does not answer; a definition only warns', () => {
    assert.throws(() => network.plan(request(), { ...facts(), ovs: OVS('netdev', false) }), (e: unknown) => e instanceof OvsUnreachableError && /nothing was changed/.test(e.message));
    assert.throws(() => network.plan(request(), facts()), OvsUnreachableError);
    const p = network.plan(request({ config: true }), { ...facts({ domain: STOPPED }), ovs: { socket: '/x', answers: false } });
    assert.match(p.warnings[0] ?? '', /not readable/);
  });
});
