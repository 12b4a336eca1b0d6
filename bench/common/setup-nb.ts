// A fresh standalone Northbound for one benchmark round, made by bench/peers/setup-nb.sh (the same
// script every peer tool's round uses, so all of them start from the same NB).
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const peers = fileURLToPath(new URL('../../../bench/peers', import.meta.url));

export interface BenchNb {
  remote: string;
  dir: string;
  pid: number | undefined;
}

/** Starts one (`setup-nb.sh start ARGS…`) and reads the variables it prints. */
export function startBenchNb(args: readonly string[]): BenchNb {
  const text = execFileSync('bash', [join(peers, 'setup-nb.sh'), 'start', ...args], { encoding: 'utf8' });
  const vars = Object.fromEntries(
    text
      .split('\n')
      .map((l) => /^([A-Z_]+)=(\S+)$/.exec(l.trim()))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => [m[1], m[2]]),
  ) as Record<string, string>;
  if (!vars.NB_UNIX || !vars.BENCH_DIR) throw new Error(`setup-nb.sh printed no NB_UNIX/BENCH_DIR:\n${text}`);
  return { remote: vars.NB_UNIX, dir: vars.BENCH_DIR, pid: vars.NB_PID === undefined ? undefined : Number(vars.NB_PID) };
}

export function stopBenchNb(dir: string): void {
  execFileSync('bash', [join(peers, 'setup-nb.sh'), 'stop', dir], { stdio: 'inherit' });
}
