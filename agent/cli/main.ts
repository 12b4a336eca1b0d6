// The hvnet CLI: global options, the commands of commands/index.ts, one renderer, and exit codes
// that follow the error table of agent/api/errors.ts: 0 ok, 1 refused or failed, 2 a wrong command
// line (found here, by the parser), 75 outcome unknown, 78 bad configuration.
import yargs from 'yargs';
import type { Argv } from 'yargs';
import { VERSION } from '../version.js';
import { EXIT, HvnetError, asHvnetError } from '../api/errors.js';
import { NAME_RULE, nameProblem } from '../../lib/ovn/names.js';
import { DaemonClient, DEFAULT_SOCKET } from './client.js';
import { FORMATS, render } from './render.js';
import { errorText, formatInArgv } from './error-output.js';
import type { Format } from './render.js';
import { COMMANDS } from './commands/index.js';
import { isGroup } from './command.js';
import type { CliArgs, CliCommand, CliContext, CliEntry } from './command.js';
import { writeStderr, writeStdout } from './std-write.js';
import { loadYaml } from './yaml-text.js';

export interface CliIo {
  out: (s: string) => void;
  err: (s: string) => void;
}

const stdio: CliIo = {
  out: (s) => writeStdout(s),
  err: (s) => writeStderr(s),
};

