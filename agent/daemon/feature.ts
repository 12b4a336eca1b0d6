// What a feature of the daemon (status, peering, NICs, …) plugs into. Features are listed once in
// features/index.ts as factories; each receives the part of the daemon's context it uses (the
// host-level services of services.ts, the method registry, the metrics) and registers its
// methods, status contributions and metrics when it is made. What a feature keeps lives in the
// closure or object its factory makes, never in its module.
import type { Registry } from 'prom-client';
import type { Config } from '../config/schema.js';
import type { MethodRegistry } from './registry.js';
import type { Logger } from '../logger.js';
import type { Services } from './services.js';

export interface DaemonInfo {
  version: string;
  pid: number;
  startedAt: string;
  configFile: string;
  socket: string;
}

export interface DaemonContext extends Services {
  readonly config: () => Config;
  readonly log: Logger;
  readonly methods: MethodRegistry;
  readonly metrics: Registry;
  readonly info: DaemonInfo;
  /** True when HVNET_DEBUG_METHODS=1: debug methods may be registered. */
  readonly debug: boolean;
}

export interface Feature {
  readonly name: string;
  /** After a successful SIGHUP reload. */
  reload?(config: Config): void;
  /** Before the services stop. */
  stop?(): Promise<void>;
}

export type FeatureFactory = (ctx: DaemonContext) => Feature;
