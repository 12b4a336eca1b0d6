// Group commit (lib/ovn/group-commit.ts) against a real ovsdb-server: requests made while a
// transaction is in flight go out together as one transaction, every request still gets its own
// exact outcome (rows right, its own error, a failed guard re-planned), and plans that touch the
// same router never share a transaction. The unknown-outcome replay of a combined transaction is
// checked on the in-memory NB (pure), where the lost reply can be made to happen every time.
import assert from 'node:assert/strict';
import { startOvn } from '../../testbed/ovn.js';
import type { OvnHandle } from '../../testbed/ovn.js';
import { OutcomeUnknownError } from '../../lib/ovsdb/errors.js';
import type { Operation } from '../../lib/ovsdb/operations.js';
import type { TransactResult } from '../../lib/ovsdb/transact-result.js';
import { mutation, where } from '../../lib/ovsdb/operations.js';
import { set, uuid } from '../../lib/ovsdb/values.js';
import type { OvnNetworks } from '../../lib/ovn/networks.js';
import type { NetworkInfo } from '../../lib/ovn/network-plan.js';
import { planCreateNetwork } from '../../lib/ovn/network-plan.js';
import { planCreatePeering } from '../../lib/ovn/peering-plan.js';
import type { CreatePeeringRequest } from '../../lib/ovn/peering-plan.js';
import { GroupCommit } from '../../lib/ovn/group-commit.js';
import type { Planner } from '../../lib/ovn/apply.js';
import { clash, footprintOf } from '../../lib/ovn/footprint.js';
import { nb as nbOps } from '../../lib/ovn/nb-operations.js';
import { EXT, rowNames } from '../../lib/ovn/ids.js';
import { FakeNb } from './fake-nb.js';
import { openNetworks } from './helpers.js';

