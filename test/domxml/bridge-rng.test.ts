// Bridge NICs, plain and Open vSwitch, each with and without `<host csum='off'>`: libvirt's own
// grammar accepts what hvnet builds, and the XML parses back to the spec it came from.
import assert from 'node:assert/strict';
import { buildBridgeInterfaceXml } from '../../lib/domxml/bridge-build.js';
import { parseBridgeInterfaceXml, specFromBridgeInterface } from '../../lib/domxml/bridge-parse.js';
import type { BridgeInterfaceSpec, DomainBridgeInterface } from '../../lib/domxml/bridge-types.js';
import { validateBridgeInterfaceSpec } from '../../lib/domxml/bridge-validate.js';
import { buildNicXml, parseNicXml, validateNicSpec } from '../../lib/domxml/nic-kinds.js';
import { RngValidator } from './rng.js';
import type { RngResult } from './rng.js';

const IFACE_ID = '5B0C8E4A-1F2D-4C3B-9A8E-7D6C5B4A3F21';

interface Case {
  title: string;
  spec: BridgeInterfaceSpec;
}

const ports: Record<string, Partial<BridgeInterfaceSpec>> = {
  'plain bridge': { bridge: 'br0' },
  'openvswitch bridge': { bridge: 'br-int', virtualport: { type: 'openvswitch', interfaceid: IFACE_ID } },
};
const extras: Record<string, Partial<BridgeInterfaceSpec>> = {
  '': {},
  ", host csum='off'": { hostCsum: 'off' },
  ", host csum='on', target, mtu": { hostCsum: 'on', targetDev: 'tap-hv1', mtu: 1442 },
  ', e1000e, no mac, no alias': { model: 'e1000e' },
};

const cases: Case[] = [];
for (const [portName, port] of Object.entries(ports)) {
  for (const [extraName, extra] of Object.entries(extras)) {
    const base: BridgeInterfaceSpec = { kind: 'bridge', bridge: '', mac: '52:54:00:AA:00:07', alias: 'ua-hvnet-b1', ...port, ...extra };
    if (extra.model !== undefined) {
      delete base.mac;
      delete base.alias;
    }
    cases.push({ title: `${portName}${extraName}`, spec: base });
  }
}

/** The parsed fields a spec decides (libvirt adds the PCI address). */
function specFieldsOf(iface: DomainBridgeInterface): Omit<DomainBridgeInterface, 'pciAddress'> {
  const { pciAddress: _p, ...rest } = iface;
  return rest;
}

describe('domxml: bridge NICs (plain and openvswitch, with and without host csum)', function () {
  this.timeout(20_000);
  let rng: RngValidator;
  const results = new Map<string, RngResult>();

  before(() => {
    rng = new RngValidator();
    const xmls = cases.map((c) => buildBridgeInterfaceXml(validateBridgeInterfaceSpec(c.spec)));
    rng.interfaces(xmls).forEach((r, i) => results.set(cases[i]?.title ?? '', r));
  });

  after(() => rng.close());

  for (const c of cases) {
    it(`${c.title}: libvirt's RNG accepts the XML, and it parses back to the normalized spec`, () => {
      const r = results.get(c.title);
      assert.ok(r, 'no xmllint result');
      const normalized = validateBridgeInterfaceSpec(c.spec);
      const xml = buildBridgeInterfaceXml(normalized);
      assert.equal(r.valid, true, `${xml}\n${r.messages.join('\n')}`);
      const parsed = parseBridgeInterfaceXml(xml);
      assert.deepEqual(specFieldsOf(parsed), normalized);
      assert.deepEqual(validateBridgeInterfaceSpec(specFromBridgeInterface(parsed)), normalized);
      assert.equal(buildBridgeInterfaceXml(normalized), xml, 'not byte-stable');
      // The kind-dispatching API gives the same bytes and the same parse.
      assert.deepEqual(validateNicSpec(c.spec), normalized);
      assert.equal(buildNicXml(normalized), xml);
      assert.deepEqual(parseNicXml(xml), parsed);
    });
  }

  it('an OVS port with host csum off is exactly the shape libvirt documents, interfaceid lowercased', () => {
    const xml = buildBridgeInterfaceXml(
      validateBridgeInterfaceSpec({ kind: 'bridge', bridge: 'br-int', mac: '52:54:00:aa:00:07', virtualport: { type: 'openvswitch', interfaceid: IFACE_ID }, hostCsum: 'off' }),
    );
    assert.equal(
      xml,
      [
        `<interface type="bridge">`,
        `  <mac address="52:54:00:aa:00:07"/>`,
        `  <source bridge="br-int"/>`,
        `  <virtualport type="openvswitch">`,
        `    <parameters interfaceid="${IFACE_ID.toLowerCase()}"/>`,
        `  </virtualport>`,
        `  <model type="virtio"/>`,
        `  <driver name="qemu">`,
        `    <host csum="off"/>`,
        `  </driver>`,
        `</interface>`,
      ].join('\n'),
    );
  });

  it('the RNG itself refuses an interfaceid that is not a UUID (why hvnet checks it)', () => {
    const [r] = rng.interfaces([
      `<interface type='bridge'><source bridge='br-int'/><virtualport type='openvswitch'><parameters interfaceid='lsp1'/></virtualport></interface>`,
    ]);
    assert.equal(r?.valid, false);
  });

  it("parses what libvirt prints for a live OVS port: its own tap name is not part of the spec", () => {
    const live = [
      `<interface type='bridge'>`,
      `  <mac address='52:54:00:aa:00:07'/>`,
      `  <source bridge='br-int'/>`,
      `  <virtualport type='openvswitch'>`,
      `    <parameters interfaceid='${IFACE_ID}'/>`,
      `  </virtualport>`,
      `  <target dev='vnet3'/>`,
      `  <model type='virtio'/>`,
      `  <driver name='qemu'>`,
      `    <host csum='off'/>`,
      `  </driver>`,
      `  <alias name='ua-hvnet-b1'/>`,
      `  <address type='pci' domain='0x0000' bus='0x07' slot='0x00' function='0x0'/>`,
      `</interface>`,
    ].join('\n');
    const parsed = parseBridgeInterfaceXml(live);
    assert.deepEqual(parsed, {
      kind: 'bridge',
      bridge: 'br-int',
      mac: '52:54:00:aa:00:07',
      model: 'virtio',
      virtualport: { type: 'openvswitch', interfaceid: IFACE_ID.toLowerCase() },
      targetDev: 'vnet3',
      hostCsum: 'off',
      alias: 'ua-hvnet-b1',
      pciAddress: { domain: 0, bus: 7, slot: 0, function: 0 },
    });
    assert.deepEqual(specFromBridgeInterface(parsed), {
      kind: 'bridge',
      bridge: 'br-int',
      model: 'virtio',
      mac: '52:54:00:aa:00:07',
      virtualport: { type: 'openvswitch', interfaceid: IFACE_ID.toLowerCase() },
      hostCsum: 'off',
      alias: 'ua-hvnet-b1',
    });
  });
});
