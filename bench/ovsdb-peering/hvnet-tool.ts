// hvnet as one more tool of bench/peers/run-all.sh: the workload of bench/peers/workload.mjs
// (one peering = 4 inserts + 2 mutates in one transaction) through lib/ovsdb's OvsdbClient, with
// its monitored cache on, routers selected by _uuid from the cache, `window` transactions in
// flight. Prints the JSON line run-all.sh reads.
//
// As raw-limit.mjs does for raw-monitor, every transaction's operations are planned (routers
// looked up in the cache, operations built) before the clock starts; the clock covers what the
// client does per transaction: validating, encoding, sending, reading the reply and the cache
// update.
//
//   node hvnet-tool.js [peer]        env NB_REMOTE, BENCH_N, BENCH_OFFSET, BENCH_WINDOW
//   node hvnet-tool.js cache-fill    env NB_REMOTE: get_schema + parse, then connect + monitor every table, all columns
import { performance } from 'node:perf_hooks';
import { OvsdbClient } from '../../lib/ovsdb/client.js';
import { insert, mutate, mutation, where } from '../../lib/ovsdb/operations.js';
import type { Operation } from '../../lib/ovsdb/operations.js';
import { map, namedUuid, set, uuid } from '../../lib/ovsdb/values.js';
import { ovnNorthboundSchema } from '../../lib/ovn/schema/ovn-nb.generated.js';

const PEER_TAG = 'hvnet-peering';

interface Net {
  name: string;
  lr: string;
  mac: string;
  subnet: string;
  gw: string;
}

// The same arithmetic as bench/peers/workload.mjs net(i).
function net(i: number): Net {
  const name = `nw${String(i).padStart(5, '0')}`;
  const hex2 = (v: number): string => (v & 255).toString(16).padStart(2, '0');
  const a = (i >> 8) & 255;
  const b = i & 255;
  return { name, lr: `${name}-lr`, mac: `00:16:3e:${hex2(i >> 16)}:${hex2(i >> 8)}:${hex2(i)}`, subnet: `10.${a}.${b}.0/24`, gw: `10.${a}.${b}.1` };
}

const peerPort = (x: Net, y: Net): string => `${x.lr}-lrp-peer-${y.name}`;

function env(name: string, fallback?: string): string {
  const v = process.env[name] ?? fallback;
  if (v === undefined) throw new Error(`hvnet-tool: set ${name}`);
  return v;
}

