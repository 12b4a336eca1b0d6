// The one place a fleet host's hvnetd configuration is written: the fleet fixture and
// `scripts/lab up --hosts N` (through fleet-host-config-cli.ts) both call fleetHostConfig, so a
// lab host and a test host differ only in the values given here.
import { join } from 'node:path';
import { stringify } from 'yaml';

/** hv1 uses the machine's libvirtd; a network-only node has none; a test host may use libvirt's test driver. */
export type FleetLibvirt = { kind: 'system' } | { kind: 'none' } | { kind: 'test'; file: string } | { kind: 'uri'; uri: string };

export interface FleetHostConfigSpec {
  /** Host id, hv1..hvN. */
  id: string;
  /** The host's own directory: its socket (hvnet.sock) and state dir (state/) live there. */
  dir: string;
  /** NB remotes (all members of a cluster). */
  nbRemotes: string;
  /** SB remotes, for `peer show --trace`. */
  sbRemotes?: string;
  controller?: { url: string; tokenFile: string; intervalSeconds: number };
  libvirt: FleetLibvirt;
  requiredNetworks?: readonly string[];
}

export function fleetHostSocket(dir: string): string {
  return join(dir, 'hvnet.sock');
}

export function fleetHostConfig(h: FleetHostConfigSpec): Record<string, unknown> {
  const l = h.libvirt;
  const libvirt =
    l.kind === 'system'
      ? { uri: 'qemu:///system', enabled: true }
      : l.kind === 'test'
        ? { uri: `test://${l.file}`, enabled: true }
        : l.kind === 'uri'
          ? { uri: l.uri, enabled: true }
          : { enabled: false };
  return {
    host: { id: h.id },
    ovn: {
      nb: { remotes: h.nbRemotes, inactivityProbeMs: 2_000, readyTimeoutSeconds: 20 },
      ...(h.sbRemotes ? { sb: { remotes: h.sbRemotes } } : {}),
    },
    libvirt,
    api: { socket: fleetHostSocket(h.dir) },
    stateDir: join(h.dir, 'state'),
    ...(h.controller
      ? {
          controller: {
            url: h.controller.url,
            tokenFile: h.controller.tokenFile,
            // Short: fleet checks read the controller, and a heartbeat bounds how stale it is.
            intervalSeconds: h.controller.intervalSeconds,
            retry: { initialSeconds: 0.5, maxSeconds: 2 },
          },
        }
      : {}),
    health: { requiredNetworks: [...(h.requiredNetworks ?? [])], pollIntervalMs: 200 },
  };
}

export function fleetHostConfigYaml(h: FleetHostConfigSpec): string {
  return `# hvnetd of fleet host ${h.id} (written by testbed/fleet-host-config.ts)\n${stringify(fleetHostConfig(h))}`;
}
