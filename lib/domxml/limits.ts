// Numeric limits and name rules, each with where it comes from. Where the kernel and libvirt's
// RNG disagree, the rule is the intersection: a value must pass both.

/**
 * Interface names: the kernel (dev_valid_name) takes 1..15 bytes (IFNAMSIZ 16 with the NUL),
 * not "." or "..", without '/', ':' or whitespace. libvirt's RNG `deviceName` only takes
 * [a-zA-Z0-9_.\-\\:/]. Together, and without the backslash nobody names a NIC with:
 */
export const IFNAME_PATTERN = /^[A-Za-z0-9_.-]{1,15}$/;
export const IFNAME_RULE = "1-15 characters of [A-Za-z0-9_.-], not '.' or '..'";

/**
 * libvirt names the taps it makes `vnetN` (and macvtaps `macvtapN`, `macvlanN`), and blanks a
 * requested target with one of these prefixes to pick its own, so such a name would not stick.
 */
export const GENERATED_TAP_PREFIXES = ['vnet', 'macvtap', 'macvlan'] as const;
export const TARGET_DEV_RULE = `${IFNAME_RULE}, not starting with ${GENERATED_TAP_PREFIXES.join(', ')}`;

/** Unicast (I/G bit clear), not all-zero; two hex digits per octet as libvirt's RNG wants. */
export const MAC_PATTERN = /^[0-9a-fA-F]{2}(?::[0-9a-fA-F]{2}){5}$/;
export const MAC_RULE = 'six colon-separated hex octets, unicast, not 00:00:00:00:00:00';

/** VSI Manager ID: a uint8 on the wire (RNG `uint8`); 0 is reserved by 802.1Qbg. */
export const MANAGERID_MIN = 1;
export const MANAGERID_MAX = 255;
/** VSI Type ID: 24 bits (RNG `uint24`). */
export const TYPEID_MAX = 0xffffff;
/** VSI Type Version: 8 bits (RNG `uint8`). */
export const TYPEIDVERSION_MAX = 255;

/** Both spellings libvirt's RNG `UUID` takes; hvnet normalizes to the dashed lowercase form libvirt prints. */
export const UUID_PATTERN = /^(?:[0-9a-fA-F]{32}|[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12})$/;

/**
 * Port profile name: libvirt copies it into `char profileID[40]` (LIBVIRT_IFLA_VF_PORT_PROFILE_MAX,
 * the kernel's PORT_PROFILE_MAX) and fails with "profileid parameter too long" beyond 39 bytes;
 * the RNG says maxLength 39. Switch port profiles are plain names, so hvnet also keeps to
 * printable ASCII without surrounding spaces, which makes bytes = characters and survives
 * every XML attribute normalization.
 */
export const PROFILEID_MAX = 39;
export const PROFILEID_PATTERN = /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/;
export const PROFILEID_RULE = `1-${PROFILEID_MAX} printable ASCII characters, no leading or trailing space`;

/** 68 is the IPv4 minimum MTU (and the kernel's ETH_MIN_MTU); the RNG's mtu is an unsignedShort. */
export const MTU_MIN = 68;
export const MTU_MAX = 65535;

/**
 * libvirt only keeps aliases starting with `ua-` (user aliases; others are replaced by its own
 * `netN`), and its RNG `aliasName` is [a-zA-Z0-9_.-]+. hvnet marks the NICs it owns with
 * `ua-hvnet-`; the 64-character cap is hvnet's own, to keep names printable in tables.
 */
export const USER_ALIAS_PREFIX = 'ua-';
export const HVNET_ALIAS_PREFIX = 'ua-hvnet-';
export const ALIAS_MAX = 64;
export const HVNET_ALIAS_PATTERN = /^ua-hvnet-[A-Za-z0-9_.-]{1,55}$/;
export const ALIAS_RULE = `'${HVNET_ALIAS_PREFIX}' then 1-${ALIAS_MAX - HVNET_ALIAS_PREFIX.length} characters of [A-Za-z0-9_.-]`;
