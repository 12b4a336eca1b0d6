// monitor_cond_since on a real 3-member cluster: after a reconnect the client asks for the
// changes since its last transaction and receives only those, not the 10,000 rows again.
import assert from 'node:assert/strict';
import { startOvn } from '../../testbed/ovn.js';
import type { OvnHandle } from '../../testbed/ovn.js';
import { waitFor } from '../../testbed/exec.js';
import { OvsdbSession } from '../../lib/ovsdb/session.js';
import { DatabaseMonitor } from '../../lib/ovsdb/monitor.js';
import { insert } from '../../lib/ovsdb/operations.js';
import { readTransactResult } from '../../lib/ovsdb/transact-result.js';
import { ovnNorthboundSchema } from '../../lib/ovn/schema/ovn-nb.generated.js';
import { serverRows, cacheRows } from './server-rows.js';

describe('ovsdb monitor: resume with monitor_cond_since on a cluster', function () {
  this.timeout(120_000);
  let ovn: OvnHandle;

  before(async () => {
    ovn = await startOvn({ northd: false, clustered: 3 });
  });
  after(async () => {
    await ovn?.stop();
  });

  it('after a disconnect during which 10 of 10,000 rows changed, receives exactly those 10', async () => {
    const session = new OvsdbSession({ remotes: ovn.nbRemotes, database: 'OVN_Northbound' });
    // Registered before the monitor's hook, so on the second connection it runs first: the 10
    // changes are made by another client while this one is connected but not yet resynced.
    let connections = 0;
    session.addSyncHook('test: change rows while away', async () => {
      connections += 1;
      if (connections !== 2) return;
      const sets = [];
      for (let i = 0; i < 10; i++) sets.push('--', 'set', 'Logical_Switch', `r-${i * 997}`, `external_ids:changed=yes`);
      await ovn.nbctl(['--no-wait', ...sets.slice(1)]);
    });
    const monitor = new DatabaseMonitor(session, ovnNorthboundSchema, { tables: { Logical_Switch: ['name', 'external_ids'] } });
    session.start();
    try {
      await session.ready(20_000);
      await monitor.synced();
      const ops = Array.from({ length: 10_000 }, (_, i) => insert('Logical_Switch', { name: `r-${i}` }));
      readTransactResult(ops, await session.transact(ops));
      await waitFor('10,000 rows cached', () => (monitor.cache.table('Logical_Switch').size === 10_000 ? true : undefined), 30_000);
      // The server keeps a transaction history no larger (in atoms) than the database itself, so
      // the 10,000-row transaction is dropped from it as soon as anything else commits. A small
      // transaction after it is what a real client's last id points at, and it stays.
      const marker = [insert('Logical_Switch', { name: 'marker' })];
      readTransactResult(marker, await session.transact(marker));
      await waitFor('marker cached', () => (monitor.cache.table('Logical_Switch').size === 10_001 ? true : undefined));
      const txnBefore = monitor.lastTransactionId;
      assert.ok(txnBefore, 'update3 carried a transaction id');

      session.reconnect('test: drop the connection');
      await waitFor('second sync', () => (monitor.stats.syncs === 2 ? true : undefined), 30_000);
      const stats = monitor.stats;
      assert.equal(stats.method, 'monitor_cond_since');
      assert.equal(stats.resumed, true, 'the server found our last transaction');
      assert.equal(stats.rowsReceived, 10, 'only the changed rows were sent');
      const changed = [...monitor.cache.table('Logical_Switch').values()].filter(
        (r) => (r.external_ids as Record<string, string>).changed === 'yes',
      );
      assert.equal(changed.length, 10);
      const remote = session.currentRemote;
      assert.ok(remote);
      assert.deepEqual(cacheRows(monitor.cache, 'Logical_Switch'), await serverRows(remote, 'Logical_Switch', ['name', 'external_ids']));
    } finally {
      session.close();
    }
  });
});
