// Malformed requests: every one is refused with a typed error naming the field and the allowed
// form, and the NB (as `ovsdb-client dump` shows it) is exactly the same afterwards.
import assert from 'node:assert/strict';
import { startOvn } from '../../testbed/ovn.js';
import type { OvnHandle } from '../../testbed/ovn.js';
import type { OvnNetworks } from '../../lib/ovn/networks.js';
import type {
  OvnError} from '../../lib/ovn/errors.js';
import {
  InvalidCidrError,
  InvalidConfigError,
  InvalidNameError,
  InvalidTargetError,
  NetworkExistsError,
  PeeringExistsError,
  ReadOnlyFieldError,
  SelfPeeringError,
} from '../../lib/ovn/errors.js';
import { nbDump, openNetworks } from './helpers.js';

type ErrorClass = new (...args: never[]) => OvnError;

interface Case {
  what: string;
  call: (n: OvnNetworks) => Promise<unknown>;
  error: ErrorClass;
  field: string;
  code: string;
}

const BAD_NAMES = ['', '-a', 'a-', 'a_b', 'a.b', 'a/b', 'a b', 'ä', 'a'.repeat(64)];
const BAD_TARGETS = ['a/b/c', '/x', 'x/', '', 'x//y', 'bad_name', 'p/bad name', '/'];
const BAD_KEYS = ['foo', 'user.', 'limits.cpu', 'user.a b', 'User.x'];
const BAD_V4 = ['10.10.9.0/24', '10.10.9.255/24', '10.10.9.1', '10.10.9.1/33', '10.10.9.1/31', '300.1.1.1/24', '10.10.9.1/24/1', '010.10.9.1/24', 'fd42::1/64', '127.0.0.1/8'];
const BAD_V6 = ['fd42:9::/64', 'fd42:9::1/129', 'fd42:::1/64', '10.10.9.1/24', 'fd42:9::1', 'fe80::1%eth0/64', 'fd42:9::g/64'];

function cases(): Case[] {
  const out: Case[] = [];
  for (const name of BAD_NAMES) {
    out.push({ what: `network name ${JSON.stringify(name)}`, call: (n) => n.createNetwork({ name, ipv4: '10.10.9.1/24' }), error: InvalidNameError, field: 'network', code: 'HVNET_OVN_INVALID_NAME' });
    out.push({ what: `project name ${JSON.stringify(name)}`, call: (n) => n.createProject({ name }), error: InvalidNameError, field: 'project', code: 'HVNET_OVN_INVALID_NAME' });
    out.push({ what: `peering name ${JSON.stringify(name)}`, call: (n) => n.createPeering({ network: 'a', name, target: 'b' }), error: InvalidNameError, field: 'peering', code: 'HVNET_OVN_INVALID_NAME' });
  }
  for (const target of BAD_TARGETS) {
    out.push({ what: `target ${JSON.stringify(target)}`, call: (n) => n.createPeering({ network: 'a', name: 'p', target }), error: InvalidTargetError, field: 'target', code: 'HVNET_OVN_INVALID_TARGET' });
  }
  for (const key of BAD_KEYS) {
    out.push({ what: `config key ${JSON.stringify(key)}`, call: (n) => n.createPeering({ network: 'a', name: 'p', target: 'b', config: { [key]: 'v' } }), error: InvalidConfigError, field: `config.${key}`, code: 'HVNET_OVN_INVALID_CONFIG' });
    out.push({ what: `set config key ${JSON.stringify(key)}`, call: (n) => n.setPeeringConfig({ network: 'a', name: 'ab', key, value: 'v' }), error: InvalidConfigError, field: `config.${key}`, code: 'HVNET_OVN_INVALID_CONFIG' });
  }
  for (const ipv4 of BAD_V4) {
    out.push({ what: `ipv4 ${JSON.stringify(ipv4)}`, call: (n) => n.createNetwork({ name: 'c', ipv4 }), error: InvalidCidrError, field: 'ipv4', code: 'HVNET_OVN_INVALID_CIDR' });
  }
  for (const ipv6 of BAD_V6) {
    out.push({ what: `ipv6 ${JSON.stringify(ipv6)}`, call: (n) => n.createNetwork({ name: 'c', ipv4: '10.10.9.1/24', ipv6 }), error: InvalidCidrError, field: 'ipv6', code: 'HVNET_OVN_INVALID_CIDR' });
  }
  const update = (field: string, value: unknown): Case => ({
    what: `update of read-only ${field}`,
    call: (n) => n.updatePeering({ network: 'a', name: 'ab', description: 'changed', [field]: value }),
    error: ReadOnlyFieldError,
    field,
    code: 'HVNET_OVN_READ_ONLY_FIELD',
  });
  out.push(update('targetNetwork', 'c'), update('targetProject', 'other'), update('target', 'c'), update('status', 'created'), update('colour', 'blue'));
  out.push({ what: 'config value that is not a string', call: (n) => n.createPeering({ network: 'a', name: 'p', target: 'b', config: { 'user.x': 3 as unknown as string } }), error: InvalidConfigError, field: 'config.user.x', code: 'HVNET_OVN_INVALID_CONFIG' });
  out.push({ what: 'self-peering', call: (n) => n.createPeering({ network: 'a', name: 'p', target: 'default/a' }), error: SelfPeeringError, field: '', code: 'HVNET_OVN_SELF_PEERING' });
  out.push({ what: 'existing peering name', call: (n) => n.createPeering({ network: 'a', name: 'ab', target: 'c' }), error: PeeringExistsError, field: '', code: 'HVNET_OVN_PEERING_EXISTS' });
  out.push({ what: 'existing network', call: (n) => n.createNetwork({ name: 'a', ipv4: '10.10.9.1/24' }), error: NetworkExistsError, field: '', code: 'HVNET_OVN_NETWORK_EXISTS' });
  return out;
}

