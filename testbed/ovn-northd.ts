// ovn-northd between one NB and one SB, ready once it has translated the NB into the SB.
import { join } from 'node:path';
import { startDaemon, type Daemon } from './daemon.js';

export interface NorthdOptions {
  dir: string;
  /** `--ovnnb-db`: one remote, or a cluster's remotes comma-separated. */
  nbRemotes: string;
  sbRemote: string;
  /** ovn-nbctl against that NB; `--wait=sb sync` proves northd is working. */
  nbctl: (args: readonly string[]) => Promise<string>;
}

export function startNorthd(o: NorthdOptions): Promise<Daemon> {
  return startDaemon({
    name: 'ovn-northd',
    cmd: 'ovn-northd',
    args: [
      `--ovnnb-db=${o.nbRemotes}`,
      `--ovnsb-db=${o.sbRemote}`,
      `--pidfile=${join(o.dir, 'northd.pid')}`,
      `--unixctl=${join(o.dir, 'northd.ctl')}`,
      `--log-file=${join(o.dir, 'northd.log')}`,
      '--no-chdir',
    ],
    logFile: join(o.dir, 'northd.out'),
    readyTimeoutMs: 20_000,
    // Ready = northd has read the NB and written the SB.
    ready: async () => {
      await o.nbctl(['--wait=sb', 'sync']);
    },
  });
}
