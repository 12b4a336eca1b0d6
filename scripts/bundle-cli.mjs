#!/usr/bin/env node
// Makes the hvnet CLI start close to bare `node`, since operators call it in shell loops:
// - one minified CommonJS bundle (dist/agent/hvnet-cli.bundle.cjs): loading ~200 ES modules one by
//   one was most of a call (0.45 s against 0.24 s);
// - run by a small launcher (dist/agent/hvnet-cli.cjs, the package's `hvnet` bin) through
//   vm.Script with a V8 code cache made here, so a call does not compile the bundle again
//   (Node 20 has no module compile cache; it came in Node 22);
// - string-width, which yargs' help layout calls on every cell even for `hvnet version`, takes a
//   fast path for printable ASCII (all of hvnet's help text); the real one, whose set-up alone
//   took ~10 ms of every call, is loaded for the first other text.
// The daemon stays unbundled.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bundle = `${root}dist/agent/hvnet-cli.bundle.cjs`;
const launcher = `${root}dist/agent/hvnet-cli.cjs`;

/** @type {import('esbuild').Plugin} */
const asciiStringWidth = {
  name: 'ascii-string-width',
  setup(b) {
    b.onResolve({ filter: /^string-width$/ }, async (args) => {
      if (args.pluginData === 'real') return undefined;
      const real = await b.resolve('string-width', { resolveDir: args.resolveDir, kind: args.kind, pluginData: 'real' });
      return { path: real.path, namespace: 'ascii-string-width' };
    });
    b.onLoad({ filter: /.*/, namespace: 'ascii-string-width' }, (args) => ({
      // require(), not import: esbuild then evaluates the real module (an Intl.Segmenter and
      // Unicode-property regexps, ~10 ms at start-up) only when a non-ASCII string comes.
      contents:
        'let real;\n' +
        'export default function stringWidth(s, o) {\n' +
        '  if (typeof s === "string" && /^[\\x20-\\x7e]*$/.test(s)) return s.length;\n' +
        `  real ??= require(${JSON.stringify(args.path)}).default;\n` +
        '  return real(s, o);\n' +
        '}\n',
      resolveDir: dirname(args.path),
    }));
  },
};

await build({
  stdin: {
    contents: "import { runCli } from './dist/agent/cli/main.js';\nrunCli(process.argv.slice(2)).then((code) => { process.exitCode = code; });\n",
    resolveDir: root,
    sourcefile: 'hvnet-cli-entry.js',
  },
  outfile: bundle,
  bundle: true,
  minify: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // The sources are ES modules that find files next to them through import.meta.url.
  define: { 'import.meta.url': '__hvnetModuleUrl' },
  banner: { js: "const __hvnetModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
  plugins: [asciiStringWidth],
  logLevel: 'warning',
});

// The launcher matches a cache to its bundle by this id on the bundle's first line (hashing the
// bundle on every call would load node:crypto, which costs more than it saves).
const code = readFileSync(bundle, 'utf8');
const id = createHash('sha256').update(code).digest('hex').slice(0, 32);
writeFileSync(bundle, `// hvnet-cli-build ${id}\n${code}`);

copyFileSync(`${root}scripts/lib/hvnet-cli-launcher.cjs`, launcher);
chmodSync(launcher, 0o755);
// The cache is made by running the CLI, so it holds the functions a call compiles, not only the
// top level; `--help` walks the parser and the layout that every command goes through.
rmSync(`${bundle}.cache`, { force: true });
execFileSync(process.execPath, [launcher, '--help'], { env: { ...process.env, HVNET_CLI_WRITE_CACHE: '1' }, stdio: 'ignore' });
