// The floor relay's transactions, prepared before the clock with lib/ovn's own planner
// (planCreatePeering, pure: cache in, operations out), so each is the transaction hvnetd sends for
// that call: the first side's declaration under guards on both routers, and the completing side's
// declaration with both sides' ports and routes under the same guards.
//
// The second side is planned as hvnetd plans it, against a cache that holds the first side's
// declaration: the planning connection's cache is given that change (the planned mutation of the
// first side, applied as the server's update would be), never sent. The one thing no plan can
// know beforehand is a router's `_version` after the transactions before it (the guard of
// guards.ts is one condition on it): each guard keeps a slot that the relay fills at send time from
// what it knows then (its cache, or the replies when it keeps none).
import { OvsdbClient } from '../../lib/ovsdb/client.js';
import { withRowTypes } from '../../lib/ovsdb/cache.js';
import type { Condition, Operation } from '../../lib/ovsdb/operations.js';
import type { WireValue } from '../../lib/ovsdb/values.js';
import { ovnNorthboundSchema } from '../../lib/ovn/schema/ovn-nb.generated.js';
import { NB_TABLES, nbMonitorOptions } from '../../lib/ovn/schema-check.js';
import { REMOTE_NB_TABLES } from '../../lib/ovn/remote/nb-rows.js';
import { planCreatePeering } from '../../lib/ovn/peering-plan.js';
import { NbView } from '../../lib/ovn/state.js';
import { mergeNeeds } from '../../agent/daemon/ovn-nb.js';
import { NetworkChecks } from '../../agent/daemon/health/networks.js';
import { peeringDocument } from '../../agent/daemon/features/networks/documents.js';
import type { MonitorOptions } from '../../lib/ovsdb/monitor.js';
import { firstSide, secondSide } from './workload.js';
import type { Decl } from './workload.js';

/** What hvnetd monitors (services.ts merges the same three needs), with the same extra indexes. */
export function hvnetdMonitor(): MonitorOptions {
  return { tables: mergeNeeds(...new NetworkChecks().needs, NB_TABLES, REMOTE_NB_TABLES), extraIndexes: nbMonitorOptions().extraIndexes ?? {} };
}

/** One call's answer, ready to send. */
export interface Prepared {
  /** The plan's operations, guards first. */
  ops: Operation[];
  /** The `_version` condition of each router guard, and the router it is about. */
  versionSlots: { router: string; cond: Condition }[];
  /** The result hvnetd returns for the call (its peering document), as JSON. */
  reply: string;
  /** The first side of the same pair, for the completing side: its guards read what that one writes. */
  after: Prepared | undefined;
  committed: boolean;
}

/**
 * Both sides of pairs 0..n-1, by the network the call names (each network has one peering).
 * `versions` is filled with every router's `_version` as the planning cache saw it.
 */
export async function prepareFloor(remote: string, n: number, versions: Map<string, string>): Promise<Map<string, Prepared>> {
  const c = await OvsdbClient.connect({ remotes: remote, schema: ovnNorthboundSchema, monitor: hvnetdMonitor() });
  const view = new NbView(withRowTypes(c.cache, ovnNorthboundSchema, NB_TABLES));
  try {
    for (const r of view.cache.table('Logical_Router').values()) versions.set(r._uuid, r._version);
    const out = new Map<string, Prepared>();
    for (let p = 0; p < n; p++) {
      const one = plan(view, firstSide(p), undefined, 'pending');
      // The first side as committed: its declaration on its router, as the update would bring it.
      const declare = one.ops.find((o) => o.op === 'mutate' && o.table === 'Logical_Router');
      const inserted = declare?.op === 'mutate' ? declare.mutations.find((m) => m[1] === 'insert')?.[2] : undefined;
      const router = declare?.op === 'mutate' ? uuidOf(declare.where[0]?.[2]) : undefined;
      if (inserted === undefined || router === undefined) throw new Error(`floor: the plan of ${JSON.stringify(firstSide(p))} writes no declaration`);
      c.cache.applyUpdates({ Logical_Router: { [router]: { modify: { external_ids: inserted } } } });
      const two = plan(view, secondSide(p), one, 'created');
      out.set(firstSide(p).network, one);
      out.set(secondSide(p).network, two);
    }
    return out;
  } finally {
    view.close();
    c.close();
  }
}

function plan(view: NbView, d: Decl, after: Prepared | undefined, status: 'pending' | 'created'): Prepared {
  const planned = planCreatePeering(view, { project: 'default', ...d });
  if (planned.result.status !== status) throw new Error(`floor: ${JSON.stringify(d)} planned as ${planned.result.status}, not ${status}`);
  const versionSlots: Prepared['versionSlots'] = [];
  for (const o of planned.operations) {
    if (o.op !== 'wait' || o.table !== 'Logical_Router') continue;
    const [at, version] = o.where;
    const router = uuidOf(at?.[2]);
    if (at?.[0] === '_uuid' && version?.[0] === '_version' && router !== undefined) versionSlots.push({ router, cond: version });
  }
  if (versionSlots.length !== 2) throw new Error(`floor: ${JSON.stringify(d)} planned with ${versionSlots.length} router guards, not 2`);
  return { ops: planned.operations, versionSlots, reply: JSON.stringify(peeringDocument(planned.result)), after, committed: false };
}

function uuidOf(v: WireValue | undefined): string | undefined {
  return Array.isArray(v) && v[0] === 'uuid' && typeof v[1] === 'string' ? v[1] : undefined;
}
