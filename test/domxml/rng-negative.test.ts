// The oracle must be able to say no; otherwise "RNG-valid" in the other tests means nothing.
import assert from 'node:assert/strict';
import { checkRngTools, RngValidator } from './rng.js';

const good = "<interface type='direct'><source dev='hlv0' mode='vepa'/></interface>";
const bad: Record<string, { xml: string; message: RegExp }> = {
  "mode='vepa-typo'": {
    xml: "<interface type='direct'><source dev='hlv0' mode='vepa-typo'/></interface>",
    message: /Invalid attribute mode for element source/,
  },
  'managerid=300': {
    xml: "<interface type='direct'><source dev='hlv0' mode='vepa'/><virtualport type='802.1Qbg'><parameters managerid='300' typeid='1' typeidversion='1'/></virtualport></interface>",
    message: /Relax-NG validity error/,
  },
  'instanceid not a UUID': {
    xml: "<interface type='direct'><source dev='hlv0' mode='vepa'/><virtualport type='802.1Qbg'><parameters managerid='11' typeid='1' typeidversion='1' instanceid='nope'/></virtualport></interface>",
    message: /Relax-NG validity error/,
  },
  'profileid of 40 characters': {
    xml: `<interface type='direct'><source dev='hlv0' mode='private'/><virtualport type='802.1Qbh'><parameters profileid='${'p'.repeat(40)}'/></virtualport></interface>`,
    message: /Relax-NG validity error/,
  },
  'multicast MAC': {
    xml: "<interface type='direct'><mac address='01:00:5e:00:00:01'/><source dev='hlv0' mode='vepa'/></interface>",
    message: /Relax-NG validity error/,
  },
  'source without dev': {
    xml: "<interface type='direct'><source mode='vepa'/></interface>",
    message: /Relax-NG validity error/,
  },
};

describe('domxml: the RNG oracle rejects broken snippets', function () {
  this.timeout(20_000);
  let rng: RngValidator;
  before(() => {
    rng = new RngValidator();
  });
  after(() => rng.close());

  it('accepts the minimal valid snippet in the same batch as the broken ones', () => {
    const results = rng.interfaces([good, ...Object.values(bad).map((b) => b.xml)]);
    assert.equal(results[0]?.valid, true, results[0]?.messages.join('\n'));
  });

  for (const [title, { xml, message }] of Object.entries(bad)) {
    it(`rejects ${title}`, () => {
      const [r] = rng.interfaces([xml]);
      assert.ok(r);
      assert.equal(r.valid, false);
      assert.match(r.messages.join('\n'), message);
    });
  }

  it('fails with a clear message (never skips) when xmllint is missing', () => {
    assert.throws(() => checkRngTools({ xmllint: '/nonexistent/xmllint', schemaDir: '/usr/share/libvirt/schemas' }), /needs \/nonexistent\/xmllint \(Debian package libxml2-utils\)/);
  });

  it('fails with a clear message when the libvirt schemas are missing', () => {
    assert.throws(() => checkRngTools({ xmllint: 'xmllint', schemaDir: '/nonexistent/schemas' }), /needs libvirt's schemas, but \/nonexistent\/schemas\/domainoverrides.rng is missing/);
  });
});
