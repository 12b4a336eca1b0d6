// The peering rows and their removal against the NB schemas of OVN 22.03, 24.03 and 26.03 (served
// by ovsdb-server alone) as well as the installed 23.03; and a server whose schema lacks a column
// hvnet needs is refused up front, naming the table and the column.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startOvn, NB_SCHEMA } from '../../testbed/ovn.js';
import { testRun } from '../../testbed/test-run.js';
import { OvsdbClient } from '../../lib/ovsdb/client.js';
import { select } from '../../lib/ovsdb/operations.js';
import { ovnNorthboundSchema } from '../../lib/ovn/schema/ovn-nb.generated.js';
import { SchemaMissingError } from '../../lib/ovn/errors.js';
import { checkServerSchema } from '../../lib/ovn/schema-check.js';
import { rowNames } from '../../lib/ovn/ids.js';
import { openNetworks, versionedSchemasDir } from './helpers.js';

async function countRows(remote: string): Promise<{ lrp: string[]; routes: number; routers: number }> {
  const c = await OvsdbClient.connect({ remotes: remote, schema: ovnNorthboundSchema });
  try {
    const { results } = await c.transact([
      select('Logical_Router_Port', [], ['name', 'peer']),
      select('Logical_Router_Static_Route', [], ['ip_prefix']),
      select('Logical_Router', [], ['name']),
    ]);
    const rows = (i: number): Record<string, unknown>[] => {
      const r = results[i];
      return r?.op === 'select' ? r.rows : [];
    };
    return { lrp: rows(0).map((r) => `${String(r.name)}>${JSON.stringify(r.peer)}`).sort(), routes: rows(1).length, routers: rows(2).length };
  } finally {
    c.close();
  }
}

describe('ovn: NB schema versions', function () {
  this.timeout(60_000);

  for (const version of ['22.03', 'installed 23.03', '24.03', '26.03']) {
    it(`peering rows are made and removed on a ${version} NB`, async () => {
      const nbSchema = version.startsWith('installed') ? NB_SCHEMA : join(versionedSchemasDir, `ovn-nb-${version}.ovsschema`);
      const ovn = await startOvn({ northd: false, nbSchema });
      const nets = await openNetworks(ovn.nb.unix);
      try {
        const a = await nets.createNetwork({ name: 'a', ipv4: '10.70.1.1/24', ipv6: 'fd42:70:1::1/64' });
        const b = await nets.createNetwork({ name: 'b', ipv4: '10.70.2.1/24', ipv6: 'fd42:70:2::1/64' });
        await nets.createPeering({ network: 'a', name: 'ab', target: 'b' });
        assert.equal((await nets.createPeering({ network: 'b', name: 'ba', target: 'a' })).status, 'created');
        const made = await countRows(ovn.nb.unix);
        const pa = rowNames.peerPort(a.id, b.id);
        const pb = rowNames.peerPort(b.id, a.id);
        assert.ok(made.lrp.includes(`${pa}>${JSON.stringify(pb)}`), made.lrp.join(' '));
        assert.ok(made.lrp.includes(`${pb}>${JSON.stringify(pa)}`));
        assert.equal(made.routes, 4);
        await nets.deletePeering({ network: 'b', name: 'ba' });
        const after = await countRows(ovn.nb.unix);
        assert.equal(after.routes, 0);
        assert.equal(after.lrp.length, 2, 'only the two internal router ports');
        await nets.deleteNetwork({ name: 'a' });
        await nets.deleteNetwork({ name: 'b' });
        assert.deepEqual(await countRows(ovn.nb.unix), { lrp: [], routes: 0, routers: 0 });
      } finally {
        await nets.close();
        await ovn.stop();
      }
    });
  }

  it('a server without Logical_Router_Port.peer is refused, naming table and column', async () => {
    const schema = JSON.parse(readFileSync(NB_SCHEMA, 'utf8')) as { tables: Record<string, { columns: Record<string, unknown> }> };
    delete schema.tables.Logical_Router_Port?.columns.peer;
    const dir = testRun.tempDir('schema');
    const file = join(dir, 'ovn-nb-no-peer.ovsschema');
    writeFileSync(file, JSON.stringify(schema));
    const ovn = await startOvn({ northd: false, nbSchema: file });
    try {
      const err = await openNetworks(ovn.nb.unix).then(
        async (n) => {
          await n.close();
          return undefined;
        },
        (e: unknown) => e,
      );
      assert.ok(err instanceof SchemaMissingError, String(err));
      assert.equal(err.table, 'Logical_Router_Port');
      assert.equal(err.column, 'peer');
      assert.equal(err.code, 'HVNET_OVN_SCHEMA_MISSING');
      assert.match(err.message, /Logical_Router_Port\.peer/);
      // The check on its own, on a plain client.
      const c = await OvsdbClient.connect({ remotes: ovn.nb.unix, schema: ovnNorthboundSchema });
      try {
        await assert.rejects(checkServerSchema(c), SchemaMissingError);
      } finally {
        c.close();
      }
    } finally {
      await ovn.stop();
    }
  });
});
