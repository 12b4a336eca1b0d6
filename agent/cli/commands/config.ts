// hvnet config check FILE: the daemon's own verdict on a configuration, without starting anything.
import { readFile } from 'node:fs/promises';
import { checkConfigText } from '../../config/check.js';
import { ConfigUnreadableError } from '../../api/errors.js';
import type { CliCommand, CliGroup } from '../command.js';
import type { Cell } from '../render.js';
import { TOPICS } from './topics.js';

const checkCommand: CliCommand = {
  command: 'check <file>',
  describe: 'check a configuration file as hvnetd would (exit 0 valid, 78 invalid) and show it with defaults filled in',
  examples: [
    ['hvnet config check /etc/hvnet/hvnet.yaml', 'check before `systemctl reload hvnetd`'],
    ['hvnet config check new.yaml --format yaml', 'the effective configuration, defaults included'],
  ],
  builder: (y) => y.positional('file', { type: 'string', describe: 'the YAML file', demandOption: true }),
  async run(args) {
    const file = String(args.file);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      throw new ConfigUnreadableError(file, (e as Error).message, { cause: e });
    }
    const config = checkConfigText(text, file);
    const rows: Cell[][] = flatten(config).map(([k, v]) => [k, v]);
    if (config.host.id === undefined) rows.unshift(['host.id', '(OVS system-id, else the hostname)']);
    return { data: config, tables: [{ title: `${file}: valid`, columns: ['KEY', 'VALUE'], rows }] };
  },
};

export const configGroup: CliGroup = {
  ...TOPICS.config,
  subcommands: [checkCommand],
};

function flatten(value: unknown, prefix = ''): [string, string][] {
  if (Array.isArray(value)) {
    if (value.length === 0) return [[prefix, '[]']];
    return value.flatMap((v, i) => flatten(v, `${prefix}[${i}]`));
  }
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value);
    if (entries.length === 0) return [[prefix, '{}']];
    return entries.flatMap(([k, v]) => flatten(v, prefix ? `${prefix}.${k}` : k));
  }
  return [[prefix, String(value)]];
}