describe('ovn: bad input is refused and changes nothing', function () {
  this.timeout(60_000);
  let ovn: OvnHandle;
  let nets: OvnNetworks;

  before(async () => {
    ovn = await startOvn({ northd: false });
    nets = await openNetworks(ovn.nb.unix);
    await nets.createNetwork({ name: 'a', ipv4: '10.10.1.1/24' });
    await nets.createNetwork({ name: 'b', ipv4: '10.10.2.1/24' });
    await nets.createPeering({ network: 'a', name: 'ab', target: 'b', config: { 'user.keep': 'me' } });
  });
  after(async () => {
    await nets?.close();
    await ovn?.stop();
  });

  it('each malformed request: a typed error with code, field and allowed form; the NB dump is unchanged', async () => {
    const before = await nbDump(ovn);
    const all = cases();
    for (const c of all) {
      const err = await c.call(nets).then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(err instanceof c.error, `${c.what}: expected ${c.error.name}, got ${String(err)}`);
      assert.equal(err.code, c.code, c.what);
      if (c.field !== '') {
        assert.equal(err.field, c.field, `${c.what}: field`);
        assert.ok((err.allowed ?? '').length > 0, `${c.what}: says what is allowed`);
        assert.ok(err.message.includes('allowed:'), `${c.what}: message names the allowed form: ${err.message}`);
      }
    }
    assert.equal(await nbDump(ovn), before, 'nothing changed in the NB');
    assert.ok(all.length > 60);
  });

  it('a valid update changes only description and config; sending shown values back is fine', async () => {
    const shown = nets.showPeering({ network: 'a', name: 'ab' });
    const updated = await nets.updatePeering({ ...shown, description: 'now described', config: { 'user.other': 'x' } });
    assert.equal(updated.description, 'now described');
    assert.deepEqual(updated.config, { 'user.other': 'x' });
    await nets.setPeeringConfig({ network: 'a', name: 'ab', key: 'user.more', value: 'y' });
    assert.equal(nets.getPeeringConfig({ network: 'a', name: 'ab', key: 'user.more' }), 'y');
    await nets.unsetPeeringConfig({ network: 'a', name: 'ab', key: 'user.other' });
    assert.deepEqual(nets.showPeering({ network: 'a', name: 'ab' }).config, { 'user.more': 'y' });
  });
});
