// The errors of remote peerings and network integrations: stable codes with their class (mapped
// once in agent/api/errors.ts), and what an operator needs to act (the integration, the peering,
// the refused field and what it accepts).
import { CodedError, defineErrorCodes } from '../../errors.js';
import type { CodeOf } from '../../errors.js';

export const REMOTE_ERRORS = defineErrorCodes({
  HVNET_OVN_INTEGRATION_INVALID: 'invalid',
  /** A key file named in an integration's config is missing or unreadable by hvnetd. */
  HVNET_OVN_INTEGRATION_FILE: 'invalid',
  HVNET_OVN_INTEGRATION_NOT_FOUND: 'not-found',
  HVNET_OVN_INTEGRATION_EXISTS: 'conflict',
  HVNET_OVN_INTEGRATION_IN_USE: 'conflict',
  /** A remote peering's transit switch name, rendered from the integration's pattern, breaks the name rule. */
  HVNET_OVN_TRANSIT_NAME_INVALID: 'invalid',
  /** The IC-NB of an integration is not reachable: nothing was changed. */
  HVNET_OVN_IC_UNAVAILABLE: 'unavailable',
});

export type RemoteErrorCode = CodeOf<typeof REMOTE_ERRORS>;

export interface RemoteErrorContext {
  integration?: string;
  project?: string;
  network?: string;
  peering?: string;
  field?: string;
  value?: unknown;
  allowed?: string;
  /** Peerings that use an integration, as `project/network/peering`. */
  usedBy?: string[];
}

export class RemoteError extends CodedError<RemoteErrorCode, RemoteErrorContext> {
  constructor(code: RemoteErrorCode, message: string, context: RemoteErrorContext = {}, options?: { cause?: unknown }) {
    super(REMOTE_ERRORS, code, message, context, options);
  }
}
