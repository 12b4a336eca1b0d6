// The agent suite's harness: the real hvnetd, hvnet CLI and hvnet-controller from the build
// output, each a direct child started through startDaemon (so the root hook's leak check covers
// them), plus a notify socket that records what hvnetd tells systemd.
import { connect } from 'node:net';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { startDaemon } from '../../testbed/daemon.js';
import { UNIT_NODE_OPTIONS } from '../../testbed/unit-node-options.js';
import type { Daemon } from '../../testbed/daemon.js';
import { waitFor } from '../../testbed/exec.js';
import { testRun } from '../../testbed/test-run.js';
import { DaemonClient } from '../../agent/cli/client.js';

export const REPO = fileURLToPath(new URL('../../../', import.meta.url));
export const HVNETD = join(REPO, 'dist/agent/bin/hvnetd.js');
// The CLI as operators run it: the bundled bin with its code cache, not the unbundled modules.
export const HVNET = join(REPO, 'dist/agent/hvnet-cli.cjs');
export const CONTROLLER = join(REPO, 'dist/agent/bin/hvnet-controller.js');


type Plain = Record<string, unknown>;

function merge(base: Plain, patch: Plain): Plain {
  const out: Plain = { ...base };
  for (const [k, v] of Object.entries(patch)) {
    const b = out[k];
    out[k] =
      v && typeof v === 'object' && !Array.isArray(v) && b && typeof b === 'object' && !Array.isArray(b) ? merge(b as Plain, v as Plain) : v;
  }
  return out;
}

export interface HvnetdSetup {
  dir: string;
  configFile: string;
  socket: string;
  hostId: string;
}

/** Writes a config for a test hvnetd: its socket and state in `dir`, the given NB, quick probes. */
export function writeConfig(dir: string, nbRemotes: string, patch: Plain = {}): HvnetdSetup {
  const socket = join(dir, 'hvnet.sock');
  const hostId = `h-${testRun.nextName()}`;
  const config = merge(
    {
      host: { id: hostId },
      ovn: { nb: { remotes: nbRemotes, inactivityProbeMs: 1_000, readyTimeoutSeconds: 10 } },
      api: { socket },
      stateDir: join(dir, 'state'),
      // A hypervisor whose libvirt is down is non-operational: without a libvirt of the test's
      // own, these daemons are network-only nodes.
      ...(patch.libvirt === undefined ? { libvirt: { enabled: false } } : {}),
    },
    patch,
  );
  const configFile = join(dir, 'hvnet.yaml');
  writeFileSync(configFile, stringify(config));
  return { dir, configFile, socket, hostId };
}

export interface RunningHvnetd {
  daemon: Daemon;
  client: DaemonClient;
  setup: HvnetdSetup;
}

export interface StartOptions {
  env?: NodeJS.ProcessEnv;
  nodeArgs?: readonly string[];
  /** Wait until the socket answers (default true). */
  waitSocket?: boolean;
  logName?: string;
}

