import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { generateTypes, optionsForFiles } from '../../lib/ovsdb/codegen.js';
import { parseSchema } from '../../lib/ovsdb/schema.js';
import { ovnNorthboundSchema, ovnNorthboundSchemaJson } from '../../lib/ovn/schema/ovn-nb.generated.js';
import { repoRoot, versionedSchemasDir } from './repo.js';

const checkedIn = [
  ['lib/ovn/schema/ovn-nb.ovsschema', 'lib/ovn/schema/ovn-nb.generated.ts'],
  ['lib/ovn/schema/ovn-ic-nb.ovsschema', 'lib/ovn/schema/ovn-ic-nb.generated.ts'],
  ['lib/ovn/schema/ovn-ic-sb.ovsschema', 'lib/ovn/schema/ovn-ic-sb.generated.ts'],
  ['lib/ovn/schema/ovn-sb.ovsschema', 'lib/ovn/schema/ovn-sb.generated.ts'],
] as const;

const cli = resolve(repoRoot, 'dist/lib/ovsdb/codegen-cli.js');

// Type-checks generated sources in memory, strict, as the project compiles them.
function typeCheck(files: Record<string, string>): string[] {
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    noUncheckedIndexedAccess: true,
    noEmit: true,
    types: [],
    lib: ['lib.es2023.d.ts'],
  };
  const host = ts.createCompilerHost(options);
  const virtual = new Map(Object.entries(files).map(([name, text]) => [resolve('/virtual', name), text]));
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, version, onError) => {
    const text = virtual.get(resolve(name));
    return text === undefined ? getSourceFile(name, version, onError) : ts.createSourceFile(name, text, version);
  };
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => virtual.has(resolve(name)) || fileExists(name);
  const directoryExists = host.directoryExists?.bind(host);
  host.directoryExists = (name) => resolve(name) === resolve('/virtual') || (directoryExists?.(name) ?? false);
  const readFile = host.readFile.bind(host);
  host.readFile = (name) => virtual.get(resolve(name)) ?? readFile(name);
  const program = ts.createProgram([...virtual.keys()], options, host);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file === undefined ? '' : `${d.file.fileName}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}: `;
    return where + ts.flattenDiagnosticMessageText(d.messageText, '\n');
  });
}

