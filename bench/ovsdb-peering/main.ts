// bench/ovsdb-peering: lib/ovsdb against the peer tools, in the same run.
//
// Peerings: bench/peers/run-all.sh runs ovsdbapp, raw (no cache), raw-monitor (the ceiling for a
// client that keeps a cache), ovn-nbctl and hvnet in interleaved rounds, the order rotated each
// round, each on a fresh standalone Northbound, and verifies every tool's rows strictly. Every tool
// is a process started cold for its run; its connect and sync are outside its clock. Cache fill: a
// 12,001-row Incus-like Northbound per round, filled by ovsdbapp, raw and hvnet in rotating order,
// each timed from its start through fetching and parsing the server's schema to a full cache.
// Prints the tables and hvnet's ratios; fails only if a tool could not run or its rows were wrong.
//
//   node dist/bench/ovsdb-peering/main.js [--rounds 3] [--peerings 2000] [--nbctl-n 200] [--cache-fill 1000]
//   HVNET_BENCH_SMOKE=1: one round at a small size, to prove it still works.
import { startBenchNb, stopBenchNb } from '../common/setup-nb.js';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const peers = join(repo, 'bench/peers');
const tool = join(repo, 'dist/bench/ovsdb-peering/hvnet-tool.js');
const PY = process.env.PY ?? '/usr/bin/python3';
const smoke = process.env.HVNET_BENCH_SMOKE === '1';

function option(name: string, full: number, small: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : smoke ? small : full;
  if (!Number.isInteger(v) || v < 0) throw new Error(`--${name} needs a whole number`);
  return v;
}

const rounds = option('rounds', 3, 1);
const peerings = option('peerings', 2000, 40);
const nbctlN = option('nbctl-n', 200, 4);
const cacheFillNetworks = option('cache-fill', 1000, 20);

interface Line {
  tool: string;
  mode?: string;
  peerings_per_s?: number;
  n?: number;
  client_cpu_s?: number;
  server_cpu_s?: number;
  connect_s?: number;
  verify_ok?: boolean;
  errors?: number;
  failed?: boolean;
  sync_s?: number;
  rss_mb?: number;
  cache_heap_mb?: number | null;
  rows?: number;
}

