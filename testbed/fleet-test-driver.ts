// A file for libvirt's test driver (test:///FILE): domains that exist only in that file, with
// macvtap NICs, so a second fleet host has NICs without a second libvirtd. Nothing runs.
import { writeFileSync } from 'node:fs';

export interface TestDriverNic {
  mac: string;
  /** The host link the macvtap would sit on. */
  source: string;
  mode?: 'vepa' | 'bridge' | 'private' | 'passthrough';
}

export interface TestDriverDomain {
  name: string;
  nics: readonly TestDriverNic[];
}

const XML_SAFE = /^[A-Za-z0-9._:-]+$/;

export function testDriverXml(domains: readonly TestDriverDomain[]): string {
  const esc = (v: string): string => {
    if (!XML_SAFE.test(v)) throw new Error(`test driver value ${JSON.stringify(v)}: letters, digits and . _ : - only`);
    return v;
  };
  const dom = (d: TestDriverDomain): string =>
    [
      "  <domain type='test'>",
      `    <name>${esc(d.name)}</name>`,
      '    <memory>65536</memory>',
      '    <os><type>hvm</type></os>',
      '    <devices>',
      ...d.nics.map(
        (n) =>
          `      <interface type='direct'><mac address='${esc(n.mac)}'/><source dev='${esc(n.source)}' mode='${n.mode ?? 'bridge'}'/></interface>`,
      ),
      '    </devices>',
      '  </domain>',
    ].join('\n');
  return `<node>\n${domains.map(dom).join('\n')}\n</node>\n`;
}

export function writeTestDriverFile(file: string, domains: readonly TestDriverDomain[]): string {
  writeFileSync(file, testDriverXml(domains));
  return `test://${file}`;
}
