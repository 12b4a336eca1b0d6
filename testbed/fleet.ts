// A fleet on one machine (docs/fleet.md): one OVN control plane (fleet-central.ts), hvnet-controller,
// and hosts hv1..hvN. A host is its own chassis — ovsdb-server, a netdev ovs-vswitchd with an
// underlay bridge and tunnel address (geneve between chassis), ovn-controller — and its own hvnetd
// (made by scripts/provision/hypervisor.sh --root, through fleet-host-config.ts: config, socket,
// state dir, host id hvK). hv1's ovs-vswitchd runs in the root namespace (libvirt's taps are
// there; root-ovs.ts), the others' each in a namespace of their own. ovn-controller and hvnetd
// run in the root namespace and reach their ovs-vswitchd, the NB and the SB over unix sockets or
// loopback.
import type { HostStatus } from '../agent/api/status.js';
import { startChassis, type ChassisHandle } from './chassis.js';
import type { Daemon } from './daemon.js';
import { waitFor } from './exec.js';
import { startFleetCentral, type FleetCentral } from './fleet-central.js';
import { hvnetCli, startFleetController, startFleetHvnetd, type CliResult, type FleetController } from './fleet-agents.js';
import { provisionFleetHost, type FleetLibvirt } from './fleet-host-config.js';
import { startUnderlay, type Underlay } from './fleet-underlay.js';
import { netns } from './netns.js';
import { testRun } from './test-run.js';
import { StopStack } from './stop-stack.js';

export type { FleetLibvirt } from './fleet-host-config.js';

export interface FleetOptions {
  /** Number of hosts (≥ 1). */
  hosts: number;
  /** libvirt of host K (1-based); default: none (network-only nodes). */
  libvirt?: (k: number) => FleetLibvirt;
  /** Required networks of host K (health.requiredNetworks). */
  requiredNetworks?: (k: number) => readonly string[];
  /** The hosts' report heartbeat (default 2 s). */
  heartbeatSeconds?: number;
  /** hv1's ovs-vswitchd in the root namespace (default true; hold the root-ovs lock). */
  hv1InRoot?: boolean;
  /** Third byte of the underlay's 169.254.S.0/24 (default 77). */
  underlaySubnet?: number;
}

export interface FleetHost {
  /** 1-based. */
  readonly index: number;
  /** hvK: the host id and the chassis name. */
  readonly id: string;
  readonly dir: string;
  readonly socket: string;
  readonly configFile: string;
  readonly chassis: ChassisHandle;
  /** undefined while stopped. */
  readonly hvnetd: Daemon | undefined;
  cli(args: readonly string[]): Promise<CliResult>;
  /** `hvnet --format json ARGS`, parsed; rejects with the CLI's stderr on a non-zero exit. */
  json<T>(args: readonly string[]): Promise<T>;
  status(): Promise<HostStatus>;
  /** Stops this host's hvnetd and ovn-controller (SIGTERM: its Chassis stays in the SB, as when a host goes down). */
  stopAgents(): Promise<void>;
  /** Starts them again, same config and state. */
  startAgents(): Promise<void>;
}

export interface ControllerHosts {
  hosts: { host: string; state: string; receivedAt: string }[];
  macConflicts: { mac: string; hosts: string[] }[];
}

export interface Fleet {
  readonly central: FleetCentral;
  readonly controller: FleetController;
  readonly underlay: Underlay;
  readonly hosts: readonly FleetHost[];
  host(k: number): FleetHost;
  /** Every process of the fleet that runs now. */
  pids(): number[];
  stop(): Promise<void>;
}

export async function startFleet(opts: FleetOptions): Promise<Fleet> {
  const n = opts.hosts;
  if (!Number.isInteger(n) || n < 1 || n > 9) throw new Error(`startFleet: hosts ${n}: 1..9`);
  const hv1InRoot = opts.hv1InRoot ?? true;
  const stack = new StopStack('the fleet');
  const stopAll = (): Promise<void> => stack.stopAll();
  try {
    const central = await startFleetCentral({ clustered: n >= 2 });
    stack.push('OVN central', () => central.stop());
    const ids = Array.from({ length: n }, (_, i) => `hv${i + 1}`);
    const controller = await startFleetController(testRun.tempDir('fleet-controller'), ids);
    stack.push('hvnet-controller', () => controller.daemon.stop());
    const underlay = await startUnderlay(opts.underlaySubnet ?? 77);
    stack.push('underlay', () => underlay.ns.delete());

    const hosts: FleetHost[] = [];
    for (let k = 1; k <= n; k += 1) {
      const h = await startHost(k, { ...opts, hv1InRoot }, central, controller, underlay);
      stack.push(h.host.id, () => h.stopAll());
      hosts.push(h.host);
    }
    const unregister = testRun.onCleanup(`fleet of ${n}`, stopAll);
    return {
      central,
      controller,
      underlay,
      hosts,
      host: (k) => {
        const h = hosts[k - 1];
        if (!h) throw new Error(`no host hv${k} in a fleet of ${n}`);
        return h;
      },
      pids: () => [
        ...central.pids(),
        ...(controller.daemon.hasExited ? [] : [controller.daemon.pid]),
        ...hosts.flatMap((h) => [...h.chassis.pids(), ...(h.hvnetd && !h.hvnetd.hasExited ? [h.hvnetd.pid] : [])]),
      ],
      stop: unregister,
    };
  } catch (e) {
    await stopAll().catch(() => undefined);
    throw e;
  }
}

