// A three-member RAFT Northbound (docs/ovn.md#a-three-member-raft-northbound): forming it, who
// leads (docs/ovn.md#finding-the-leader), and a member started again after a kill.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { run, waitFor } from './exec.js';
import type { Daemon } from './daemon.js';
import type { TestCerts } from './certs.js';
import { freePorts } from './ports.js';
import { serverDbRow } from './ovsdb-server-status.js';
import { startOvsdbServer, type OvsdbServer } from './ovsdb-server.js';

export interface OvnMember {
  readonly index: number;
  readonly unix: string;
  readonly tcp: string;
  readonly ssl: string | undefined;
  /** Absolute unixctl path (`ovs-appctl -t <ctl> cluster/status OVN_Northbound`). */
  readonly ctl: string;
  /** The raft address stored in the db file. */
  readonly raft: string;
  readonly db: string;
  /** The current process (replaced by `restart`). */
  readonly daemon: Daemon;
  readonly alive: boolean;
}

export interface MemberState {
  index: number;
  raftPort: number;
  /** Replaced when the member is restarted. */
  server: OvsdbServer;
}

export async function startCluster(
  dir: string,
  schema: string,
  dbName: string,
  certs: TestCerts | undefined,
): Promise<MemberState[]> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const raftPorts = await freePorts(3);
    const tag = attempt === 0 ? '' : `-try${attempt}`;
    const dbs = [1, 2, 3].map((n) => join(dir, `s${n}${tag}.db`));
    const raft = raftPorts.map((p) => `tcp:127.0.0.1:${p}`);
    const [db1, db2, db3] = dbs;
    const [r1, r2, r3] = raft;
    if (!db1 || !db2 || !db3 || !r1 || !r2 || !r3) throw new Error('unreachable');
    // create-cluster warns about ephemeral columns made persistent: harmless
    // (docs/ovn.md#a-three-member-raft-northbound).
    await run('ovsdb-tool', ['create-cluster', db1, schema, r1]);
    await run('ovsdb-tool', ['join-cluster', db2, dbName, r2, r1]);
    await run('ovsdb-tool', ['join-cluster', db3, dbName, r3, r1]);
    const started: MemberState[] = [];
    try {
      for (let i = 0; i < 3; i += 1) {
        const server = await startOvsdbServer({
          name: `s${i + 1}${tag}`,
          dir,
          db: dbs[i] ?? '',
          tcpPort: 0,
          sslPort: certs ? 0 : undefined,
          certs,
          otherPorts: [raftPorts[i] ?? 0],
        });
        started.push({ index: i, raftPort: raftPorts[i] ?? 0, server });
      }
      await waitFor(
        'all 3 NB members connected and one leader',
        async () => {
          if (started.some((m) => /Address already in use/.test(readFileSync(m.server.logFile, 'utf8')))) return 'taken';
          const rows = await Promise.all(started.map((m) => serverDbRow(m.server.unix, dbName)));
          return rows.every((r) => r.connected) && rows.some((r) => r.leader) ? 'ok' : undefined;
        },
        10_000,
        20,
      ).then((r) => {
        if (r === 'taken') throw new Error('a raft port was taken');
      });
      return started;
    } catch (e) {
      lastError = e;
      for (const m of started.reverse()) await m.server.daemon.stop();
      const taken = started.some((m) => /Address already in use/.test(readFileSync(m.server.logFile, 'utf8')));
      if (!taken) throw e;
    }
  }
  throw new Error(`cluster did not form in 3 attempts: ${lastError instanceof Error ? lastError.message : String(lastError)}`);
}

/** A live view: after a restart it shows the new process. */
export function memberView(m: MemberState): OvnMember {
  return {
    index: m.index,
    get unix() {
      return m.server.unix;
    },
    get tcp() {
      return m.server.tcp;
    },
    get ssl() {
      return m.server.ssl;
    },
    get ctl() {
      return m.server.ctl;
    },
    raft: `tcp:127.0.0.1:${m.raftPort}`,
    db: m.server.spec.db,
    get daemon() {
      return m.server.daemon;
    },
    get alive() {
      return !m.server.daemon.hasExited;
    },
  };
}

/** Index of the member that says connected+leader in `_Server` (undefined: none right now). */
export async function leaderIndex(members: readonly MemberState[], dbName: string): Promise<number | undefined> {
  if (members.length === 0) return undefined;
  const rows = await Promise.all(
    members.map(async (m) =>
      m.server.daemon.hasExited ? undefined : serverDbRow(m.server.unix, dbName).catch(() => undefined),
    ),
  );
  const i = rows.findIndex((r) => r?.connected === true && r.leader);
  return i >= 0 ? i : undefined;
}

/** Starts a dead member again and waits until it is connected to the cluster. */
export async function restartMember(m: MemberState, dbName: string): Promise<void> {
  if (!m.server.daemon.hasExited) throw new Error(`restart: member ${m.index} is still running`);
  // Same command line: the ports found at first start are now fixed, so the remotes stay valid.
  m.server = await startOvsdbServer(m.server.spec);
  await waitFor(
    `member ${m.index} connected`,
    async () => ((await serverDbRow(m.server.unix, dbName)).connected ? true : undefined),
    10_000,
    10,
  );
}
