// bench/peering: peerings declared through hvnetd's socket API (both sides of each, every side a
// JSON-RPC call that hvnetd turns into a planned and guarded transaction), against the anchors
// making the same rows in the same run: ovsdbapp (what Neutron uses; one transaction per peering,
// both sides at once) and raw-limit.mjs in monitor mode (the ceiling for a client that keeps a
// cache).
//
// Fairness, as printed in the header of every run:
// - each tool at its best configuration, the requests it keeps in flight stated: ovsdbapp commits
//   synchronously (1 in flight, it cannot do more); raw-monitor pipelines a window of
//   transactions; hvnet pipelines requests on a few kept connections (bench/common/socket-client),
//   as a program integrating hvnet would. The same tools at ONE request in flight are measured
//   too, and the ratio at one in flight is printed beside the best one.
// - every tool starts cold: its process is started for the round, connects and syncs its cache
//   before the clock, and does no work before it. hvnet's networks are made beforehand by the
//   bench itself through lib/ovn, then a fresh hvnetd is started on that NB.
// - the tool order rotates each round; every run gets a fresh standalone NB
//   (bench/peers/setup-nb.sh), stopped by PID afterwards.
// - rows are compared, not counted: the anchors check theirs exactly (ovsdbapp in its IDL,
//   raw-limit.mjs against the workload); hvnet's are read back over a separate OVSDB connection
//   and compared field by field with the rows a peering must have (names, MAC, /32 networks,
//   peer, route prefix, next hop, output port, tags), and no router may hold anything else.
// - hvnetd's own CPU (/proc/PID/stat before and after) is printed apart from the client's, with
//   its main thread's share (the rest is V8's compiler and GC threads) and its CPU until it is idle
//   again (the work a burst defers: the status's index, the drift check, V8's last compiles).
//
// The floor (floor-relay.ts, floor-tool.ts): a REFERENCE row, not a peer tool and not hvnet. A relay
// process on hvnetd's socket protocol answers the same calls from the same clients with the
// transactions hvnetd sends for them, planned by lib/ovn before the clock, through lib/ovsdb with
// hvnetd's monitor and cache, and nothing else: what any daemon of this architecture pays. It is
// started cold like hvnetd, with its NODE_OPTIONS and V8 budget, and its rows are compared like
// hvnet's; its CPU is printed like hvnetd's, and hvnetd's CPU above it. Its variants
// (floor-inproc: no socket hop; floor-nomon: no monitor; floor-each: no group commit) run only
// when named in HVNET_BENCH_TOOLS. It needs `--order sides` (the default).
//
// Then the shell: one `hvnet network peer create` (the declaration that completes a pair: both
// sides' ports and routes in one transaction) against one `ovn-nbctl` invocation making the same
// rows, alternated, median wall time of each.
//
//   node dist/bench/peering/main.js [--rounds 3] [--peerings 1000] [--connections 4] [--window 16]
//                                   [--raw-window 64] [--shell 30] [--order sides|shuffled]
//   HVNET_BENCH_SMOKE=1: one round of 20 peerings and 3 shell runs, to prove it still works.
//   HVNET_BENCH_TOOLS=hvnet,raw-monitor,...: only these (the floor's variants only this way);
//   HVNET_BENCH_HVNETD_NODE_ARGS, HVNET_BENCH_FLOOR_NODE_ARGS: node flags for hvnetd, for the floor
//   relay (e.g. --cpu-prof --cpu-prof-dir=DIR to profile it during the run).
// First, as in hvnetd: the hvnet clients of this process run with hvnetd's V8 budget, and so do the
// raw client's processes (INTERRUPT_BUDGET_FLAG below): every Node process of the bench is tuned alike.
import { INTERRUPT_BUDGET_FLAG } from '../../agent/daemon/v8-tiering.js';
import { UNIT_NODE_OPTIONS } from '../../testbed/unit-node-options.js';
import { startBenchNb, stopBenchNb } from '../common/setup-nb.js';
import { PipelinedClient } from '../common/socket-client.js';
import { execFileSync, spawn } from 'node:child_process';
import net from 'node:net';
import { readFileSync, writeFileSync } from 'node:fs';
import { checkPeeringRows, cpuOf, declarations, makeNetworks, settle } from './workload.js';
import type { Order } from './workload.js';
import { daemonResult, sendAll, startCpuMeter } from './tool.js';
import type { Result, Tool } from './tool.js';
import { floorTool } from './floor-tool.js';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { OvnNetworks } from '../../lib/ovn/networks.js';
import { DaemonClient } from '../../agent/cli/client.js';
import { networkCreateMethod, peerCreateMethod } from '../../agent/api/networks.js';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const peers = join(repo, 'bench/peers');
const PY = process.env.PY ?? '/usr/bin/python3';
const smoke = process.env.HVNET_BENCH_SMOKE === '1';

