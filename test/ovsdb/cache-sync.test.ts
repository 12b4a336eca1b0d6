// The monitored cache against a real standalone NB: it fills, follows every change made by
// another client (ovn-nbctl), indexes rows, announces old and new rows, and after a reconnect to
// a server without history (standalone) refills to exactly the server's content.
import assert from 'node:assert/strict';
import { startOvn } from '../../testbed/ovn.js';
import type { OvnHandle } from '../../testbed/ovn.js';
import { waitFor } from '../../testbed/exec.js';
import { OvsdbClient } from '../../lib/ovsdb/client.js';
import type { CacheEvent } from '../../lib/ovsdb/cache.js';
import { ovnNorthboundSchema } from '../../lib/ovn/schema/ovn-nb.generated.js';
import { serverRows, cacheRows } from './server-rows.js';

const TABLES = { Logical_Switch: undefined, Logical_Switch_Port: undefined, Logical_Router: ['name', 'ports', 'external_ids'] };

describe('ovsdb cache: monitor against a standalone server', function () {
  this.timeout(30_000);
  let ovn: OvnHandle;
  let client: OvsdbClient;

  before(async () => {
    ovn = await startOvn({ northd: false });
    await ovn.nbctl(['ls-add', 'pre-existing', '--', 'lr-add', 'r0']);
    client = await OvsdbClient.connect({
      remotes: ovn.nb.unix,
      schema: ovnNorthboundSchema,
      monitor: { tables: TABLES, extraIndexes: { Logical_Router: [['name']] } },
    });
  });
  after(async () => {
    client?.close();
    await ovn?.stop();
  });

  it('holds the rows that existed before it connected', () => {
    const names = [...client.cache.table('Logical_Switch').values()].map((r) => r.name);
    assert.deepEqual(names, ['pre-existing']);
    assert.equal(client.cache.lookup('Logical_Router', ['name'], ['r0']).length, 1);
    assert.equal(client.monitor?.stats.method, 'monitor_cond_since');
  });

  it('follows inserts, modifies and deletes made by another client, with old and new rows', async () => {
    const events: CacheEvent[] = [];
    const onChange = (e: CacheEvent): void => {
      events.push(e);
    };
    client.cache.on('change', onChange);
    try {
      await ovn.nbctl(['ls-add', 'sw1', '--', 'lsp-add', 'sw1', 'p1', '--', 'lsp-set-addresses', 'p1', '00:00:00:00:00:01 10.0.0.1']);
      const p1 = await waitFor('p1 in the cache', () => client.cache.lookupOne('Logical_Switch_Port', 'name', 'p1'));
      assert.deepEqual(p1.addresses, ['00:00:00:00:00:01 10.0.0.1']);
      const sw1 = [...client.cache.table('Logical_Switch').values()].find((r) => r.name === 'sw1');
      assert.ok(sw1);
      assert.deepEqual(sw1.ports, [p1._uuid]);

      await ovn.nbctl(['set', 'Logical_Switch', 'sw1', 'other_config:a=1', 'external_ids:owner=test']);
      await waitFor('sw1 other_config', () => (client.cache.get('Logical_Switch', sw1._uuid)?.other_config as Record<string, string>).a);
      const update = events.find((e) => e.kind === 'update' && e.table === 'Logical_Switch' && e.row._uuid === sw1._uuid);
      assert.ok(update && update.kind === 'update');
      assert.deepEqual(update.old.other_config, {});
      assert.deepEqual(update.row.other_config, { a: '1' });
      assert.deepEqual(update.row.external_ids, { owner: 'test' });

      // A map key changed and another removed, a set element added: the update2 diff forms.
      await ovn.nbctl(['set', 'Logical_Switch', 'sw1', 'other_config:a=2', '--', 'remove', 'Logical_Switch', 'sw1', 'external_ids', 'owner']);
      await ovn.nbctl(['lsp-add', 'sw1', 'p2']);
      await waitFor('sw1 with two ports', () => ((client.cache.get('Logical_Switch', sw1._uuid)?.ports as string[]).length === 2 ? true : undefined));
      const now = client.cache.get('Logical_Switch', sw1._uuid);
      assert.deepEqual(now?.other_config, { a: '2' });
      assert.deepEqual(now?.external_ids, {});

      await ovn.nbctl(['ls-del', 'sw1']);
      await waitFor('sw1 gone', () => (client.cache.get('Logical_Switch', sw1._uuid) ? undefined : true));
      // The ports went with their switch (non-root rows), and the cache said so.
      await waitFor('p1 gone', () => (client.cache.lookupOne('Logical_Switch_Port', 'name', 'p1') ? undefined : true));
      assert.ok(events.some((e) => e.kind === 'delete' && e.table === 'Logical_Switch_Port' && e.old.name === 'p1'));
    } finally {
      client.cache.off('change', onChange);
    }
  });

  it('equals the server content, row for row', async () => {
    await ovn.nbctl(['ls-add', 'sw2', '--', 'lsp-add', 'sw2', 'q1', '--', 'lsp-add', 'sw2', 'q2', '--', 'lr-add', 'r1']);
    await waitFor('q2 cached', () => client.cache.lookupOne('Logical_Switch_Port', 'name', 'q2'));
    for (const table of Object.keys(TABLES)) {
      assert.deepEqual(cacheRows(client.cache, table), await serverRows(ovn.nb.unix, table, client.cache.columnsOf(table)), table);
    }
  });

  it('after a reconnect to a server without history, refills and announces only the differences', async () => {
    const before = client.monitor?.stats.syncs ?? 0;
    const events: CacheEvent[] = [];
    client.cache.on('change', (e) => events.push(e));
    // Disconnect, change the database while away, then let the session come back.
    client.session.reconnect('test: drop the connection');
    await ovn.nbctl(['ls-add', 'while-away']);
    await waitFor('resync', () => ((client.monitor?.stats.syncs ?? 0) > before ? true : undefined));
    await waitFor('while-away cached', () =>
      [...client.cache.table('Logical_Switch').values()].some((r) => r.name === 'while-away') ? true : undefined,
    );
    const stats = client.monitor?.stats;
    assert.equal(stats?.resumed, false, 'a standalone server always answers with the full snapshot');
    for (const table of Object.keys(TABLES)) {
      assert.deepEqual(cacheRows(client.cache, table), await serverRows(ovn.nb.unix, table, client.cache.columnsOf(table)), table);
    }
    const inserted = events.filter((e) => e.kind === 'insert').map((e) => (e.kind === 'insert' ? e.row.name : ''));
    assert.deepEqual(inserted, ['while-away']);
    assert.equal(events.filter((e) => e.kind !== 'insert').length, 0, 'unchanged rows are not announced again');
  });
});
