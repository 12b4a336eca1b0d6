// bench/scale: one hub network peered both ways with N spokes, as a new user would use it (one
// socket call at a time to an hvnetd on a fresh standalone NB), growing N step by step on the
// same hub. The question is whose cost grows with the number of peerings of one network: at each
// size it prints the hub-side `peer create` (the declaration that completes a pair) end to end
// beside the CPU it cost hvnetd and ovsdb-server, `network.peer.list` of the hub, `status`,
// hvnetd's RSS and the longest event-loop block inside hvnetd (prom-client's
// monitorEventLoopDelay gauge, scraped from /metrics; it resets on each scrape) and the load
// average when the size was done. At the end, the ratios of the largest size to the smallest:
// hvnetd's CPU per create (the goal: within 1.3x), ovsdb-server's, and the end-to-end latency;
// then hvnetd is restarted on the largest NB and its start's longest event-loop block printed.
//
// hvnetd is warmed first (a side pair peered and unpeered through the socket). Set-up is not
// timed and does not go through the socket: spokes are made by the bench's own
// lib/ovn client, both sides' declarations written in bulk, and the peer rows made by one
// reconcile, so a 5,000-spoke hub is ready in seconds. Only the last few spokes of each size are
// left for the measured hub-side creates. A create costs hvnetd a few ms, the same order as what a
// stray timer or a scavenge adds to one window, so each size takes --cycles samples: once the
// held-back spokes are all peered, the hub's side of one of them is deleted (not measured) and
// created again.
//
//   node dist/bench/scale/main.js [--sizes 10,100,500,1000,2000,5000] [--creates 8] [--cycles 24]
//   HVNET_BENCH_SMOKE=1: sizes 10 and 50, to prove it still works.
//   HVNET_BENCH_HVNETD_NODE_ARGS: node flags for hvnetd (e.g. "--trace-gc"; its stdout is then
//   passed through); HVNET_BENCH_PROF=DIR: a CPU profile of hvnetd in DIR.
//   HVNET_BENCH_SCALE_DETAIL=FILE: each measured create's window (monotonic clock, µs, as in a
//   .cpuprofile) and its CPU split by thread written to FILE as JSON, to cut a profile to them.
import { UNIT_NODE_OPTIONS } from '../../testbed/unit-node-options.js';
import { startBenchNb } from '../common/setup-nb.js';
import { execFileSync, spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { mutation, where } from '../../lib/ovsdb/operations.js';
import { map, uuid } from '../../lib/ovsdb/values.js';
import { peeringKey } from '../../lib/ovn/ids.js';
import { nb } from '../../lib/ovn/nb-operations.js';
import { OvnNetworks } from '../../lib/ovn/networks.js';
import { encodeDeclaration } from '../../lib/ovn/state.js';
import { DaemonClient } from '../../agent/cli/client.js';
import { statusMethod } from '../../agent/api/methods.js';
import { peerCreateMethod, peerDeleteMethod, peerListMethod } from '../../agent/api/networks.js';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const peers = join(repo, 'bench/peers');
const smoke = process.env.HVNET_BENCH_SMOKE === '1';
const HVNETD = join(repo, 'dist/agent/bin/hvnetd.js');

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const sizes = (arg('sizes') ?? (smoke ? '10,50' : '10,100,500,1000,2000,5000')).split(',').map(Number);
if (sizes.some((s) => !Number.isInteger(s) || s < 2) || sizes.some((s, i) => i > 0 && s <= (sizes[i - 1] as number))) {
  throw new Error('--sizes: increasing whole numbers >= 2');
}
const creates = Number(arg('creates') ?? (smoke ? 2 : 8));
const cycles = Math.max(creates, Number(arg('cycles') ?? (smoke ? 3 : 24)));
if (!Number.isInteger(creates) || creates < 1 || creates >= (sizes[0] as number) || !Number.isInteger(cycles)) {
  throw new Error('--creates: a whole number >= 1 and under the smallest size; --cycles: a whole number');
}
const repeats = smoke ? 2 : 3;
/** After each create: long enough for hvnetd's debounced work (reconciler, status summary) to run. */
const SETTLE_MS = Number(arg('settle') ?? 400);

function startNb(): { remote: string; dir: string; pid: number } {
  const nb = startBenchNb(['--networks', '2']);
  if (nb.pid === undefined) throw new Error('setup-nb.sh printed no NB_PID');
  return { remote: nb.remote, dir: nb.dir, pid: nb.pid };
}

/**
 * CPU seconds of a process so far, all its threads: the first field of each thread's schedstat
 * is its run time in nanoseconds. /proc/PID/stat counts 10 ms ticks, too coarse for a create
 * that costs a few milliseconds.
 */
function cpuOf(pid: number): number {
  let ns = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // a thread that ended between the listing and the read
    }
  }
  return ns / 1e9;
}

