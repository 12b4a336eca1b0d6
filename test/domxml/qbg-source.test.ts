// Which host devices may carry an 802.1Qbg NIC, judged from recorded `ip -d -j link show` output.
import assert from 'node:assert/strict';
import { QbgSourceRefusedError } from '../../lib/domxml/errors.js';
import { assertQbgSource, describeQbgSource, isVlanWithNonZeroId, linkFacts } from '../../lib/domxml/vlan.js';
import { recordedLink } from './paths.js';

const recorded = ['loopback', 'veth', 'veth-peer-other-netns', 'bridge', 'macvtap-vepa', 'macvlan-bridge'];

function reasonOf(link: unknown, all?: readonly unknown[]): string {
  const v = describeQbgSource(link, all);
  return v.ok ? 'ok' : v.reason;
}

describe('domxml: 802.1Qbg source check', () => {
  it('reads the recorded devices as ip printed them', () => {
    assert.deepEqual(linkFacts(recordedLink('veth')), { ifname: 'hdv0', kind: 'veth', lower: 'hdv1' });
    assert.deepEqual(linkFacts(recordedLink('veth-peer-other-netns')), { ifname: 'hdv2', kind: 'veth', lowerIndex: 2, lowerNetnsId: 0 });
    assert.deepEqual(linkFacts(recordedLink('loopback')), { ifname: 'lo' });
    assert.deepEqual(linkFacts(recordedLink('bridge')), { ifname: 'hdbr0', kind: 'bridge' });
    assert.deepEqual(linkFacts(recordedLink('macvtap-vepa')), { ifname: 'hdmvt0', kind: 'macvtap', lower: 'hdv0' });
    assert.deepEqual(linkFacts(recordedLink('handwritten-vlan-100')), { ifname: 'eth0.100', kind: 'vlan', vlanId: 100, lower: 'eth0' });
  });

  it('isVlanWithNonZeroId: only the VLAN with id 100', () => {
    const all = [...recorded, 'handwritten-vlan-100', 'handwritten-vlan-0'];
    assert.deepEqual(
      all.filter((n) => isVlanWithNonZeroId(recordedLink(n))),
      ['handwritten-vlan-100'],
    );
  });

  it('refuses a veth, whose IFLA_LINK loop hangs libvirtd (recorded, peer in the same netns or not)', () => {
    for (const name of ['veth', 'veth-peer-other-netns']) {
      const v = describeQbgSource(recordedLink(name));
      assert.equal(v.ok, false);
      assert.ok(!v.ok && v.reason === 'veth' && /forever/.test(v.detail), name);
    }
  });

  it('refuses devices that are not VLANs: loopback, bridge, macvtap, macvlan (recorded)', () => {
    for (const name of ['loopback', 'bridge', 'macvtap-vepa', 'macvlan-bridge']) assert.equal(reasonOf(recordedLink(name)), 'not-vlan', name);
    const v = describeQbgSource(recordedLink('bridge'));
    assert.ok(!v.ok && v.device === 'hdbr0' && v.detail.includes('bridge'));
  });

  it('refuses VLAN id 0 (802.1Qbg needs a non-zero VLAN id)', () => {
    assert.equal(reasonOf(recordedLink('handwritten-vlan-0')), 'vlan-id-zero');
  });

  it('accepts a VLAN with a non-zero id; without the link list only the device itself is checked', () => {
    assert.deepEqual(describeQbgSource(recordedLink('handwritten-vlan-100')), { ok: true, device: 'eth0.100', vlanId: 100, chain: ['eth0.100'], lowerChecked: false });
  });

  it('with the link list, follows the lower devices: a VLAN on a bridge is fine', () => {
    const all = [recordedLink('handwritten-vlan-300-on-bridge'), recordedLink('bridge'), recordedLink('veth')];
    assert.deepEqual(describeQbgSource(all[0], all), { ok: true, device: 'hdbr0.300', vlanId: 300, chain: ['hdbr0.300', 'hdbr0'], lowerChecked: true });
  });

  it('with the link list, refuses a VLAN on a veth (the same hang one step later)', () => {
    const vlan = recordedLink('handwritten-vlan-200-on-veth');
    assert.equal(reasonOf(vlan), 'ok');
    assert.equal(reasonOf(vlan, [vlan, recordedLink('veth')]), 'lower-veth');
  });

  it('with the link list, refuses a lower device it cannot see', () => {
    const vlan = recordedLink('handwritten-vlan-100');
    assert.equal(reasonOf(vlan, [vlan, recordedLink('bridge')]), 'lower-not-found');
  });

  it('refuses a lower device in another netns, and IFLA_LINK loops of any kind', () => {
    const base = recordedLink('handwritten-vlan-100') as Record<string, unknown>;
    const { link: _l, ...noName } = base;
    assert.equal(reasonOf({ ...noName, link_index: 4, link_netnsid: 1 }), 'lower-in-other-netns');
    assert.equal(reasonOf({ ...noName, link_index: 4 }, [base]), 'lower-not-found');
    const a = { ifname: 'a.10', link: 'b', linkinfo: { info_kind: 'vlan', info_data: { id: 10 } } };
    const b = { ifname: 'b', link: 'c', linkinfo: { info_kind: 'macvlan' } };
    const c = { ifname: 'c', link: 'b', linkinfo: { info_kind: 'macvlan' } };
    const v = describeQbgSource(a, [a, b, c]);
    assert.ok(!v.ok && v.reason === 'link-loop' && v.detail.includes('a.10 -> b -> c -> b'));
  });

  it('refuses what is not a link entry, and a VLAN without an id', () => {
    for (const junk of [null, 42, 'eth0', [], {}, { ifname: '' }]) assert.equal(reasonOf(junk), 'not-a-link');
    assert.equal(reasonOf({ ifname: 'x.5', linkinfo: { info_kind: 'vlan', info_data: { protocol: '802.1Q' } } }), 'vlan-id-missing');
  });

  it('assertQbgSource returns the VLAN id or throws QbgSourceRefusedError with the reason', () => {
    assert.equal(assertQbgSource(recordedLink('handwritten-vlan-100')), 100);
    assert.throws(
      () => assertQbgSource(recordedLink('veth')),
      (e: unknown) => e instanceof QbgSourceRefusedError && e.code === 'HVNET_DOMXML_QBG_SOURCE_REFUSED' && e.reason === 'veth' && e.device === 'hdv0',
    );
  });
});
