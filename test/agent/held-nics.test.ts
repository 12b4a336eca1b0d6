// A host whose hvnetd has not read its domains yet reports no NICs and `libvirt.inventory:
// loading`: the controller keeps that host's last NIC list for the MAC conflict check until a
// report says `loaded`. First with reports posted as hvnetd makes them (two streams, a controller
// restart), then with a real hvnetd on libvirt's test driver, restarted without a libvirt to read.
import assert from 'node:assert/strict';
import https from 'node:https';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { freePort, startOvn } from '../../testbed/ovn.js';
import type { OvnHandle } from '../../testbed/ovn.js';
import { testCerts } from '../../testbed/certs.js';
import { waitFor } from '../../testbed/exec.js';
import { writeTestDriverFile } from '../../testbed/fleet-test-driver.js';
import { testRun } from '../../testbed/test-run.js';
import { startController, startHvnetd, writeConfig } from './harness.js';
import type { RunningController } from './harness.js';
import { REPORT_VERSION } from '../../agent/api/report.js';
import type { Report } from '../../agent/api/report.js';
import { PeeringDigest } from '../../agent/api/peering-digest.js';
import { peeringCounts } from '../../agent/api/peering-counts.js';
import { statusMethod } from '../../agent/api/methods.js';
import type { HostStatus } from '../../agent/api/status.js';
import type { HostRecord } from '../../agent/controller/store.js';

type Inventory = 'loading' | 'loaded' | undefined;
interface Conflicts {
  macConflicts: { mac: string; hosts: string[] }[];
}

const MAC = '02:68:6e:00:77:01';

function report(host: string, stream: string, sequence: number, macs: readonly string[], inventory: Inventory): Report {
  const now = new Date().toISOString();
  return {
    version: REPORT_VERSION,
    host,
    stream,
    sequence,
    createdAt: now,
    reason: 'change',
    dropped: 0,
    intervalSeconds: 30,
    status: {
      host: { id: host, hostname: host },
      state: 'operational',
      since: now,
      reasons: [],
      ovn: { nb: { state: 'connected', remotes: 'unix:/x', synced: true, since: now, reconnects: 0 } },
      libvirt: { state: inventory === 'loaded' ? 'connected' : 'disconnected', uri: 'qemu:///system', ...(inventory === undefined ? {} : { inventory }) },
      links: [],
      networks: [],
      peerings: peeringCounts([]),
      nics: macs.map((mac) => ({ vm: `vm-${host}`, mac })),
      agent: { version: '0.1.0', startedAt: now },
    },
    peerings: { kind: 'full', digest: PeeringDigest.of([]).hex, items: [] },
  };
}

interface ControllerFixture {
  ctl: () => RunningController;
  restart(): Promise<void>;
  stop(): Promise<void>;
  post(host: string, r: Report): Promise<void>;
  tokenFile: string;
  ca: string;
}

async function controllerFixture(name: string): Promise<ControllerFixture> {
  const dir = testRun.tempDir(name);
  const certs = await testCerts();
  const tokenFile = join(dir, 'token');
  writeFileSync(tokenFile, `${testRun.nextName()}-token\n`, { mode: 0o600 });
  const opts = { dir, port: await freePort(), tokenFile, cert: certs.server.cert, key: certs.server.key, ca: certs.ca };
  let ctl = await startController(opts);
  const ca = readFileSync(certs.ca);
  const post = (host: string, r: Report): Promise<void> =>
    new Promise((resolve, reject) => {
      const req = https.request(`${ctl.url}/v1/hosts/${host}/status`, { method: 'POST', ca, headers: { authorization: `Bearer ${ctl.token}`, 'content-type': 'application/json' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`POST ${host}: ${res.statusCode ?? 0} ${Buffer.concat(chunks).toString()}`))));
      });
      req.on('error', reject);
      req.end(JSON.stringify(r));
    });
  const stop = testRun.onCleanup('held-nics controller', () => ctl.daemon.stop());
  return {
    stop,
    ctl: () => ctl,
    restart: async () => {
      await ctl.daemon.stop();
      ctl = await startController(opts);
    },
    post,
    tokenFile,
    ca: certs.ca,
  };
}