export async function startHvnetd(setup: HvnetdSetup, opts: StartOptions = {}): Promise<RunningHvnetd> {
  const client = new DaemonClient({ socket: setup.socket, timeoutMs: 10_000 });
  const daemon = await startDaemon({
    name: `hvnetd ${setup.hostId}`,
    cmd: process.execPath,
    args: [...(opts.nodeArgs ?? []), HVNETD, '--config', setup.configFile],
    logFile: join(setup.dir, opts.logName ?? 'hvnetd.log'),
    env: { ...process.env, NOTIFY_SOCKET: '', WATCHDOG_USEC: '', NODE_OPTIONS: UNIT_NODE_OPTIONS, ...opts.env },
    readyTimeoutMs: 15_000,
    stopTimeoutMs: 20_000,
    ...(opts.waitSocket === false
      ? {}
      : {
          ready: async () => {
            await waitFor(`${setup.socket} answers`, async () => ((await client.raw('version', {}).catch(() => undefined)) ? true : undefined), 15_000, 20);
          },
        }),
  });
  return { daemon, client, setup };
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The real CLI as a child process (optionally through setpriv, as another user). */
export function hvnetCli(args: readonly string[], opts: { prefix?: readonly string[]; timeoutMs?: number } = {}): Promise<CliResult> {
  const [cmd, ...rest] = [...(opts.prefix ?? []), process.execPath, HVNET, ...args];
  return new Promise((resolve) => {
    execFile(cmd ?? process.execPath, rest, { timeout: opts.timeoutMs ?? 20_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

export interface NotifyLine {
  at: number;
  text: string;
}

/**
 * A NOTIFY_SOCKET for hvnetd: socat receives the datagrams and writes them to a file (hvnetd ends
 * every assignment with a newline), which is read every 10 ms and each line stamped with when it
 * was seen.
 */
export class NotifyListener {
  readonly lines: NotifyLine[] = [];
  private offset = 0;
  private timer: NodeJS.Timeout | undefined;

  private constructor(
    readonly path: string,
    readonly out: string,
    readonly daemon: Daemon,
  ) {
    this.timer = setInterval(() => this.poll(), 10);
  }

  static async start(dir: string): Promise<NotifyListener> {
    const path = join(dir, 'notify.sock');
    const out = join(dir, 'notify.out');
    const daemon = await startDaemon({
      name: 'socat notify',
      cmd: 'socat',
      args: ['-u', `UNIX-RECV:${path}`, 'STDOUT'],
      logFile: out,
      ready: async () => {
        await waitFor(`${path} exists`, () => (existsSync(path) ? true : undefined), 5_000, 10);
      },
    });
    return new NotifyListener(path, out, daemon);
  }

  poll(): void {
    let content: Buffer;
    try {
      content = readFileSync(this.out);
    } catch {
      return;
    }
    const end = content.lastIndexOf(0x0a) + 1;
    if (end <= this.offset) return;
    const now = Date.now();
    for (const text of content.subarray(this.offset, end).toString('utf8').split('\n')) if (text !== '') this.lines.push({ at: now, text });
    this.offset = end;
  }

  /** Lines seen since `from` (ms epoch) that match. */
  since(from: number, re: RegExp): NotifyLine[] {
    this.poll();
    return this.lines.filter((l) => l.at >= from && re.test(l.text));
  }

  waitFor(re: RegExp, from = 0, timeoutMs = 10_000): Promise<NotifyLine> {
    return waitFor(`notify line ${String(re)}`, () => this.since(from, re)[0], timeoutMs, 10);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.daemon.stop();
  }
}

export interface RunningController {
  daemon: Daemon;
  url: string;
  token: string;
  get(path: string): Promise<{ status: number; body: unknown }>;
}

/** hvnet-controller over HTTPS with the run's test certificates, on a fixed port so it can come back on it. */
export async function startController(opts: { dir: string; port: number; tokenFile: string; cert: string; key: string; ca: string }): Promise<RunningController> {
  const token = readFileSync(opts.tokenFile, 'utf8').trim();
  const url = `https://127.0.0.1:${opts.port}`;
  const ca = readFileSync(opts.ca);
  const get = async (path: string): Promise<{ status: number; body: unknown }> => {
    const https = await import('node:https');
    return new Promise((resolve, reject) => {
      const req = https.request(`${url}${path}`, { ca, headers: { authorization: `Bearer ${token}` }, timeout: 5_000 }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = text;
          try {
            body = JSON.parse(text);
          } catch {
            // HTML or text
          }
          resolve({ status: res.statusCode ?? 0, body });
        });
      });
      req.on('error', reject);
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.end();
    });
  };
  const daemon = await startDaemon({
    name: 'hvnet-controller',
    cmd: process.execPath,
    args: [CONTROLLER, '--listen', `127.0.0.1:${opts.port}`, '--state-dir', join(opts.dir, 'controller'), '--token-file', opts.tokenFile, '--tls-cert', opts.cert, '--tls-key', opts.key],
    logFile: join(opts.dir, 'controller.log'),
    ready: async () => {
      await waitFor(
        'controller answers',
        () =>
          new Promise<true | undefined>((resolve) => {
            const s = connect(opts.port, '127.0.0.1');
            s.once('connect', () => {
              s.destroy();
              resolve(true);
            });
            s.once('error', () => resolve(undefined));
          }),
        10_000,
        20,
      );
    },
  });
  return { daemon, url, token, get };
}
