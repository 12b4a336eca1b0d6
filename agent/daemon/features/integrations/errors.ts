// lib/ovn/remote's errors as the daemon's: the same code and class, the context (integration,
// the refused field and what it accepts, the peerings using an integration) as `details`, and
// the field first in the message so the CLI's one line says which argument to fix.
import { RemoteError } from '../../../../lib/ovn/remote/errors.js';
import { HvnetError } from '../../../api/errors.js';
import { fromOvnError } from '../networks/errors.js';

export function fromRemoteError(e: unknown): HvnetError {
  if (!(e instanceof RemoteError)) return fromOvnError(e);
  const details: Record<string, unknown> = { ...e.context };
  const field = typeof details.field === 'string' ? details.field : undefined;
  return new HvnetError(e.code, field === undefined ? e.message : `${field}: ${e.message}`, details, { cause: e });
}
