// Peering types, as Incus names them: `local` peers two networks of this OVN deployment (router
// ports with `peer` set, static routes); `remote` peers with a network of another deployment
// through OVN-IC and a network integration. A declaration stores its type; the planners ask the
// type's room what the peering's state is and which rows it wants, so a new type is a new room
// here, not a branch in every planner. `remote` has its room in remote/ (declare-plan.ts).
import { InvalidInputError } from './errors.js';
import type { OvnErrorContext } from './errors.js';

export const PEERING_TYPES = ['local', 'remote'] as const;
export type PeeringType = (typeof PEERING_TYPES)[number];

/** The types this hvnet can create and serve. */
export const SUPPORTED_PEERING_TYPES: readonly PeeringType[] = ['local', 'remote'];

export function isPeeringType(value: unknown): value is PeeringType {
  return typeof value === 'string' && (PEERING_TYPES as readonly string[]).includes(value);
}

/** A request's `type` (default `local`), refused when this hvnet cannot serve it. */
export function checkPeeringType(value: unknown, context: OvnErrorContext = {}): PeeringType {
  const type = value ?? 'local';
  const allowed = SUPPORTED_PEERING_TYPES.join(', ');
  if (!isPeeringType(type)) {
    throw new InvalidInputError(`peering type ${JSON.stringify(type)} is unknown`, { ...context, field: 'type', value, allowed });
  }
  if (!SUPPORTED_PEERING_TYPES.includes(type)) {
    throw new InvalidInputError(`peering type ${type} needs a network integration, which this hvnet does not have`, { ...context, field: 'type', value, allowed });
  }
  return type;
}
