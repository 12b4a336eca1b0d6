#!/usr/bin/env node
// The hvnet daemon's entry point. Its service loop (configuration, OVN session, socket API) is
// not built yet; it says so instead of pretending to run.
import { VERSION } from '../version.js';

const args = process.argv.slice(2);
if (args.includes('--version')) {
  process.stdout.write(`${VERSION}\n`);
} else {
  process.stderr.write('hvnetd: the daemon is not available in this version; only --version is\n');
  process.exitCode = 78; // EX_CONFIG: systemd's Restart=on-failure will not loop on it forever
}
