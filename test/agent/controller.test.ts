// hvnet-controller on its own: token auth, schema check, dedupe by (host, stream, sequence), a
// MAC seen on two hosts, the fleet page, and version 1 and 2 reports accepted next to version 3
// (converted on receipt, also those a restarted controller reads back), peering deltas applied
// and a resync asked for when one cannot be.
import assert from 'node:assert/strict';
import https from 'node:https';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../../testbed/ovn.js';
import { testCerts } from '../../testbed/certs.js';
import { testRun } from '../../testbed/test-run.js';
import { startController } from './harness.js';
import { REPORT_VERSION } from '../../agent/api/report.js';
import type { Report, ReportV1, ReportV2 } from '../../agent/api/report.js';
import { PeeringDigest } from '../../agent/api/peering-digest.js';
import { peeringCounts } from '../../agent/api/peering-counts.js';
import type { PeeringSummary } from '../../agent/api/status.js';
import type { HostRecord } from '../../agent/controller/store.js';

const P1: PeeringSummary = { project: 'default', network: 'a', name: 'p1', target_project: 'default', target_network: 'b', type: 'local', status: 'Created' };

function report(host: string, sequence: number, mac: string, items: PeeringSummary[] = [P1]): Report {
  const v2 = reportV2(host, sequence, mac, items);
  return {
    ...v2,
    version: REPORT_VERSION,
    intervalSeconds: 30,
    status: { ...v2.status, peerings: peeringCounts(items) },
    peerings: { kind: 'full', digest: PeeringDigest.of(items).hex, items },
  };
}

/** The same report as hvnetd sent it before version 3. */
function reportV2(host: string, sequence: number, mac: string, items: PeeringSummary[] = [P1]): ReportV2 {
  const now = new Date().toISOString();
  return {
    version: 2,
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
      peerings: items,
      nics: [{ vm: `vm-${host}`, mac }],
      agent: { version: '0.1.0', startedAt: now },
    },
  };
}

