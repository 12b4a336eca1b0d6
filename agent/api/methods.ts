// JSON-RPC 2.0 methods of hvnetd's socket: name, params and result, as one value the daemon
// registers a handler for and the CLI calls through. A feature (peering, NICs) adds its own file
// of specs next to this one; nothing here needs to change for it.
import { Type } from '@sinclair/typebox';
import type { Static, TProperties, TSchema } from '@sinclair/typebox';
import { HostStatusSchema } from './status.js';

export interface MethodSpec<P extends TSchema = TSchema, R extends TSchema = TSchema> {
  readonly name: string;
  readonly summary: string;
  readonly params: P;
  readonly result: R;
  /** Registered only when hvnetd runs with HVNET_DEBUG_METHODS=1. */
  readonly debug?: boolean;
}

export type ParamsOf<M> = M extends MethodSpec<infer P, TSchema> ? Static<P> : never;
export type ResultOf<M> = M extends MethodSpec<TSchema, infer R> ? Static<R> : never;

export function defineMethod<P extends TSchema, R extends TSchema>(spec: MethodSpec<P, R>): MethodSpec<P, R> {
  return spec;
}

export const DEFAULT_PROJECT = 'default';

/**
 * Params of every method: the project the call is about (Incus semantics: networks and peerings
 * belong to a project), then the method's own. Unknown params are refused, not ignored: a typo
 * in a flag must not turn into "applied to everything".
 */
export function params<T extends TProperties>(own: T) {
  // The project's name rule is checked by the registry with lib/ovn's message, not by a pattern here.
  return Type.Object({ ...own, project: Type.Optional(Type.String({ maxLength: 4096 })) }, { additionalProperties: false });
}

export const ReportingStatusSchema = Type.Object(
  {
    enabled: Type.Boolean(),
    url: Type.Optional(Type.String()),
    stream: Type.Optional(Type.String()),
    lastSequence: Type.Integer({ minimum: 0 }),
    pending: Type.Integer({ minimum: 0, description: 'Reports in the spool, not yet delivered.' }),
    pendingBytes: Type.Integer({ minimum: 0 }),
    delivered: Type.Integer({ minimum: 0, description: 'Since this daemon started.' }),
    failures: Type.Integer({ minimum: 0, description: 'Failed delivery attempts since this daemon started.' }),
    unanswered: Type.Integer({
      minimum: 0,
      description: 'Of those, attempts sent but never answered (timed out, connection lost): the controller may have recorded them, so their retry may arrive twice.',
    }),
    dropped: Type.Integer({ minimum: 0, description: 'Reports of this stream dropped so far.' }),
    lastDelivery: Type.Optional(Type.String()),
    lastError: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
export type ReportingStatus = Static<typeof ReportingStatusSchema>;

export const DaemonInfoSchema = Type.Object(
  {
    version: Type.String(),
    pid: Type.Integer(),
    startedAt: Type.String(),
    configFile: Type.String(),
    socket: Type.String(),
  },
  { additionalProperties: false },
);

export const statusMethod = defineMethod({
  name: 'status',
  summary: "The host's health (operational or not, and why), its OVN and libvirt connections, and report delivery.",
  params: params({}),
  result: Type.Object(
    { status: HostStatusSchema, daemon: DaemonInfoSchema, reporting: ReportingStatusSchema },
    { additionalProperties: false },
  ),
});

export const versionMethod = defineMethod({
  name: 'version',
  summary: "The daemon's version and the API version it speaks.",
  params: params({}),
  result: Type.Object({ version: Type.String(), api: Type.Integer() }, { additionalProperties: false }),
});

export const methodsMethod = defineMethod({
  name: 'methods',
  summary: 'The methods this daemon serves.',
  params: params({}),
  result: Type.Array(Type.Object({ name: Type.String(), summary: Type.String() }, { additionalProperties: false })),
});

/** Bumped when a method changes incompatibly. 2: projects, networks and peerings in Incus's shapes. */
export const API_VERSION = 2;
