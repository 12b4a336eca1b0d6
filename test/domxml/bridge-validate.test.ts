// Bridge specs broken in one field: refused with the error naming that field and what it allows.
import assert from 'node:assert/strict';
import { buildBridgeInterfaceXml } from '../../lib/domxml/bridge-build.js';
import { parseBridgeInterfaceXml } from '../../lib/domxml/bridge-parse.js';
import type { NormalizedBridgeInterfaceSpec } from '../../lib/domxml/bridge-types.js';
import { HOST_CSUM_MODELS, validateBridgeInterfaceSpec } from '../../lib/domxml/bridge-validate.js';
import { InvalidFieldError, MalformedXmlError, UnsupportedCombinationError } from '../../lib/domxml/errors.js';

const ovs = { type: 'openvswitch', interfaceid: '5b0c8e4a-1f2d-4c3b-9a8e-7d6c5b4a3f21' } as const;
const good = { kind: 'bridge', bridge: 'br-int', virtualport: ovs } as const;

function rejects(spec: unknown, field: string, allowed: RegExp, allowedValues?: readonly string[]): void {
  assert.throws(
    () => validateBridgeInterfaceSpec(spec),
    (e: unknown) => {
      assert.ok(e instanceof InvalidFieldError, `expected InvalidFieldError, got ${String(e)}`);
      assert.equal(e.code, 'HVNET_DOMXML_INVALID_FIELD');
      assert.equal(e.field, field);
      assert.match(e.allowed, allowed);
      if (allowedValues !== undefined) assert.deepEqual(e.allowedValues, allowedValues);
      assert.ok(e.message.includes(field), e.message);
      return true;
    },
  );
}

