// For any broken spec: a typed error that names the broken field and carries the bad value, and
// never any XML. For any value at all: a DomXmlError or a spec, never a crash of another kind.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildInterfaceXml } from '../../lib/domxml/build.js';
import { DomXmlError, InvalidFieldError, UnsupportedCombinationError } from '../../lib/domxml/errors.js';
import type { NormalizedInterfaceSpec } from '../../lib/domxml/types.js';
import { validateInterfaceSpec } from '../../lib/domxml/validate.js';
import { brokenSpec, mismatchedMode } from './arbitraries.js';

function neverXml(spec: unknown): void {
  assert.throws(() => buildInterfaceXml(spec as NormalizedInterfaceSpec), DomXmlError);
}

describe('domxml: invalid specs give typed errors, never XML (property)', () => {
  it('one broken field → InvalidFieldError naming that field and value', () => {
    fc.assert(
      fc.property(brokenSpec, ({ spec, field, value }) => {
        assert.throws(
          () => validateInterfaceSpec(spec),
          (e: unknown) => {
            assert.ok(e instanceof InvalidFieldError, `expected InvalidFieldError, got ${String(e)}`);
            assert.equal(e.code, 'HVNET_DOMXML_INVALID_FIELD');
            assert.equal(e.field, field);
            assert.deepEqual(e.value, value);
            assert.ok(e.allowed.length > 0);
            return true;
          },
        );
        neverXml(spec);
      }),
      { numRuns: 1000 },
    );
  });

  it('a mode the virtualport type does not allow → UnsupportedCombinationError', () => {
    fc.assert(
      fc.property(mismatchedMode, ({ spec, mode, type }) => {
        assert.throws(
          () => validateInterfaceSpec(spec),
          (e: unknown) => e instanceof UnsupportedCombinationError && e.value === mode && e.becauseValue === type && !e.allowedValues.includes(mode),
        );
        neverXml(spec);
      }),
      { numRuns: 300 },
    );
  });

  it('any value at all → a normalized spec or a DomXmlError, nothing else', () => {
    const anyInput = fc.oneof(fc.anything(), fc.object(), fc.dictionary(fc.constantFrom('source', 'mode', 'model', 'mac', 'virtualport', 'mtu', 'alias'), fc.anything()));
    fc.assert(
      fc.property(anyInput, (input) => {
        try {
          const spec = validateInterfaceSpec(input);
          assert.equal(typeof buildInterfaceXml(spec), 'string');
        } catch (e) {
          assert.ok(e instanceof DomXmlError, `unexpected ${String(e)}`);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
