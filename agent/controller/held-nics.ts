// A host whose hvnetd has not read its domains from libvirt yet (it just started, or libvirtd is
// not there) reports no NICs: not because it has none. Taking that list at its word would hide a
// MAC the host shares with another until the read, so the controller keeps the host's last list
// read from libvirt, from an earlier report, while its reports say the inventory is loading.
import type { HostStatus } from '../api/status.js';

type NicSummary = HostStatus['nics'][number];

/** What a host record needs for this: its latest report's status and what it holds from before. */
export interface NicHolder {
  report: { status: HostStatus };
  /** Set only while the latest report says the inventory is loading: the last list read. */
  heldNics?: NicSummary[];
}

function loading(status: HostStatus): boolean {
  return status.libvirt.inventory === 'loading';
}

/** The list to hold for a new report of the host (undefined: the report's own list is the truth). */
export function heldNics(prev: NicHolder | undefined, status: HostStatus): NicSummary[] | undefined {
  if (!loading(status) || prev === undefined) return undefined;
  return prev.heldNics ?? (loading(prev.report.status) ? undefined : prev.report.status.nics);
}

/** The host's NICs as the MAC conflict check and the fleet's NIC list see them. */
export function nicsOf(r: NicHolder): readonly NicSummary[] {
  return r.heldNics ?? r.report.status.nics;
}
