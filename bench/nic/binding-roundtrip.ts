// Round trip of virConnectGetLibVersion (one RPC to libvirtd): the binding (main → request worker
// → libvirt → back) against python3-libvirt, same daemon, same machine. Python is measured twice:
// a bare loop, and with libvirt's event loop running on a thread, the shape of a daemon that
// receives events (the binding always has one). Every tool is one long-lived process (the binding
// this one), opened before the clock starts; the run is many short rounds, each running the three
// tools one after the other in a rotated order, so that a change in the machine's load falls on all
// of them alike. Each tool makes WARMUP calls right before its timed calls in every round.
//   node dist/bench/nic/binding-roundtrip.js [--uri URI] [--compare DIST] [CALLS] [ROUNDS]
// Without --uri it starts the test fixture's libvirtd. --compare DIST adds another build's binding
// (DIST: its dist/ directory, e.g. /work/main/dist after `npm run build` there) as a fourth tool in
// the same rotation; both bindings then run in child processes (binding-loop.ts) and the paired
// ratio this build / that one is printed: a before/after measured in one run, under one load. bench/nic/main.ts runs it as a child
// process with --uri, so that whatever happens to the FFI cannot skip the bench's cleanup.
import { spawn } from 'node:child_process';
import type { ChildProcessByStdio } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { startLibvirt } from '../../testbed/libvirt.js';
import { testRun } from '../../testbed/test-run.js';
import { LibvirtConnection } from '../../lib/libvirt/connection.js';
import { formatRatio, pairedRatioSpread, ratioSpread } from './ratio.js';
import { timeLibVersion } from './time-lib-version.js';

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

/** A child process that answers "N" with N timings: python3-libvirt, or a binding (binding-loop.ts). */
class LoopProcess {
  private readonly lines: AsyncIterator<string>;
  private constructor(
    private readonly proc: ChildProcessByStdio<Writable, Readable, null>,
    private readonly what: string,
  ) {
    this.lines = createInterface({ input: proc.stdout })[Symbol.asyncIterator]();
  }

  static python(uri: string, mode: 'bare' | 'ev'): Promise<LoopProcess> {
    return LoopProcess.start('/usr/bin/python3', ['-c', PY, uri, mode], 'python3-libvirt round-trip helper');
  }

  /** `module`: another build's dist/lib/libvirt/connection.js; this build's when undefined. */
  static binding(uri: string, module?: string): Promise<LoopProcess> {
    const script = fileURLToPath(new URL('./binding-loop.js', import.meta.url));
    return LoopProcess.start(process.execPath, [script, uri, String(WARMUP), ...(module === undefined ? [] : [module])], `binding loop ${module ?? ''}`);
  }

  private static async start(cmd: string, args: string[], what: string): Promise<LoopProcess> {
    const proc = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'inherit'] });
    testRun.trackPid(proc.pid ?? 0);
    const loop = new LoopProcess(proc, what);
    await loop.next();
    return loop;
  }

  private async next(): Promise<unknown> {
    const r = await this.lines.next();
    if (r.done === true) throw new Error(`${this.what} exited`);
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

function binding(conn: LibvirtConnection, CALLS: number): Promise<number[]> {
  return timeLibVersion(conn, WARMUP, CALLS);
}

const fmt = (s: Stats): string => `median ${s.median.toFixed(1)} µs, p90 ${s.p90.toFixed(1)}, p99 ${s.p99.toFixed(1)}`;
const load = (): string => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

export interface RoundTripResult {
  binding: Stats;
  pyBare: Stats;
  pyEv: Stats;
}

type Tool = 'binding' | 'pyBare' | 'pyEv' | 'other';

/**
 * Measures and prints the round trips against `uri`; CALLS calls per tool and round. `compare`:
 * another build's dist/ directory, measured as a fourth tool (see the top of this file).
 */
export async function bindingRoundTrip(uri: string, CALLS: number, ROUNDS = 30, compare?: string): Promise<RoundTripResult> {
  const loadBefore = load();
  const tools: Tool[] = compare === undefined ? ['binding', 'pyBare', 'pyEv'] : ['binding', 'pyBare', 'other', 'pyEv'];
  const children: Partial<Record<Tool, LoopProcess>> = {};
  // Alone, this build's binding runs in this process; beside another build, both run as children alike.
  const conn = compare === undefined ? await LibvirtConnection.open(uri) : undefined;
  const all: Record<Tool, number[]> = { binding: [], pyBare: [], pyEv: [], other: [] };
  const perRound: Record<Tool, number[]> = { binding: [], pyBare: [], pyEv: [], other: [] };
  try {
    children.pyBare = await LoopProcess.python(uri, 'bare');
    children.pyEv = await LoopProcess.python(uri, 'ev');
    if (compare !== undefined) {
      children.binding = await LoopProcess.binding(uri);
      children.other = await LoopProcess.binding(uri, join(resolve(compare), 'lib/libvirt/connection.js'));
    }
    for (let r = 0; r < ROUNDS; r++) {
      for (let k = 0; k < tools.length; k++) {
        const t = tools[(r + k) % tools.length] as Tool;
        const child = children[t];
        const us = child !== undefined ? await child.calls(CALLS) : await binding(conn as LibvirtConnection, CALLS);
        all[t].push(...us);
        perRound[t].push(stats(us).median);
      }
    }
  } finally {
    for (const c of Object.values(children)) await c.stop();
    await conn?.close();
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
  if (compare !== undefined) console.log(`  the binding of ${compare}: ${fmt(stats(all.other))}`);
  console.log(`  python3-libvirt, bare loop:              ${fmt(p)}`);
  console.log(`  python3-libvirt, event loop thread:      ${fmt(pe)}`);
  console.log(`  binding / python bare:            ${formatRatio(ratioSpread(all.binding, all.pyBare), 1.5)}`);
  console.log(`    per round (median of round medians, paired): ${formatRatio(pairedRatioSpread(perRound.binding, perRound.pyBare), 1.5)}; rounds min ${q(0)}, quartiles ${q(0.25)}–${q(0.75)}, max ${q(1)}`);
  console.log(`  binding / python with event loop: ${formatRatio(ratioSpread(all.binding, all.pyEv), 1.5)}`);
  if (compare !== undefined) {
    console.log(`  ${compare}'s binding / python bare: ${formatRatio(ratioSpread(all.other, all.pyBare), 1.5)}`);
    console.log(`  this binding / ${compare}'s, per round (paired): ${formatRatio(pairedRatioSpread(perRound.binding, perRound.other), 1)}`);
  }
  return { binding: b, pyBare: p, pyEv: pe };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const u = args.indexOf('--uri');
  const given = u >= 0 ? args.splice(u, 2)[1] : undefined;
  const c = args.indexOf('--compare');
  const compare = c >= 0 ? args.splice(c, 2)[1] : undefined;
  if (c >= 0 && (compare === undefined || !existsSync(join(compare, 'lib/libvirt/connection.js')))) {
    throw new Error('--compare needs the dist/ directory of another build (with lib/libvirt/connection.js in it)');
  }
  const CALLS = Number(args[0] ?? 1_000);
  const ROUNDS = Number(args[1] ?? 30);
  if (!Number.isInteger(CALLS) || CALLS < 1 || !Number.isInteger(ROUNDS) || ROUNDS < 1) throw new Error('CALLS and ROUNDS must be whole numbers >= 1');
  if (given !== undefined) {
    await bindingRoundTrip(given, CALLS, ROUNDS, compare);
    return;
  }
  const libvirt = await startLibvirt();
  try {
    await bindingRoundTrip(libvirt.uri, CALLS, ROUNDS, compare);
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
