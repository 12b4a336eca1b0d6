// The gate in front of libvirt: a client's spec (untrusted JSON) becomes a NormalizedInterfaceSpec
// or a typed error naming the field, the rule and the bad value. Nothing reaches build.ts that
// libvirt's RNG or the kernel would refuse.
import { randomUUID as nodeRandomUUID } from 'node:crypto';
import { InvalidFieldError, UnsupportedCombinationError, SourceInUseError, DuplicateIdentityError } from './errors.js';
import {
  ALIAS_RULE,
  HVNET_ALIAS_PATTERN,
  IFNAME_PATTERN,
  IFNAME_RULE,
  MAC_PATTERN,
  MAC_RULE,
  MANAGERID_MAX,
  MANAGERID_MIN,
  MTU_MAX,
  MTU_MIN,
  PROFILEID_MAX,
  PROFILEID_PATTERN,
  PROFILEID_RULE,
  TYPEID_MAX,
  TYPEIDVERSION_MAX,
  UUID_PATTERN,
} from './limits.js';
import { MACVTAP_MODES, NIC_MODELS, VIRTUALPORT_TYPES } from './types.js';
import type {
  DomainInterface,
  MacvtapMode,
  NicModel,
  NormalizedInterfaceSpec,
  NormalizedVirtualPort,
  VirtualPortType,
} from './types.js';

/**
 * Which macvtap modes each virtualport type may be sent with. libvirt itself enforces none of
 * this; the choice is hvnet's:
 * - 802.1Qbg (EVB/VDP) is the standard VEPA belongs to: the adjacent bridge applies the VSI's
 *   policy because every frame goes out to it. bridge and private modes let or keep frames from
 *   bypassing it, and passthrough hands the whole device (an SR-IOV VF) to one guest, which VDP
 *   associations were not tested with here. libvirt's and Red Hat's examples pair Qbg with vepa.
 * - 802.1Qbh (Cisco VN-Tag/VM-FEX) is documented with private (domain XML example) and with
 *   passthrough on enic VFs (libvirt's macvlan code has a special case for exactly that pair).
 */
export const VIRTUALPORT_MODES: Readonly<Record<VirtualPortType, readonly MacvtapMode[]>> = {
  '802.1Qbg': ['vepa'],
  '802.1Qbh': ['private', 'passthrough'],
};

const SPEC_FIELDS = ['source', 'mode', 'model', 'mac', 'virtualport', 'mtu', 'alias'] as const;
const QBG_FIELDS = ['type', 'managerid', 'typeid', 'typeidversion', 'instanceid'] as const;
const QBH_FIELDS = ['type', 'profileid'] as const;

export interface ValidateOptions {
  /** Source of Qbg instance ids; injectable so tests (and replays) are deterministic. */
  randomUUID?: () => string;
}

export type Fields = Readonly<Record<string, unknown>>;

export function isPlainObject(value: unknown): value is Fields {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** A misspelt optional field would otherwise be ignored and its default used silently. */
export function refuseUnknownFields(obj: Fields, known: readonly string[], path: string): void {
  for (const key of Object.keys(obj)) {
    if (!known.includes(key)) {
      throw new InvalidFieldError(path ? `${path}.${key}` : key, obj[key], `only the fields ${known.join(', ')}`, known);
    }
  }
}

export function oneOf<T extends string>(value: unknown, allowed: readonly T[], field: string): T {
  const found = allowed.find((a) => a === value);
  if (found === undefined) throw new InvalidFieldError(field, value, `one of ${allowed.join(', ')}`, allowed);
  return found;
}

export function integerIn(value: unknown, min: number, max: number, field: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new InvalidFieldError(field, value, `an integer ${min}..${max}`);
  }
  return value;
}

export function validateSourceDevice(value: unknown, field = 'source'): string {
  if (typeof value !== 'string' || !IFNAME_PATTERN.test(value) || value === '.' || value === '..') {
    throw new InvalidFieldError(field, value, IFNAME_RULE);
  }
  return value;
}

/** Returns the MAC in lowercase, the form libvirt prints, so comparisons with parsed XML work. */
export function normalizeMac(value: unknown, field = 'mac'): string {
  if (typeof value !== 'string' || !MAC_PATTERN.test(value)) throw new InvalidFieldError(field, value, MAC_RULE);
  const mac = value.toLowerCase();
  const firstOctet = parseInt(mac.slice(0, 2), 16);
  if ((firstOctet & 1) === 1 || mac === '00:00:00:00:00:00') throw new InvalidFieldError(field, value, MAC_RULE);
  return mac;
}

