// Every mode × virtualport pairing: the valid ones build XML libvirt's own grammar accepts, the
// others are refused before any XML exists.
import assert from 'node:assert/strict';
import { buildDetachXml, buildInterfaceXml } from '../../lib/domxml/build.js';
import { UnsupportedCombinationError } from '../../lib/domxml/errors.js';
import { MACVTAP_MODES } from '../../lib/domxml/types.js';
import type { InterfaceSpec, MacvtapMode, VirtualPortSpec } from '../../lib/domxml/types.js';
import { VIRTUALPORT_MODES, validateInterfaceSpec } from '../../lib/domxml/validate.js';
import { RngValidator } from './rng.js';
import type { RngResult } from './rng.js';

const virtualports: Record<string, VirtualPortSpec | undefined> = {
  'no virtualport': undefined,
  '802.1Qbg': { type: '802.1Qbg', managerid: 11, typeid: 1193047, typeidversion: 2, instanceid: '09b11c53-8b5c-4eeb-8f00-d84eaa0aaa4f' },
  '802.1Qbh': { type: '802.1Qbh', profileid: 'finance' },
};

interface Case {
  title: string;
  spec: InterfaceSpec;
  valid: boolean;
}

const cases: Case[] = [];
for (const mode of MACVTAP_MODES) {
  for (const [vpName, vp] of Object.entries(virtualports)) {
    const spec: InterfaceSpec = { source: 'hlv0', mode, mac: '52:54:00:aa:00:04', alias: 'ua-hvnet-n1' };
    if (vp !== undefined) spec.virtualport = vp;
    const valid = vp === undefined || VIRTUALPORT_MODES[vp.type].includes(mode);
    cases.push({ title: `${mode} + ${vpName}`, spec, valid });
  }
}

describe('domxml: build for every mode and virtualport', function () {
  this.timeout(20_000);
  let rng: RngValidator;
  const results = new Map<string, RngResult>();

  before(() => {
    rng = new RngValidator();
    const valid = cases.filter((c) => c.valid);
    const xmls = valid.map((c) => buildInterfaceXml(validateInterfaceSpec(c.spec)));
    rng.interfaces(xmls).forEach((r, i) => results.set(valid[i]?.title ?? '', r));
  });

  after(() => rng.close());

  it('allows exactly the documented pairings (Qbg: vepa; Qbh: private, passthrough; none: all)', () => {
    const allowed = cases.filter((c) => c.valid).map((c) => c.title);
    assert.deepEqual(allowed, [
      'vepa + no virtualport',
      'vepa + 802.1Qbg',
      'bridge + no virtualport',
      'private + no virtualport',
      'private + 802.1Qbh',
      'passthrough + no virtualport',
      'passthrough + 802.1Qbh',
    ]);
  });

  for (const c of cases) {
    if (c.valid) {
      it(`${c.title}: libvirt's RNG accepts the XML`, () => {
        const r = results.get(c.title);
        assert.ok(r, 'no xmllint result');
        assert.equal(r.valid, true, r.messages.join('\n'));
      });
    } else {
      it(`${c.title}: refused with UnsupportedCombinationError naming the allowed modes`, () => {
        const vpType = c.spec.virtualport?.type ?? '';
        assert.throws(
          () => validateInterfaceSpec(c.spec),
          (e: unknown) => {
            assert.ok(e instanceof UnsupportedCombinationError);
            assert.equal(e.code, 'HVNET_DOMXML_UNSUPPORTED_COMBINATION');
            assert.equal(e.field, 'mode');
            assert.equal(e.value, c.spec.mode);
            assert.equal(e.because, 'virtualport.type');
            assert.equal(e.becauseValue, vpType);
            assert.deepEqual(e.allowedValues, VIRTUALPORT_MODES[vpType as keyof typeof VIRTUALPORT_MODES]);
            return true;
          },
        );
      });
    }
  }

  it('detach XML (by MAC, by alias, by both, with mode) is accepted by the RNG too', () => {
    const mode: MacvtapMode = 'passthrough';
    const xmls = [
      buildDetachXml({ source: 'hlv0', mac: '52:54:00:AA:00:04' }),
      buildDetachXml({ source: 'hlv0', alias: 'ua-hvnet-n1' }),
      buildDetachXml({ source: 'hlv0', mac: '52:54:00:aa:00:04', alias: 'ua-hvnet-n1', mode }),
    ];
    for (const r of rng.interfaces(xmls)) assert.equal(r.valid, true, r.messages.join('\n'));
  });
});
