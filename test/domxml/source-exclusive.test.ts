// Passthrough takes its source device alone, and a new NIC never repeats a MAC or alias.
import assert from 'node:assert/strict';
import { DuplicateIdentityError, SourceInUseError } from '../../lib/domxml/errors.js';
import { listInterfaceIdentities, parseDomainInterfaces } from '../../lib/domxml/parse.js';
import { MACVTAP_MODES } from '../../lib/domxml/types.js';
import type { DomainInterface, MacvtapMode } from '../../lib/domxml/types.js';
import { checkIdentityUnique, checkPassthroughExclusive, validateInterfaceSpec } from '../../lib/domxml/validate.js';
import { readFixture } from './paths.js';

const nic = (source: string, mode: MacvtapMode, extra: Partial<DomainInterface> = {}): DomainInterface => ({ source, mode, ...extra });

describe('domxml: passthrough is exclusive on its source', () => {
  it('any mode may share a source with other non-passthrough NICs', () => {
    const existing = [nic('eth0', 'vepa'), nic('eth0', 'bridge'), nic('eth0', 'private')];
    for (const mode of ['vepa', 'bridge', 'private'] as const) {
      assert.doesNotThrow(() => checkPassthroughExclusive({ source: 'eth0', mode }, existing));
    }
    assert.doesNotThrow(() => checkPassthroughExclusive({ source: 'eth0' }, existing));
  });

  it('passthrough refuses a source used by a NIC of any mode', () => {
    for (const mode of MACVTAP_MODES) {
      const holder = nic('eth0', mode, { mac: '52:54:00:aa:00:04', alias: 'ua-hvnet-n1' });
      assert.throws(
        () => checkPassthroughExclusive({ source: 'eth0', mode: 'passthrough' }, [nic('eth1', 'passthrough'), holder]),
        (e: unknown) => {
          assert.ok(e instanceof SourceInUseError);
          assert.equal(e.code, 'HVNET_DOMXML_SOURCE_IN_USE');
          assert.equal(e.source, 'eth0');
          assert.equal(e.requestedMode, 'passthrough');
          assert.deepEqual(e.holder, { mode, mac: '52:54:00:aa:00:04', alias: 'ua-hvnet-n1' });
          return true;
        },
      );
    }
  });

  it('every mode refuses a source already held in passthrough (mode omitted counts as vepa)', () => {
    const existing = [nic('enp7s0f1', 'passthrough', { mac: '52:54:00:aa:00:09' })];
    for (const mode of MACVTAP_MODES) {
      assert.throws(() => checkPassthroughExclusive({ source: 'enp7s0f1', mode }, existing), SourceInUseError);
    }
    assert.throws(
      () => checkPassthroughExclusive({ source: 'enp7s0f1' }, existing),
      (e: unknown) => e instanceof SourceInUseError && e.requestedMode === 'vepa' && e.holder.mac === '52:54:00:aa:00:09',
    );
  });

  it('other sources do not matter, and an empty host is free', () => {
    assert.doesNotThrow(() => checkPassthroughExclusive({ source: 'eth0', mode: 'passthrough' }, [nic('eth1', 'passthrough'), nic('eth0.100', 'vepa')]));
    assert.doesNotThrow(() => checkPassthroughExclusive({ source: 'eth0', mode: 'passthrough' }, []));
  });

  it('works on a normalized spec and NICs parsed from a live domain', () => {
    const existing = parseDomainInterfaces(readFixture('q35-tcg-live.xml'));
    const spec = validateInterfaceSpec({ source: 'hlv0', mode: 'passthrough' });
    assert.throws(() => checkPassthroughExclusive(spec, existing), (e: unknown) => e instanceof SourceInUseError && e.holder.alias === 'ua-hvnet-n1');
    assert.doesNotThrow(() => checkPassthroughExclusive(validateInterfaceSpec({ source: 'hlv0', mode: 'bridge' }), existing));
  });
});

describe('domxml: MAC and alias are unique in a domain', () => {
  const identities = listInterfaceIdentities(readFixture('q35-tcg-inactive-mixed.xml'));

  it('refuses a MAC of any NIC of the domain, in any case', () => {
    assert.throws(
      () => checkIdentityUnique({ mac: '52:54:00:10:20:31' }, identities),
      (e: unknown) => e instanceof DuplicateIdentityError && e.code === 'HVNET_DOMXML_DUPLICATE_IDENTITY' && e.field === 'mac',
    );
    assert.throws(() => checkIdentityUnique({ mac: '52:54:00:AA:00:05' }, identities), DuplicateIdentityError);
  });

  it('refuses an alias already present', () => {
    assert.throws(() => checkIdentityUnique({ alias: 'ua-hvnet-qbg1' }, identities), (e: unknown) => e instanceof DuplicateIdentityError && e.field === 'alias' && e.value === 'ua-hvnet-qbg1');
  });

  it('accepts new ones, and a NIC without MAC or alias', () => {
    assert.doesNotThrow(() => checkIdentityUnique({ mac: '52:54:00:aa:00:99', alias: 'ua-hvnet-new' }, identities));
    assert.doesNotThrow(() => checkIdentityUnique({}, identities));
  });
});
