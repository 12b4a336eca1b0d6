// The controller as a fleet operator uses it, in a real browser: two real hvnetd (one with its
// libvirt unreachable) on a real NB and simulated hosts reporting to hvnet-controller; the page in
// headless Chromium shows hosts, states and reasons, each peering once, NICs and relative times
// (checked through the DOM, screenshots beside the test output), follows a host that stops
// reporting and comes back without a reload, flags a MAC on two hosts; a host reports only as
// itself and a rotated tokens file is used without a restart.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { freePort, startOvn } from '../../testbed/ovn.js';
import type { OvnHandle } from '../../testbed/ovn.js';
import { waitFor } from '../../testbed/exec.js';
import { testRun } from '../../testbed/test-run.js';
import { startHvnetd, writeConfig } from '../agent/harness.js';
import type { HvnetdSetup, RunningHvnetd } from '../agent/harness.js';
import { networkCreateMethod, peerCreateMethod, peerListMethod } from '../../agent/api/networks.js';
import type { HostView } from '../../agent/controller/fleet.js';
import type { HostRecord } from '../../agent/controller/store.js';
import { REFRESH_MS } from '../../agent/controller/html.js';
import { SimulatedHost, inPage, launchChromium, peering, screenshot, startFleetController } from './helpers.js';
import type { FleetController } from './helpers.js';

const INTERVAL_S = 1;
const token = (host: string): string => `token-of-${host}-${testRun.id}-0123456789`;