/** CPU ms of each thread by name (its comm and tid). */
function cpuByThread(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const comm = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
      out.set(`${comm}/${tid}`, Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]) / 1e6);
    } catch {
      // a thread that ended between the listing and the read
    }
  }
  return out;
}

/** CPU seconds of the main thread (its tid is the pid) and of all others. */
function cpuSplit(pid: number): { main: number; other: number } {
  const main = Number(readFileSync(`/proc/${pid}/task/${pid}/schedstat`, 'utf8').split(' ')[0]) / 1e9;
  return { main, other: cpuOf(pid) - main };
}

const nowUs = (): number => Number(process.hrtime.bigint() / 1000n);

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

function scrape(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/metrics', timeout: 120_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
    req.end();
  });
}

/** The longest event-loop delay (ms) hvnetd saw since the previous scrape. */
async function loopMaxMs(port: number): Promise<number> {
  const m = /^hvnetd_nodejs_eventloop_lag_max_seconds (\S+)$/m.exec(await scrape(port));
  return m ? Number(m[1]) * 1000 : NaN;
}

/** hvnetd's heap in use (MB), how many full collections it has run, and its loop's longest block (ms) since the last scrape. */
async function heapOf(port: number): Promise<{ usedMb: number; majors: number; loopMaxMs: number }> {
  const text = await scrape(port);
  const num = (re: RegExp): number => Number(re.exec(text)?.[1] ?? NaN);
  return {
    usedMb: num(/^hvnetd_nodejs_heap_size_used_bytes (\S+)$/m) / 2 ** 20,
    majors: num(/^hvnetd_nodejs_gc_duration_seconds_count\{kind="major"\} (\S+)$/m),
    loopMaxMs: num(/^hvnetd_nodejs_eventloop_lag_max_seconds (\S+)$/m) * 1000,
  };
}

/**
 * A set-up that grew hvnetd's heap by more than this (MB) is followed, within about half a
 * minute of hvnetd looking idle, by V8's memory reducer: up to three full collections of the
 * whole heap. They are the set-up's cost, so the creates are measured after them.
 */
const REDUCER_GROWTH_MB = 32;
const REDUCER_WAIT_MS = 120_000;
const REDUCER_GAP_MS = 20_000;

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

/** The mean of the values without the lowest and the highest tenth of them. */
function trimmedMean(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const cut = Math.floor(s.length / 10);
  const kept = s.slice(cut, s.length - cut);
  return kept.reduce((a, b) => a + b, 0) / kept.length;
}

/** The 1-, 5- and 15-minute load averages: the figures are only comparable at similar load. */
const loadavg = (): string => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Waits (at most 2 minutes) until the process has used under 5% of a core in each half second
 * for QUIET_MS in a row: longer than hvnetd's slowest periodic pass that follows NB changes (the
 * NIC service's, every 6 s by default), so the set-up's last work is not counted as a create's.
 */
const QUIET_MS = 8_000;
/** A profiled hvnetd's sampler alone takes a tenth of a core or more: quiet is then a higher rate. */
const QUIET_CPU_S = process.env.HVNET_BENCH_PROF ? 0.2 : 0.025;
async function quiet(p: number): Promise<void> {
  const deadline = Date.now() + 120_000;
  let since = Date.now();
  for (;;) {
    const c0 = cpuOf(p);
    await sleep(500);
    if (cpuOf(p) - c0 >= QUIET_CPU_S) since = Date.now();
    if (Date.now() - since >= QUIET_MS || Date.now() > deadline) return;
  }
}

async function runAll(n: number, width: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < n) await fn(next++);
  };
  await Promise.all(Array.from({ length: Math.min(width, n) }, worker));
}

const spoke = (i: number): string => `s${i}`;
const spokeCidr = (i: number): string => `10.${1 + (i >> 8)}.${i & 255}.1/24`;

