#!/usr/bin/env node
// hvnetd: the host agent. Exit codes: 0 after a clean stop (SIGTERM/SIGINT), 78 (EX_CONFIG) when
// the configuration is unusable, 2 for a bad command line, 1 for anything else.
import '../daemon/v8-tiering.js';
import { parseArgs } from 'node:util';
import { VERSION } from '../version.js';
import { Hvnetd } from '../daemon/hvnetd.js';
import { DEFAULT_CONFIG_FILE } from '../config/schema.js';
import { EXIT, asHvnetError } from '../api/errors.js';
import { createLogger } from '../logger.js';

const USAGE = `usage: hvnetd [--config FILE] [--version]

  --config FILE   configuration (default ${DEFAULT_CONFIG_FILE}); check it with 'hvnet config check FILE'
  --version       print the version and exit

Runs in the foreground (systemd Type=notify). SIGHUP reloads the configuration, SIGTERM stops.
`;

function args(): { config: string } | undefined {
  try {
    const { values } = parseArgs({
      options: { config: { type: 'string', short: 'c' }, version: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
    });
    if (values.version) {
      process.stdout.write(`${VERSION}\n`);
      return undefined;
    }
    if (values.help) {
      process.stdout.write(USAGE);
      return undefined;
    }
    return { config: values.config ?? DEFAULT_CONFIG_FILE };
  } catch (e) {
    process.stderr.write(`hvnetd: ${(e as Error).message}\n${USAGE}`);
    process.exitCode = EXIT.usage;
    return undefined;
  }
}

async function main(): Promise<void> {
  const a = args();
  if (!a) return;
  const daemon = new Hvnetd(a.config);
  const log = createLogger('info');
  let exiting = false;
  const stop = (signal: string): void => {
    if (exiting) return;
    exiting = true;
    daemon.stop(signal).then(
      () => process.exit(EXIT.ok),
      (e: unknown) => {
        log.fatal({ err: e }, 'error while stopping');
        process.exit(EXIT.failure);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGHUP', () => void daemon.reload());
  process.on('uncaughtException', (e) => {
    log.fatal({ err: e }, 'uncaught exception');
    process.exit(EXIT.failure);
  });
  process.on('unhandledRejection', (e) => {
    log.fatal({ err: e }, 'unhandled rejection');
    process.exit(EXIT.failure);
  });
  try {
    await daemon.start();
  } catch (e) {
    // A library's error keeps its code and class, so its exit code is the table's, like the CLI's.
    const err = asHvnetError(e);
    log.fatal({ code: err.code, err: err.message }, 'hvnetd cannot start');
    process.stderr.write(`hvnetd: ${err.message}\n`);
    await daemon.stop('start-up failed').catch(() => undefined);
    process.exit(err.exitCode);
  }
}

void main();
