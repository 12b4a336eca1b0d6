// The wire between a fleet's chassis: a namespace of its own holding a Linux bridge, and one veth
// per host from it into the namespace where that host's ovs-vswitchd runs (the root namespace for
// hv1). Tunnel addresses are link-local (169.254.S.K/24) and live only on the hosts' underlay
// bridges, so the machine's own networks never see them (docs/fleet.md#the-underlay).
import { run } from './exec.js';
import { netns, vethPair, type Netns } from './netns.js';

export const UNDERLAY_MTU = 9000;

export interface Underlay {
  readonly ns: Netns;
  /** 169.254.<subnet>.0/24 */
  readonly subnet: number;
  /**
   * A veth from the underlay's bridge into `into` (undefined: the root namespace); returns the
   * name of the end there (to become a port of the host's underlay bridge) and the host's CIDR.
   */
  attach(host: number, into: Netns | undefined): Promise<{ port: string; cidr: string }>;
}

export async function startUnderlay(subnet: number): Promise<Underlay> {
  if (!Number.isInteger(subnet) || subnet < 0 || subnet > 255 || subnet === 169 || subnet === 254) {
    throw new Error(`underlay subnet ${subnet}: 0..253 except 169 (the link-local metadata address lives in 169.254.169.0/24)`);
  }
  const ns = await netns('u');
  const inU = (args: readonly string[]): Promise<string> => run('ip', ['-n', ns.name, ...args]);
  await inU(['link', 'add', 'sw', 'mtu', String(UNDERLAY_MTU), 'type', 'bridge']);
  await inU(['link', 'set', 'sw', 'up']);
  return {
    ns,
    subnet,
    attach: async (host, into) => {
      if (host < 1 || host > 250) throw new Error(`underlay host ${host}: 1..250`);
      const v = await vethPair({ ...(into ? { nsA: into } : {}), nsB: ns, up: false });
      await run('ip', [...(into ? ['-n', into.name] : []), 'link', 'set', v.a, 'mtu', String(UNDERLAY_MTU)]);
      await inU(['link', 'set', v.b, 'mtu', String(UNDERLAY_MTU), 'master', 'sw', 'up']);
      return { port: v.a, cidr: `169.254.${subnet}.${host}/24` };
    },
  };
}
