// hvnet-controller on its own: token auth, schema check, dedupe by (host, stream, sequence), a
// MAC seen on two hosts, the fleet page, and version 1 reports accepted next to version 2 (the
// peerings converted to Incus's names on receipt, also those a restarted controller reads back).
import assert from 'node:assert/strict';
import https from 'node:https';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../../testbed/ovn.js';
import { testCerts } from '../../testbed/certs.js';
import { testRun } from '../../testbed/test-run.js';
import { startController } from './harness.js';
import { REPORT_VERSION } from '../../agent/api/report.js';
import type { Report, ReportV1 } from '../../agent/api/report.js';
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
      peerings: [{ project: 'default', network: 'a', name: 'p1', target_project: 'default', target_network: 'b', type: 'local', status: 'Created' }],
      nics: [{ vm: `vm-${host}`, mac }],
      agent: { version: '0.1.0', startedAt: now },
    },
  };
}

/** The same report as hvnetd sent it before version 2. */
function reportV1(host: string, sequence: number, mac: string, stream = 'stream-1'): ReportV1 {
  const r = report(host, sequence, mac);
  return {
    ...r,
    version: 1,
    stream,
    status: { ...r.status, peerings: [{ project: 'default', network: 'a', name: 'p1', target: 'p2/b', status: 'pending' }] },
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
    assert.equal(REPORT_VERSION, 2);
    for (const version of [1, 3, '2', undefined]) {
      const r = await post('/v1/hosts/a/status', { ...report('a', 1, '02:68:76:00:00:01'), version });
      assert.equal(r.status, 422, `version ${String(version)}: ${r.body}`);
    }
    // A version 2 peering in a version 1 report (and the reverse) is not that version's report.
    const mixed = await post('/v1/hosts/a/status', { ...reportV1('a', 1, '02:68:76:00:00:01'), status: report('a', 1, '02:68:76:00:00:01').status });
    assert.equal(mixed.status, 422);
    assert.match(mixed.body, /not a version 1 report: \/status\/peerings\/0/);
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
    assert.match(page, /default\/a ↔ default\/b \(Created\)/);
    await ctl.daemon.stop();
  });

  it('accepts version 1 and version 2 reports; a version 1 report is stored and shown in version 2 form', async () => {
    const dir = testRun.tempDir('controller-v1');
    const certs = await testCerts();
    const tokenFile = join(dir, 'token');
    writeFileSync(tokenFile, 'tok-v1\n');
    const start = async (): Promise<Awaited<ReturnType<typeof startController>>> =>
      startController({ dir, port: await freePort(), tokenFile, cert: certs.server.cert, key: certs.server.key, ca: certs.ca });
    let ctl = await start();
    const ca = readFileSync(certs.ca);
    const post = (path: string, body: unknown): Promise<{ status: number; body: string }> =>
      new Promise((resolve, reject) => {
        const req = https.request(`${ctl.url}${path}`, { method: 'POST', ca, headers: { authorization: 'Bearer tok-v1', 'content-type': 'application/json' } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        });
        req.on('error', reject);
        req.end(JSON.stringify(body));
      });
    const converted = { project: 'default', network: 'a', name: 'p1', target_project: 'p2', target_network: 'b', type: 'local', status: 'Pending' };

    // A host not yet upgraded (v1), then the same stream from the upgraded host (v2): one record.
    const v1 = await post('/v1/hosts/old/status', reportV1('old', 1, '02:68:76:00:00:11'));
    assert.equal(v1.status, 200, v1.body);
    assert.deepEqual(JSON.parse(v1.body), { accepted: true, duplicate: false });
    let rec = (await ctl.get('/v1/hosts/old')).body as HostRecord;
    assert.equal(rec.report.version, 2);
    assert.deepEqual(rec.report.status.peerings, [converted]);
    assert.match((await ctl.get('/')).body as string, /default\/a ↔ p2\/b \(Pending\)/);
    assert.deepEqual(JSON.parse((await post('/v1/hosts/old/status', reportV1('old', 1, '02:68:76:00:00:11'))).body), { accepted: false, duplicate: true });
    const v2 = await post('/v1/hosts/old/status', report('old', 2, '02:68:76:00:00:11'));
    assert.deepEqual(JSON.parse(v2.body), { accepted: true, duplicate: false });
    rec = (await ctl.get('/v1/hosts/old')).body as HostRecord;
    assert.deepEqual(rec.history, [1, 2]);
    assert.equal(rec.report.status.peerings[0]?.status, 'Created');

    // A record a controller of before version 2 saved is read back in version 2 form.
    await ctl.daemon.stop();
    const saved = JSON.parse(readFileSync(join(dir, 'controller', 'hosts', 'old.json'), 'utf8')) as HostRecord;
    writeFileSync(join(dir, 'controller', 'hosts', 'old.json'), JSON.stringify({ ...saved, report: reportV1('old', 2, '02:68:76:00:00:11') }));
    ctl = await start();
    rec = (await ctl.get('/v1/hosts/old')).body as HostRecord;
    assert.equal(rec.report.version, 2);
    assert.deepEqual(rec.report.status.peerings, [converted]);
    assert.match((await ctl.get('/')).body as string, /default\/a ↔ p2\/b \(Pending\)/);
    await ctl.daemon.stop();
  });
});
