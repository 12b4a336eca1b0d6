// The RFC 7047 methods beyond transact, against a real ovsdb-server: cancel of a blocked
// request, monitor_cancel, and the server's echo answered so an idle connection stays up.
import assert from 'node:assert/strict';
import { startOvn } from '../../testbed/ovn.js';
import type { OvnHandle } from '../../testbed/ovn.js';
import { waitFor } from '../../testbed/exec.js';
import { OvsdbClient } from '../../lib/ovsdb/client.js';
import { OvsdbSession } from '../../lib/ovsdb/session.js';
import { RpcError } from '../../lib/ovsdb/errors.js';
import { insert, wait, where } from '../../lib/ovsdb/operations.js';
import { ovnNorthboundSchema } from '../../lib/ovn/schema/ovn-nb.generated.js';

describe('ovsdb methods: cancel, monitor_cancel, echo from the server', function () {
  this.timeout(30_000);
  let ovn: OvnHandle;

  before(async () => {
    ovn = await startOvn({ northd: false });
  });
  after(async () => {
    await ovn?.stop();
  });

  it('cancel: a transact blocked in a wait without timeout is abandoned with "canceled"', async () => {
    const session = new OvsdbSession({ remotes: ovn.nb.unix, database: 'OVN_Northbound' }).start();
    try {
      await session.ready(5_000);
      const conn = session.connection;
      assert.ok(conn);
      // Waits until a switch named "never" exists: it never will.
      const blocked = conn.request('transact', [
        'OVN_Northbound',
        wait('Logical_Switch', { where: [where('name', '==', 'never')], columns: ['name'], until: '!=', rows: [] }),
      ]);
      const outcome = blocked.reply.then(
        () => 'answered',
        (e: unknown) => e,
      );
      await new Promise((r) => setTimeout(r, 200));
      conn.cancel(blocked.id);
      const e = await outcome;
      assert.ok(e instanceof RpcError, `rejected with RpcError, got ${String(e)}`);
      assert.equal(e.error, 'canceled');
      assert.deepEqual(await session.call('list_dbs', []), ['OVN_Northbound', '_Server'], 'the connection is still usable');
    } finally {
      session.close();
    }
  });

  it('monitor_cancel: the cache stops following the server', async () => {
    const client = await OvsdbClient.connect({ remotes: ovn.nb.unix, schema: ovnNorthboundSchema, monitor: { tables: { Logical_Switch: ['name'] } } });
    try {
      await client.transact([insert('Logical_Switch', { name: 'before-cancel' })]);
      await waitFor('seen', () => (client.cache.table('Logical_Switch').size === 1 ? true : undefined));
      await client.monitor?.cancel();
      await client.transact([insert('Logical_Switch', { name: 'after-cancel' })]);
      await new Promise((r) => setTimeout(r, 300));
      assert.deepEqual([...client.cache.table('Logical_Switch').values()].map((r) => r.name), ['before-cancel']);
    } finally {
      client.close();
    }
  });

  it("answers the server's echo: an idle TCP connection outlives the server's 5 s probe", async function () {
    this.timeout(20_000);
    // Our own probe off, so only the server's echo keeps the connection alive.
    const session = new OvsdbSession({ remotes: ovn.nb.tcp, database: 'OVN_Northbound', inactivityProbeMs: 0 }).start();
    try {
      await session.ready(5_000);
      const conn = session.connection;
      await waitFor('an echo from the server', () => ((conn?.serverEchoesAnswered ?? 0) > 0 ? true : undefined), 12_000, 100);
      await new Promise((r) => setTimeout(r, 1_000));
      assert.equal(session.connection, conn, 'still the same connection');
      assert.equal(session.reconnectCount, 0);
    } finally {
      session.close();
    }
  });
});
