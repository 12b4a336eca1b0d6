#!/usr/bin/env node
// Bundles the hvnet CLI into one file (dist/agent/hvnet-cli.js, the package's `hvnet` bin).
// Loading ~200 ES modules one by one is most of a CLI call's time (0.45 s against 0.24 s here);
// an operator's shell loop of `hvnet` calls should not pay it. The daemon stays unbundled.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
await build({
  entryPoints: [`${root}dist/agent/bin/hvnet.js`],
  outfile: `${root}dist/agent/hvnet-cli.js`,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // Bundled CommonJS dependencies (yargs' helpers) still call require().
  banner: { js: "import { createRequire as __hvnetCreateRequire } from 'node:module'; const require = __hvnetCreateRequire(import.meta.url);" },
  logLevel: 'warning',
});
