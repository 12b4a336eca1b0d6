// bench/peering: peerings declared through hvnetd's socket API (both sides, each a JSON-RPC call
// that hvnetd turns into a planned and guarded transaction, several clients at once), against the
// anchors making the same rows in the same run: ovsdbapp (what Neutron uses; one transaction per
// peering, both sides at once) and raw-limit.mjs in monitor mode (the ceiling for a client that
// keeps a cache). Each tool gets a fresh standalone Northbound from bench/peers/setup-nb.sh (no
// northd); hvnet's round starts its own hvnetd on it and stops it by PID afterwards. Three
// interleaved rounds with a rotating order, medians.
//
// hvnet does more per peering than the anchors, by design: two declarations (one per side, as
// Incus), each a socket call, guarded by `wait`s and planned from the daemon's cache, and its
// networks are its own (created through the API before the clock starts). Its rows are checked
// after each round.
//
// Then the shell: one `hvnet network peer create` (the declaration that completes a pair: both
// sides' ports and routes in one transaction) against one `ovn-nbctl` invocation making the same
// rows, alternated, median wall time of each.
//
//   node dist/bench/peering/main.js [--rounds 3] [--peerings 1000] [--clients 3] [--window 16] [--shell 30]
//   HVNET_BENCH_SMOKE=1: one round of 20 peerings and 3 shell runs, to prove it still works.
import { startBenchNb, stopBenchNb } from '../common/setup-nb.js';
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
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
const clients = option('clients', 3, 2);
const window = option('window', 16, 4);
const shellRuns = option('shell', 30, 3);
const HVNETD = join(repo, 'dist/agent/bin/hvnetd.js');
// The CLI as installed: the package's bundled `hvnet` bin.
const HVNET = join(repo, 'dist/agent/hvnet-cli.cjs');

interface Result {
  tool: string;
  round: number;
  peerings_per_s: number;
  client_cpu_s?: number;
  ok: boolean;
  note?: string;
}

function startNb(args: string[]): { remote: string; dir: string } {
  return startBenchNb(args);
}

function stopNb(dir: string): void {
  stopBenchNb(dir);
}

function jsonLine(text: string): Record<string, unknown> {
  const line = text.split('\n').filter((l) => l.startsWith('{')).pop();
  if (!line) throw new Error(`no JSON line in:\n${text}`);
  return JSON.parse(line) as Record<string, unknown>;
}

function anchor(tool: 'ovsdbapp' | 'raw-monitor', round: number): Result {
  const nb = startNb(['--peerings', String(N)]);
  try {
    const [cmd, args] =
      tool === 'ovsdbapp'
        ? [PY, [join(peers, 'ovsdbapp-each.py'), 'peer', '--remote', nb.remote, '--n', String(N)]]
        : [process.execPath, [join(peers, 'raw-limit.mjs'), 'monitor', '--remote', nb.remote, '--n', String(N), '--tool', 'raw-monitor']];
    const out = jsonLine(execFileSync(cmd, args, { encoding: 'utf8' }));
    const ok = (out.errors ?? 0) === 0 && (out.rows_bad ?? 0) === 0;
    return { tool, round, peerings_per_s: Number(out.peerings_per_s), client_cpu_s: Number(out.client_cpu_s), ok };
  } finally {
    stopNb(nb.dir);
  }
}

interface Hvnetd {
  pid: number;
  socket: string;
  /** user+system CPU seconds of the daemon so far (from /proc). */
  cpu(): number;
  stop(): Promise<void>;
}

