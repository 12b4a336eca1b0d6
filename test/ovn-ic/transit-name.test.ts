// The transit switch name rule (docs/ovn-ic.md): what a pattern may hold, what it renders, and
// that every remote error code is in the one error table with its class.
import assert from 'node:assert/strict';
import { REMOTE_ERRORS, RemoteError } from '../../lib/ovn/remote/errors.js';
import { DEFAULT_TRANSIT_PATTERN, TRANSIT_NAME_MAX, checkTransitPattern, renderTransitName } from '../../lib/ovn/remote/transit-name.js';
import { asHvnetError, mappingOf } from '../../agent/api/errors.js';
import type { HvnetErrorCode } from '../../agent/api/errors.js';

const code = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    return e instanceof RemoteError ? e.code : `not a RemoteError: ${String(e)}`;
  }
  return 'no error';
};

describe('ovn-ic: transit switch names', () => {
  it("renders Incus's default pattern the same in both AZs for the same integration, project and network", () => {
    const input = { integration: 'ic', project: 'default', network: 'web' };
    assert.equal(renderTransitName(DEFAULT_TRANSIT_PATTERN, input), 'ts-incus-ic-default-web');
    assert.equal(renderTransitName('ts-{{projectName}}.{{ networkName }}', input), 'ts-default.web');
  });

  it('refuses unknown placeholders, characters outside [A-Za-z0-9_.-] and an empty pattern', () => {
    assert.equal(code(() => checkTransitPattern('ts-{{ hostName }}')), 'HVNET_OVN_INTEGRATION_INVALID');
    assert.equal(code(() => checkTransitPattern('ts {{ networkName }}')), 'HVNET_OVN_INTEGRATION_INVALID');
    assert.equal(code(() => checkTransitPattern('')), 'HVNET_OVN_INTEGRATION_INVALID');
    assert.equal(checkTransitPattern('fixed-name'), 'fixed-name');
  });

  it(`refuses a rendered name longer than ${TRANSIT_NAME_MAX} characters, naming the rule`, () => {
    const long = { integration: 'i'.repeat(63), project: 'p'.repeat(63), network: 'n'.repeat(63) };
    assert.equal(renderTransitName(DEFAULT_TRANSIT_PATTERN, long).length, 9 + 63 * 3 + 2);
    try {
      renderTransitName(`{{ integrationName }}-${DEFAULT_TRANSIT_PATTERN}`, long);
      assert.fail('no error');
    } catch (e) {
      assert.ok(e instanceof RemoteError);
      assert.equal(e.code, 'HVNET_OVN_TRANSIT_NAME_INVALID');
      assert.match(e.message, /is 264 characters long \(allowed: 1-200 characters/);
    }
  });

  it('every remote error code is mapped, keeping its code and class', () => {
    for (const [c, cls] of Object.entries(REMOTE_ERRORS)) {
      const h = asHvnetError(new RemoteError(c as keyof typeof REMOTE_ERRORS, 'x'));
      assert.equal(h.code, c);
      assert.equal(h.errorClass, cls);
      assert.ok(mappingOf(c as HvnetErrorCode).exit > 0);
    }
  });
});