describe('domxml: bridge NIC validation, field by field', () => {
  it('fills model virtio and keeps absent optionals absent', () => {
    assert.deepEqual(validateBridgeInterfaceSpec({ kind: 'bridge', bridge: 'br0' }), { kind: 'bridge', bridge: 'br0', model: 'virtio' });
  });

  it('kind: must say bridge', () => {
    rejects({ bridge: 'br0' }, 'kind', /one of bridge/, ['bridge']);
    rejects({ kind: 'direct', bridge: 'br0' }, 'kind', /one of bridge/, ['bridge']);
  });

  it('bridge: a Linux interface name (1-15 characters, no / : or whitespace)', () => {
    for (const ok of ['br0', 'br-int', 'ovsbr_1.2', 'abcdefghijklmno']) assert.equal(validateBridgeInterfaceSpec({ kind: 'bridge', bridge: ok }).bridge, ok);
    for (const bad of ['', '.', '..', 'abcdefghijklmnop', 'br/int', 'br int', 'br:0', 'br0\n', 7]) {
      rejects({ kind: 'bridge', bridge: bad }, 'bridge', /1-15 characters/);
    }
    rejects({ kind: 'bridge' }, 'bridge', /1-15 characters/);
  });

  it('virtualport: only openvswitch, with a UUID interfaceid and nothing else', () => {
    rejects({ ...good, virtualport: { type: '802.1Qbg', managerid: 1, typeid: 1, typeidversion: 1 } }, 'virtualport.type', /one of openvswitch/, ['openvswitch']);
    rejects({ ...good, virtualport: { interfaceid: ovs.interfaceid } }, 'virtualport.type', /one of openvswitch/);
    rejects({ ...good, virtualport: 'openvswitch' }, 'virtualport', /an object/);
    rejects({ ...good, virtualport: { type: 'openvswitch' } }, 'virtualport.interfaceid', /a UUID/);
    for (const bad of ['lsp1', '5b0c8e4a-1f2d-4c3b-9a8e', '5b0c8e4a1f2d4c3b9a8e7d6c5b4a3f2g', 42]) {
      rejects({ ...good, virtualport: { type: 'openvswitch', interfaceid: bad } }, 'virtualport.interfaceid', /a UUID/);
    }
    rejects({ ...good, virtualport: { ...ovs, profileid: 'p' } }, 'virtualport.profileid', /only the fields type, interfaceid/);
    assert.equal(
      validateBridgeInterfaceSpec({ ...good, virtualport: { type: 'openvswitch', interfaceid: '5B0C8E4A1F2D4C3B9A8E7D6C5B4A3F21' } }).virtualport?.interfaceid,
      '5b0c8e4a-1f2d-4c3b-9a8e-7d6c5b4a3f21',
    );
  });

  it('hostCsum: on or off, and only with a virtio model (libvirt ignores it on others)', () => {
    rejects({ ...good, hostCsum: false }, 'hostCsum', /one of on, off/, ['on', 'off']);
    rejects({ ...good, hostCsum: 'no' }, 'hostCsum', /one of on, off/);
    for (const model of HOST_CSUM_MODELS) assert.equal(validateBridgeInterfaceSpec({ ...good, model, hostCsum: 'off' }).hostCsum, 'off');
    assert.throws(
      () => validateBridgeInterfaceSpec({ ...good, model: 'e1000e', hostCsum: 'off' }),
      (e: unknown) => {
        assert.ok(e instanceof UnsupportedCombinationError);
        assert.equal(e.field, 'model');
        assert.equal(e.value, 'e1000e');
        assert.equal(e.because, 'hostCsum');
        assert.equal(e.becauseValue, 'off');
        assert.deepEqual(e.allowedValues, ['virtio', 'virtio-transitional', 'virtio-non-transitional']);
        return true;
      },
    );
  });

  it("targetDev: an interface name, not one of libvirt's own tap prefixes", () => {
    assert.equal(validateBridgeInterfaceSpec({ ...good, targetDev: 'tap-hv1' }).targetDev, 'tap-hv1');
    for (const bad of ['vnet0', 'macvtap3', 'macvlan1']) rejects({ ...good, targetDev: bad }, 'targetDev', /not starting with vnet, macvtap, macvlan/);
    rejects({ ...good, targetDev: 'tap/1' }, 'targetDev', /1-15 characters/);
  });

  it('mac, model, mtu, alias: the same rules as direct NICs', () => {
    rejects({ ...good, mac: '01:00:5e:00:00:01' }, 'mac', /unicast/);
    rejects({ ...good, model: 'ne2k_pci' }, 'model', /one of virtio, /);
    rejects({ ...good, mtu: 67 }, 'mtu', /68\.\.65535/);
    rejects({ ...good, alias: 'net0' }, 'alias', /ua-hvnet-/);
  });

  it("direct-only fields and misspellings are refused, naming the bridge spec's fields", () => {
    rejects({ ...good, source: 'eth0' }, 'source', /only the fields kind, bridge, model, mac, virtualport, targetDev, hostCsum, mtu, alias/);
    rejects({ ...good, mode: 'vepa' }, 'mode', /only the fields/);
    rejects({ ...good, hostcsum: 'off' }, 'hostcsum', /only the fields/);
    rejects('br0', 'spec', /an object/);
  });

  it('the builder checks a hand-made "normalized" spec again', () => {
    const forged = { kind: 'bridge', bridge: 'br int', model: 'virtio' } as NormalizedBridgeInterfaceSpec;
    assert.throws(() => buildBridgeInterfaceXml(forged), (e: unknown) => e instanceof InvalidFieldError && e.field === 'bridge');
  });

  it('the parser refuses a bridge NIC without a bridge, a bad interfaceid or csum, and other types', () => {
    const bad: Record<string, string> = {
      'interface/source': `<interface type='bridge'><model type='virtio'/></interface>`,
      'interface/virtualport/parameters@interfaceid': `<interface type='bridge'><source bridge='br-int'/><virtualport type='openvswitch'><parameters interfaceid='lsp1'/></virtualport></interface>`,
      'interface/driver/host@csum': `<interface type='bridge'><source bridge='br-int'/><driver name='qemu'><host csum='maybe'/></driver></interface>`,
      'interface@type': `<interface type='direct'><source dev='eth0' mode='vepa'/></interface>`,
    };
    for (const [where, xml] of Object.entries(bad)) {
      assert.throws(() => parseBridgeInterfaceXml(xml), (e: unknown) => e instanceof MalformedXmlError && e.where === where, where);
    }
  });
});
