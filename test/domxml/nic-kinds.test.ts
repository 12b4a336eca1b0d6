// The kind-dispatching API: `kind` picks the room, direct NICs come out exactly as the direct
// builder and parser make them, and a domain's NICs of both kinds are read in document order.
import assert from 'node:assert/strict';
import { buildInterfaceXml } from '../../lib/domxml/build.js';
import { InvalidFieldError, MalformedXmlError } from '../../lib/domxml/errors.js';
import { NIC_KINDS, buildNicXml, parseDomainNics, parseNicXml, specFromDomainNic, validateNicSpec } from '../../lib/domxml/nic-kinds.js';
import { parseDomainInterfaces, parseInterfaceXml } from '../../lib/domxml/parse.js';
import { validateInterfaceSpec } from '../../lib/domxml/validate.js';
import { FIXED_UUID } from './arbitraries.js';
import { readFixture } from './paths.js';

const fixedUuid = { randomUUID: () => FIXED_UUID };
const direct = { source: 'hlv0', mac: '52:54:00:aa:00:04', alias: 'ua-hvnet-n1', virtualport: { type: '802.1Qbg', managerid: 11, typeid: 7, typeidversion: 2 } } as const;

describe('domxml: NIC kinds', () => {
  it('kind is required and names the kinds', () => {
    for (const bad of [undefined, 'macvtap', 'network']) {
      assert.throws(
        () => validateNicSpec({ ...direct, kind: bad }),
        (e: unknown) => e instanceof InvalidFieldError && e.field === 'kind' && JSON.stringify(e.allowedValues) === JSON.stringify(NIC_KINDS),
      );
    }
  });

  it('direct: the same normalized spec, bytes and parse as the direct API', () => {
    const normalized = validateNicSpec({ kind: 'direct', ...direct }, fixedUuid);
    assert.deepEqual(normalized, { kind: 'direct', ...validateInterfaceSpec(direct, fixedUuid) });
    const xml = buildNicXml(normalized);
    assert.equal(xml, buildInterfaceXml(validateInterfaceSpec(direct, fixedUuid)));
    assert.deepEqual(parseNicXml(xml), { kind: 'direct', ...parseInterfaceXml(xml) });
    assert.deepEqual(validateNicSpec(specFromDomainNic(parseNicXml(xml))), normalized);
  });

  it('direct: a field of the other kind is refused, naming it', () => {
    assert.throws(() => validateNicSpec({ kind: 'direct', ...direct, bridge: 'br0' }), (e: unknown) => e instanceof InvalidFieldError && e.field === 'bridge');
  });

  it('a domain: direct and bridge NICs in document order, network and user NICs skipped', () => {
    const xml = readFixture('q35-tcg-inactive-mixed.xml');
    const nics = parseDomainNics(xml);
    assert.deepEqual(
      nics.map((n) => n.kind),
      ['direct', 'bridge', 'direct'],
    );
    const directs = parseDomainInterfaces(xml);
    assert.deepEqual(nics[0], { kind: 'direct', ...directs[0] });
    assert.deepEqual(nics[2], { kind: 'direct', ...directs[1] });
    assert.deepEqual(nics[1], {
      kind: 'bridge',
      bridge: 'br0',
      mac: '52:54:00:10:20:31',
      model: 'e1000e',
      pciAddress: { domain: 0, bus: 3, slot: 0, function: 0 },
    });
  });

  it('a snippet of another type is refused naming the known kinds', () => {
    assert.throws(
      () => parseNicXml(`<interface type='network'><source network='default'/></interface>`),
      (e: unknown) => e instanceof MalformedXmlError && e.where === 'interface@type' && e.message.includes('direct, bridge'),
    );
  });
});