/** The same report as hvnetd sent it before version 2. */
function reportV1(host: string, sequence: number, mac: string, stream = 'stream-1'): ReportV1 {
  const r = reportV2(host, sequence, mac);
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
    assert.equal(REPORT_VERSION, 3);
    for (const version of [4, '3', undefined]) {
      const r = await post('/v1/hosts/a/status', { ...report('a', 1, '02:68:76:00:00:01'), version });
      assert.equal(r.status, 422, `version ${String(version)}: ${r.body}`);
    }
    // A version 2 peering in a version 1 report (and the reverse) is not that version's report.
    const mixed = await post('/v1/hosts/a/status', { ...reportV1('a', 1, '02:68:76:00:00:01'), status: reportV2('a', 1, '02:68:76:00:00:01').status });
    assert.equal(mixed.status, 422);
    assert.match(mixed.body, /not a version 1 report: \/status\/peerings\/0/);
    assert.equal((await post('/v1/hosts/b/status', report('a', 1, '02:68:76:00:00:01'))).status, 400);
    const first = await post('/v1/hosts/a/status', report('a', 1, '02:68:76:00:00:01'));
    assert.deepEqual(JSON.parse(first.body), { accepted: true, duplicate: false });
    const again = await post('/v1/hosts/a/status', report('a', 1, '02:68:76:00:00:01'));
    assert.deepEqual(JSON.parse(again.body), { accepted: false, duplicate: true });
    assert.equal((await post('/v1/hosts/b/status', report('b', 1, '02:68:76:00:00:01'))).status, 200);

    const a = ((await ctl.get('/v1/hosts/a')).body as HostRecord);
    assert.equal(a.accepted, 1);
    assert.equal(a.duplicates, 1);
    assert.deepEqual(a.history, [1]);
    const list = (await ctl.get('/v1/hosts')).body as { hosts: { host: string }[]; macConflicts: { mac: string; hosts: string[] }[] };
    assert.deepEqual(list.hosts.map((h) => h.host), ['a', 'b']);
    assert.deepEqual(list.macConflicts, [{ mac: '02:68:76:00:00:01', hosts: ['a', 'b'] }]);
    const page = (await ctl.get('/')).body as string;
    assert.match(page, /1 MAC address on more than one host/);
    assert.match(page, /vm-a/);
    assert.match(page, /<tr data-pair="default\/a ↔ default\/b" data-status="one-sided">/);

    // Deltas: applied on top of their base; a missing base or a digest that differs asks for the full set.
    const P2: PeeringSummary = { ...P1, network: 'b', name: 'p2', target_network: 'a' };
    const delta = (sequence: number, base: number, changed: PeeringSummary[], removed: PeeringSummary[], whole: PeeringSummary[]): Report => ({
      ...report('a', sequence, '02:68:76:00:00:01', whole),
      peerings: { kind: 'delta', base, digest: PeeringDigest.of(whole).hex, changed, removed: removed.map((x) => ({ project: x.project, network: x.network, name: x.name })) },
    });
    assert.deepEqual(JSON.parse((await post('/v1/hosts/a/status', delta(2, 1, [P2], [], [P1, P2]))).body), { accepted: true, duplicate: false });
    assert.match((await ctl.get('/')).body as string, /data-pair="default\/a ↔ default\/b" data-status="Created"/);
    assert.deepEqual(JSON.parse((await post('/v1/hosts/a/status', delta(3, 2, [], [P1], [P2]))).body), { accepted: true, duplicate: false });
    assert.deepEqual(((await ctl.get('/v1/hosts/a')).body as HostRecord).report.peerings.items, [P2]);
    // Sequence 4 never arrived (dropped by the host's spool): 5 cannot be applied.
    assert.deepEqual(JSON.parse((await post('/v1/hosts/a/status', delta(5, 4, [P1], [], [P1, P2]))).body), { accepted: true, duplicate: false, resync: true });
    // A base that is there but a digest that differs: the controller's copy is not the host's.
    assert.deepEqual(JSON.parse((await post('/v1/hosts/a/status', { ...delta(6, 5, [], [], [P1]) })).body), { accepted: true, duplicate: false, resync: true });
    assert.deepEqual(JSON.parse((await post('/v1/hosts/a/status', { ...report('a', 7, '02:68:76:00:00:01', [P1, P2]), reason: 'resync' })).body), { accepted: true, duplicate: false });
    const after = ((await ctl.get('/v1/hosts/a')).body as HostRecord);
    assert.equal(after.peeringsStale, false);
    assert.equal(after.resyncs, 2);
    assert.equal(after.report.peerings.items.length, 2);
    await ctl.daemon.stop();
  });

  it('accepts version 1, 2 and 3 reports; older ones are stored and shown in version 3 form', async () => {
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
    const recOf = async (): Promise<HostRecord> => ((await ctl.get('/v1/hosts/old')).body as HostRecord);
    let rec = await recOf();
    assert.equal(rec.report.version, 3);
    assert.deepEqual(rec.report.peerings.items, [converted]);
    assert.equal(rec.report.status.peerings.pending, 1);
    assert.match((await ctl.get('/')).body as string, /data-pair="default\/a ↔ p2\/b" data-status="one-sided"/);
    assert.deepEqual(JSON.parse((await post('/v1/hosts/old/status', reportV1('old', 1, '02:68:76:00:00:11'))).body), { accepted: false, duplicate: true });
    const v2 = await post('/v1/hosts/old/status', reportV2('old', 2, '02:68:76:00:00:11'));
    assert.deepEqual(JSON.parse(v2.body), { accepted: true, duplicate: false });
    rec = await recOf();
    assert.deepEqual(rec.history, [1, 2]);
    assert.equal(rec.report.peerings.items[0]?.status, 'Created');
    const v3 = await post('/v1/hosts/old/status', report('old', 3, '02:68:76:00:00:11'));
    assert.deepEqual(JSON.parse(v3.body), { accepted: true, duplicate: false });
    assert.deepEqual((await recOf()).history, [1, 2, 3]);

    // A record a controller of before version 2 saved is read back in version 3 form.
    await ctl.daemon.stop();
    const saved = JSON.parse(readFileSync(join(dir, 'controller', 'hosts', 'old.json'), 'utf8')) as HostRecord;
    writeFileSync(join(dir, 'controller', 'hosts', 'old.json'), JSON.stringify({ ...saved, report: reportV1('old', 2, '02:68:76:00:00:11') }));
    ctl = await start();
    rec = await recOf();
    assert.equal(rec.report.version, 3);
    assert.deepEqual(rec.report.peerings.items, [converted]);
    assert.match((await ctl.get('/')).body as string, /data-pair="default\/a ↔ p2\/b" data-status="one-sided"/);
    await ctl.daemon.stop();
  });
});
