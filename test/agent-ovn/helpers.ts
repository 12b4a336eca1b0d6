// Shared by the agent-ovn suite: hvnetd processes on a fixture OVN (configured for it, with
// libvirt's built-in test driver so no libvirtd is touched), and the real hvnet CLI with stdin.
import { spawn } from 'node:child_process';
import { testRun } from '../../testbed/test-run.js';
import { startOvn } from '../../testbed/ovn.js';
import type { OvnHandle } from '../../testbed/ovn.js';
import { HVNET, startHvnetd, writeConfig } from '../agent/harness.js';
import type { CliResult, RunningHvnetd } from '../agent/harness.js';

export async function startNetworksHvnetd(ovn: OvnHandle, name = 'hvnetd', remotes = ovn.nbRemotes): Promise<RunningHvnetd> {
  const dir = testRun.tempDir(name);
  const setup = writeConfig(dir, remotes, { libvirt: { uri: 'test:///default' }, ovn: { nb: { readyTimeoutSeconds: 20 } } });
  return startHvnetd(setup);
}

/** A standalone NB (no northd) and one hvnetd on it, for a describe block: up before its tests, down after. */
export class NetworksHvnetdFixture {
  ovn!: OvnHandle;
  d!: RunningHvnetd;

  get sock(): string {
    return this.d.setup.socket;
  }

  static forSuite(): NetworksHvnetdFixture {
    const f = new NetworksHvnetdFixture();
    before(async () => {
      f.ovn = await startOvn({ northd: false });
      f.d = await startNetworksHvnetd(f.ovn);
    });
    after(async () => {
      await f.d?.daemon.stop();
      await f.ovn?.stop();
    });
    return f;
  }
}

/** The real CLI as a child process, on `socket`, optionally fed `input` on stdin (a pipe, never a TTY). */
export function hv(socket: string, args: readonly string[], opts: { input?: string; timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [HVNET, '--socket', socket, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? -1 : 0), stdout, stderr });
    });
    child.stdin.end(opts.input ?? '');
  });
}

/** Like hv, but fails the test unless the command exits 0; returns stdout. */
export async function hvOk(socket: string, args: readonly string[], opts: { input?: string } = {}): Promise<string> {
  const r = await hv(socket, args, opts);
  if (r.code !== 0) throw new Error(`hvnet ${args.join(' ')} exited ${r.code}: ${r.stderr}${r.stdout}`);
  return r.stdout;
}
