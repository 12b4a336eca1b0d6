// Every kind of NIC lib/nic plans, by the name a request gives in `kind`.
import { InvalidFieldError } from '../domxml/errors.js';
import { isPlainObject, oneOf } from '../domxml/validate.js';
import type { ValidateOptions } from '../domxml/validate.js';
import { bridge } from './kinds/bridge.js';
import { macvtap } from './kinds/macvtap.js';
import { ovnNetwork } from './kinds/ovn-network.js';
import { NIC_REQUEST_KINDS } from './request.js';
import type { NicRequest } from './request.js';

export const kinds = { macvtap, bridge, network: ovnNetwork } as const;

/** The field that says a request's kind, for a client that gives exactly one of them instead of `kind`. */
export const KIND_FIELDS = { source: 'macvtap', network: 'network', bridge: 'bridge' } as const satisfies Record<string, NicRequest['kind']>;

/**
 * The kind a client's params ask for: exactly one of `source` (macvtap), `network` (an hvnet OVN
 * network), `bridge` (a Linux bridge). Throws InvalidFieldError naming the fields when none or several are given.
 */
export function kindOfParams(raw: unknown): NicRequest['kind'] {
  if (!isPlainObject(raw)) throw new InvalidFieldError('request', raw, 'an object');
  const fields = Object.keys(KIND_FIELDS) as (keyof typeof KIND_FIELDS)[];
  const given = fields.filter((f) => raw[f] !== undefined);
  const first = given[0];
  if (given.length !== 1 || first === undefined) {
    const which = given.length === 0 ? 'none' : given.join(' and ');
    throw new InvalidFieldError(given[1] ?? 'source', which, `exactly one of ${fields.join(', ')}`, fields);
  }
  return KIND_FIELDS[first];
}

/** `kind` is required: a default would turn a misspelt request of one kind into another. */
export function validateNicRequest(raw: unknown, options: ValidateOptions = {}): NicRequest {
  if (!isPlainObject(raw)) throw new InvalidFieldError('request', raw, 'an object');
  const kind = oneOf(raw.kind, NIC_REQUEST_KINDS, 'kind');
  return kinds[kind].validate(raw, options);
}
