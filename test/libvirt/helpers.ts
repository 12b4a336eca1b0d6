// Shared bits of the libvirt binding tests.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { EventEmitter } from 'node:events';
import { startLibvirt } from '../../testbed/libvirt.js';
import type { Libvirt } from '../../testbed/libvirt.js';
import { LibvirtConnection } from '../../lib/libvirt/connection.js';

export const CHILD = fileURLToPath(new URL('./child.js', import.meta.url));

export interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs child.js (or `opts.script`) in a fresh Node; kills it (and fails) after timeoutMs. */
export function runChild(args: readonly string[], opts: { nodeArgs?: readonly string[]; timeoutMs?: number; script?: string } = {}): Promise<ChildResult> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), opts.script ?? CHILD, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`child ${args.join(' ')} did not exit within ${opts.timeoutMs ?? 60_000} ms; stderr: ${stderr}`));
    }, opts.timeoutMs ?? 60_000);
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: performance.now() - t0 });
    });
  });
}

/** Resolves with the first event `name` whose payload passes `pred`, or rejects after timeoutMs. */
export function nextEvent<T>(emitter: EventEmitter, name: string, pred: (e: T) => boolean, timeoutMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const on = (e: T): void => {
      if (!pred(e)) return;
      clearTimeout(timer);
      emitter.off(name, on);
      resolve(e);
    };
    const timer = setTimeout(() => {
      emitter.off(name, on);
      reject(new Error(`no ${name} event within ${timeoutMs} ms`));
    }, timeoutMs);
    emitter.on(name, on);
  });
}

/** libvirt's version number (1000000*major + 1000*minor + release) as `major.minor.release`. */
export function versionString(n: number): string {
  return `${Math.floor(n / 1_000_000)}.${Math.floor(n / 1_000) % 1_000}.${n % 1_000}`;
}

/**
 * A libvirtd of the test's own and one binding connection to it, for a describe block: started
 * before its tests, closed and stopped after them. `stopsDaemon`: the tests SIGSTOP libvirtd, so it
 * is continued first (a stopped daemon would hold the connection's close).
 */
export function libvirtFixture(opts: { stopsDaemon?: boolean } = {}): { readonly libvirt: Libvirt; readonly conn: LibvirtConnection } {
  const f = {} as { libvirt: Libvirt; conn: LibvirtConnection };
  before(async () => {
    f.libvirt = await startLibvirt();
    f.conn = await LibvirtConnection.open(f.libvirt.uri);
  });
  after(async () => {
    if (opts.stopsDaemon === true && f.libvirt !== undefined) {
      try {
        process.kill(f.libvirt.libvirtdPid, 'SIGCONT');
      } catch {
        // gone
      }
    }
    await f.conn?.close();
    await f.libvirt?.stop();
  });
  return f;
}
