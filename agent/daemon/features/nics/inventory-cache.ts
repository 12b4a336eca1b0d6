// The inventory (every domain with its direct NICs, live and persistent) kept in memory, so that an
// attach does not re-read every domain's two XML documents (a few ms each time). libvirt's events
// say which domain changed (lifecycle: defined, undefined, started, stopped…; DEVICE_ADDED;
// DEVICE_REMOVED): that domain alone is read again before the cache is used. A full read happens
// at the first use, after a (re)connection, and when invalidateAll() is called (the service does
// so periodically: a change that emits no event, e.g. `virsh attach-device --config` by another
// client, is seen at the latest then).
import { ListDomainsFlags } from '../../../../lib/libvirt/constants.js';
import { LibvirtCallError } from '../../../../lib/libvirt/errors.js';
import { readDomain, readInventory } from './inventory.js';
import type { DomainView } from './inventory.js';
import type { LibvirtLink } from './libvirt-link.js';

/** Rounds of per-domain re-reads before giving up and reading everything (events keep coming). */
const MAX_ROUNDS = 3;

export class InventoryCache {
  private views = new Map<string, DomainView>();
  private loaded = false;
  /** Every invalidation gets a new stamp, so a read that raced an event does not clear it. */
  private stamp = 0;
  private fullStamp = 0;
  private readonly dirty = new Map<string, number>();
  private running: Promise<unknown> = Promise.resolve();

  constructor(private readonly link: LibvirtLink) {}

  /** The domain with this UUID changed (an event, or a change hvnetd made itself). */
  invalidate(uuid: string): void {
    this.dirty.set(uuid, ++this.stamp);
  }

  /** Everything is read again at the next use (reconnection, the periodic safety net). */
  invalidateAll(): void {
    this.loaded = false;
    this.fullStamp = ++this.stamp;
  }

  /** The inventory, sorted by name, with every invalidated domain read again first. */
  fresh(): Promise<DomainView[]> {
    // One refresh at a time: two concurrent ones could store an older read over a newer one.
    const next = this.running.then(
      () => this.doFresh(),
      () => this.doFresh(),
    );
    this.running = next.catch(() => undefined);
    return next;
  }

  private async doFresh(): Promise<DomainView[]> {
    for (let round = 0; this.loaded && this.dirty.size > 0 && round < MAX_ROUNDS; round++) {
      const batch = [...this.dirty];
      // Whether a running domain is persistent is only in the list (its INACTIVE XML would be the live one).
      const persistent = new Set((await this.link.call('listAllDomains', (c) => c.listAllDomains(ListDomainsFlags.PERSISTENT))).map((d) => d.uuid));
      await Promise.all(batch.map(([uuid, s]) => this.reload(uuid, s, persistent)));
    }
    if (!this.loaded || this.dirty.size > 0) {
      const s = this.stamp;
      const views = await readInventory(this.link);
      this.views = new Map(views.map((v) => [v.info.uuid, v]));
      for (const [uuid, d] of this.dirty) if (d <= s) this.dirty.delete(uuid);
      if (this.fullStamp <= s) this.loaded = true;
    }
    return [...this.views.values()].sort((a, b) => a.info.name.localeCompare(b.info.name));
  }

  private async reload(uuid: string, s: number, persistent: ReadonlySet<string>): Promise<void> {
    let view: DomainView | undefined;
    try {
      const info = await this.link.call('lookupByUUID', (c) => c.lookupDomainByUUID(uuid));
      view = await readDomain(this.link, info, info.id < 0 || persistent.has(uuid));
    } catch (e) {
      if (!(e instanceof LibvirtCallError && e.isNoDomain)) throw e;
    }
    if (view === undefined) this.views.delete(uuid);
    else this.views.set(uuid, view);
    if (this.dirty.get(uuid) === s) this.dirty.delete(uuid);
  }
}
