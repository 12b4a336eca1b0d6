// Gateway addresses of a network (`10.10.1.1/24`, `fd42:1::1/64`): parsed strictly, kept in one
// canonical text form (so external_ids, the router port's `networks` and route prefixes compare
// as strings), and compared for overlap (two peered networks must not share addresses).
import { InvalidCidrError } from './errors.js';
import type { OvnErrorContext } from './errors.js';

export type Family = 4 | 6;

export interface GatewayCidr {
  family: Family;
  /** The gateway address, canonical (`10.10.1.1`, `fd42:1::1`). */
  address: string;
  prefix: number;
  /** `address/prefix`, canonical. */
  cidr: string;
  /** The subnet, canonical (`10.10.1.0/24`, `fd42:1::/64`). */
  subnet: string;
  /** The network address as a number, for overlap checks. */
  base: bigint;
}

export const IPV4_RULE = 'a host address with prefix length 8-30, e.g. 10.10.1.1/24';
export const IPV6_RULE = 'a host address with prefix length 8-127, e.g. fd42:1::1/64';

const V4_OCTET = /^(?:0|[1-9][0-9]{0,2})$/;

function parseV4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0n;
  for (const p of parts) {
    if (!V4_OCTET.test(p)) return undefined;
    const v = Number(p);
    if (v > 255) return undefined;
    n = (n << 8n) | BigInt(v);
  }
  return n;
}

function parseV6(text: string): bigint | undefined {
  if (!/^[0-9A-Fa-f:]+$/.test(text)) return undefined; // no zones, no embedded IPv4
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (s: string): string[] | undefined => {
    if (s === '') return [];
    const g = s.split(':');
    return g.every((x) => /^[0-9A-Fa-f]{1,4}$/.test(x)) ? g : undefined;
  };
  const head = groups(halves[0] ?? '');
  const tail = halves.length === 2 ? groups(halves[1] ?? '') : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  let n = 0n;
  for (const g of [...head, ...Array<string>(missing).fill('0'), ...tail]) n = (n << 16n) | BigInt(parseInt(g, 16));
  return n;
}

export function formatV4(n: bigint): string {
  return [24n, 16n, 8n, 0n].map((s) => String((n >> s) & 255n)).join('.');
}

/** RFC 5952: lowercase, no leading zeros, the longest run (>= 2) of zero groups as `::`. */
export function formatV6(n: bigint): string {
  const g = [112n, 96n, 80n, 64n, 48n, 32n, 16n, 0n].map((s) => Number((n >> s) & 0xffffn));
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = g.map((x) => x.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

/** Parses a gateway CIDR of the given family; throws InvalidCidrError naming the field. */
export function parseGatewayCidr(field: string, family: Family, value: unknown, context: OvnErrorContext = {}): GatewayCidr {
  const allowed = family === 4 ? IPV4_RULE : IPV6_RULE;
  const fail = (why: string): never => {
    throw new InvalidCidrError(`${field} ${JSON.stringify(value)} ${why}`, { ...context, field, value, allowed });
  };
  if (typeof value !== 'string') return fail('must be a string');
  const slash = value.split('/');
  if (slash.length !== 2) return fail('needs exactly one "/" before the prefix length');
  const [addrText = '', prefixText = ''] = slash;
  if (!/^[0-9]{1,3}$/.test(prefixText)) return fail('has no valid prefix length');
  const prefix = Number(prefixText);
  const bits = family === 4 ? 32 : 128;
  const [minPrefix, maxPrefix] = family === 4 ? [8, 30] : [8, 127];
  if (prefix < minPrefix || prefix > maxPrefix) return fail(`has prefix length ${prefix}`);
  const addr = family === 4 ? parseV4(addrText) : parseV6(addrText);
  if (addr === undefined) return fail(`is not an IPv${family} address`);
  const hostBits = BigInt(bits - prefix);
  const hostMask = (1n << hostBits) - 1n;
  const host = addr & hostMask;
  if (host === 0n) fail('is the subnet address, not a host address');
  if (family === 4 && host === hostMask) fail('is the broadcast address');
  if (family === 4 && (addr >> 24n === 0n || addr >> 24n === 127n || addr >> 28n >= 14n)) fail('is not a unicast address');
  if (family === 6 && (addr >> 120n === 0xffn || addr === 1n)) fail('is not a unicast address');
  const base = addr & ~hostMask;
  const fmt = family === 4 ? formatV4 : formatV6;
  const address = fmt(addr);
  return { family, address, prefix, cidr: `${address}/${prefix}`, subnet: `${fmt(base)}/${prefix}`, base };
}

/** overlaps() by the two parsed subnets (objects a network keeps while its settings stay). */
const overlapMemo = new WeakMap<GatewayCidr, WeakMap<GatewayCidr, boolean>>();

/** True when the two subnets share an address (same family only). */
export function overlaps(a: GatewayCidr, b: GatewayCidr): boolean {
  if (a.family !== b.family) return false;
  // A peering's status and plans ask this of the same two parsed subnets again and again (a
  // network's settings are parsed once and kept across its changes); the BigInt masks are not
  // made each time.
  let known = overlapMemo.get(a);
  const hit = known?.get(b);
  if (hit !== undefined) return hit;
  const result = subnetsMeet(a, b);
  if (!known) overlapMemo.set(a, (known = new WeakMap()));
  known.set(b, result);
  return result;
}

function subnetsMeet(a: GatewayCidr, b: GatewayCidr): boolean {
  const bits = a.family === 4 ? 32 : 128;
  const shorter = Math.min(a.prefix, b.prefix);
  const mask = ((1n << BigInt(bits)) - 1n) ^ ((1n << BigInt(bits - shorter)) - 1n);
  return (a.base & mask) === (b.base & mask);
}

/** The host route for the peer port: `/32` or `/128` of the gateway address. */
export function hostCidr(g: GatewayCidr): string {
  return `${g.address}/${g.family === 4 ? 32 : 128}`;
}

/** Incus's spelling of "this network has no address of that family" (`ipv4.address=none`). */
export const NO_ADDRESS = 'none';

/**
 * A gateway CIDR that may be absent: undefined when not given, empty or `none`; otherwise parsed
 * as parseGatewayCidr does (a malformed value is an error, never "absent").
 */
export function parseOptionalGatewayCidr(field: string, family: Family, value: unknown, context: OvnErrorContext = {}): GatewayCidr | undefined {
  if (value === undefined || value === '' || value === NO_ADDRESS) return undefined;
  return parseGatewayCidr(field, family, value, context);
}
