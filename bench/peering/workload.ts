// The workload of bench/peering, shared by the tools that go through a socket (hvnet, and the
// floor relay): 2N networks (pair p joins networks 2p and 2p+1), both declarations of each
// peering, the read-back that compares the rows field by field, and the /proc readings of a
// process's CPU.
import { readFileSync } from 'node:fs';
import { OvnNetworks } from '../../lib/ovn/networks.js';
import { OvsdbClient } from '../../lib/ovsdb/client.js';
import { withRowTypes } from '../../lib/ovsdb/cache.js';
import { ovnNorthboundSchema } from '../../lib/ovn/schema/ovn-nb.generated.js';

export type Order = 'sides' | 'shuffled';

export interface Decl {
  network: string;
  name: string;
  target: string;
}

export const netName = (i: number): string => `n${i}`;

export const subnet = (i: number): { cidr: string; gw: string; prefix: string } => {
  const a = i % 256;
  const b = i >> 8;
  return { cidr: `10.${100 + b}.${a}.1/24`, gw: `10.${100 + b}.${a}.1`, prefix: `10.${100 + b}.${a}.0/24` };
};

const decl = (x: number, y: number): Decl => ({ network: netName(x), name: `to-${netName(y)}`, target: netName(y) });

/** The declaration that opens pair p (`sides` order) and the one that completes it. */
export const firstSide = (p: number): Decl => decl(2 * p, 2 * p + 1);
export const secondSide = (p: number): Decl => decl(2 * p + 1, 2 * p);

/**
 * Both declarations of every peering. `sides`: every pair's first side (in random order), then
 * every second side, as a client peering networks one side after the other would; two requests
 * in flight never touch the same pair. `shuffled`: both sides mixed at random, so the two sides
 * of a pair may race, one guard fails and that side is re-planned.
 */
export function declarations(n: number, order: Order): Decl[] {
  const shuffle = <T>(a: T[]): T[] => {
    for (let i = a.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [a[i], a[j]] = [a[j] as T, a[i] as T];
    }
    return a;
  };
  const first = Array.from({ length: n }, (_, p) => firstSide(p));
  const second = Array.from({ length: n }, (_, p) => secondSide(p));
  return order === 'sides' ? [...shuffle(first), ...shuffle(second)] : shuffle([...first, ...second]);
}

/** The 2N networks, made through lib/ovn (not timed; one at a time, as every create competes for the next network id). */
export async function makeNetworks(remote: string, n: number): Promise<void> {
  const setup = await OvnNetworks.open({ remotes: remote }, { reconcile: false, checkSchema: false });
  try {
    await runAll(2 * n, 1, async (i) => {
      await setup.createNetwork({ name: netName(i), ipv4: subnet(i).cidr });
    });
  } finally {
    await setup.close();
  }
}

/**
 * The rows of hvnet's peerings, read over a connection of their own and compared with what each
 * peering must have (hvnet's row contract, docs in lib/ovn/ids.ts and peer-rows.ts, written out
 * here rather than computed by lib/ovn): on network x's router, for its peer y, exactly one port
 * hvnet-net<X>-lr-lrp-peer-net<Y> with x's MAC, networks [x's gateway/32], peer = y's port, tagged
 * with both ids, and exactly one route to y's subnet via y's gateway out of that port; nothing else
 * on the router but its internal port. Returns what is wrong.
 */
export async function checkPeeringRows(remote: string, n: number): Promise<string[]> {
  const tables = {
    Logical_Router: ['name', 'ports', 'static_routes', 'external_ids'],
    Logical_Router_Port: ['name', 'mac', 'networks', 'peer', 'external_ids'],
    Logical_Router_Static_Route: ['ip_prefix', 'nexthop', 'output_port', 'external_ids'],
  } as const;
  const c = await OvsdbClient.connect({ remotes: remote, schema: ovnNorthboundSchema, monitor: { tables } });
  try {
    const bad: string[] = [];
    const cache = withRowTypes(c.cache, ovnNorthboundSchema, tables);
    const routers = new Map<string, { id: number; ports: string[]; routes: string[] }>();
    for (const r of cache.table('Logical_Router').values()) {
      const name = r.external_ids['hvnet:network'];
      if (name !== undefined && r.external_ids['hvnet:project'] === 'default') routers.set(name, { id: Number(r.external_ids['hvnet:id']), ports: r.ports, routes: r.static_routes });
    }
    const ports = cache.table('Logical_Router_Port');
    const routes = cache.table('Logical_Router_Static_Route');
    const mac = (id: number): string => `02:68:76:${[id >> 16, id >> 8, id].map((v) => (v & 255).toString(16).padStart(2, '0')).join(':')}`;
    const portName = (a: number, b: number): string => `hvnet-net${a}-lr-lrp-peer-net${b}`;
    for (let i = 0; i < 2 * n; i++) {
      const j = i % 2 === 0 ? i + 1 : i - 1;
      const x = routers.get(netName(i));
      const y = routers.get(netName(j));
      if (!x || !y) {
        bad.push(`${netName(i)}: no router`);
        continue;
      }
      const want = `${netName(i)}->${netName(j)}`;
      const own = x.ports.map((u) => ports.get(u)).filter((p) => p !== undefined);
      const peerPorts = own.filter((p) => p.name !== `hvnet-net${x.id}-lr-lrp-int`);
      const p = peerPorts[0];
      if (own.length !== x.ports.length || peerPorts.length !== 1 || !p) {
        bad.push(`${want}: ${peerPorts.length} peer ports`);
        continue;
      }
      const pOk =
        p.name === portName(x.id, y.id) &&
        p.mac === mac(x.id) &&
        p.networks.length === 1 &&
        p.networks[0] === `${subnet(i).gw}/32` &&
        p.peer === portName(y.id, x.id) &&
        p.external_ids['hvnet:id'] === String(x.id) &&
        p.external_ids['hvnet:peer-id'] === String(y.id);
      if (!pOk) bad.push(`${want}: port ${JSON.stringify(p)}`);
      const rs = x.routes.map((u) => routes.get(u));
      const r = rs[0];
      const rOk =
        rs.length === 1 &&
        r !== undefined &&
        r.ip_prefix === subnet(j).prefix &&
        r.nexthop === subnet(j).gw &&
        r.output_port === portName(x.id, y.id) &&
        r.external_ids['hvnet:id'] === String(x.id) &&
        r.external_ids['hvnet:peer-id'] === String(y.id);
      if (!rOk) bad.push(`${want}: routes ${JSON.stringify(rs)}`);
    }
    return bad;
  } finally {
    c.close();
  }
}

/** user+system CPU seconds of a process (or, with `file`, one of its threads) so far (from /proc; USER_HZ 100). */
export function cpuOf(pid: number, file = `/proc/${pid}/stat`): number {
  const f = readFileSync(file, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(f[11]) + Number(f[12])) / 100;
}

/** CPU seconds once they stop growing: three reads 250 ms apart that agree (10 s at most). */
export async function settle(cpu: () => number): Promise<number> {
  let last = cpu();
  let same = 0;
  for (let i = 0; i < 40 && same < 2; i++) {
    await new Promise((r) => setTimeout(r, 250));
    const now = cpu();
    same = now === last ? same + 1 : 0;
    last = now;
  }
  return last;
}

export async function runAll(n: number, width: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < n) await fn(next++);
  };
  await Promise.all(Array.from({ length: Math.min(width, n) }, worker));
}
