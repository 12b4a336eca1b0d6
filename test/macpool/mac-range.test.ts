// MAC and range parsing: what is accepted, and errors that name the field and the allowed form.
import assert from 'node:assert/strict';
import { DEFAULT_RANGE, formatMac, isLocallyAdministered, parseMac, parseRange } from '../../lib/macpool/mac.js';
import { InvalidMacError, InvalidRangeError } from '../../lib/macpool/errors.js';

describe('macpool: MACs and ranges', () => {
  it('parses and formats MACs in lower case', () => {
    assert.equal(formatMac(parseMac('02:68:76:AB:00:0F')), '02:68:76:ab:00:0f');
  });

  for (const [bad, reason] of [
    ['02:68:76:00:00', /is not a MAC address/],
    ['02-68-76-00-00-01', /is not a MAC address/],
    ['00:00:00:00:00:00', /is all zero/],
    ['01:00:5e:00:00:01', /multicast/],
    [42, /is not a MAC address/],
  ] as const) {
    it(`refuses ${JSON.stringify(bad)}`, () => {
      assert.throws(() => parseMac(bad, 'nic.mac'), (e: unknown) => {
        assert.ok(e instanceof InvalidMacError);
        assert.equal(e.field, 'nic.mac');
        assert.match(e.message, reason);
        assert.match(e.message, /allowed: six hex octets/);
        return true;
      });
    });
  }

  it('the default range is locally administered and unicast', () => {
    const r = parseRange(DEFAULT_RANGE);
    assert.ok(isLocallyAdministered(r.start) && isLocallyAdministered(r.end));
    assert.equal(r.end - r.start + 1n, 1n << 24n);
  });

  for (const [bad, reason] of [
    ['02:00:00:00:00:10-02:00:00:00:00:01', /starts after it ends/],
    ['02:00:00:00:00:01', /START-END/],
    ['02:ff:ff:ff:ff:00-04:00:00:00:00:10', /first octet/],
    ['03:00:00:00:00:00-03:00:00:00:00:10', /multicast/],
  ] as const) {
    it(`refuses the range ${bad}`, () => {
      assert.throws(() => parseRange(bad, 'macPool'), (e: unknown) => {
        assert.ok(e instanceof InvalidRangeError || e instanceof InvalidMacError);
        assert.match(e.message, reason);
        assert.match(e.message, /macPool/);
        return true;
      });
    });
  }
});
