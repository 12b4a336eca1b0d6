// The socket methods of projects, networks and peerings (Incus semantics, kept in the OVN NB by
// lib/ovn): their params and results, which the daemon registers and the CLI calls. Names and
// targets are plain strings here on purpose: lib/ovn checks them and says which field is wrong
// and what it accepts, which a pattern in the schema could not.
import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import { defineMethod, params } from './methods.js';
import { PeeringTraceSchema } from './peer-trace.js';

const strict = { additionalProperties: false } as const;
const Text = Type.String({ maxLength: 4096 });
const DryRun = Type.Optional(Type.Boolean({ description: 'Plan only: return the OVSDB operations, change nothing.' }));

// Documents (results, and what `peer edit` reads back) have the shapes of Incus's API types
// (shared/api project.go, network.go, network_peer.go): the same field names and values, so an
// Incus user's scripts and edit files carry over. Fields hvnet adds have snake_case names of
// their own and come after Incus's, which are in the order of Incus's Go types.

const Config = Type.Record(Type.String(), Type.String());
const UsedBy = Type.Array(Type.String(), { description: 'URLs of what uses it, as Incus lists them (`?project=P` outside the default project).' });

export const ProjectInfoSchema = Type.Object(
  {
    config: Config,
    description: Type.String(),
    name: Type.String(),
    used_by: UsedBy,
  },
  strict,
);
export type ProjectInfoResult = Static<typeof ProjectInfoSchema>;

/** Incus's network config keys hvnet stores: the gateway addresses (`none`: not that family; at least one is set). */
export const NETWORK_CONFIG_KEYS = ['ipv4.address', 'ipv6.address'] as const;

export const NetworkInfoSchema = Type.Object(
  {
    config: Config,
    description: Type.String(),
    name: Type.String(),
    type: Type.Literal('ovn'),
    used_by: UsedBy,
    managed: Type.Literal(true),
    status: Type.Literal('Created'),
    locations: Type.Array(Type.String(), { description: 'Empty: an hvnet network lives in the OVN NB, not on cluster members.' }),
    project: Type.String(),
    id: Type.Integer({ description: "hvnet's id of the network; its OVN rows are named from it." }),
    mac: Type.String(),
    router: Type.String({ description: 'The Logical_Router row.' }),
    switch: Type.String({ description: 'The Logical_Switch row.' }),
    peerings: Type.Integer({ minimum: 0 }),
  },
  strict,
);
export type NetworkInfoResult = Static<typeof NetworkInfoSchema>;

/** Incus's api.NetworkStatus* values a peering can have. */
export const PeeringStatusSchema = Type.Union([Type.Literal('Pending'), Type.Literal('Created'), Type.Literal('Errored')]);

export const PeeringInfoSchema = Type.Object(
  {
    description: Type.String(),
    config: Config,
    name: Type.String(),
    target_project: Type.String(),
    target_network: Type.String(),
    status: PeeringStatusSchema,
    used_by: UsedBy,
    type: Type.Union([Type.Literal('local'), Type.Literal('remote')], {
      description: 'Incus\'s peer type: `local` peers two networks of the same OVN NB; `remote` (through OVN-IC) is not served by this version.',
    }),
    target_integration: Type.Optional(Type.String({ description: 'Incus omits it when empty, as it always is for a local peering.' })),
    reason: Type.Optional(Type.String({ description: 'Why an errored peering is not active, or a pending remote one has no route yet.' })),
    warning: Type.Optional(
      Type.String({ description: "What keeps a remote peering from being served as it should right now (an IC database unreachable, an operator's route option); clears by itself." }),
    ),
  },
  strict,
);
export type PeeringInfoResult = Static<typeof PeeringInfoSchema>;

/** `peer show`: the document, and with `trace` hvnet's trace of the peering (agent/api/peer-trace.ts). */
export const PeeringShowSchema = Type.Object({ ...PeeringInfoSchema.properties, trace: Type.Optional(PeeringTraceSchema) }, strict);
export type PeeringShowResult = Static<typeof PeeringShowSchema>;

/** The fields of a peering's document `peer edit` may change (Incus's NetworkPeerPut). */
export const PEERING_WRITABLE_FIELDS = ['description', 'config'] as const;

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
  summary: 'Every project, with the networks it holds in `used_by`.',
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
  summary:
    'Creates an OVN network (router, switch, gateway addresses) in the project. As Incus: `config` holds ipv4.address and/or ipv6.address; ' +
    'one of them may be left out or `none` (a network of one family), not both.',
  params: params({
    name: Text,
    type: Type.Optional(Type.Literal('ovn')),
    description: Type.Optional(Text),
    config: Type.Record(Type.String(), Text),
    dryRun: DryRun,
  }),
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

const ForeignPorts = Type.Array(Type.String(), { description: 'Ports on the switch that hvnet did not make (other tools put them there).' });

export const networkDeleteMethod = defineMethod({
  name: 'network.delete',
  summary:
    'Deletes a network; peerings of other networks that target it become pending. Refused (HVNET_OVN_NETWORK_HAS_FOREIGN_PORTS, naming them) ' +
    'while its switch holds ports hvnet did not make, unless `force`; a dry run lists them in `result.foreign_ports`.',
  params: params({
    name: Text,
    force: Type.Optional(Type.Boolean({ description: 'Delete the ports other tools put on the switch along with it.' })),
    dryRun: DryRun,
  }),
  result: Type.Union([Type.Object({ deleted: Type.Literal(true), foreign_ports: ForeignPorts }, strict), DryRunSchema]),
});

// Peerings ---------------------------------------------------------------------------------------

const PeeringRef = { network: Text, name: Text };

export const peerCreateMethod = defineMethod({
  name: 'network.peer.create',
  summary:
    "Declares this network's side of a peering with `target` (NETWORK or PROJECT/NETWORK): pending until the target declares its side, " +
    'created once both have. A target that does not exist (yet) is pending too, with the same reply.',
  params: params({
    ...PeeringRef,
    target: Text,
    type: Type.Optional(Type.String({ maxLength: 64, description: "Incus's peer type; `local` (the default) is the one served." })),
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
  summary:
    'One peering. With `trace`, also ovn-trace of an echo from each network to the other gateway and back, ' +
    'through the SB of ovn.sb.remotes: pass or fail with the hops, or unavailable saying why.',
  params: params({ ...PeeringRef, trace: Type.Optional(Type.Boolean({ description: 'Trace the peering through the SB (ovn-trace).' })) }),
  result: PeeringShowSchema,
});

export const peerUpdateMethod = defineMethod({
  name: 'network.peer.update',
  summary:
    'Replaces description and/or config of a peering from its edited document (`peer edit`, the shape of `peer show`); any other field that differs from the current value is refused, naming it.',
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
