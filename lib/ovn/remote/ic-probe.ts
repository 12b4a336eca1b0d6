// Whether this AZ's ovn-ic is running and processing (pure), on OVN 23.03, whose IC databases have
// no sequence number for it (IC_NB_Global gains nb_ic_cfg only in later releases). ovn-ic, on every
// run of its loop in which it holds its lock and reaches this NB and the IC databases, deletes each
// NB Logical_Switch whose other_config:interconn-ts names no IC-NB Transit_Switch. hvnet uses that
// as a probe: while remote peerings exist it puts one such switch of its own in the NB
// (`hvnet-ic-probe`, tagged hvnet:ic-probe = the time it was put, in ms since the epoch) and
// watches it go. A probe older than PROBE_BOUND_MS means ovn-ic is stopped, or cannot reach one of
// its databases. A new probe follows PROBE_EVERY_MS after the last one was put, so northd sees one
// short-lived datapath every few seconds and nothing else. Without remote peerings hvnet removes
// its probe itself. The name must not be a transit switch's: transit names (transit-name.ts)
// start with the integration's pattern, whose default starts with `ts-`.
//
// Shown by hand: `ovn-nbctl create Logical_Switch name=p other_config:interconn-ts=p` disappears
// at once while ovn-ic runs, and stays while it is stopped (docs/ovn-ic.md).
import { where } from '../../ovsdb/operations.js';
import type { Operation } from '../../ovsdb/operations.js';
import { map, uuid } from '../../ovsdb/values.js';
import { nb } from '../nb-operations.js';

export const PROBE_NAME = 'hvnet-ic-probe';
export const PROBE_KEY = 'hvnet:ic-probe';
export const PROBE_BOUND_MS = 5_000;
export const PROBE_EVERY_MS = 5_000;

export interface ProbeInput {
  /** The probe switch as the NB holds it now, if it is there. */
  probe: { _uuid: string; putAtMs: number } | undefined;
  /** Whether any remote peering is declared in this AZ. */
  active: boolean;
  nowMs: number;
  /** When this hvnetd last put a probe (0: never). */
  lastPutMs: number;
}

export interface ProbePlan {
  operations: Operation[];
  /** Set when ovn-ic has not removed the probe within the bound: why, for the peerings' status. */
  stalled?: string;
  /** Set when the plan puts a new probe. */
  putAtMs?: number;
}

export function planIcProbe(i: ProbeInput): ProbePlan {
  if (!i.active) {
    return { operations: i.probe ? [nb.deleteRows('Logical_Switch', [where('_uuid', '==', uuid(i.probe._uuid))])] : [] };
  }
  if (i.probe) {
    const age = i.nowMs - i.probe.putAtMs;
    if (age <= PROBE_BOUND_MS) return { operations: [] };
    return {
      operations: [],
      stalled: `ovn-ic of this availability zone is not running or cannot reach its databases: it has not removed hvnet's probe switch ${PROBE_NAME} within ${PROBE_BOUND_MS / 1000} s (for ${Math.round(age / 1000)} s); traffic of a created peering goes on`,
    };
  }
  if (i.nowMs - i.lastPutMs < PROBE_EVERY_MS) return { operations: [] };
  return {
    putAtMs: i.nowMs,
    operations: [
      nb.insert('Logical_Switch', { name: PROBE_NAME, other_config: map({ 'interconn-ts': PROBE_NAME }), external_ids: map({ [PROBE_KEY]: String(i.nowMs) }) }),
    ],
  };
}

/** The probe from a Logical_Switch row, if the row is hvnet's probe. */
export function probeOf(row: { _uuid: string; name: string; external_ids: Readonly<Record<string, string>> }): ProbeInput['probe'] {
  const at = row.external_ids[PROBE_KEY];
  if (row.name !== PROBE_NAME || at === undefined) return undefined;
  const ms = Number(at);
  return { _uuid: row._uuid, putAtMs: Number.isFinite(ms) ? ms : 0 };
}
