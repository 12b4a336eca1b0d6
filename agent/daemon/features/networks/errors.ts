// The one place where lib/ovn's typed errors become the daemon's: the same code and class (from
// lib/ovn's OVN_ERRORS, mapped in agent/api/errors.ts), the same message, and the
// error's context (project, network, peering, the refused `field`, its `value`, what is `allowed`)
// as `details`, so a script reads the field without parsing the message.
import { OvnError } from '../../../../lib/ovn/errors.js';
import { NetworkHasForeignPortsError, OvnConflictError, OvnOutcomeUnknownError, SchemaMissingError, SelfPeeringError } from '../../../../lib/ovn/errors.js';
import { HvnetError, asHvnetError } from '../../../api/errors.js';

export function fromOvnError(e: unknown): HvnetError {
  if (e instanceof HvnetError) return e;
  if (!(e instanceof OvnError)) return asHvnetError(e);
  const details: Record<string, unknown> = { ...e.context };
  if (e instanceof OvnConflictError || e instanceof OvnOutcomeUnknownError) details.attempts = e.attempts;
  if (e instanceof SchemaMissingError) Object.assign(details, { table: e.table, column: e.column, serverVersion: e.serverVersion });
  if (e instanceof SelfPeeringError) details.field = 'target';
  if (e instanceof NetworkHasForeignPortsError) details.ports = [...e.ports];
  // The field first, so the CLI's one line says which argument to fix.
  const field = typeof details.field === 'string' ? details.field : undefined;
  return new HvnetError(e.code, field === undefined || e instanceof SchemaMissingError ? e.message : `${field}: ${e.message}`, details, { cause: e });
}
