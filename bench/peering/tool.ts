// What every tool of bench/peering is, and what one of its rounds gives.

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

