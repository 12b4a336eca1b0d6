// VM ports: the Logical_Switch_Port a VM's NIC binds to on a network's internal switch. Named by a
// UUID (libvirt's `<virtualport type='openvswitch'>` interfaceid must be one, and OVN binds the OVS
// port whose iface-id is the LSP's name), tagged with the domain and host in external_ids, with
// the MAC and the addresses in `addresses` and `port_security` (OVN then drops a frame with
// another source MAC or IP), and the network's DHCPv4 options.
//
// IPv4 `auto` takes the lowest free host address of the subnet, as the cache shows the switch;
// the transaction waits for the switch's port set to be exactly what was read, so two hosts that
// picked the same address cannot both commit: the second fails its guard and the applier plans
// again from the refreshed cache (the optimistic scheme of network ids). IPv6 `auto` is SLAAC:
// the EUI-64 address of the MAC in the network's /64, known before the guest forms it.
import { where } from '../ovsdb/operations.js';
import { map, namedUuid, set, uuid } from '../ovsdb/values.js';
import { mutation } from '../ovsdb/operations.js';
import { formatV4, formatV6, parseGatewayCidr } from './cidr.js';
import type { GatewayCidr } from './cidr.js';
import { AddressInUseError, InvalidInputError, PortNotFoundError, SubnetFullError } from './errors.js';
import { switchPortsUnchanged } from './guards.js';
import { EXT } from './ids.js';
import { dhcpOptionsOf } from './network-addressing.js';
import { VM_PORT_EXT, asVmPort } from './vm-port-rows.js';
import type { VmPort } from './vm-port-rows.js';

import { nb } from './nb-operations.js';
import { findNetwork } from './network-plan.js';
import type { NetworkRef } from './network-plan.js';
import { TxnBuilder } from './plan.js';
import type { Plan, PlanOptions } from './plan.js';
import type { NbView, Network, SwitchRow } from './state.js';

export { VM_PORT_EXT, asVmPort, checkNoVmPorts, vmPorts, vmPortsOf } from './vm-port-rows.js';
export type { VmPort } from './vm-port-rows.js';

export const AUTO = 'auto';
export const NONE = 'none';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MAC_RE = /^[0-9a-f]{2}(?::[0-9a-f]{2}){5}$/;

export interface AttachPortRequest {
  /** Default `default`. */
  project?: string;
  network: string;
  /** The LSP's name and libvirt's interfaceid: a lowercase UUID. */
  port: string;
  /** Lowercase. */
  mac: string;
  /** `auto` (default when the network has IPv4), `none`, or a free host address of the subnet. */
  ipv4?: string;
  /** `auto` (default when the network has IPv6: SLAAC, EUI-64) or `none`. */
  ipv6?: string;
  domain: string;
  host: string;
}

export interface VmPortInfo {
  project: string;
  network: string;
  port: string;
  switch: string;
  mac: string;
  ipv4: string | null;
  ipv6: string | null;
  /** The `addresses` (and `port_security`) entry: MAC then addresses. */
  addresses: string;
  /** The network's DHCPv4 options row the port uses; null: none yet (the reconciler adds them). */
  dhcpv4Options: string | null;
}

/** The EUI-64 interface identifier of a MAC (universal/local bit flipped, ff:fe in the middle). */
export function eui64(mac: string): bigint {
  const b = mac.split(':').map((h) => BigInt(parseInt(h, 16)));
  const [b0 = 0n, b1 = 0n, b2 = 0n, b3 = 0n, b4 = 0n, b5 = 0n] = b;
  const bytes = [b0 ^ 2n, b1, b2, 0xffn, 0xfen, b3, b4, b5];
  return bytes.reduce((acc, x) => (acc << 8n) | x, 0n);
}

/** The SLAAC address of `mac` in a /64 (OVN's RAs advertise the network's prefix with the autonomous flag). */
export function slaacAddress(g: GatewayCidr, mac: string): string {
  return formatV6(g.base | eui64(mac));
}

