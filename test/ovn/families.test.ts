// Networks of one family against real OVN (NB, SB, northd, a chassis with namespace workloads):
// an IPv6-only pair pings and traces over IPv6 with no IPv4 in any of its rows, an IPv4-only pair
// the other way round, an IPv4-only network peered with an IPv6-only one is errored with the
// reason and has no rows, and a request with no address at all changes nothing in the NB.
import assert from 'node:assert/strict';
import { startOvn } from '../../testbed/ovn.js';
import type { OvnHandle } from '../../testbed/ovn.js';
import { startChassis } from '../../testbed/chassis.js';
import { waitFor } from '../../testbed/exec.js';
import type { ChassisHandle, Workload } from '../../testbed/chassis.js';
import { InvalidCidrError } from '../../lib/ovn/errors.js';
import { EXT, rowNames } from '../../lib/ovn/ids.js';
import type { OvnNetworks } from '../../lib/ovn/networks.js';
import type { CreateNetworkRequest, NetworkInfo } from '../../lib/ovn/network-plan.js';
import { addInstance, nbDump, openNetworks, traceReaches } from './helpers.js';
import type { Instance } from './helpers.js';

/** An ovn-nbctl JSON cell: a string, or ["set"|"map"|"uuid", …]. */
type Cell = string | number | boolean | [string, unknown];

function cellStrings(c: Cell): string[] {
  if (!Array.isArray(c)) return [String(c)];
  const [kind, v] = c;
  if (kind === 'set') return (v as Cell[]).flatMap(cellStrings);
  if (kind === 'map') return (v as [Cell, Cell][]).flatMap(([k, x]) => [...cellStrings(k), ...cellStrings(x)]);
  return [];
}

async function listJson(ovn: OvnHandle, table: string, columns: string[]): Promise<string[][][]> {
  const out = JSON.parse(await ovn.nbctl(['--format=json', `--columns=${columns.join(',')}`, 'list', table])) as { data: Cell[][] };
  return out.data.map((row) => row.map(cellStrings));
}

/** The rows of a network as the NB holds them: its router's ports and static routes, and the addresses they carry. */
async function rowsOf(ovn: OvnHandle, net: NetworkInfo): Promise<{ ports: { name: string; networks: string[] }[]; routes: { prefix: string; nexthop: string }[]; ext: string[] }> {
  const ports = (await listJson(ovn, 'Logical_Router_Port', ['name', 'networks']))
    .map(([name, networks]) => ({ name: name?.[0] ?? '', networks: networks ?? [] }))
    .filter((p) => p.name.startsWith(`${net.router}-`))
    .sort((x, y) => (x.name < y.name ? -1 : 1));
  const routes = (await listJson(ovn, 'Logical_Router_Static_Route', ['ip_prefix', 'nexthop', 'external_ids']))
    // external_ids flattened as key, value, key, value…
    .filter(([, , ext = []]) => ext.includes(EXT.id) && ext[ext.indexOf(EXT.id) + 1] === String(net.id))
    .map(([prefix, nexthop]) => ({ prefix: prefix?.[0] ?? '', nexthop: nexthop?.[0] ?? '' }))
    .sort((x, y) => (x.prefix < y.prefix ? -1 : 1));
  const router = (await listJson(ovn, 'Logical_Router', ['name', 'external_ids'])).find(([name]) => name?.[0] === net.router);
  return { ports, routes, ext: router?.[1] ?? [] };
}

/** Every address in the network's rows (port networks, route prefixes and nexthops). */
async function addressesOf(ovn: OvnHandle, net: NetworkInfo): Promise<string[]> {
  const r = await rowsOf(ovn, net);
  return [...r.ports.flatMap((p) => p.networks), ...r.routes.flatMap((x) => [x.prefix, x.nexthop])];
}

const isV4 = (a: string): boolean => /^\d{1,3}(\.\d{1,3}){3}(\/\d+)?$/.test(a);
const isV6 = (a: string): boolean => a.includes(':');

