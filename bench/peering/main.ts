// bench/peering: peerings declared through lib/ovn's API (both sides, each a planned and guarded
// transaction, several clients at once), against the anchors making the same rows in the same
// run: ovsdbapp (what Neutron uses; one transaction per peering, both sides at once) and
// raw-limit.mjs in monitor mode (the ceiling for a client that keeps a cache). Each tool gets a
// fresh standalone Northbound from bench/peers/setup-nb.sh (no northd), three interleaved rounds
// with a rotating order, medians.
//
// hvnet does more per peering than the anchors, by design: two declarations (one per side, as
// Incus), each guarded by `wait`s and planned from the cache, and its networks are its own
// (created through the API before the clock starts). Its rows are checked after each round.
//
//   node dist/bench/peering/main.js [--rounds 3] [--peerings 1000] [--clients 3] [--window 16]
//   HVNET_BENCH_SMOKE=1: one round of 20 peerings, to prove it still works.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { OvnNetworks } from '../../lib/ovn/networks.js';

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

interface Result {
  tool: string;
  round: number;
  peerings_per_s: number;
  client_cpu_s?: number;
  ok: boolean;
  note?: string;
}

function startNb(args: string[]): { remote: string; dir: string } {
  const text = execFileSync('bash', [join(peers, 'setup-nb.sh'), 'start', ...args], { encoding: 'utf8' });
  const vars = Object.fromEntries(
    text
      .split('\n')
      .map((l) => /^([A-Z_]+)=(\S+)$/.exec(l.trim()))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => [m[1], m[2]]),
  ) as Record<string, string>;
  if (!vars.NB_UNIX || !vars.BENCH_DIR) throw new Error(`setup-nb.sh printed no NB_UNIX/BENCH_DIR:\n${text}`);
  return { remote: vars.NB_UNIX, dir: vars.BENCH_DIR };
}

function stopNb(dir: string): void {
  execFileSync('bash', [join(peers, 'setup-nb.sh'), 'stop', dir], { stdio: 'inherit' });
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

async function hvnet(round: number): Promise<Result> {
  // setup-nb.sh always inserts some networks of its own; two lean ones are harmless here.
  const nb = startNb(['--networks', '2']);
  const agents: OvnNetworks[] = [];
  try {
    for (let i = 0; i < clients; i++) agents.push(await OvnNetworks.open({ remotes: nb.remote }));
    const name = (i: number): string => `n${i}`;
    // The networks (not timed): 2N, pair p joins 2p and 2p+1.
    const t0 = performance.now();
    await runAll(2 * N, clients * window, async (i) => {
      const a = i % 256;
      const b = i >> 8;
      await (agents[i % clients] as OvnNetworks).createNetwork({ name: name(i), ipv4: `10.${100 + b}.${a}.1/24` });
    });
    const netS = (performance.now() - t0) / 1000;
    await Promise.all(agents.map((ag) => until(() => ag.listNetworks().length === 2 * N)));

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
    let retries = 0;
    for (const ag of agents) ag.on('retry', () => (retries += 1));
    const cpu0 = process.cpuUsage();
    const t1 = performance.now();
    await runAll(decls.length, clients * window, async (k) => {
      await (agents[k % clients] as OvnNetworks).createPeering(decls[k] as (typeof decls)[number]);
    });
    const elapsed = (performance.now() - t1) / 1000;
    const cpu = process.cpuUsage(cpu0);

    // Check: every peering created, and exactly the rows of N pairs.
    const view = (agents[0] as OvnNetworks).view;
    await until(() => decls.every((d) => (agents[0] as OvnNetworks).showPeering(d).status === 'created'));
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
      `round ${round} hvnet: ${N} peerings (${2 * N} declarations, ${clients} clients x window ${window}) in ${elapsed.toFixed(2)} s = ` +
        `${rate.toFixed(1)}/s; ${retries} guard retries; networks ${(2 * N / netS).toFixed(0)}/s; rows ${ok ? 'ok' : `WRONG (ports ${ports}, routes ${routes})`}`,
    );
    return { tool: 'hvnet', round, peerings_per_s: rate, client_cpu_s: (cpu.user + cpu.system) / 1e6, ok };
  } finally {
    for (const ag of agents) await ag.close();
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

async function until(check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
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
console.log(`hvnet: ${(hv / rate('ovsdbapp')).toFixed(2)}x ovsdbapp, ${(hv / rate('raw-monitor')).toFixed(2)}x raw-monitor; client CPU ${cpuMs.toFixed(3)} ms per peering (2 declarations)`);
const bad = results.filter((r) => !r.ok);
if (bad.length > 0) {
  console.error(`bench/peering: wrong rows or errors in ${bad.map((r) => `${r.tool} round ${r.round}`).join(', ')}`);
  process.exitCode = 1;
}
