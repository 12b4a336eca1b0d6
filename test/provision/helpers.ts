// What the provisioning tests share: running a script of scripts/provision without a shell and
// reading back the tree it wrote.
import { execFile } from 'node:child_process';
import { lstatSync, readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../../../', import.meta.url)).replace(/\/$/, '');
export const HYPERVISOR = join(REPO, 'scripts/provision/hypervisor.sh');
export const CONTROL = join(REPO, 'scripts/provision/control.sh');

export interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end and reports its exit code instead of throwing. */
export function outcome(cmd: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env, timeoutMs = 60_000): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile(cmd, args, { env, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof (err as NodeJS.ErrnoException).code === 'number' ? Number((err as NodeJS.ErrnoException).code) : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Every entry under `root` as `MODE /path` (and `-> target` for a symlink), sorted. */
export function tree(root: string): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const name of readdirSync(join(root, rel)).sort()) {
      const path = `${rel}/${name}`;
      const st = lstatSync(join(root, path));
      if (st.isSymbolicLink()) out.push(`link ${path} -> ${readlinkSync(join(root, path))}`);
      else if (st.isDirectory()) walk(path);
      else out.push(`${(st.mode & 0o7777).toString(8).padStart(4, '0')} ${path}`);
    }
  };
  walk('');
  return out.sort();
}