describe('codegen: row types generated from .ovsschema files', () => {
  for (const [schemaPath, outPath] of checkedIn) {
    it(`the checked-in ${outPath} is exactly what ${schemaPath} generates`, () => {
      const schema = readFileSync(resolve(repoRoot, schemaPath), 'utf8');
      const expected = generateTypes(schema, optionsForFiles(resolve(repoRoot, schemaPath), resolve(repoRoot, outPath), repoRoot));
      const actual = readFileSync(resolve(repoRoot, outPath), 'utf8');
      assert.ok(actual === expected, `${outPath} is stale: run node dist/lib/ovsdb/codegen-cli.js ${schemaPath} ${outPath}`);
    });

    it(`the CLI regenerates ${outPath} byte for byte, and --check agrees`, () => {
      const dir = mkdtempSync(join(tmpdir(), 'hvnet-codegen-'));
      try {
        // Written beside the checked-in file's name so the header's paths and the import are the same.
        const check = spawnSync('node', [cli, '--check', schemaPath, outPath], { cwd: repoRoot, encoding: 'utf8' });
        assert.equal(check.status, 0, check.stderr);
        const out = join(dir, 'gen.ts');
        const run = spawnSync('node', [cli, resolve(repoRoot, schemaPath), out], { cwd: repoRoot, encoding: 'utf8' });
        assert.equal(run.status, 0, run.stderr);
        const generated = readFileSync(out, 'utf8');
        assert.match(generated, /^\/\/ Generated from .*\.ovsschema \(OVN_/);
        assert.ok(generated.includes('export interface'), 'has row interfaces');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  it('the CLI refuses bad usage with exit 2 and a stale file with exit 1', () => {
    const usage = spawnSync('node', [cli, 'only-one-arg'], { cwd: repoRoot, encoding: 'utf8' });
    assert.equal(usage.status, 2);
    assert.match(usage.stderr, /usage: node dist\/lib\/ovsdb\/codegen-cli\.js \[--check\] <schema\.ovsschema> <out\.ts>/);
    const stale = spawnSync('node', [cli, '--check', checkedIn[0][0], checkedIn[1][1]], { cwd: repoRoot, encoding: 'utf8' });
    assert.equal(stale.status, 1);
    assert.match(stale.stderr, /is out of date with/);
  });

  it('embeds the schema it was generated from, parsed with the runtime parser', () => {
    const file = JSON.parse(readFileSync(resolve(repoRoot, checkedIn[0][0]), 'utf8')) as unknown;
    assert.deepEqual(ovnNorthboundSchemaJson, file);
    assert.deepEqual(ovnNorthboundSchema, parseSchema(file));
  });

  it('types columns as documented: literals for enums, unions with undefined for optionals, arrays, Records, Maps', () => {
    const source = readFileSync(resolve(repoRoot, checkedIn[0][1]), 'utf8');
    const lines = [
      "  policy: 'src-ip' | 'dst-ip' | undefined;",
      '  networks: string[];',
      '  peer: string | undefined;',
      '  options: Record<string, string>;',
      '  gateway_chassis: Uuid[];',
      '  tag_request: number | undefined;',
      "  action: Partial<Record<'dscp', number>>;",
      "  direction: 'from-lport' | 'to-lport';",
      '  ipsec: boolean;',
      '  _uuid: Uuid;',
      'export type Uuid = string & { readonly __ovsdbUuid?: true };',
      "export type OVNNorthboundTableName =",
      '  Logical_Router_Port: LogicalRouterPortRow;',
    ];
    for (const line of lines) assert.ok(source.includes(`${line}\n`), `missing line: ${line}`);
    assert.match(source, /\/\*\* Logical_Router_Port: non-root \(deleted when unreferenced\); indexes: \(name\)\. \*\/\nexport interface LogicalRouterPortRow \{/);
    const map = generateTypes({
      name: 'T',
      version: '1.0.0',
      tables: { Q: { columns: { queues: { type: { key: { type: 'integer', minInteger: 0 }, value: { type: 'uuid', refTable: 'Q' }, min: 0, max: 'unlimited' } } } } },
    });
    assert.ok(map.includes('  queues: Map<number, Uuid>;\n'));
    assert.ok(map.includes('/** key integer >= 0; value references Q (strong). */'));
  });

  it('generated code for the 22.03, 23.03, 24.03 and 26.03 NB and IC-NB schemas parses, and type-checks strict', function () {
    this.timeout(60_000);
    const dir = versionedSchemasDir;
    const files: Record<string, string> = {};
    const parsed = new Map<string, ReturnType<typeof parseSchema>>();
    for (const release of ['22.03', '23.03', '24.03', '26.03']) {
      for (const db of ['ovn-nb', 'ovn-ic-nb']) {
        const text = readFileSync(resolve(dir, `${db}-${release}.ovsschema`), 'utf8');
        parsed.set(`${db}-${release}`, parseSchema(text));
        files[`${db}-${release}.ts`] = generateTypes(text, { sourceName: `${db}-${release}.ovsschema` });
      }
    }
    const versions = [...parsed].map(([k, s]) => `${k} ${s.name} ${s.version}`);
    assert.deepEqual(versions, [
      'ovn-nb-22.03 OVN_Northbound 6.1.0',
      'ovn-ic-nb-22.03 OVN_IC_Northbound 1.0.0',
      'ovn-nb-23.03 OVN_Northbound 7.0.0',
      'ovn-ic-nb-23.03 OVN_IC_Northbound 1.0.0',
      'ovn-nb-24.03 OVN_Northbound 7.3.0',
      'ovn-ic-nb-24.03 OVN_IC_Northbound 1.1.0',
      'ovn-nb-26.03 OVN_Northbound 7.18.0',
      'ovn-ic-nb-26.03 OVN_IC_Northbound 1.3.0',
    ]);
    // What changed between releases in the tables hvnet touches (test/schemas/README.md).
    const lrp = (release: string) => [...(parsed.get(`ovn-nb-${release}`)?.tables.get('Logical_Router_Port')?.columns.keys() ?? [])];
    assert.equal(lrp('22.03').length, 11);
    assert.ok(!lrp('23.03').includes('status') && lrp('24.03').includes('status'));
    assert.ok(lrp('26.03').includes('dhcp_relay'));
    assert.equal(parsed.get('ovn-nb-24.03')?.tables.get('Logical_Router_Port')?.columns.get('networks')?.type.min, 1);
    assert.equal(parsed.get('ovn-nb-26.03')?.tables.get('Logical_Router_Port')?.columns.get('networks')?.type.min, 0);
    assert.ok(parsed.get('ovn-nb-26.03')?.tables.get('Logical_Switch_Port')?.columns.has('peer'));
    assert.ok(files['ovn-nb-26.03.ts']?.includes('  dhcp_relay: Uuid | undefined;\n'));
    assert.ok(!files['ovn-nb-22.03.ts']?.includes('dhcp_relay'));

    // A consumer of the generated types: right values compile, wrong ones must not.
    files['use.ts'] = [
      "import type { LogicalRouterStaticRouteRow, OVNNorthboundTableName, OVNNorthboundTables } from './ovn-nb-26.03.js';",
      "const policy: LogicalRouterStaticRouteRow['policy'] = 'dst-ip';",
      "// @ts-expect-error not one of the enum's values",
      "const wrong: LogicalRouterStaticRouteRow['policy'] = 'dest-ip';",
      "const table: OVNNorthboundTableName = 'Logical_Router';",
      "// @ts-expect-error not a table",
      "const noTable: OVNNorthboundTableName = 'Logical_Routers';",
      "const networks: OVNNorthboundTables['Logical_Router_Port']['networks'] = ['10.0.0.1/24'];",
      'export { policy, wrong, table, noTable, networks };',
      '',
    ].join('\n');
    assert.deepEqual(typeCheck(files), []);
  });
});