/** Runs the CLI on `argv` (without node and script); resolves with the exit code. */
export async function runCli(argv: readonly string[], io: CliIo = stdio, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const known = COMMANDS.map((c) => topName(c.command)).concat('completion').sort();
  const first = argv.find((a) => !a.startsWith('-'));
  // Until yargs has parsed, and when it refuses the line, the format is read from argv itself.
  const argvFormat = formatInArgv(argv);
  if (argvFormat === 'yaml') await loadYaml();
  const usage = (message: string, help: string): number => {
    const err = new HvnetError('HVNET_USAGE', message);
    io.err(argvFormat === 'json' || argvFormat === 'yaml' ? errorText(err, argvFormat) : `${errorText(err, argvFormat)}${help}`);
    return err.exitCode;
  };
  // Said before yargs parses: its own message ("Unknown argument") does not say what exists.
  if (first !== undefined && argv[0] === first && !known.includes(first) && !first.startsWith('--get-yargs-completions')) {
    return usage(`unknown command '${first}' (allowed: ${known.join(', ')})`, "Run 'hvnet --help' for usage.\n");
  }

  let exitCode: number = EXIT.ok;
  const fail = (e: unknown, format: Format = argvFormat): void => {
    const err = asHvnetError(e);
    io.err(errorText(err, format));
    exitCode = err.exitCode;
  };

  const handler = (cmd: CliCommand) => async (args: CliArgs): Promise<void> => {
    const ctx = contextFrom(args, env);
    try {
      if (ctx.format === 'yaml') await loadYaml();
      const out = await cmd.run(args, ctx);
      if (out) io.out(render(out, ctx.format));
    } catch (e) {
      fail(e, ctx.format);
    }
  };

  const addCommand = (y: Argv, cmd: CliCommand): Argv =>
    y.command(
      cmd.command,
      cmd.describe,
      (b) => {
        let built = cmd.builder ? cmd.builder(b) : b;
        for (const [ex, what] of cmd.examples ?? []) built = built.example(ex, what);
        return built;
      },
      handler(cmd),
    );

  let parser: Argv = yargs([...argv])
    .scriptName('hvnet')
    .usage('$0 <command> [options]\n\nThe local CLI of hvnetd, the hvnet host agent (JSON-RPC over its Unix socket).')
    .option('socket', {
      type: 'string',
      describe: "hvnetd's socket (env HVNET_SOCKET)",
      default: env.HVNET_SOCKET ?? DEFAULT_SOCKET,
      global: true,
    })
    .option('project', { type: 'string', describe: 'the project the command is about (default: the daemon\'s "default")', global: true })
    .option('format', { choices: FORMATS, default: 'table', describe: 'output format', global: true })
    .example('$0 status', "this host's health, connections and report delivery")
    .example('$0 status --format yaml', 'the same as YAML')
    .example('$0 config check /etc/hvnet/hvnet.yaml', 'check a configuration before reloading')
    .example('$0 completion >> ~/.bashrc', 'shell completion for bash (zsh: >> ~/.zshrc)')
    .epilogue(
      [
        "Without a running daemon: 'systemctl start hvnetd', or 'hvnetd --config FILE'.",
        '',
        'Exit codes:',
        '  0   ok',
        '  1   refused or failed: invalid name or value, not found, conflict, libvirt or OVN refused',
        '  2   wrong command line: unknown command or option, missing or extra argument,',
        "      a value outside an option's choices",
        '  75  outcome unknown: the change may or may not be applied; re-read before retrying',
        '  78  invalid configuration',
        'With --format json or yaml an error goes to stderr in that format: {code, message, details}.',
      ].join('\n'),
    )
    .completion('completion', 'print a shell completion script')
    .version(VERSION)
    .strict()
    .demandCommand(1, 'a command is needed')
    .recommendCommands()
    .wrap(Math.min(110, process.stdout.columns ?? 100))
    .fail((msg: string | undefined, err: Error | undefined, y: Argv) => {
      if (err) throw err;
      let help = '';
      y.showHelp((s: string) => (help = `\n${s}\n`));
      usage(msg ?? 'usage error', help);
      // Thrown, not returned: yargs would otherwise go on and run the command.
      throw new UsageFailure();
    })
    .help();
  const addEntry = (y: Argv, entry: CliEntry, path: string): Argv => {
    if (!isGroup(entry)) return addCommand(y, entry);
    const name = `${path}${entry.command.split(' ')[0] ?? ''}`;
    return y.command(entry.command, entry.describe, (g) => {
      let b = g;
      for (const sub of entry.subcommands) b = addEntry(b, sub, `${name} `);
      return b.demandCommand(1, `'hvnet ${name}' needs a subcommand`);
    });
  };
  // yargs can only run a command whose name is a word of the line, so the other modules are not
  // loaded: help lists them by name and line, which is all it needs of them.
  const words = new Set(argv);
  const loaded = await Promise.all(COMMANDS.map((c) => (words.has(topName(c.command)) ? c.load() : Promise.resolve(undefined))));
  COMMANDS.forEach((c, i) => {
    const entry = loaded[i];
    parser = entry ? addEntry(parser, entry, '') : parser.command(c.command, c.describe);
  });
  try {
    await parser.parseAsync();
  } catch (e) {
    if (e instanceof UsageFailure) exitCode = EXIT.usage;
    else if (e instanceof HvnetError) fail(e);
    // What else yargs throws is about the command line it could not take.
    else exitCode = usage((e as Error).message, '');
  }
  return exitCode;
}

class UsageFailure extends Error {}

function topName(command: string): string {
  return command.split(' ')[0] ?? '';
}

function contextFrom(args: CliArgs, env: NodeJS.ProcessEnv): CliContext {
  const socket = typeof args.socket === 'string' ? args.socket : (env.HVNET_SOCKET ?? DEFAULT_SOCKET);
  const project = typeof args.project === 'string' ? args.project : undefined;
  const why = project === undefined ? undefined : nameProblem(project);
  if (why !== undefined) {
    throw new HvnetError('HVNET_INVALID_ARGUMENT', `--project ${JSON.stringify(project)}: the project name ${why} (allowed: ${NAME_RULE})`, { field: 'project', value: project, allowed: NAME_RULE });
  }
  const format = (FORMATS as readonly string[]).includes(String(args.format)) ? (args.format as Format) : 'table';
  return {
    socket,
    project,
    format,
    client: () => new DaemonClient({ socket, ...(project === undefined ? {} : { project }) }),
  };
}