const nbs = startNb();
const socket = join(nbs.dir, 'hvnet.sock');
const metricsPort = 20_000 + Math.floor(Math.random() * 20_000);
const config = join(nbs.dir, 'hvnet.yaml');
writeFileSync(
  config,
  `host: { id: bench }\nlogLevel: warn\novn: { nb: { remotes: "${nbs.remote}" } }\nlibvirt: { uri: "test:///default" }\n` +
    `api: { socket: ${socket} }\nstateDir: ${join(nbs.dir, 'state')}\nmetrics: { listen: "127.0.0.1:${metricsPort}" }\n`,
);
const nodeArgs = (process.env.HVNET_BENCH_HVNETD_NODE_ARGS ?? '').split(' ').filter((a) => a !== '');
const detailFile = process.env.HVNET_BENCH_SCALE_DETAIL;
const detail: { threads: Record<string, number>; size: number; j: number; startUs: number; endUs: number; cpuMs: number; mainMs: number; otherMs: number }[] = [];
function startHvnetd(): { pid: number; exited: Promise<void> } {
  const child = spawn(process.execPath, [...nodeArgs, ...(process.env.HVNET_BENCH_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.HVNET_BENCH_PROF}`] : []), HVNETD, '--config', config], {
    stdio: ['ignore', nodeArgs.length > 0 ? 'inherit' : 'ignore', 'inherit'],
    env: { ...process.env, NOTIFY_SOCKET: '', WATCHDOG_USEC: '', NODE_OPTIONS: UNIT_NODE_OPTIONS },
  });
  if (child.pid === undefined) throw new Error('bench/scale: hvnetd did not start');
  return { pid: child.pid, exited: new Promise<void>((resolve) => child.once('exit', () => resolve())) };
}

async function stopHvnetd(h: { pid: number; exited: Promise<void> }): Promise<void> {
  process.kill(h.pid, 'SIGTERM');
  const t = setTimeout(() => process.kill(h.pid, 'SIGKILL'), 15_000);
  await h.exited;
  clearTimeout(t);
}

async function answering(c: DaemonClient): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!(await c.raw('network.list', {}).then(() => true, () => false))) {
    if (Date.now() > deadline) throw new Error('bench/scale: hvnetd did not answer');
    await sleep(50);
  }
}

let hvnetd = startHvnetd();
// Stopped by a signal (a time limit, ^C): hvnetd and the NB this run started go with it, as
// they do when it ends.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    try {
      process.kill(hvnetd.pid, 'SIGTERM');
    } catch {
      // already gone
    }
    execFileSync('bash', [join(peers, 'setup-nb.sh'), 'stop', nbs.dir], { stdio: 'inherit' });
    process.exit(signal === 'SIGINT' ? 130 : 143);
  });
}
let pid = hvnetd.pid;
let lib: OvnNetworks | undefined;
let failed = false;
try {
  const c = new DaemonClient({ socket, timeoutMs: 300_000 });
  await answering(c);
  lib = await OvnNetworks.open({ remotes: nbs.remote }, { reconcile: false, checkSchema: false });
  const o = lib;
  await o.createNetwork({ name: 'hub', ipv4: '172.16.0.1/24' });
  const hubRouter = (): string => {
    const r = o.view.network('default', 'hub')?.router;
    if (!r) throw new Error('bench/scale: no hub router');
    return r._uuid;
  };

  // hvnetd's request path warmed (JIT) before the first size, so the smallest hub, to which the
  // others are compared, is not measured on cold code: a pair of side networks peered both ways
  // and unpeered again, through the socket.
  const warm = smoke ? 2 : 20;
  await o.createNetwork({ name: 'warm-a', ipv4: '172.17.0.1/24' });
  await o.createNetwork({ name: 'warm-b', ipv4: '172.17.1.1/24' });
  for (let k = 0; k < warm; k++) {
    await c.call(peerCreateMethod, { network: 'warm-a', name: 'w', target: 'warm-b' });
    await c.call(peerCreateMethod, { network: 'warm-b', name: 'w', target: 'warm-a' });
    await c.call(peerDeleteMethod, { network: 'warm-a', name: 'w' });
    await c.call(peerDeleteMethod, { network: 'warm-b', name: 'w' });
  }

  console.log(
    `# bench/scale: one hub, N spokes peered both ways, one socket call at a time${smoke ? ' (smoke)' : ''}; hvnetd warmed by ${warm} create/delete rounds of a side pair; load ${loadavg()}`,
  );
  console.log(
    `| spokes | hub-side peer create (median of ${cycles}) | hvnetd CPU / create (mean of the middle 80 %, idle taken off) | ovsdb-server CPU / create (median) | peer list of hub | status | hvnetd RSS | max event-loop block (measured calls) | max block (set-up) | load |`,
  );
  console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|');
  let made = 0;
  /** Per size: hvnetd CPU per create and latency, for the ratios printed at the end. */
  const perSize: { size: number; cpuMs: number; cpuMedianMs: number; cpuMeanMs: number; latMs: number; serverMs: number }[] = [];
  for (const size of sizes) {
    const tSetup = performance.now();
    const heapBefore = await heapOf(metricsPort);
    // Spokes made, each declaring the hub; the hub declares all but the last `creates`.
    // One at a time: concurrent creates contend for the next free id and, past a few thousand
    // networks, ran out of re-plans.
    await runAll(size - made, 1, async (k) => {
      const i = made + k;
      await o.createNetwork({ name: spoke(i), ipv4: spokeCidr(i) });
    });
    const spokeDecl = encodeDeclaration({ type: 'local', target: { project: 'default', network: 'hub' }, description: '', config: {} });
    const ops = [];
    const hubDecls: Record<string, string> = {};
    for (let i = made; i < size; i++) {
      const r = o.view.network('default', spoke(i))?.router;
      if (!r) throw new Error(`bench/scale: spoke ${i} not in the cache`);
      ops.push(nb.mutate('Logical_Router', [where('_uuid', '==', uuid(r._uuid))], [mutation('external_ids', 'insert', map({ [peeringKey('to-hub')]: spokeDecl }))]));
      if (i < size - creates) hubDecls[peeringKey(spoke(i))] = encodeDeclaration({ type: 'local', target: { project: 'default', network: spoke(i) }, description: '', config: {} });
    }
    // The spokes held back at the previous size are the hub's now too.
    for (let i = Math.max(0, made - creates); i < made; i++) {
      if (!o.view.network('default', 'hub')?.declarations.has(spoke(i))) hubDecls[peeringKey(spoke(i))] = encodeDeclaration({ type: 'local', target: { project: 'default', network: spoke(i) }, description: '', config: {} });
    }
    ops.push(nb.mutate('Logical_Router', [where('_uuid', '==', uuid(hubRouter()))], [mutation('external_ids', 'insert', map(hubDecls))]));
    await o.client.transact(ops);
    await o.reconcile();
    made = size;
    // Until hvnetd has done the set-up's work (repairs, status), so that it is neither in the
    // idle figure nor in front of the measured calls.
    await quiet(pid);
    const heapAfter = await heapOf(metricsPort);
    let setupBlock = heapAfter.loopMaxMs;
    const setupS = (performance.now() - tSetup) / 1000;
    // The set-up's burst leaves its garbage in the old generation (at 5,000 spokes the heap grew
    // from 62 to 186 MB with 76 MB live, no full collection: `--trace-gc`), and V8's memory reducer
    // collects it 25-35 s later, whenever hvnetd looks idle: measured, its three full collections
    // (100-150 ms of CPU with the helper threads) landed in two of the 24 windows, one of which the
    // trimmed mean kept. Not a create's cost, so the creates wait for it (at most 2 minutes).
    let reducer = '';
    if (heapAfter.usedMb - heapBefore.usedMb > REDUCER_GROWTH_MB) {
      const t0 = performance.now();
      let h = heapAfter;
      // Its collections come one after the other or, when hvnetd does not look idle, seconds
      // apart (17 s once): until it has run its three, or none more came for REDUCER_GAP_MS.
      let lastMajor = t0;
      let seen = heapAfter.majors;
      while (performance.now() - t0 < REDUCER_WAIT_MS) {
        // Not often: a scrape is work, and the reducer waits for hvnetd to look idle.
        await sleep(5000);
        h = await heapOf(metricsPort);
        setupBlock = Math.max(setupBlock, h.loopMaxMs);
        if (h.majors > seen) {
          seen = h.majors;
          lastMajor = performance.now();
        }
        if (h.majors - heapAfter.majors >= 3 || (h.majors > heapAfter.majors && performance.now() - lastMajor > REDUCER_GAP_MS)) break;
      }
      await quiet(pid);
      const settled = await heapOf(metricsPort);
      setupBlock = Math.max(setupBlock, settled.loopMaxMs);
      reducer =
        h.majors > heapAfter.majors
          ? `; heap ${heapAfter.usedMb.toFixed(0)} -> ${settled.usedMb.toFixed(0)} MB by ${settled.majors - heapAfter.majors} full collections of V8's memory reducer, waited ${((performance.now() - t0) / 1000).toFixed(0)} s`
          : `; no full collection within ${REDUCER_WAIT_MS / 1000} s`;
    }

    // Measured: the hub's declarations completing the last pairs, one at a time. Each create
    // follows a window in which nothing is asked of hvnetd (timers, link polls); the median of
    // those windows' CPU rates, times a create's window, is taken off, so the CPU per create is the
    // create's and what it set off. The median rather than each create's own window: a periodic
    // pass in one idle window would otherwise make its create look cheaper, even negative.
    const lat: number[] = [];
    /** Per create: hvnetd's CPU over the create and its settle time, and that time (ms). */
    const raw: { cpu: number; ms: number }[] = [];
    const idleRates: number[] = [];
    const sCpu: number[] = [];
    for (let j = 0; j < cycles; j++) {
      const i = size - creates + (j % creates);
      if (j >= creates) {
        const d = await c.call(peerDeleteMethod, { network: 'hub', name: spoke(i) });
        if (!('deleted' in d)) throw new Error(`bench/scale: hub -> ${spoke(i)} not deleted`);
        await sleep(SETTLE_MS);
      }
      const i0 = cpuOf(pid);
      const ti = performance.now();
      await sleep(SETTLE_MS);
      idleRates.push((cpuOf(pid) - i0) / (performance.now() - ti));
      // Marks in the output, between hvnetd's own lines (--trace-gc) as they come.
      if (detailFile) console.log(`# window ${size} ${j} start`);
      const d0 = cpuOf(pid);
      const split0 = cpuSplit(pid);
      const threads0 = detailFile ? cpuByThread(pid) : undefined;
      const u0 = nowUs();
      const s0 = cpuOf(nbs.pid);
      const t = performance.now();
      const r = await c.call(peerCreateMethod, { network: 'hub', name: spoke(i), target: spoke(i) });
      lat.push(performance.now() - t);
      await sleep(SETTLE_MS);
      raw.push({ cpu: cpuOf(pid) - d0, ms: performance.now() - t });
      sCpu.push(cpuOf(nbs.pid) - s0);
      if (detailFile) {
        const split1 = cpuSplit(pid);
        console.log(`# window ${size} ${j} end`);
        const threads: Record<string, number> = {};
        for (const [k, v] of cpuByThread(pid)) if (v - (threads0?.get(k) ?? 0) >= 0.05) threads[k] = Number((v - (threads0?.get(k) ?? 0)).toFixed(2));
        detail.push({ threads, size, j, startUs: u0, endUs: nowUs(), cpuMs: (raw[raw.length - 1] as { cpu: number }).cpu * 1000, mainMs: (split1.main - split0.main) * 1000, otherMs: (split1.other - split0.other) * 1000 });
      }
      if (!('status' in r) || r.status !== 'Created') throw new Error(`bench/scale: hub -> ${spoke(i)} is not Created`);
    }
    const idleRate = median(idleRates);
    const dCpu = raw.map((w) => w.cpu - idleRate * w.ms);
    const listMs: number[] = [];
    const statusMs: number[] = [];
    let listed = 0;
    let statusBytes = 0;
    for (let k = 0; k < repeats; k++) {
      let t = performance.now();
      const list = await c.call(peerListMethod, { network: 'hub' });
      listMs.push(performance.now() - t);
      listed = list.filter((p) => p.status === 'Created').length;
      t = performance.now();
      const st = await c.call(statusMethod, {});
      statusMs.push(performance.now() - t);
      statusBytes = JSON.stringify(st).length;
    }
    const block = await loopMaxMs(metricsPort);
    if (listed !== size) {
      failed = true;
      console.error(`bench/scale: ${listed} of the hub's ${size} peerings are Created`);
    }
    // CPU per create over the create and its settle time (the debounced work it causes). The
    // figure is the mean without the highest and lowest tenth: a young-generation collection
    // (1-3 ms with its helper threads) lands in about half the windows, so the median flips
    // between "with" and "without" from run to run while the mean shares it out; the two tails
    // go, as the first create after the bulk set-up and V8's idle-time full collections of the
    // heap (bench/README.md) land in one or two windows and would decide the plain mean.
    const ms = (s: number): string => `${(s * 1000).toFixed(1)} ms`;
    const cpu = { trimmed: trimmedMean(dCpu), median: median(dCpu), mean: dCpu.reduce((a, b) => a + b, 0) / dCpu.length };
    const serverPerCreate = median(sCpu);
    perSize.push({ size, cpuMs: cpu.trimmed * 1000, cpuMedianMs: cpu.median * 1000, cpuMeanMs: cpu.mean * 1000, latMs: median(lat), serverMs: serverPerCreate * 1000 });
    console.log(
      `| ${size} | ${median(lat).toFixed(1)} ms | ${ms(cpu.trimmed)} (median ${ms(cpu.median)}, mean ${ms(cpu.mean)}; idle ${ms(idleRate * SETTLE_MS)} per ${SETTLE_MS} ms) | ${ms(serverPerCreate)} | ` +
        `${median(listMs).toFixed(1)} ms | ${median(statusMs).toFixed(1)} ms (${(statusBytes / 1024).toFixed(0)} KiB) | ${rssMb(pid).toFixed(0)} MB | ${block.toFixed(0)} ms | ${setupBlock.toFixed(0)} ms (set-up ${setupS.toFixed(1)} s${reducer}) | ${loadavg()} |`,
    );
  }
  const first = perSize[0];
  const last = perSize[perSize.length - 1];
  if (first && last && last !== first) {
    // The goal is hvnetd's CPU per create flat (within 1.3x) from the smallest hub to the largest.
    const r = (a: number, b: number): string => (b > 0 ? `${(a / b).toFixed(2)}x` : 'n/a');
    console.log(
      `${last.size} vs ${first.size} spokes: hvnetd CPU / create ${r(last.cpuMs, first.cpuMs)} (median ${r(last.cpuMedianMs, first.cpuMedianMs)}, mean ${r(last.cpuMeanMs, first.cpuMeanMs)}), ` +
        `ovsdb-server CPU / create ${r(last.serverMs, first.serverMs)}, ` +
        `end-to-end create ${r(last.latMs, first.latMs)} (goal for hvnetd's CPU: <= 1.30x)`,
    );
  }
  // hvnetd started on the largest NB, as after a reboot or an upgrade: its first monitor reply
  // holds every row, and the views and the status index are built from it. The longest block is
  // the first scrape's (the gauge holds the longest since hvnetd's metrics started, before it
  // connects to the NB); the status index builds in slices after it answers, so it is scraped
  // once hvnetd is quiet.
  await stopHvnetd(hvnetd);
  hvnetd = startHvnetd();
  pid = hvnetd.pid;
  const tStart = performance.now();
  await answering(c);
  const answerS = (performance.now() - tStart) / 1000;
  await quiet(pid);
  const startBlock = await loopMaxMs(metricsPort);
  const hubPeerings = (await c.call(peerListMethod, { network: 'hub' })).filter((p) => p.status === 'Created').length;
  if (hubPeerings !== sizes[sizes.length - 1]) {
    failed = true;
    console.error(`bench/scale: after the restart ${hubPeerings} of the hub's peerings are Created`);
  }
  console.log(
    `hvnetd restarted on the ${sizes[sizes.length - 1]}-spoke NB: answering after ${answerS.toFixed(1)} s, quiet after ${((performance.now() - tStart) / 1000).toFixed(1)} s; ` +
      `longest event-loop block ${startBlock.toFixed(0)} ms (goal: no block over 100 ms); hub peerings Created ${hubPeerings}; RSS ${rssMb(pid).toFixed(0)} MB`,
  );
  console.log(`load after: ${loadavg()}`);
  if (detailFile) writeFileSync(detailFile, JSON.stringify(detail));
} finally {
  await lib?.close();
  await stopHvnetd(hvnetd);
  execFileSync('bash', [join(peers, 'setup-nb.sh'), 'stop', nbs.dir], { stdio: 'inherit' });
}
if (failed) process.exitCode = 1;