describe('agent: a host that has not read its NICs yet keeps its last list in the MAC conflict check', function () {
  this.timeout(90_000);

  it('controller: a loading report keeps the last loaded list (new stream, controller restart); a loaded one replaces it', async () => {
    const f = await controllerFixture('held-nics-controller');
    const conflicts = async (): Promise<Conflicts['macConflicts']> => ((await f.ctl().get('/v1/hosts')).body as Conflicts).macConflicts;
    const rec = async (host: string): Promise<HostRecord> => (await f.ctl().get(`/v1/hosts/${host}`)).body as HostRecord;

    await f.post('a', report('a', 'a-1', 1, [MAC], 'loaded'));
    await f.post('b', report('b', 'b-1', 1, ['02:68:6e:00:77:02'], 'loaded'));
    assert.deepEqual(await conflicts(), []);
    // a's hvnetd restarted (a new stream) and has not read libvirt yet; b now has a's MAC.
    await f.post('a', report('a', 'a-2', 1, [], 'loading'));
    await f.post('b', report('b', 'b-1', 2, [MAC], 'loaded'));
    assert.deepEqual(await conflicts(), [{ mac: MAC, hosts: ['a', 'b'] }]);
    assert.deepEqual((await rec('a')).heldNics, [{ vm: 'vm-a', mac: MAC }]);
    const nics = (await f.ctl().get('/v1/nics')).body as { items: { host: string; mac: string; duplicate: boolean }[] };
    assert.deepEqual(
      nics.items.filter((n) => n.mac === MAC).map((n) => [n.host, n.duplicate]),
      [
        ['a', true],
        ['b', true],
      ],
    );
    // Still loading: still held, also after the controller restarted.
    await f.post('a', report('a', 'a-2', 2, [], 'loading'));
    await f.restart();
    assert.deepEqual(await conflicts(), [{ mac: MAC, hosts: ['a', 'b'] }]);
    // Read: a has no NIC any more; its word now stands.
    await f.post('a', report('a', 'a-2', 3, [], 'loaded'));
    assert.deepEqual(await conflicts(), []);
    assert.equal((await rec('a')).heldNics, undefined);
    // A host first heard of while loading, and reports without the field (older agents), are taken as they are.
    await f.post('c', report('c', 'c-1', 1, [], 'loading'));
    await f.post('d', report('d', 'd-1', 1, [MAC], undefined));
    await f.post('d', report('d', 'd-1', 2, [], undefined));
    assert.deepEqual(await conflicts(), []);
    assert.equal((await rec('c')).heldNics, undefined);
    await f.stop();
  });

  describe('a real hvnetd', () => {
    let ovn: OvnHandle;
    before(async function () {
      this.timeout(60_000);
      ovn = await startOvn({ northd: false });
    });
    after(async () => {
      await ovn?.stop();
    });

    it('hvnetd says loading until it read its domains; restarted without libvirt, its MAC stays in the conflict', async () => {
      const f = await controllerFixture('held-nics-hvnetd');
      const dir = testRun.tempDir('held-nics-hvnetd');
      const withNic = writeTestDriverFile(join(dir, 'with-nic.xml'), [{ name: 'vm-held', nics: [{ mac: MAC, source: 'eth0' }] }]);
      const without = writeTestDriverFile(join(dir, 'without-nic.xml'), [{ name: 'vm-held', nics: [] }]);
      const controller = { url: f.ctl().url, tokenFile: f.tokenFile, caFile: f.ca, intervalSeconds: 1, retry: { initialSeconds: 0.2, maxSeconds: 1 } };
      const setup = writeConfig(dir, ovn.nb.unix, { libvirt: { uri: withNic }, controller });
      const host = setup.hostId;
      const rec = async (): Promise<HostRecord | undefined> => {
        const r = await f.ctl().get(`/v1/hosts/${host}`);
        return r.status === 200 ? (r.body as HostRecord) : undefined;
      };
      const conflicts = async (): Promise<Conflicts['macConflicts']> => ((await f.ctl().get('/v1/hosts')).body as Conflicts).macConflicts;
      const start = async (uri: string, log: string): Promise<Awaited<ReturnType<typeof startHvnetd>>> => {
        const config = parse(readFileSync(setup.configFile, 'utf8')) as { libvirt: { uri: string } };
        config.libvirt.uri = uri;
        writeFileSync(setup.configFile, stringify(config));
        return startHvnetd(setup, { logName: log });
      };

      let hv = await start(withNic, 'hvnetd-1.log');
      const status = async (): Promise<HostStatus> => (await hv.client.call(statusMethod, {})).status;
      await waitFor('hvnetd read its domains', async () => ((await status()).libvirt.inventory === 'loaded' ? true : undefined), 15_000, 50);
      assert.deepEqual((await status()).nics.map((n) => n.mac), [MAC]);
      await waitFor('the controller has the NIC', async () => ((await rec())?.report.status.nics.some((n) => n.mac === MAC) === true ? true : undefined), 15_000, 100);
      await f.post('other', report('other', 'o-1', 1, [MAC], 'loaded'));
      assert.deepEqual(await conflicts(), [{ mac: MAC, hosts: [host, 'other'].sort() }]);
      await hv.daemon.stop();

      // Restarted where libvirt cannot be read: it says so, lists no NIC, and the conflict stays.
      hv = await start(`qemu+unix:///system?socket=${dir}/no-libvirt.sock`, 'hvnetd-2.log');
      const st = await status();
      assert.equal(st.libvirt.inventory, 'loading');
      assert.deepEqual(st.nics, []);
      // The controller had a loaded report last: a loading one is the new hvnetd's.
      await waitFor('the controller has the loading report', async () => ((await rec())?.report.status.libvirt.inventory === 'loading' ? true : undefined), 15_000, 100);
      assert.deepEqual(await conflicts(), [{ mac: MAC, hosts: [host, 'other'].sort() }]);
      assert.deepEqual((await rec())?.heldNics?.map((n) => n.mac), [MAC]);
      await hv.daemon.stop();

      // Restarted with the domain read and the NIC gone: the conflict goes with the first loaded report.
      hv = await start(without, 'hvnetd-3.log');
      await waitFor('the conflict gone', async () => ((await conflicts()).length === 0 ? true : undefined), 15_000, 100);
      assert.equal((await rec())?.heldNics, undefined);
      assert.equal((await status()).libvirt.inventory, 'loaded');
      await hv.daemon.stop();
      await f.stop();
    });
  });
});
