// What every tool of bench/peering is, and what one of its rounds gives.
import { cpuOf } from './workload.js';
import type { Decl } from './workload.js';
import type { PipelinedClient } from '../common/socket-client.js';
import { peerCreateMethod } from '../../agent/api/networks.js';

/** A tool at one configuration: what it is, and how many requests it keeps in flight. */
export interface Tool {
  name: string;
  inFlight: number;
  how: string;
  run: (round: number) => Promise<Result>;
}

export interface Result {
  tool: string;
  round: number;
  peerings_per_s: number;
  /** CPU of the tool's own process (hvnet: the bench's clients). */
  client_cpu_s: number;
  /** hvnet and the floor only: the daemon's (hvnetd's, the relay's) CPU during the timed window. */
  daemon_cpu_s?: number;
  /** Of it, the daemon's main thread (the rest: V8's compiler and GC threads, libuv's). */
  daemon_main_cpu_s?: number;
  /** The daemon's CPU from the start of the window until it is idle again (work it deferred: status index, drift check). */
  daemon_settled_cpu_s?: number;
  /** ovsdb-server's CPU: in the timed window (hvnet, the floor), over the tool's whole run (the anchors). */
  server_cpu_s?: number;
  ok: boolean;
  note: string;
}


/** The CPU of the timed window: this process's (the clients'), the daemon's, its main thread's, ovsdb-server's. */
export interface WindowCpu {
  clientCpu: NodeJS.CpuUsage;
  daemonCpuS: number;
  daemonMainCpuS: number;
  /** The daemon's CPU counter at the start of the window. */
  startCpuS: number;
  serverCpuS: number;
}

/** Starts the window's CPU counters; the function returned stops them. */
export function startCpuMeter(daemonCpu: () => number, daemonMainCpu: () => number, serverPid: number | undefined): () => WindowCpu {
  const server0 = serverPid === undefined ? NaN : cpuOf(serverPid);
  const client0 = process.cpuUsage();
  const daemon0 = daemonCpu();
  const main0 = daemonMainCpu();
  return () => ({
    clientCpu: process.cpuUsage(client0),
    daemonCpuS: daemonCpu() - daemon0,
    daemonMainCpuS: daemonMainCpu() - main0,
    startCpuS: daemon0,
    serverCpuS: serverPid === undefined ? NaN : cpuOf(serverPid) - server0,
  });
}

/** What a daemon's round (hvnet's, the floor's) measured, before it is checked and reported. */
export interface DaemonRound extends WindowCpu {
  tool: string;
  round: number;
  peerings: number;
  elapsedS: number;
  /** The daemon's CPU counter when it was idle again. */
  settledCpuS: number;
  errors: number;
  firstError: string;
  /** The round's own figures, first in its note. */
  notePrefix: string;
}

/** A daemon's round as a Result: its rows read back and compared, the note ending with ovsdb-server's CPU and the verdict. */
export async function daemonResult(r: DaemonRound, checkRows: () => Promise<string[]>): Promise<Result> {
  const bad = await checkRows();
  const ok = r.errors === 0 && bad.length === 0;
  return {
    tool: r.tool,
    round: r.round,
    peerings_per_s: r.peerings / r.elapsedS,
    client_cpu_s: (r.clientCpu.user + r.clientCpu.system) / 1e6,
    daemon_cpu_s: r.daemonCpuS,
    daemon_main_cpu_s: r.daemonMainCpuS,
    daemon_settled_cpu_s: r.settledCpuS - r.startCpuS,
    server_cpu_s: r.serverCpuS,
    ok,
    note:
      `${r.notePrefix}, ovsdb-server CPU ${((r.serverCpuS * 1000) / r.peerings).toFixed(3)} ms/peering; ` +
      (ok ? 'rows ok (compared field by field)' : `errors ${r.errors}${r.firstError ? ` (${r.firstError})` : ''}; ${bad.length} bad: ${bad.slice(0, 3).join('; ')}`),
  };
}

/** Calls failed, and the first one's message. */
export interface CallErrors {
  errors: number;
  firstError: string;
}

/** Sends every declaration as `network.peer.create`, `perConn` calls in flight on each client. */
export async function sendAll(clients: readonly PipelinedClient[], perConn: number, decls: readonly Decl[]): Promise<CallErrors> {
  const out: CallErrors = { errors: 0, firstError: '' };
  let next = 0;
  const worker = async (c: PipelinedClient): Promise<void> => {
    while (next < decls.length) {
      const d = decls[next++] as Decl;
      await c.call(peerCreateMethod, d).catch((e: unknown) => {
        out.errors += 1;
        out.firstError ||= (e as Error).message;
      });
    }
  };
  await Promise.all(clients.flatMap((c) => Array.from({ length: perConn }, () => worker(c))));
  return out;
}
