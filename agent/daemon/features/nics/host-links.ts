// What the host's kernel says about a NIC's source device, read before libvirt is called: does it
// exist (sysfs), and is it a safe 802.1Qbg source (`ip -d -j link show`, run without a shell, and
// lib/domxml's verdict over its JSON).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describeQbgSource } from '../../../../lib/domxml/vlan.js';
import type { QbgSourceVerdict } from '../../../../lib/domxml/vlan.js';

export function sourceExists(dev: string): boolean {
  // The name passed lib/domxml's interface-name rule (no '/', not '.' or '..').
  return existsSync(`/sys/class/net/${dev}`);
}

/** Every link of hvnetd's network namespace, as `ip -d -j link show` prints them. */
export function ipLinks(timeoutMs = 5_000): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    execFile('ip', ['-d', '-j', 'link', 'show'], { timeout: timeoutMs, maxBuffer: 32 * 1024 * 1024 }, (err, stdout) => {
      if (err) {
        reject(new Error(`ip -d -j link show failed: ${err.message}`));
        return;
      }
      try {
        const v: unknown = JSON.parse(stdout);
        resolve(Array.isArray(v) ? (v as unknown[]) : []);
      } catch (e) {
        reject(new Error(`ip -d -j link show printed no JSON: ${(e as Error).message}`));
      }
    });
  });
}

/** lib/domxml's verdict on `dev` as an 802.1Qbg source; undefined when the device does not exist. */
export async function qbgVerdict(dev: string): Promise<QbgSourceVerdict | undefined> {
  const links = await ipLinks();
  const link = links.find((l) => typeof l === 'object' && l !== null && (l as { ifname?: unknown }).ifname === dev);
  if (link === undefined) return undefined;
  return describeQbgSource(link, links);
}
