// node dist/lib/ovsdb/codegen-cli.js [--check] <schema.ovsschema> <out.ts>
// Writes the generated row types; with --check, writes nothing and exits 1 if <out.ts> is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateTypes, optionsForFiles } from './codegen.js';

const USAGE = 'usage: node dist/lib/ovsdb/codegen-cli.js [--check] <schema.ovsschema> <out.ts>';

// The compiled CLI lives in dist/lib/ovsdb; the generated file imports the source tree's
// lib/ovsdb/schema.js, and both trees have the same shape, so the repository root is what matters.
function repoRoot(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const distMarker = `${sep}dist${sep}`;
  const sourceDir = here.includes(distMarker) ? here.replace(distMarker, sep) : here;
  return resolve(sourceDir, '..', '..');
}

function main(argv: readonly string[]): number {
  const check = argv.includes('--check');
  const args = argv.filter((a) => a !== '--check');
  const unknown = args.find((a) => a.startsWith('-'));
  if (unknown !== undefined || args.length !== 2) {
    process.stderr.write(`${unknown === undefined ? '' : `unknown option ${unknown}\n`}${USAGE}\n`);
    return 2;
  }
  const [schemaPath, outPath] = args as [string, string];
  const source = generateTypes(readFileSync(schemaPath, 'utf8'), optionsForFiles(schemaPath, outPath, repoRoot()));
  if (check) {
    let current: string | undefined;
    try {
      current = readFileSync(outPath, 'utf8');
    } catch {
      current = undefined;
    }
    if (current !== source) {
      process.stderr.write(`${outPath} is out of date with ${schemaPath}; regenerate without --check\n`);
      return 1;
    }
    return 0;
  }
  writeFileSync(outPath, source);
  return 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (e) {
  process.stderr.write(`codegen: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
}
