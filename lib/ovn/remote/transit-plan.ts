// The IC-NB half of a remote peering (pure): the transit switch and this AZ's address on it, in
// the shape Incus gives them, so an Incus AZ and an hvnet AZ can meet on one switch:
//   Transit_Switch name = the rendered pattern (transit-name.ts),
//   external_ids incus-managed=true, incus-subnet-ipv4 (a /28 of 169.254.0.0/16),
//   incus-subnet-ipv6 (a ULA /64), and one incus-allocation-<az> = "<v4>,<v6>" per AZ on it.
// Incus picks the subnets at random; hvnet derives them from the switch name (then probes past
// subnets other transit switches hold), so two AZs creating the switch at once propose the same
// one. The allocation of an AZ takes the lowest host index no other AZ holds. Every write is
// guarded by the switch's external_ids as read: a concurrent writer makes it fail and re-plan.
import { createHash } from 'node:crypto';
import { mutation, where } from '../../ovsdb/operations.js';
import type { Operation } from '../../ovsdb/operations.js';
import { map, set, uuid } from '../../ovsdb/values.js';
import type { Family } from '../cidr.js';
import { icnb } from './ic-databases.js';
import type { TransitSwitchRow } from './ic-databases.js';

export const TS_KEYS = {
  managed: 'incus-managed',
  subnet4: 'incus-subnet-ipv4',
  subnet6: 'incus-subnet-ipv6',
  allocationPrefix: 'incus-allocation-',
} as const;

export function allocationKey(az: string): string {
  return `${TS_KEYS.allocationPrefix}${az}`;
}

/** This AZ's addresses on a transit switch (without prefix length) for the families it has. */
export interface Allocation {
  v4?: string;
  v6?: string;
}

export function parseAllocation(text: string | undefined): Allocation | undefined {
  if (text === undefined) return undefined;
  const [v4 = '', v6 = ''] = text.split(',');
  return { ...(v4 ? { v4 } : {}), ...(v6 ? { v6 } : {}) };
}

function formatAllocation(a: Allocation): string {
  return `${a.v4 ?? ''},${a.v6 ?? ''}`;
}

