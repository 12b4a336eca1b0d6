// An integration as the API shows it: Incus's document (used_by as Incus's peer URLs).
import type { IntegrationInfo } from '../../../../lib/ovn/remote/integration.js';
import type { IntegrationInfoResult } from '../../../api/integrations.js';

/** `project/network/peering` → /1.0/networks/NETWORK/peers/PEERING[?project=P]. */
function peerUrl(ref: string): string {
  const [project = '', network = '', peering = ''] = ref.split('/');
  return `/1.0/networks/${network}/peers/${peering}${project === 'default' ? '' : `?project=${project}`}`;
}

export function integrationDocument(i: IntegrationInfo): IntegrationInfoResult {
  return { name: i.name, description: i.description, type: i.type, config: { ...i.config }, used_by: i.usedBy.map(peerUrl) };
}
