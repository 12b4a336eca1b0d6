// The floor relay of bench/peering: a reference, not a peer tool and not hvnet. It is the least a
// daemon of hvnetd's architecture does for a `network.peer.create` call: a separate Node process
// serving hvnetd's socket protocol (newline-delimited JSON-RPC 2.0 on a Unix socket, framed by
// hvnetd's own LineReader), one lib/ovsdb client with hvnetd's monitor and cache, and for each call
// the NB transaction hvnetd sends for it (floor-plan.ts: planned by lib/ovn before the clock) and
// hvnetd's reply. Nothing else runs while it serves: no planning, no views of the cache, no status,
// no metrics, no logs, no validation of the request beyond finding its prepared answer.
//
//   node floor-relay.js --remote R --peerings N --mode socket|in-process|no-monitor
//                       [--socket PATH] [--group K] [--decls FILE --window W]
//   socket: serves PATH (prints {"ready":true} once prepared and listening);
//   no-monitor: the same without a monitor (no cache: the guards' versions are read after each write);
//   in-process: no socket: on "go" (stdin) it makes the calls of FILE itself, W at a time, and
//   prints {"elapsed_s":...}. "stats" (stdin) prints what was sent. --group: transactions in
//   flight before calls are combined (hvnetd's 4; 0: one transaction per call).
// First, as in hvnetd: V8's interrupt budget is set before any other code runs.
import '../../agent/daemon/v8-tiering.js';
import net from 'node:net';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { performance } from 'node:perf_hooks';
import { OvsdbClient } from '../../lib/ovsdb/client.js';
import { ovnNorthboundSchema } from '../../lib/ovn/schema/ovn-nb.generated.js';
import { LineReader } from '../../agent/daemon/line-reader.js';
import { FloorSender } from './floor-sender.js';
import { hvnetdMonitor, prepareFloor } from './floor-plan.js';
import type { Prepared } from './floor-plan.js';
import type { Decl } from './workload.js';

function arg(name: string, fallback?: string): string {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? process.argv[i + 1] : fallback;
  if (v === undefined) throw new Error(`floor-relay: --${name} is required`);
  return v;
}

const remote = arg('remote');
const n = Number(arg('peerings'));
const mode = arg('mode');
if (mode !== 'socket' && mode !== 'in-process' && mode !== 'no-monitor') throw new Error('floor-relay: --mode is socket, in-process or no-monitor');
const group = Number(arg('group', '4'));

const versions = new Map<string, string>();
const prepared = await prepareFloor(remote, n, versions);
const withMonitor = mode !== 'no-monitor';
const client = await OvsdbClient.connect({ remotes: remote, schema: ovnNorthboundSchema, ...(withMonitor ? { monitor: hvnetdMonitor() } : {}) });
const sender = new FloorSender(client, group, withMonitor ? undefined : versions);
const say = (o: unknown): void => void process.stdout.write(`${JSON.stringify(o)}\n`);

let server: net.Server | undefined;
if (mode === 'in-process') {
  const decls = JSON.parse(readFileSync(arg('decls'), 'utf8')) as Decl[];
  const window = Number(arg('window'));
  createInterface({ input: process.stdin }).on('line', (line) => {
    if (line === 'go') void runInProcess(decls, window);
    if (line === 'stats') say(sender.stats);
  });
} else {
  server = await serve(arg('socket'));
  createInterface({ input: process.stdin }).on('line', (line) => {
    if (line === 'stats') say(sender.stats);
  });
}
process.once('SIGTERM', () => {
  server?.close();
  client.close();
  process.exit(0);
});
say({ ready: true });

async function runInProcess(decls: Decl[], window: number): Promise<void> {
  let next = 0;
  let errors = 0;
  let firstError = '';
  const t = performance.now();
  await Promise.all(
    Array.from({ length: window }, async () => {
      while (next < decls.length) {
        const d = decls[next++] as Decl;
        const p = prepared.get(d.network);
        await (p ? sender.send(p) : Promise.reject(new Error(`nothing prepared for ${d.network}`))).catch((e: unknown) => {
          errors += 1;
          firstError ||= (e as Error).message;
        });
      }
    }),
  );
  say({ elapsed_s: (performance.now() - t) / 1000, errors, firstError });
}

function serve(path: string): Promise<net.Server> {
  const s = net.createServer((socket) => {
    const reader = new LineReader(1024 * 1024);
    let inFlight = 0;
    let corked = false;
    // As hvnetd's api-server: replies finished in the same turn of the event loop leave in one write.
    const write = (text: string): void => {
      if (!corked && inFlight > 1) {
        corked = true;
        socket.cork();
        setImmediate(() => {
          corked = false;
          socket.uncork();
        });
      }
      socket.write(text);
    };
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      for (const item of reader.push(chunk)) {
        if (item.kind !== 'line') continue;
        const req = JSON.parse(item.text) as { id: number | string; method: string; params: { network?: string } };
        const id = JSON.stringify(req.id);
        const p: Prepared | undefined = req.method === 'network.peer.create' && req.params.network !== undefined ? prepared.get(req.params.network) : undefined;
        if (!p) {
          write(`{"jsonrpc":"2.0","id":${id},"error":{"code":-32602,"message":"floor: nothing prepared for this call"}}\n`);
          continue;
        }
        inFlight += 1;
        sender.send(p).then(
          () => {
            write(`{"jsonrpc":"2.0","id":${id},"result":${p.reply}}\n`);
            inFlight -= 1;
          },
          (e: unknown) => {
            write(`${JSON.stringify({ jsonrpc: '2.0', id: req.id, error: { code: -32000, message: `floor: ${(e as Error).message}` } })}\n`);
            inFlight -= 1;
          },
        );
      }
    });
  });
  return new Promise((resolve, reject) => {
    s.once('error', reject);
    s.listen(path, () => resolve(s));
  });
}
