// The socket methods of projects, networks and peerings (Incus semantics, kept in the OVN NB by
// lib/ovn): their params and results, which the daemon registers and the CLI calls. Names and
// targets are plain strings here on purpose: lib/ovn checks them and says which field is wrong
// and what it accepts, which a pattern in the schema could not.
import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import { defineMethod, params } from './methods.js';

const strict = { additionalProperties: false } as const;
const Text = Type.String({ maxLength: 4096 });
const DryRun = Type.Optional(Type.Boolean({ description: 'Plan only: return the OVSDB operations, change nothing.' }));

export const ProjectInfoSchema = Type.Object({ name: Type.String(), description: Type.String(), networks: Type.Integer({ minimum: 0 }) }, strict);

export const NetworkInfoSchema = Type.Object(
  {
    project: Type.String(),
    name: Type.String(),
    description: Type.String(),
    ipv4: Type.String(),
    ipv6: Type.Union([Type.String(), Type.Null()]),
    id: Type.Integer({ description: "hvnet's id of the network; its OVN rows are named from it." }),
    mac: Type.String(),
    router: Type.String(),
    switch: Type.String(),
    peerings: Type.Integer({ minimum: 0 }),
  },
  strict,
);

export const PeeringStatusSchema = Type.Union([Type.Literal('pending'), Type.Literal('created'), Type.Literal('errored')]);

export const PeeringInfoSchema = Type.Object(
  {
    project: Type.String(),
    network: Type.String(),
    name: Type.String(),
    description: Type.String(),
    config: Type.Record(Type.String(), Type.String()),
    targetProject: Type.String(),
    targetNetwork: Type.String(),
    status: PeeringStatusSchema,
    reason: Type.Optional(Type.String({ description: 'Why an errored peering is not active.' })),
  },
  strict,
);
export type PeeringInfoResult = Static<typeof PeeringInfoSchema>;

/** One peer row a plan inserts, updates or deletes. */
export const RowChangeSchema = Type.Object(
  {
    action: Type.Union([Type.Literal('insert'), Type.Literal('update'), Type.Literal('delete')]),
    table: Type.String(),
    what: Type.String(),
    network: Type.Object({ id: Type.Integer(), project: Type.Optional(Type.String()), name: Type.Optional(Type.String()) }),
    remote: Type.Object({ id: Type.Integer(), project: Type.Optional(Type.String()), name: Type.Optional(Type.String()) }),
  },
  strict,
);

/** What a `dryRun` returns instead of the result: the transaction that would be sent. */
export const DryRunSchema = Type.Object(
  {
    dryRun: Type.Literal(true),
    /** RFC 7047 operations, guards first; empty when the NB already is as requested. */
    operations: Type.Array(Type.Unknown()),
    changes: Type.Array(RowChangeSchema),
    /** What the request would return once committed. */
    result: Type.Unknown(),
  },
  strict,
);
export type DryRunResult = Static<typeof DryRunSchema>;

const Deleted = Type.Object({ deleted: Type.Literal(true) }, strict);

// Projects ---------------------------------------------------------------------------------------

export const projectCreateMethod = defineMethod({
  name: 'project.create',
  summary: 'Creates a project (networks and peerings belong to one; `default` always exists).',
  params: params({ name: Text, description: Type.Optional(Text), dryRun: DryRun }),
  result: Type.Union([ProjectInfoSchema, DryRunSchema]),
});

export const projectListMethod = defineMethod({
  name: 'project.list',
  summary: 'Every project, with how many networks it holds.',
  params: params({}),
  result: Type.Array(ProjectInfoSchema),
});

export const projectDeleteMethod = defineMethod({
  name: 'project.delete',
  summary: 'Deletes an empty project.',
  params: params({ name: Text, dryRun: DryRun }),
  result: Type.Union([Deleted, DryRunSchema]),
});

// Networks ---------------------------------------------------------------------------------------

