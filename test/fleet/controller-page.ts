// The controller's acceptance on the 3-host fleet (issue 16), run inside fleet.test.ts on its one
// fleet, after its own tests: hvnet-controller's page in headless Chromium (test/controller's
// helpers) shows the real hosts, their peerings and NICs; a stopped host goes unreachable and
// comes back; a host whose libvirt is down is non-operational with the reason; a host's token
// reports only as that host, and a rotated token is used without a restart. Expects what the fleet tests left: the peerings fa<->fp2/fb and hub
// with s2 and s3, and one MAC on a NIC of hv1 and of hv2.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { BrowserContext, Page } from 'playwright-core';
import type { Fleet } from '../../testbed/fleet.js';
import { startLibvirt, type Libvirt } from '../../testbed/libvirt.js';
import { waitFor } from '../../testbed/exec.js';
import { testRun } from '../../testbed/test-run.js';
import type { HostView } from '../../agent/controller/fleet.js';
import type { HostRecord } from '../../agent/controller/store.js';
import { inPage, launchChromium, screenshot } from '../controller/helpers.js';

export interface ControllerPageLab {
  fleet(): Fleet;
  libvirt(): Libvirt;
  /** libvirt was stopped and started again: the suite's handle is now this one. */
  replaceLibvirt(l: Libvirt): void;
  dupMac: string;
}

