// The user alias hvnet gives a NIC, derived from its MAC: it finds the NIC again (detach, the
// removal event) without a record of its own, and marks it as hvnet's (lib/domxml's prefix).
import { HVNET_ALIAS_PREFIX } from '../domxml/limits.js';

export function hvnetAlias(mac: string): string {
  return `${HVNET_ALIAS_PREFIX}${mac.replaceAll(':', '')}`;
}
