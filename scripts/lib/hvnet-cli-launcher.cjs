#!/usr/bin/env node
// The `hvnet` bin: runs the bundled CLI (hvnet-cli.bundle.cjs, next to this file once built by
// scripts/bundle-cli.mjs) from V8's code cache instead of compiling it on every call, and the
// vendor scripts the bundle requires (hvnet-cli-yaml.cjs, hvnet-cli-typebox.cjs) the same way,
// only when a call needs them. Each cache file starts with the build id of the script it was made
// from (the script's first line holds it): V8 itself only checks the source's length, so a
// rebuilt script of the same length would otherwise run stale code. A missing, stale or rejected
// cache only costs the compile; the CLI runs all the same.
'use strict';
const { readFileSync, renameSync, writeFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const { join } = require('node:path');
const { Script } = require('node:vm');

const nodeRequire = createRequire(join(__dirname, 'hvnet-cli.bundle.cjs'));
const vendors = new Map();

/** Runs one script of the CLI, a function expression with CommonJS's arguments; returns its exports. */
function run(name) {
  const file = join(__dirname, name);
  const cacheFile = `${file}.cache`;
  // ASCII only, and a function expression already (scripts/bundle-cli.mjs says why).
  const source = readFileSync(file, 'latin1');
  const digest = Buffer.from(source.slice(0, source.indexOf('\n')), 'latin1');

  let cachedData;
  try {
    const cache = readFileSync(cacheFile);
    if (cache.length > digest.length && cache.subarray(0, digest.length).equals(digest)) cachedData = cache.subarray(digest.length);
  } catch {
    // no cache yet: compile
  }

  const script = new Script(source, { filename: file, cachedData });
  // Refreshed when asked (at build time) or when V8 refused the one there (another Node version);
  // the write is atomic and a failure (a read-only install) changes nothing.
  if (process.env.HVNET_CLI_WRITE_CACHE === '1' || cachedData === undefined || script.cachedDataRejected) {
    process.once('exit', () => {
      try {
        const tmp = `${cacheFile}.${process.pid}`;
        writeFileSync(tmp, Buffer.concat([digest, script.createCachedData()]));
        renameSync(tmp, cacheFile);
      } catch {
        // not writable here: the next call compiles again
      }
    });
  }

  const mod = { exports: {} };
  script.runInThisContext()(mod.exports, requireFromCli, mod, file, __dirname);
  return mod.exports;
}

/** The scripts' require: a vendor script once, through run(); anything else (Node's modules) as usual. */
function requireFromCli(id) {
  if (!/^\.\/hvnet-cli-[a-z]+\.cjs$/.test(id)) return nodeRequire(id);
  let exports = vendors.get(id);
  if (exports === undefined) {
    exports = run(id.slice(2));
    vendors.set(id, exports);
  }
  return exports;
}

run('hvnet-cli.bundle.cjs');