function option(name: string, full: number, small: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : smoke ? small : full;
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} needs a whole number >= 1`);
  return v;
}

const rounds = option('rounds', 3, 1);
const N = option('peerings', 1000, 20);
const connections = option('connections', 4, 2);
const window = option('window', 16, 4);
const rawWindow = option('raw-window', 64, 8);
const shellRuns = option('shell', 30, 3);
const orderAt = process.argv.indexOf('--order');
const orderArg = orderAt >= 0 ? process.argv[orderAt + 1] : 'sides';
if (orderArg !== 'sides' && orderArg !== 'shuffled') throw new Error('--order is sides or shuffled');
const order: Order = orderArg;
const HVNETD = join(repo, 'dist/agent/bin/hvnetd.js');
// The CLI as installed: the package's bundled `hvnet` bin.
const HVNET = join(repo, 'dist/agent/hvnet-cli.cjs');

function jsonLine(text: string): Record<string, unknown> {
  const line = text.split('\n').filter((l) => l.startsWith('{')).pop();
  if (!line) throw new Error(`no JSON line in:\n${text}`);
  return JSON.parse(line) as Record<string, unknown>;
}

function anchor(name: string, cmd: string, args: (remote: string) => string[], round: number): Result {
  const nb = startBenchNb(['--peerings', String(N)]);
  try {
    const nbCpu0 = nb.pid === undefined ? NaN : cpuOf(nb.pid);
    const out = jsonLine(execFileSync(cmd, args(nb.remote), { encoding: 'utf8' }));
    // The server's side of the tool's work (its whole run: connect and cache fill included).
    const nbCpu = nb.pid === undefined ? NaN : cpuOf(nb.pid) - nbCpu0;
    // The rows themselves, exactly (and nothing else tagged), whatever the tool says of them.
    const verify = jsonLine(execFileSync(process.execPath, [join(peers, 'raw-limit.mjs'), 'verify', '--remote', nb.remote, '--n', String(N), '--strict'], { encoding: 'utf8' }));
    const ok = (out.errors ?? 0) === 0 && (out.rows_bad ?? 0) === 0 && verify.ok === true;
    return {
      tool: name,
      round,
      peerings_per_s: Number(out.peerings_per_s),
      client_cpu_s: Number(out.client_cpu_s),
      server_cpu_s: nbCpu,
      ok,
      note: `ovsdb-server CPU ${((nbCpu * 1000) / N).toFixed(3)} ms/peering over the tool's whole run; ` + (ok ? 'rows ok (verified strictly)' : `errors ${String(out.errors)}, bad rows ${String(out.rows_bad)}, verify ${JSON.stringify(verify).slice(0, 300)}`),
    };
  } finally {
    stopBenchNb(nb.dir);
  }
}

const ovsdbapp: Tool = {
  name: 'ovsdbapp',
  inFlight: 1,
  how: 'one transaction per peering, committed synchronously (its API waits for each commit)',
  run: (round) => Promise.resolve(anchor('ovsdbapp', PY, (remote) => [join(peers, 'ovsdbapp-each.py'), 'peer', '--remote', remote, '--n', String(N)], round)),
};

