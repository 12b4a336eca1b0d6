// The MAC pool (what KubeMacPool gives OpenShift Virtualization): hands out addresses from a
// configured range, never one that a NIC of any domain already has, and knows which domain holds
// which. In memory and pure; state.ts persists it, the daemon rebuilds it from the domains at
// start (the domains are the truth: a NIC added with virsh behind hvnet's back still counts).
import { DuplicateMacError, PoolExhaustedError } from './errors.js';
import { formatMac, formatRange, parseMac } from './mac.js';
import type { MacRange } from './mac.js';

export interface Allocation {
  mac: string;
  domain: string;
  /** The NIC's alias, when hvnet made it. */
  alias?: string;
}

export interface InUse {
  mac: string;
  domain: string;
  alias?: string;
}

export interface Duplicate {
  mac: string;
  /** Every domain (and NIC alias) seen with it; a domain may appear twice for two NICs of one domain. */
  holders: string[];
}

export class MacPool {
  private readonly byMac = new Map<bigint, Allocation>();
  private readonly dups = new Map<string, string[]>();
  private cursor: bigint;
  private duplicatesSeen = 0;

  constructor(
    readonly range: MacRange,
    allocations: readonly Allocation[] = [],
    cursor?: string,
  ) {
    for (const a of allocations) this.byMac.set(parseMac(a.mac, 'allocations.mac'), { ...a, mac: formatMac(parseMac(a.mac)) });
    const c = cursor === undefined ? range.start : parseMac(cursor, 'cursor');
    this.cursor = c < range.start || c > range.end ? range.start : c;
  }

  get rangeText(): string {
    return formatRange(this.range);
  }

  /** Where the next search starts: allocation goes round the range, so a freed MAC is not reused at once. */
  get nextCursor(): string {
    return formatMac(this.cursor);
  }

  get size(): bigint {
    return this.range.end - this.range.start + 1n;
  }

  list(): Allocation[] {
    return [...this.byMac.values()].sort((a, b) => (a.mac < b.mac ? -1 : 1));
  }

  holderOf(mac: string): Allocation | undefined {
    return this.byMac.get(parseMac(mac));
  }

  /** Duplicates found by rebuild() since start (a counter for metrics and reports). */
  get duplicateCount(): number {
    return this.duplicatesSeen;
  }

  duplicates(): Duplicate[] {
    return [...this.dups.entries()].map(([mac, holders]) => ({ mac, holders: [...holders] }));
  }

  /** The next free MAC of the range for a new NIC of `domain`; `alias` may be derived from the MAC. */
  allocate(domain: string, alias?: string | ((mac: string) => string)): Allocation {
    const span = this.size;
    let candidate = this.cursor;
    for (let i = 0n; i < span; i++) {
      if (!this.byMac.has(candidate)) {
        const mac = formatMac(candidate);
        const named = typeof alias === 'function' ? alias(mac) : alias;
        const a: Allocation = { mac, domain, ...(named === undefined ? {} : { alias: named }) };
        this.byMac.set(candidate, a);
        this.cursor = candidate === this.range.end ? this.range.start : candidate + 1n;
        return a;
      }
      candidate = candidate === this.range.end ? this.range.start : candidate + 1n;
    }
    throw new PoolExhaustedError(this.rangeText);
  }

  /**
   * The MAC allocate() would give, skipping those `taken` says are in use elsewhere, without
   * allocating it: the same answer until something is allocated (a dry run shows what the attach
   * will take). Undefined when none is free.
   */
  peek(taken: (mac: string) => boolean = () => false): string | undefined {
    let candidate = this.cursor;
    for (let i = 0n; i < this.size; i++) {
      if (!this.byMac.has(candidate) && !taken(formatMac(candidate))) return formatMac(candidate);
      candidate = candidate === this.range.end ? this.range.start : candidate + 1n;
    }
    return undefined;
  }

  /**
   * Records a MAC the user chose (inside or outside the range). Refused when any NIC already has it:
   * libvirt accepts a second NIC with the same MAC and then cannot tell them apart on detach.
   */
  claim(mac: string, domain: string, alias?: string): Allocation {
    const value = parseMac(mac);
    const held = this.byMac.get(value);
    if (held) throw new DuplicateMacError(formatMac(value), held.domain, domain);
    const a: Allocation = { mac: formatMac(value), domain, ...(alias === undefined ? {} : { alias }) };
    this.byMac.set(value, a);
    return a;
  }

  /** Gives a MAC back (after a detach, or when an attach failed). Unknown MACs are ignored. */
  release(mac: string): boolean {
    return this.byMac.delete(parseMac(mac));
  }

  /**
   * Replaces the allocations with what the domains really have. A MAC on two NICs (of one domain or
   * two) is kept once, reported in duplicates() and counted; it is never handed out again.
   */
  rebuild(inUse: readonly InUse[], opts: { count?: boolean } = {}): Duplicate[] {
    this.byMac.clear();
    this.dups.clear();
    const holders = new Map<bigint, string[]>();
    for (const nic of inUse) {
      const value = parseMac(nic.mac, `domain ${nic.domain} mac`);
      const who = nic.alias ? `${nic.domain}/${nic.alias}` : nic.domain;
      const list = holders.get(value);
      if (list) list.push(who);
      else {
        holders.set(value, [who]);
        this.byMac.set(value, { mac: formatMac(value), domain: nic.domain, ...(nic.alias === undefined ? {} : { alias: nic.alias }) });
      }
    }
    for (const [value, list] of holders) {
      if (list.length > 1) {
        this.dups.set(formatMac(value), list);
        // A periodic re-read does not count the same duplicate again.
        if (opts.count !== false) this.duplicatesSeen += 1;
      }
    }
    return this.duplicates();
  }
}
