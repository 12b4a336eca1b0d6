// A netdev ovs-vswitchd in the machine's own (root) network namespace, where libvirt makes its
// taps: the datapath's `ovs-netdev` tap has a fixed name there, so one such ovs-vswitchd per
// machine. A fixture refuses to start next to one it did not start (as it does for a foreign
// libvirtd), and removes the tap that survives ovs-vswitchd's exit (docs/fleet.md#hv1-in-the-root-namespace).
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { run } from './exec.js';
import type { Netns } from './netns.js';
import { testRun } from './test-run.js';

/** The root namespace as a Netns: commands run as they are; it is never deleted. */
export const ROOT_NETNS: Netns = {
  name: '',
  exec: (cmd, args) => run(cmd, args),
  delete: () => Promise.resolve(),
};

function netnsOf(procRoot: string, pid: string): string | undefined {
  try {
    return readlinkSync(join(procRoot, pid, 'ns', 'net'));
  } catch {
    return undefined;
  }
}

/**
 * Live ovs-vswitchd processes in this process's network namespace: pid → whether this run started
 * it. `procRoot` lets a test feed a /proc-like tree instead of starting a second real one.
 */
export function rootVswitchds(procRoot = '/proc'): { pid: number; ours: boolean }[] {
  const mine = netnsOf('/proc', 'self');
  const found: { pid: number; ours: boolean }[] = [];
  for (const entry of readdirSync(procRoot)) {
    if (!/^\d+$/.test(entry)) continue;
    const read = (f: string): string | undefined => {
      try {
        return readFileSync(join(procRoot, entry, f), 'utf8');
      } catch {
        return undefined;
      }
    };
    if (read('comm')?.trim() !== 'ovs-vswitchd') continue;
    const stat = read('stat') ?? '';
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    if (state === 'Z' || state === 'X') continue;
    if (netnsOf(procRoot, entry) !== mine) continue;
    found.push({ pid: Number(entry), ours: testRun.ownsPid(Number(entry)) });
  }
  return found;
}

/** Throws, touching nothing, when an ovs-vswitchd this run did not start runs in the root namespace. */
export async function assertNoForeignRootVswitchd(procRoot = '/proc'): Promise<void> {
  const foreign = rootVswitchds(procRoot).filter((p) => !p.ours);
  if (foreign.length > 0) {
    throw new Error(
      `an ovs-vswitchd not started by this run is in the root network namespace (pid ${foreign.map((p) => p.pid).join(', ')}); ` +
        'a netdev ovs-vswitchd there takes fixed names (ovs-netdev), so only one fits: stop it first (`scripts/lab down` stops the lab\'s)',
    );
  }
  // A tap left by one that was killed: safe to remove once no ovs-vswitchd is in this namespace
  // (the real one; a test's /proc-like tree says nothing about the machine's links).
  if (procRoot === '/proc') await removeLeftOvsNetdev();
}

/** Deletes `ovs-netdev` in the root namespace when no ovs-vswitchd lives there any more. */
export async function removeLeftOvsNetdev(): Promise<void> {
  if (rootVswitchds().length > 0) return;
  await run('ip', ['link', 'del', 'ovs-netdev']).catch(() => undefined);
}
