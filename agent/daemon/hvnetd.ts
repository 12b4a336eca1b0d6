// hvnetd's life: start (config, NB, links, socket, then READY), SIGHUP reload, SIGTERM stop. The
// order of start-up is what systemd sees: the socket answers before READY, and READY waits for the
// NB cache (bounded by ovn.nb.readyTimeoutSeconds, after which READY goes out with a STATUS
// saying what is down, so a dead NB does not make systemd kill us in a start-up loop).
import { mkdir } from 'node:fs/promises';
import type http from 'node:http';
import type { Registry } from 'prom-client';
import { VERSION } from '../version.js';
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import type { HostStatus } from '../api/status.js';
import { DEBUG_METHODS_ENV } from '../api/debug.js';
import { createLogger } from '../logger.js';
import type { Logger } from '../logger.js';
import { Notifier } from './notify.js';
import { MethodRegistry } from './registry.js';
import { ApiServer } from './api-server.js';
import { createMetricsRegistry, startMetricsServer } from './metrics.js';
import { FEATURES } from './features/index.js';
import type { DaemonContext, DaemonInfo, Feature } from './feature.js';
import { createServices, preflightServices, reporterOptions, stopServices } from './services.js';
import type { Services } from './services.js';
import { libvirtUse } from './health/libvirt-use.js';

/** The spool may take this long to hand its last reports to the controller on SIGTERM. */
const SHUTDOWN_FLUSH_MS = 2_000;

export class Hvnetd {
  private config!: Config;
  private log: Logger;
  private notifier!: Notifier;
  private metrics!: Registry;
  private services: Services | undefined;
  private features: Feature[] = [];
  private api!: ApiServer;
  private metricsServer: http.Server | undefined;
  private stopping: Promise<void> | undefined;
  private started = false;
  private readonly startedAt = new Date();

  constructor(
    private readonly configFile: string,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    this.log = createLogger('info');
  }

  /** Throws ConfigError / ConfigUnreadableError before anything is started. */
  async start(): Promise<void> {
    this.config = await loadConfig(this.configFile);
    const c = this.config;
    this.log.level = c.logLevel;
    this.notifier = new Notifier(this.log, this.env);
    const watchdogMs = this.notifier.startWatchdog();
    this.notifier.status('starting');
    this.log.info({ version: VERSION, config: this.configFile, host: c.host.id, watchdogMs }, 'hvnetd starting');

    await mkdir(c.stateDir, { recursive: true, mode: 0o750 });
    this.metrics = createMetricsRegistry();
    const methods = new MethodRegistry();
    const services = await createServices({
      config: c,
      configFile: this.configFile,
      log: this.log,
      metrics: this.metrics,
      startedAt: this.startedAt,
    });
    this.services = services;

    const info: DaemonInfo = { version: VERSION, pid: process.pid, startedAt: this.startedAt.toISOString(), configFile: this.configFile, socket: c.api.socket };
    const ctx: DaemonContext = {
      ...services,
      config: () => this.config,
      log: this.log,
      methods,
      metrics: this.metrics,
      info,
      debug: this.env[DEBUG_METHODS_ENV] === '1',
    };
    this.features = FEATURES.map((make) => make(ctx));
    // After the features: it has the last word on what the status says about libvirt.
    services.health.addContributor(libvirtUse(c.libvirt, services.libvirt));
    services.libvirt.start();
    services.ovs.start();

    this.api = new ApiServer(
      {
        socket: c.api.socket,
        group: c.api.group,
        mode: c.api.mode,
        maxRequestBytes: c.api.maxRequestBytes,
        maxConnections: c.api.maxConnections,
        maxConnectionsPerUser: c.api.maxConnectionsPerUser,
        rootReservedConnections: c.api.rootReservedConnections,
        firstRequestTimeoutMs: c.api.firstRequestTimeoutSeconds * 1_000,
        idleTimeoutMs: c.api.idleTimeoutSeconds * 1_000,
      },
      methods,
      this.log,
    );
    await this.api.listen();
    if (c.metrics.listen) this.metricsServer = await startMetricsServer(c.metrics.listen, this.metrics, this.log);

    services.nb.start();
    this.notifier.status(`waiting for the OVN NB (${c.ovn.nb.remotes})`);
    const [synced] = await Promise.all([services.nb.waitSynced(c.ovn.nb.readyTimeoutSeconds * 1_000), preflightServices(services, c, this.log)]);
    if (this.stopping) return;
    const status = services.health.update();
    this.notifier.ready(statusLine(status));
    this.log.info({ state: status.state, nbSynced: synced }, 'hvnetd ready');
    services.health.on('change', (s) => {
      this.notifier.status(statusLine(s));
      services.reporter?.changed();
    });
    services.reporter?.start();
    this.started = true;
  }

