// Three hvnetd (three OvnNetworks, each with its own client) on one 3-member RAFT Northbound:
// networks and both sides of 100 peerings declared at random across them, concurrently, while
// the NB leader is SIGKILLed. Every peering must end created exactly once (two ports and the
// right routes per pair, nothing duplicated), and nothing may be left once all are deleted.
import assert from 'node:assert/strict';
import { startOvn } from '../../testbed/ovn.js';
import type { OvnHandle } from '../../testbed/ovn.js';
import { waitFor } from '../../testbed/exec.js';
import { OvsdbClient } from '../../lib/ovsdb/client.js';
import { select } from '../../lib/ovsdb/operations.js';
import { ovnNorthboundSchema } from '../../lib/ovn/schema/ovn-nb.generated.js';
import type { OvnNetworks } from '../../lib/ovn/networks.js';
import type { NetworkInfo } from '../../lib/ovn/network-plan.js';
import { EXT, rowNames } from '../../lib/ovn/ids.js';
import { openNetworks } from './helpers.js';

/** A small deterministic generator, so a failure can be replayed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

async function runAll<T>(items: readonly T[], width: number, fn: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: width }, worker));
}

interface Rows {
  ports: { name: string; ext: Record<string, string> }[];
  routes: { prefix: string; nexthop: string; out: string; ext: Record<string, string> }[];
}

async function peerRows(remotes: string): Promise<Rows> {
  const c = await OvsdbClient.connect({ remotes, schema: ovnNorthboundSchema });
  try {
    const { results } = await c.transact([
      select('Logical_Router_Port', [], ['name', 'external_ids']),
      select('Logical_Router_Static_Route', [], ['ip_prefix', 'nexthop', 'output_port', 'external_ids']),
    ]);
    const rowsOf = (i: number): Record<string, unknown>[] => {
      const r = results[i];
      return r?.op === 'select' ? r.rows : [];
    };
    const ext = (v: unknown): Record<string, string> => Object.fromEntries((Array.isArray(v) && Array.isArray(v[1]) ? (v[1] as [string, string][]) : []));
    return {
      ports: rowsOf(0)
        .map((r) => ({ name: String(r.name), ext: ext(r.external_ids) }))
        .filter((p) => p.ext[EXT.peerId] !== undefined),
      routes: rowsOf(1)
        .map((r) => ({ prefix: String(r.ip_prefix), nexthop: String(r.nexthop), out: JSON.stringify(r.output_port), ext: ext(r.external_ids) }))
        .filter((p) => p.ext[EXT.peerId] !== undefined),
    };
  } finally {
    c.close();
  }
}

describe('ovn peering: three hvnetd on a RAFT NB, leader killed', function () {
  this.timeout(240_000);
  let ovn: OvnHandle;
  const agents: OvnNetworks[] = [];
  const retries = { conflict: 0, unknown: 0 };

  before(async () => {
    ovn = await startOvn({ clustered: 3 });
    for (let i = 0; i < 3; i++) {
      // Two of the three send with group commit (as hvnetd does), one a transaction per request.
      const agent = await openNetworks(ovn.nbRemotes, { groupCommit: i > 0 });
      agent.on('retry', (kind) => (retries[kind] += 1));
      agents.push(agent);
    }
  });
  after(async () => {
    for (const a of agents) await a.close();
    await ovn?.stop();
  });

  it('200 declarations (100 pairs) from random agents: each pair created exactly once; all gone after delete', async () => {
    const random = rng(20240607);
    const pick = (): OvnNetworks => agents[Math.floor(random() * agents.length)] as OvnNetworks;
    const N_NETS = 50;
    // Networks, created concurrently from all three agents (ids allocated optimistically).
    const names = Array.from({ length: N_NETS }, (_, i) => `n${i}`);
    const nets = new Map<string, NetworkInfo>();
    await runAll(names, 12, async (name, i) => {
      const ipv6 = i % 5 === 0 ? undefined : `fd42:77:${i.toString(16)}::1/64`;
      nets.set(name, await pick().createNetwork({ name, ipv4: `10.77.${i}.1/24`, ...(ipv6 ? { ipv6 } : {}) }));
    });
    assert.equal(new Set([...nets.values()].map((n) => n.id)).size, N_NETS, 'distinct ids');
    // Another host sees a network once its cache has the update: wait for that, as a user would.
    for (const agent of agents) {
      await waitFor('all networks in every agent\'s cache', () => (agent.listNetworks().length === N_NETS ? true : undefined), 10_000);
    }

    // 100 distinct pairs.
    const pairs: [number, number][] = [];
    const seen = new Set<string>();
    while (pairs.length < 100) {
      const x = Math.floor(random() * N_NETS);
      const y = Math.floor(random() * N_NETS);
      if (x === y || seen.has(`${Math.min(x, y)}-${Math.max(x, y)}`)) continue;
      seen.add(`${Math.min(x, y)}-${Math.max(x, y)}`);
      pairs.push([x, y]);
    }
    const decls = pairs.flatMap(([x, y]) => [
      { network: `n${x}`, name: `to-n${y}`, target: `n${y}` },
      { network: `n${y}`, name: `to-n${x}`, target: `n${x}` },
    ]);
    for (let i = decls.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [decls[i], decls[j]] = [decls[j] as (typeof decls)[number], decls[i] as (typeof decls)[number]];
    }

    let done = 0;
    let killed: Promise<number> | undefined;
    const t0 = Date.now();
    await runAll(decls, 24, async (d) => {
      await pick().createPeering(d);
      done += 1;
      if (done === 60) killed = ovn.killLeader();
    });
    const killedIndex = await killed;
    assert.notEqual(killedIndex, undefined, 'the leader was killed mid-run');
    const createMs = Date.now() - t0;
    const during = { ...retries };
    // The kill must have cut transactions in flight, or this test proved nothing about them.
    assert.ok(during.unknown > 0, 'some transactions had an unknown outcome');

    // Every agent's cache converges on the same picture: all 200 created.
    for (const agent of agents) {
      await waitFor('every peering created in this agent\'s view', () => {
        const statuses = decls.map((d) => agent.showPeering(d).status);
        return statuses.every((s) => s === 'created') ? true : undefined;
      }, 20_000);
    }
    const rows = await peerRows(ovn.nbRemotes);
    assert.equal(rows.ports.length, 200, 'exactly two ports per pair');
    assert.equal(new Set(rows.ports.map((p) => p.name)).size, 200, 'no duplicate port');
    const routeKey = (r: Rows['routes'][number]): string => `${r.ext[EXT.id]}>${r.prefix}>${r.nexthop}>${r.out}`;
    assert.equal(new Set(rows.routes.map(routeKey)).size, rows.routes.length, 'no duplicate route');
    let expectedRoutes = 0;
    for (const [x, y] of pairs) {
      const a = nets.get(`n${x}`) as NetworkInfo;
      const b = nets.get(`n${y}`) as NetworkInfo;
      const both6 = a.ipv6 !== null && b.ipv6 !== null;
      for (const [l, r] of [[a, b], [b, a]] as const) {
        assert.ok(rows.ports.some((p) => p.name === rowNames.peerPort(l.id, r.id)), `port ${l.name}->${r.name}`);
        const mine = rows.routes.filter((rt) => rt.ext[EXT.id] === String(l.id) && rt.ext[EXT.peerId] === String(r.id));
        assert.equal(mine.length, both6 ? 2 : 1, `routes ${l.name}->${r.name}`);
        assert.ok(mine.some((rt) => rt.prefix === r.ipv4?.replace(/\.1\/24$/, '.0/24') && rt.nexthop === r.ipv4?.split('/')[0]));
        expectedRoutes += both6 ? 2 : 1;
      }
    }
    assert.equal(rows.routes.length, expectedRoutes);

    // Delete everything, again at random across the agents (the killed member stays down).
    const t1 = Date.now();
    await runAll(decls, 24, async (d) => {
      await pick().deletePeering(d);
    });
    const after = await peerRows(ovn.nbRemotes);
    assert.deepEqual(after, { ports: [], routes: [] }, 'no peer row left');
    console.log(
      `      (create 200: ${createMs} ms across a leader kill, ${during.conflict} guard conflicts, ${during.unknown} unknown outcomes; ` +
        `delete 200: ${Date.now() - t1} ms, ${retries.conflict - during.conflict} conflicts)`,
    );
  });
});
