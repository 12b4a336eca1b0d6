// Two OVN availability zones interconnected on one machine (docs/ovn-ic.md#the-two-az-fixture):
// one IC-NB and one IC-SB; per AZ an NB, SB, ovn-northd, ovn-ic and one chassis that is the AZ's
// interconnection gateway (external_ids:ovn-is-interconn=true). The two chassis reach each other
// over a veth underlay (each end on a netdev bridge br-phy with an address, in the chassis's own
// namespace), so geneve between the AZs runs in OVS userspace. Ready once the IC-SB lists both
// gateways and each AZ's SB knows the other's gateway as a remote chassis.
import { join } from 'node:path';
import { testRun } from './test-run.js';
import { run, waitFor } from './exec.js';
import type { Daemon } from './daemon.js';
import { createDb, startOvsdbServer } from './ovsdb-server.js';
import type { OvsdbServer } from './ovsdb-server.js';
import { IC_NB_SCHEMA, IC_SB_SCHEMA } from './ovn-schemas.js';
import { startOvn } from './ovn.js';
import type { OvnHandle } from './ovn.js';
import { startIcDaemon } from './ovn-ic.js';
import { startChassis } from './chassis.js';
import type { ChassisHandle } from './chassis.js';
import { vethPair } from './netns.js';
import { StopStack } from './stop-stack.js';

export interface Az {
  readonly index: 1 | 2;
  readonly name: string;
  readonly ovn: OvnHandle;
  readonly chassis: ChassisHandle;
  /** The running ovn-ic (replaced by startIc). */
  ic: Daemon;
}

export interface TwoAz {
  readonly icNb: OvsdbServer;
  /** Replaced by startIcSb. */
  icSb: OvsdbServer;
  readonly azs: readonly [Az, Az];
  icNbctl(args: readonly string[]): Promise<string>;
  icSbctl(args: readonly string[]): Promise<string>;
  stopIcSb(): Promise<void>;
  /** Starts the IC-SB again on its database file (same unix socket). */
  startIcSb(): Promise<void>;
  stopIc(az: Az): Promise<void>;
  startIc(az: Az): Promise<void>;
  stop(): Promise<void>;
}

export async function startTwoAz(): Promise<TwoAz> {
  const dir = testRun.tempDir('ic2az');
  const started = new StopStack('the two AZs');
  const track = (label: string, stop: () => Promise<void>): void => started.push(label, stop);
  const stopAll = (): Promise<void> => started.stopAll();
  try {
    await createDb(join(dir, 'ic-nb.db'), IC_NB_SCHEMA);
    await createDb(join(dir, 'ic-sb.db'), IC_SB_SCHEMA);
    const icNb = await startOvsdbServer({ name: 'ic-nb', dir, db: join(dir, 'ic-nb.db'), tcpPort: 0 });
    track('IC-NB', () => icNb.daemon.stop());
    let icSb = await startOvsdbServer({ name: 'ic-sb', dir, db: join(dir, 'ic-sb.db'), tcpPort: 0 });
    track('IC-SB', () => icSb.daemon.stop());
    const icNbctl = (args: readonly string[]): Promise<string> => run('ovn-ic-nbctl', [`--db=${icNb.unix}`, '--timeout=15', ...args]);
    const icSbctl = (args: readonly string[]): Promise<string> => run('ovn-ic-sbctl', [`--db=${icSb.unix}`, '--timeout=15', ...args]);

    const underlay = await vethPair({ up: false });
    track('underlay', () => underlay.delete());
    await run('ip', ['link', 'set', underlay.a, 'mtu', '9000']);
    await run('ip', ['link', 'set', underlay.b, 'mtu', '9000']);

    const azs: Az[] = [];
    for (const index of [1, 2] as const) {
      const name = `az${index}`;
      const ovn = await startOvn({ northd: true });
      track(`OVN ${name}`, () => ovn.stop());
      const icDir = testRun.tempDir(`ovn-ic-${name}`);
      const icOpts = { dir: icDir, azName: name, nbRemotes: ovn.nbRemotes, sbRemote: ovn.sb.unix, nbctl: (a: readonly string[]) => ovn.nbctl(a), icNb: icNb.unix, icSb: icSb.unix };
      const az: Az = { index, name, ovn, chassis: undefined as unknown as ChassisHandle, ic: undefined as unknown as Daemon };
      az.ic = await startIcDaemon({ ...icOpts, track: () => undefined });
      track(`ovn-ic ${name}`, () => az.ic.stop());
      const end = index === 1 ? underlay.a : underlay.b;
      const ip = `192.168.78.${index}`;
      const chassis = await startChassis({ sb: ovn.sb.unix, systemId: `${testRun.prefix}-${name}-gw`, encapIp: ip });
      track(`chassis ${name}`, () => chassis.stop());
      // The underlay after the start: ovn-controller sets up the tunnel once the encap IP routes,
      // and picks up ovn-is-interconn (the AZ's IC gateway) whenever it is set.
      const ns = chassis.netns.name;
      await run('ip', ['link', 'set', end, 'netns', ns]);
      await chassis.vsctl(['add-br', 'br-phy', '--', 'set', 'Bridge', 'br-phy', 'datapath_type=netdev', '--', 'add-port', 'br-phy', end, '--', 'set', 'Interface', 'br-phy', 'mtu_request=9000']);
      await run('ip', ['-n', ns, 'addr', 'add', `${ip}/24`, 'dev', 'br-phy']);
      await run('ip', ['-n', ns, 'link', 'set', 'br-phy', 'up']);
      await run('ip', ['-n', ns, 'link', 'set', end, 'up']);
      await chassis.vsctl(['set', 'Open_vSwitch', '.', 'external_ids:ovn-is-interconn=true']);
      (az as { chassis: ChassisHandle }).chassis = chassis;
      azs.push(az);
    }
    const [az1, az2] = azs as [Az, Az];
    await waitFor(
      'both gateways in the IC-SB',
      async () => ((await icSbctl(['--bare', '--columns=name', 'list', 'Gateway'])).split('\n').filter((l) => l.trim() !== '').length === 2 ? true : undefined),
      20_000,
      50,
    );
    for (const [a, b] of [[az1, az2], [az2, az1]] as const) {
      await waitFor(
        `${a.name} SB knows ${b.name}'s gateway`,
        async () => ((await a.ovn.sbctl(['--bare', '--columns=name', 'find', 'Chassis', `name=${b.chassis.systemId}`])).trim() !== '' ? true : undefined),
        20_000,
        50,
      );
    }
    const icOptsOf = (az: Az) => ({
      dir: testRun.tempDir(`ovn-ic-${az.name}`),
      azName: az.name,
      nbRemotes: az.ovn.nbRemotes,
      sbRemote: az.ovn.sb.unix,
      nbctl: (a: readonly string[]) => az.ovn.nbctl(a),
      icNb: icNb.unix,
      icSb: icSb.unix,
      track: () => undefined,
    });
    const unregister = testRun.onCleanup(`two AZs in ${dir}`, stopAll);
    const h: TwoAz = {
      icNb,
      get icSb() {
        return icSb;
      },
      azs: [az1, az2],
      icNbctl,
      icSbctl,
      stopIcSb: () => icSb.daemon.stop(),
      startIcSb: async () => {
        icSb = await startOvsdbServer(icSb.spec);
      },
      stopIc: (az) => az.ic.stop(),
      startIc: async (az) => {
        az.ic = await startIcDaemon(icOptsOf(az));
      },
      stop: unregister,
    };
    return h;
  } catch (e) {
    await stopAll().catch(() => undefined);
    throw e;
  }
}