const dir = mkdtempSync(join(tmpdir(), 'hvnet-bench-'));
const out = join(dir, 'results.jsonl');
try {
  console.log(`# bench/ovsdb-peering: ${new Date().toISOString()}, load ${load()}; rounds=${rounds} peerings=${peerings} nbctl-n=${nbctlN} cache-fill=${cacheFillNetworks}${smoke ? ' (smoke)' : ''}`);
  console.log('# in flight: ovsdbapp 1 (commits synchronously); raw, raw-monitor, hvnet 64 (window); nbctl one process per peering; nbctl-daemon 1 (one command at a time to its daemon)');
  console.log('# every tool cold (a process started for its run, connect + sync before its clock), order rotated each round');
  console.log('# raw, raw-monitor and hvnet plan every transaction (routers looked up, operations built) before their clock; ovsdbapp and nbctl build each command inside theirs');
  const r = spawnSync(
    'bash',
    [
      join(peers, 'run-all.sh'),
      '--rounds', String(rounds),
      '--peerings', String(peerings),
      '--nbctl-n', String(nbctlN),
      '--cache-fill', '0',
      '--tool', `hvnet=${process.execPath} ${tool} peer`,
      '--out', out,
    ],
    { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, PY } },
  );
  if (r.status !== 0) throw new Error(`run-all.sh failed (exit ${String(r.status)})`);

  for (let round = 1; round <= rounds && cacheFillNetworks > 0; round++) cacheFillRound(round);

  const lines = readFileSync(out, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Line);
  execFileSync(process.execPath, [join(peers, 'summarize.mjs'), out, '--baseline', 'ovsdbapp'], { stdio: 'inherit' });
  const failures = report(lines);
  if (failures.length > 0) {
    console.error(`bench/ovsdb-peering: ${failures.join('; ')}`);
    process.exitCode = 1;
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

function cacheFillRound(round: number): void {
  const { remote, dir: benchDir } = startBenchNb(['--networks', String(cacheFillNetworks), '--full']);
  try {
    const tools: [string, string, string[]][] = [
      ['ovsdbapp', PY, [join(peers, 'ovsdbapp-each.py'), 'cache-fill', '--remote', remote]],
      ['raw', process.execPath, [join(peers, 'raw-limit.mjs'), 'cache-fill', '--remote', remote]],
      ['hvnet', process.execPath, ['--expose-gc', tool, 'cache-fill']],
    ];
    // Rotate the order per round so no tool always gets the warm page cache.
    const order = tools.map((_, i) => tools[(i + round - 1) % tools.length] as [string, string, string[]]);
    for (const [, cmd, args] of order) {
      const text = execFileSync(cmd, args, { encoding: 'utf8', env: { ...process.env, NB_REMOTE: remote } });
      const json = text.split('\n').filter((l) => l.startsWith('{')).pop();
      if (!json) throw new Error(`${cmd} ${args.join(' ')} printed no JSON line`);
      const line = JSON.parse(json) as Line;
      if (line.tool === 'hvnet') line.tool = 'hvnet-cache-fill';
      appendFileSync(out, `${JSON.stringify({ ...line, round })}\n`);
      console.log(`round ${round} cache-fill: ${json}`);
    }
  } finally {
    stopBenchNb(benchDir);
  }
}

function load(): string {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

/** hvnet's rate over the other tool's, round by round (the same round ran both on the same machine state). */
function perRound(lines: Line[], a: string, b: string): string {
  const at = (t: string, r: number): number | undefined => lines.find((l) => l.tool === t && l.mode !== 'cache-fill' && (l as { round?: number }).round === r)?.peerings_per_s;
  const out: string[] = [];
  for (let r = 1; r <= rounds; r++) {
    const x = at(a, r);
    const y = at(b, r);
    if (x !== undefined && y !== undefined) out.push(`${(x / y).toFixed(2)}x`);
  }
  return out.join(', ');
}

/** hvnet's figures and ratios; returns what makes the run a failure (rows wrong, a tool broken). */
function report(lines: Line[]): string[] {
  const failures: string[] = [];
  const peer = (name: string): Line[] => lines.filter((l) => l.tool === name && l.mode !== 'cache-fill');
  for (const name of ['ovsdbapp', 'raw', 'raw-monitor', 'nbctl', 'nbctl-daemon', 'hvnet']) {
    const runs = peer(name);
    if (runs.length === 0 || runs.some((l) => l.failed || l.peerings_per_s === undefined)) failures.push(`${name} did not run`);
    if (runs.some((l) => l.verify_ok === false)) failures.push(`${name} made wrong rows (verify failed)`);
  }
  if (peer('hvnet').some((l) => (l.errors ?? 0) > 0)) failures.push('hvnet reported transaction errors');
  const rate = (name: string): number => median(peer(name).map((l) => l.peerings_per_s ?? NaN));
  const hv = rate('hvnet');
  const cpuPerTxn = median(peer('hvnet').map((l) => ((l.client_cpu_s ?? NaN) * 1000) / (l.n ?? NaN)));
  console.log(`\nhvnet (lib/ovsdb, cache on, routers by _uuid), load at the end ${load()}:`);
  console.log(`  peerings/s median ${hv.toFixed(0)}; client CPU ${cpuPerTxn.toFixed(3)} ms per transaction`);
  console.log(`  ratio to raw-monitor (the ceiling): ${(hv / rate('raw-monitor')).toFixed(2)}x  (target >= 0.9); per round: ${perRound(lines, 'hvnet', 'raw-monitor')}`);
  console.log(`  ratio to ovsdbapp: ${(hv / rate('ovsdbapp')).toFixed(2)}x  (target >= 2.5)`);
  console.log(`  ratio to raw (no cache): ${(hv / rate('raw')).toFixed(2)}x; to ovn-nbctl: ${(hv / rate('nbctl')).toFixed(0)}x`);
  const cf = (name: string): Line[] => lines.filter((l) => l.tool === name && l.mode === 'cache-fill');
  const hvFill = cf('hvnet-cache-fill');
  if (hvFill.length > 0) {
    const s = median(hvFill.map((l) => l.sync_s ?? NaN));
    const app = median(cf('ovsdbapp-cache-fill').map((l) => l.sync_s ?? NaN));
    const heap = median(hvFill.map((l) => l.cache_heap_mb ?? NaN));
    console.log(`  cache fill of ${hvFill[0]?.rows ?? '?'} rows: ${s.toFixed(3)} s, ${(app / s).toFixed(1)}x faster than ovsdbapp (target >= 5); cache heap ${heap.toFixed(1)} MB, RSS ${median(hvFill.map((l) => l.rss_mb ?? NaN)).toFixed(1)} MB`);
    if (hvFill.some((l) => !l.rows)) failures.push('hvnet cache fill read no rows');
  }
  return failures;
}
