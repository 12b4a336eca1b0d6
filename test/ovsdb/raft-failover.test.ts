// Leader-only sessions on a real 3-member RAFT Northbound: failover under load without a lost or
// duplicated transaction, no stale reads from a restarted member, and detection of a hung server.
import assert from 'node:assert/strict';
import { startOvn } from '../../testbed/ovn.js';
import type { OvnHandle } from '../../testbed/ovn.js';
import { waitFor } from '../../testbed/exec.js';
import { OvsdbClient } from '../../lib/ovsdb/client.js';
import { transactOnce } from '../../lib/ovsdb/idempotent.js';
import { insert, select, where } from '../../lib/ovsdb/operations.js';
import { OutcomeUnknownError } from '../../lib/ovsdb/errors.js';
import { ovnNorthboundSchema } from '../../lib/ovn/schema/ovn-nb.generated.js';
import { serverRows, cacheRows } from './server-rows.js';

async function switchNames(client: OvsdbClient, prefix: string): Promise<string[]> {
  const { results } = await client.transact([select('Logical_Switch', [], ['name'])]);
  const rows = results[0]?.op === 'select' ? results[0].rows : [];
  return rows.map((r) => String(r.name)).filter((n) => n.startsWith(prefix));
}

describe('ovsdb session: 3-member RAFT cluster', function () {
  this.timeout(120_000);
  let ovn: OvnHandle;

  before(async () => {
    ovn = await startOvn({ northd: false, clustered: 3 });
  });
  after(async () => {
    await ovn?.stop();
  });

  it('SIGKILL of the leader during 500 transactions: every one lands exactly once', async () => {
    const client = await OvsdbClient.connect({ remotes: ovn.nbRemotes, schema: ovnNorthboundSchema, inactivityProbeMs: 1_000 });
    const firstRemote = client.session.currentRemote;
    const leader = await ovn.leaderIndex();
    assert.equal(firstRemote, ovn.members[leader ?? -1]?.tcp, 'leader-only: the session sits on the leader');
    let unknown = 0;
    let retriedApplied = 0;
    let alreadyThere = 0;
    let done = 0;
    let killed: Promise<number> | undefined;
    const N = 500;
    const next = { i: 0 };
    const worker = async (): Promise<void> => {
      while (next.i < N) {
        const i = next.i++;
        const name = `fo-${String(i).padStart(3, '0')}`;
        const outcome = await transactOnce(
          (ops) => client.transact(ops),
          { table: 'Logical_Switch', where: [where('name', '==', name)] },
          [insert('Logical_Switch', { name })],
          { attempts: 10, onRetry: (_a, e) => (unknown += e instanceof OutcomeUnknownError ? 1 : 0) },
        );
        if (outcome.applied && outcome.attempts > 1) retriedApplied += 1;
        if (!outcome.applied) alreadyThere += 1;
        done += 1;
        if (done === 150) killed = ovn.killLeader();
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    const killedIndex = await killed;
    assert.notEqual(killedIndex, undefined);
    assert.notEqual(client.session.currentRemote, firstRemote, 'moved to the new leader');
    assert.ok(client.session.reconnectCount >= 1);
    const names = await switchNames(client, 'fo-');
    assert.equal(names.length, N, `exactly ${N} rows`);
    assert.equal(new Set(names).size, N, 'no duplicate');
    // Transactions cut by the kill were retried: either applied then or proven applied before.
    assert.ok(unknown > 0, 'the kill cut transactions in flight (otherwise this test proved nothing)');
    assert.equal(unknown, retriedApplied + alreadyThere, `${unknown} unknown outcomes, ${retriedApplied} applied on retry, ${alreadyThere} found already applied`);
    client.close();

    // The killed member comes back; a client that follows any member (not only the leader) must
    // not read from it before it has caught up: it refuses servers behind what it has seen.
    await ovn.restart(killedIndex ?? 0);
    const target = ovn.members[killedIndex ?? 0]?.tcp;
    // The reader starts on a member that has every row (the restarted one last in its list), so
    // it has seen the cluster's index before it hops to the restarted member, which it must then
    // refuse until that member has caught up. A reader that started on the restarted member would
    // have seen nothing to compare with.
    const others = ovn.nbRemotes.split(',').filter((r) => r !== target);
    const reader = await OvsdbClient.connect({ remotes: [...others, target].join(','), schema: ovnNorthboundSchema, leaderOnly: false });
    try {
      assert.notEqual(reader.session.currentRemote, target);
      await waitFor('the reader on the restarted member', async () => {
        if (reader.session.currentRemote === target && reader.session.status === 'connected') return true;
        reader.session.reconnect('test: hop to the restarted member');
        await waitFor('reconnected', () => (reader.session.status === 'connected' ? true : undefined));
        return undefined;
      }, 20_000, 50);
      assert.equal(reader.session.currentRemote, target);
      assert.equal((await switchNames(reader, 'fo-')).length, N, 'the restarted member serves every row');
    } finally {
      reader.close();
    }
  });

  it('a SIGSTOPped leader is left within two probe intervals, and the cache stays exact', async () => {
    const probeMs = 1_000;
    const client = await OvsdbClient.connect({
      remotes: ovn.nbRemotes,
      schema: ovnNorthboundSchema,
      inactivityProbeMs: probeMs,
      monitor: { tables: { Logical_Switch: ['name', 'external_ids'] } },
    });
    const leader = await ovn.leaderIndex();
    const member = ovn.members[leader ?? -1];
    assert.ok(member);
    assert.equal(client.session.currentRemote, member.tcp);
    const lost = new Promise<number>((resolve) => client.session.once('disconnected', () => resolve(Date.now())));
    const stoppedAt = Date.now();
    member.daemon.signal('SIGSTOP');
    try {
      const detectedAfter = (await lost) - stoppedAt;
      assert.ok(detectedAfter <= 2 * probeMs + 250, `noticed after ${detectedAfter} ms`);
      await waitFor('a new leader', () => (client.session.status === 'connected' ? true : undefined), 20_000);
      assert.notEqual(client.session.currentRemote, member.tcp);
      await client.transact([insert('Logical_Switch', { name: 'after-stop' })]);
      await ovn.nbctl(['--no-wait', 'set', 'Logical_Switch', 'after-stop', 'external_ids:x=1']);
      await waitFor('change seen in the cache', () =>
        [...client.cache.table('Logical_Switch').values()].some((r) => (r.external_ids as Record<string, string>).x === '1') ? true : undefined,
      );
    } finally {
      member.daemon.signal('SIGCONT');
    }
    const now = client.session.currentRemote;
    assert.ok(now);
    assert.deepEqual(cacheRows(client.cache, 'Logical_Switch'), await serverRows(now, 'Logical_Switch', ['name', 'external_ids']));
    client.close();
  });
});
