// Three hvnetd on one 3-member RAFT NB: 100 pairs of networks, both declarations of each of the
// 200 peerings sent at random to the three daemons' sockets at once, the NB leader SIGKILLed in
// the middle. A caller that gets an error re-reads and declares again what is not declared
// (what OUTCOME_UNKNOWN asks for). Each call's result is one of the classes a failover may
// produce; in the end every peering is created with exactly its two ports and the right routes,
// nothing duplicated; after deleting them all, no peer row is left.
import assert from 'node:assert/strict';
import { startOvn } from '../../testbed/ovn.js';
import type { OvnHandle } from '../../testbed/ovn.js';
import { waitFor } from '../../testbed/exec.js';
import { openNetworks } from '../ovn/helpers.js';
import type { OvnNetworks } from '../../lib/ovn/networks.js';
import { rowNames } from '../../lib/ovn/ids.js';
import type { DaemonClient } from '../../agent/cli/client.js';
import type { HvnetError } from '../../agent/api/errors.js';
import { statusMethod } from '../../agent/api/methods.js';
import { networkCreateMethod, peerCreateMethod, peerDeleteMethod, peerShowMethod } from '../../agent/api/networks.js';
import type { RunningHvnetd } from '../agent/harness.js';
import { startNetworksHvnetd } from './helpers.js';

const PAIRS = 100;

