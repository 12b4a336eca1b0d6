// The session against real ovsdb-servers: every remote kind, a dead first remote, leader-only.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startOvn } from '../../testbed/ovn.js';
import type { OvnHandle } from '../../testbed/ovn.js';
import { OvsdbSession } from '../../lib/ovsdb/session.js';
import { TransportError } from '../../lib/ovsdb/errors.js';
import { freePort } from '../../testbed/ovn.js';

async function listDbs(session: OvsdbSession): Promise<unknown> {
  await session.ready(10_000);
  return session.call('list_dbs', []);
}

describe('ovsdb session: connecting', function () {
  this.timeout(30_000);
  let ovn: OvnHandle;

  before(async () => {
    ovn = await startOvn({ northd: false, ssl: true });
  });
  after(async () => {
    await ovn?.stop();
  });

  for (const kind of ['unix', 'tcp', 'ssl'] as const) {
    it(`connects over ${kind}: and answers list_dbs`, async () => {
      const remote = ovn.nb[kind];
      assert.ok(remote, `fixture has a ${kind} remote`);
      const ssl = ovn.ssl ? { privateKey: ovn.ssl.key, certificate: ovn.ssl.cert, caCertificate: ovn.ssl.ca } : undefined;
      const session = new OvsdbSession({ remotes: remote, database: 'OVN_Northbound', ...(ssl ? { ssl } : {}) }).start();
      try {
        assert.deepEqual(await listDbs(session), ['OVN_Northbound', '_Server']);
        assert.equal(session.status, 'connected');
        assert.equal(session.currentRemote, remote);
      } finally {
        session.close();
      }
      assert.equal(session.status, 'closed');
    });
  }

  it('skips a dead first remote and connects to the next', async () => {
    const deadPort = await freePort();
    const failures: string[] = [];
    const session = new OvsdbSession({ remotes: `tcp:127.0.0.1:${deadPort},${ovn.nb.tcp}`, database: 'OVN_Northbound' });
    session.on('attemptFailed', ({ remote }) => failures.push(remote));
    session.start();
    try {
      await session.ready(10_000);
      assert.equal(session.currentRemote, ovn.nb.tcp);
      assert.deepEqual(failures, [`tcp:127.0.0.1:${deadPort}`]);
    } finally {
      session.close();
    }
  });

  it('refuses a server that does not serve the database, naming it', async () => {
    const reasons: string[] = [];
    const session = new OvsdbSession({ remotes: ovn.nb.unix, database: 'OVN_Southbound', requestTimeoutMs: 1_000 });
    session.on('attemptFailed', ({ reason }) => reasons.push(reason.message));
    try {
      await assert.rejects(session.ready(1_000), TransportError);
      assert.match(reasons[0] ?? '', /does not serve database OVN_Southbound/);
    } finally {
      session.close();
    }
  });

  it('uses the ssl files it is given (a wrong CA is refused)', async () => {
    assert.ok(ovn.ssl && ovn.nb.ssl);
    const reasons: string[] = [];
    // The server's own key as a CA: a valid PEM file that signed nothing.
    const wrongCa = ovn.ssl.certs.server.cert;
    assert.notEqual(readFileSync(wrongCa, 'utf8'), readFileSync(ovn.ssl.ca, 'utf8'));
    const session = new OvsdbSession({
      remotes: ovn.nb.ssl,
      database: 'OVN_Northbound',
      ssl: { privateKey: ovn.ssl.key, certificate: ovn.ssl.cert, caCertificate: wrongCa },
    });
    session.on('attemptFailed', ({ reason }) => reasons.push(reason.message));
    try {
      await assert.rejects(session.ready(1_500), TransportError);
      assert.ok(reasons.length > 0);
    } finally {
      session.close();
    }
  });
});
