#!/usr/bin/env node
// The `hvnet` bin: runs the bundled CLI (hvnet-cli.bundle.cjs, next to this file once built by
// scripts/bundle-cli.mjs) from V8's code cache instead of compiling it on every call. The cache
// file starts with the build id of the bundle it was made from (the bundle's first line holds
// it): V8 itself only checks the source's length, so a rebuilt bundle of the same length would
// otherwise run stale code. A missing, stale or rejected cache only costs the compile; the CLI
// runs all the same.
'use strict';
const { readFileSync, renameSync, writeFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const { dirname, join } = require('node:path');
const { Script } = require('node:vm');

const file = join(__dirname, 'hvnet-cli.bundle.cjs');
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
const mod = { exports: {} };

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

script.runInThisContext()(mod.exports, createRequire(file), mod, file, dirname(file));