/** An instance port with an IPv6 address only (`::10` of the subnet), and its workload. */
async function v6Instance(ovn: OvnHandle, chassis: ChassisHandle, net: NetworkInfo): Promise<{ i: Instance; w: Workload }> {
  const [gw6 = '', prefix = ''] = (net.ipv6 ?? '').split('/');
  const hex = (v: number): string => (v & 255).toString(16).padStart(2, '0');
  const mac = `0a:00:00:${hex(net.id >> 8)}:${hex(net.id)}:10`;
  const ipv6 = `${gw6.slice(0, gw6.lastIndexOf(':') + 1)}10`;
  const lsp = `${net.switch}-i`;
  await ovn.nbctl(['lsp-add', net.switch, lsp, '--', 'lsp-set-addresses', lsp, `${mac} ${ipv6}`]);
  const w = await chassis.plugNamespace(lsp, mac, '', '', { ipv6: `${ipv6}/${prefix}`, gw6 });
  // `ipv4` is unused by an IPv6 trace (helpers.trace with family 6).
  return { i: { lsp, mac, ipv4: '', ipv6, net }, w };
}

async function v4Instance(ovn: OvnHandle, chassis: ChassisHandle, net: NetworkInfo): Promise<{ i: Instance; w: Workload }> {
  const i = await addInstance(ovn, net);
  const [gw = '', prefix = ''] = (net.ipv4 ?? '').split('/');
  return { i, w: await chassis.plugNamespace(i.lsp, i.mac, `${i.ipv4}/${prefix}`, gw) };
}

