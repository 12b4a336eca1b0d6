// /metrics of the networks service, on the daemon's registry: peerings by status, the applier's
// retries, drift repairs and the errors callers got. lib/ovn stays free of prom-client: it tells
// what happened through OvnNetworks' events, counted here.
import { Counter, Gauge } from 'prom-client';
import type { Registry } from 'prom-client';
import type { PeeringSummary } from '../../../api/status.js';
import type { NetworksService } from './service.js';

type PeeringStatus = PeeringSummary['status'];
const STATUSES: readonly PeeringStatus[] = ['Created', 'Pending', 'Errored'];

export function instrumentNetworks(registry: Registry, svc: NetworksService): void {
  new Gauge({
    name: 'hvnet_peerings',
    help: "Peerings of every network in the NB (each side's declaration), by status as `network peer list` shows it.",
    labelNames: ['status'],
    registers: [registry],
    // On scrape, the status's counts brought up to date with the cache first: checking every
    // peering again per scrape held the event loop for a quarter of a second at 10,000.
    collect() {
      const c = svc.currentCounts();
      const counts: Record<PeeringStatus, number> = { Created: c.created, Pending: c.pending, Errored: c.errored };
      for (const status of STATUSES) this.set({ status }, counts[status]);
    },
  });
  const retries = new Counter({
    name: 'hvnet_ovn_plan_retries_total',
    help: 'Writes re-planned: `conflict` (a guard failed, another writer got there first), `outcome_unknown` (the connection dropped after sending).',
    labelNames: ['reason'],
    registers: [registry],
  });
  for (const reason of ['conflict', 'outcome_unknown']) retries.inc({ reason }, 0);
  const repairs = new Counter({
    name: 'hvnet_drift_repairs_total',
    help: 'Peer rows drift repair put back as declared (inserted, corrected or deleted), by this hvnetd.',
    registers: [registry],
  });
  const errors = new Counter({
    name: 'hvnet_ovn_errors_total',
    help: 'Errors the networks service returned to API callers, by code.',
    labelNames: ['code'],
    registers: [registry],
  });
  const grouped = svc.ovn.groupCommit?.stats;
  if (grouped) {
    const counter = (name: string, help: string, value: () => number): void =>
      void new Counter({
        name,
        help,
        registers: [registry],
        collect() {
          this.reset();
          this.inc(value());
        },
      });
    counter('hvnet_ovn_group_transactions_total', 'NB transactions sent for API requests (group commit: one may carry many requests).', () => grouped.transactions);
    counter('hvnet_ovn_group_requests_total', 'API requests whose plans those transactions carried.', () => grouped.requests);
    counter('hvnet_ovn_group_fallbacks_total', 'Combined transactions that failed, whose requests then went on alone.', () => grouped.fallbacks);
  }
  svc.ovn.on('retry', (kind) => retries.inc({ reason: kind === 'unknown' ? 'outcome_unknown' : 'conflict' }));
  svc.ovn.on('repaired', (changes) => repairs.inc(changes.length));
  svc.on('failed', (e) => errors.inc({ code: e.code }));
}