function post(url: string, body: string, token: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, timeout: 10_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

export function controllerPageTests(lab: ControllerPageLab): void {
  describe('the controller page in Chromium, on the fleet', () => {
    let browser: BrowserContext;
    let page: Page;
    const ctl = () => lab.fleet().controller;
    const hostsApi = async (): Promise<HostView[]> => (await ctl().get<{ hosts: HostView[] }>('/v1/hosts')).hosts;
    const hostApi = async (id: string): Promise<HostView | undefined> => (await hostsApi()).find((h) => h.host === id);
    const row = (id: string) => page.locator(`#hosts tr[data-host="${id}"]`);
    const rowState = (id: string): Promise<string | null> => row(id).getAttribute('data-state', { timeout: 1_000 }).catch(() => null);

    before(async () => {
      browser = await launchChromium();
      page = await browser.newPage();
    });

    after(async () => {
      await browser?.close();
    });

    it('shows the 3 hosts with their states and reasons, each peering once with both ends, the NICs with the duplicate MAC, relative times', async () => {
      const fleet = lab.fleet();
      // hv2 was restarted by the fleet tests: its NICs come in a report after its libvirt inventory.
      await waitFor('hv2 reported its NIC', async () => ((await hostApi('hv2'))?.nics === 1 ? true : undefined), 10_000, 100);
      await page.goto(`${ctl().url}/`);
      const rows = await inPage<{ host: string; state: string; reasons: string[] }[]>(
        page,
        `[...document.querySelectorAll('#hosts tbody tr')].map((r) => ({ host: r.dataset.host, state: r.dataset.state, reasons: [...r.querySelectorAll('li')].map((li) => li.dataset.code) }))`,
      );
      const own = await Promise.all(fleet.hosts.map(async (h) => ({ ...(await h.status()), host: h.id })));
      assert.deepEqual(rows, own.map((s) => ({ host: s.host, state: s.state, reasons: s.reasons.map((r) => r.code) })));
      for (const h of fleet.hosts) {
        assert.equal(await row(h.id).locator('td.nb').textContent(), 'connected', h.id);
      }
      assert.equal(await row('hv1').locator('td.libvirt').textContent(), 'connected');

      const pairs = await inPage<{ key: string; status: string; text: string }[]>(
        page,
        `[...document.querySelectorAll('#peerings tbody tr')].map((r) => ({ key: r.dataset.pair, status: r.dataset.status, text: r.textContent }))`,
      );
      assert.deepEqual(pairs.map((p) => p.key).sort(), ['default/fa ↔ fp2/fb', 'default/hub ↔ default/s2', 'default/hub ↔ default/s3']);
      const everyone = 'hv1: Created, hv2: Created, hv3: Created';
      for (const p of pairs) assert.equal(p.status, 'Created', p.key);
      assert.match(pairs.find((p) => p.key === 'default/fa ↔ fp2/fb')?.text ?? '', new RegExp(`default/fa \\(to-b\\).*${everyone}.*fp2/fb \\(to-a\\).*${everyone}`, 's'));
      assert.match(pairs.find((p) => p.key === 'default/hub ↔ default/s2')?.text ?? '', new RegExp(`default/hub \\(to-s2\\).*${everyone}.*default/s2 \\(to-hub\\).*${everyone}`, 's'));

      const nics = await inPage<string[]>(page, `[...document.querySelectorAll('#nics tbody tr')].map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent).join('|'))`);
      const vm1 = `${testRun.prefix}-fleet-vm1`;
      assert.ok(nics.includes(`hv1|${vm1}|direct|lo||bridge|config|${lab.dupMac} duplicate`), nics.join('\n'));
      assert.ok(nics.some((n) => n.startsWith('hv2|fleet-vm2|direct|eth0|') && n.endsWith(`|${lab.dupMac} duplicate`)), nics.join('\n'));
      assert.match((await page.locator('#mac-conflicts').textContent()) ?? '', new RegExp(`1 MAC address on more than one host:.*${lab.dupMac}: hv1, hv2`, 's'));

      const times = await page.locator('#hosts time').allTextContents();
      assert.equal(times.length, 3);
      for (const t of times) assert.match(t, /^(now|\d+ s ago)$/);
      assert.match((await page.locator('#summary').textContent()) ?? '', /^3 hosts: 3 operational, 0 non-operational, 0 unreachable · 3 peerings · \d+ NICs? · as of (now|\d+ s ago)$/);
      console.log(`      screenshot: ${await screenshot(page, 'fleet-lab')}`);
    });

    it('hv2 stopped: unreachable on the page and in /v1/hosts within 3 heartbeat intervals; operational within one interval of its start', async () => {
      const hv2 = lab.fleet().host(2);
      const interval = (await hostApi('hv2'))?.intervalSeconds;
      assert.ok(interval !== undefined && interval > 0);
      const limitMs = 3 * interval * 1_000;
      await page.goto(`${ctl().url}/`);
      assert.equal(await rowState('hv2'), 'operational');
      // As when the machine dies: hvnetd gets no chance to say goodbye, and its reports just stop.
      const d = hv2.hvnetd;
      assert.ok(d);
      await d.kill();
      const stopped = Date.now();
      await hv2.stopAgents();
      const [apiTook, pageTook] = await Promise.all([
        waitFor('hv2 unreachable in /v1/hosts', async () => ((await hostApi('hv2'))?.state === 'unreachable' ? Date.now() - stopped : undefined), limitMs + 2_000, 50),
        waitFor('hv2 unreachable on the page', async () => ((await rowState('hv2')) === 'unreachable' ? Date.now() - stopped : undefined), limitMs + 4_000, 50),
      ]);
      // 300 ms: the polls here (50 ms) and the page's fetch of itself on loopback.
      assert.ok(apiTook <= limitMs + 300, `hv2 unreachable in /v1/hosts ${apiTook} ms after its stop`);
      assert.ok(pageTook <= limitMs + 300, `hv2 unreachable on the page ${pageTook} ms after its stop`);
      assert.match((await row('hv2').locator('li[data-code="no-reports"]').textContent()) ?? '', new RegExp(`no report for \\d+ s \\(it reports at least every ${interval} s; unreachable after ${3 * interval} s\\)`));
      assert.deepEqual((await hostsApi()).map((h) => `${h.host}=${h.state}`), ['hv1=operational', 'hv2=unreachable', 'hv3=operational']);

      await hv2.startAgents();
      const started = Date.now();
      const [back, pageBack] = await Promise.all([
        waitFor('hv2 operational in /v1/hosts', async () => ((await hostApi('hv2'))?.state === 'operational' ? Date.now() - started : undefined), interval * 1_000 + 2_000, 50),
        waitFor('hv2 operational on the page', async () => ((await rowState('hv2')) === 'operational' ? Date.now() - started : undefined), interval * 1_000 + 4_000, 50),
      ]);
      console.log(`      interval ${interval} s: unreachable ${apiTook} ms (page ${pageTook} ms) after hvnetd was killed; operational ${back} ms (page ${pageBack} ms) after it answered again`);
      assert.ok(back <= interval * 1_000, `hv2 operational in /v1/hosts ${back} ms after its start`);
      assert.ok(pageBack <= interval * 1_000 + 300, `hv2 operational on the page ${pageBack} ms after its start`);
    });

    it('hv2 reporting as hv3 with its own token: 401, nothing recorded', async () => {
      const before = await ctl().get<HostRecord>('/v1/hosts/hv3');
      const impostor = `impostor-${testRun.id}`;
      const forged = {
        ...before.report,
        stream: impostor,
        sequence: before.lastSequence + 1,
        reason: 'change',
        createdAt: new Date().toISOString(),
        status: { ...before.report.status, state: 'non-operational', reasons: [{ code: 'forged', subject: 'hv2', message: 'posted by hv2' }] },
      };
      const token = ctl().tokenOf('hv2');
      const asHv3 = await post(`${ctl().url}/v1/hosts/hv3/status`, JSON.stringify(forged), token);
      assert.equal(asHv3.status, 401, asHv3.body);
      const asHv9 = await post(`${ctl().url}/v1/hosts/hv9/status`, JSON.stringify({ ...forged, host: 'hv9' }), token);
      assert.equal(asHv9.status, 401, asHv9.body);
      const after = await ctl().get<HostRecord>('/v1/hosts/hv3');
      assert.equal(after.stream, before.stream);
      assert.ok(!after.report.status.reasons.some((r) => r.code === 'forged'), JSON.stringify(after.report.status.reasons));
      assert.deepEqual((await hostsApi()).map((h) => h.host), ['hv1', 'hv2', 'hv3']);
      await page.goto(`${ctl().url}/`);
      assert.equal(await page.locator('li[data-code="forged"]').count(), 0);
      assert.equal(await rowState('hv3'), 'operational');
    });

    it("hv2's token rotated: the controller and hv2 use the new one without a restart; the old one gets 401", async () => {
      const c = ctl();
      const pid = c.daemon.pid;
      const hvnetdPid = lab.fleet().host(2).hvnetd?.pid;
      const old = c.tokenOf('hv2');
      const before = await c.get<HostRecord>('/v1/hosts/hv2');
      const rotated = Date.now();
      c.rotateToken('hv2');
      const interval = before.report.intervalSeconds;
      // Two intervals: a heartbeat sent between the two files' renames is refused once and retried.
      const after = await waitFor('a report of hv2 with its new token', async () => {
        const r = await c.get<HostRecord>('/v1/hosts/hv2');
        return Date.parse(r.receivedAt) > rotated && r.stream === before.stream ? r : undefined;
      }, 2 * interval * 1_000 + 1_000, 100);
      assert.ok(after.lastSequence > before.lastSequence);
      const refused = await post(`${c.url}/v1/hosts/hv2/status`, JSON.stringify({ ...after.report, sequence: after.lastSequence + 1 }), old);
      assert.equal(refused.status, 401, refused.body);
      assert.equal(c.daemon.pid, pid);
      assert.equal(lab.fleet().host(2).hvnetd?.pid, hvnetdPid);
      assert.equal((await hostApi('hv2'))?.state, 'operational');
    });

    it("hv1's libvirt down: hv1 non-operational on the page with the reason; operational again once libvirt is back", async function () {
      this.timeout(120_000);
      await page.goto(`${ctl().url}/`);
      // The fixture refuses to stop a libvirtd that still has this run's domains.
      await lab.libvirt().virsh(['undefine', `${testRun.prefix}-fleet-vm1`]);
      await lab.libvirt().stop();
      await waitFor('hv1 non-operational on the page', async () => ((await rowState('hv1')) === 'non-operational' ? true : undefined), 20_000, 100);
      assert.match((await row('hv1').locator('li[data-code="libvirt-disconnected"]').textContent()) ?? '', /libvirt \(qemu:\/\/\/system\) is not connected/);
      assert.equal(await row('hv1').locator('td.libvirt').textContent(), 'disconnected');
      assert.equal((await hostApi('hv1'))?.state, 'non-operational');
      console.log(`      screenshot: ${await screenshot(page, 'fleet-lab-libvirt-down')}`);
      lab.replaceLibvirt(await startLibvirt());
      await waitFor('hv1 operational on the page', async () => ((await rowState('hv1')) === 'operational' ? true : undefined), 60_000, 200);
    });
  });
}
