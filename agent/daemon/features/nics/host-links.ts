// What the host's kernel says about a NIC's source device, read before libvirt is called: does it
// exist (sysfs), and is it a safe 802.1Qbg source (`ip -d -j link show`, run without a shell, and
// lib/domxml's verdict over its JSON).
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describeQbgSource } from '../../../../lib/domxml/vlan.js';
import type { QbgSourceVerdict } from '../../../../lib/domxml/vlan.js';
import type { BridgeType } from '../../../../lib/nic/facts.js';

export function sourceExists(dev: string): boolean {
  // The name passed lib/domxml's interface-name rule (no '/', not '.' or '..').
  return existsSync(`/sys/class/net/${dev}`);
}

/**
 * The host's macvtap for a NIC just attached live on `source` with `mac`: libvirt creates it on top
 * of the source (sysfs lists it as `upper_<name>`) with the guest's MAC. Reading that takes ~0.1 ms
 * where the domain's live XML takes ~2 ms. Undefined when it is not exactly one device (the caller
 * then reads the XML).
 */
export function macvtapOn(source: string, mac: string): string | undefined {
  const found = upperLinksWithMac(source, mac);
  return found.length === 1 ? found[0] : undefined;
}

/**
 * Every link on top of `source` that carries `mac` (a macvtap libvirt made, or one it forgot when
 * libvirtd went away during the attach). Empty when the source does not exist.
 */
export function upperLinksWithMac(source: string, mac: string): string[] {
  const found: string[] = [];
  let entries: string[];
  try {
    entries = readdirSync(`/sys/class/net/${source}`);
  } catch {
    return found;
  }
  for (const e of entries) {
    if (!e.startsWith('upper_')) continue;
    const name = e.slice('upper_'.length);
    let addr: string;
    try {
      addr = readFileSync(`/sys/class/net/${name}/address`, 'latin1').trim().toLowerCase();
    } catch {
      continue; // removed meanwhile
    }
    if (addr === mac) found.push(name);
  }
  return found.sort();
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

const IFF_UP = 0x1;

/**
 * Whether `dev` is administratively up (sysfs `flags`: a bridge without ports is up but has no
 * carrier, and still takes a tap) and what bridge it is: sysfs has a `bridge` folder for a Linux
 * bridge; an OVS bridge of the kernel datapath is an `openvswitch` link (`ip -d -j link show`).
 */
export async function bridgeFacts(dev: string): Promise<{ up: boolean; bridge: BridgeType }> {
  let up = false;
  try {
    up = (parseInt(readFileSync(`/sys/class/net/${dev}/flags`, 'latin1').trim(), 16) & IFF_UP) !== 0;
  } catch {
    // removed meanwhile: counted as down
  }
  if (existsSync(`/sys/class/net/${dev}/bridge`)) return { up, bridge: 'linux' };
  const links = await ipLinks();
  const link = links.find((l) => typeof l === 'object' && l !== null && (l as { ifname?: unknown }).ifname === dev) as { linkinfo?: { info_kind?: unknown } } | undefined;
  return { up, bridge: link?.linkinfo?.info_kind === 'openvswitch' ? 'openvswitch' : 'none' };
}