/** Returns the dashed lowercase form libvirt prints. */
export function normalizeUuid(value: unknown, field: string): string {
  if (typeof value !== 'string' || !UUID_PATTERN.test(value)) {
    throw new InvalidFieldError(field, value, 'a UUID (32 hex digits, optionally dashed 8-4-4-4-12)');
  }
  const hex = value.replaceAll('-', '').toLowerCase();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function validateAlias(value: unknown, field = 'alias'): string {
  if (typeof value !== 'string' || !HVNET_ALIAS_PATTERN.test(value)) throw new InvalidFieldError(field, value, ALIAS_RULE);
  return value;
}

function validateVirtualPort(value: unknown, randomUUID: () => string): NormalizedVirtualPort {
  if (!isPlainObject(value)) throw new InvalidFieldError('virtualport', value, 'an object with a type');
  const type = oneOf(value.type, VIRTUALPORT_TYPES, 'virtualport.type');
  if (type === '802.1Qbg') {
    refuseUnknownFields(value, QBG_FIELDS, 'virtualport');
    return {
      type,
      managerid: integerIn(value.managerid, MANAGERID_MIN, MANAGERID_MAX, 'virtualport.managerid'),
      typeid: integerIn(value.typeid, 0, TYPEID_MAX, 'virtualport.typeid'),
      typeidversion: integerIn(value.typeidversion, 0, TYPEIDVERSION_MAX, 'virtualport.typeidversion'),
      instanceid:
        value.instanceid === undefined
          ? normalizeUuid(randomUUID(), 'virtualport.instanceid (generated)')
          : normalizeUuid(value.instanceid, 'virtualport.instanceid'),
    };
  }
  refuseUnknownFields(value, QBH_FIELDS, 'virtualport');
  const profileid = value.profileid;
  if (typeof profileid !== 'string' || profileid.length > PROFILEID_MAX || !PROFILEID_PATTERN.test(profileid)) {
    throw new InvalidFieldError('virtualport.profileid', profileid, PROFILEID_RULE);
  }
  return { type, profileid };
}

/**
 * Checks a client's spec and fills the defaults (mode vepa, model virtio, a random Qbg
 * instanceid). Throws InvalidFieldError or UnsupportedCombinationError; never returns anything
 * build.ts could turn into XML libvirt refuses.
 */
export function validateInterfaceSpec(input: unknown, options: ValidateOptions = {}): NormalizedInterfaceSpec {
  if (!isPlainObject(input)) throw new InvalidFieldError('spec', input, 'an object');
  refuseUnknownFields(input, SPEC_FIELDS, '');
  const source = validateSourceDevice(input.source);
  const mode: MacvtapMode = input.mode === undefined ? 'vepa' : oneOf(input.mode, MACVTAP_MODES, 'mode');
  const model: NicModel = input.model === undefined ? 'virtio' : oneOf(input.model, NIC_MODELS, 'model');
  const spec: NormalizedInterfaceSpec = { source, mode, model };
  if (input.mac !== undefined) spec.mac = normalizeMac(input.mac);
  if (input.virtualport !== undefined) {
    const virtualport = validateVirtualPort(input.virtualport, options.randomUUID ?? nodeRandomUUID);
    const modes = VIRTUALPORT_MODES[virtualport.type];
    if (!modes.includes(mode)) {
      throw new UnsupportedCombinationError('mode', mode, 'virtualport.type', virtualport.type, modes);
    }
    spec.virtualport = virtualport;
  }
  if (input.mtu !== undefined) spec.mtu = integerIn(input.mtu, MTU_MIN, MTU_MAX, 'mtu');
  if (input.alias !== undefined) spec.alias = validateAlias(input.alias);
  return spec;
}

/** The part of a NIC that decides who may share its source device. */
export interface SourceUse {
  source: string;
  mode?: MacvtapMode;
  mac?: string;
  alias?: string;
}

/**
 * The kernel's macvlan passthru mode takes the lower device for itself: it refuses a second
 * macvtap on it, and no passthru macvtap can join a device that already has one. libvirt only
 * learns this at attach time (after changing the device's MAC). `existing` should hold the direct
 * NICs of every domain on the host, since a device can be taken by any of them.
 */
export function checkPassthroughExclusive(spec: SourceUse, existing: readonly DomainInterface[]): void {
  const mode = spec.mode ?? 'vepa';
  for (const other of existing) {
    if (other.source !== spec.source) continue;
    if (mode === 'passthrough' || other.mode === 'passthrough') {
      throw new SourceInUseError(spec.source, mode, { mode: other.mode, mac: other.mac, alias: other.alias });
    }
  }
}

/**
 * libvirt accepts a second NIC with the same MAC and then cannot detach either ("multiple
 * devices matching MAC address"; docs/libvirt.md#a-second-nic-with-the-same-mac); a duplicate
 * alias is refused only at attach time.
 * `existing` is the NICs of the one domain, of every type (a MAC clash with a bridge NIC counts
 * too): parse.ts's listInterfaceIdentities gives exactly that.
 */
export function checkIdentityUnique(
  spec: Pick<SourceUse, 'mac' | 'alias'>,
  existing: readonly { readonly mac?: string | undefined; readonly alias?: string | undefined }[],
): void {
  for (const other of existing) {
    if (spec.mac !== undefined && other.mac === spec.mac.toLowerCase()) throw new DuplicateIdentityError('mac', spec.mac);
    if (spec.alias !== undefined && other.alias === spec.alias) throw new DuplicateIdentityError('alias', spec.alias);
  }
}