describe('ovn group commit: concurrent requests as one transaction (real ovsdb-server)', function () {
  this.timeout(120_000);
  let ovn: OvnHandle;
  let agent: OvnNetworks;
  const retries = { conflict: 0, unknown: 0 };
  const nets = new Map<string, NetworkInfo>();

  before(async () => {
    ovn = await startOvn({ northd: false });
    // One transaction in flight at a time, so which requests share one is known in advance.
    agent = await openNetworks(ovn.nbRemotes, { reconcile: false, groupCommit: { maxInFlight: 1 } });
    agent.on('retry', (kind) => (retries[kind] += 1));
    for (let i = 0; i < 24; i++) nets.set(`g${i}`, await agent.createNetwork({ name: `g${i}`, ipv4: `10.88.${i}.1/24` }));
  });
  after(async () => {
    await agent?.close();
    await ovn?.stop();
  });

  const gc = (): GroupCommit => agent.groupCommit as GroupCommit;
  const stats = (): { transactions: number; requests: number; fallbacks: number } => ({ ...gc().stats });
  const side = (x: number, y: number): CreatePeeringRequest => ({ network: `g${x}`, name: `to-g${y}`, target: `g${y}` });
  const net = (i: number): NetworkInfo => nets.get(`g${i}`) as NetworkInfo;

  /** What the NB holds on network x's router towards y, read with ovn-nbctl (not through the cache). */
  async function rowsTowards(x: number, y: number): Promise<{ ports: string[]; peers: string[]; routes: string[] }> {
    const a = net(x);
    const b = net(y);
    const list = async (table: string, cols: string): Promise<string[]> =>
      (await ovn.nbctl(['--bare', '--format=csv', '--no-headings', `--columns=${cols}`, 'find', table, `external_ids:"${EXT.id}"=${a.id}`, `external_ids:"${EXT.peerId}"=${b.id}`]))
        .split('\n')
        .filter((l) => l.trim() !== '');
    const ports = await list('Logical_Router_Port', 'name,peer');
    const routes = await list('Logical_Router_Static_Route', 'ip_prefix,nexthop');
    return { ports: ports.map((l) => l.split(',')[0] ?? ''), peers: ports.map((l) => l.split(',')[1] ?? ''), routes };
  }

  async function assertPairRows(x: number, y: number): Promise<void> {
    for (const [p, q] of [
      [x, y],
      [y, x],
    ] as const) {
      const r = await rowsTowards(p, q);
      assert.deepEqual(r.ports, [rowNames.peerPort(net(p).id, net(q).id)], `g${p}'s port towards g${q}`);
      assert.deepEqual(r.peers, [rowNames.peerPort(net(q).id, net(p).id)], `g${p}'s port's peer`);
      assert.deepEqual(r.routes, [`10.88.${q}.0/24,10.88.${q}.1`], `g${p}'s route towards g${q}`);
    }
  }

  it('concurrent creates of 6 pairs (both sides) share transactions, and every pair has exactly its rows', async () => {
    const before = stats();
    const pairs = [0, 2, 4, 6, 8, 10].map((x) => [x, x + 1] as const);
    const firsts = await Promise.all(pairs.map(([x, y]) => agent.createPeering(side(x, y))));
    assert.deepEqual(firsts.map((p) => p.status), pairs.map(() => 'pending'));
    const seconds = await Promise.all(pairs.map(([x, y]) => agent.createPeering(side(y, x))));
    assert.deepEqual(seconds.map((p) => p.status), pairs.map(() => 'created'));
    const after = stats();
    assert.equal(after.requests - before.requests, 12, 'every request went through group commit');
    // The first request of each burst goes alone at once, the other five wait for it and go together.
    assert.equal(after.transactions - before.transactions, 4, 'two transactions per burst of six');
    assert.equal(after.fallbacks, before.fallbacks);
    // Planned after the first request's reply, from a cache that already had its update.
    assert.deepEqual(retries, { conflict: 0, unknown: 0 }, 'no guard failed');
    for (const [x, y] of pairs) {
      await assertPairRows(x, y);
      assert.equal(agent.showPeering(side(x, y)).status, 'created');
      assert.equal(agent.showPeering(side(y, x)).status, 'created');
    }
  });

  it('one bad request among concurrent good ones: only it fails, with its own error; the others are created', async () => {
    const before = stats();
    const results = await Promise.allSettled([
      agent.createPeering(side(12, 13)),
      agent.createPeering(side(14, 15)),
      agent.createPeering({ network: 'g16', name: 'Bad Name!', target: 'g17' }),
      agent.createPeering(side(16, 17)),
    ]);
    assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    const bad = results[2] as PromiseRejectedResult;
    assert.equal((bad.reason as { code?: string }).code, 'HVNET_OVN_INVALID_NAME');
    assert.equal(agent.showNetwork({ name: 'g16' }).peerings, 1, 'g16 holds only its good declaration');
    assert.equal(stats().requests - before.requests, 3, 'the bad request never reached a transaction');
  });

  it('a request the server refuses inside a combined transaction fails alone; the others of that transaction are applied', async () => {
    const before = stats();
    // A port uuid that no row has: the server refuses the reference (referential integrity).
    const router0 = agent.view.network('default', 'g0')?.router;
    assert.ok(router0);
    const refused: Planner<string> = () => ({
      operations: [nbOps.mutate('Logical_Router', [where('_uuid', '==', uuid(router0._uuid))], [mutation('ports', 'insert', set([uuid('11111111-2222-4333-8444-555555555555')]))])],
      result: 'never',
      changes: [],
    });
    const lead = agent.createPeering(side(18, 19)); // in flight: what follows waits and goes together
    const results = await Promise.allSettled([lead, gc().apply(refused), agent.createPeering(side(20, 21))]);
    assert.equal(results[0].status, 'fulfilled');
    assert.equal(results[2].status, 'fulfilled');
    assert.equal(results[1].status, 'rejected');
    assert.equal((results[1].reason as { code?: string }).code, 'HVNET_OVSDB_REFERENTIAL_INTEGRITY');
    assert.equal(stats().fallbacks - before.fallbacks, 1, 'the combined transaction failed once and its requests went on alone');
    assert.equal(agent.showPeering(side(20, 21)).status, 'pending');
  });

  it('a guard that fails inside a combined transaction: that request is re-planned and created, the others are applied', async () => {
    const before = stats();
    const conflicts0 = retries.conflict;
    let calls = 0;
    const stale: Planner<unknown> = (view, o) => {
      calls += 1;
      const plan = planCreatePeering(view, side(23, 22), o);
      if (calls > 1) return plan;
      // The first plan carries a guard on a _version the router no longer has, as if another
      // writer had changed it right after this plan was made.
      const router = view.network('default', 'g23')?.router;
      assert.ok(router);
      const staleGuard: Operation = { op: 'wait', table: 'Logical_Router', where: [where('_uuid', '==', uuid(router._uuid)), where('_version', '==', uuid('00000000-0000-4000-8000-000000000000'))], columns: ['_uuid'], until: '!=', rows: [], timeout: 0 };
      return { ...plan, operations: [staleGuard, ...plan.operations] };
    };
    await agent.createPeering(side(22, 23));
    const lead = agent.createPeering(side(1, 3)); // g1 and g3 are peered already with others: a second peering each
    const results = await Promise.allSettled([lead, gc().apply(stale, { onRetry: (k) => (retries[k] += 1) }), agent.createPeering(side(3, 1))]);
    assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'fulfilled', 'fulfilled']);
    assert.equal(calls, 2, 'planned again after its guard failed');
    assert.equal(retries.conflict - conflicts0, 1, 'one conflict, counted for the request whose guard failed');
    assert.equal(stats().fallbacks - before.fallbacks, 1);
    await assertPairRows(22, 23);
    await assertPairRows(1, 3);
  });

  it('requests on the same router never share a transaction: a hub declared towards many at once', async () => {
    const before = stats();
    const hubRequests = [5, 7, 9, 11].map((y) => side(0, y));
    const results = await Promise.all(hubRequests.map((r) => agent.createPeering(r)));
    assert.deepEqual(results.map((p) => p.status), ['pending', 'pending', 'pending', 'pending']);
    assert.equal(stats().transactions - before.transactions, 4, 'one transaction each: every plan writes the hub router');
    assert.equal(agent.showNetwork({ name: 'g0' }).peerings, 5);
  });
});

