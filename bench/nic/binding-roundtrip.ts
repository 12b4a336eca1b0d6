// Round trip of virConnectGetLibVersion (one RPC to libvirtd): the binding (main → request worker
// → libvirt → back) against python3-libvirt, same daemon, same machine. Python is measured twice:
// a bare loop, and with libvirt's event loop running on a thread, the shape of a daemon that
// receives events (the binding always has one). Every tool is one long-lived process (the binding
// this one), opened before the clock starts; the run is many short rounds, each running the three
// tools one after the other in a rotated order, so that a change in the machine's load falls on all
// of them alike. Each tool makes WARMUP calls right before its timed calls in every round.
//   node dist/bench/nic/binding-roundtrip.js [--uri URI] [CALLS] [ROUNDS]
// Without --uri it starts the test fixture's libvirtd. bench/nic/main.ts runs it as a child
// process with --uri, so that whatever happens to the FFI cannot skip the bench's cleanup.
import { spawn } from 'node:child_process';
import type { ChildProcessByStdio } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { startLibvirt } from '../../testbed/libvirt.js';
import { testRun } from '../../testbed/test-run.js';
import { LibvirtConnection } from '../../lib/libvirt/connection.js';
import { formatRatio, pairedRatioSpread, ratioSpread } from './ratio.js';

const WARMUP = 200;

interface Stats {
  median: number;
  p90: number;
  p99: number;
}

function stats(us: number[]): Stats {
  const s = [...us].sort((a, b) => a - b);
  const at = (q: number): number => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
  return { median: at(0.5), p90: at(0.9), p99: at(0.99) };
}

/** Answers each line "N" with the timings (µs) of WARMUP untimed then N timed calls, as JSON. */
const PY = `
import libvirt, sys, time, threading, json
if sys.argv[2] == 'ev':
    libvirt.virEventRegisterDefaultImpl()
    threading.Thread(target=lambda: [libvirt.virEventRunDefaultImpl() for _ in iter(int, 1)], daemon=True).start()
c = libvirt.open(sys.argv[1])
print(json.dumps({"ready": True}), flush=True)
for line in sys.stdin:
    n = int(line)
    for i in range(${WARMUP}): c.getLibVersion()
    t = []
    for i in range(n):
        a = time.perf_counter_ns(); c.getLibVersion(); t.append((time.perf_counter_ns() - a) / 1000)
    print(json.dumps(t), flush=True)
`;

class PythonLoop {
  private readonly lines: AsyncIterator<string>;
  private constructor(private readonly proc: ChildProcessByStdio<Writable, Readable, null>) {
    this.lines = createInterface({ input: proc.stdout })[Symbol.asyncIterator]();
  }

  static async start(uri: string, mode: 'bare' | 'ev'): Promise<PythonLoop> {
    const proc = spawn('/usr/bin/python3', ['-c', PY, uri, mode], { stdio: ['pipe', 'pipe', 'inherit'] });
    testRun.trackPid(proc.pid ?? 0);
    const loop = new PythonLoop(proc);
    await loop.next();
    return loop;
  }

  private async next(): Promise<unknown> {
    const r = await this.lines.next();
    if (r.done === true) throw new Error('python3-libvirt round-trip helper exited');
    return JSON.parse(r.value) as unknown;
  }

  async calls(n: number): Promise<number[]> {
    this.proc.stdin.write(`${n}\n`);
    return (await this.next()) as number[];
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      this.proc.once('exit', () => resolve());
      this.proc.stdin.end();
      setTimeout(() => this.proc.kill('SIGKILL'), 5_000).unref();
    });
  }
}

async function binding(conn: LibvirtConnection, CALLS: number): Promise<number[]> {
  for (let i = 0; i < WARMUP; i++) await conn.getLibVersion();
  const t: number[] = [];
  for (let i = 0; i < CALLS; i++) {
    const a = process.hrtime.bigint();
    await conn.getLibVersion();
    t.push(Number(process.hrtime.bigint() - a) / 1000);
  }
  return t;
}

const fmt = (s: Stats): string => `median ${s.median.toFixed(1)} µs, p90 ${s.p90.toFixed(1)}, p99 ${s.p99.toFixed(1)}`;
const load = (): string => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

