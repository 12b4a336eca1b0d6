// The verdict: a host is operational only when everything it was told to require is there.
// Pure, so the rules are tested without links or an NB.
import type { HealthReason, HostState, LinkStatus, NbStatus, NetworkStatus } from '../../api/status.js';
import type { HostStatus } from '../../api/status.js';

export interface HealthFacts {
  nb: NbStatus;
  links: readonly LinkStatus[];
  networks: readonly NetworkStatus[];
  /** Absent: no libvirt facts (a unit test of the other rules). */
  libvirt?: HostStatus['libvirt'];
}

export function evaluateHealth(f: HealthFacts): { state: HostState; reasons: HealthReason[] } {
  const reasons: HealthReason[] = [];
  if (f.nb.state !== 'connected') {
    reasons.push({
      code: 'nb-disconnected',
      subject: 'ovn-nb',
      message: `OVN Northbound ${f.nb.state}${f.nb.lastError ? `: ${f.nb.lastError}` : ''}`,
    });
  }
  // A host that cannot reach its libvirt cannot attach or list NICs: not operational. A host that
  // does not use libvirt at all says 'not yet managed', which is no reason.
  if (f.libvirt && f.libvirt.state === 'disconnected') {
    reasons.push({
      code: 'libvirt-disconnected',
      subject: 'libvirt',
      message: `libvirt (${f.libvirt.uri}) is not connected${f.libvirt.message ? `: ${f.libvirt.message}` : ''}`,
    });
  }
  for (const l of f.links) {
    if (!l.present) reasons.push({ code: 'link-missing', subject: l.name, message: `required link ${l.name} does not exist` });
    else if (!l.up) reasons.push({ code: 'link-down', subject: l.name, message: `required link ${l.name} is down (operstate ${l.operstate ?? '?'})` });
    else if (l.minMtu !== undefined && (l.mtu ?? 0) < l.minMtu) {
      reasons.push({ code: 'link-mtu', subject: l.name, message: `required link ${l.name} has MTU ${l.mtu ?? '?'}, needs at least ${l.minMtu}` });
    }
  }
  for (const n of f.networks) {
    if (n.present === 'unknown') reasons.push({ code: 'network-unknown', subject: n.name, message: `required network ${n.name}: unknown until the NB is read` });
    else if (!n.present) reasons.push({ code: 'network-missing', subject: n.name, message: `required network ${n.name} does not exist in OVN` });
  }
  return { state: reasons.length === 0 ? 'operational' : 'non-operational', reasons };
}
