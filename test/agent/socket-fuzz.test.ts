// hvnetd's socket under fast-check: malformed JSON, wrong types, unknown methods, batches,
// oversize lines, half-closed and abruptly closed connections; 10,000 cases. Every request that
// can be answered gets a JSON-RPC 2.0 response (an error unless it was a valid call), every
// connection ends cleanly, the daemon stays up, and its RSS after a forced GC stays within 20 MB.
import assert from 'node:assert/strict';
import net from 'node:net';
import fc from 'fast-check';
import { startOvn } from '../../testbed/ovn.js';
import type { OvnHandle } from '../../testbed/ovn.js';
import { testRun } from '../../testbed/test-run.js';
import { startHvnetd, writeConfig } from './harness.js';
import type { RunningHvnetd } from './harness.js';
import { debugGcMethod } from '../../agent/api/debug.js';
import { API_VERSION, versionMethod } from '../../agent/api/methods.js';

const MAX_REQUEST = 16 * 1024;
const CASES = Number(process.env.HVNET_TEST_FUZZ_CASES ?? 10_000);
const PER_RUN = 10;
/**
 * Cases before the second reading: V8 and malloc size their pools to the load first. The bound
 * holds from the daemon's start (the first reading) over every case, warm-up included; the
 * second reading bounds what the steady state adds on top, where a per-request leak shows.
 */
const WARMUP = 2_000;

type Payload = { bytes: Buffer; mode: 'half-close' | 'abort'; expectReply: boolean; oversize: boolean };

const KNOWN = ['status', 'version', 'methods'];

const requestLike = fc.record(
  {
    jsonrpc: fc.oneof(fc.constant('2.0'), fc.constant('1.0'), fc.integer(), fc.constant(null)),
    id: fc.oneof(fc.integer(), fc.string({ maxLength: 8 }), fc.constant(null), fc.array(fc.integer(), { maxLength: 2 })),
    method: fc.oneof(fc.constantFrom(...KNOWN), fc.string({ maxLength: 20 }), fc.integer()),
    params: fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.record({ project: fc.oneof(fc.string({ maxLength: 70 }), fc.integer()) }, { requiredKeys: [] })),
  },
  { requiredKeys: [] },
);

/** True when the object is a JSON-RPC 2.0 call that must be answered (not a notification). */
function wantsAnswer(v: unknown): boolean {
  if (typeof v !== 'object' || v === null) return true; // an answerable error (-32600)
  if (Array.isArray(v)) return v.length === 0 || v.some(wantsAnswer);
  return !('id' in v) ? (v as { jsonrpc?: unknown }).jsonrpc !== '2.0' || typeof (v as { method?: unknown }).method !== 'string' : true;
}

const payload: fc.Arbitrary<Payload> = fc.oneof(
  { weight: 3, arbitrary: fc.uint8Array({ maxLength: 512 }).map((b) => ({ bytes: Buffer.concat([Buffer.from(b), Buffer.from('\n')]), mode: 'half-close' as const, expectReply: false, oversize: false })) },
  { weight: 3, arbitrary: fc.string({ maxLength: 200 }).map((s) => ({ bytes: Buffer.from(`${s}\n`), mode: 'half-close' as const, expectReply: false, oversize: false })) },
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => ({ bytes: Buffer.from(`${JSON.stringify(v)}\n`), mode: 'half-close' as const, expectReply: wantsAnswer(v), oversize: false })) },
  { weight: 6, arbitrary: requestLike.map((r) => ({ bytes: Buffer.from(`${JSON.stringify(r)}\n`), mode: 'half-close' as const, expectReply: wantsAnswer(r), oversize: false })) },
  {
    weight: 2,
    arbitrary: fc.array(requestLike, { minLength: 1, maxLength: 5 }).map((b) => ({ bytes: Buffer.from(`${JSON.stringify(b)}\n`), mode: 'half-close' as const, expectReply: wantsAnswer(b), oversize: false })),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.constantFrom(...KNOWN, 'no.such', 'debug.nothing'), fc.integer({ min: 1, max: 1e6 }))
      .map(([method, id]) => ({ bytes: Buffer.from(`${JSON.stringify({ jsonrpc: '2.0', id, method, params: {} })}\n`), mode: 'half-close' as const, expectReply: true, oversize: false })),
  },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 1, max: 4 * MAX_REQUEST }).map((extra) => ({ bytes: Buffer.alloc(MAX_REQUEST + extra, 0x61), mode: 'half-close' as const, expectReply: true, oversize: true })),
  },
  {
    weight: 2,
    // Half a request, then the write side closes: the daemon reads what it got as the last line.
    arbitrary: fc.integer({ min: 1, max: 40 }).map((n) => ({ bytes: Buffer.from('{"jsonrpc":"2.0","id":7,"method":"version"}'.slice(0, n)), mode: 'half-close' as const, expectReply: n < 43, oversize: false })),
  },
  {
    weight: 2,
    arbitrary: fc.uint8Array({ maxLength: 64 }).map((b) => ({ bytes: Buffer.from(b), mode: 'abort' as const, expectReply: false, oversize: false })),
  },
);

interface Outcome {
  lines: string[];
  error: string | undefined;
}

/**
 * One connection. EAGAIN on connect is the kernel's full accept backlog (clients that connect and
 * vanish faster than any server accepts), not an answer from hvnetd: wait and connect again.
 */
