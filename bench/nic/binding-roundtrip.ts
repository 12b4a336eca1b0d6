// Round trip of virConnectGetLibVersion (one RPC to libvirtd): the binding (main → request worker
// → libvirt → back) against python3-libvirt, same daemon, same machine, alternating runs.
// Python is measured twice: a bare loop, and with libvirt's event loop running on a thread, the
// shape of a daemon that receives events (each RPC then also wakes the event-loop thread).
//   node dist/bench/nic/binding-roundtrip.js [CALLS]      (uses the test fixture's libvirtd)
// bench/nic/main.ts runs it too (bindingRoundTrip), against the libvirtd it uses.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startLibvirt } from '../../testbed/libvirt.js';
import { testRun } from '../../testbed/test-run.js';
import { LibvirtConnection } from '../../lib/libvirt/connection.js';

const WARMUP = 1_000;
const ROUNDS = 3;

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

/** Measures and prints the round trips against `uri`; CALLS calls per tool and round. */
export async function bindingRoundTrip(uri: string, CALLS: number, ROUNDS = 3): Promise<RoundTripResult> {
  const conn = await LibvirtConnection.open(uri);
  const all = { binding: [] as number[], pyBare: [] as number[], pyEv: [] as number[] };
  try {
    for (let r = 0; r < ROUNDS; r++) {
      all.pyBare.push(...(await python(uri, 'bare', CALLS)));
      all.binding.push(...(await binding(conn, CALLS)));
      all.pyEv.push(...(await python(uri, 'ev', CALLS)));
    }
  } finally {
    await conn.close();
  }
  const b = stats(all.binding);
  const p = stats(all.pyBare);
  const pe = stats(all.pyEv);
  console.log(`virConnectGetLibVersion round trip, ${ROUNDS} × ${CALLS} calls each (after ${WARMUP} warm-up):`);
  console.log(`  hvnet binding (worker, Atomics channel): ${fmt(b)}`);
  console.log(`  python3-libvirt, bare loop:              ${fmt(p)}`);
  console.log(`  python3-libvirt, event loop thread:      ${fmt(pe)}`);
  console.log(`  ratio binding / python bare: ${(b.median / p.median).toFixed(2)}×; / python with event loop: ${(b.median / pe.median).toFixed(2)}×`);
  return { binding: b, pyBare: p, pyEv: pe };
}

async function main(): Promise<void> {
  const CALLS = Number(process.argv[2] ?? 10_000);
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
