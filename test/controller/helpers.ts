// The controller suite's fixtures: hvnet-controller over plain HTTP on loopback (per-host tokens
// file, --open-reads so a browser shows the page), simulated hosts that post version 3 reports
// the way hvnetd makes them, and headless Chromium from the distribution (/usr/bin/chromium,
// package `chromium` of scripts/packages-test.txt) driven by playwright-core: nothing downloaded.
import http from 'node:http';
import { connect } from 'node:net';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { BrowserContext, Page } from 'playwright-core';
import { startDaemon } from '../../testbed/daemon.js';
import type { Daemon } from '../../testbed/daemon.js';
import { waitFor } from '../../testbed/exec.js';
import { testRun } from '../../testbed/test-run.js';
import { CONTROLLER, REPO } from '../agent/harness.js';
import { REPORT_VERSION } from '../../agent/api/report.js';
import type { Report, ReportReason } from '../../agent/api/report.js';
import { PeeringDigest } from '../../agent/api/peering-digest.js';
import { peeringCounts } from '../../agent/api/peering-counts.js';
import type { HealthReason, HostStatus, PeeringSummary } from '../../agent/api/status.js';

export const CHROMIUM = '/usr/bin/chromium';

/** Screenshots go here, beside the test output, and outlive the run's temp dirs. */
export const OUTPUT_DIR = process.env.HVNET_TEST_OUTPUT ?? join(REPO, 'test-output', 'controller');

export interface Reply {
  status: number;
  body: string;
}

function request(url: string, method: string, body?: string, token?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    const req = http.request(url, { method, headers, timeout: 10_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error(`${method} ${url}: no answer in 10 s`)));
    req.end(body);
  });
}

export interface FleetController {
  daemon: Daemon;
  url: string;
  tokensFile: string;
  /** Replaces the tokens file the way an operator rotates it (write aside, rename over). */
  writeTokens(tokens: Record<string, string>): void;
  get(path: string, token?: string): Promise<Reply>;
  getJson<T>(path: string): Promise<T>;
  post(host: string, report: unknown, token: string): Promise<Reply>;
}

export async function startFleetController(dir: string, port: number, tokens: Record<string, string>, extra: string[] = ['--open-reads']): Promise<FleetController> {
  const tokensFile = join(dir, 'tokens');
  const writeTokens = (t: Record<string, string>): void => {
    writeFileSync(`${tokensFile}.new`, Object.entries(t).map(([h, k]) => `${h} ${k}\n`).join(''), { mode: 0o600 });
    renameSync(`${tokensFile}.new`, tokensFile);
  };
  writeTokens(tokens);
  const url = `http://127.0.0.1:${port}`;
  const daemon = await startDaemon({
    name: 'hvnet-controller',
    cmd: process.execPath,
    args: [CONTROLLER, '--listen', `127.0.0.1:${port}`, '--state-dir', join(dir, 'controller'), '--tokens-file', tokensFile, ...extra],
    logFile: join(dir, 'controller.log'),
    ready: () =>
      waitFor(
        'controller answers',
        () =>
          new Promise<true | undefined>((resolve) => {
            const s = connect(port, '127.0.0.1');
            s.once('connect', () => {
              s.destroy();
              resolve(true);
            });
            s.once('error', () => resolve(undefined));
          }),
        10_000,
        20,
      ).then(() => undefined),
  });
  const get = (path: string, token?: string): Promise<Reply> => request(`${url}${path}`, 'GET', undefined, token);
  return {
    daemon,
    url,
    tokensFile,
    writeTokens,
    get,
    async getJson<T>(path: string): Promise<T> {
      const r = await get(path);
      if (r.status !== 200) throw new Error(`GET ${path}: ${r.status} ${r.body}`);
      return JSON.parse(r.body) as T;
    },
    post: (host, report, token) => request(`${url}/v1/hosts/${encodeURIComponent(host)}/status`, 'POST', JSON.stringify(report), token),
  };
}

export interface SimulatedHostOptions {
  state?: HostStatus['state'];
  reasons?: HealthReason[];
  libvirt?: HostStatus['libvirt']['state'];
  nb?: HostStatus['ovn']['nb']['state'];
  peerings?: PeeringSummary[];
  nics?: HostStatus['nics'];
  intervalSeconds?: number;
}

/** A host that posts what hvnetd would: full set first, then deltas (empty ones for heartbeats). */
export class SimulatedHost {
  private sequence = 0;
  readonly stream = `sim-${testRun.nextName()}`;

  constructor(
    readonly id: string,
    readonly token: string,
    public options: SimulatedHostOptions = {},
  ) {}

  report(reason: ReportReason = 'heartbeat'): Report {
    this.sequence += 1;
    const o = this.options;
    const now = new Date().toISOString();
    const items = o.peerings ?? [];
    const status: HostStatus = {
      host: { id: this.id, hostname: this.id },
      state: o.state ?? 'operational',
      since: now,
      reasons: o.reasons ?? [],
      ovn: { nb: { state: o.nb ?? 'connected', remotes: 'tcp:127.0.0.1:6641', synced: true, since: now, reconnects: 0 } },
      libvirt: { state: o.libvirt ?? 'connected', uri: 'qemu:///system' },
      links: [],
      networks: [],
      peerings: peeringCounts(items),
      nics: o.nics ?? [],
      agent: { version: 'simulated', startedAt: now },
    };
    return {
      version: REPORT_VERSION,
      host: this.id,
      stream: this.stream,
      sequence: this.sequence,
      createdAt: now,
      reason: this.sequence === 1 ? 'start' : reason,
      dropped: 0,
      intervalSeconds: o.intervalSeconds ?? 30,
      status,
      // The full set every time: correct for any base, and what the digest says.
      peerings: { kind: 'full', digest: PeeringDigest.of(items).hex, items },
    };
  }

  async send(ctl: FleetController, reason: ReportReason = 'heartbeat'): Promise<void> {
    const r = await ctl.post(this.id, this.report(reason), this.token);
    if (r.status !== 200) throw new Error(`${this.id}: report refused: ${r.status} ${r.body}`);
  }
}

export const peering = (network: string, target: string, status: PeeringSummary['status'] = 'Created', name = `to-${target}`): PeeringSummary => ({
  project: 'default',
  network,
  name,
  target_project: 'default',
  target_network: target,
  type: 'local',
  status,
});

/**
 * Headless Chromium of the distribution with a fresh profile in the run's temp dir (playwright
 * takes the profile as its own argument rather than --user-data-dir), closed by the run's cleanup.
 */
export async function launchChromium(): Promise<BrowserContext> {
  const profile = testRun.tempDir('chromium-profile');
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    timeout: 30_000,
  });
  testRun.onCleanup('chromium', () => browser.close());
  return browser;
}

/**
 * What a JavaScript expression gives in the page (JSON-able). A string, so the page's DOM code is
 * not type-checked against node's types, which have no DOM.
 */
export function inPage<T>(page: Page, expression: string): Promise<T> {
  return page.evaluate<T>(expression);
}

/** A screenshot of the whole page beside the test output; returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(OUTPUT_DIR, { recursive: true });
  const path = join(OUTPUT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
