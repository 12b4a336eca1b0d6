// A fleet host's files are made by scripts/provision/hypervisor.sh, the script a Vagrant
// hypervisor runs, with --root the host's directory (as DESTDIR): the script is the one place
// that knows what a host's hvnetd configuration holds, for the tests' fleet, `scripts/lab up`
// and a real machine alike. This module only turns a fixture's wishes into its options.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from './exec.js';

/** hv1 uses the machine's libvirtd; a network-only node has none; a test host may use libvirt's test driver. */
export type FleetLibvirt = { kind: 'system' } | { kind: 'none' } | { kind: 'test'; file: string } | { kind: 'uri'; uri: string };

export interface FleetHostConfigSpec {
  /** Host id, hv1..hvN. */
  id: string;
  /** The host's own directory: the provisioning root, its socket (hvnet.sock) and state dir (state/). */
  dir: string;
  /** NB remotes (all members of a cluster). */
  nbRemotes: string;
  /** SB remotes (ovn-controller's, and `peer show --trace`). */
  sbRemotes: string;
  controller?: { url: string; tokenFile: string; intervalSeconds: number };
  libvirt: FleetLibvirt;
  requiredNetworks?: readonly string[];
}

export interface ProvisionedHost {
  configFile: string;
  socket: string;
}

const HYPERVISOR_SH = fileURLToPath(new URL('../../scripts/provision/hypervisor.sh', import.meta.url));

export function fleetHostSocket(dir: string): string {
  return join(dir, 'hvnet.sock');
}

function libvirtArgs(l: FleetLibvirt): string[] {
  switch (l.kind) {
    case 'system':
      return ['--libvirt-uri', 'qemu:///system'];
    case 'test':
      return ['--libvirt-uri', `test://${l.file}`];
    case 'uri':
      return ['--libvirt-uri', l.uri];
    case 'none':
      return ['--no-libvirt'];
  }
}

/** The options hypervisor.sh gets for a fleet host (scripts/lab.d/fleet.bash passes the same ones). */
export function fleetHostArgs(h: FleetHostConfigSpec): string[] {
  return [
    '--root', h.dir,
    '--host-id', h.id,
    '--nb', h.nbRemotes,
    '--sb', h.sbRemotes,
    '--socket', fleetHostSocket(h.dir),
    '--state-dir', join(h.dir, 'state'),
    '--quick-checks',
    ...libvirtArgs(h.libvirt),
    ...(h.controller
      ? ['--controller', h.controller.url, '--token-at', h.controller.tokenFile, '--report-interval', String(h.controller.intervalSeconds)]
      : []),
    ...(h.requiredNetworks ?? []).flatMap((n) => ['--required-network', n]),
  ];
}

/** Runs hypervisor.sh into the host's directory; hvnetd then runs with the config it wrote. */
export async function provisionFleetHost(h: FleetHostConfigSpec): Promise<ProvisionedHost> {
  await run('bash', [HYPERVISOR_SH, ...fleetHostArgs(h)], { timeoutMs: 60_000 });
  return { configFile: join(h.dir, 'etc/hvnet/hvnet.yaml'), socket: fleetHostSocket(h.dir) };
}