export const networkCreateMethod = defineMethod({
  name: 'network.create',
  summary: 'Creates an OVN network (router, switch, gateway addresses) in the project.',
  params: params({ name: Text, ipv4: Text, ipv6: Type.Optional(Text), description: Type.Optional(Text), dryRun: DryRun }),
  result: Type.Union([NetworkInfoSchema, DryRunSchema]),
});

export const networkListMethod = defineMethod({
  name: 'network.list',
  summary: "The project's networks.",
  params: params({}),
  result: Type.Array(NetworkInfoSchema),
});

export const networkShowMethod = defineMethod({
  name: 'network.show',
  summary: 'One network.',
  params: params({ name: Text }),
  result: NetworkInfoSchema,
});

export const networkDeleteMethod = defineMethod({
  name: 'network.delete',
  summary: 'Deletes a network; peerings of other networks that target it become pending.',
  params: params({ name: Text, dryRun: DryRun }),
  result: Type.Union([Deleted, DryRunSchema]),
});

// Peerings ---------------------------------------------------------------------------------------

const PeeringRef = { network: Text, name: Text };
const Config = Type.Record(Type.String(), Type.String());

export const peerCreateMethod = defineMethod({
  name: 'network.peer.create',
  summary:
    "Declares this network's side of a peering with `target` (NETWORK or PROJECT/NETWORK): pending until the target declares its side, " +
    'created once both have. A target that does not exist (yet) is pending too, with the same reply.',
  params: params({
    ...PeeringRef,
    target: Text,
    description: Type.Optional(Text),
    config: Type.Optional(Config),
    wait: Type.Optional(Type.Boolean({ description: 'Reply once ovn-northd has applied the change to the SB.' })),
    dryRun: DryRun,
  }),
  result: Type.Union([PeeringInfoSchema, DryRunSchema]),
});

export const peerListMethod = defineMethod({
  name: 'network.peer.list',
  summary: "The network's peerings and their status.",
  params: params({ network: Text }),
  result: Type.Array(PeeringInfoSchema),
});

export const peerShowMethod = defineMethod({
  name: 'network.peer.show',
  summary: 'One peering.',
  params: params(PeeringRef),
  result: PeeringInfoSchema,
});

export const peerUpdateMethod = defineMethod({
  name: 'network.peer.update',
  summary:
    'Replaces description and/or config of a peering from its edited form (`peer edit`); any other field that differs from the current value is refused, naming it.',
  params: params({ ...PeeringRef, fields: Type.Record(Type.String(), Type.Unknown()) }),
  result: PeeringInfoSchema,
});

export const peerSetMethod = defineMethod({
  name: 'network.peer.set',
  summary: 'Sets one user.* config key of a peering.',
  params: params({ ...PeeringRef, key: Text, value: Text }),
  result: PeeringInfoSchema,
});

export const peerUnsetMethod = defineMethod({
  name: 'network.peer.unset',
  summary: 'Removes one user.* config key of a peering.',
  params: params({ ...PeeringRef, key: Text }),
  result: PeeringInfoSchema,
});

export const peerGetMethod = defineMethod({
  name: 'network.peer.get',
  summary: 'The value of one user.* config key of a peering (null when unset).',
  params: params({ ...PeeringRef, key: Text }),
  result: Type.Object({ key: Type.String(), value: Type.Union([Type.String(), Type.Null()]) }, strict),
});

export const peerDeleteMethod = defineMethod({
  name: 'network.peer.delete',
  summary: "Deletes this network's side of a peering and both sides' OVN rows; the other side's declaration stays (pending).",
  params: params({ ...PeeringRef, dryRun: DryRun }),
  result: Type.Union([Deleted, DryRunSchema]),
});

export function isDryRun(r: unknown): r is DryRunResult {
  return typeof r === 'object' && r !== null && (r as { dryRun?: unknown }).dryRun === true;
}
