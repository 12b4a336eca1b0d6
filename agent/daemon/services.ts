// The daemon's host-level services: made once at start, handed to every feature through the
// context, checked before READY and stopped after the features, all in this file. A feature that
// needs another's work (an OVN NIC needs the networks) uses the service, not the feature.
//
// The NB connection is the one way to the NB: the networks service (and anything else that
// writes there) sends its transactions through NbConnection.transact, which times and logs them.
import type { Registry } from 'prom-client';
import { ConfigError } from '../api/errors.js';
import type { Config } from '../config/schema.js';
import type { Logger } from '../logger.js';
import { parseRange } from '../../lib/macpool/mac.js';
import { MacPoolError } from '../../lib/macpool/errors.js';
import { VERSION } from '../version.js';
import { NbConnection, mergeNeeds } from './ovn-nb.js';
import { LinkWatcher } from './health/links.js';
import { NetworkChecks } from './health/networks.js';
import { HostHealth } from './health/host-health.js';
import { Spool } from './reports/spool.js';
import { Reporter } from './reports/reporter.js';
import type { ReporterOptions } from './reports/reporter.js';
import { instrumentHealth, instrumentNb, instrumentReports } from './metrics.js';
import { NetworksService } from './features/networks/service.js';
import { RemotePeerings } from './features/integrations/remote-service.js';
import { REMOTE_NB_TABLES } from '../../lib/ovn/remote/nb-rows.js';
import { hvnetNetworkProvider } from './features/networks/health-provider.js';
import { instrumentNetworks } from './features/networks/metrics.js';
import { LibvirtLink } from './features/nics/libvirt-link.js';
import { createNicMetrics } from './features/nics/metrics.js';
import type { NicMetrics } from './features/nics/metrics.js';
import { NicService } from './features/nics/service.js';
import { NETWORK_ONLY_MESSAGE } from './health/libvirt-use.js';
import { OvsLink } from './features/nics/ovs-link.js';
import { queryPortChassis } from '../../lib/ovn/port-binding-chassis.js';

export interface Services {
  readonly nb: NbConnection;
  readonly links: LinkWatcher;
  readonly health: HostHealth;
  /** With a controller configured: the reports waiting for it, and what sends them. */
  readonly spool: Spool | undefined;
  readonly reporter: Reporter | undefined;
  readonly libvirt: LibvirtLink;
  readonly networks: NetworksService;
  /** Remote peerings' reconciler (IC-NB, this AZ's rows) and their warnings, shown with the peerings. */
  readonly remotePeerings: RemotePeerings;
  readonly nics: NicService;
  readonly nicMetrics: NicMetrics;
  readonly ovs: OvsLink;
}

export interface ServiceOptions {
  config: Config;
  configFile: string;
  log: Logger;
  metrics: Registry;
  startedAt: Date;
}

