// The XML text is part of hvnet's contract: the same spec gives the same bytes, in libvirt's
// element order, with values escaped, and detach XML carries just enough to find the NIC.
import assert from 'node:assert/strict';
import { buildDetachXml, buildInterfaceXml } from '../../lib/domxml/build.js';
import { InvalidFieldError } from '../../lib/domxml/errors.js';
import type { NormalizedInterfaceSpec } from '../../lib/domxml/types.js';
import { parseInterfaceXml } from '../../lib/domxml/parse.js';
import { validateInterfaceSpec } from '../../lib/domxml/validate.js';

const full: NormalizedInterfaceSpec = {
  source: 'eth0.100',
  mode: 'vepa',
  model: 'virtio',
  mac: '52:54:00:aa:00:04',
  virtualport: { type: '802.1Qbg', managerid: 11, typeid: 1193047, typeidversion: 2, instanceid: '09b11c53-8b5c-4eeb-8f00-d84eaa0aaa4f' },
  mtu: 9000,
  alias: 'ua-hvnet-n1',
};

describe('domxml: built XML is byte-stable', () => {
  it('renders a full Qbg spec exactly, in libvirt element order', () => {
    assert.equal(
      buildInterfaceXml(full),
      [
        '<interface type="direct">',
        '  <mac address="52:54:00:aa:00:04"/>',
        '  <source dev="eth0.100" mode="vepa"/>',
        '  <virtualport type="802.1Qbg">',
        '    <parameters managerid="11" typeid="1193047" typeidversion="2" instanceid="09b11c53-8b5c-4eeb-8f00-d84eaa0aaa4f"/>',
        '  </virtualport>',
        '  <model type="virtio"/>',
        '  <mtu size="9000"/>',
        '  <alias name="ua-hvnet-n1"/>',
        '</interface>',
      ].join('\n'),
    );
  });

  it('renders the minimal spec with the defaults written out', () => {
    assert.equal(
      buildInterfaceXml(validateInterfaceSpec({ source: 'hlv0' })),
      '<interface type="direct">\n  <source dev="hlv0" mode="vepa"/>\n  <model type="virtio"/>\n</interface>',
    );
  });

  it('gives the same bytes whatever the key order or spelling of the input', () => {
    const a = validateInterfaceSpec({
      alias: 'ua-hvnet-n1',
      mtu: 9000,
      virtualport: { instanceid: '09B11C538B5C4EEB8F00D84EAA0AAA4F', typeidversion: 2, typeid: 1193047, managerid: 11, type: '802.1Qbg' },
      mac: '52:54:00:AA:00:04',
      model: 'virtio',
      mode: 'vepa',
      source: 'eth0.100',
    });
    assert.equal(buildInterfaceXml(a), buildInterfaceXml(full));
    assert.equal(buildInterfaceXml(full), buildInterfaceXml(structuredClone(full)));
  });

  it('escapes XML-special characters of a profileid and reads them back', () => {
    const spec = validateInterfaceSpec({ source: 'enp7s0f1', mode: 'private', virtualport: { type: '802.1Qbh', profileid: `a&b<c>"d'e` } });
    const xml = buildInterfaceXml(spec);
    assert.match(xml, /profileid="a&amp;b&lt;c>&quot;d'e"/);
    assert.deepEqual(parseInterfaceXml(xml).virtualport, { type: '802.1Qbh', profileid: `a&b<c>"d'e` });
  });

  it('refuses a hand-made "normalized" spec that breaks a rule, or lacks the Qbg instanceid', () => {
    assert.throws(() => buildInterfaceXml({ ...full, mode: 'passthru' as 'passthrough' }), InvalidFieldError);
    const noInstance = { ...full, virtualport: { type: '802.1Qbg', managerid: 1, typeid: 1, typeidversion: 1 } } as unknown as NormalizedInterfaceSpec;
    assert.throws(() => buildInterfaceXml(noInstance), (e: unknown) => e instanceof InvalidFieldError && e.field === 'virtualport.instanceid');
  });
});

describe('domxml: detach XML', () => {
  it('holds mac, source and the user alias, in that order', () => {
    assert.equal(
      buildDetachXml({ source: 'hlv0', mode: 'vepa', mac: '52:54:00:AA:00:04', alias: 'ua-hvnet-n1' }),
      '<interface type="direct">\n  <mac address="52:54:00:aa:00:04"/>\n  <source dev="hlv0" mode="vepa"/>\n  <alias name="ua-hvnet-n1"/>\n</interface>',
    );
  });

  it("leaves out libvirt's own aliases (net0), which it would drop anyway", () => {
    assert.equal(
      buildDetachXml({ source: 'hlv0', mac: '52:54:00:aa:00:04', alias: 'net0' }),
      '<interface type="direct">\n  <mac address="52:54:00:aa:00:04"/>\n  <source dev="hlv0"/>\n</interface>',
    );
  });

  it('accepts a parsed DomainInterface as it is', () => {
    const iface = parseInterfaceXml(buildInterfaceXml(full));
    assert.match(buildDetachXml(iface), /<alias name="ua-hvnet-n1"\/>/);
  });

  it('refuses to build XML that could match any NIC (no MAC, no user alias)', () => {
    assert.throws(
      () => buildDetachXml({ source: 'hlv0', alias: 'net0' }),
      (e: unknown) => e instanceof InvalidFieldError && e.field === 'mac' && /user alias/.test(e.allowed),
    );
  });

  it('validates what it is given', () => {
    assert.throws(() => buildDetachXml({ source: 'hl/v0', mac: '52:54:00:aa:00:04' }), (e: unknown) => e instanceof InvalidFieldError && e.field === 'source');
    assert.throws(() => buildDetachXml({ source: 'hlv0', mac: '01:00:5e:00:00:01' }), (e: unknown) => e instanceof InvalidFieldError && e.field === 'mac');
    assert.throws(() => buildDetachXml({ source: 'hlv0', alias: 'ua-bad alias' }), (e: unknown) => e instanceof InvalidFieldError && e.field === 'alias');
    assert.throws(
      () => buildDetachXml({ source: 'hlv0', mac: '52:54:00:aa:00:04', mode: 'passthru' as 'passthrough' }),
      (e: unknown) => e instanceof InvalidFieldError && e.field === 'mode',
    );
  });
});