describe('agent-ovn: three hvnetd on a RAFT NB, leader killed mid-way', function () {
  this.timeout(150_000);
  let ovn: OvnHandle;
  const daemons: RunningHvnetd[] = [];
  let observer: OvnNetworks | undefined;

  before(async () => {
    ovn = await startOvn({ clustered: 3, northd: false });
    for (let i = 0; i < 3; i++) daemons.push(await startNetworksHvnetd(ovn, `hvnetd-${i}`));
  });
  after(async () => {
    await observer?.close();
    for (const d of daemons) await d.daemon.stop();
    await ovn?.stop();
  });

  it(`${2 * PAIRS} peerings declared from both sides across the daemons: all created, exactly their rows; then none left`, async () => {
    const clients: DaemonClient[] = daemons.map((d) => d.client);
    const pick = (): DaemonClient => clients[Math.floor(Math.random() * clients.length)] as DaemonClient;
    const net = (i: number): string => `n${i}`;
    const ipv4 = (i: number): string => `10.${40 + (i >> 8)}.${i & 255}.1/24`;

    // Retries what may not have happened: the socket call failed (NB failover, unknown outcome…).
    // Every call's result is recorded by class, so the test shows which failures the failover
    // produced, not only that the rows came out right in the end.
    const outcomes = new Map<string, number>();
    const count = (cls: string): void => void outcomes.set(cls, (outcomes.get(cls) ?? 0) + 1);
    const persist = async (what: string, attempt: () => Promise<unknown>, done: () => Promise<boolean>): Promise<void> => {
      for (let n = 0; ; n++) {
        try {
          await attempt();
          count(n === 0 ? 'ok' : 'ok after retry');
          return;
        } catch (e) {
          const code = (e as HvnetError).code;
          if (n >= 40) throw new Error(`${what}: still failing after ${n} attempts: ${code} ${(e as Error).message}`, { cause: e });
          if (code === 'HVNET_OVN_PEERING_EXISTS' || code === 'HVNET_OVN_NETWORK_EXISTS') {
            // Each declaration is sent once; it can exist only because an earlier attempt whose
            // outcome was unknown was applied after all.
            assert.ok(n > 0, `${what}: ${code} on the first attempt`);
            assert.ok(await done(), `${what}: ${code} but not as requested`);
            count('exists: an unknown outcome had been applied');
            return;
          }
          count(code);
          await new Promise((r) => setTimeout(r, 250));
          if (await done().catch(() => false)) {
            count(`resolved by re-reading after ${code}`);
            return;
          }
        }
      }
    };

    const N = 2 * PAIRS;
    await runAll(N, 12, async (i) => {
      await persist(
        `network ${net(i)}`,
        () => pick().call(networkCreateMethod, { name: net(i), config: { 'ipv4.address': ipv4(i) } }),
        async () => (await pick().raw('network.show', { name: net(i) }).then(() => true)),
      );
    });

    const decls = Array.from({ length: N }, (_, k) => {
      const p = k >> 1;
      const [x, y] = k % 2 === 0 ? [2 * p, 2 * p + 1] : [2 * p + 1, 2 * p];
      return { network: net(x), name: `to-${net(y)}`, target: `default/${net(y)}` };
    });
    for (let i = decls.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [decls[i], decls[j]] = [decls[j] as (typeof decls)[number], decls[i] as (typeof decls)[number]];
    }
    let sent = 0;
    let killed: Promise<number> | undefined;
    await runAll(decls.length, 12, async (k) => {
      const decl = decls[k] as (typeof decls)[number];
      if (++sent === Math.floor(decls.length / 3)) killed = ovn.killLeader();
      await persist(
        `peering ${decl.network}/${decl.name}`,
        () => pick().call(peerCreateMethod, decl),
        async () => (await pick().call(peerShowMethod, { network: decl.network, name: decl.name })).target_network === decl.target.split('/')[1],
      );
    });
    assert.ok(killed, 'the leader was killed');
    await killed;
    // What a caller can see while the leader fails over: the NB unreachable for a moment, a
    // write whose outcome is unknown (re-read, then resolved), a deadline while the election
    // runs. Anything else (an internal error, a conflict the daemon gave up on) is a bug.
    const ALLOWED = new Set([
      'ok',
      'ok after retry',
      'exists: an unknown outcome had been applied',
      'HVNET_OVN_OUTCOME_UNKNOWN',
      'HVNET_OVN_UNAVAILABLE',
      'HVNET_TIMEOUT',
      // "Unavailable" promises that nothing was written: found applied after it would be a lie.
      ...['HVNET_OVN_OUTCOME_UNKNOWN', 'HVNET_TIMEOUT'].map((c) => `resolved by re-reading after ${c}`),
    ]);
    console.log(`      call results: ${JSON.stringify(Object.fromEntries(outcomes))}`);
    for (const cls of outcomes.keys()) assert.ok(ALLOWED.has(cls), `a call ended as ${cls}`);
    assert.ok((outcomes.get('ok') ?? 0) >= decls.length / 2, 'most declarations went through at the first attempt');
    // Every daemon was on the leader (leader-only sessions) and had to fail over mid-way.
    for (const c of clients) {
      const st = await c.call(statusMethod, {});
      assert.ok(st.status.ovn.nb.reconnects >= 1, `hvnetd ${st.daemon.pid}: NB reconnects ${st.status.ovn.nb.reconnects}`);
    }

    // Every daemon says created, for every declaration.
    for (const c of clients) {
      await waitFor('all created as every daemon sees it', async () => {
        for (const dcl of decls) if ((await c.call(peerShowMethod, { network: dcl.network, name: dcl.name })).status !== 'Created') return undefined;
        return true;
      }, 60_000, 250);
    }

    // The rows, from a cache of our own: exactly one peer port per side, pointing at the other's,
    // and one route per side to the other's subnet via the other's gateway out of that port.
    observer = await openNetworks(ovn.nbRemotes, { reconcile: false, checkSchema: false });
    const view = observer.view;
    let ports = 0;
    let routes = 0;
    for (let p = 0; p < PAIRS; p++) {
      const a = view.network('default', net(2 * p));
      const b = view.network('default', net(2 * p + 1));
      assert.ok(a?.router && b?.router, `pair ${p}: both networks`);
      for (const [x, y] of [[a, b], [b, a]] as const) {
        if (!x.router) continue;
        const pp = view.peerPorts(x.router);
        assert.equal(pp.length, 1, `${x.name}: peer ports ${JSON.stringify(pp.map((r) => r.row.name))}`);
        const port = pp[0]?.row;
        assert.equal(port?.name, rowNames.peerPort(x.id, y.id));
        assert.equal(port?.peer, rowNames.peerPort(y.id, x.id));
        const rr = view.peerRoutes(x.router);
        assert.equal(rr.length, 1, `${x.name}: routes ${JSON.stringify(rr.map((r) => r.row.ip_prefix))}`);
        const route = rr[0]?.row;
        assert.equal(route?.ip_prefix, y.ipv4?.cidr.replace(/\.1\/24$/, '.0/24'));
        assert.equal(route?.nexthop, y.ipv4?.cidr.split('/')[0]);
        assert.equal(route?.output_port, port?.name);
        ports += pp.length;
        routes += rr.length;
      }
    }
    assert.equal(ports, N);
    assert.equal(routes, N);
    const allPorts = [...view.cache.table('Logical_Router_Port').values()].map((r) => r.name);
    assert.equal(new Set(allPorts).size, allPorts.length, 'no port name twice');
    assert.equal(view.cache.table('Logical_Router_Static_Route').size, N, 'no route twice');

    // Delete every declaration (from random daemons): no peer row left.
    await runAll(decls.length, 12, async (k) => {
      const decl = decls[k] as (typeof decls)[number];
      await persist(
        `delete ${decl.network}/${decl.name}`,
        () => pick().call(peerDeleteMethod, { network: decl.network, name: decl.name }),
        async () =>
          pick()
            .call(peerShowMethod, { network: decl.network, name: decl.name })
            .then(
              () => false,
              (e: HvnetError) => e.code === 'HVNET_OVN_PEERING_NOT_FOUND',
            ),
      );
    });
    await waitFor('no peer rows left', () => (view.cache.table('Logical_Router_Static_Route').size === 0 && countPeerPorts(observer) === 0 ? true : undefined), 20_000, 50);
  });
});

function countPeerPorts(o: OvnNetworks | undefined): number {
  if (!o) return -1;
  return [...o.view.cache.table('Logical_Router_Port').values()].filter((r) => r.name.includes('-lrp-peer-')).length;
}

async function runAll(n: number, width: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < n) await fn(next++);
  };
  await Promise.all(Array.from({ length: Math.min(width, n) }, worker));
}

