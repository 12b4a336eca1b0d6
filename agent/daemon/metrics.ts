// Prometheus metrics. One Registry per daemon, on the daemon context, so the metrics of every
// service and feature land on the same /metrics page; the endpoint itself is off unless
// metrics.listen is set, since it tells anyone who can reach it what this host runs.
import http from 'node:http';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { NbConnection } from './ovn-nb.js';
import type { Reporter } from './reports/reporter.js';
import type { Spool } from './reports/spool.js';
import type { HostHealth } from './health/host-health.js';
import type { Logger } from '../logger.js';

export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  // The event-loop lag gauges come from a libuv timer that ticks at this precision, and each
  // sample is the time between two ticks: a block reads as at most one tick longer than it was.
  // prom-client's default 10 ms costs an idle hvnetd about 7 ms of CPU per second (100 wake-ups);
  // 20 ms halves that and keeps a block of 100 ms (the scale goal) well apart from the tick.
  collectDefaultMetrics({ register: registry, prefix: 'hvnetd_', eventLoopMonitoringPrecision: 20 });
  return registry;
}

export function instrumentNb(registry: Registry, nb: NbConnection): void {
  const latency = new Histogram({
    name: 'hvnet_ovsdb_transaction_duration_seconds',
    help: 'OVN NB transactions, from send to reply.',
    labelNames: ['result'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const reconnects = new Counter({ name: 'hvnet_ovsdb_reconnects_total', help: 'Connections to the OVN NB after the first.', registers: [registry] });
  new Gauge({
    name: 'hvnet_ovsdb_connected',
    help: '1 while connected to the OVN NB with a synced cache.',
    registers: [registry],
    collect() {
      this.set(nb.connected ? 1 : 0);
    },
  });
  new Gauge({
    name: 'hvnet_ovsdb_cache_rows',
    help: 'Rows in the NB cache, per table.',
    labelNames: ['table'],
    registers: [registry],
    collect() {
      const cache = nb.client.monitor?.cache;
      if (!cache) return;
      for (const t of cache.tables) this.set({ table: t }, cache.table(t).size);
    },
  });
  nb.on('transaction', ({ seconds, ok }) => latency.observe({ result: ok ? 'ok' : 'error' }, seconds));
  nb.on('reconnected', () => reconnects.inc());
}

export function instrumentReports(registry: Registry, reporter: Reporter, spool: Spool): void {
  const failures = new Counter({ name: 'hvnet_report_failures_total', help: 'Failed report delivery attempts.', registers: [registry] });
  const delivered = new Counter({ name: 'hvnet_reports_delivered_total', help: 'Reports the controller accepted.', registers: [registry] });
  new Gauge({
    name: 'hvnet_report_spool_reports',
    help: 'Reports waiting in the spool.',
    registers: [registry],
    collect() {
      this.set(spool.stats.pending);
    },
  });
  new Gauge({
    name: 'hvnet_report_spool_bytes',
    help: 'Bytes of reports waiting in the spool.',
    registers: [registry],
    collect() {
      this.set(spool.stats.pendingBytes);
    },
  });
  new Gauge({
    name: 'hvnet_reports_dropped',
    help: 'Reports of this stream dropped so far (spool full or refused); kept across restarts.',
    registers: [registry],
    collect() {
      this.set(spool.stats.dropped);
    },
  });
  reporter.on('failed', () => failures.inc());
  reporter.on('delivered', () => delivered.inc());
}

export function instrumentHealth(registry: Registry, health: HostHealth): void {
  new Gauge({
    name: 'hvnet_host_operational',
    help: '1 when every required link and network is there and the NB is connected.',
    registers: [registry],
    collect() {
      this.set(health.status.state === 'operational' ? 1 : 0);
    },
  });
}

/** Serves GET /metrics on `listen` (ADDRESS:PORT). */
export async function startMetricsServer(listen: string, registry: Registry, log: Logger): Promise<http.Server> {
  const i = listen.lastIndexOf(':');
  const host = listen.slice(0, i).replace(/^\[(.*)\]$/, '$1');
  const port = Number(listen.slice(i + 1));
  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('only GET /metrics here\n');
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (e: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`${(e as Error).message}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (e) => log.error({ err: e }, 'metrics endpoint error'));
  log.info({ listen }, 'metrics endpoint listening');
  return server;
}
