// The macvtap plan: live/config defaults from the domain's state, each refusal with its typed
// error, warnings for a definition the host cannot start yet, the MAC's origin, and the XML and
// steps once bound to a MAC.
import assert from 'node:assert/strict';
import { DuplicateIdentityError, QbgSourceRefusedError, SourceInUseError } from '../../lib/domxml/errors.js';
import { buildDetachXml, buildInterfaceXml } from '../../lib/domxml/build.js';
import { MACVTAP_MODES } from '../../lib/domxml/types.js';
import { DomainNotPersistentError, DomainNotRunningError, MacInUseError, NothingToDoError, SourceMissingError } from '../../lib/nic/errors.js';
import type { HostFacts } from '../../lib/nic/facts.js';
import { kinds } from '../../lib/nic/registry.js';
import type { MacvtapRequest } from '../../lib/nic/request.js';
import { FIXED_UUID, RUNNING, STOPPED, TRANSIENT, VETH_VERDICT, VLAN_VERDICT, facts } from './facts.js';

const { macvtap } = kinds;
const MAC = '02:68:76:00:00:07';
const QBG = { type: '802.1Qbg', managerid: 11, typeid: 1, typeidversion: 2 };

const request = (extra: Record<string, unknown> = {}): MacvtapRequest => macvtap.validate({ kind: 'macvtap', domain: 'vm1', source: 'eth0', ...extra }, FIXED_UUID);
const flags = (req: MacvtapRequest, f: HostFacts): [boolean, boolean] => {
  const p = macvtap.plan(req, f);
  return [p.live, p.config];
};

