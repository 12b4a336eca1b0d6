// Every kind of NIC lib/nic plans, by the name a request gives in `kind`.
import { InvalidFieldError } from '../domxml/errors.js';
import { isPlainObject, oneOf } from '../domxml/validate.js';
import type { ValidateOptions } from '../domxml/validate.js';
import { macvtap } from './kinds/macvtap.js';
import { NIC_REQUEST_KINDS } from './request.js';
import type { NicRequest } from './request.js';

export const kinds = { macvtap } as const;

/** `kind` is required: a default would turn a misspelt request of one kind into another. */
export function validateNicRequest(raw: unknown, options: ValidateOptions = {}): NicRequest {
  if (!isPlainObject(raw)) throw new InvalidFieldError('request', raw, 'an object');
  const kind = oneOf(raw.kind, NIC_REQUEST_KINDS, 'kind');
  return kinds[kind].validate(raw, options);
}
