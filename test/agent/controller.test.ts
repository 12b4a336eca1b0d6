// hvnet-controller on its own: token auth, schema check, dedupe by (host, stream, sequence), a
// MAC seen on two hosts, the fleet page.
import assert from 'node:assert/strict';
import https from 'node:https';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../../testbed/ovn.js';
import { testCerts } from '../../testbed/certs.js';
import { testRun } from '../../testbed/test-run.js';
import { startController } from './harness.js';
import { REPORT_VERSION } from '../../agent/api/report.js';
import type { Report } from '../../agent/api/report.js';
import type { HostRecord } from '../../agent/controller/store.js';

function report(host: string, sequence: number, mac: string): Report {
  const now = new Date().toISOString();
  return {
    version: REPORT_VERSION,
    host,
    stream: 'stream-1',
    sequence,
    createdAt: now,
    reason: 'change',
    dropped: 0,
    status: {
      host: { id: host, hostname: host },
      state: 'operational',
      since: now,
      reasons: [],
      ovn: { nb: { state: 'connected', remotes: 'unix:/x', synced: true, since: now, reconnects: 0 } },
      libvirt: { state: 'not yet managed', uri: 'qemu:///system' },
      links: [],
      networks: [],
      peerings: [{ project: 'default', network: 'a', name: 'p1', target: 'default/b', status: 'created' }],
      nics: [{ vm: `vm-${host}`, mac }],
      agent: { version: '0.1.0', startedAt: now },
    },
  };
}

describe('agent: hvnet-controller', function () {
  this.timeout(30_000);

  it('authenticates, validates, dedupes, flags a MAC on two hosts and shows the fleet', async () => {
    const dir = testRun.tempDir('controller');
    const certs = await testCerts();
    const tokenFile = join(dir, 'token');
    writeFileSync(tokenFile, 'tok-123\n');
    const ctl = await startController({ dir, port: await freePort(), tokenFile, cert: certs.server.cert, key: certs.server.key, ca: certs.ca });
    const ca = readFileSync(certs.ca);
    const post = (path: string, body: unknown, token = 'tok-123'): Promise<{ status: number; body: string }> =>
      new Promise((resolve, reject) => {
        const req = https.request(`${ctl.url}${path}`, { method: 'POST', ca, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        });
        req.on('error', reject);
        req.end(JSON.stringify(body));
      });

    assert.equal((await post('/v1/hosts/a/status', report('a', 1, '02:68:76:00:00:01'), 'wrong')).status, 401);
    assert.equal((await post('/v1/hosts/a/status', { version: 2 })).status, 422);
    assert.equal((await post('/v1/hosts/b/status', report('a', 1, '02:68:76:00:00:01'))).status, 400);
    const first = await post('/v1/hosts/a/status', report('a', 1, '02:68:76:00:00:01'));
    assert.deepEqual(JSON.parse(first.body), { accepted: true, duplicate: false });
    const again = await post('/v1/hosts/a/status', report('a', 1, '02:68:76:00:00:01'));
    assert.deepEqual(JSON.parse(again.body), { accepted: false, duplicate: true });
    assert.equal((await post('/v1/hosts/b/status', report('b', 1, '02:68:76:00:00:01'))).status, 200);

    const a = (await ctl.get('/v1/hosts/a')).body as HostRecord;
    assert.equal(a.accepted, 1);
    assert.equal(a.duplicates, 1);
    assert.deepEqual(a.history, [1]);
    const list = (await ctl.get('/v1/hosts')).body as { hosts: { host: string }[]; macConflicts: { mac: string; hosts: string[] }[] };
    assert.deepEqual(list.hosts.map((h) => h.host), ['a', 'b']);
    assert.deepEqual(list.macConflicts, [{ mac: '02:68:76:00:00:01', hosts: ['a', 'b'] }]);
    const page = (await ctl.get('/')).body as string;
    assert.match(page, /MAC addresses on more than one host/);
    assert.match(page, /vm-a/);
    assert.match(page, /default\/a ↔ default\/b/);
    await ctl.daemon.stop();
  });
});
