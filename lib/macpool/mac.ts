// MAC addresses as 48-bit integers, so ranges are arithmetic. Pure.
import { InvalidMacError, InvalidRangeError } from './errors.js';

const MAC = /^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/;

/** Parses and checks a NIC MAC: unicast (the guest must be able to own it), not all zero. */
export function parseMac(text: unknown, field = 'mac'): bigint {
  if (typeof text !== 'string' || !MAC.test(text)) throw new InvalidMacError(field, text, 'is not a MAC address');
  const value = BigInt(`0x${text.replaceAll(':', '')}`);
  if (value === 0n) throw new InvalidMacError(field, text, 'is all zero');
  if ((value >> 40n) & 1n) throw new InvalidMacError(field, text, 'is a multicast address (lowest bit of the first octet set)');
  return value;
}

export function formatMac(value: bigint): string {
  const hex = value.toString(16).padStart(12, '0');
  return hex.match(/../g)?.join(':') ?? hex;
}

/** Locally administered: the second-lowest bit of the first octet (what KubeMacPool and libvirt use). */
export function isLocallyAdministered(value: bigint): boolean {
  return ((value >> 41n) & 1n) === 1n;
}

export interface MacRange {
  start: bigint;
  end: bigint;
}

/** "START-END", inclusive; both unicast, START <= END. */
export function parseRange(text: unknown, field = 'macPool'): MacRange {
  if (typeof text !== 'string') throw new InvalidRangeError(field, text, 'is not a string like 02:68:76:00:00:00-02:68:76:ff:ff:ff');
  const parts = text.split('-');
  if (parts.length !== 2) throw new InvalidRangeError(field, text, 'is not START-END (two MAC addresses joined by "-")');
  const start = parseMac(parts[0]?.trim(), `${field}.start`);
  const end = parseMac(parts[1]?.trim(), `${field}.end`);
  if (start > end) throw new InvalidRangeError(field, text, 'starts after it ends');
  if (start >> 40n !== end >> 40n) {
    // Crossing a first-octet boundary would include multicast addresses (odd first octets).
    throw new InvalidRangeError(field, text, 'spans several first octets; keep the first octet fixed so every address stays unicast');
  }
  return { start, end };
}

export function formatRange(r: MacRange): string {
  return `${formatMac(r.start)}-${formatMac(r.end)}`;
}

/** "hv" in the second and third octet, first octet 02: locally administered, unicast. */
// Not 02:68:76:…: lib/ovn gives those to routers (a NIC with a router's MAC would be unreachable).
export const DEFAULT_RANGE = '02:68:6e:00:00:00-02:68:6e:ff:ff:ff';