/** hvnetd on the bench's NB, a direct child; stopped by its PID. */
async function startHvnetd(nbRemote: string, dir: string): Promise<Hvnetd> {
  const socket = join(dir, 'hvnet.sock');
  const config = join(dir, 'hvnet.yaml');
  writeFileSync(
    config,
    `host: { id: bench }\nlogLevel: warn\novn: { nb: { remotes: "${nbRemote}" } }\nlibvirt: { uri: "test:///default" }\napi: { socket: ${socket} }\nstateDir: ${join(dir, 'state')}\n`,
  );
  const child = spawn(process.execPath, [HVNETD, '--config', config], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, NOTIFY_SOCKET: '', WATCHDOG_USEC: '' },
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error('bench/peering: hvnetd did not start');
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const d: Hvnetd = {
    pid,
    socket,
    cpu: () => {
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      return (Number(f[11]) + Number(f[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
    },
    stop: async () => {
      process.kill(pid, 'SIGTERM');
      const t = setTimeout(() => process.kill(pid, 'SIGKILL'), 15_000);
      await exited;
      clearTimeout(t);
    },
  };
  const probe = new DaemonClient({ socket, timeoutMs: 2_000 });
  try {
    await until(async () => (await probe.raw('network.list', {}).then(() => true, () => false)), 30_000);
  } catch (e) {
    await d.stop();
    throw e;
  }
  return d;
}

async function hvnet(round: number): Promise<Result> {
  // setup-nb.sh always inserts some networks of its own; two lean ones are harmless here.
  const nb = startNb(['--networks', '2']);
  let daemon: Hvnetd | undefined;
  let observer: OvnNetworks | undefined;
  try {
    daemon = await startHvnetd(nb.remote, nb.dir);
    const sock = daemon.socket;
    const socketClients = Array.from({ length: clients }, () => new DaemonClient({ socket: sock, timeoutMs: 120_000 }));
    const client = (i: number): DaemonClient => socketClients[i % clients] as DaemonClient;
    const name = (i: number): string => `n${i}`;
    // The networks (not timed): 2N, pair p joins 2p and 2p+1.
    const t0 = performance.now();
    await runAll(2 * N, clients * window, async (i) => {
      const a = i % 256;
      const b = i >> 8;
      await client(i).call(networkCreateMethod, { name: name(i), config: { 'ipv4.address': `10.${100 + b}.${a}.1/24` } });
    });
    const netS = (performance.now() - t0) / 1000;

    // Both declarations of every peering, shuffled, spread over the clients.
    const decls = Array.from({ length: 2 * N }, (_, k) => {
      const p = k >> 1;
      const [x, y] = k % 2 === 0 ? [2 * p, 2 * p + 1] : [2 * p + 1, 2 * p];
      return { network: name(x), name: `to-${name(y)}`, target: name(y) };
    });
    for (let i = decls.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [decls[i], decls[j]] = [decls[j] as (typeof decls)[number], decls[i] as (typeof decls)[number]];
    }
    const cpu0 = process.cpuUsage();
    const dcpu0 = daemon.cpu();
    const t1 = performance.now();
    await runAll(decls.length, clients * window, async (k) => {
      await client(k).call(peerCreateMethod, decls[k] as (typeof decls)[number]);
    });
    const elapsed = (performance.now() - t1) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const daemonCpu = daemon.cpu() - dcpu0;

    // Check, from a cache of our own: every peering created, and exactly the rows of N pairs.
    observer = await OvnNetworks.open({ remotes: nb.remote }, { reconcile: false, checkSchema: false });
    const o = observer;
    await until(() => decls.every((d) => o.showPeering(d).status === 'created'));
    const view = o.view;
    let ports = 0;
    let routes = 0;
    for (const n of view.networks()) {
      if (!n.router) continue;
      ports += view.peerPorts(n.router).length;
      routes += view.peerRoutes(n.router).length;
    }
    const p0 = view.networks().find((n) => n.name === name(0));
    const ok = ports === 2 * N && routes === 2 * N && p0?.router?.ports.length === 2;
    const rate = N / elapsed;
    console.log(
      `round ${round} hvnet: ${N} peerings (${2 * N} socket calls, ${clients} clients x window ${window}) in ${elapsed.toFixed(2)} s = ` +
        `${rate.toFixed(1)}/s; hvnetd CPU ${((daemonCpu * 1000) / N).toFixed(2)} ms per peering; networks ${(2 * N / netS).toFixed(0)}/s; ` +
        `rows ${ok ? 'ok' : `WRONG (ports ${ports}, routes ${routes})`}`,
    );
    return { tool: 'hvnet', round, peerings_per_s: rate, client_cpu_s: daemonCpu + (cpu.user + cpu.system) / 1e6, ok };
  } finally {
    await observer?.close();
    await daemon?.stop();
    stopNb(nb.dir);
  }
}

/**
 * One shell command each, alternated: `hvnet network peer create` completing a pair (side 1 is
 * declared beforehand through the socket) against one `ovn-nbctl` making the same rows on two
 * plain routers (two peer ports, two routes). Wall time of the whole process, as a script sees it.
 */
async function shell(): Promise<{ hvnet: number; nbctl: number; ok: boolean }> {
  const nb = startNb(['--networks', '2']);
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
    stopNb(nb.dir);
  }
}

async function runAll(n: number, width: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < n) await fn(next++);
  };
  await Promise.all(Array.from({ length: Math.min(width, n) }, worker));
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('bench/peering: the caches did not converge');
    await new Promise((r) => setTimeout(r, 20));
  }
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

const results: Result[] = [];
console.log(`# bench/peering: rounds=${rounds} peerings=${N} clients=${clients} window=${window}${smoke ? ' (smoke)' : ''}`);
const tools = ['ovsdbapp', 'raw-monitor', 'hvnet'] as const;
for (let round = 1; round <= rounds; round++) {
  // Rotate the order per round so no tool always runs first (cold caches) or last.
  const order = tools.map((_, i) => tools[(i + round - 1) % tools.length] as (typeof tools)[number]);
  for (const t of order) {
    const r = t === 'hvnet' ? await hvnet(round) : anchor(t, round);
    if (t !== 'hvnet') console.log(`round ${round} ${t}: ${r.peerings_per_s.toFixed(1)} peerings/s${r.ok ? '' : ' (ERRORS or bad rows)'}`);
    results.push(r);
  }
}
const rate = (t: string): number => median(results.filter((r) => r.tool === t).map((r) => r.peerings_per_s));
console.log('\nmedians (peerings/s):');
for (const t of tools) console.log(`  ${t.padEnd(12)} ${rate(t).toFixed(1)}`);
const hv = rate('hvnet');
const cpuMs = median(results.filter((r) => r.tool === 'hvnet').map((r) => ((r.client_cpu_s ?? NaN) * 1000) / N));
console.log(`hvnet: ${(hv / rate('ovsdbapp')).toFixed(2)}x ovsdbapp (target >= 1.0x), ${(hv / rate('raw-monitor')).toFixed(2)}x raw-monitor; hvnetd + client CPU ${cpuMs.toFixed(3)} ms per peering (2 socket calls)`);

const sh = await shell();
console.log(
  `\nshell, ${shellRuns} alternated runs, median wall time: hvnet network peer create ${sh.hvnet.toFixed(1)} ms, ` +
    `ovn-nbctl (same rows) ${sh.nbctl.toFixed(1)} ms (hvnet ${(sh.hvnet / sh.nbctl).toFixed(2)}x)${sh.ok ? '' : '; hvnet peerings NOT all created'}`,
);
if (!sh.ok) results.push({ tool: 'shell', round: 0, peerings_per_s: 0, ok: false });
const bad = results.filter((r) => !r.ok);
if (bad.length > 0) {
  console.error(`bench/peering: wrong rows or errors in ${bad.map((r) => `${r.tool} round ${r.round}`).join(', ')}`);
  process.exitCode = 1;
}