async function exchange(socket: string, p: Payload): Promise<Outcome> {
  for (let attempt = 0; ; attempt++) {
    const out = await exchangeOnce(socket, p);
    if (out.error !== 'EAGAIN' || attempt >= 50) return out;
    await new Promise((r) => setTimeout(r, 5));
  }
}

function exchangeOnce(socket: string, p: Payload): Promise<Outcome> {
  return new Promise((resolve) => {
    const s = net.connect(socket);
    const chunks: Buffer[] = [];
    let error: string | undefined;
    const timer = setTimeout(() => {
      error = 'no close within 5 s';
      s.destroy();
    }, 5_000);
    s.on('connect', () => {
      if (p.mode === 'abort') {
        s.write(p.bytes, () => s.destroy());
        return;
      }
      s.end(p.bytes);
    });
    s.on('data', (c: Buffer) => chunks.push(c));
    s.on('error', (e: NodeJS.ErrnoException) => {
      // Writing an oversize request may run into the daemon's close after its error reply.
      if (!(p.oversize && e.code === 'EPIPE')) error = e.code ?? e.message;
    });
    s.on('close', () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('utf8');
      resolve({ lines: text.split('\n').filter((l) => l !== ''), error });
    });
  });
}

function checkResponse(r: unknown): void {
  const one = (x: unknown): void => {
    assert.ok(typeof x === 'object' && x !== null && !Array.isArray(x), `not a response object: ${JSON.stringify(x)}`);
    const o = x as { jsonrpc?: unknown; error?: { code?: unknown; message?: unknown }; result?: unknown };
    assert.equal(o.jsonrpc, '2.0');
    assert.ok((o.error === undefined) !== (o.result === undefined), `result xor error: ${JSON.stringify(o)}`);
    if (o.error) {
      assert.ok(Number.isInteger(o.error.code), `error code: ${JSON.stringify(o.error)}`);
      assert.equal(typeof o.error.message, 'string');
    }
  };
  if (Array.isArray(r)) r.forEach(one);
  else one(r);
}

describe('agent: socket fuzz', function () {
  this.timeout(120_000);
  let ovn: OvnHandle;
  let hv: RunningHvnetd;

  before(async () => {
    ovn = await startOvn({ northd: false });
    const dir = testRun.tempDir('fuzz');
    hv = await startHvnetd(writeConfig(dir, ovn.nb.unix, { api: { maxRequestBytes: MAX_REQUEST } }), {
      nodeArgs: ['--expose-gc'],
      env: { HVNET_DEBUG_METHODS: '1' },
    });
  });
  after(async () => {
    await hv.daemon.stop();
    await ovn.stop();
  });

  it(`${CASES} malformed, mistyped, unknown, oversize and half-closed requests: answered or closed cleanly, no growth`, async () => {
    const socket = hv.setup.socket;
    const runOne = async (p: Payload): Promise<void> => {
      const out = await exchange(socket, p);
      assert.equal(out.error, undefined, `connection error ${out.error} for ${JSON.stringify(p.bytes.subarray(0, 80).toString())}`);
      for (const line of out.lines) checkResponse(JSON.parse(line));
      if (p.expectReply && p.mode === 'half-close') assert.ok(out.lines.length > 0, `no reply to ${p.bytes.subarray(0, 120).toString()}`);
      if (p.oversize) assert.match(out.lines[0] ?? '', /HVNET_REQUEST_TOO_LARGE/);
    };
    const base = await hv.client.call(debugGcMethod, {});
    assert.ok(base.gc, 'hvnetd runs without --expose-gc');
    await fc.assert(fc.asyncProperty(fc.array(payload, { minLength: PER_RUN, maxLength: PER_RUN }), async (ps) => void (await Promise.all(ps.map(runOne)))), { numRuns: WARMUP / PER_RUN });
    const warm = await hv.client.call(debugGcMethod, {});
    const start = Date.now();
    // PER_RUN connections at a time, CASES in all.
    await fc.assert(
      fc.asyncProperty(fc.array(payload, { minLength: PER_RUN, maxLength: PER_RUN }), async (ps) => {
        await Promise.all(ps.map(runOne));
      }),
      { numRuns: CASES / PER_RUN },
    );
    const took = Date.now() - start;
    assert.ok(took < 60_000, `fuzz run took ${took} ms`);
    assert.equal(hv.daemon.hasExited, false);
    assert.equal((await hv.client.call(versionMethod, {})).api, API_VERSION);
    const end = await hv.client.call(debugGcMethod, {});
    const mb = (n: number): string => (n / 1048576).toFixed(1);
    const grewMb = (end.rss - base.rss) / 1048576;
    const steadyMb = (end.rss - warm.rss) / 1048576;
    console.log(`      ${WARMUP + CASES} cases, the last ${CASES} in ${took} ms; RSS ${mb(base.rss)} -> ${mb(warm.rss)} (after ${WARMUP}) -> ${mb(end.rss)} MB`);
    assert.ok(grewMb < 20, `RSS grew by ${grewMb.toFixed(1)} MB from the daemon's start (${mb(base.rss)} MB)`);
    assert.ok(steadyMb < 8, `RSS grew by ${steadyMb.toFixed(1)} MB over ${CASES} cases after the warm-up`);
  });
});
