#!/usr/bin/env node
// hvnet-controller: the reference controller hvnetd reports to (see agent/controller/server.ts).
import { parseArgs } from 'node:util';
import { readFile } from 'node:fs/promises';
import { VERSION } from '../version.js';
import { HostStore } from '../controller/store.js';
import { createControllerServer } from '../controller/server.js';
import { TokensFile } from '../controller/tokens.js';
import { createLogger } from '../logger.js';
import { EXIT } from '../api/errors.js';

const USAGE = `usage: hvnet-controller --listen ADDRESS:PORT --state-dir DIR (--tokens-file FILE | --token-file FILE)
                        [--tls-cert FILE --tls-key FILE] [--open-reads]

Receives hvnetd status reports (POST /v1/hosts/<id>/status), keeps the latest per host in DIR,
serves GET /v1/hosts, /v1/hosts/<id>, /v1/peerings, /v1/nics and the fleet page at /.
Every request needs 'Authorization: Bearer <token>':
  --tokens-file FILE  one "HOST TOKEN" per line: a host reports only as itself with its token;
                      any of them reads. Read again when the file changes (no restart).
  --token-file FILE   one shared token: reports as any host, and reads (for a lab).
  --open-reads        GETs need no token (a lab on loopback, so a browser can show the page).
A host is unreachable after 3 of its heartbeat intervals without a report.
`;

async function main(): Promise<number> {
  let values;
  try {
    values = parseArgs({
      options: {
        listen: { type: 'string' },
        'state-dir': { type: 'string' },
        'token-file': { type: 'string' },
        'tokens-file': { type: 'string' },
        'tls-cert': { type: 'string' },
        'tls-key': { type: 'string' },
        'open-reads': { type: 'boolean' },
        version: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }).values;
  } catch (e) {
    process.stderr.write(`hvnet-controller: ${(e as Error).message}\n${USAGE}`);
    return EXIT.usage;
  }
  if (values.version) {
    process.stdout.write(`${VERSION}\n`);
    return EXIT.ok;
  }
  const listen = values.listen;
  const stateDir = values['state-dir'];
  const tokenFile = values['token-file'];
  const tokensFile = values['tokens-file'];
  if (values.help || !listen || !stateDir || (!tokenFile && !tokensFile) || Boolean(values['tls-cert']) !== Boolean(values['tls-key'])) {
    (values.help ? process.stdout : process.stderr).write(USAGE);
    return values.help ? EXIT.ok : EXIT.usage;
  }
  const i = listen.lastIndexOf(':');
  const host = listen.slice(0, i).replace(/^\[(.*)\]$/, '$1');
  const port = Number(listen.slice(i + 1));
  if (i < 0 || !Number.isInteger(port) || port < 0 || port > 65_535) {
    process.stderr.write(`hvnet-controller: --listen ${listen}: expected ADDRESS:PORT\n`);
    return EXIT.usage;
  }
  const log = createLogger('info');
  const token = tokenFile === undefined ? undefined : (await readFile(tokenFile, 'utf8')).trim();
  if (token === '') {
    process.stderr.write(`hvnet-controller: ${tokenFile} is empty\n`);
    return EXIT.config;
  }
  const tokens = tokensFile === undefined ? undefined : new TokensFile(tokensFile, log);
  try {
    tokens?.load();
  } catch (e) {
    process.stderr.write(`hvnet-controller: --tokens-file: ${(e as Error).message}\n`);
    return EXIT.config;
  }
  const store = new HostStore(stateDir);
  await store.open();
  const tls = values['tls-cert'] && values['tls-key'] ? { cert: await readFile(values['tls-cert']), key: await readFile(values['tls-key']) } : undefined;
  const server = createControllerServer(store, { ...(token ? { token } : {}), ...(tokens ? { tokens } : {}), openReads: values['open-reads'] === true, ...(tls ? { tls } : {}) }, log);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  log.info({ listen, tls: Boolean(tls), hosts: store.list().length }, 'hvnet-controller listening');
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      server.close(() => resolve());
      server.closeAllConnections();
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  return EXIT.ok;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`hvnet-controller: ${(e as Error).message}\n`);
    process.exit(EXIT.failure);
  },
);