async function peer(): Promise<void> {
  const remote = env('NB_REMOTE');
  const n = Number(env('BENCH_N', '2000'));
  const offset = Number(env('BENCH_OFFSET', '0'));
  const window = Number(env('BENCH_WINDOW', '64'));
  const t0 = performance.now();
  const client = await OvsdbClient.connect({
    remotes: remote,
    schema: ovnNorthboundSchema,
    monitor: {
      tables: {
        Logical_Router: ['name', 'ports', 'static_routes'],
        Logical_Router_Port: ['name', 'mac', 'networks', 'peer'],
        Logical_Router_Static_Route: ['ip_prefix', 'nexthop', 'output_port', 'external_ids'],
      },
      extraIndexes: { Logical_Router: [['name']] },
    },
  });
  const connectS = (performance.now() - t0) / 1000;
  const routerUuid = (lr: string): string => {
    const row = client.cache.lookup('Logical_Router', ['name'], [lr])[0];
    if (!row) throw new Error(`router ${lr} is not in the cache`);
    return row._uuid;
  };
  const opsFor = (p: number): Operation[] => {
    const x = net(2 * p);
    const y = net(2 * p + 1);
    const ops: Operation[] = [];
    for (const [a, b, tag] of [[x, y, 'x'], [y, x, 'y']] as const) {
      ops.push(insert('Logical_Router_Port', { name: peerPort(a, b), mac: a.mac, networks: `${a.gw}/32`, peer: peerPort(b, a) }, `p${tag}`));
    }
    for (const [a, b, tag] of [[x, y, 'x'], [y, x, 'y']] as const) {
      ops.push(
        insert(
          'Logical_Router_Static_Route',
          { ip_prefix: b.subnet, nexthop: b.gw, output_port: peerPort(a, b), external_ids: map({ [PEER_TAG]: `${a.name}/${b.name}` }) },
          `r${tag}`,
        ),
      );
    }
    for (const [a, tag] of [[x, 'x'], [y, 'y']] as const) {
      ops.push(
        mutate('Logical_Router', [where('_uuid', '==', uuid(routerUuid(a.lr)))], [
          mutation('ports', 'insert', set([namedUuid(`p${tag}`)])),
          mutation('static_routes', 'insert', set([namedUuid(`r${tag}`)])),
        ]),
      );
    }
    return ops;
  };

  const planned: Operation[][] = [];
  for (let p = offset; p < offset + n; p++) planned.push(opsFor(p));

  let errors = 0;
  let next = offset;
  const end = offset + n;
  const cpu0 = process.cpuUsage();
  const t1 = performance.now();
  const worker = async (): Promise<void> => {
    while (next < end) {
      const p = next++;
      try {
        const { results } = await client.transact(planned[p - offset] as Operation[]);
        // A mutate whose where matched nothing is not an error in OVSDB; the new rows would vanish.
        for (const r of results) if (r.op === 'mutate' && r.count !== 1) errors += 1;
      } catch (e) {
        errors += 1;
        if (errors <= 3) console.error(`peering ${p}: ${(e as Error).message}`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, window) }, worker));
  const elapsed = (performance.now() - t1) / 1000;
  const cpu = process.cpuUsage(cpu0);
  client.close();
  const out = {
    tool: 'hvnet',
    mode: 'peer',
    n,
    window,
    peerings_per_s: +(n / elapsed).toFixed(1),
    elapsed_s: +elapsed.toFixed(3),
    connect_s: +connectS.toFixed(3),
    client_cpu_s: +((cpu.user + cpu.system) / 1e6).toFixed(3),
    errors,
  };
  console.log(JSON.stringify(out));
  console.log(`hvnet: ${n} peerings in ${elapsed.toFixed(2)} s = ${out.peerings_per_s}/s (window ${window}), client CPU ${((out.client_cpu_s * 1000) / n).toFixed(3)} ms/peering, errors ${errors}`);
  if (errors > 0) process.exitCode = 1;
}

async function cacheFill(): Promise<void> {
  const remote = env('NB_REMOTE');
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const heap0 = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  // As the other tools do (and as hvnetd does at start): the server's schema is fetched and
  // parsed inside the timed window, here over a short connection of its own as ovsdbapp's
  // from_server does, and the cache decodes with what the server sent.
  const probe = await OvsdbClient.connect({ remotes: remote, schema: ovnNorthboundSchema });
  let schema;
  try {
    schema = await probe.serverSchema();
  } finally {
    probe.close();
  }
  const schemaS = (performance.now() - t0) / 1000;
  const tables: Record<string, undefined> = {};
  for (const name of schema.tables.keys()) tables[name] = undefined;
  const client = await OvsdbClient.connect({ remotes: remote, schema, monitor: { tables } });
  const syncS = (performance.now() - t0) / 1000;
  const rows = client.cache.rowCount;
  gc?.();
  const mem = process.memoryUsage();
  client.close();
  const out = {
    tool: 'hvnet',
    mode: 'cache-fill',
    rows,
    sync_s: +syncS.toFixed(3),
    schema_s: +schemaS.toFixed(3),
    rss_mb: +(mem.rss / 2 ** 20).toFixed(1),
    cache_heap_mb: gc ? +((mem.heapUsed - heap0) / 2 ** 20).toFixed(1) : null,
  };
  console.log(JSON.stringify(out));
  console.log(`hvnet cache-fill: ${rows} rows in ${syncS.toFixed(3)} s (schema fetch and parse ${schemaS.toFixed(3)} s of it), RSS ${out.rss_mb} MB, cache heap ${out.cache_heap_mb ?? '?'} MB`);
}

const mode = process.argv[2] ?? 'peer';
if (mode === 'peer') await peer();
else if (mode === 'cache-fill') await cacheFill();
else {
  console.error(`hvnet-tool: unknown mode ${mode} (allowed: peer, cache-fill)`);
  process.exitCode = 2;
}
