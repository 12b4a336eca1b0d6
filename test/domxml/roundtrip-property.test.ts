// For any valid spec: validate → build → libvirt's RNG accepts it → parse gives the spec back.
// The RNG runs once per generated batch (hundreds of documents per xmllint process).
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildInterfaceXml } from '../../lib/domxml/build.js';
import { parseInterfaceXml, specFromDomainInterface } from '../../lib/domxml/parse.js';
import type { DomainInterface, NormalizedInterfaceSpec } from '../../lib/domxml/types.js';
import { validateInterfaceSpec } from '../../lib/domxml/validate.js';
import { expectedNormalized, FIXED_UUID, validSpec } from './arbitraries.js';
import { RngValidator } from './rng.js';

const fixedUuid = { randomUUID: () => FIXED_UUID };

/** The fields of a parsed NIC that a spec determines (libvirt adds target, address, …). */
function specFieldsOf(iface: DomainInterface): Record<string, unknown> {
  const { targetDev: _t, pciAddress: _p, ...rest } = iface;
  return rest;
}

describe('domxml: valid specs round-trip through XML (property)', function () {
  this.timeout(60_000);
  let rng: RngValidator;
  before(() => {
    rng = new RngValidator();
  });
  after(() => rng.close());

  it('validate fills defaults and normalizes exactly as expected', () => {
    fc.assert(
      fc.property(validSpec, (spec) => {
        assert.deepEqual(validateInterfaceSpec(spec, fixedUuid), expectedNormalized(spec));
      }),
      { numRuns: 500 },
    );
  });

  it('every built XML is RNG-valid, and parses back to the same normalized spec', () => {
    let documents = 0;
    fc.assert(
      fc.property(fc.array(validSpec, { minLength: 100, maxLength: 200 }), (specs) => {
        const normalized: NormalizedInterfaceSpec[] = specs.map((s) => validateInterfaceSpec(s, fixedUuid));
        const xmls = normalized.map((n) => buildInterfaceXml(n));
        documents += xmls.length;
        rng.interfaces(xmls).forEach((r, i) => assert.equal(r.valid, true, `${xmls[i]}\n${r.messages.join('\n')}`));
        xmls.forEach((xml, i) => {
          const n = normalized[i];
          assert.ok(n);
          const parsed = parseInterfaceXml(xml);
          assert.deepEqual(specFieldsOf(parsed), n);
          assert.deepEqual(validateInterfaceSpec(specFromDomainInterface(parsed)), n);
          assert.equal(buildInterfaceXml(n), xml, 'not byte-stable');
        });
      }),
      { numRuns: 4 },
    );
    assert.ok(documents >= 400, `only ${documents} documents checked`);
  });
});
