#!/usr/bin/env node
// The hvnet CLI. The socket API and its commands arrive with the daemon; until then only what
// needs no daemon is offered, and everything else is refused with exit code 2 (usage).
import { VERSION } from '../version.js';

const commands = { version: 'print the version of this CLI' } as const;

function usage(): string {
  const lines = Object.entries(commands).map(([name, text]) => `  ${name.padEnd(10)} ${text}`);
  return `usage: hvnet <command>\n\ncommands:\n${lines.join('\n')}\n`;
}

const [cmd] = process.argv.slice(2);
if (cmd === 'version' || cmd === '--version') {
  process.stdout.write(`${VERSION}\n`);
} else if (cmd === undefined || cmd === '--help' || cmd === '-h') {
  process.stdout.write(usage());
} else {
  process.stderr.write(`hvnet: unknown command '${cmd}' (allowed: ${Object.keys(commands).join(', ')})\n${usage()}`);
  process.exitCode = 2;
}