/** Addresses the ports of the switch hold (the words after the MAC of `addresses`), with who holds each. */
function heldAddresses(view: NbView, ls: SwitchRow): Map<string, string> {
  const held = new Map<string, string>();
  for (const u of ls.ports) {
    const row = view.cache.get('Logical_Switch_Port', u);
    if (!row) continue;
    const who = row.external_ids[VM_PORT_EXT.domain] !== undefined ? `a NIC of domain ${row.external_ids[VM_PORT_EXT.domain]} (port ${row.name})` : `port ${row.name}`;
    for (const entry of row.addresses) {
      const words = entry.split(/\s+/);
      if (!MAC_RE.test(words[0]?.toLowerCase() ?? '')) continue; // `router`, `dynamic`, `unknown`
      for (const w of words.slice(1)) held.set(w.toLowerCase(), who);
    }
  }
  return held;
}

function pickIpv4(n: Network, g: GatewayCidr, held: ReadonlyMap<string, string>, wanted: string, ctx: { project: string; network: string }): string {
  held = new Map([...held, [g.address, 'the gateway']]);
  if (wanted !== AUTO) {
    // A host address of the network's own subnet, canonical: parsed as if it were a gateway of that subnet.
    const rule = `${AUTO}, ${NONE}, or a free host address of ${g.subnet}`;
    let a: GatewayCidr;
    try {
      a = parseGatewayCidr('ipv4', 4, `${wanted}/${g.prefix}`, ctx);
    } catch {
      throw new InvalidInputError(`ipv4 ${JSON.stringify(wanted)} is not a host address of ${g.subnet}`, { ...ctx, field: 'ipv4', value: wanted, allowed: rule });
    }
    if (a.base !== g.base) throw new InvalidInputError(`ipv4 ${wanted} is not in ${g.subnet}`, { ...ctx, field: 'ipv4', value: wanted, allowed: rule });
    const who = held.get(a.address);
    if (who !== undefined) throw new AddressInUseError(ctx, a.address, who);
    return a.address;
  }
  const size = 1n << BigInt(32 - g.prefix);
  for (let i = 1n; i < size - 1n; i++) {
    const a = formatV4(g.base + i);
    if (!held.has(a)) return a;
  }
  let used = 0;
  for (const a of held.keys()) {
    try {
      if (parseGatewayCidr('ipv4', 4, `${a}/${g.prefix}`).base === g.base) used++;
    } catch {
      // an IPv6 address, or one outside the subnet
    }
  }
  throw new SubnetFullError({ project: n.project, network: n.name }, g.subnet, used);
}

/** Checks the request's own fields (not the NB's state): port, mac, ipv4/ipv6 words. */
function checkRequest(req: AttachPortRequest, ctx: { project: string; network: string }): void {
  if (!UUID_RE.test(req.port)) throw new InvalidInputError(`port ${JSON.stringify(req.port)} is not a lowercase UUID`, { ...ctx, field: 'port', value: req.port, allowed: 'a lowercase UUID' });
  if (!MAC_RE.test(req.mac)) throw new InvalidInputError(`mac ${JSON.stringify(req.mac)} is not a lowercase MAC`, { ...ctx, field: 'mac', value: req.mac, allowed: 'six lowercase hex octets' });
  if (req.ipv6 !== undefined && req.ipv6 !== AUTO && req.ipv6 !== NONE) {
    throw new InvalidInputError(`ipv6 ${JSON.stringify(req.ipv6)}: hvnet gives VMs IPv6 by SLAAC only`, { ...ctx, field: 'ipv6', value: req.ipv6, allowed: `${AUTO} or ${NONE}` });
  }
  if (req.domain === '' || req.host === '') throw new InvalidInputError('a VM port needs its domain and host', { ...ctx, field: req.domain === '' ? 'domain' : 'host' });
}

/**
 * The LSP of a VM NIC on the network found in the request's project only (a network of the same
 * name in another project is never used). Throws NetworkNotFoundError, InvalidInputError,
 * AddressInUseError, SubnetFullError.
 */
