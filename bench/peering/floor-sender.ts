// How the floor relay sends its prepared transactions: as hvnetd's group commit does
// (lib/ovn/group-commit.ts), a call that arrives while fewer than `maxInFlight` transactions are in
// flight is sent alone at once, and the calls that arrive while that many are in flight leave
// together as one transaction when one completes (up to 128); with `maxInFlight` 0 every call is
// its own transaction, all pipelined. A completing side waits until its pair's first side has
// committed (hvnetd's plan of it waits for the same: it guards what the first side writes).
//
// The router guards' `_version` is filled at send time: from the cache (with a monitor; the
// update of a transaction arrives before its reply, docs/ovn.md), or, without one, from what a
// read of the guarded routers' `_version` after each write returned.
import type { OvsdbClient } from '../../lib/ovsdb/client.js';
import type { Operation } from '../../lib/ovsdb/operations.js';
import { where } from '../../lib/ovsdb/operations.js';
import { uuid } from '../../lib/ovsdb/values.js';
import { WaitTimedOutError } from '../../lib/ovsdb/errors.js';
import type { Prepared } from './floor-plan.js';

interface Waiting {
  p: Prepared;
  resolve: () => void;
  reject: (e: unknown) => void;
}

export interface SenderStats {
  transactions: number;
  requests: number;
  /** Transactions refused because a guard failed (then each of their calls is sent again alone). */
  conflicts: number;
  /** Without a monitor: the read transactions that fetched the routers' versions after each write. */
  reads: number;
}

const MAX_REQUESTS = 128;

export class FloorSender {
  private readonly queue: Waiting[] = [];
  private inFlight = 0;
  readonly stats: SenderStats = { transactions: 0, requests: 0, conflicts: 0, reads: 0 };

  /** `versions`: without a monitor, every router's `_version` as last seen (the replies keep it current). */
  constructor(
    private readonly client: OvsdbClient,
    private readonly maxInFlight: number,
    private readonly versions: Map<string, string> | undefined,
  ) {}

  send(p: Prepared): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ p, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    const limit = this.maxInFlight === 0 ? Infinity : this.maxInFlight;
    while (this.inFlight < limit && this.queue.length > 0) {
      const batch: Waiting[] = [];
      const later: Waiting[] = [];
      for (const w of this.queue.splice(0)) {
        const ready = w.p.after === undefined || w.p.after.committed;
        if (ready && batch.length < (this.maxInFlight === 0 ? 1 : MAX_REQUESTS)) batch.push(w);
        else later.push(w);
      }
      this.queue.push(...later);
      if (batch.length === 0) return;
      this.inFlight += 1;
      void this.transact(batch).finally(() => {
        this.inFlight -= 1;
        this.pump();
      });
    }
  }

  private async transact(batch: Waiting[]): Promise<void> {
    try {
      await this.sendOps(batch.map((w) => w.p));
      for (const w of batch) {
        w.p.committed = true;
        w.resolve();
      }
    } catch (e) {
      if (!(e instanceof WaitTimedOutError) || batch.length === 0) {
        for (const w of batch) w.reject(e);
        return;
      }
      // Should not happen with the bench's order; counted, and each call is sent again alone.
      this.stats.conflicts += 1;
      for (const w of batch) {
        try {
          await this.sendOps([w.p]);
          w.p.committed = true;
          w.resolve();
        } catch (again) {
          w.reject(again);
        }
      }
    }
  }

  private async sendOps(ps: Prepared[]): Promise<void> {
    const cache = this.versions === undefined ? this.client.cache : undefined;
    const ops: Operation[] = [];
    for (const p of ps) {
      for (const s of p.versionSlots) {
        const v = cache ? (cache.get('Logical_Router', s.router) as { _version?: string } | undefined)?._version : this.versions?.get(s.router);
        if (v === undefined) throw new Error(`floor: no _version known for router ${s.router}`);
        s.cond[2] = uuid(v);
      }
      for (const o of p.ops) ops.push(o);
    }
    this.stats.transactions += 1;
    this.stats.requests += ps.length;
    await this.client.transact(ops);
    if (this.versions) await this.readVersions(ps);
  }

  /**
   * Without a cache, the routers' new `_version`: read by a select once the write has committed (a
   * select in the write's own transaction still sees the version from before the commit).
   */
  private async readVersions(ps: Prepared[]): Promise<void> {
    const routers = [...new Set(ps.flatMap((p) => p.versionSlots.map((s) => s.router)))];
    this.stats.reads += 1;
    const { results } = await this.client.transact(routers.map((r) => ({ op: 'select', table: 'Logical_Router', where: [where('_uuid', '==', uuid(r))], columns: ['_version'] })));
    routers.forEach((r, i) => {
      const res = results[i];
      const v = res?.op === 'select' ? res.rows[0]?._version : undefined;
      if (Array.isArray(v) && typeof v[1] === 'string') this.versions?.set(r, v[1]);
    });
  }
}