describe('ovn group commit: footprints and the lost reply (pure)', () => {
  it('plans on different routers go together; plans on one router, or reading a table another inserts into, do not', () => {
    const nb = new FakeNb();
    for (let i = 0; i < 4; i++) nb.transact(planCreateNetwork(nb.view, { name: `f${i}`, ipv4: `10.90.${i}.1/24` }).operations);
    const plan = (x: number, y: number): Operation[] => planCreatePeering(nb.view, { network: `f${x}`, name: `to-f${y}`, target: `f${y}` }).operations;
    assert.equal(clash(footprintOf(plan(0, 1)), footprintOf(plan(2, 3))), false);
    assert.equal(clash(footprintOf(plan(0, 1)), footprintOf(plan(0, 2))), true, 'both write f0');
    assert.equal(clash(footprintOf(plan(0, 1)), footprintOf(plan(2, 0))), true, 'one writes f0, the other guards it');
    const create = (name: string, i: number): Operation[] => planCreateNetwork(nb.view, { name, ipv4: `10.91.${i}.1/24` }).operations;
    assert.equal(clash(footprintOf(create('x1', 1)), footprintOf(create('x2', 2))), true, 'network creates compete for ids');
    assert.equal(clash(footprintOf(plan(0, 1)), footprintOf(planCreatePeering(nb.view, { network: 'f2', name: 'to-none', target: 'none' }).operations)), true, 'a "no such network" guard reads every router');
  });

  it('the outcome of a combined transaction is unknown but it committed: each request replays and finds itself done', async () => {
    const nb = new FakeNb();
    for (let i = 0; i < 6; i++) nb.transact(planCreateNetwork(nb.view, { name: `u${i}`, ipv4: `10.92.${i}.1/24` }).operations);
    let sent = 0;
    let ready = 0;
    const transactor = {
      transact: (ops: readonly Operation[]): Promise<TransactResult> => {
        sent += 1;
        nb.transact(ops); // committed...
        return sent === 2 ? Promise.reject(new OutcomeUnknownError({ method: 'transact' })) : Promise.resolve({ results: [], uuidNames: new Map() }); // ...the second one's reply lost
      },
      session: {
        ready: () => {
          ready += 1;
          return Promise.resolve();
        },
      },
    };
    const g = new GroupCommit(transactor, nb.view, { maxInFlight: 1 });
    const unknown: string[] = [];
    const req = (x: number, y: number): Promise<unknown> =>
      g.apply((v, o) => planCreatePeering(v, { network: `u${x}`, name: `to-u${y}`, target: `u${y}` }, o), { onRetry: (k) => unknown.push(k) });
    const results = await Promise.all([req(0, 1), req(2, 3), req(4, 5)]);
    assert.equal(results.length, 3);
    assert.deepEqual(g.stats, { transactions: 2, requests: 3, fallbacks: 1 });
    assert.equal(sent, 2, 'the replays found their declarations in place and sent nothing');
    assert.deepEqual(unknown, ['unknown', 'unknown']);
    assert.equal(ready, 2);
    for (const x of [0, 2, 4]) assert.equal(nb.view.network('default', `u${x}`)?.declarations.size, 1, `u${x} declared once`);
  });

  it('the transactor is told which requests each transaction carries (what the daemon names in the log of a failure)', async () => {
    const nb = new FakeNb();
    for (let i = 0; i < 6; i++) nb.transact(planCreateNetwork(nb.view, { name: `w${i}`, ipv4: `10.93.${i}.1/24` }).operations);
    const carried: (readonly object[] | undefined)[] = [];
    const transactor = {
      transact: (ops: readonly Operation[], requests?: readonly object[]): Promise<TransactResult> => {
        carried.push(requests);
        nb.transact(ops);
        return Promise.resolve({ results: [], uuidNames: new Map() });
      },
      session: { ready: () => Promise.resolve() },
    };
    const g = new GroupCommit(transactor, nb.view, { maxInFlight: 1 });
    const calls = [{ id: 1 }, { id: 2 }, { id: 3 }];
    const req = (x: number, y: number, request?: object): Promise<unknown> =>
      g.apply((v, o) => planCreatePeering(v, { network: `w${x}`, name: `to-w${y}`, target: `w${y}` }, o), request ? { request } : {});
    // The first goes alone; the next three wait for it and go together (one of them named by nobody).
    await Promise.all([req(0, 1, calls[0]), req(2, 3, calls[1]), req(4, 5), req(1, 0, calls[2])]);
    assert.deepEqual(carried, [[calls[0]], [calls[1], calls[2]]]);
    assert.equal(carried[1]?.[0], calls[1], 'the request objects themselves, not copies');
  });
});
