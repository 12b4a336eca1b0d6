// Every command of the hvnet CLI, in the order `hvnet --help` lists them, each with the loader of
// its module: a call loads only the modules of the commands it names (main.ts), so `hvnet
// version` does not evaluate the API schemas, YAML or the config checker, which were most of its
// start-up. A feature adds its command here (one line) and to topics.ts.
import type { CliEntry } from '../command.js';
import { TOPICS } from './topics.js';

export interface CliTopic {
  /** yargs syntax of the top-level command, as in its module. */
  command: string;
  describe: string;
  load(): Promise<CliEntry>;
}

export const COMMANDS: readonly CliTopic[] = [
  { ...TOPICS.status, load: async () => (await import('./status.js')).statusCommand },
  { ...TOPICS.version, load: async () => (await import('./version.js')).versionCommand },
  { ...TOPICS.config, load: async () => (await import('./config.js')).configGroup },
  { ...TOPICS.project, load: async () => (await import('./project.js')).projectGroup },
  { ...TOPICS.network, load: async () => (await import('./network.js')).networkGroup },
  { ...TOPICS.nic, load: async () => (await import('./nic.js')).nicGroup },
];