/** Nothing connects yet: hvnetd starts libvirt and the NB (nb.start, libvirt.start) once the features are made. */
export async function createServices(o: ServiceOptions): Promise<Services> {
  const { config: c, log, metrics } = o;
  // First, so that a bad range starts nothing.
  const range = macRange(c, o.configFile);
  const networkChecks = new NetworkChecks();
  const nb = new NbConnection(
    {
      remotes: c.ovn.nb.remotes,
      ...(c.ovn.nb.ssl ? { ssl: c.ovn.nb.ssl } : {}),
      inactivityProbeMs: c.ovn.nb.inactivityProbeMs,
      connectTimeoutMs: c.ovn.nb.connectTimeoutMs,
      tables: mergeNeeds(...networkChecks.needs, NetworksService.nbNeeds, REMOTE_NB_TABLES),
    },
    log,
  );
  const links = new LinkWatcher(c.health.requiredLinks, c.health.pollIntervalMs);
  await links.start();
  const health = new HostHealth({
    hostId: c.host.id,
    libvirtUri: c.libvirt.uri,
    version: VERSION,
    startedAt: o.startedAt,
    nb,
    links,
    networks: networkChecks,
    requiredNetworks: c.health.requiredNetworks,
  });
  let spool: Spool | undefined;
  let reporter: Reporter | undefined;
  if (c.controller) {
    spool = new Spool(c.stateDir, c.controller.spool, log);
    await spool.open();
    reporter = new Reporter(reporterOptions(c), spool, () => health.status, log, () => health.peerings);
    instrumentReports(metrics, reporter, spool);
  }
  instrumentNb(metrics, nb);
  instrumentHealth(metrics, health);

  const networks = new NetworksService(nb, log);
  const remotePeerings = new RemotePeerings(nb, networks, log);
  networkChecks.add(hvnetNetworkProvider(networks.ovn.view));
  instrumentNetworks(metrics, networks);
  const nicMetrics = createNicMetrics(metrics);
  const libvirt = new LibvirtLink(c.libvirt.uri, log, nicMetrics.observeCall, dropAfterAttach(log));
  if (!c.libvirt.enabled) libvirt.markUnused(NETWORK_ONLY_MESSAGE);
  const ovs = new OvsLink(c.libvirt.ovsDbSocket, log);
  // Orphan VM ports are judged by their SB binding (a migrated VM's port is bound elsewhere).
  const sbConfig = c.ovn.sb;
  const nics = new NicService(libvirt, c.stateDir, range, log, {
    networks,
    ovs,
    hostId: c.host.id,
    orphanGraceMs: c.libvirt.orphanPortGraceSeconds * 1_000,
    ...(sbConfig === undefined ? {} : { bindings: (ports: readonly string[]) => queryPortChassis({ remotes: sbConfig.remotes, ...(sbConfig.ssl ? { ssl: sbConfig.ssl } : {}), connectTimeoutMs: 5_000 }, ports) }),
  });
  nicMetrics.bind(libvirt, nics);
  return { nb, links, health, spool, reporter, libvirt, networks, remotePeerings, nics, nicMetrics, ovs };
}

/**
 * What hvnetd waits for before READY besides the NB cache: the NB's schema (a rejection refuses
 * the start, with its HvnetError's exit code) and the first attempt to reach libvirt (bounded
 * like the NB's wait: it ends at once when no libvirtd runs, and READY's STATUS then says
 * `libvirt disconnected`).
 */
export async function preflightServices(s: Services, c: Config, log: Logger): Promise<void> {
  await Promise.all([NetworksService.checkSchemaAtStart(c, log), s.libvirt.waitFirstAttempt(c.ovn.nb.readyTimeoutSeconds * 1_000)]);
}

/** After the features; the reporter has been flushed by then. */
export async function stopServices(s: Services): Promise<void> {
  s.remotePeerings.close();
  await s.networks.close();
  s.nics.stop();
  s.ovs.stop();
  await s.libvirt.stop();
  s.links.stop();
  s.nb.close();
}

export function reporterOptions(c: Config): ReporterOptions {
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

/**
 * TEST ONLY: HVNET_TEST_DROP_LIBVIRT_AFTER_ATTACH=1 makes every libvirt attach lose its answer and
 * the connection right after it was sent, as when libvirtd goes away during an attach
 * (docs/libvirt.md#libvirtd-lost-during-an-attach). Read once, at start; said loudly in the log.
 */
export const DROP_AFTER_ATTACH_ENV = 'HVNET_TEST_DROP_LIBVIRT_AFTER_ATTACH';

function dropAfterAttach(log: Logger): readonly string[] {
  if (process.env[DROP_AFTER_ATTACH_ENV] !== '1') return [];
  log.warn({ env: DROP_AFTER_ATTACH_ENV }, 'TEST HOOK: the libvirt connection is dropped after every attach is sent');
  return ['attachDevice'];
}

function macRange(c: Config, file: string): string {
  const range = `${c.macPool.start}-${c.macPool.end}`;
  try {
    parseRange(range, 'macPool');
  } catch (e) {
    if (e instanceof MacPoolError) throw new ConfigError(file, [{ path: 'macPool', message: e.message }]);
    throw e;
  }
  return range;
}
