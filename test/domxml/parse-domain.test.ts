// Reading NICs back from real-shaped `virsh dumpxml` output, live and inactive.
import assert from 'node:assert/strict';
import { MalformedXmlError } from '../../lib/domxml/errors.js';
import { isHvnetInterface, listInterfaceIdentities, parseDomainInterfaces, parseInterfaceXml, specFromDomainInterface } from '../../lib/domxml/parse.js';
import type { DomainInterface } from '../../lib/domxml/types.js';
import { validateInterfaceSpec } from '../../lib/domxml/validate.js';
import { readFixture } from './paths.js';
import { RngValidator } from './rng.js';

const fixtures = ['q35-tcg-live.xml', 'q35-tcg-inactive-mixed.xml', 'libvirt-test-driver-input.xml', 'libvirt-test-driver-live.xml'];

describe('domxml: parsing domain XML', function () {
  this.timeout(20_000);

  it('the fixtures are valid libvirt domain XML (domain.rng)', () => {
    const rng = new RngValidator();
    try {
      rng.domains(fixtures.map(readFixture)).forEach((r, i) => assert.equal(r.valid, true, `${fixtures[i]}: ${r.messages.join('\n')}`));
    } finally {
      rng.close();
    }
  });

  it('live q35 TCG domain: the hot-plugged NICs with target, alias and PCI address', () => {
    assert.deepEqual(parseDomainInterfaces(readFixture('q35-tcg-live.xml')), [
      {
        source: 'hlv0',
        mode: 'vepa',
        mac: '52:54:00:aa:00:04',
        model: 'virtio',
        alias: 'ua-hvnet-n1',
        targetDev: 'macvtap0',
        pciAddress: { domain: 0, bus: 1, slot: 0, function: 0 },
      },
      {
        source: 'hlv0',
        mode: 'bridge',
        mac: '52:54:00:3b:91:0e',
        model: 'e1000e',
        mtu: 1400,
        alias: 'net1',
        targetDev: 'macvtap1',
        pciAddress: { domain: 0, bus: 2, slot: 0, function: 0 },
      },
    ] satisfies DomainInterface[]);
  });

  it('inactive domain: only the direct NICs among network/bridge/user ones, virtualports complete', () => {
    const nics = parseDomainInterfaces(readFixture('q35-tcg-inactive-mixed.xml'));
    assert.deepEqual(
      nics.map((n) => n.targetDev),
      [undefined, undefined],
    );
    assert.deepEqual(nics, [
      {
        source: 'eth0.100',
        mode: 'vepa',
        mac: '52:54:00:aa:00:05',
        model: 'virtio',
        virtualport: { type: '802.1Qbg', managerid: 11, typeid: 1193047, typeidversion: 2, instanceid: '09b11c53-8b5c-4eeb-8f00-d84eaa0aaa4f' },
        alias: 'ua-hvnet-qbg1',
        pciAddress: { domain: 0, bus: 2, slot: 0, function: 0 },
      },
      {
        source: 'enp7s0f1',
        mode: 'private',
        mac: '52:54:00:aa:00:06',
        model: 'virtio',
        virtualport: { type: '802.1Qbh', profileid: 'finance' },
        pciAddress: { domain: 0, bus: 4, slot: 0, function: 0 },
      },
    ] satisfies DomainInterface[]);
  });

  it("reads libvirt's spellings (hex managerid, undashed uppercase UUID, uppercase MAC) as its formatter prints them", () => {
    const strip = (l: DomainInterface[]): DomainInterface[] => l.map(({ targetDev: _t, ...rest }) => rest);
    const input = strip(parseDomainInterfaces(readFixture('libvirt-test-driver-input.xml')));
    const output = strip(parseDomainInterfaces(readFixture('libvirt-test-driver-live.xml')));
    // libvirt generated a MAC for the second NIC; everything else must agree.
    assert.equal(input[1]?.mac, undefined);
    assert.equal(output[1]?.mac, '52:54:00:23:7f:b7');
    if (input[1]) input[1].mac = output[1]?.mac;
    assert.deepEqual(input, output);
  });

  it('lists MAC and alias of every NIC, whatever its type', () => {
    assert.deepEqual(listInterfaceIdentities(readFixture('q35-tcg-inactive-mixed.xml')), [
      { type: 'network', mac: '52:54:00:10:20:30' },
      { type: 'direct', mac: '52:54:00:aa:00:05', alias: 'ua-hvnet-qbg1' },
      { type: 'bridge', mac: '52:54:00:10:20:31' },
      { type: 'direct', mac: '52:54:00:aa:00:06' },
      { type: 'user', mac: '52:54:00:10:20:32' },
    ]);
  });

  it('tells hvnet NICs from others by alias', () => {
    const nics = parseDomainInterfaces(readFixture('q35-tcg-live.xml'));
    assert.deepEqual(nics.map(isHvnetInterface), [true, false]);
  });

  it("turns a parsed NIC back into a spec that validates (libvirt's net1 alias dropped)", () => {
    const [, second] = parseDomainInterfaces(readFixture('q35-tcg-live.xml'));
    assert.ok(second);
    assert.deepEqual(validateInterfaceSpec(specFromDomainInterface(second)), {
      source: 'hlv0',
      mode: 'bridge',
      model: 'e1000e',
      mac: '52:54:00:3b:91:0e',
      mtu: 1400,
    });
  });

  it('copes with a direct NIC that has nothing but its source (mode defaults to vepa)', () => {
    const xml = "<domain type='qemu'><name>x</name><devices><interface type='direct'><source dev='hlv1'/></interface></devices></domain>";
    assert.deepEqual(parseDomainInterfaces(xml), [{ source: 'hlv1', mode: 'vepa' }]);
  });

  it('copes with no devices, no interfaces, and virtualports without parameters or of other types', () => {
    assert.deepEqual(parseDomainInterfaces("<domain type='qemu'><name>x</name></domain>"), []);
    assert.deepEqual(parseDomainInterfaces("<domain type='qemu'><name>x</name><devices><emulator>/usr/bin/qemu-system-x86_64</emulator></devices></domain>"), []);
    const vp = (inner: string): DomainInterface => parseInterfaceXml(`<interface type='direct'><source dev='e' mode='vepa'/>${inner}</interface>`);
    assert.deepEqual(vp("<virtualport type='802.1Qbg'/>").virtualport, { type: '802.1Qbg' });
    assert.deepEqual(vp("<virtualport type='802.1Qbh'><parameters/></virtualport>").virtualport, { type: '802.1Qbh' });
    assert.deepEqual(vp("<virtualport type='openvswitch'/>").virtualport, { type: 'other', declaredType: 'openvswitch' });
    assert.deepEqual(vp('<virtualport/>').virtualport, { type: 'other', declaredType: undefined });
    assert.equal(vp("<address type='ccw' cssid='0xfe' ssid='0x0' devno='0x0001'/>").pciAddress, undefined);
  });

  it('an incomplete Qbg stays out of specFromDomainInterface', () => {
    const iface = parseInterfaceXml("<interface type='direct'><source dev='e' mode='vepa'/><virtualport type='802.1Qbg'><parameters managerid='1'/></virtualport></interface>");
    assert.equal(specFromDomainInterface(iface).virtualport, undefined);
  });

  it('reports malformed input as MalformedXmlError with a location', () => {
    const cases: [string, RegExp][] = [
      ['<domain><devices>', /^domain$/],
      ['', /^domain$/],
      ["<interface type='direct'/>", /^domain$/],
      ["<domain><devices><interface type='direct'><source mode='vepa'/></interface></devices></domain>", /^domain\/devices\/interface\[1\]\/source$/],
      ["<domain><devices><interface type='user'/><interface type='direct'><source dev='e' mode='vepa-typo'/></interface></devices></domain>", /^domain\/devices\/interface\[2\]\/source@mode$/],
      ["<domain><devices><interface type='direct'><source dev='e'/><mtu size='big'/></interface></devices></domain>", /interface\[1\]\/mtu@size$/],
      ["<domain><devices><interface type='direct'><source dev='e'/><virtualport type='802.1Qbg'><parameters instanceid='x'/></virtualport></interface></devices></domain>", /parameters@instanceid$/],
    ];
    for (const [xml, where] of cases) {
      assert.throws(
        () => parseDomainInterfaces(xml),
        (e: unknown) => e instanceof MalformedXmlError && e.code === 'HVNET_DOMXML_MALFORMED_XML' && where.test(e.where),
        xml,
      );
    }
  });

  it('parseInterfaceXml wants a direct <interface> root', () => {
    assert.throws(() => parseInterfaceXml("<interface type='bridge'><source bridge='br0'/></interface>"), (e: unknown) => e instanceof MalformedXmlError && e.where === 'interface@type');
    assert.throws(() => parseInterfaceXml("<domain type='qemu'/>"), MalformedXmlError);
  });
});
