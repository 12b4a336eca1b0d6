// OVSDB locks between two real clients: one holds `hvnet`, the other is told when it is released
// or stolen, and a transaction asserting a lock it does not hold fails with NotOwnerError.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { startOvn } from '../../testbed/ovn.js';
import type { OvnHandle } from '../../testbed/ovn.js';
import { OvsdbClient } from '../../lib/ovsdb/client.js';
import { OvsdbLock } from '../../lib/ovsdb/lock.js';
import { assertLock, insert } from '../../lib/ovsdb/operations.js';
import { NotOwnerError } from '../../lib/ovsdb/errors.js';
import { ovnNorthboundSchema } from '../../lib/ovn/schema/ovn-nb.generated.js';

describe('ovsdb locks', function () {
  this.timeout(30_000);
  let ovn: OvnHandle;
  let a: OvsdbClient;
  let b: OvsdbClient;

  before(async () => {
    ovn = await startOvn({ northd: false });
    a = await OvsdbClient.connect({ remotes: ovn.nb.unix, schema: ovnNorthboundSchema });
    b = await OvsdbClient.connect({ remotes: ovn.nb.tcp, schema: ovnNorthboundSchema });
  });
  after(async () => {
    a?.close();
    b?.close();
    await ovn?.stop();
  });

  it('grants to one, tells the other on release, and on steal tells the loser', async () => {
    const lockA = new OvsdbLock(a.session, 'hvnet');
    const lockB = new OvsdbLock(b.session, 'hvnet');
    assert.equal(await lockA.acquire(), true);
    assert.equal(await lockB.acquire(), false);
    assert.equal(lockB.held, false);

    await assert.rejects(b.transact([assertLock('hvnet'), insert('Logical_Switch', { name: 'by-b' })]), NotOwnerError);
    await a.transact([assertLock('hvnet'), insert('Logical_Switch', { name: 'by-a' })]);

    const granted = once(lockB, 'acquired');
    await lockA.release();
    await granted;
    assert.equal(lockB.held, true);
    assert.equal(lockA.held, false);

    const lost = once(lockB, 'lost') as Promise<[string]>;
    assert.equal(await lockA.steal(), true);
    assert.deepEqual(await lost, ['stolen']);
    assert.equal(lockA.held, true);
    assert.equal(lockB.held, false);
    await lockA.release();
    await lockB.release();
  });

  it('a lock is asked for again after a reconnect', async () => {
    const lock = new OvsdbLock(a.session, 'hvnet_again');
    assert.equal(await lock.acquire(), true);
    const lost = once(lock, 'lost') as Promise<[string]>;
    const regained = once(lock, 'acquired');
    a.session.reconnect('test');
    assert.deepEqual(await lost, ['disconnected']);
    await regained;
    assert.equal(lock.held, true);
    await lock.release();
  });
});

describe('ovsdb locks: names', () => {
  it('refuses a lock name that is not an OVSDB id, before asking the server', () => {
    const fakeSession = { addSyncHook: () => undefined, on: () => undefined } as unknown as ConstructorParameters<typeof OvsdbLock>[0];
    assert.throws(() => new OvsdbLock(fakeSession, 'hvnet-lock'), /lock name "hvnet-lock" is not an OVSDB id/);
  });
});
