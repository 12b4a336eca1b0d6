// The `transact` option of OvnNetworks: requests, the NB_Global root row and drift repairs all
// leave through the caller's function, so a daemon can time and log every write in one place.
import assert from 'node:assert/strict';
import { startOvn } from '../../testbed/ovn.js';
import type { OvnHandle } from '../../testbed/ovn.js';
import { waitFor } from '../../testbed/exec.js';
import { OvsdbClient } from '../../lib/ovsdb/client.js';
import type { Operation } from '../../lib/ovsdb/operations.js';
import { OvnNetworks } from '../../lib/ovn/networks.js';
import { rowNames } from '../../lib/ovn/ids.js';
import { ovnNorthboundSchema } from '../../lib/ovn/schema/ovn-nb.generated.js';

describe('ovn: every transaction through the caller’s transact', function () {
  this.timeout(60_000);
  let ovn: OvnHandle;
  let client: OvsdbClient;
  let nets: OvnNetworks;
  const sent: { ops: readonly Operation[]; ok: boolean }[] = [];

  before(async () => {
    ovn = await startOvn({ northd: false });
    client = await OvsdbClient.connect({ schema: ovnNorthboundSchema, remotes: ovn.nb.unix, monitor: OvnNetworks.monitor });
    nets = new OvnNetworks(client, {
      checkSchema: false,
      reconcile: { debounceMs: 20 },
      transact: async (ops) => {
        try {
          const r = await client.transact(ops);
          sent.push({ ops, ok: true });
          return r;
        } catch (e) {
          sent.push({ ops, ok: false });
          throw e;
        }
      },
    });
    await nets.start();
  });
  after(async () => {
    await nets?.close();
    client?.close();
    await ovn?.stop();
  });

  it('creates NB_Global through it when no ovn-northd made the row', () => {
    assert.ok(sent.some((s) => s.ops.some((o) => o.op === 'insert' && o.table === 'NB_Global')));
  });

  it('sends requests and drift repairs through it', async () => {
    const a = await nets.createNetwork({ name: 'a', ipv4: '10.61.1.1/24' });
    const b = await nets.createNetwork({ name: 'b', ipv4: '10.61.2.1/24' });
    await nets.createPeering({ network: 'a', name: 'ab', target: 'b' });
    await nets.createPeering({ network: 'b', name: 'ba', target: 'a' });
    const requests = sent.length;
    assert.ok(requests >= 4, `${requests} transactions seen for 4 writes`);

    const port = rowNames.peerPort(a.id, b.id);
    await ovn.nbctl(['lrp-del', port]);
    await waitFor(`${port} repaired`, () => (sent.slice(requests).some((s) => s.ok && s.ops.some((o) => o.op === 'assert')) ? true : undefined), 5_000, 20);
    assert.ok(nets.listPeerings({ network: 'a' }).some((p) => p.name === 'ab'));
  });
});