  /** SIGHUP: re-read the file; a bad file changes nothing (and says why). */
  async reload(): Promise<void> {
    const services = this.services;
    if (!this.started || this.stopping || !services) return; // a SIGHUP during start-up or shutdown changes nothing
    this.notifier.reloading();
    try {
      const next = await loadConfig(this.configFile);
      const needRestart = restartOnlyKeys(this.config, next);
      this.log.level = next.logLevel;
      await services.links.reconfigure(next.health.requiredLinks, next.health.pollIntervalMs);
      services.health.setRequiredNetworks(next.health.requiredNetworks);
      if (services.reporter && next.controller) {
        services.reporter.reconfigure(reporterOptions(next));
        services.spool?.setLimits(next.controller.spool);
      }
      const controller = Boolean(this.config.controller) === Boolean(next.controller) ? next.controller : this.config.controller;
      this.config = { ...next, ...pickRestartOnly(this.config), controller };
      for (const f of this.features) f.reload?.(this.config);
      if (needRestart.length > 0) this.log.warn({ keys: needRestart }, 'configuration reloaded; these keys take effect on restart only');
      else this.log.info('configuration reloaded');
    } catch (e) {
      this.log.error({ err: (e as Error).message }, 'configuration reload failed; keeping the running configuration');
    }
    this.notifier.ready(statusLine(services.health.status));
  }

  /** SIGTERM: idempotent; resolves when everything is closed. */
  stop(reason: string): Promise<void> {
    this.stopping ??= this.doStop(reason);
    return this.stopping;
  }

  private async doStop(reason: string): Promise<void> {
    this.log.info({ reason }, 'hvnetd stopping');
    this.notifier?.stopping(`stopping (${reason})`);
    const grace = (this.config?.api.shutdownGraceSeconds ?? 10) * 1_000;
    await this.api?.shutdown(grace);
    await this.services?.reporter?.stop(SHUTDOWN_FLUSH_MS);
    for (const f of this.features) await f.stop?.();
    if (this.services) await stopServices(this.services);
    await new Promise<void>((resolve) => (this.metricsServer ? this.metricsServer.close(() => resolve()) : resolve()));
    this.notifier?.stopWatchdog();
    this.log.info('hvnetd stopped');
  }
}

/** systemd's STATUS= line: one line, the verdict first. */
export function statusLine(s: HostStatus): string {
  const nb = s.ovn.nb.state === 'connected' ? `NB connected (${s.ovn.nb.remote ?? '?'})` : `NB ${s.ovn.nb.state}`;
  const head = s.state === 'operational' ? 'operational' : `non-operational: ${s.reasons.map((r) => r.message).join('; ')}`;
  return `${head}; ${nb}; libvirt ${s.libvirt.state}`;
}

const RESTART_ONLY = ['host', 'ovn', 'libvirt', 'api', 'stateDir', 'metrics'] as const;

function restartOnlyKeys(running: Config, next: Config): string[] {
  const keys: string[] = RESTART_ONLY.filter((k) => JSON.stringify(running[k]) !== JSON.stringify(next[k]));
  if (Boolean(running.controller) !== Boolean(next.controller)) keys.push('controller');
  return keys;
}

function pickRestartOnly(c: Config): Pick<Config, (typeof RESTART_ONLY)[number]> {
  return { host: c.host, ovn: c.ovn, libvirt: c.libvirt, api: c.api, stateDir: c.stateDir, metrics: c.metrics };
}