export function planAttachVmPort(view: NbView, req: AttachPortRequest, opts: PlanOptions = {}): Plan<VmPortInfo> {
  const ref: NetworkRef = { name: req.network, ...(req.project === undefined ? {} : { project: req.project }) };
  const n = findNetwork(view, ref);
  const ctx = { project: n.project, network: n.name };
  checkRequest(req, ctx);
  const ls = view.switchOf(n.id);
  if (!ls) throw new PortNotFoundError(ctx, rowSwitchName(n));
  const existing = view.cache.lookup('Logical_Switch_Port', ['name'], [req.port])[0];
  if (existing) {
    const p = asVmPort(existing);
    // A replay after an unknown outcome finds its own port: success, nothing more to write.
    if (opts.replay && p && p.mac === req.mac && ls.ports.includes(existing._uuid)) return { operations: [], result: infoOf(n, ls, p, dhcpOptionsOf(view, n)), changes: [] };
    throw new AddressInUseError(ctx, req.port, `port ${existing.name}`);
  }
  const held = heldAddresses(view, ls);
  const want4 = req.ipv4 ?? AUTO;
  const ipv4 = n.ipv4 && want4 !== NONE ? pickIpv4(n, n.ipv4, held, want4, ctx) : undefined;
  if (!n.ipv4 && want4 !== AUTO && want4 !== NONE) {
    throw new InvalidInputError(`network ${n.name} has no IPv4`, { ...ctx, field: 'ipv4', value: want4, allowed: NONE });
  }
  const ipv6 = n.ipv6 && (req.ipv6 ?? AUTO) === AUTO ? slaacAddress(n.ipv6, req.mac) : undefined;
  if (ipv6 !== undefined && held.has(ipv6)) throw new AddressInUseError(ctx, ipv6, held.get(ipv6) ?? '');
  const addresses = [req.mac, ...(ipv4 ? [ipv4] : []), ...(ipv6 ? [ipv6] : [])].join(' ');
  const dhcp = ipv4 ? dhcpOptionsOf(view, n) : undefined;

  const tx = new TxnBuilder();
  tx.guard(`ls-ports:${ls._uuid}`, switchPortsUnchanged(ls));
  tx.write(
    nb.insert(
      'Logical_Switch_Port',
      {
        name: req.port,
        addresses: set([addresses]),
        port_security: set([addresses]),
        ...(dhcp ? { dhcpv4_options: uuid(dhcp) } : {}),
        external_ids: map({ [EXT.id]: String(n.id), [VM_PORT_EXT.vm]: 'true', [VM_PORT_EXT.domain]: req.domain, [VM_PORT_EXT.host]: req.host }),
      },
      'vmport',
    ),
    nb.mutate('Logical_Switch', [where('_uuid', '==', uuid(ls._uuid))], [mutation('ports', 'insert', set([namedUuid('vmport')]))]),
  );
  return {
    operations: tx.operations(),
    result: { project: n.project, network: n.name, port: req.port, switch: ls.name, mac: req.mac, ipv4: ipv4 ?? null, ipv6: ipv6 ?? null, addresses, dhcpv4Options: dhcp ?? null },
    changes: [],
  };
}

function rowSwitchName(n: Network): string {
  return `switch of network ${n.name}`;
}

function infoOf(n: Network, ls: SwitchRow, p: VmPort, dhcp: string | undefined): VmPortInfo {
  const ipv4 = p.addresses.find((a) => a.includes('.')) ?? null;
  const ipv6 = p.addresses.find((a) => a.includes(':')) ?? null;
  return { project: n.project, network: n.name, port: p.port, switch: ls.name, mac: p.mac, ipv4, ipv6, addresses: [p.mac, ...p.addresses].join(' '), dhcpv4Options: dhcp ?? null };
}

export interface DetachedVmPort {
  port: string;
  /** The addresses the port held, free again. */
  freed: string[];
}

/**
 * Removes a VM port hvnet made (by name), from whichever switch has it; its addresses are free
 * once it is gone. A port without hvnet's VM mark is never removed (PortNotFoundError).
 */
export function planDetachVmPort(view: NbView, port: string, opts: PlanOptions = {}): Plan<DetachedVmPort> {
  const row = view.cache.lookup('Logical_Switch_Port', ['name'], [port])[0];
  const p = row && asVmPort(row);
  if (!row || !p) {
    if (opts.replay) return { operations: [], result: { port, freed: [] }, changes: [] };
    throw new PortNotFoundError({}, port);
  }
  const tx = new TxnBuilder();
  for (const ls of view.cache.table('Logical_Switch').values()) {
    if (!ls.ports.includes(row._uuid)) continue;
    tx.write(nb.mutate('Logical_Switch', [where('_uuid', '==', uuid(ls._uuid))], [mutation('ports', 'delete', set([uuid(row._uuid)]))]));
  }
  // Not referenced by a switch any more: a root-less LSP is garbage-collected with the mutation.
  if (!tx.hasWrites) tx.write(nb.deleteRows('Logical_Switch_Port', [where('_uuid', '==', uuid(row._uuid))]));
  return { operations: tx.operations(), result: { port, freed: p.addresses }, changes: [] };
}