export interface RoundTripResult {
  binding: Stats;
  pyBare: Stats;
  pyEv: Stats;
}

type Tool = 'binding' | 'pyBare' | 'pyEv';
const TOOLS: readonly Tool[] = ['binding', 'pyBare', 'pyEv'];

/** Measures and prints the round trips against `uri`; CALLS calls per tool and round. */
export async function bindingRoundTrip(uri: string, CALLS: number, ROUNDS = 30): Promise<RoundTripResult> {
  const loadBefore = load();
  const conn = await LibvirtConnection.open(uri);
  const py: PythonLoop[] = [];
  const all: Record<Tool, number[]> = { binding: [], pyBare: [], pyEv: [] };
  const perRound: Record<Tool, number[]> = { binding: [], pyBare: [], pyEv: [] };
  try {
    const pyBare = await PythonLoop.start(uri, 'bare');
    py.push(pyBare);
    const pyEv = await PythonLoop.start(uri, 'ev');
    py.push(pyEv);
    for (let r = 0; r < ROUNDS; r++) {
      for (let k = 0; k < TOOLS.length; k++) {
        const t = TOOLS[(r + k) % TOOLS.length] as Tool;
        const us = t === 'binding' ? await binding(conn, CALLS) : await (t === 'pyBare' ? pyBare : pyEv).calls(CALLS);
        all[t].push(...us);
        perRound[t].push(stats(us).median);
      }
    }
  } finally {
    for (const p of py) await p.stop();
    await conn.close();
  }
  const b = stats(all.binding);
  const p = stats(all.pyBare);
  const pe = stats(all.pyEv);
  const rounds = perRound.binding.map((x, i) => x / (perRound.pyBare[i] ?? NaN)).sort((x, y) => x - y);
  const q = (f: number): string => (rounds[Math.min(rounds.length - 1, Math.floor(f * rounds.length))] ?? NaN).toFixed(2);
  console.log(
    `virConnectGetLibVersion round trip, ${ROUNDS} rounds × ${CALLS} calls per tool, order rotated each round, ${WARMUP} warm-up calls per tool and round, one process per tool (load ${loadBefore} → ${load()}):`,
  );
  console.log(`  hvnet binding (worker, Atomics channel): ${fmt(b)}`);
  console.log(`  python3-libvirt, bare loop:              ${fmt(p)}`);
  console.log(`  python3-libvirt, event loop thread:      ${fmt(pe)}`);
  console.log(`  binding / python bare:            ${formatRatio(ratioSpread(all.binding, all.pyBare), 1.5)}`);
  console.log(`    per round (median of round medians, paired): ${formatRatio(pairedRatioSpread(perRound.binding, perRound.pyBare), 1.5)}; rounds min ${q(0)}, quartiles ${q(0.25)}–${q(0.75)}, max ${q(1)}`);
  console.log(`  binding / python with event loop: ${formatRatio(ratioSpread(all.binding, all.pyEv), 1.5)}`);
  return { binding: b, pyBare: p, pyEv: pe };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const u = args.indexOf('--uri');
  const given = u >= 0 ? args.splice(u, 2)[1] : undefined;
  const CALLS = Number(args[0] ?? 1_000);
  const ROUNDS = Number(args[1] ?? 30);
  if (!Number.isInteger(CALLS) || CALLS < 1 || !Number.isInteger(ROUNDS) || ROUNDS < 1) throw new Error('CALLS and ROUNDS must be whole numbers >= 1');
  if (given !== undefined) {
    await bindingRoundTrip(given, CALLS, ROUNDS);
    return;
  }
  const libvirt = await startLibvirt();
  try {
    await bindingRoundTrip(libvirt.uri, CALLS, ROUNDS);
  } finally {
    await libvirt.stop();
    const errors = await testRun.stopAll();
    const leaks = await testRun.leaks();
    if (errors.length + leaks.length > 0) {
      console.error(`cleanup problems: ${[...errors, ...leaks].join('; ')}`);
      process.exitCode = 1;
    } else {
      testRun.removeRoot();
    }
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) await main();
