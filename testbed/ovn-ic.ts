// OVN-IC for one availability zone: IC-NB and IC-SB ovsdb-servers and ovn-ic, ready once the AZ
// is registered in the IC-SB (docs/ovn.md#ovn-ic-needs-an-az-name).
import { join } from 'node:path';
import { run, waitFor } from './exec.js';
import { startDaemon, type Daemon } from './daemon.js';
import { createDb, startOvsdbServer, type OvsdbServer } from './ovsdb-server.js';
import { IC_NB_SCHEMA, IC_SB_SCHEMA } from './ovn-schemas.js';

export interface OvnIcOptions {
  dir: string;
  /** Written to NB_Global.name. */
  azName: string;
  nbRemotes: string;
  sbRemote: string;
  nbctl: (args: readonly string[]) => Promise<string>;
  /** Called for each process as soon as it runs, so a later failure can stop the earlier ones. */
  track: (label: string, stop: () => Promise<void>) => void;
}

export interface OvnIc {
  readonly icNb: OvsdbServer;
  readonly icSb: OvsdbServer;
  readonly daemon: Daemon;
}

export async function startOvnIc(o: OvnIcOptions): Promise<OvnIc> {
  const { dir } = o;
  const icNbDb = join(dir, 'ic-nb.db');
  const icSbDb = join(dir, 'ic-sb.db');
  await createDb(icNbDb, IC_NB_SCHEMA);
  await createDb(icSbDb, IC_SB_SCHEMA);
  const icNb = await startOvsdbServer({ name: 'ic-nb', dir, db: icNbDb, tcpPort: 0 });
  o.track('IC-NB', () => icNb.daemon.stop());
  const icSb = await startOvsdbServer({ name: 'ic-sb', dir, db: icSbDb, tcpPort: 0 });
  o.track('IC-SB', () => icSb.daemon.stop());
  const daemon = await startIcDaemon({ ...o, icNb: icNb.unix, icSb: icSb.unix });
  return { icNb, icSb, daemon };
}

export interface IcDaemonOptions extends OvnIcOptions {
  /** `unix:` remotes of the IC-NB and IC-SB (shared by every AZ of an interconnection). */
  icNb: string;
  icSb: string;
}

/** ovn-ic of one AZ against given IC databases; names the AZ first and waits until it is registered. */
export async function startIcDaemon(o: IcDaemonOptions): Promise<Daemon> {
  const { dir, azName: az } = o;
  // Without NB_Global.name ovn-ic silently does nothing.
  await o.nbctl(['--no-wait', 'init']);
  await o.nbctl(['--no-wait', 'set', 'NB_Global', '.', `name=${az}`]);
  const daemon = await startDaemon({
    name: 'ovn-ic',
    cmd: 'ovn-ic',
    args: [
      `--ovnnb-db=${o.nbRemotes}`,
      `--ovnsb-db=${o.sbRemote}`,
      `--ic-nb-db=${o.icNb}`,
      `--ic-sb-db=${o.icSb}`,
      `--pidfile=${join(dir, 'ic.pid')}`,
      `--unixctl=${join(dir, 'ic.ctl')}`,
      `--log-file=${join(dir, 'ic.log')}`,
      '--no-chdir',
    ],
    logFile: join(dir, 'ic.out'),
    readyTimeoutMs: 15_000,
    ready: async () => {
      await waitFor(
        `AZ ${az} in IC-SB`,
        async () => {
          const out = await run('ovn-ic-sbctl', [`--db=${o.icSb}`, '--bare', '--columns=name', 'list', 'Availability_Zone']);
          return out.split('\n').includes(az) ? true : undefined;
        },
        15_000,
        20,
      );
    },
  });
  o.track('ovn-ic', () => daemon.stop());
  return daemon;
}
