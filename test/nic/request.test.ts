// A request is checked in one pass: every field named in the error, the kind required, the
// spec's rules lib/domxml's, the detach key a MAC (normalized) or an alias.
import assert from 'node:assert/strict';
import { InvalidFieldError, UnsupportedCombinationError } from '../../lib/domxml/errors.js';
import { validateInterfaceSpec } from '../../lib/domxml/validate.js';
import { kinds, validateNicRequest } from '../../lib/nic/registry.js';
import { validateDetachRequest } from '../../lib/nic/request.js';
import { FIXED_UUID } from './facts.js';

const field = (name: string) => (e: unknown): boolean => e instanceof InvalidFieldError && e.field === name;

describe('nic: requests', () => {
  it('a macvtap request: target fields apart, the spec normalized by lib/domxml, flags absent until given', () => {
    const raw = { kind: 'macvtap', domain: 'vm1', source: 'eth0', mode: 'bridge', mac: '52:54:00:AB:CD:EF' };
    const req = validateNicRequest(raw);
    assert.deepEqual(req, {
      kind: 'macvtap',
      domain: 'vm1',
      live: undefined,
      config: undefined,
      dryRun: false,
      spec: validateInterfaceSpec({ source: 'eth0', mode: 'bridge', mac: '52:54:00:AB:CD:EF' }),
    });
    assert.equal(req.spec.mac, '52:54:00:ab:cd:ef');
    assert.deepEqual(kinds.macvtap.validate({ ...raw, live: true, config: false, dryRun: true }), { ...req, live: true, config: false, dryRun: true });
  });

  it('kind is required and one of the known kinds', () => {
    for (const kind of [undefined, 'direct', 'ovn ', 42]) {
      assert.throws(() => validateNicRequest({ kind, domain: 'vm1', source: 'eth0' }), (e: unknown) => field('kind')(e) && (e as InvalidFieldError).allowedValues?.includes('macvtap') === true);
    }
  });

  it('an unknown field is refused by name with the fields allowed; alias and mtu are not the client\'s', () => {
    for (const key of ['alias', 'mtu', 'bridge', 'liv']) {
      assert.throws(
        () => validateNicRequest({ kind: 'macvtap', domain: 'vm1', source: 'eth0', [key]: 'x' }),
        (e: unknown) => field(key)(e) && /only the fields kind, domain, live, config, dryRun, source, mode, model, mac, virtualport/.test((e as Error).message),
      );
    }
  });

  it('domain and the flags have their rules; an undefined field is absent', () => {
    assert.throws(() => validateNicRequest({ kind: 'macvtap', source: 'eth0' }), field('domain'));
    assert.throws(() => validateNicRequest({ kind: 'macvtap', domain: '', source: 'eth0' }), field('domain'));
    for (const f of ['live', 'config', 'dryRun']) assert.throws(() => validateNicRequest({ kind: 'macvtap', domain: 'vm1', source: 'eth0', [f]: 'yes' }), field(f));
    const req = validateNicRequest({ kind: 'macvtap', domain: 'vm1', source: 'eth0', model: undefined, live: undefined, mode: 'private', virtualport: { type: '802.1Qbh', profileid: 'p', managerid: undefined } }, FIXED_UUID);
    assert.ok(req.kind === 'macvtap');
    assert.equal(req.spec.model, 'virtio');
    assert.equal(req.live, undefined);
    assert.deepEqual(req.spec.virtualport, { type: '802.1Qbh', profileid: 'p' });
  });

  it("the spec's own errors are lib/domxml's, naming the field", () => {
    assert.throws(() => validateNicRequest({ kind: 'macvtap', domain: 'vm1', source: 'eth0', mode: 'passthru' }), field('mode'));
    assert.throws(() => validateNicRequest({ kind: 'macvtap', domain: 'vm1', source: 'bad/name' }), field('source'));
    assert.throws(() => validateNicRequest({ kind: 'macvtap', domain: 'vm1', source: 'eth0', mac: '01:00:5e:00:00:01' }), field('mac'));
    assert.throws(
      () => validateNicRequest({ kind: 'macvtap', domain: 'vm1', source: 'eth0', mode: 'bridge', virtualport: { type: '802.1Qbh', profileid: 'x' } }),
      UnsupportedCombinationError,
    );
  });

  it('a detach names the NIC by MAC (normalized, held to the MAC rule) or by alias', () => {
    assert.deepEqual(validateDetachRequest({ domain: 'vm1', nic: '52:54:00:AA:00:01' }), { domain: 'vm1', nic: '52:54:00:AA:00:01', key: { mac: '52:54:00:aa:00:01' } });
    assert.deepEqual(validateDetachRequest({ domain: 'vm1', nic: 'net0' }).key, { alias: 'net0' });
    assert.throws(() => validateDetachRequest({ domain: 'vm1', nic: '01:00:5e:00:00:01' }), field('nic'));
    assert.throws(() => validateDetachRequest({ domain: 'vm1', nic: '' }), field('nic'));
  });
});
