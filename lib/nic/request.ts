// A NIC request as lib/nic accepts it: a client's params (untrusted) checked in one pass into a
// typed request of one kind, or an error naming the field and what is allowed there. Everything
// after this point (the plan, the XML, the rollback) works on the typed request only.
import { InvalidFieldError } from '../domxml/errors.js';
import { MAC_PATTERN } from '../domxml/limits.js';
import { isPlainObject, normalizeMac } from '../domxml/validate.js';
import type { NormalizedInterfaceSpec } from '../domxml/types.js';
import type { NormalizedBridgeInterfaceSpec } from '../domxml/bridge-types.js';

/** Each kind with its request type in the union below. */
export const NIC_REQUEST_KINDS = ['macvtap', 'bridge', 'network'] as const;
export type NicRequestKind = (typeof NIC_REQUEST_KINDS)[number];

/** What every attach asks besides the NIC itself. */
export interface AttachTarget {
  readonly domain: string;
  /** Absent: the domain's state decides (live on a running domain, config on a persistent one). */
  readonly live: boolean | undefined;
  readonly config: boolean | undefined;
  readonly dryRun: boolean;
}

/** A direct (macvtap) NIC on a host device; `spec.alias` is left to the plan, which names it after the MAC. */
export interface MacvtapRequest extends AttachTarget {
  readonly kind: 'macvtap';
  readonly spec: NormalizedInterfaceSpec;
}

/** A tap on a host Linux bridge; `spec.alias` is the plan's, as for macvtap. */
export interface BridgeRequest extends AttachTarget {
  readonly kind: 'bridge';
  readonly spec: NormalizedBridgeInterfaceSpec;
}

/** A NIC on an hvnet OVN network: a logical switch port named `port` and a tap on the integration bridge. */
export interface NetworkRequest extends AttachTarget {
  readonly kind: 'network';
  readonly project: string | undefined;
  readonly network: string;
  /** `auto`, `none` or an address; lib/ovn checks it against the network. */
  readonly ipv4: string | undefined;
  readonly ipv6: 'auto' | 'none' | undefined;
  readonly mac: string | undefined;
  readonly model: NormalizedBridgeInterfaceSpec['model'];
  /** The LSP's name and libvirt's interfaceid, chosen at validation. */
  readonly port: string;
}

export type NicRequest = MacvtapRequest | BridgeRequest | NetworkRequest;

/** A NIC to detach: by MAC (any case) or by alias. */
export interface DetachRequest {
  readonly domain: string;
  /** As the client wrote it, for messages. */
  readonly nic: string;
  readonly key: { readonly mac: string } | { readonly alias: string };
}

export type Fields = Readonly<Record<string, unknown>>;

const TARGET_FIELDS = ['kind', 'domain', 'live', 'config', 'dryRun'] as const;

/**
 * The one pass over a request's fields: the attach target's are checked here, the kind's own
 * (`specFields`) are collected for the kind to validate, anything else is refused. A field set
 * to undefined counts as absent (an in-process caller's optional field).
 */
export function splitRequest(raw: unknown, specFields: readonly string[]): { target: AttachTarget; spec: Fields } {
  if (!isPlainObject(raw)) throw new InvalidFieldError('request', raw, 'an object');
  const known = [...TARGET_FIELDS, ...specFields];
  const spec: Record<string, unknown> = {};
  let domain: string | undefined;
  let live: boolean | undefined;
  let config: boolean | undefined;
  let dryRun = false;
  for (const [key, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    switch (key) {
      case 'kind':
        break; // the registry dispatched on it
      case 'domain':
        domain = domainName(value);
        break;
      case 'live':
        live = flag(value, key);
        break;
      case 'config':
        config = flag(value, key);
        break;
      case 'dryRun':
        dryRun = flag(value, key);
        break;
      default:
        if (!specFields.includes(key)) throw new InvalidFieldError(key, value, `only the fields ${known.join(', ')}`, known);
        spec[key] = isPlainObject(value) ? withoutUndefined(value) : value;
    }
  }
  if (domain === undefined) throw new InvalidFieldError('domain', undefined, 'a libvirt domain name');
  return { target: { domain, live, config, dryRun }, spec };
}

export function validateDetachRequest(raw: unknown): DetachRequest {
  if (!isPlainObject(raw)) throw new InvalidFieldError('request', raw, 'an object');
  const domain = domainName(raw.domain);
  const nic = raw.nic;
  if (typeof nic !== 'string' || nic === '') throw new InvalidFieldError('nic', nic, 'a MAC address or an alias');
  // Six octets is a MAC (held to the MAC rule); anything else can only be an alias.
  const key = MAC_PATTERN.test(nic) ? { mac: normalizeMac(nic, 'nic') } : { alias: nic };
  return { domain, nic, key };
}

function domainName(value: unknown): string {
  if (typeof value !== 'string' || value === '') throw new InvalidFieldError('domain', value, 'a libvirt domain name');
  return value;
}

function flag(value: unknown, field: string): boolean {
  if (typeof value !== 'boolean') throw new InvalidFieldError(field, value, 'true or false', ['true', 'false']);
  return value;
}

function withoutUndefined(obj: Fields): Fields {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined));
}
