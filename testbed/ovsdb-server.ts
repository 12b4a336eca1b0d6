// One ovsdb-server, spawned in the foreground with its files in one directory, on a unix socket
// and on TCP (and TLS) ports picked by the kernel and read back from its log (docs/ovn.md:
// "Ports picked by the kernel").
import { existsSync, statSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { run, waitFor } from './exec.js';
import { startDaemon, type Daemon } from './daemon.js';
import type { TestCerts } from './certs.js';
import { tcpAccepts, unixAccepts } from './ports.js';

/** How a client reaches one database server. */
export interface OvnRemotes {
  /** `unix:/…/x.sock` */
  unix: string;
  /** `tcp:127.0.0.1:PORT` */
  tcp: string;
  /** `ssl:127.0.0.1:PORT` when started with `ssl: true` (NB only). */
  ssl?: string;
}

export interface ServerSpec {
  /** File stem: `<name>.sock`, `.log`, `.pid`, `.ctl`, `.out`. */
  name: string;
  dir: string;
  db: string;
  /** 0: the kernel picks (read back from the log). A restarted cluster member passes its old port. */
  tcpPort: number;
  /** Undefined: no TLS listener. 0: kernel picks. */
  sslPort?: number;
  certs?: TestCerts;
  /** Ports the server listens on that are not client remotes (the raft port). */
  otherPorts?: readonly number[];
}

export interface OvsdbServer {
  readonly name: string;
  readonly daemon: Daemon;
  readonly sock: string;
  readonly unix: string;
  readonly tcpPort: number;
  readonly tcp: string;
  readonly sslPort: number | undefined;
  readonly ssl: string | undefined;
  readonly ctl: string;
  readonly logFile: string;
  readonly spec: ServerSpec;
}

const LISTEN_RE = /socket_util\|INFO\|(\S+): listening on port (\d+)/g;

export async function startOvsdbServer(spec: ServerSpec): Promise<OvsdbServer> {
  const { name, dir } = spec;
  const sock = join(dir, `${name}.sock`);
  const logFile = join(dir, `${name}.log`);
  const ctl = join(dir, `${name}.ctl`);
  const args = [
    spec.db,
    `--remote=punix:${sock}`,
    `--remote=ptcp:${spec.tcpPort}:127.0.0.1`,
    `--pidfile=${join(dir, `${name}.pid`)}`,
    `--unixctl=${ctl}`,
    `--log-file=${logFile}`,
    '--no-chdir',
  ];
  if (spec.sslPort !== undefined) {
    if (!spec.certs) throw new Error(`${name}: an ssl listener needs certificates`);
    args.push(
      `--remote=pssl:${spec.sslPort}:127.0.0.1`,
      `--private-key=${spec.certs.server.key}`,
      `--certificate=${spec.certs.server.cert}`,
      `--ca-cert=${spec.certs.ca}`,
    );
  }
  // ovsdb-server logs "listening on port N" only for ports the kernel picked (port 0); fixed
  // ports (a restarted member) are checked by connecting.
  const fixed = [spec.tcpPort, ...(spec.sslPort === undefined ? [] : [spec.sslPort])].filter((p) => p !== 0);
  const wanted = (spec.sslPort === undefined ? 1 : 2) - fixed.length;
  // A restart appends to the same log: only look at what this process writes.
  const logStart = existsSync(logFile) ? statSync(logFile).size : 0;
  const newLog = (): string => {
    try {
      return readFileSync(logFile).subarray(logStart).toString('utf8');
    } catch {
      return '';
    }
  };
  let ports: number[] = [];
  const daemon = await startDaemon({
    name: `ovsdb-server ${name}`,
    cmd: 'ovsdb-server',
    args,
    logFile: join(dir, `${name}.out`),
    readyTimeoutMs: 10_000,
    ready: async () => {
      const taken = (): boolean => /Address already in use|listen failed/.test(newLog());
      const fail = (): never => {
        throw new Error(`${name}: a port is taken: ${newLog().slice(-1000)}`);
      };
      const found = await waitFor(
        `${name}: listening lines in ${logFile}`,
        () => {
          if (taken()) return 'taken' as const;
          const ps = [...newLog().matchAll(LISTEN_RE)]
            .map((m) => Number(m[2]))
            .filter((p) => !(spec.otherPorts ?? []).includes(p));
          return ps.length >= wanted ? ps : undefined;
        },
        10_000,
        5,
      );
      if (found === 'taken') fail();
      else ports = found;
      await waitFor(`${name}: ${sock} accepts`, async () => ((await unixAccepts(sock)) ? true : undefined), 10_000, 5);
      for (const p of fixed) {
        const r = await waitFor(
          `${name}: port ${p} accepts`,
          async () => (taken() ? 'taken' : (await tcpAccepts(p)) ? 'ok' : undefined),
          10_000,
          5,
        );
        if (r === 'taken') fail();
      }
    },
  });
  let tcpPort = spec.tcpPort;
  let sslPort = spec.sslPort;
  const unknown = (p: number): boolean => p !== tcpPort && p !== sslPort;
  if (tcpPort === 0 && sslPort === 0) {
    // Both lines look alike ("0:127.0.0.1: listening on port N"): ask the first one in plain TCP.
    const [p1, p2] = ports;
    if (p1 === undefined || p2 === undefined) throw new Error(`${name}: expected two ports, got ${ports.join(',')}`);
    const plain = await run('ovsdb-client', ['--timeout=2', 'list-dbs', `tcp:127.0.0.1:${p1}`], { timeoutMs: 4_000 }).then(
      () => true,
      () => false,
    );
    [tcpPort, sslPort] = plain ? [p1, p2] : [p2, p1];
  } else if (tcpPort === 0) {
    tcpPort = ports.find(unknown) ?? 0;
  } else if (sslPort === 0) {
    sslPort = ports.find(unknown) ?? 0;
  }
  if (tcpPort === 0 || sslPort === 0) throw new Error(`${name}: could not tell its ports from ${ports.join(',')}`);
  return {
    name,
    daemon,
    sock,
    unix: `unix:${sock}`,
    tcpPort,
    tcp: `tcp:127.0.0.1:${tcpPort}`,
    sslPort,
    ssl: sslPort === undefined ? undefined : `ssl:127.0.0.1:${sslPort}`,
    ctl,
    logFile,
    spec: { ...spec, tcpPort, sslPort },
  };
}

export async function createDb(db: string, schema: string): Promise<void> {
  await run('ovsdb-tool', ['create', db, schema]);
}
