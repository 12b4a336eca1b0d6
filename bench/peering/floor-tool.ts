// The `floor` rows of bench/peering: the floor relay (floor-relay.ts), a reference and not a peer
// tool, started and driven exactly as hvnet is: a fresh NB with the same 2N networks made
// beforehand, the relay started cold as its own process with hvnetd's NODE_OPTIONS and V8 budget,
// the same clients sending the same calls (the same connections x window) during the clock, and
// its rows compared field by field like hvnet's. Its CPU is read from /proc like hvnetd's.
//
// Variants, each measured once to split the gap: `floor-inproc` (the relay makes the calls itself:
// no socket hop), `floor-nomon` (the relay keeps no monitor and no cache), `floor-each` (one
// transaction per call instead of hvnetd's group commit).
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { UNIT_NODE_OPTIONS } from '../../testbed/unit-node-options.js';
import { startBenchNb, stopBenchNb } from '../common/setup-nb.js';
import { PipelinedClient } from '../common/socket-client.js';
import { checkPeeringRows, cpuOf, declarations, makeNetworks, settle } from './workload.js';
import type { Order } from './workload.js';
import { daemonResult, sendAll, startCpuMeter } from './tool.js';
import type { Result, Tool } from './tool.js';

const RELAY = fileURLToPath(new URL('./floor-relay.js', import.meta.url));

export type FloorVariant = 'floor' | 'floor-inproc' | 'floor-nomon' | 'floor-each';

const HOW: Record<FloorVariant, string> = {
  floor: 'REFERENCE, not hvnet: a relay process on the same socket protocol, the same calls; per call it sends the transaction hvnetd sends (planned by lib/ovn before the clock), group commit as hvnetd; lib/ovsdb with hvnetd\'s monitor and cache; nothing else',
  'floor-inproc': 'the floor relay without the socket hop: it makes the same calls itself, the same number in flight',
  'floor-nomon': 'the floor relay without a monitor (no cache): the guards\' versions from a select in each transaction',
  'floor-each': 'the floor relay sending one transaction per call (no group commit), all pipelined',
};

interface Relay {
  pid: number;
  /** The next JSON line the relay prints. */
  next(): Promise<Record<string, unknown>>;
  tell(line: string): void;
  stop(): Promise<void>;
}

function startRelay(args: string[]): Relay {
  const nodeArgs = (process.env.HVNET_BENCH_FLOOR_NODE_ARGS ?? '').split(' ').filter((a) => a !== '');
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, RELAY, ...args], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, NODE_OPTIONS: UNIT_NODE_OPTIONS },
  });
  const pid = child.pid;
  if (pid === undefined || !child.stdout || !child.stdin) throw new Error('bench/peering: the floor relay did not start');
  const stdin = child.stdin;
  const lines: Record<string, unknown>[] = [];
  const waiting: ((l: Record<string, unknown>) => void)[] = [];
  let exitedWith: string | undefined;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exitedWith = `the floor relay exited (${code ?? signal ?? '?'})`;
      for (const w of waiting.splice(0)) w({ exited: exitedWith });
      resolve();
    }),
  );
  createInterface({ input: child.stdout }).on('line', (l) => {
    if (!l.startsWith('{')) return;
    const o = JSON.parse(l) as Record<string, unknown>;
    const w = waiting.shift();
    if (w) w(o);
    else lines.push(o);
  });
  return {
    pid,
    next: async () => {
      const o = lines.shift() ?? (exitedWith ? { exited: exitedWith } : await new Promise<Record<string, unknown>>((r) => waiting.push(r)));
      if (typeof o.exited === 'string') throw new Error(o.exited);
      return o;
    },
    tell: (line) => void stdin.write(`${line}\n`),
    stop: async () => {
      if (exitedWith === undefined) {
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(t);
      }
    },
  };
}

export function floorTool(variant: FloorVariant, n: number, order: Order, conns: number, perConn: number): Tool {
  return {
    name: variant,
    inFlight: conns * perConn,
    how: `${HOW[variant]}; ${variant === 'floor-inproc' ? `${conns * perConn} calls` : `${conns} kept connection(s) x ${perConn}`} in flight`,
    run: async (round): Promise<Result> => {
      if (order !== 'sides') throw new Error('the floor relay prepares the `sides` order only (each pair\'s first side, then the completing side)');
      const nb = startBenchNb(['--networks', '2']);
      let relay: Relay | undefined;
      const clients: PipelinedClient[] = [];
      try {
        await makeNetworks(nb.remote, n);
        const decls = declarations(n, order);
        const socket = join(nb.dir, 'floor.sock');
        const declsFile = join(nb.dir, 'floor-decls.json');
        writeFileSync(declsFile, JSON.stringify(decls));
        const mode = variant === 'floor-inproc' ? 'in-process' : variant === 'floor-nomon' ? 'no-monitor' : 'socket';
        relay = startRelay([
          '--remote', nb.remote, '--peerings', String(n), '--mode', mode, '--socket', socket,
          '--group', variant === 'floor-each' ? '0' : '4', '--decls', declsFile, '--window', String(conns * perConn),
        ]);
        const r = relay;
        await r.next(); // {"ready":true}: prepared, connected, synced
        if (mode !== 'in-process') for (let c = 0; c < conns; c++) clients.push(await PipelinedClient.connect(socket));
        let errors = 0;
        let firstError = '';
        const stopMeter = startCpuMeter(() => cpuOf(r.pid), () => cpuOf(r.pid, `/proc/${r.pid}/task/${r.pid}/stat`), nb.pid);
        const t1 = performance.now();
        let elapsed: number;
        if (mode === 'in-process') {
          r.tell('go');
          const done = await r.next();
          elapsed = Number(done.elapsed_s);
          errors += Number(done.errors);
          firstError ||= typeof done.firstError === 'string' ? done.firstError : '';
        } else {
          ({ errors, firstError } = await sendAll(clients, perConn, decls));
          elapsed = (performance.now() - t1) / 1000;
        }
        const window = stopMeter();
        const settled = await settle(() => cpuOf(r.pid));
        r.tell('stats');
        const stats = await r.next();
        for (const c of clients) c.close();
        return await daemonResult(
          {
            tool: variant,
            round,
            peerings: n,
            elapsedS: elapsed,
            ...window,
            settledCpuS: settled,
            errors,
            firstError,
            notePrefix:
              `${String(stats.conflicts)} transactions refused by a guard; ${(Number(stats.requests) / Number(stats.transactions)).toFixed(1)} requests per NB transaction` +
              (Number(stats.reads) > 0 ? ` (and ${String(stats.reads)} reads of versions)` : ''),
          },
          () => checkPeeringRows(nb.remote, n),
        );
      } finally {
        for (const c of clients) c.close();
        await relay?.stop();
        stopBenchNb(nb.dir);
      }
    },
  };
}
