// Required networks that hvnet itself made: `[project/]network` (project `default` when omitted),
// read through lib/ovn's view of the NB, since hvnet's routers carry the names under its own
// keys (hvnet:project, hvnet:network) rather than the external_ids:hvnet-network convention that
// the built-in provider keeps serving for rows other tools make.
import { OvnError } from '../../../../lib/ovn/errors.js';
import { DEFAULT_PROJECT, parseTarget } from '../../../../lib/ovn/names.js';
import type { NbView } from '../../../../lib/ovn/state.js';
import type { NetworkProvider } from '../../health/networks.js';

export const HVNET_NETWORK_KIND = 'hvnet network';

export function hvnetNetworkProvider(view: NbView): NetworkProvider {
  return {
    name: 'hvnet',
    needs: { Logical_Router: ['name', 'external_ids'] },
    find(network) {
      let ref: ReturnType<typeof parseTarget>;
      try {
        ref = parseTarget(network, DEFAULT_PROJECT);
      } catch (e) {
        // Not a name hvnet could have made: only another provider may know it.
        if (e instanceof OvnError) return undefined;
        throw e;
      }
      return view.network(ref.project, ref.network) ? HVNET_NETWORK_KIND : undefined;
    },
  };
}
