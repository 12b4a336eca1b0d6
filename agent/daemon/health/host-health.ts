// Keeps the host's status current: every input (link poll, NB state, NB cache batch, reload)
// re-evaluates it, and a `change` event fires only when something an operator would care about
// moved, which is what drives controller reports.
import { EventEmitter } from 'node:events';
import { hostname } from 'node:os';
import { NO_PEERINGS } from '../../api/status.js';
import type { HostStatus, LinkStatus, PeeringSummary } from '../../api/status.js';
import type { NbConnection } from '../ovn-nb.js';
import type { LinkWatcher } from './links.js';
import type { NetworkChecks } from './networks.js';
import { evaluateHealth } from './host-state.js';

export interface HealthSources {
  hostId: string;
  libvirtUri: string;
  version: string;
  startedAt: Date;
  nb: NbConnection;
  links: LinkWatcher;
  networks: NetworkChecks;
  requiredNetworks: readonly string[];
}

/** A feature's contribution to the status (the peering feature fills `peerings`, the NIC feature `nics` and `libvirt`). */
export type StatusContributor = (status: HostStatus) => void;

/**
 * Every peering of the host, for reports (the status itself carries counts only): `version`
 * changes when the list would, so a change is seen without making the list (every peering of
 * the host) on each update; `list` is made when a report asks for it.
 */
export interface PeeringSource {
  version(): number;
  list(): readonly PeeringSummary[];
}

/** How long NB batches gather before the status is made again (the status's own cost, per burst). */
const UPDATE_SOON_MS = 25;

const NONE: readonly PeeringSummary[] = [];
const NO_SOURCE: PeeringSource = { version: () => 0, list: () => NONE };

export class HostHealth extends EventEmitter<{ change: [HostStatus] }> {
  private current: HostStatus | undefined;
  private key = '';
  private nbEverSynced = false;
  private readonly contributors: StatusContributor[] = [];
  private peeringSource: PeeringSource = NO_SOURCE;
  private peeringVersion = 0;
  /** An update due shortly (updateSoon). */
  private pending: NodeJS.Timeout | undefined;

  constructor(private sources: HealthSources) {
    super();
    sources.links.on('change', () => this.update());
    sources.nb.on('state', (s) => {
      if (s.state === 'connected') this.nbEverSynced = true;
      this.update();
    });
    sources.nb.client.monitor?.cache.on('batch', () => this.updateSoon());
  }

  /**
   * NB batches come by the thousand in a burst of writes: the status is made again once per
   * UPDATE_SOON_MS, not per batch nor per turn of the event loop (a turn per NB reply made it
   * hundreds of times a second). A read in between makes it at once, so what is read is current;
   * only the `change` event comes up to that much later.
   */
  private updateSoon(): void {
    if (this.pending) return;
    this.pending = setTimeout(() => {
      if (this.pending) this.update();
    }, UPDATE_SOON_MS);
    this.pending.unref();
  }

  addContributor(c: StatusContributor): void {
    this.contributors.push(c);
  }

  setPeeringSource(source: PeeringSource): void {
    this.peeringSource = source;
  }

  /** The peerings (what reports send deltas of): made when asked for, as of the source's last change. */
  get peerings(): readonly PeeringSummary[] {
    return this.peeringSource.list();
  }

  setRequiredNetworks(names: readonly string[]): void {
    this.sources = { ...this.sources, requiredNetworks: names };
    this.update();
  }

  get status(): HostStatus {
    return this.current && !this.pending ? this.current : this.update();
  }

  update(): HostStatus {
    clearTimeout(this.pending);
    this.pending = undefined;
    const s = this.sources;
    const nb = s.nb.status();
    const links: LinkStatus[] = s.links.links;
    const networks = s.networks.check(s.requiredNetworks, this.nbEverSynced ? s.nb.cache : undefined);
    const next: HostStatus = {
      host: { id: s.hostId, hostname: hostname() },
      state: 'operational',
      since: '',
      reasons: [],
      ovn: { nb },
      libvirt: { state: 'not yet managed', uri: s.libvirtUri, message: 'the libvirt binding is not part of this version' },
      links,
      networks,
      peerings: NO_PEERINGS,
      nics: [],
      agent: { version: s.version, startedAt: s.startedAt.toISOString() },
    };
    for (const c of this.contributors) c(next);
    // After the contributors: the libvirt connection is the NIC feature's to fill. A reason a
    // contributor gave itself stays, once (the same code and subject are one reason).
    const verdict = evaluateHealth({ nb, links, networks, libvirt: next.libvirt });
    const seen = new Set(verdict.reasons.map((r) => `${r.code}\0${r.subject}`));
    const reasons = [...verdict.reasons, ...next.reasons.filter((r) => !seen.has(`${r.code}\0${r.subject}`))];
    const state = reasons.length === 0 ? verdict.state : 'non-operational';
    next.state = state;
    next.reasons = reasons;
    next.since = this.current && this.current.state === state ? this.current.since : new Date().toISOString();
    // The status holds counts and at most a few problem peerings, so comparing it costs the same
    // at any size; the full list by its source's version.
    const key = JSON.stringify(next);
    const version = this.peeringSource.version();
    const changed = key !== this.key || version !== this.peeringVersion;
    this.current = next;
    this.peeringVersion = version;
    if (changed) {
      this.key = key;
      this.emit('change', next);
    }
    return next;
  }
}
