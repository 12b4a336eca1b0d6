// Checks that the floor relay sends what hvnetd sends: on a fresh NB with the bench's networks, the
// floor's prepared transactions and replies (floor-plan.ts) are compared with what lib/ovn itself
// sends and returns for the same calls, made one at a time through OvnNetworks (hvnetd's writer)
// with its `transact` option recording each transaction. The routers' `_version` in the guards
// is left out of the comparison: the floor fills it at send time.
//
//   node dist/bench/peering/floor-check.js [--peerings 50]
// Prints one JSON line; exits 1 when any transaction or reply differs.
import { startBenchNb, stopBenchNb } from '../common/setup-nb.js';
import { OvnNetworks } from '../../lib/ovn/networks.js';
import type { Operation } from '../../lib/ovsdb/operations.js';
import { peeringDocument } from '../../agent/daemon/features/networks/documents.js';
import { prepareFloor } from './floor-plan.js';
import { firstSide, makeNetworks, secondSide } from './workload.js';

const at = process.argv.indexOf('--peerings');
const n = at >= 0 ? Number(process.argv[at + 1]) : 50;
if (!Number.isInteger(n) || n < 1) throw new Error('--peerings needs a whole number >= 1');

const withoutVersions = (ops: readonly Operation[]): string => JSON.stringify(ops).replace(/\["_version","==",\["uuid","[0-9a-f-]+"\]\]/g, '"_version"');

const nb = startBenchNb(['--networks', '2']);
try {
  await makeNetworks(nb.remote, n);
  const prepared = await prepareFloor(nb.remote, n, new Map());
  const sent: string[] = [];
  // The recorder sends through the writer's own client (it is called only once the writer is open).
  const writer: OvnNetworks = await OvnNetworks.open(
    { remotes: nb.remote },
    {
      reconcile: false,
      checkSchema: false,
      transact: (ops) => {
        sent.push(withoutVersions(ops));
        return writer.client.transact(ops);
      },
    },
  );
  const differ: string[] = [];
  try {
    for (const side of [firstSide, secondSide]) {
      for (let p = 0; p < n; p++) {
        const d = side(p);
        const before = sent.length;
        const result = await writer.createPeering({ project: 'default', ...d });
        const mine = prepared.get(d.network);
        if (!mine) differ.push(`${d.network}: nothing prepared`);
        else if (sent.length !== before + 1) differ.push(`${d.network}: lib/ovn sent ${sent.length - before} transactions`);
        else if (sent[before] !== withoutVersions(mine.ops)) differ.push(`${d.network}: transaction differs`);
        else if (JSON.stringify(peeringDocument(result)) !== mine.reply) differ.push(`${d.network}: reply differs`);
      }
    }
  } finally {
    await writer.close();
  }
  console.log(JSON.stringify({ calls: 2 * n, same: 2 * n - differ.length, differ: differ.slice(0, 5) }));
  if (differ.length > 0) process.exitCode = 1;
} finally {
  stopBenchNb(nb.dir);
}
