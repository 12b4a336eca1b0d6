// Shared by the OVN suites: OvnNetworks instances on a fixture NB, instance ports on hvnet's
// switches, ovn-trace from one network to another, and NB dumps for "nothing changed" checks.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { OvnHandle } from '../../testbed/ovn.js';
import { run } from '../../testbed/exec.js';
import { OvnNetworks } from '../../lib/ovn/networks.js';
import type { OvnNetworksOptions } from '../../lib/ovn/networks.js';
import type { NetworkInfo } from '../../lib/ovn/network-plan.js';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** The NB schemas of other OVN releases, kept in the repository (test/schemas). */
export const versionedSchemasDir = resolve(repoRoot, 'test/schemas');

export async function openNetworks(remotes: string, opts: OvnNetworksOptions = {}): Promise<OvnNetworks> {
  return OvnNetworks.open({ remotes, inactivityProbeMs: 1_000 }, opts);
}

/** An instance port on a network's switch: MAC 0a:00:00:00:<id>:10, address .10 and ::10. */
export interface Instance {
  lsp: string;
  mac: string;
  ipv4: string;
  ipv6: string | undefined;
  net: NetworkInfo;
}

function hostOf(cidr: string, last: string, family: 4 | 6): string {
  const addr = cidr.split('/')[0] ?? '';
  if (family === 4) return addr.split('.').slice(0, 3).concat(last).join('.');
  return `${addr.slice(0, addr.lastIndexOf(':') + 1)}${last}`;
}

export async function addInstance(ovn: OvnHandle, net: NetworkInfo, tag = 'i'): Promise<Instance> {
  const hex = (v: number): string => (v & 255).toString(16).padStart(2, '0');
  const mac = `0a:00:00:${hex(net.id >> 8)}:${hex(net.id)}:10`;
  // The suites' instances have IPv4 (families.test.ts makes its own for IPv6-only networks).
  if (net.ipv4 === null) throw new Error(`addInstance: network ${net.name} has no IPv4`);
  const ipv4 = hostOf(net.ipv4, '10', 4);
  const ipv6 = net.ipv6 === null ? undefined : hostOf(net.ipv6, '10', 6);
  const lsp = `${net.switch}-${tag}`;
  await ovn.nbctl(['lsp-add', net.switch, lsp, '--', 'lsp-set-addresses', lsp, [mac, ipv4, ...(ipv6 ? [ipv6] : [])].join(' ')]);
  return { lsp, mac, ipv4, ipv6, net };
}

/** `ovn-trace --minimal` of an ICMP echo from `src` to `dst`'s address (IPv4 or IPv6). */
export async function trace(ovn: OvnHandle, src: Instance, dst: Instance, family: 4 | 6 = 4): Promise<string> {
  const l3 =
    family === 4
      ? `ip4.src == ${src.ipv4} && ip4.dst == ${dst.ipv4} && ip.ttl == 64 && icmp4.type == 8`
      : `ip6.src == ${src.ipv6 ?? ''} && ip6.dst == ${dst.ipv6 ?? ''} && ip.ttl == 64 && icmp6.type == 128`;
  const flow = `inport == "${src.lsp}" && eth.src == ${src.mac} && eth.dst == ${src.net.mac} && ${l3}`;
  return run('ovn-trace', ['--minimal', src.net.switch, flow], { env: ovn.env, timeoutMs: 20_000 });
}

/** Whether the trace ends at `dst`'s port (it crossed both routers and the peer ports). */
export async function traceReaches(ovn: OvnHandle, src: Instance, dst: Instance, family: 4 | 6 = 4): Promise<boolean> {
  return (await trace(ovn, src, dst, family)).includes(`output("${dst.lsp}")`);
}

/** The whole NB as `ovsdb-client dump` prints it, minus what northd bumps on its own. */
export async function nbDump(ovn: OvnHandle): Promise<string> {
  const out = await run('ovsdb-client', ['dump', ovn.nbRemotes.split(',')[0] ?? ovn.nb.unix, 'OVN_Northbound'], { timeoutMs: 20_000 });
  return out
    .split('\n')
    .filter((l) => !/_cfg|_timestamp/.test(l))
    .join('\n');
}

/** SB Port_Binding of a logical port: type and options as `ovn-sbctl` prints them. */
export async function sbBinding(ovn: OvnHandle, port: string): Promise<{ type: string; options: string } | undefined> {
  const out = await ovn.sbctl(['--bare', '--columns=type,options', 'find', 'Port_Binding', `logical_port=${port}`]);
  const lines = out.split('\n').filter((l) => l.trim() !== '');
  if (lines.length === 0) return undefined;
  return { type: lines[0] ?? '', options: lines[1] ?? '' };
}
