// libvirt's real RelaxNG grammar as a test oracle. Snippets cannot go through virt-xml-validate
// (it picks the host interface schema, docs/libvirt.md#validating-interface-snippets), so a
// wrapper grammar starts at domaincommon's `interface` define. Many documents go through one
// xmllint run: it is the process start and the grammar compile that cost, not the documents.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const SCHEMA_DIR = '/usr/share/libvirt/schemas';

export interface RngTools {
  xmllint: string;
  schemaDir: string;
}

/**
 * Throws (so the suite fails, never skips) when the oracle is missing: a domxml run without
 * xmllint would prove nothing about what libvirt accepts.
 */
export function checkRngTools(tools: RngTools = { xmllint: 'xmllint', schemaDir: SCHEMA_DIR }): void {
  const probe = spawnSync(tools.xmllint, ['--version'], { encoding: 'utf8' });
  if (probe.error !== undefined || probe.status !== 0) {
    throw new Error(
      `RNG validation needs ${tools.xmllint} (Debian package libxml2-utils), which could not be run: ` +
        `${probe.error?.message ?? `exit status ${probe.status}`}`,
    );
  }
  for (const file of ['domainoverrides.rng', 'domaincommon.rng', 'domain.rng']) {
    if (!existsSync(join(tools.schemaDir, file))) {
      throw new Error(`RNG validation needs libvirt's schemas, but ${join(tools.schemaDir, file)} is missing (Debian package libvirt-daemon or libvirt-clients)`);
    }
  }
}

export interface RngResult {
  valid: boolean;
  /** xmllint's messages about this document (file names stripped). */
  messages: string[];
}

export class RngValidator {
  private readonly dir: string;
  private readonly interfaceGrammar: string;
  private readonly domainGrammar: string;
  private batch = 0;

  constructor() {
    checkRngTools();
    this.dir = mkdtempSync(join(tmpdir(), 'hvnet-domxml-rng-'));
    this.interfaceGrammar = join(this.dir, 'interface-wrapper.rng');
    writeFileSync(
      this.interfaceGrammar,
      [
        '<?xml version="1.0"?>',
        '<grammar xmlns="http://relaxng.org/ns/structure/1.0" datatypeLibrary="http://www.w3.org/2001/XMLSchema-datatypes">',
        '  <start><ref name="interface"/></start>',
        `  <include href="${join(SCHEMA_DIR, 'domainoverrides.rng')}"/>`,
        '</grammar>',
        '',
      ].join('\n'),
    );
    this.domainGrammar = join(SCHEMA_DIR, 'domain.rng');
  }

  /** Validates `<interface>` snippets, one xmllint run for all of them. */
  interfaces(xmls: readonly string[]): RngResult[] {
    return this.run(this.interfaceGrammar, xmls);
  }

  /** Validates whole domain documents against libvirt's domain.rng. */
  domains(xmls: readonly string[]): RngResult[] {
    return this.run(this.domainGrammar, xmls);
  }

  private run(grammar: string, xmls: readonly string[]): RngResult[] {
    if (xmls.length === 0) return [];
    this.batch += 1;
    const names = xmls.map((xml, i) => {
      const name = `b${this.batch}-${i}.xml`;
      writeFileSync(join(this.dir, name), xml);
      return name;
    });
    const out = spawnSync('xmllint', ['--noout', '--relaxng', grammar, ...names], { cwd: this.dir, encoding: 'utf8', timeout: 60_000 });
    for (const name of names) rmSync(join(this.dir, name), { force: true });
    if (out.error !== undefined) throw out.error;
    const lines = `${out.stdout}\n${out.stderr}`.split('\n');
    if (lines.some((l) => l.includes('failed to compile') || l.includes('schemas parser error'))) {
      throw new Error(`xmllint could not load ${grammar}:\n${out.stderr}`);
    }
    return names.map((name) => {
      const mine = lines.filter((l) => l.startsWith(`${name}:`) || l.startsWith(`${name} `));
      const valid = mine.includes(`${name} validates`);
      const failed = mine.includes(`${name} fails to validate`);
      if (valid === failed) throw new Error(`xmllint said nothing clear about ${name} (exit ${out.status}):\n${out.stderr}`);
      return { valid, messages: mine.filter((l) => !l.endsWith('validates') && !l.endsWith('fails to validate')).map((l) => l.slice(name.length + 1).trim()) };
    });
  }

  close(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
