// What libvirt means for this host's verdict. A hypervisor (libvirt.enabled, the default) cannot
// host VMs while libvirt is unreachable, so it is non-operational then; a network-only node has no
// libvirt and is judged without it. libvirt's test driver (test:///FILE: the domains of an XML
// file, nothing runs) lets fleet tests give a second host NICs on a machine with one libvirtd; the
// status says plainly when it is in use, so nobody takes that host for a real hypervisor.
import type { HostStatus } from '../../api/status.js';
import type { StatusContributor } from './host-health.js';

export const NETWORK_ONLY_MESSAGE = 'network-only node (libvirt.enabled: false): libvirt is not used on this host';

export interface LibvirtUseConfig {
  enabled: boolean;
  uri: string;
}

export interface LibvirtState {
  readonly state: 'connected' | 'disconnected';
  readonly message: string | undefined;
}

export function isTestDriver(uri: string): boolean {
  return /^test(\+[a-z]+)?:\/\//.test(uri);
}

/** Registered after every feature's contributor: it has the last word on `libvirt` and the verdict. */
export function libvirtUse(c: LibvirtUseConfig, link: LibvirtState): StatusContributor {
  return (status: HostStatus) => {
    if (!c.enabled) {
      status.libvirt = { state: 'none', uri: 'none', message: NETWORK_ONLY_MESSAGE };
      return;
    }
    if (isTestDriver(c.uri)) {
      const note = `libvirt test driver (${c.uri}): the domains of that file, no VM runs on this host`;
      status.libvirt = { ...status.libvirt, message: status.libvirt.message === undefined ? note : `${note}; ${status.libvirt.message}` };
    }
    if (link.state !== 'connected') {
      status.reasons.push({
        code: 'libvirt-disconnected',
        subject: 'libvirt',
        message: `libvirt (${c.uri}) is not connected${link.message === undefined ? '' : `: ${link.message}`}`,
      });
      status.state = 'non-operational';
    }
  };
}
