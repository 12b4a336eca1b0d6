// Pure checks of names, targets, config keys, gateway CIDRs and the names derived from ids.
import assert from 'node:assert/strict';
import { checkConfig, checkName, parseTarget } from '../../lib/ovn/names.js';
import { overlaps, parseGatewayCidr } from '../../lib/ovn/cidr.js';
import { networkMac, rowNames } from '../../lib/ovn/ids.js';
import { InvalidCidrError, InvalidConfigError, InvalidNameError, InvalidTargetError } from '../../lib/ovn/errors.js';

describe('ovn names and addresses (pure)', () => {
  it('names: DNS-label form, with the field and the allowed form in the error', () => {
    for (const ok of ['a', 'A1', 'net-1', 'x'.repeat(63), '1abc']) assert.equal(checkName('network', ok), ok);
    for (const bad of ['', '-a', 'a-', 'a_b', 'a.b', 'a/b', 'ä', 'x'.repeat(64), ' a']) {
      assert.throws(
        () => checkName('network', bad, { project: 'p' }),
        (e: unknown) => e instanceof InvalidNameError && e.field === 'network' && e.project === 'p' && /letters, digits and hyphens/.test(e.allowed ?? ''),
        bad,
      );
    }
    assert.throws(() => checkName('project', 42), InvalidNameError);
  });

  it('targets: network or project/network; anything else is malformed', () => {
    assert.deepEqual(parseTarget('b', 'p1'), { project: 'p1', network: 'b' });
    assert.deepEqual(parseTarget('p2/b', 'p1'), { project: 'p2', network: 'b' });
    for (const bad of ['a/b/c', '/x', 'x/', '', '/', 'x//y', 'a_b', 'p/a b', 'p /b']) {
      assert.throws(() => parseTarget(bad, 'p1'), (e: unknown) => e instanceof InvalidTargetError && e.field === 'target', bad);
    }
  });

  it('config: user.* keys with string values only, sorted', () => {
    assert.deepEqual(Object.keys(checkConfig({ 'user.b': '1', 'user.a': '2' })), ['user.a', 'user.b']);
    for (const bad of [{ foo: 'x' }, { 'user.': 'x' }, { 'user.x': 1 }, [], 'x']) {
      assert.throws(() => checkConfig(bad), InvalidConfigError, JSON.stringify(bad));
    }
  });

  it('gateway CIDRs: canonical text, subnet, host-address rules', () => {
    const g = parseGatewayCidr('ipv4', 4, '10.10.1.1/24');
    assert.equal(g.subnet, '10.10.1.0/24');
    const g6 = parseGatewayCidr('ipv6', 6, 'FD42:0001:0000::0001/64');
    assert.equal(g6.cidr, 'fd42:1::1/64');
    assert.equal(g6.subnet, 'fd42:1::/64');
    assert.equal(parseGatewayCidr('ipv6', 6, '2001:db8:0:0:1:0:0:1/64').address, '2001:db8::1:0:0:1');
    for (const bad of ['10.10.1.0/24', '10.10.1.255/24', '10.10.1.1', '1.2.3.4/7', '10.1.1.1/31', '01.1.1.1/24', '224.0.0.1/24']) {
      assert.throws(() => parseGatewayCidr('ipv4', 4, bad), (e: unknown) => e instanceof InvalidCidrError && e.field === 'ipv4', bad);
    }
    for (const bad of ['fd42::/64', 'fd42::1/128', '::1/64', 'fd42::1::2/64', '10.0.0.1/24', 'ff02::1/64']) {
      assert.throws(() => parseGatewayCidr('ipv6', 6, bad), InvalidCidrError, bad);
    }
  });

  it('overlap is per family and by the shorter prefix', () => {
    const p = (s: string): ReturnType<typeof parseGatewayCidr> => parseGatewayCidr('x', s.includes(':') ? 6 : 4, s);
    assert.ok(overlaps(p('10.0.0.1/8'), p('10.200.1.1/24')));
    assert.ok(!overlaps(p('10.10.1.1/24'), p('10.10.2.1/24')));
    assert.ok(overlaps(p('fd42::1/48'), p('fd42:0:0:5::1/64')));
    assert.ok(!overlaps(p('fd42:1::1/64'), p('fd42:2::1/64')));
  });

  it('row names come from ids, never from user names', () => {
    assert.equal(rowNames.router(7), 'hvnet-net7-lr');
    assert.equal(rowNames.peerPort(7, 12), 'hvnet-net7-lr-lrp-peer-net12');
    assert.equal(networkMac(0x010203), '02:68:76:01:02:03');
  });
});
