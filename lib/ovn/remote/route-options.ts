// Which routes cross a transit switch (pure). ovn-ic advertises, for every router with a port on a
// transit switch, its connected subnets and static routes, and learns what the other AZs
// advertise on the same switch, when NB_Global options ic-route-adv / ic-route-learn are true.
// hvnet wants only the remote-peered networks' own subnets to cross, which is done with what the
// running OVN offers, told by its NB schema:
//
// - az-wide (OVN up to 24.03 at least; the installed 23.03): the options are AZ-wide, so hvnet
//   sets ic-route-adv and ic-route-learn to true when unset, and adds to ic-route-blacklist the
//   prefixes a remote-peered router would advertise beyond its own subnets (the routes of its
//   local peerings). An operator's values are never overwritten: hvnet records which entries are
//   its own (NB_Global external_ids hvnet:ic-route-options) and only adds or removes those; a value
//   of the operator that works against a peering (adv or learn false, its own subnet blacklisted)
//   is reported in the peering's status.
// - per-port (NB schema 7.18.0 and newer, the 26.03 line, whose ovn-ic reads the router port's
//   options ic-route-filter-adv / ic-route-filter-learn): the transit port advertises exactly the
//   network's own subnets; the AZ-wide blacklist is left alone.
import { mutation, where } from '../../ovsdb/operations.js';
import type { Operation } from '../../ovsdb/operations.js';
import { map, set, uuid } from '../../ovsdb/values.js';
import { nb } from '../nb-operations.js';

export type RouteCapability = 'az-wide' | 'per-port';

/** The first NB schema known to come with an ovn-ic that honours per-port route filters. */
export const PER_PORT_SCHEMA = '7.18.0';
export const OPTIONS_RECORD = 'hvnet:ic-route-options';

function versionAtLeast(v: string, min: string): boolean {
  const a = v.split('.').map(Number);
  const b = min.split('.').map(Number);
  for (let i = 0; i < 3; i += 1) {
    if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  }
  return true;
}

export function routeCapability(nbSchemaVersion: string): RouteCapability {
  return versionAtLeast(nbSchemaVersion, PER_PORT_SCHEMA) ? 'per-port' : 'az-wide';
}

/** What hvnet set itself, so it can take exactly that back. */
export interface OptionsRecord {
  adv: boolean;
  learn: boolean;
  blacklist: string[];
}

function parseRecord(text: string | undefined): OptionsRecord {
  try {
    const v = JSON.parse(text ?? '') as Partial<OptionsRecord>;
    return { adv: v.adv === true, learn: v.learn === true, blacklist: Array.isArray(v.blacklist) ? v.blacklist.filter((x) => typeof x === 'string') : [] };
  } catch {
    return { adv: false, learn: false, blacklist: [] };
  }
}

export interface RouteOptionsInput {
  capability: RouteCapability;
  global: { _uuid: string; options: Readonly<Record<string, string>>; external_ids: Readonly<Record<string, string>> };
  /** Whether any remote peering exists in this AZ (none: hvnet takes back all it set). */
  active: boolean;
  /** Prefixes that must not cross (az-wide only): the local-peering routes of remote-peered routers. */
  block: readonly string[];
  /** The subnets remote peerings need to cross: checked against the operator's blacklist. */
  own: readonly string[];
}

export interface RouteOptionsPlan {
  operations: Operation[];
  /** Operator settings that work against the peerings, in words for the status. */
  contradictions: string[];
}

function splitList(v: string | undefined): string[] {
  return (v ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
}

export function planRouteOptions(i: RouteOptionsInput): RouteOptionsPlan {
  const opts = i.global.options;
  const rec = parseRecord(i.global.external_ids[OPTIONS_RECORD]);
  const contradictions: string[] = [];
  const next: Record<string, string | undefined> = {};
  const nextRec: OptionsRecord = { adv: rec.adv, learn: rec.learn, blacklist: [...rec.blacklist] };
  for (const [key, flag] of [['ic-route-adv', 'adv'], ['ic-route-learn', 'learn']] as const) {
    const value = opts[key];
    if (i.active) {
      if (value === undefined) {
        next[key] = 'true';
        nextRec[flag] = true;
      } else if (value !== 'true' && i.active) {
        contradictions.push(`NB_Global options:${key}=${value} (not set by hvnet): ${key === 'ic-route-adv' ? 'this AZ advertises no route to the other' : 'this AZ learns no route from the other'}`);
      }
    } else if (rec[flag] && value === 'true') {
      next[key] = undefined;
      nextRec[flag] = false;
    }
  }
  const current = splitList(opts['ic-route-blacklist']);
  const operator = current.filter((c) => !rec.blacklist.includes(c));
  for (const o of operator) {
    if (i.own.includes(o)) contradictions.push(`NB_Global options:ic-route-blacklist holds ${o} (not set by hvnet), a subnet a remote peering must carry`);
  }
  const wantMine = i.active && i.capability === 'az-wide' ? [...new Set(i.block)].filter((b) => !operator.includes(b)).sort() : [];
  const wantList = [...operator, ...wantMine];
  if (wantList.join(',') !== current.join(',')) next['ic-route-blacklist'] = wantList.length > 0 ? wantList.join(',') : undefined;
  nextRec.blacklist = wantMine;
  const recText = nextRec.adv || nextRec.learn || nextRec.blacklist.length > 0 ? JSON.stringify(nextRec) : undefined;
  const muts = [];
  const changed = Object.keys(next);
  if (changed.length > 0) muts.push(mutation('options', 'delete', set(changed)));
  const inserts = Object.fromEntries(Object.entries(next).filter((e): e is [string, string] => e[1] !== undefined));
  if (Object.keys(inserts).length > 0) muts.push(mutation('options', 'insert', map(inserts)));
  if (recText !== i.global.external_ids[OPTIONS_RECORD]) {
    muts.push(mutation('external_ids', 'delete', set([OPTIONS_RECORD])));
    if (recText !== undefined) muts.push(mutation('external_ids', 'insert', map({ [OPTIONS_RECORD]: recText })));
  }
  if (muts.length === 0) return { operations: [], contradictions };
  // Guarded by the options as read: an operator's concurrent change makes this re-plan, not undo it.
  const at = [where('_uuid', '==', uuid(i.global._uuid))];
  return {
    operations: [
      nb.wait('NB_Global', { where: at, columns: ['options'], until: '==', rows: [{ options: map(Object.entries(opts)) }], timeout: 0 }),
      nb.mutate('NB_Global', at, muts),
    ],
    contradictions,
  };
}

/** per-port: the transit router port's options, advertising exactly the network's own subnets. */
export function perPortFilter(own: readonly string[]): Record<string, string> {
  return { 'ic-route-filter-adv': [...own].sort().join(',') };
}