function hash(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** The /28 of 169.254.0.0/16 for `name`, past the ones in `taken` (4096 candidates). */
export function transitSubnet4(name: string, taken: ReadonlySet<string>): string {
  const h = hash(name);
  const start = ((h[0] ?? 0) << 8) | (h[1] ?? 0);
  for (let i = 0; i < 4096; i += 1) {
    const block = (start + i) % 4096;
    // 169.254.0.0/28 and 169.254.255.240/28 are left alone (the link-local edges).
    if (block === 0 || block === 4095) continue;
    const subnet = `169.254.${block >> 4}.${(block & 15) << 4}/28`;
    if (!taken.has(subnet)) return subnet;
  }
  throw new Error('every /28 of 169.254.0.0/16 is used by a transit switch');
}

/** A ULA /64 (fdXX:XXXX:XXXX:XXXX::/64) from the name; collisions are left to 2^56 odds. */
export function transitSubnet6(name: string): string {
  const h = hash(`v6:${name}`);
  const hex = (i: number): string => (((h[i] ?? 0) << 8) | (h[i + 1] ?? 0)).toString(16);
  return `fd${(h[0] ?? 0).toString(16).padStart(2, '0')}:${hex(1)}:${hex(3)}:${hex(5)}::/64`;
}

function hostOf(subnet: string, family: Family, index: number): string {
  const base = subnet.split('/')[0] ?? '';
  if (family === 6) return `${base.replace(/::$/, '')}::${index.toString(16)}`;
  const parts = base.split('.').map(Number);
  return `${parts[0]}.${parts[1]}.${parts[2]}.${(parts[3] ?? 0) + index}`;
}

export interface JoinInput {
  name: string;
  az: string;
  /** The families of the local network (a family it lacks gets no address on the switch). */
  families: readonly Family[];
  /** The switch as read from the IC-NB cache, if it exists. */
  existing: TransitSwitchRow | undefined;
  /** Every transit switch of the IC-NB (their subnets are not proposed again). */
  all: readonly TransitSwitchRow[];
}

export interface JoinPlan {
  operations: Operation[];
  allocation: Allocation;
  subnet4: string;
  subnet6: string;
}

function guardTs(row: TransitSwitchRow): Operation {
  return icnb.wait('Transit_Switch', {
    where: [where('_uuid', '==', uuid(row._uuid))],
    columns: ['external_ids'],
    until: '==',
    rows: [{ external_ids: map(Object.entries(row.external_ids)) }],
    timeout: 0,
  });
}

function guardTsAbsent(name: string): Operation {
  return icnb.wait('Transit_Switch', { where: [where('name', '==', name)], columns: ['_uuid'], until: '==', rows: [], timeout: 0 });
}

/**
 * The switch (created if missing) and this AZ's allocation on it. No operations when both are in
 * place with an address for each local family: a retry after a crash or an unknown outcome
 * finds its own work done.
 */
export function planTransitJoin(input: JoinInput): JoinPlan {
  const { name, az, existing } = input;
  const taken = new Set(input.all.filter((t) => t.name !== name).map((t) => t.external_ids[TS_KEYS.subnet4] ?? ''));
  const subnet4 = existing?.external_ids[TS_KEYS.subnet4] ?? transitSubnet4(name, taken);
  const subnet6 = existing?.external_ids[TS_KEYS.subnet6] ?? transitSubnet6(name);
  const mine = parseAllocation(existing?.external_ids[allocationKey(az)]);
  const wants = (f: Family): boolean => input.families.includes(f);
  if (mine && (!wants(4) || mine.v4) && (!wants(6) || mine.v6) && (wants(4) || !mine.v4) && (wants(6) || !mine.v6)) {
    return { operations: [], allocation: mine, subnet4, subnet6 };
  }
  const used = new Set<number>();
  for (const [k, v] of Object.entries(existing?.external_ids ?? {})) {
    if (!k.startsWith(TS_KEYS.allocationPrefix) || k === allocationKey(az)) continue;
    const other = parseAllocation(v);
    const last = Number(other?.v4?.split('.')[3] ?? NaN);
    if (Number.isInteger(last)) used.add(last - Number(subnet4.split('/')[0]?.split('.')[3] ?? 0));
    const v6 = other?.v6?.split('::')[1];
    if (v6) used.add(parseInt(v6, 16));
  }
  let index = 1;
  while (used.has(index)) index += 1;
  if (index > 14) throw new Error(`transit switch ${name} has no free address left (14 AZs at most)`);
  const allocation: Allocation = {
    ...(wants(4) ? { v4: mine?.v4 ?? hostOf(subnet4, 4, index) } : {}),
    ...(wants(6) ? { v6: mine?.v6 ?? hostOf(subnet6, 6, index) } : {}),
  };
  const key = allocationKey(az);
  if (!existing) {
    return {
      operations: [
        guardTsAbsent(name),
        icnb.insert('Transit_Switch', {
          name,
          external_ids: map({ [TS_KEYS.managed]: 'true', [TS_KEYS.subnet4]: subnet4, [TS_KEYS.subnet6]: subnet6, [key]: formatAllocation(allocation) }),
        }),
      ],
      allocation,
      subnet4,
      subnet6,
    };
  }
  return {
    operations: [
      guardTs(existing),
      icnb.mutate('Transit_Switch', [where('_uuid', '==', uuid(existing._uuid))], [
        mutation('external_ids', 'delete', set([key])),
        mutation('external_ids', 'insert', map({ [key]: formatAllocation(allocation) })),
      ]),
    ],
    allocation,
    subnet4,
    subnet6,
  };
}

/**
 * This AZ leaves the switch: its allocation goes, and the switch with it when no other AZ holds
 * one (the last user removes it, as Incus does). Nothing to do when already gone.
 */
export function planTransitLeave(input: { name: string; az: string; existing: TransitSwitchRow | undefined }): Operation[] {
  const { existing, az } = input;
  if (!existing) return [];
  const others = Object.keys(existing.external_ids).filter((k) => k.startsWith(TS_KEYS.allocationPrefix) && k !== allocationKey(az));
  const at = [where('_uuid', '==', uuid(existing._uuid))];
  if (others.length === 0) return [guardTs(existing), icnb.deleteRows('Transit_Switch', at)];
  if (existing.external_ids[allocationKey(az)] === undefined) return [];
  return [guardTs(existing), icnb.mutate('Transit_Switch', at, [mutation('external_ids', 'delete', set([allocationKey(az)]))])];
}