describe('nic: macvtap plans', () => {
  it('asks for the source link, and for its 802.1Qbg verdict only with a Qbg virtualport', () => {
    assert.deepEqual(macvtap.questions(request()), { links: ['eth0'], qbg: [] });
    assert.deepEqual(macvtap.questions(request({ virtualport: QBG })), { links: ['eth0'], qbg: ['eth0'] });
  });

  it('defaults: live and config on a running persistent domain, config on a stopped one, live on a transient one', () => {
    assert.deepEqual(flags(request(), facts({ domain: RUNNING })), [true, true]);
    assert.deepEqual(flags(request(), facts({ domain: STOPPED })), [false, true]);
    assert.deepEqual(flags(request(), facts({ domain: TRANSIENT })), [true, false]);
    assert.deepEqual(flags(request({ live: true }), facts()), [true, false]);
    assert.deepEqual(flags(request({ config: true }), facts()), [false, true]);
    assert.deepEqual(flags(request({ live: true, config: true }), facts()), [true, true]);
  });

  it('refuses nothing to do, live on a stopped domain, config on a transient one', () => {
    assert.throws(() => macvtap.plan(request({ live: false, config: false }), facts()), NothingToDoError);
    assert.throws(() => macvtap.plan(request({ live: true }), facts({ domain: STOPPED })), (e: unknown) => e instanceof DomainNotRunningError && e.code === 'HVNET_NICPLAN_DOMAIN_NOT_RUNNING');
    assert.throws(() => macvtap.plan(request({ config: true }), facts({ domain: TRANSIENT })), DomainNotPersistentError);
  });

  it('a missing source: refused live, a warning for the definition', () => {
    const gone = facts({ links: {} });
    assert.throws(() => macvtap.plan(request(), gone), (e: unknown) => e instanceof SourceMissingError && e.source === 'eth0');
    const p = macvtap.plan(request({ config: true }), facts({ domain: STOPPED, links: { eth0: { exists: false } } }));
    assert.deepEqual(p.warnings, ['source device eth0 does not exist on this host; the domain will not start with this NIC until it does']);
  });

  it("an 802.1Qbg source lib/domxml refuses: refused live, a warning for the definition; a usable one passes", () => {
    const veth = facts({ links: { eth0: { exists: true, qbg: VETH_VERDICT } } });
    assert.throws(() => macvtap.plan(request({ virtualport: QBG }), veth), (e: unknown) => e instanceof QbgSourceRefusedError && e.reason === 'veth');
    const p = macvtap.plan(request({ virtualport: QBG, config: true }), veth);
    assert.equal(p.warnings.length, 1);
    assert.match(p.warnings[0] ?? '', /^802\.1Qbg source eth0 is not usable \(veth: /);
    assert.deepEqual(macvtap.plan(request({ virtualport: QBG }), facts({ links: { eth0: { exists: true, qbg: VLAN_VERDICT } } })).warnings, []);
    // A verdict without a Qbg virtualport is not this NIC's concern.
    assert.deepEqual(macvtap.plan(request(), veth).warnings, []);
  });

  it('passthrough takes its source alone, against the NICs of every domain', () => {
    const holder = { source: 'eth0', mode: 'bridge' as const, mac: '52:54:00:00:00:09', alias: 'ua-hvnet-other' };
    assert.throws(() => macvtap.plan(request({ mode: 'passthrough' }), facts({ directNics: [holder] })), (e: unknown) => e instanceof SourceInUseError && e.holder.alias === 'ua-hvnet-other');
    assert.throws(() => macvtap.plan(request({ mode: 'vepa' }), facts({ directNics: [{ ...holder, mode: 'passthrough' }] })), SourceInUseError);
    assert.doesNotThrow(() => macvtap.plan(request({ mode: 'vepa' }), facts({ directNics: [holder] })));
  });

  it("the MAC: the client's unless a NIC of any domain has it, else the pool's", () => {
    assert.deepEqual(macvtap.plan(request(), facts()).mac, { from: 'pool' });
    assert.deepEqual(macvtap.plan(request({ mac: '02:68:76:00:00:AA' }), facts()).mac, { from: 'request', mac: '02:68:76:00:00:aa' });
    assert.throws(
      () => macvtap.plan(request({ mac: '02:68:76:00:00:AA' }), facts({ holders: { '02:68:76:00:00:aa': 'vm2' } })),
      (e: unknown) => e instanceof MacInUseError && e.heldBy === 'vm2' && /already used by a NIC of domain vm2; vm1 cannot have it too/.test(e.message),
    );
  });

  for (const mode of MACVTAP_MODES) {
    it(`bound to a MAC, mode ${mode}: alias from the MAC, one XML, live then config, each with its undo`, () => {
      const b = macvtap.bind(macvtap.plan(request({ mode }), facts()), MAC);
      assert.equal(b.alias, 'ua-hvnet-026876000007');
      assert.deepEqual(b.spec, { source: 'eth0', mode, model: 'virtio', mac: MAC, alias: b.alias });
      assert.equal(b.xml, buildInterfaceXml(b.spec));
      assert.match(b.xml, new RegExp(`<source dev="eth0" mode="${mode}"/>`));
      const detach = buildDetachXml({ source: 'eth0', mode, mac: MAC, alias: b.alias });
      assert.deepEqual(b.steps, [
        { op: 'attach', scope: 'live', xml: b.xml, undo: { op: 'detach', scope: 'live', xml: detach, alias: b.alias } },
        { op: 'attach', scope: 'config', xml: b.xml, undo: { op: 'detach', scope: 'config', xml: detach } },
      ]);
    });
  }

  it('only the scopes planned become steps', () => {
    assert.deepEqual(macvtap.bind(macvtap.plan(request(), facts({ domain: STOPPED })), MAC).steps.map((s) => s.scope), ['config']);
    assert.deepEqual(macvtap.bind(macvtap.plan(request(), facts({ domain: TRANSIENT })), MAC).steps.map((s) => s.scope), ['live']);
  });

  it('a virtualport is carried into the XML as validated', () => {
    const b = macvtap.bind(macvtap.plan(request({ virtualport: QBG, config: true }), facts({ links: { eth0: { exists: true, qbg: VLAN_VERDICT } } })), MAC);
    assert.match(b.xml, /<virtualport type="802\.1Qbg">\s*<parameters managerid="11" typeid="1" typeidversion="2" instanceid="09b11c53-8b5c-4eeb-8f00-d84eaa0aaa4f"\/>\s*<\/virtualport>/);
  });

  it('refuses a MAC or alias the domain has already (any NIC type)', () => {
    const taken = (identities: { mac?: string; alias?: string }[]): HostFacts => facts({ domain: { ...RUNNING, identities } });
    assert.throws(() => macvtap.bind(macvtap.plan(request(), taken([{ mac: MAC }])), MAC), (e: unknown) => e instanceof DuplicateIdentityError && e.field === 'mac');
    assert.throws(() => macvtap.bind(macvtap.plan(request(), taken([{ alias: 'ua-hvnet-026876000007' }])), MAC), (e: unknown) => e instanceof DuplicateIdentityError && e.field === 'alias');
  });
});
