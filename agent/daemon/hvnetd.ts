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
import type { ReportingStatus } from '../api/methods.js';
import { DEBUG_METHODS_ENV } from '../api/debug.js';
import { createLogger } from '../logger.js';
import type { Logger } from '../logger.js';
import { Notifier } from './notify.js';
import { MethodRegistry } from './registry.js';
import { ApiServer } from './api-server.js';
import { NbConnection, mergeNeeds } from './ovn-nb.js';
import { LinkWatcher } from './health/links.js';
import { NetworkChecks } from './health/networks.js';
import { HostHealth } from './health/host-health.js';
import { Spool } from './reports/spool.js';
import { Reporter } from './reports/reporter.js';
import type { ReporterOptions } from './reports/reporter.js';
import { createMetricsRegistry, instrumentHealth, instrumentNb, instrumentReports, startMetricsServer } from './metrics.js';
import { FEATURES } from './features/index.js';
import type { DaemonContext, DaemonInfo } from './feature.js';

/** The spool may take this long to hand its last reports to the controller on SIGTERM. */
const SHUTDOWN_FLUSH_MS = 2_000;

export class Hvnetd {
  private config!: Config;
  private log: Logger;
  private notifier!: Notifier;
  private metrics!: Registry;
  private nb!: NbConnection;
  private links!: LinkWatcher;
  private health!: HostHealth;
  private spool: Spool | undefined;
  private reporter: Reporter | undefined;
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
    const networks = new NetworkChecks();
    this.nb = new NbConnection(
      {
        remotes: c.ovn.nb.remotes,
        ...(c.ovn.nb.ssl ? { ssl: c.ovn.nb.ssl } : {}),
        inactivityProbeMs: c.ovn.nb.inactivityProbeMs,
        connectTimeoutMs: c.ovn.nb.connectTimeoutMs,
        tables: mergeNeeds(...networks.needs, ...FEATURES.map((f) => f.ovnNeeds ?? {})),
      },
      this.log,
    );
    this.links = new LinkWatcher(c.health.requiredLinks, c.health.pollIntervalMs);
    await this.links.start();
    this.health = new HostHealth({
      hostId: c.host.id,
      libvirtUri: c.libvirt.uri,
      version: VERSION,
      startedAt: this.startedAt,
      nb: this.nb,
      links: this.links,
      networks,
      requiredNetworks: c.health.requiredNetworks,
    });
    if (c.controller) {
      this.spool = new Spool(c.stateDir, c.controller.spool, this.log);
      await this.spool.open();
      this.reporter = new Reporter(this.reporterOptions(c), this.spool, () => this.health.status, this.log);
      instrumentReports(this.metrics, this.reporter, this.spool);
    }
    instrumentNb(this.metrics, this.nb);
    instrumentHealth(this.metrics, this.health);

    const methods = new MethodRegistry();
    const info: DaemonInfo = { version: VERSION, pid: process.pid, startedAt: this.startedAt.toISOString(), configFile: this.configFile, socket: c.api.socket };
    const ctx: DaemonContext = {
      config: () => this.config,
      log: this.log,
      methods,
      metrics: this.metrics,
      nb: this.nb,
      health: this.health,
      networks,
      reporting: () => this.reportingStatus(),
      info,
      debug: this.env[DEBUG_METHODS_ENV] === '1',
    };
    for (const f of FEATURES) f.register(ctx);

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

    this.nb.start();
    this.notifier.status(`waiting for the OVN NB (${c.ovn.nb.remotes})`);
    const [synced] = await Promise.all([this.nb.waitSynced(c.ovn.nb.readyTimeoutSeconds * 1_000), ...FEATURES.map((f) => f.preflight?.())]);
    if (this.stopping) return;
    const status = this.health.update();
    this.notifier.ready(statusLine(status));
    this.log.info({ state: status.state, nbSynced: synced }, 'hvnetd ready');
    this.health.on('change', (s) => {
      this.notifier.status(statusLine(s));
      this.reporter?.changed();
    });
    this.reporter?.start();
    this.started = true;
  }

  /** SIGHUP: re-read the file; a bad file changes nothing (and says why). */
  async reload(): Promise<void> {
    if (!this.started || this.stopping) return; // a SIGHUP during start-up or shutdown changes nothing
    this.notifier.reloading();
    try {
      const next = await loadConfig(this.configFile);
      const needRestart = restartOnlyKeys(this.config, next);
      this.log.level = next.logLevel;
      await this.links.reconfigure(next.health.requiredLinks, next.health.pollIntervalMs);
      this.health.setRequiredNetworks(next.health.requiredNetworks);
      if (this.reporter && next.controller) {
        this.reporter.reconfigure(this.reporterOptions(next));
        this.spool?.setLimits(next.controller.spool);
      }
      const controller = Boolean(this.config.controller) === Boolean(next.controller) ? next.controller : this.config.controller;
      this.config = { ...next, ...pickRestartOnly(this.config), controller };
      for (const f of FEATURES) f.reload?.(this.config);
      if (needRestart.length > 0) this.log.warn({ keys: needRestart }, 'configuration reloaded; these keys take effect on restart only');
      else this.log.info('configuration reloaded');
    } catch (e) {
      this.log.error({ err: (e as Error).message }, 'configuration reload failed; keeping the running configuration');
    }
    this.notifier.ready(statusLine(this.health.status));
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
    await this.reporter?.stop(SHUTDOWN_FLUSH_MS);
    for (const f of FEATURES) await f.stop?.();
    this.links?.stop();
    this.nb?.close();
    await new Promise<void>((resolve) => (this.metricsServer ? this.metricsServer.close(() => resolve()) : resolve()));
    this.notifier?.stopWatchdog();
    this.log.info('hvnetd stopped');
  }

  private reporterOptions(c: Config): ReporterOptions {
    const ctl = c.controller;
    if (!ctl) throw new Error('unreachable: no controller configured');
    const o: ReporterOptions = {
      url: ctl.url,
      hostId: c.host.id,
      intervalMs: ctl.intervalSeconds * 1_000,
      timeoutMs: ctl.timeoutSeconds * 1_000,
      retryInitialMs: ctl.retry.initialSeconds * 1_000,
      retryMaxMs: ctl.retry.maxSeconds * 1_000,
    };
    if (ctl.tokenFile) o.tokenFile = ctl.tokenFile;
    if (ctl.caFile) o.caFile = ctl.caFile;
    return o;
  }

  private reportingStatus(): ReportingStatus {
    return this.reporter?.stats() ?? { enabled: false, lastSequence: 0, pending: 0, pendingBytes: 0, delivered: 0, failures: 0, dropped: 0 };
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
