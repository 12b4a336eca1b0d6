#!/usr/bin/env node
// Makes dist/ answer to the sources before an incremental tsc, so that every build, the first or
// the tenth, leaves exactly one compiled file per source:
// - a compiled file whose source is gone (renamed, deleted) is removed, or mocha would still run a
//   deleted test;
// - when a source that tsc's build info lists as built has no compiled file (dist/ pruned by
//   hand, a half-copied tree), the build info is dropped: incremental tsc trusts it and would
//   otherwise emit nothing, as it did when scripts/test removed dist/test and a second run then
//   found no spec at all. A new source is not in the build info; tsc compiles it anyway.
// Prints what it did, one line per action, to stderr.
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dist = join(root, 'dist');
const tsconfig = JSON.parse(readFileSync(join(root, 'tsconfig.json'), 'utf8'));
const sourceDirs = tsconfig.include.map((/** @type {string} */ g) => g.split('/')[0]);
const buildInfo = join(root, tsconfig.compilerOptions.tsBuildInfoFile);
// Files in dist/ that tsc does not emit from a .ts: the bundled CLI, its launcher and code cache.
const notCompiled = new Set(['hvnet-cli.cjs', 'hvnet-cli.bundle.cjs', 'hvnet-cli.bundle.cjs.cache'].map((f) => join(dist, 'agent', f)));

/** @param {string} dir @returns {string[]} */
function walk(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : walk(p);
    return [p];
  });
}

let removed = 0;
for (const dir of sourceDirs) {
  for (const out of walk(join(dist, dir))) {
    if (notCompiled.has(out)) continue;
    const m = /^(.*)\.js(\.map)?$/.exec(out);
    if (m === null) continue;
    const source = join(root, `${relative(dist, m[1])}.ts`);
    if (!existsSync(source)) {
      rmSync(out);
      removed += 1;
    }
  }
}
if (removed > 0) process.stderr.write(`[hvnet] dist: removed ${removed} compiled file(s) whose source is gone\n`);

const missing = sourceDirs
  .flatMap((dir) => walk(join(root, dir)))
  .filter((p) => p.endsWith('.ts') && !p.endsWith('.d.ts'))
  .filter((p) => !existsSync(join(dist, `${relative(root, p).slice(0, -3)}.js`)));
if (missing.length > 0 && existsSync(buildInfo)) {
  /** @type {Set<string>} */
  let built;
  try {
    const info = JSON.parse(readFileSync(buildInfo, 'utf8'));
    built = new Set(info.fileNames.map((/** @type {string} */ f) => resolve(dirname(buildInfo), f)));
  } catch {
    built = new Set(missing);
  }
  const lost = missing.filter((p) => built.has(p));
  if (lost.length > 0) {
    rmSync(buildInfo);
    process.stderr.write(`[hvnet] dist: ${lost.length} built source(s) lost their output (${relative(root, lost[0])}…): full build\n`);
  }
}
