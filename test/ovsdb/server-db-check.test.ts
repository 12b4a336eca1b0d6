// Which servers a session accepts, decided from `_Server.Database` rows (pure: no server).
import assert from 'node:assert/strict';
import { checkServer, serverRowFrom } from '../../lib/ovsdb/server-db.js';
import type { ServerDbRow } from '../../lib/ovsdb/server-db.js';

const CID = '1bdc84d9-e358-4ebf-a6b2-973f048c3382';
const member = (over: Partial<ServerDbRow> = {}): ServerDbRow => ({
  name: 'OVN_Northbound',
  model: 'clustered',
  connected: true,
  leader: true,
  index: 40,
  cid: CID,
  ...over,
});
const ctx = { database: 'OVN_Northbound', leaderOnly: true, highestIndex: 30, clusterId: CID };

describe('_Server.Database: which server may serve', () => {
  it('accepts a standalone server whatever the other columns say', () => {
    assert.deepEqual(checkServer(member({ model: 'standalone', leader: false, index: undefined }), ctx), { ok: true });
  });

  it('accepts the connected leader of our cluster, at or past the highest index seen', () => {
    assert.deepEqual(checkServer(member(), ctx), { ok: true });
    assert.deepEqual(checkServer(member({ index: 30 }), ctx), { ok: true });
  });

  const refusals: [string, ServerDbRow | undefined, Partial<typeof ctx>, RegExp][] = [
    ['a server without the database', undefined, {}, /does not serve database OVN_Northbound/],
    ['a member cut off from the quorum', member({ connected: false }), {}, /not connected to a quorum/],
    ['a follower in leader-only mode', member({ leader: false }), {}, /not the leader/],
    ['a member of another cluster', member({ cid: 'aaaaaaaa-e358-4ebf-a6b2-973f048c3382' }), {}, /not of 1bdc84d9/],
    ['a member behind what was already seen (no going back in time)', member({ index: 29 }), {}, /raft index 29 is behind 30/],
  ];
  for (const [what, row, over, reason] of refusals) {
    it(`refuses ${what}`, () => {
      const verdict = checkServer(row, { ...ctx, ...over });
      assert.equal(verdict.ok, false);
      assert.match(verdict.ok ? '' : verdict.reason, reason);
    });
  }

  it('accepts a follower when leader-only is off', () => {
    assert.deepEqual(checkServer(member({ leader: false }), { ...ctx, leaderOnly: false }), { ok: true });
  });
});

describe('_Server.Database: reading rows from monitor replies and update2', () => {
  const initial = {
    Database: {
      'u-1': { initial: { name: '_Server', model: 'standalone', connected: true, leader: true, index: ['set', []], cid: ['set', []] } },
      'u-2': { initial: { name: 'OVN_Northbound', model: 'clustered', connected: true, leader: true, index: 4, cid: ['uuid', CID] } },
    },
  };

  it('reads the row of the database asked for', () => {
    assert.deepEqual(serverRowFrom(initial, 'OVN_Northbound'), member({ index: 4 }));
    assert.deepEqual(serverRowFrom(initial, '_Server'), {
      name: '_Server',
      model: 'standalone',
      connected: true,
      leader: true,
      index: undefined,
      cid: undefined,
    });
  });

  it('applies modify diffs: scalars replaced, the optional index toggled', () => {
    const row = serverRowFrom(initial, 'OVN_Northbound');
    const next = serverRowFrom({ Database: { 'u-2': { modify: { leader: false, index: ['set', [4, 9]] } } } }, 'OVN_Northbound', row);
    assert.deepEqual(next, member({ leader: false, index: 9 }));
  });

  it('a delete of the row means the database is gone', () => {
    const row = serverRowFrom(initial, 'OVN_Northbound');
    assert.equal(serverRowFrom({ Database: { 'u-2': { delete: null } } }, 'OVN_Northbound', row), undefined);
  });
});