function rawMonitor(w: number): Tool {
  const name = w === 1 ? 'raw-monitor@1' : 'raw-monitor';
  return {
    name,
    inFlight: w,
    how: `one transaction per peering, ${w} in flight, routers by _uuid from its cache`,
    run: (round) =>
      Promise.resolve(
        anchor(
          name,
          process.execPath,
          (remote) => [INTERRUPT_BUDGET_FLAG, join(peers, 'raw-limit.mjs'), 'monitor', '--remote', remote, '--n', String(N), '--window', String(w), '--tool', name],
          round,
        ),
      ),
  };
}

interface Hvnetd {
  pid: number;
  socket: string;
  /** Writes hvnetd re-planned because a guard failed (another write got there first), so far. */
  conflicts(): Promise<number>;
  /** NB transactions sent for requests and the requests they carried (group commit), so far. */
  grouped(): Promise<{ transactions: number; requests: number }>;
  /** user+system CPU seconds of the daemon so far (from /proc). */
  cpu(): number;
  /** The same, of its main thread alone. */
  mainCpu(): number;
  stop(): Promise<void>;
}

/** hvnetd on the bench's NB, a direct child; stopped by its PID. Resolves once it serves the NB. */
async function startHvnetd(nbRemote: string, dir: string): Promise<Hvnetd> {
  const socket = join(dir, 'hvnet.sock');
  const config = join(dir, 'hvnet.yaml');
  const metricsPort = await freePort();
  writeFileSync(
    config,
    `host: { id: bench }\nlogLevel: warn\novn: { nb: { remotes: "${nbRemote}" } }\nlibvirt: { uri: "test:///default" }\napi: { socket: ${socket} }\n` +
      `metrics: { listen: "127.0.0.1:${metricsPort}" }\nstateDir: ${join(dir, 'state')}\n`,
  );
  const nodeArgs = (process.env.HVNET_BENCH_HVNETD_NODE_ARGS ?? '').split(' ').filter((a) => a !== '');
  const child = spawn(process.execPath, [...nodeArgs, HVNETD, '--config', config], {
    // stderr is dropped: the socket group of this test machine does not exist, which hvnetd warns about.
    stdio: ['ignore', 'ignore', 'ignore'],
    env: { ...process.env, NOTIFY_SOCKET: '', WATCHDOG_USEC: '', NODE_OPTIONS: UNIT_NODE_OPTIONS },
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error('bench/peering: hvnetd did not start');
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const d: Hvnetd = {
    pid,
    socket,
    conflicts: async () => {
      const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
      const m = /^hvnet_ovn_plan_retries_total\{reason="conflict"\} (\d+)/m.exec(text);
      return m ? Number(m[1]) : NaN;
    },
    grouped: async () => {
      const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
      const v = (name: string): number => Number(new RegExp(`^${name} (\\d+)`, 'm').exec(text)?.[1] ?? NaN);
      return { transactions: v('hvnet_ovn_group_transactions_total'), requests: v('hvnet_ovn_group_requests_total') };
    },
    cpu: () => cpuOf(pid),
    mainCpu: () => cpuOf(pid, `/proc/${pid}/task/${pid}/stat`),
    stop: async () => {
      process.kill(pid, 'SIGTERM');
      const t = setTimeout(() => process.kill(pid, 'SIGKILL'), 15_000);
      await exited;
      clearTimeout(t);
    },
  };
  const probe = new DaemonClient({ socket, timeoutMs: 2_000 });
  try {
    await until(async () => await probe.raw('network.list', {}).then(() => true, () => false), 30_000);
  } catch (e) {
    await d.stop();
    throw e;
  }
  return d;
}

/**
 * hvnet with `conns` kept connections and `perConn` requests in flight on each. The 2N networks
 * (pair p joins 2p and 2p+1) are made by the bench through lib/ovn before hvnetd starts, so the
 * daemon is as cold as the anchors' processes when the clock starts.
 */
function hvnetTool(conns: number, perConn: number): Tool {
  const name = conns * perConn === 1 ? 'hvnet@1' : 'hvnet';
  return {
    name,
    inFlight: conns * perConn,
    how: `two socket calls per peering (one per side, order: ${order}), ${conns} kept connection(s) x ${perConn} in flight; hvnetd combines the requests that arrive while 4 NB transactions are in flight into one (group commit)`,
    run: async (round) => {
      const nb = startBenchNb(['--networks', '2']);
      let daemon: Hvnetd | undefined;
      const clients: PipelinedClient[] = [];
      try {
        await makeNetworks(nb.remote, N);
        daemon = await startHvnetd(nb.remote, nb.dir);
        for (let c = 0; c < conns; c++) clients.push(await PipelinedClient.connect(daemon.socket));

        const decls = declarations(N, order);
        const conflicts0 = await daemon.conflicts();
        const grouped0 = await daemon.grouped();
        const d = daemon;
        const stopMeter = startCpuMeter(() => d.cpu(), () => d.mainCpu(), nb.pid);
        const t1 = performance.now();
        const { errors, firstError } = await sendAll(clients, perConn, decls);
        const elapsed = (performance.now() - t1) / 1000;
        const window = stopMeter();
        // What the peerings left for later (the status's index, the drift check after a quiet
        // moment, V8 finishing its compiles) is hvnetd's work for them too: counted until it idles.
        const settled = await settle(() => daemon?.cpu() ?? 0);
        const replans = (await daemon.conflicts()) - conflicts0;
        const grouped1 = await daemon.grouped();
        const perTxn = (grouped1.requests - grouped0.requests) / (grouped1.transactions - grouped0.transactions);
        for (const c of clients) c.close();
        return await daemonResult(
          {
            tool: name,
            round,
            peerings: N,
            elapsedS: elapsed,
            ...window,
            settledCpuS: settled,
            errors,
            firstError,
            notePrefix: `${replans} re-planned after a failed guard; ${perTxn.toFixed(1)} requests per NB transaction`,
          },
          () => checkPeeringRows(nb.remote, N),
        );
      } finally {
        for (const c of clients) c.close();
        await daemon?.stop();
        stopBenchNb(nb.dir);
      }
    },
  };
}

/**
 * One shell command each, alternated: `hvnet network peer create` completing a pair (side 1 is
 * declared beforehand through the socket) against one `ovn-nbctl` making the same rows on two
 * plain routers (two peer ports, two routes). Wall time of the whole process, as a script sees it.
 */
async function shell(): Promise<{ hvnet: number; nbctl: number; ok: boolean }> {
  const nb = startBenchNb(['--networks', '2']);
  let daemon: Hvnetd | undefined;
  let observer: OvnNetworks | undefined;
  try {
    daemon = await startHvnetd(nb.remote, nb.dir);
    const sock = daemon.socket;
    const c = new DaemonClient({ socket: sock, timeoutMs: 60_000 });
    const nbctl = (args: string[]): void => void execFileSync('ovn-nbctl', [`--db=${nb.remote}`, ...args], { encoding: 'utf8' });
    const lr = (i: number): string => `sh${i}-lr`;
    const gw = (i: number): string => `10.200.${i}.1`;
    const mac = (i: number): string => `00:16:3f:00:00:${i.toString(16).padStart(2, '0')}`;
    for (let k = 0; k < shellRuns; k++) {
      await c.call(networkCreateMethod, { name: `c${2 * k}`, config: { 'ipv4.address': `10.150.${2 * k}.1/24` } });
      await c.call(networkCreateMethod, { name: `c${2 * k + 1}`, config: { 'ipv4.address': `10.150.${2 * k + 1}.1/24` } });
      await c.call(peerCreateMethod, { network: `c${2 * k}`, name: `to-c${2 * k + 1}`, target: `c${2 * k + 1}` });
    }
    nbctl(Array.from({ length: 2 * shellRuns }, (_, i) => ['--', 'lr-add', lr(i)]).flat().slice(1));
    const times = { hvnet: [] as number[], nbctl: [] as number[] };
    for (let k = 0; k < shellRuns; k++) {
      const runHvnet = (): void => {
        const t = performance.now();
        execFileSync(process.execPath, [HVNET, '--socket', sock, 'network', 'peer', 'create', `c${2 * k + 1}`, `to-c${2 * k}`, `c${2 * k}`], { encoding: 'utf8' });
        times.hvnet.push(performance.now() - t);
      };
      const runNbctl = (): void => {
        const x = 2 * k;
        const y = x + 1;
        const px = `${lr(x)}-lrp-peer-${y}`;
        const py = `${lr(y)}-lrp-peer-${x}`;
        const t = performance.now();
        nbctl([
          'lrp-add', lr(x), px, mac(x), `${gw(x)}/32`, `peer=${py}`,
          '--', 'lrp-add', lr(y), py, mac(y), `${gw(y)}/32`, `peer=${px}`,
          '--', 'lr-route-add', lr(x), `10.200.${y}.0/24`, gw(y), px,
          '--', 'lr-route-add', lr(y), `10.200.${x}.0/24`, gw(x), py,
        ]);
        times.nbctl.push(performance.now() - t);
      };
      if (k % 2 === 0) {
        runHvnet();
        runNbctl();
      } else {
        runNbctl();
        runHvnet();
      }
    }
    observer = await OvnNetworks.open({ remotes: nb.remote }, { reconcile: false, checkSchema: false });
    const o = observer;
    let ok = true;
    for (let k = 0; k < shellRuns; k++) if (o.showPeering({ network: `c${2 * k + 1}`, name: `to-c${2 * k}` }).status !== 'created') ok = false;
    return { hvnet: median(times.hvnet), nbctl: median(times.nbctl), ok };
  } finally {
    await observer?.close();
    await daemon?.stop();
    stopBenchNb(nb.dir);
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('bench/peering: timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

const load = (): string => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const floors = order === 'sides' ? [floorTool('floor', N, order, connections, window)] : [];
const allTools: Tool[] = [ovsdbapp, rawMonitor(rawWindow), hvnetTool(connections, window), rawMonitor(1), hvnetTool(1, 1), ...floors];
// The floor's variants run only when named: each splits the floor once (the socket hop, the monitor, group commit).
const variants = (['floor-inproc', 'floor-nomon', 'floor-each'] as const).map((v) => floorTool(v, N, order, connections, window));
const only = process.env.HVNET_BENCH_TOOLS?.split(',');
const tools = only ? [...allTools, ...variants].filter((t) => only.includes(t.name)) : allTools;
console.log(`# bench/peering: ${new Date().toISOString()}, load ${load()}; rounds=${rounds} peerings=${N}${smoke ? ' (smoke)' : ''}`);
console.log('# every tool cold: its process started for the round, connected and synced before the clock, no warm-up; order rotated per round');
console.log(`# every Node process (hvnetd, its clients here, raw-monitor) runs with hvnetd's V8 budget ${INTERRUPT_BUDGET_FLAG}`);
for (const t of tools) console.log(`#   ${t.name.padEnd(14)} ${String(t.inFlight).padStart(3)} in flight: ${t.how}`);
const results: Result[] = [];
for (let round = 1; round <= rounds; round++) {
  // Rotate the order per round so no tool always runs first (cold page cache) or last.
  const order = tools.map((_, i) => tools[(i + round - 1) % tools.length] as Tool);
  for (const t of order) {
    const r = await t.run(round);
    const ms = (v: number | undefined): string => (((v ?? NaN) * 1000) / N).toFixed(3);
    const daemon =
      r.daemon_cpu_s === undefined
        ? ''
        : `; ${t.name.startsWith('floor') ? 'relay' : 'hvnetd'} CPU ${ms(r.daemon_cpu_s)} ms/peering (main thread ${ms(r.daemon_main_cpu_s)}; until idle ${ms(r.daemon_settled_cpu_s)})`;
    console.log(
      `round ${round} ${t.name}: ${r.peerings_per_s.toFixed(1)} peerings/s; client CPU ${((r.client_cpu_s * 1000) / N).toFixed(3)} ms/peering${daemon}; ${r.note}`,
    );
    results.push(r);
  }
}
const of = (t: string): Result[] => results.filter((r) => r.tool === t);
const rate = (t: string): number => median(of(t).map((r) => r.peerings_per_s));
const cpuMs = (t: string, f: (r: Result) => number | undefined): number => median(of(t).map((r) => ((f(r) ?? NaN) * 1000) / N));
console.log(`\nmedians of ${rounds} round(s), load ${load()}:`);
console.log('  tool            in flight  peerings/s  client CPU ms/peering  daemon CPU ms/peering (hvnetd; the floor: its relay)');
for (const t of tools) {
  const d = of(t.name)[0]?.daemon_cpu_s === undefined ? '' : cpuMs(t.name, (r) => r.daemon_cpu_s).toFixed(3).padStart(22);
  console.log(`  ${t.name.padEnd(15)} ${String(t.inFlight).padStart(9)}  ${rate(t.name).toFixed(1).padStart(10)}  ${cpuMs(t.name, (r) => r.client_cpu_s).toFixed(3).padStart(21)}${d}`);
}
const has = (...names: string[]): boolean => names.every((n) => tools.some((t) => t.name === n));
if (has('hvnet', 'raw-monitor')) {
  const hv = rate('hvnet');
  const one = has('hvnet@1', 'raw-monitor@1', 'ovsdbapp')
    ? `; at one in flight: ${(rate('hvnet@1') / rate('ovsdbapp')).toFixed(2)}x ovsdbapp, ${(rate('hvnet@1') / rate('raw-monitor@1')).toFixed(2)}x raw-monitor@1`
    : '';
  console.log(
    `hvnet (best: ${connections} connections x ${window}): ${has('ovsdbapp') ? `${(hv / rate('ovsdbapp')).toFixed(2)}x ovsdbapp (target >= 3), ` : ''}` +
      `${(hv / rate('raw-monitor')).toFixed(2)}x raw-monitor (target >= 0.5)${one}`,
  );
}
if (has('hvnet')) {
  console.log(`hvnetd's own CPU ${cpuMs('hvnet', (r) => r.daemon_cpu_s).toFixed(3)} ms per peering (target <= 0.5; 2 socket calls), its clients' ${cpuMs('hvnet', (r) => r.client_cpu_s).toFixed(3)} ms`);
  console.log(
    `  of it hvnetd's main thread ${cpuMs('hvnet', (r) => r.daemon_main_cpu_s).toFixed(3)} ms (the rest: V8's compiler and GC threads of a cold process); ` +
      `until hvnetd is idle again (the work it deferred) ${cpuMs('hvnet', (r) => r.daemon_settled_cpu_s).toFixed(3)} ms`,
  );
}
printFloor();

if (!only) {
  const sh = await shell();
  console.log(
    `\nshell, ${shellRuns} alternated runs, median wall time: hvnet network peer create ${sh.hvnet.toFixed(1)} ms, ` +
      `ovn-nbctl (same rows) ${sh.nbctl.toFixed(1)} ms (hvnet ${(sh.hvnet / sh.nbctl).toFixed(2)}x)${sh.ok ? '' : '; hvnet peerings NOT all created'}`,
  );
  if (!sh.ok) results.push({ tool: 'shell', round: 0, peerings_per_s: 0, client_cpu_s: 0, ok: false, note: '' });
}
const bad = results.filter((r) => !r.ok);
if (bad.length > 0) {
  console.error(`bench/peering: wrong rows or errors in ${bad.map((r) => `${r.tool} round ${r.round}`).join(', ')}`);
  process.exitCode = 1;
}

/**
 * The floor (floor-relay.ts): what any daemon of hvnetd's architecture pays per peering, beside
 * hvnetd, and what it leaves of goal 1. A reference, not a peer tool.
 */
function printFloor(): void {
  if (!has('floor')) return;
  const ms = (t: string, f: (r: Result) => number | undefined): string => cpuMs(t, f).toFixed(3);
  const raw = has('raw-monitor') ? rate('raw-monitor') : NaN;
  const vsRaw = (t: string): string => (has('raw-monitor') ? ` = ${(rate(t) / raw).toFixed(2)}x raw-monitor` : '');
  console.log(
    `floor (a reference, not hvnet: a relay serving the same calls with hvnetd's transactions prepared before the clock): ${rate('floor').toFixed(1)} peerings/s${vsRaw('floor')}` +
      (has('hvnet') ? `; hvnet ${rate('hvnet').toFixed(1)} peerings/s${vsRaw('hvnet')}` : ''),
  );
  console.log(
    `  the relay's own CPU ${ms('floor', (r) => r.daemon_cpu_s)} ms per peering (main thread ${ms('floor', (r) => r.daemon_main_cpu_s)}; until idle ${ms('floor', (r) => r.daemon_settled_cpu_s)}), its clients' ${ms('floor', (r) => r.client_cpu_s)} ms` +
      (has('hvnet') ? `; hvnetd's ${ms('hvnet', (r) => r.daemon_cpu_s)} ms (main thread ${ms('hvnet', (r) => r.daemon_main_cpu_s)})` : ''),
  );
  if (has('hvnet')) {
    const above = (f: (r: Result) => number | undefined): string => (cpuMs('hvnet', f) - cpuMs('floor', f)).toFixed(3);
    console.log(`hvnetd's work above the floor: ${above((r) => r.daemon_cpu_s)} ms per peering (main thread ${above((r) => r.daemon_main_cpu_s)} ms)`);
  }
  if (has('raw-monitor')) {
    const main = cpuMs('floor', (r) => r.daemon_main_cpu_s);
    console.log(
      `the ratio raw-monitor allows a daemon of this architecture: ${(rate('floor') / raw).toFixed(2)}x measured at the floor; ` +
        `${(1000 / main / raw).toFixed(2)}x if its one main thread did nothing but the floor's ${main.toFixed(3)} ms per peering (goal 1: >= 0.5)`,
    );
  }
  if (has('raw-monitor')) {
    // On cores that are all busy (2 here, shared by the tool, its clients and ovsdb-server) the rate
    // goes as the inverse of all the CPU a peering takes, whoever spends it.
    const floorAll = cpuMs('floor', (r) => (r.daemon_cpu_s ?? NaN) + r.client_cpu_s + (r.server_cpu_s ?? NaN));
    const rawAll = cpuMs('raw-monitor', (r) => r.client_cpu_s + (r.server_cpu_s ?? NaN));
    console.log(
      `  all the CPU a peering takes: at the floor ${floorAll.toFixed(3)} ms (relay, its clients, ovsdb-server), raw-monitor ${rawAll.toFixed(3)} ms ` +
        `(its client, ovsdb-server over its whole run, cache fill included): with every core busy a daemon at the floor reaches at most ${(rawAll / floorAll).toFixed(2)}x raw-monitor`,
    );
  }
  for (const v of ['floor-inproc', 'floor-nomon', 'floor-each']) {
    if (!has(v)) continue;
    // What the variant leaves out costs the floor minus the variant; floor-each adds the per-call transactions.
    const sign = v === 'floor-each' ? -1 : 1;
    const d = (f: (r: Result) => number | undefined): string => (sign * (cpuMs('floor', f) - cpuMs(v, f))).toFixed(3);
    const what = { 'floor-inproc': 'the socket hop', 'floor-nomon': 'the monitor and its cache', 'floor-each': 'one transaction per call instead of group commit' }[v];
    console.log(
      `  ${v}: ${rate(v).toFixed(1)} peerings/s${vsRaw(v)}; relay CPU ${ms(v, (r) => r.daemon_cpu_s)} ms (main thread ${ms(v, (r) => r.daemon_main_cpu_s)}): ` +
        `${what} costs ${d((r) => r.daemon_cpu_s)} ms per peering (main thread ${d((r) => r.daemon_main_cpu_s)})`,
    );
  }
}
