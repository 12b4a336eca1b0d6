// hvnet version: this CLI's version; the daemon's is in `hvnet status`, and a CLI must be able to
// say what it is without one.
import { VERSION } from '../../version.js';
import type { CliCommand } from '../command.js';
import { TOPICS } from './topics.js';
import { writeStdout } from '../std-write.js';

export const versionCommand: CliCommand = {
  ...TOPICS.version,
  examples: [['hvnet version', 'e.g. 0.1.0']],
  run(_args, ctx) {
    if (ctx.format === 'table') {
      writeStdout(`${VERSION}\n`);
      return Promise.resolve(undefined);
    }
    return Promise.resolve({ data: { version: VERSION }, tables: [{ columns: ['VERSION'], rows: [[VERSION]] }] });
  },
};