async function startHost(
  k: number,
  opts: FleetOptions & { hv1InRoot: boolean },
  central: FleetCentral,
  controller: FleetController,
  underlay: Underlay,
): Promise<{ host: FleetHost; stopAll: () => Promise<void> }> {
  const id = `hv${k}`;
  const dir = testRun.tempDir(`fleet-${id}`);
  const inRoot = k === 1 && opts.hv1InRoot;
  const stack = new StopStack(`host ${id}`);
  const stopAll = (): Promise<void> => stack.stopAll();
  try {
    const ns = inRoot ? undefined : await netns(`h${k}`);
    if (ns) stack.push(`netns ${ns.name}`, () => ns.delete());
    const wire = await underlay.attach(k, ns);
    // In the root namespace the bridges' taps carry the run's prefix, beside the machine's links.
    const base = inRoot ? testRun.nextName() : '';
    const chassis = await startChassis({
      sb: central.sb.unixRemotes,
      systemId: id,
      vswitchdNetns: inRoot ? 'root' : (ns ?? 'private'),
      intBridge: inRoot ? `${base}i` : 'br-int',
      underlay: { port: wire.port, cidr: wire.cidr, bridge: inRoot ? `${base}p` : 'br-phy' },
    });
    stack.push('chassis', () => chassis.stop());

    const { configFile, socket } = await provisionFleetHost({
      id,
      dir,
      nbRemotes: central.nb.tcpRemotes,
      sbRemotes: central.sb.tcpRemotes,
      controller: { url: controller.url, tokenFile: controller.tokenFileOf(id), intervalSeconds: opts.heartbeatSeconds ?? 2 },
      libvirt: opts.libvirt?.(k) ?? { kind: 'none' },
      requiredNetworks: opts.requiredNetworks?.(k) ?? [],
    });
    let hvnetd: Daemon | undefined = await startFleetHvnetd({ id, dir, configFile, socket });
    stack.push('hvnetd', async () => {
      await hvnetd?.stop();
    });

    const cli = (args: readonly string[]): Promise<CliResult> => hvnetCli(socket, args);
    const json = async <T>(args: readonly string[]): Promise<T> => {
      const r = await cli(['--format', 'json', ...args]);
      if (r.code !== 0) throw new Error(`${id}: hvnet ${args.join(' ')} exited ${r.code}: ${r.stderr.trim()}`);
      return JSON.parse(r.stdout) as T;
    };
    const host: FleetHost = {
      index: k,
      id,
      dir,
      socket,
      configFile,
      chassis,
      get hvnetd() {
        return hvnetd;
      },
      cli,
      json,
      status: async () => (await json<{ status: HostStatus }>(['status'])).status,
      stopAgents: async () => {
        const d = hvnetd;
        hvnetd = undefined;
        await d?.stop();
        await chassis.stopController();
      },
      startAgents: async () => {
        await chassis.startController();
        if (!hvnetd || hvnetd.hasExited) hvnetd = await startFleetHvnetd({ id, dir, configFile, socket });
      },
    };
    return { host, stopAll };
  } catch (e) {
    await stopAll().catch(() => undefined);
    throw e;
  }
}

/** Waits until the controller has a report from every host of the fleet. */
export async function waitForReports(fleet: Fleet, timeoutMs = 20_000): Promise<ControllerHosts> {
  const want = fleet.hosts.map((h) => h.id).sort();
  return waitFor(
    `reports from ${want.join(', ')}`,
    async () => {
      const r = await fleet.controller.get<ControllerHosts>('/v1/hosts').catch(() => undefined);
      return r && want.every((id) => r.hosts.some((x) => x.host === id)) ? r : undefined;
    },
    timeoutMs,
    200,
  );
}
