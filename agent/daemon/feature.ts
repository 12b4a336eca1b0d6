// What a feature of the daemon (status, peering, NICs, …) plugs into. Features are listed once in
// features/index.ts; each says which NB tables it reads (one monitor serves them all) and
// registers its methods, status contributions and metrics on start.
import type { Registry } from 'prom-client';
import type { Config } from '../config/schema.js';
import type { ReportingStatus } from '../api/methods.js';
import type { MethodRegistry } from './registry.js';
import type { Logger } from '../logger.js';
import type { MonitorNeeds, NbConnection } from './ovn-nb.js';
import type { HostHealth } from './health/host-health.js';
import type { NetworkChecks } from './health/networks.js';

export interface DaemonInfo {
  version: string;
  pid: number;
  startedAt: string;
  configFile: string;
  socket: string;
}

export interface DaemonContext {
  readonly config: () => Config;
  readonly log: Logger;
  readonly methods: MethodRegistry;
  readonly metrics: Registry;
  readonly nb: NbConnection;
  readonly health: HostHealth;
  readonly networks: NetworkChecks;
  readonly reporting: () => ReportingStatus;
  readonly info: DaemonInfo;
  /** True when HVNET_DEBUG_METHODS=1: debug methods may be registered. */
  readonly debug: boolean;
}

export interface Feature {
  readonly name: string;
  /** NB tables and columns the feature reads from the cache. */
  readonly ovnNeeds?: MonitorNeeds;
  register(ctx: DaemonContext): void;
  /**
   * Checks made while hvnetd waits for the NB at start (say, the server's schema); a rejection
   * makes hvnetd refuse to start, with the exit code of its HvnetError.
   */
  preflight?(): Promise<void>;
  /** After a successful SIGHUP reload. */
  reload?(config: Config): void;
  stop?(): Promise<void>;
}
