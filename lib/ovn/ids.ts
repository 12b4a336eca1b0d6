// OVN row names and MACs derived from a network's id, and the external_ids keys hvnet owns.
//
// Row names never contain user names: `a-b/c` and `a/b-c` (project/network) are different
// networks with different ids, so their rows cannot meet, and a rename would never touch OVN.
// The user-facing names live in the router's external_ids (keys below).

/** Ids are small positive integers; the MAC carries 24 bits of them. */
export const MAX_NETWORK_ID = 0xffffff;

export const rowNames = {
  router: (id: number): string => `hvnet-net${id}-lr`,
  switch: (id: number): string => `hvnet-net${id}-ls-int`,
  routerPort: (id: number): string => `hvnet-net${id}-lr-lrp-int`,
  switchRouterPort: (id: number): string => `hvnet-net${id}-ls-int-lsp-router`,
  /** The port on network `local`'s router that faces network `remote`'s router. */
  peerPort: (local: number, remote: number): string => `hvnet-net${local}-lr-lrp-peer-net${remote}`,
};

/**
 * Locally administered unicast (first octet 0x02), then "hv" (0x68 0x76), then the id: unique per
 * network as long as ids are, and never a vendor's address. The internal router port and every
 * peer port of the router reuse it, as Incus does.
 */
/** Every MAC networkMac can give: NIC MAC pools must stay out of it (a NIC with a router's MAC is unreachable). */
export const ROUTER_MAC_RANGE = { first: '02:68:76:00:00:00', last: '02:68:76:ff:ff:ff' } as const;

/** True for a MAC networkMac gives or may give (the range is exactly one 24-bit prefix). */
export function isRouterMac(mac: string): boolean {
  return mac.toLowerCase().startsWith(ROUTER_MAC_RANGE.first.slice(0, 9));
}

export function networkMac(id: number): string {
  const hex = (v: number): string => (v & 255).toString(16).padStart(2, '0');
  return `02:68:76:${hex(id >> 16)}:${hex(id >> 8)}:${hex(id)}`;
}

/**
 * external_ids keys. On the network's Logical_Router: the id, the user names, the description,
 * the gateway CIDRs and one key per peering declaration. On every other row hvnet makes: the id
 * of the network it belongs to, and for peer rows the id of the remote network too, which is how
 * they are found again (for removal, for drift repair) without parsing names.
 */
export const EXT = {
  id: 'hvnet:id',
  project: 'hvnet:project',
  network: 'hvnet:network',
  description: 'hvnet:description',
  ipv4: 'hvnet:ipv4',
  ipv6: 'hvnet:ipv6',
  /** `hvnet:peering:<name>` = JSON {type?, target, description, config} (encodeDeclaration in state.ts; no type is local). */
  peeringPrefix: 'hvnet:peering:',
  /** On peer ports and peer routes: the remote network's id. */
  peerId: 'hvnet:peer-id',
  /** On NB_Global: `hvnet:project:<name>` = JSON {description}. */
  projectPrefix: 'hvnet:project:',
} as const;

export function peeringKey(name: string): string {
  return `${EXT.peeringPrefix}${name}`;
}

export function projectKey(name: string): string {
  return `${EXT.projectPrefix}${name}`;
}

/** Parses a decimal id as stored in external_ids; undefined for anything else. */
export function parseId(text: string | undefined): number | undefined {
  if (text === undefined || !/^[1-9][0-9]{0,7}$/.test(text)) return undefined;
  const n = Number(text);
  return n <= MAX_NETWORK_ID ? n : undefined;
}
