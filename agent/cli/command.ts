// What a CLI command is: a yargs command string, help text with examples, and a run function that
// returns data for the shared renderer. Features list their commands in commands/index.ts, next to
// the daemon methods they call.
import type { Argv } from 'yargs';
import type { DaemonClient } from './client.js';
import type { Format, Output } from './render.js';

export interface CliContext {
  socket: string;
  project: string | undefined;
  format: Format;
  client(): DaemonClient;
}

export type CliArgs = Record<string, unknown>;

export interface CliCommand {
  /** yargs syntax: `status`, `check <file>`. */
  command: string;
  describe: string;
  examples?: readonly (readonly [string, string])[];
  builder?: (y: Argv) => Argv;
  /** Output for the renderer; undefined when the command printed what it had to itself. */
  run(args: CliArgs, ctx: CliContext): Promise<Output | undefined>;
}

/** A command with subcommands (`hvnet config check`), which may be groups themselves (`hvnet network peer list`). */
export interface CliGroup {
  command: string;
  describe: string;
  subcommands: readonly CliEntry[];
}

export type CliEntry = CliCommand | CliGroup;

export function isGroup(e: CliEntry): e is CliGroup {
  return 'subcommands' in e;
}
