// How the CLI prints a failure: in the format the command line asked for, so a script that reads
// `--format json` gets JSON on stderr for errors too ({code, message, details}) and an empty
// stdout; table and csv print the message for a person.
import { ConfigError } from '../api/errors.js';
import type { HvnetError } from '../api/errors.js';
import { FORMATS } from './render.js';
import { yamlText } from './yaml-text.js';
import type { Format } from './render.js';

export function errorText(err: HvnetError, format: Format): string {
  const doc = { code: err.code, message: err.message, details: err.details };
  if (format === 'json') return `${JSON.stringify(doc, null, 2)}\n`;
  if (format === 'yaml') return yamlText(doc);
  if (err instanceof ConfigError) return err.problems.map((p) => `hvnet: ${err.file}: ${p.path ? `${p.path}: ` : ''}${p.message}\n`).join('');
  return `hvnet: ${err.message}\n`;
}

/**
 * The --format of a command line that yargs may have refused (so its parsed value is not there):
 * the last one given wins, as in yargs; anything not a known format means the default.
 */
export function formatInArgv(argv: readonly string[]): Format {
  let found: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (a === '--') break;
    if (a === '--format') found = argv[i + 1];
    else if (a.startsWith('--format=')) found = a.slice('--format='.length);
  }
  return (FORMATS as readonly (string | undefined)[]).includes(found) ? (found as Format) : 'table';
}
