#!/usr/bin/env node
// Makes the hvnet CLI start close to bare `node`, since operators call it in shell loops
// (`node dist/bench/cli/main.js` measures it):
// - one minified CommonJS bundle (dist/agent/hvnet-cli.bundle.cjs): loading ~200 ES modules one by
//   one was most of a call (0.45 s against 0.24 s); yaml and TypeBox are scripts of their own
//   beside it, loaded only by the calls that use them (vendorScripts below);
// - run by a small launcher (dist/agent/hvnet-cli.cjs, the package's `hvnet` bin) through
//   vm.Script with V8 code caches made here, so a call does not compile the scripts again
//   (Node 20 has no module compile cache; it came in Node 22);
// - inside the bundle a call evaluates only the modules of the command it names
//   (agent/cli/commands/index.ts) and never creates process.stdout for a pipe or a file
//   (agent/cli/std-write.ts);
// - string-width, which yargs' help layout calls on every cell, takes a fast path for printable
//   ASCII (all of hvnet's help text); the real one, whose set-up alone took ~10 ms, is loaded for
//   the first other text; yargs goes without node:assert and without rendering help after a
//   command ran (the plugins below).
// The daemon stays unbundled.
import { build } from 'esbuild';
import { Buffer } from 'node:buffer';
import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { promisify } from 'node:util';
import { createHash } from 'node:crypto';
import { copyFileSync, chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bundle = `${root}dist/agent/hvnet-cli.bundle.cjs`;
const launcher = `${root}dist/agent/hvnet-cli.cjs`;
const run = promisify(execFile);

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

/**
 * yargs' platform shim imports node:assert for two invariant checks; loading it costs ~4 ms of
 * every call (assert pulls in util/colors, which opens process.stderr, which loads the stream
 * modules). These two functions do the same checks.
 * @type {import('esbuild').Plugin}
 */
const lightAssert = {
  name: 'light-assert',
  setup(b) {
    b.onResolve({ filter: /^(node:)?assert$/ }, (args) => (/[\\/]node_modules[\\/]yargs[\\/]/.test(args.importer) ? { path: 'assert', namespace: 'light-assert' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'light-assert' }, () => ({
      contents:
        'function fail(message, actual, expected, operator) {\n' +
        '  const e = new Error(message ?? `${String(actual)} ${operator} ${String(expected)}`);\n' +
        "  e.name = 'AssertionError';\n" +
        "  e.code = 'ERR_ASSERTION';\n" +
        '  throw e;\n' +
        '}\n' +
        "export function strictEqual(a, b, message) { if (!Object.is(a, b)) fail(message, a, b, '==='); }\n" +
        "export function notStrictEqual(a, b, message) { if (Object.is(a, b)) fail(message, a, b, '!=='); }\n",
    }));
  },
};

/**
 * yargs' platform shim imports cliui, the help layout, whose modules (wrap-ansi, ansi-styles,
 * strip-ansi) build their tables and regexps when they load (~1.5 ms). Only help and usage errors
 * lay anything out, so the shim gets a cliui that loads the real one on its first use.
 * @type {import('esbuild').Plugin}
 */
const cliuiOnFirstUse = {
  name: 'cliui-on-first-use',
  setup(b) {
    b.onResolve({ filter: /^cliui$/ }, async (args) => {
      if (args.pluginData === 'real' || !/[\\/]node_modules[\\/]yargs[\\/]/.test(args.importer)) return undefined;
      const real = await b.resolve('cliui', { resolveDir: args.resolveDir, kind: args.kind, pluginData: 'real' });
      return { path: real.path, namespace: 'cliui-on-first-use' };
    });
    b.onLoad({ filter: /.*/, namespace: 'cliui-on-first-use' }, (args) => ({
      contents:
        'let real;\n' +
        'export default function cliui(opts) {\n' +
        `  real ??= require(${JSON.stringify(args.path)}).default;\n` +
        '  return real(opts);\n' +
        '}\n',
      resolveDir: dirname(args.path),
    }));
  },
};

/**
 * After a command's handler, yargs renders that command's whole help text and keeps it, in case
 * the program shows help after the handler ran (~2 ms of every call: cliui lays out every option).
 * hvnet never does: its handlers catch their errors, and its fail callback shows help only for
 * lines refused before any handler runs. The build fails if yargs changes that line, so an update
 * is looked at again.
 * @type {import('esbuild').Plugin}
 */
const noHelpCacheAfterHandler = {
  name: 'no-help-cache-after-handler',
  setup(b) {
    b.onLoad({ filter: /[\\/]node_modules[\\/]yargs[\\/]build[\\/]lib[\\/]command\.js$/ }, (args) => {
      const line = 'yargs.getInternalMethods().getUsageInstance().cacheHelpMessage();';
      const text = readFileSync(args.path, 'utf8');
      if (text.split(line).length !== 2) throw new Error(`${args.path}: expected "${line}" once; look at what yargs does after a handler now`);
      return { contents: text.replace(line, '/* help not cached after the handler: scripts/bundle-cli.mjs */'), loader: 'js' };
    });
  },
};

/**
 * yaml and TypeBox are half of the CLI's code, and V8's code cache holds an entry for every
 * function of a script whether it ran or not: reading that back was the largest single cost of a
 * call that uses neither (`hvnet version`), and a large part of every other. So each is a script
 * of its own (dist/agent/hvnet-cli-yaml.cjs, hvnet-cli-typebox.cjs) with its own code cache, which
 * the launcher loads the first time the bundle requires it. Every TypeBox entry point the CLI
 * imports is in the one TypeBox script, so they share one copy of its registries.
 * @type {Map<string, Set<string>>} vendor script -> the entry points imported from it
 */
const vendorImports = new Map();
const VENDORS = [
  { name: 'yaml', filter: /^yaml(\/.*)?$/ },
  { name: 'typebox', filter: /^@sinclair\/typebox(\/.*)?$/ },
];
/** @type {import('esbuild').Plugin} */
const vendorScripts = {
  name: 'vendor-scripts',
  setup(b) {
    for (const v of VENDORS) {
      b.onResolve({ filter: v.filter }, (args) => {
        const entries = vendorImports.get(v.name) ?? new Set();
        entries.add(args.path);
        vendorImports.set(v.name, entries);
        return { path: args.path, namespace: 'vendor', pluginData: v.name };
      });
    }
    b.onLoad({ filter: /.*/, namespace: 'vendor' }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(`./hvnet-cli-${args.pluginData}.cjs`)})[${JSON.stringify(args.path)}];`,
      loader: 'js',
    }));
    b.onResolve({ filter: /^\.\/hvnet-cli-[a-z]+\.cjs$/ }, (args) => ({ path: args.path, external: true }));
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
  // The bundle runs through vm.Script, which has no loader for import(): the modules the CLI
  // loads on demand (node:net at its first call) are required instead.
  supported: { 'dynamic-import': false },
  // The sources are ES modules that find files next to them through import.meta.url.
  // process.stdout.columns, read by yargs' shim when it loads and by the CLI's help width, makes
  // process.stdout, which for a pipe or a file loads the net and stream modules (~4 ms) before
  // anything is printed. Only a terminal has columns, so the stream is made only for one; and
  // node:tty itself loads node:net, so it is asked only about a character device other than
  // /dev/null (where scripts send what they do not read).
  define: { 'import.meta.url': '__hvnetModuleUrl', 'process.stdout.columns': '__hvnetStdoutColumns' },
  banner: {
    js:
      "const __hvnetModuleUrl = require('node:url').pathToFileURL(__filename).href;\n" +
      'const __hvnetStdoutColumns = (() => {\n' +
      '  try {\n' +
      "    const { fstatSync, statSync } = require('node:fs');\n" +
      '    const out = fstatSync(1);\n' +
      "    if (!out.isCharacterDevice() || out.rdev === statSync('/dev/null').rdev) return undefined;\n" +
      "    return require('node:tty').isatty(1) ? process.stdout.columns : undefined;\n" +
      '  } catch {\n' +
      '    return undefined;\n' +
      '  }\n' +
      '})();',
  },
  plugins: [asciiStringWidth, lightAssert, cliuiOnFirstUse, noHelpCacheAfterHandler, vendorScripts],
  logLevel: 'warning',
});

// Each vendor script exports its package's entry points by the names the bundle imports them by.
const scripts = [bundle];
for (const [name, entries] of vendorImports) {
  const outfile = `${root}dist/agent/hvnet-cli-${name}.cjs`;
  await build({
    stdin: {
      contents: [...entries].map((e, i) => `import * as e${i} from ${JSON.stringify(e)};\n`).join('') + `module.exports = { ${[...entries].map((e, i) => `${JSON.stringify(e)}: e${i}`).join(', ')} };\n`,
      resolveDir: root,
      sourcefile: `hvnet-cli-${name}-entry.js`,
    },
    outfile,
    bundle: true,
    minify: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'warning',
  });
  scripts.push(outfile);
}

// The launcher matches a cache to its script by this id on the script's first line (hashing the
// script on every call would load node:crypto, which costs more than it saves). A script is
// written as the function the launcher calls, with CommonJS's arguments, so the launcher compiles
// the file's text as it is: wrapping it at run time made a second copy of the text, which with
// the first filled V8's young generation and cost a garbage collection in every call. It is
// ASCII only (esbuild escapes the rest), so the launcher reads it as latin1, without UTF-8 decoding.
for (const file of scripts) {
  const code = readFileSync(file, 'utf8');
  if (Buffer.byteLength(code, 'utf8') !== code.length) throw new Error(`${file}: not ASCII; the launcher reads it as latin1`);
  const id = createHash('sha256').update(code).digest('hex').slice(0, 32);
  writeFileSync(file, `// hvnet-cli-build ${id}\n(function (exports, require, module, __filename, __dirname) {\n${code}\n})`);
  rmSync(`${file}.cache`, { force: true });
}

copyFileSync(`${root}scripts/lib/hvnet-cli-launcher.cjs`, launcher);
chmodSync(launcher, 0o755);
// The caches are made by running the CLI, so they hold the functions a call compiles, not only
// the top level; each run starts from the caches the previous one wrote and adds what it
// compiled. Only what scripts call in loops is run here: `version` (a command's way through
// yargs), a peer list (the network commands' modules, the client, the table) and YAML output.
// V8 reads back every function a cache holds, so training on more (help, config check) would make
// these calls slower; what no run here compiled is compiled when called, as without a cache. The
// peer list asks a socket of this build that answers any call with one peering: no daemon is
// needed to build, and the run goes the way of a call that got its answer.
const socket = `${root}dist/agent/hvnet-cli-cache-run.sock`;
rmSync(socket, { force: true });
const answering = createServer((c) => {
  let text = '';
  c.setEncoding('utf8');
  c.on('data', (chunk) => {
    text += chunk;
    const nl = text.indexOf('\n');
    if (nl < 0) return;
    const { id } = JSON.parse(text.slice(0, nl));
    const peering = { name: 'to-b', description: '', config: {}, target_project: 'default', target_network: 'b', status: 'Created', used_by: [], type: 'local' };
    c.end(`${JSON.stringify({ jsonrpc: '2.0', id, result: [peering] })}\n`);
  });
});
await new Promise((resolve) => answering.listen(socket, () => resolve(undefined)));
const training = [
  [['version'], '0.'],
  [['network', 'peer', 'list', 'a', '--socket', socket], '| to-b '],
  [['version', '--format', 'yaml'], 'version: '],
];
try {
  for (const [argv, expected] of training) {
    const r = await run(process.execPath, [launcher, ...argv], { env: { ...process.env, HVNET_CLI_WRITE_CACHE: '1' }, encoding: 'utf8' }).catch((e) => e);
    if (typeof r.stdout !== 'string' || !r.stdout.includes(expected)) throw new Error(`hvnet ${argv.join(' ')}: printed ${JSON.stringify(r.stdout)} (expected ${JSON.stringify(expected)}): ${r.stderr}`);
  }
} finally {
  answering.close();
  rmSync(socket, { force: true });
}
