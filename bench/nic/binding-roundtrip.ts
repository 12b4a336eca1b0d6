// Round trip of virConnectGetLibVersion (one RPC to libvirtd): the binding (main → request worker
// → libvirt → back) against python3-libvirt, same daemon, same machine. Python is measured twice:
// a bare loop, and with libvirt's event loop running on a thread, the shape of a daemon that
// receives events (each RPC then also wakes the event-loop thread; the binding always has one).
// Each round runs the three tools in a rotated order; each tool does the same WARMUP calls right
// before its timed calls in every round (the binding's connection is opened once, each python
// round is a new process: neither start is timed).
//   node dist/bench/nic/binding-roundtrip.js [--uri URI] [CALLS] [ROUNDS]
// Without --uri it starts the test fixture's libvirtd. bench/nic/main.ts runs it as a child
// process with --uri, so that whatever happens to the FFI cannot skip the bench's cleanup.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startLibvirt } from '../../testbed/libvirt.js';
import { testRun } from '../../testbed/test-run.js';
import { LibvirtConnection } from '../../lib/libvirt/connection.js';
import { formatRatio, ratioSpread } from './ratio.js';

const WARMUP = 1_000;

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

const PY = `
import libvirt, sys, time, threading, json
if sys.argv[3] == 'ev':
    libvirt.virEventRegisterDefaultImpl()
    threading.Thread(target=lambda: [libvirt.virEventRunDefaultImpl() for _ in iter(int, 1)], daemon=True).start()
c = libvirt.open(sys.argv[1])
n = int(sys.argv[2])
for i in range(${WARMUP}): c.getLibVersion()
t = []
for i in range(n):
    a = time.perf_counter_ns(); c.getLibVersion(); t.append((time.perf_counter_ns() - a) / 1000)
print(json.dumps(t))
`;

function python(uri: string, mode: 'bare' | 'ev', CALLS: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    execFile('/usr/bin/python3', ['-c', PY, uri, String(CALLS), mode], { maxBuffer: 64 * 1024 * 1024 }, (err, stdout) => {
      if (err) reject(new Error(`python3-libvirt benchmark failed: ${err.message}`));
      else resolve(JSON.parse(stdout) as number[]);
    });
  });
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

export interface RoundTripResult {
  binding: Stats;
  pyBare: Stats;
  pyEv: Stats;
}

type Tool = 'binding' | 'pyBare' | 'pyEv';
const TOOLS: readonly Tool[] = ['binding', 'pyBare', 'pyEv'];

/** Measures and prints the round trips against `uri`; CALLS calls per tool and round. */
export async function bindingRoundTrip(uri: string, CALLS: number, ROUNDS = 3): Promise<RoundTripResult> {
  const conn = await LibvirtConnection.open(uri);
  const all: Record<Tool, number[]> = { binding: [], pyBare: [], pyEv: [] };
  const perRound: Record<Tool, number[]> = { binding: [], pyBare: [], pyEv: [] };
  try {
    for (let r = 0; r < ROUNDS; r++) {
      for (let k = 0; k < TOOLS.length; k++) {
        const t = TOOLS[(r + k) % TOOLS.length] as Tool;
        const us = t === 'binding' ? await binding(conn, CALLS) : await python(uri, t === 'pyBare' ? 'bare' : 'ev', CALLS);
        all[t].push(...us);
        perRound[t].push(stats(us).median);
      }
    }
  } finally {
    await conn.close();
  }
  const b = stats(all.binding);
  const p = stats(all.pyBare);
  const pe = stats(all.pyEv);
  const rounds = perRound.binding.map((x, i) => (x / (perRound.pyBare[i] ?? NaN)).toFixed(2)).join(', ');
  console.log(`virConnectGetLibVersion round trip, ${ROUNDS} rounds × ${CALLS} calls per tool, order rotated each round, ${WARMUP} warm-up calls per tool and round:`);
  console.log(`  hvnet binding (worker, Atomics channel): ${fmt(b)}`);
  console.log(`  python3-libvirt, bare loop:              ${fmt(p)}`);
  console.log(`  python3-libvirt, event loop thread:      ${fmt(pe)}`);
  console.log(`  binding / python bare:            ${formatRatio(ratioSpread(all.binding, all.pyBare), 1.5)}; per round ${rounds}`);
  console.log(`  binding / python with event loop: ${formatRatio(ratioSpread(all.binding, all.pyEv), 1.5)}`);
  return { binding: b, pyBare: p, pyEv: pe };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const u = args.indexOf('--uri');
  const given = u >= 0 ? args.splice(u, 2)[1] : undefined;
  const CALLS = Number(args[0] ?? 10_000);
  const ROUNDS = Number(args[1] ?? 3);
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
