// Required OVN networks. What makes a network "exist" is up to the features that define networks
// (the networks service registers one for hvnet's own, `[project/]network`); each registers a
// provider, and a network is present when any provider finds it. The built-in provider keeps the
// documented convention for rows other tools make: the name in external_ids:hvnet-network.
import type { TableCache } from '../../../lib/ovsdb/cache.js';
import type { NetworkStatus } from '../../api/status.js';
import type { MonitorNeeds } from '../ovn-nb.js';

export interface NetworkProvider {
  readonly name: string;
  /** What the provider reads from the NB cache. */
  readonly needs: MonitorNeeds;
  /** The kind of thing that provides `network` (e.g. Logical_Switch), or undefined. */
  find(network: string, cache: TableCache): string | undefined;
}

export const NETWORK_KEY = 'hvnet-network';

export const externalIdsProvider: NetworkProvider = {
  name: 'external-ids',
  needs: { Logical_Switch: ['name', 'external_ids'], Logical_Router: ['name', 'external_ids'] },
  find(network, cache) {
    for (const table of ['Logical_Router', 'Logical_Switch']) {
      for (const row of cache.table(table).values()) {
        const ids = row.external_ids;
        if (ids && typeof ids === 'object' && !(ids instanceof Map) && !Array.isArray(ids) && (ids as Record<string, unknown>)[NETWORK_KEY] === network) {
          return table;
        }
      }
    }
    return undefined;
  },
};

export class NetworkChecks {
  private readonly providers: NetworkProvider[] = [externalIdsProvider];

  add(provider: NetworkProvider): void {
    this.providers.push(provider);
  }

  get needs(): MonitorNeeds[] {
    return this.providers.map((p) => p.needs);
  }

  /**
   * A cache that never synced says nothing about presence; one that synced and lost its
   * connection still shows the last known truth (the NB being down is its own reason).
   */
  check(names: readonly string[], cache: TableCache | undefined): NetworkStatus[] {
    return names.map((name) => {
      if (!cache) return { name, present: 'unknown', ok: false };
      for (const p of this.providers) {
        const kind = p.find(name, cache);
        if (kind !== undefined) return { name, present: true, kind, ok: true };
      }
      return { name, present: false, ok: false };
    });
  }
}
