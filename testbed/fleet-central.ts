// The OVN control plane of a fleet: NB and SB, each a 3-member RAFT cluster when the fleet has
// more than one host (one server each otherwise), and ovn-northd between them. Every member is a
// direct child of the test process (daemon.ts) with its files in one temp dir.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { run, type RunOptions } from './exec.js';
import type { Daemon } from './daemon.js';
import { NB_SCHEMA, SB_SCHEMA } from './ovn-schemas.js';
import { createDb, startOvsdbServer } from './ovsdb-server.js';
import { startCluster } from './ovn-raft.js';
import { startNorthd } from './ovn-northd.js';
import { testRun } from './test-run.js';

export interface FleetDb {
  /** For clients that follow the leader (hvnetd, ovn-nbctl): every member's tcp remote, comma-separated. */
  readonly tcpRemotes: string;
  /** Every member's unix remote, comma-separated (ovn-controller, ovn-northd). */
  readonly unixRemotes: string;
  readonly daemons: readonly Daemon[];
}

export interface FleetCentral {
  readonly dir: string;
  readonly clustered: boolean;
  readonly nb: FleetDb;
  readonly sb: FleetDb;
  readonly northd: Daemon;
  pids(): number[];
  nbctl(args: readonly string[], opts?: RunOptions): Promise<string>;
  sbctl(args: readonly string[], opts?: RunOptions): Promise<string>;
  stop(): Promise<void>;
}

async function startDb(dir: string, name: 'nb' | 'sb', schema: string, clustered: boolean): Promise<FleetDb> {
  const d = join(dir, name);
  mkdirSync(d, { mode: 0o711 });
  if (clustered) {
    const dbName = (await run('ovsdb-tool', ['schema-name', schema])).trim();
    const members = await startCluster(d, schema, dbName, undefined);
    return {
      tcpRemotes: members.map((m) => m.server.tcp).join(','),
      unixRemotes: members.map((m) => m.server.unix).join(','),
      daemons: members.map((m) => m.server.daemon),
    };
  }
  const db = join(d, `${name}.db`);
  await createDb(db, schema);
  const s = await startOvsdbServer({ name, dir: d, db, tcpPort: 0 });
  return { tcpRemotes: s.tcp, unixRemotes: s.unix, daemons: [s.daemon] };
}

export async function startFleetCentral(opts: { clustered: boolean }): Promise<FleetCentral> {
  const dir = testRun.tempDir('fleet-ovn');
  const started: Daemon[] = [];
  const stopAll = async (): Promise<void> => {
    const errors: string[] = [];
    for (const d of started.reverse()) await d.stop().catch((e: unknown) => errors.push(`${d.name}: ${String(e)}`));
    started.length = 0;
    if (errors.length > 0) throw new Error(`stopping the fleet's OVN: ${errors.join('; ')}`);
  };
  try {
    const nb = await startDb(dir, 'nb', NB_SCHEMA, opts.clustered);
    started.push(...nb.daemons);
    const sb = await startDb(dir, 'sb', SB_SCHEMA, opts.clustered);
    started.push(...sb.daemons);
    const ctl = (tool: string, db: string) => (args: readonly string[], o: RunOptions = {}) =>
      run(tool, [`--db=${db}`, '--timeout=20', ...args], { timeoutMs: 25_000, ...o });
    const nbctl = ctl('ovn-nbctl', nb.tcpRemotes);
    const sbctl = ctl('ovn-sbctl', sb.tcpRemotes);
    const northd = await startNorthd({ dir, nbRemotes: nb.unixRemotes, sbRemote: sb.unixRemotes, nbctl });
    started.push(northd);
    const unregister = testRun.onCleanup(`fleet OVN in ${dir}`, stopAll);
    return {
      dir,
      clustered: opts.clustered,
      nb,
      sb,
      northd,
      pids: () => started.filter((d) => !d.hasExited).map((d) => d.pid),
      nbctl,
      sbctl,
      stop: unregister,
    };
  } catch (e) {
    await stopAll().catch(() => undefined);
    throw e;
  }
}