describe('ovn: networks of one family', function () {
  this.timeout(120_000);
  let ovn: OvnHandle;
  let chassis: ChassisHandle;
  let nets: OvnNetworks;

  before(async () => {
    ovn = await startOvn();
    chassis = await startChassis({ sb: ovn.sb.unix });
    nets = await openNetworks(ovn.nb.unix, { wait: 'hv' });
  });
  after(async () => {
    await nets?.close();
    await chassis?.stop();
    await ovn?.stop();
  });

  it('bad input (both none, neither, malformed): a clear error naming the field, NB dump unchanged', async () => {
    await nets.createNetwork({ name: 'keep', ipv6: 'fd42:91::1/64' });
    const before = await nbDump(ovn);
    const noAddress = /ipv4 is (none|not given) and ipv6 is (none|not given): a network needs at least one gateway address/;
    const cases: [Omit<CreateNetworkRequest, 'name'>, string, RegExp][] = [
      [{ ipv4: 'none', ipv6: 'none' }, 'ipv4', /ipv4 is none and ipv6 is none/],
      [{}, 'ipv4', /ipv4 is not given and ipv6 is not given/],
      [{ ipv4: '', ipv6: '' }, 'ipv4', noAddress],
      [{ ipv4: 'none' }, 'ipv4', /ipv4 is none and ipv6 is not given/],
      [{ ipv6: 'none' }, 'ipv4', /ipv4 is not given and ipv6 is none/],
      [{ ipv4: 'nonsense', ipv6: 'none' }, 'ipv4', /ipv4 "nonsense" needs exactly one "\/"/],
      [{ ipv4: 'none', ipv6: 'fd42::1' }, 'ipv6', /ipv6 "fd42::1" needs exactly one "\/"/],
      [{ ipv4: 'fd42:91:1::1/24', ipv6: 'none' }, 'ipv4', /is not an IPv4 address/],
      [{ ipv4: 'none', ipv6: '10.91.1.1/24' }, 'ipv6', /is not an IPv6 address/],
      [{ ipv4: 'None', ipv6: 'fd42:91:1::1/64' }, 'ipv4', /ipv4 "None"/],
    ];
    for (const [req, field, message] of cases) {
      await assert.rejects(nets.createNetwork({ name: 'bad', ...req }), (e: unknown) => {
        assert.ok(e instanceof InvalidCidrError, `${JSON.stringify(req)}: ${String(e)}`);
        assert.equal(e.field, field, JSON.stringify(req));
        assert.match(e.message, message, JSON.stringify(req));
        if (noAddress.test(e.message)) assert.match(e.allowed ?? '', /ipv4 .*and\/or ipv6 .*none for at most one of them/);
        return true;
      });
    }
    assert.equal(await nbDump(ovn), before);
    await nets.deleteNetwork({ name: 'keep' });
  });

  it('a dry run of an IPv6-only network plans no IPv4 and sends nothing', async () => {
    const before = await nbDump(ovn);
    const p = nets.plan({ op: 'createNetwork', request: { name: 'dry6', ipv4: 'none', ipv6: 'fd42:91:2::1/64' } });
    const r = p.result as NetworkInfo;
    assert.equal(r.ipv4, null);
    assert.equal(r.ipv6, 'fd42:91:2::1/64');
    const text = JSON.stringify(p.operations);
    assert.ok(text.includes('fd42:91:2::1/64'));
    assert.ok(!text.includes(EXT.ipv4), text);
    assert.ok(!/\d+\.\d+\.\d+\.\d+/.test(text), text);
    assert.equal(await nbDump(ovn), before);
  });

  describe('two IPv6-only networks peered', () => {
    let a: NetworkInfo;
    let b: NetworkInfo;
    let ia: { i: Instance; w: Workload };
    let ib: { i: Instance; w: Workload };

    before(async () => {
      a = await nets.createNetwork({ name: 'a6', ipv4: 'none', ipv6: 'fd42:92:1::1/64' });
      b = await nets.createNetwork({ name: 'b6', ipv6: 'fd42:92:2::1/64' });
      ia = await v6Instance(ovn, chassis, a);
      ib = await v6Instance(ovn, chassis, b);
      await ovn.nbctl(['--wait=hv', 'sync']);
    });

    it('the networks have no IPv4: shown as null, no hvnet:ipv4 key, no IPv4 address in their rows', async () => {
      assert.equal(a.ipv4, null);
      assert.deepEqual(nets.showNetwork({ name: 'a6' }), a);
      for (const n of [a, b]) {
        const r = await rowsOf(ovn, n);
        assert.ok(!r.ext.includes(EXT.ipv4), r.ext.join(' '));
        assert.deepEqual(r.ports.map((p) => p.networks), [[n.ipv6]]);
      }
      assert.ok(await ia.w.ping((a.ipv6 ?? '').split('/')[0] ?? '', { count: 3 }), 'the workload reaches its own gateway');
    });

    it('pending: no ping6', async () => {
      assert.equal((await nets.createPeering({ network: 'a6', name: 'ab', target: 'b6' })).status, 'pending');
      assert.equal(await ia.w.ping(ib.i.ipv6 ?? '', { count: 1, waitS: 1 }), false);
    });

    it('created: ping6 and ovn-trace pass both ways; the rows carry IPv6 only', async () => {
      assert.equal((await nets.createPeering({ network: 'b6', name: 'ba', target: 'a6' })).status, 'created');
      assert.equal(nets.showPeering({ network: 'a6', name: 'ab' }).status, 'created');
      assert.ok(await ia.w.ping(ib.i.ipv6 ?? '', { count: 3 }), 'a6 → b6');
      assert.ok(await ib.w.ping(ia.i.ipv6 ?? '', { count: 3 }), 'b6 → a6');
      assert.ok(await traceReaches(ovn, ia.i, ib.i, 6), 'trace a6 → b6');
      assert.ok(await traceReaches(ovn, ib.i, ia.i, 6), 'trace b6 → a6');

      const ra = await rowsOf(ovn, a);
      const peer = ra.ports.find((p) => p.name === rowNames.peerPort(a.id, b.id));
      assert.deepEqual(peer?.networks, ['fd42:92:1::1/128']);
      assert.deepEqual(ra.routes, [{ prefix: 'fd42:92:2::/64', nexthop: 'fd42:92:2::1' }]);
      for (const n of [a, b]) {
        const addrs = await addressesOf(ovn, n);
        assert.ok(addrs.length >= 4, addrs.join(' '));
        assert.deepEqual(addrs.filter((x) => !isV6(x)), [], `${n.name}: no IPv4 address or route`);
      }
    });

    it('drift: the peer port and route deleted by hand come back with IPv6 only, and ping6 works again', async () => {
      const before = await rowsOf(ovn, a);
      await ovn.nbctl(['lrp-del', rowNames.peerPort(a.id, b.id), '--', 'lr-route-del', a.router, 'fd42:92:2::/64']);
      await waitFor('repaired', async () => (JSON.stringify(await rowsOf(ovn, a)) === JSON.stringify(before) ? true : undefined), 5_000, 20);
      await ovn.nbctl(['--wait=hv', 'sync']);
      assert.ok(await ia.w.ping(ib.i.ipv6 ?? '', { count: 3 }), 'a6 → b6');
      assert.deepEqual((await addressesOf(ovn, a)).filter((x) => !isV6(x)), []);
    });
  });

  describe('two IPv4-only networks peered', () => {
    let c: NetworkInfo;
    let d: NetworkInfo;
    let ic: { i: Instance; w: Workload };
    let id: { i: Instance; w: Workload };

    before(async () => {
      c = await nets.createNetwork({ name: 'c4', ipv4: '10.93.1.1/24' });
      d = await nets.createNetwork({ name: 'd4', ipv4: '10.93.2.1/24', ipv6: 'none' });
      ic = await v4Instance(ovn, chassis, c);
      id = await v4Instance(ovn, chassis, d);
      await ovn.nbctl(['--wait=hv', 'sync']);
    });

    it('created: ping and ovn-trace pass both ways; the rows carry IPv4 only', async () => {
      assert.equal(d.ipv6, null);
      await nets.createPeering({ network: 'c4', name: 'cd', target: 'd4' });
      assert.equal((await nets.createPeering({ network: 'd4', name: 'dc', target: 'c4' })).status, 'created');
      assert.ok(await ic.w.ping(id.i.ipv4, { count: 3 }), 'c4 → d4');
      assert.ok(await id.w.ping(ic.i.ipv4, { count: 3 }), 'd4 → c4');
      assert.ok(await traceReaches(ovn, ic.i, id.i, 4), 'trace c4 → d4');
      const rc = await rowsOf(ovn, c);
      assert.deepEqual(rc.ports.find((p) => p.name === rowNames.peerPort(c.id, d.id))?.networks, ['10.93.1.1/32']);
      assert.deepEqual(rc.routes, [{ prefix: '10.93.2.0/24', nexthop: '10.93.2.1' }]);
      for (const n of [c, d]) {
        const r = await rowsOf(ovn, n);
        assert.ok(!r.ext.includes(EXT.ipv6), r.ext.join(' '));
        const addrs = await addressesOf(ovn, n);
        assert.ok(addrs.length >= 4, addrs.join(' '));
        assert.deepEqual(addrs.filter((x) => !isV4(x)), [], `${n.name}: no IPv6 address or route`);
      }
    });
  });

  describe('an IPv4-only network with an IPv6-only one', () => {
    let e: NetworkInfo;
    let f: NetworkInfo;

    before(async () => {
      e = await nets.createNetwork({ name: 'e4', ipv4: '10.94.1.1/24', ipv6: 'none' });
      f = await nets.createNetwork({ name: 'f6', ipv4: 'none', ipv6: 'fd42:94:2::1/64' });
    });

    it('errored on both sides with the reason; no peer row on either router, no repair', async () => {
      await nets.createPeering({ network: 'e4', name: 'ef', target: 'f6' });
      const before = await Promise.all([rowsOf(ovn, e), rowsOf(ovn, f)]);
      const p = await nets.createPeering({ network: 'f6', name: 'fe', target: 'e4' });
      const reason = /no address family in common \(default\/f6: IPv6 only; default\/e4: IPv4 only\); the peering is not activated/;
      assert.equal(p.status, 'errored');
      assert.match(p.reason ?? '', reason);
      const other = nets.showPeering({ network: 'e4', name: 'ef' });
      assert.equal(other.status, 'errored');
      assert.match(other.reason ?? '', /no address family in common \(default\/e4: IPv4 only; default\/f6: IPv6 only\)/);
      const after = await Promise.all([rowsOf(ovn, e), rowsOf(ovn, f)]);
      assert.deepEqual(after.map((r) => [r.ports, r.routes]), before.map((r) => [r.ports, r.routes]));
      for (const r of after) {
        assert.deepEqual(r.ports.map((x) => x.name).filter((x) => x.includes('-lrp-peer-')), []);
        assert.deepEqual(r.routes, []);
      }
      assert.deepEqual(await nets.reconcile(), [], 'the reconciler finds nothing to add');
    });
  });

  it('a dual-stack network peered with an IPv6-only one: IPv6 rows only', async () => {
    const g = await nets.createNetwork({ name: 'g46', ipv4: '10.95.1.1/24', ipv6: 'fd42:95:1::1/64' });
    const h = await nets.createNetwork({ name: 'h6', ipv6: 'fd42:95:2::1/64' });
    await nets.createPeering({ network: 'g46', name: 'gh', target: 'h6' });
    assert.equal((await nets.createPeering({ network: 'h6', name: 'hg', target: 'g46' })).status, 'created');
    const rg = await rowsOf(ovn, g);
    assert.deepEqual(rg.ports.find((p) => p.name === rowNames.peerPort(g.id, h.id))?.networks, ['fd42:95:1::1/128']);
    assert.deepEqual(rg.routes, [{ prefix: 'fd42:95:2::/64', nexthop: 'fd42:95:2::1' }]);
    assert.deepEqual((await addressesOf(ovn, h)).filter((x) => !isV6(x)), []);
  });
});
