// A message over the size limit drops only that connection: the session reconnects by itself and
// another session on the same server is not affected.
import assert from 'node:assert/strict';
import { startOvn } from '../../testbed/ovn.js';
import type { OvnHandle } from '../../testbed/ovn.js';
import { waitFor } from '../../testbed/exec.js';
import { OvsdbSession } from '../../lib/ovsdb/session.js';
import { MessageTooLargeError, TransportError } from '../../lib/ovsdb/errors.js';

describe('ovsdb session: message size limit', function () {
  this.timeout(20_000);
  let ovn: OvnHandle;

  before(async () => {
    ovn = await startOvn({ northd: false });
  });
  after(async () => {
    await ovn?.stop();
  });

  it('a reply larger than the limit fails that request with a clear error and drops only that connection', async () => {
    const small = new OvsdbSession({ remotes: ovn.nb.unix, database: 'OVN_Northbound', maxMessageBytes: 4_096 }).start();
    const other = new OvsdbSession({ remotes: ovn.nb.unix, database: 'OVN_Northbound' }).start();
    const drops: Error[] = [];
    small.on('disconnected', ({ reason }) => drops.push(reason));
    try {
      await Promise.all([small.ready(5_000), other.ready(5_000)]);
      // The NB schema is ~33 KB of JSON.
      await assert.rejects(small.call('get_schema', ['OVN_Northbound']), (e: unknown) => {
        assert.ok(e instanceof TransportError, String(e));
        assert.match(e.message, /exceeds 4096 bytes/);
        return true;
      });
      assert.ok(drops[0] instanceof MessageTooLargeError);
      await waitFor('small session back', () => (small.status === 'connected' ? true : undefined));
      assert.deepEqual(await small.call('list_dbs', []), ['OVN_Northbound', '_Server']);
      const schema = (await other.call('get_schema', ['OVN_Northbound'])) as { name: string };
      assert.equal(schema.name, 'OVN_Northbound');
      assert.equal(other.reconnectCount, 0);
    } finally {
      small.close();
      other.close();
    }
  });
});