describe('controller: the fleet page in Chromium', function () {
  this.timeout(120_000);
  let ovn: OvnHandle;
  let ctl: FleetController;
  let browser: BrowserContext;
  let page: Page;
  const real: Record<string, { setup: HvnetdSetup; hv: RunningHvnetd }> = {};
  const hv3 = new SimulatedHost('hv3', token('hv3'));
  const hv4 = new SimulatedHost('hv4', token('hv4'));
  const DUP_MAC = '02:68:76:aa:00:01';

  const hostsApi = async (): Promise<HostView[]> => (await ctl.getJson<{ hosts: HostView[] }>('/v1/hosts')).hosts;
  const hostApi = async (id: string): Promise<HostView | undefined> => (await hostsApi()).find((h) => h.host === id);
  const rowState = (id: string): Promise<string | null> => page.locator(`#hosts tr[data-host="${id}"]`).getAttribute('data-state', { timeout: 1_000 }).catch(() => null);

  async function startReal(id: string, libvirtUri: string): Promise<void> {
    const dir = testRun.tempDir(id);
    const tokenFile = join(dir, 'token');
    writeFileSync(tokenFile, `${token(id)}\n`, { mode: 0o600 });
    const setup = writeConfig(dir, ovn.nb.unix, {
      host: { id },
      libvirt: { uri: libvirtUri },
      controller: { url: ctl.url, tokenFile, intervalSeconds: INTERVAL_S, retry: { initialSeconds: 0.2, maxSeconds: 1 } },
    });
    real[id] = { setup: { ...setup, hostId: id }, hv: await startHvnetd(setup) };
  }

  before(async () => {
    ovn = await startOvn({ northd: false });
    const dir = testRun.tempDir('fleet');
    ctl = await startFleetController(dir, await freePort(), Object.fromEntries(['hv1', 'hv2', 'hv3', 'hv4', 'hv5'].map((h) => [h, token(h)])));
    await startReal('hv1', 'test:///default');
    // hv2's libvirt cannot be reached: a socket nobody listens on.
    await startReal('hv2', `qemu+unix:///system?socket=${dir}/no-libvirt.sock`);
    browser = await launchChromium();
    page = await browser.newPage();
  });

  after(async () => {
    await browser?.close();
    for (const r of Object.values(real)) await r.hv.daemon.stop();
    await ctl?.daemon.stop();
    await ovn?.stop();
  });

  it('shows the hosts, their states and reasons, each peering once, the NICs and relative times', async () => {
    const c = real.hv1?.hv.client;
    assert.ok(c);
    for (const [name, net] of [['A', '10.91.1.1/24'], ['B', '10.91.2.1/24'], ['C', '10.91.3.1/24']] as const) {
      await c.call(networkCreateMethod, { name, config: { 'ipv4.address': net } });
    }
    await c.call(peerCreateMethod, { network: 'A', name: 'to-B', target: 'B' });
    await c.call(peerCreateMethod, { network: 'B', name: 'to-A', target: 'A' });
    await c.call(peerCreateMethod, { network: 'C', name: 'to-D', target: 'D' });
    hv3.options = {
      intervalSeconds: 30,
      // X and Y disagree: X says Created, Y's side says Pending.
      peerings: [peering('X', 'Y', 'Created'), peering('Y', 'X', 'Pending')],
      nics: [{ vm: 'web1', mac: DUP_MAC, link: 'eth0', mode: 'bridge', state: 'live+config' }],
    };
    hv4.options = {
      state: 'non-operational',
      reasons: [{ code: 'link-down', subject: 'eth1', message: 'required link eth1 is down (operstate down)' }],
      nics: [
        { vm: 'db1', mac: DUP_MAC.toUpperCase(), link: 'eth1', mode: 'vepa', state: 'live' },
        // An OVN network NIC and a Linux bridge NIC, as hvnetd reports them.
        { vm: 'db1', mac: '02:68:76:aa:00:02', kind: 'network', network: 'default/A', addresses: ['10.0.0.5', 'fd00::68:76ff:feaa:2'], mode: 'network', state: 'config' },
        { vm: 'db1', mac: '02:68:76:aa:00:03', kind: 'bridge', link: 'br-vm', mode: 'bridge', state: 'live+config' },
      ],
    };
    await hv3.send(ctl);
    await hv4.send(ctl);
    // The real hosts' reports caught up with the peerings (deltas after the start report's full set).
    for (const id of ['hv1', 'hv2']) {
      await waitFor(`${id} reported 3 peerings`, async () => ((await hostApi(id))?.peerings.total === 3 ? true : undefined), 10_000, 100);
    }

    const response = await page.goto(`${ctl.url}/`);
    assert.equal(response?.status(), 200);
    assert.deepEqual(await inPage<string[]>(page, `[...document.querySelectorAll('#hosts tbody tr')].map((r) => r.dataset.host + '=' + r.dataset.state)`), [
      'hv1=operational',
      'hv2=non-operational',
      'hv3=operational',
      'hv4=non-operational',
    ]);
    const hv2Row = page.locator('#hosts tr[data-host="hv2"]');
    assert.match((await hv2Row.locator('li[data-code="libvirt-disconnected"]').textContent()) ?? '', /libvirt \(qemu\+unix.*\) is not connected/);
    assert.equal(await hv2Row.locator('td.libvirt').textContent(), 'disconnected');
    assert.equal(await page.locator('#hosts tr[data-host="hv1"] td.libvirt').textContent(), 'connected');
    assert.equal(await page.locator('#hosts tr[data-host="hv1"] td.nb').textContent(), 'connected');
    assert.match((await page.locator('#hosts tr[data-host="hv4"] li[data-code="link-down"]').textContent()) ?? '', /eth1 is down/);

    // Each peering once, with both ends and every host's view of each.
    const pairs = await inPage<{ key: string; status: string; text: string }[]>(
      page,
      `[...document.querySelectorAll('#peerings tbody tr')].map((r) => ({ key: r.dataset.pair, status: r.dataset.status, text: r.textContent }))`,
    );
    assert.deepEqual(pairs.map((p) => p.key).sort(), ['default/A ↔ default/B', 'default/C ↔ default/D', 'default/X ↔ default/Y']);
    const ab = pairs.find((p) => p.key === 'default/A ↔ default/B');
    assert.equal(ab?.status, 'Created');
    assert.match(ab?.text ?? '', /default\/A \(to-B\).*hv1: Created, hv2: Created.*default\/B \(to-A\).*hv1: Created, hv2: Created/s);
    const cd = pairs.find((p) => p.key === 'default/C ↔ default/D');
    assert.equal(cd?.status, 'one-sided');
    assert.match(cd?.text ?? '', /not declared.*one side only/s);
    const xy = pairs.find((p) => p.key === 'default/X ↔ default/Y');
    assert.equal(xy?.status, 'disagree');
    assert.match(xy?.text ?? '', /hv3: Created.*hv3: Pending.*ends disagree/s);

    // NICs: host, domain, kind, source or bridge or network, addresses (one a line), mode, state.
    const nics = await inPage<string[]>(page, `[...document.querySelectorAll('#nics tbody tr')].map((r) => [...r.querySelectorAll('td')].slice(0, 7).map((td) => td.innerText.replace(/\\n/g, ' ')).join('|'))`);
    assert.deepEqual(nics.sort(), [
      'hv3|web1|direct|eth0||bridge|live+config',
      'hv4|db1|direct|eth1||vepa|live',
      'hv4|db1|network|default/A|10.0.0.5 fd00::68:76ff:feaa:2|network|config',
      'hv4|db1|bridge|br-vm||bridge|live+config',
    ].sort());
    // The JSON carries them too.
    const listedNics = (JSON.parse((await ctl.get('/v1/nics')).body) as { items: { mac: string; kind: string; source: string; addresses: string[] }[] }).items;
    const nicJson = (mac: string): unknown => listedNics.filter((n) => n.mac === mac).map((n) => ({ kind: n.kind, source: n.source, addresses: n.addresses }));
    assert.deepEqual(nicJson('02:68:76:aa:00:02'), [{ kind: 'network', source: 'default/A', addresses: ['10.0.0.5', 'fd00::68:76ff:feaa:2'] }]);
    assert.deepEqual(nicJson('02:68:76:aa:00:03'), [{ kind: 'bridge', source: 'br-vm', addresses: [] }]);

    // Relative times, plurals, links to the JSON API.
    const times = await page.locator('#hosts time').allTextContents();
    assert.equal(times.length, 4);
    for (const t of times) assert.match(t, /^(now|\d+ s ago)$/);
    assert.match((await page.locator('#summary').textContent()) ?? '', /^4 hosts: 2 operational, 2 non-operational, 0 unreachable · 3 peerings, 2 not Created · 4 NICs/);
    assert.match((await page.locator('#hosts tr[data-host="hv4"]').textContent()) ?? '', /1 peering|0 peerings/);
    for (const href of ['/v1/hosts', '/v1/peerings', '/v1/nics', '/v1/hosts/hv1']) {
      assert.equal(await page.locator(`a[href="${href}"]`).count(), 1, href);
      const r = await ctl.get(href);
      assert.equal(r.status, 200, href);
      assert.doesNotThrow(() => JSON.parse(r.body));
    }

    // hv1's peering set at the controller is what hvnetd lists, delta by delta, never resent whole.
    const rec = JSON.parse((await ctl.get('/v1/hosts/hv1')).body) as HostRecord;
    assert.equal(rec.peeringsStale, false);
    assert.equal(rec.resyncs, 0);
    const listed = await Promise.all(['A', 'B', 'C'].map((network) => c.call(peerListMethod, { network })));
    assert.deepEqual(listed.map((l) => l.map((p) => p.name).sort()), [['to-B'], ['to-A'], ['to-D']]);
    assert.deepEqual(rec.report.peerings.items.map((p) => `${p.network}/${p.name}`).sort(), ['A/to-B', 'B/to-A', 'C/to-D']);

    // It refreshes without a reload: a change shows while the page's own state survives.
    // The page's own state (a property on its document) survives only if it is not reloaded.
    await page.evaluate('document.hvnetMarker = 42');
    hv3.options.state = 'non-operational';
    hv3.options.reasons = [{ code: 'nb-disconnected', subject: 'ovn-nb', message: 'OVN Northbound disconnected' }];
    await hv3.send(ctl, 'change');
    await waitFor('hv3 non-operational on the page', async () => ((await rowState('hv3')) === 'non-operational' ? true : undefined), REFRESH_MS * 2 + 1_000, 100);
    assert.equal(await page.evaluate('document.hvnetMarker'), 42);
    console.log(`      screenshot: ${await screenshot(page, 'fleet-page')}`);
  });

  it('a MAC address on two hosts is flagged on the page', async () => {
    await page.goto(`${ctl.url}/`);
    assert.match((await page.locator('#mac-conflicts').textContent()) ?? '', new RegExp(`1 MAC address on more than one host:.*${DUP_MAC}: hv3, hv4`, 's'));
    const dup = await inPage<string[]>(page, `[...document.querySelectorAll('#nics tbody tr.dup')].map((r) => r.querySelector('td').textContent + ' ' + r.querySelector('td.mac').textContent)`);
    assert.deepEqual(dup.sort(), [`hv3 ${DUP_MAC} duplicate`, `hv4 ${DUP_MAC.toUpperCase()} duplicate`]);
    assert.equal(await page.locator('#nics tbody tr:not(.dup)').count(), 2);
  });

  it('a host that stops reporting is unreachable within 3 of its intervals, and back with its next report', async () => {
    const hv5 = new SimulatedHost('hv5', token('hv5'), { intervalSeconds: INTERVAL_S });
    await hv5.send(ctl);
    await hv5.send(ctl);
    const last = Date.now();
    await page.goto(`${ctl.url}/`);
    assert.equal(await rowState('hv5'), 'operational');
    await waitFor('hv5 unreachable in /v1/hosts', async () => ((await hostApi('hv5'))?.state === 'unreachable' ? true : undefined), 3 * INTERVAL_S * 1_000 + 1_000, 50);
    const apiTook = Date.now() - last;
    assert.ok(apiTook >= 3 * INTERVAL_S * 1_000, `unreachable after ${apiTook} ms: too early`);
    assert.ok(apiTook <= 3 * INTERVAL_S * 1_000 + 500, `unreachable after ${apiTook} ms`);
    await waitFor('hv5 unreachable on the page', async () => ((await rowState('hv5')) === 'unreachable' ? true : undefined), REFRESH_MS + 1_000, 50);
    assert.match((await page.locator('#hosts tr[data-host="hv5"] li[data-code="no-reports"]').textContent()) ?? '', /no report for \d+ s \(it reports at least every 1 s; unreachable after 3 s\)/);
    await hv5.send(ctl);
    assert.equal((await hostApi('hv5'))?.state, 'operational');
    await waitFor('hv5 operational on the page', async () => ((await rowState('hv5')) === 'operational' ? true : undefined), REFRESH_MS + 1_000, 50);

    // A real hvnetd stopped: its shutdown report makes it unreachable at once; started again, its
    // start report makes it operational well within one interval.
    const r1 = real.hv1;
    assert.ok(r1);
    await r1.hv.daemon.stop();
    await waitFor('hv1 unreachable', async () => ((await hostApi('hv1'))?.state === 'unreachable' ? true : undefined), 3 * INTERVAL_S * 1_000, 50);
    await waitFor('hv1 unreachable on the page', async () => ((await rowState('hv1')) === 'unreachable' ? true : undefined), REFRESH_MS + 1_000, 50);
    r1.hv = await startHvnetd(r1.setup, { logName: 'hvnetd-2.log' });
    const started = Date.now();
    await waitFor('hv1 operational again', async () => ((await hostApi('hv1'))?.state === 'operational' ? true : undefined), INTERVAL_S * 1_000, 50);
    const back = Date.now() - started;
    assert.ok(back <= INTERVAL_S * 1_000, `operational ${back} ms after its start`);
    await waitFor('hv1 operational on the page', async () => ((await rowState('hv1')) === 'operational' ? true : undefined), REFRESH_MS + 1_000, 50);
    console.log(`      unreachable after ${apiTook} ms of silence (interval ${INTERVAL_S} s); hv1 operational ${back} ms after its restart`);
  });

  it('a host reports only as itself (401, nothing recorded); a rotated tokens file is used without a restart', async () => {
    const before = JSON.parse((await ctl.get('/v1/hosts/hv3')).body) as HostRecord;
    // hv2's own token, posting as hv3 (known) and as hv9 (never seen).
    const asHv3 = await ctl.post('hv3', { ...hv3.report('change'), status: { ...hv3.report().status, state: 'operational' } }, token('hv2'));
    assert.equal(asHv3.status, 401, asHv3.body);
    const asHv9 = await ctl.post('hv9', new SimulatedHost('hv9', token('hv2')).report(), token('hv2'));
    assert.equal(asHv9.status, 401, asHv9.body);
    const after = JSON.parse((await ctl.get('/v1/hosts/hv3')).body) as HostRecord;
    assert.equal(after.lastSequence, before.lastSequence);
    assert.equal(after.accepted, before.accepted);
    assert.equal((await ctl.get('/v1/hosts/hv9')).status, 404);

    // Rotation: hv3 gets a new token; the old one stops working at once, the new one works, same process.
    const pid = ctl.daemon.pid;
    const fresh = `${token('hv3')}-rotated`;
    ctl.writeTokens({ hv1: token('hv1'), hv2: token('hv2'), hv3: fresh, hv4: token('hv4'), hv5: token('hv5') });
    assert.equal((await ctl.post('hv3', hv3.report(), token('hv3'))).status, 401);
    const rotated = new SimulatedHost('hv3', fresh, hv3.options);
    await rotated.send(ctl);
    assert.equal(ctl.daemon.pid, pid);
    assert.equal((JSON.parse((await ctl.get('/v1/hosts/hv3')).body) as HostRecord).stream, rotated.stream);
  });

  it('without --open-reads, reads need a token: the shared one or any host token', async () => {
    const dir = testRun.tempDir('closed-reads');
    const closed = await startFleetController(dir, await freePort(), { hv1: token('hv1') }, []);
    try {
      assert.equal((await closed.get('/')).status, 401);
      assert.equal((await closed.get('/v1/hosts')).status, 401);
      assert.equal((await closed.get('/v1/hosts', 'wrong-token-0123456789')).status, 401);
      assert.equal((await closed.get('/v1/hosts', token('hv1'))).status, 200);
      assert.equal((await closed.get('/healthz')).status, 200);
    } finally {
      await closed.daemon.stop();
    }
  });
});
