// Keeps the host's status current: every input (link poll, NB state, NB cache batch, reload)
// re-evaluates it, and a `change` event fires only when something an operator would care about
// moved, which is what drives controller reports.
import { EventEmitter } from 'node:events';
import { hostname } from 'node:os';
import type { HostStatus, LinkStatus } from '../../api/status.js';
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

/** A feature's contribution to the status (the peering feature fills `peerings`, the NIC feature `nics`). */
export type StatusContributor = (status: HostStatus) => void;

export class HostHealth extends EventEmitter<{ change: [HostStatus] }> {
  private current: HostStatus | undefined;
  private key = '';
  private nbEverSynced = false;
  private batchPending = false;
  private readonly contributors: StatusContributor[] = [];

  constructor(private sources: HealthSources) {
    super();
    sources.links.on('change', () => this.update());
    sources.nb.on('state', (s) => {
      if (s.state === 'connected') this.nbEverSynced = true;
      this.update();
    });
    // Once per turn of the event loop, however many NB batches it read: a burst of writes
    // (a client pipelining requests) would otherwise re-evaluate the status per transaction.
    sources.nb.client.monitor?.cache.on('batch', () => {
      if (this.batchPending) return;
      this.batchPending = true;
      setImmediate(() => {
        if (this.batchPending) this.update();
      });
    });
  }

  addContributor(c: StatusContributor): void {
    this.contributors.push(c);
  }

  setRequiredNetworks(names: readonly string[]): void {
    this.sources = { ...this.sources, requiredNetworks: names };
    this.update();
  }

  get status(): HostStatus {
    return this.current === undefined || this.batchPending ? this.update() : this.current;
  }

  update(): HostStatus {
    this.batchPending = false;
    const s = this.sources;
    const nb = s.nb.status();
    const links: LinkStatus[] = s.links.links;
    const networks = s.networks.check(s.requiredNetworks, this.nbEverSynced ? s.nb.cache : undefined);
    const { state, reasons } = evaluateHealth({ nb, links, networks });
    const next: HostStatus = {
      host: { id: s.hostId, hostname: hostname() },
      state,
      since: this.current && this.current.state === state ? this.current.since : new Date().toISOString(),
      reasons,
      ovn: { nb },
      libvirt: { state: 'not yet managed', uri: s.libvirtUri, message: 'the libvirt binding is not part of this version' },
      links,
      networks,
      peerings: [],
      nics: [],
      agent: { version: s.version, startedAt: s.startedAt.toISOString() },
    };
    for (const c of this.contributors) c(next);
    // A contributor may have added a reason (libvirt-use.ts): the verdict and its time follow.
    if (next.reasons.length > 0) next.state = 'non-operational';
    if (next.state !== state) next.since = this.current?.state === next.state ? this.current.since : new Date().toISOString();
    // The peering summary is a new array only when its content changed, so it is compared by
    // identity: stringifying a hub's thousands of peerings on every NB batch made the work per
    // NB change grow with them.
    const key = JSON.stringify({ ...next, peerings: [] });
    const before = this.current?.peerings;
    const samePeerings = next.peerings === before || (next.peerings.length === 0 && before?.length === 0);
    const changed = key !== this.key || !samePeerings;
    this.current = next;
    if (changed) {
      this.key = key;
      this.emit('change', next);
    }
    return next;
  }
}
