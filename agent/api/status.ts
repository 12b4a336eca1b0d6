// The host's status as hvnetd sees it: what `hvnet status` shows and what every controller report
// carries. Nothing here changes by itself with time (no uptime, no counters of traffic), so two
// equal statuses mean nothing happened and a report is only sent for a real change.
import { FormatRegistry, Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';

// TypeBox checks no format it was not told about; controllers validate reports with these schemas.
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
if (!FormatRegistry.Has('date-time')) FormatRegistry.Set('date-time', (v) => ISO_UTC.test(v) && !Number.isNaN(Date.parse(v)));

const strict = { additionalProperties: false } as const;
const Timestamp = Type.String({ format: 'date-time', description: 'ISO 8601, UTC.' });

export const HealthReasonSchema = Type.Object(
  {
    code: Type.String({ description: 'Stable: nb-disconnected, nb-not-synced, link-missing, link-down, link-mtu, network-missing, network-unknown, …' }),
    subject: Type.String({ description: 'What it is about: a link, a network, the NB.' }),
    message: Type.String(),
  },
  strict,
);
export type HealthReason = Static<typeof HealthReasonSchema>;

export const NbStatusSchema = Type.Object(
  {
    state: Type.Union([Type.Literal('connected'), Type.Literal('connecting'), Type.Literal('disconnected')]),
    remotes: Type.String({ description: 'The configured remote list.' }),
    remote: Type.Optional(Type.String({ description: 'The server in use.' })),
    synced: Type.Boolean({ description: 'The cache holds a full copy of the monitored tables.' }),
    since: Timestamp,
    lastError: Type.Optional(Type.String()),
    reconnects: Type.Integer({ minimum: 0 }),
  },
  strict,
);
export type NbStatus = Static<typeof NbStatusSchema>;

export const LibvirtStatusSchema = Type.Object(
  {
    // 'none': configured without libvirt (a network-only node, libvirt.enabled false).
    state: Type.Union([Type.Literal('not yet managed'), Type.Literal('none'), Type.Literal('connected'), Type.Literal('disconnected')]),
    uri: Type.String(),
    message: Type.Optional(Type.String()),
    inventory: Type.Optional(
      Type.Union([Type.Literal('loading'), Type.Literal('loaded')], {
        description:
          "Whether `nics` is the host's NIC list as read from libvirt ('loaded') or not read yet since hvnetd started ('loading': " +
          '`nics` is empty, not because the host has none). Absent on a network-only node and in reports of older agents.',
      }),
    ),
  },
  strict,
);

export const LinkStatusSchema = Type.Object(
  {
    name: Type.String(),
    present: Type.Boolean(),
    up: Type.Boolean(),
    operstate: Type.Optional(Type.String()),
    mtu: Type.Optional(Type.Integer()),
    minMtu: Type.Optional(Type.Integer()),
    ok: Type.Boolean(),
  },
  strict,
);
export type LinkStatus = Static<typeof LinkStatusSchema>;

export const NetworkStatusSchema = Type.Object(
  {
    name: Type.String(),
    /** undefined while the NB cache cannot be trusted (never synced). */
    present: Type.Union([Type.Boolean(), Type.Literal('unknown')]),
    kind: Type.Optional(Type.String({ description: 'What provides it, e.g. Logical_Switch.' })),
    ok: Type.Boolean(),
  },
  strict,
);
export type NetworkStatus = Static<typeof NetworkStatusSchema>;

/**
 * Filled by the peering feature; the shape is what the controller's fleet page shows. Incus's
 * names and values for what a peering has (target_project, target_network, type, status), as in
 * `network peer show`.
 */
export const PeeringSummarySchema = Type.Object(
  {
    project: Type.String(),
    network: Type.String(),
    name: Type.String(),
    target_project: Type.String(),
    target_network: Type.String(),
    type: Type.Union([Type.Literal('local'), Type.Literal('remote')]),
    status: Type.Union([Type.Literal('Pending'), Type.Literal('Created'), Type.Literal('Errored')]),
  },
  strict,
);
export type PeeringSummary = Static<typeof PeeringSummarySchema>;

/** A peering in a version 1 report: what hvnetd sent before the shapes became Incus's. */
export const PeeringSummaryV1Schema = Type.Object(
  {
    project: Type.String(),
    network: Type.String(),
    name: Type.String(),
    target: Type.String({ description: 'PROJECT/NETWORK the peering targets.' }),
    status: Type.String({ description: 'pending, created or errored.' }),
  },
  strict,
);
export type PeeringSummaryV1 = Static<typeof PeeringSummaryV1Schema>;

/** Something hvnetd did on its own that an operator should see, e.g. a drift repair (code `drift-repaired`). */
export const HostEventSchema = Type.Object(
  {
    at: Timestamp,
    code: Type.String(),
    subject: Type.String(),
    message: Type.String(),
  },
  strict,
);
export type HostEvent = Static<typeof HostEventSchema>;

/** Filled by the NIC feature; MACs are what the controller checks for duplicates across hosts. */
export const NicSummarySchema = Type.Object(
  {
    vm: Type.String(),
    mac: Type.String(),
    kind: Type.Optional(Type.String({ description: 'How the NIC reaches the wire: direct (macvtap on a host device), bridge (a Linux bridge of the host), network (a port of an hvnet OVN network); absent: direct.' })),
    link: Type.Optional(Type.String({ description: 'The host device of a direct NIC, or the bridge of a bridge NIC.' })),
    network: Type.Optional(Type.String({ description: 'The network of a network NIC: PROJECT/NETWORK.' })),
    addresses: Type.Optional(Type.Array(Type.String(), { description: "A network NIC's addresses (its logical switch port's IPv4 and IPv6)." })),
    mode: Type.Optional(Type.String()),
    state: Type.Optional(Type.String()),
    duplicate: Type.Optional(Type.Boolean({ description: 'The MAC is on another NIC of this host too.' })),
  },
  strict,
);

/** At most this many problem peerings travel in the status; the rest are counted. */
export const MAX_PROBLEM_PEERINGS = 20;

/**
 * The peerings of the status: counts and the problems, never the whole list, so `status` costs the
 * same at 10 peerings and at 5,000 (the list: `network.peer.list`; the controller gets it through
 * report deltas, agent/api/report.ts).
 */
export const PeeringCountsSchema = Type.Object(
  {
    total: Type.Integer({ minimum: 0 }),
    created: Type.Integer({ minimum: 0 }),
    pending: Type.Integer({ minimum: 0 }),
    errored: Type.Integer({ minimum: 0 }),
    networks: Type.Integer({ minimum: 0, description: 'Networks with at least one peering.' }),
    problems: Type.Array(PeeringSummarySchema, { maxItems: MAX_PROBLEM_PEERINGS, description: `Errored peerings first, then Pending ones; at most ${MAX_PROBLEM_PEERINGS}.` }),
  },
  strict,
);
export type PeeringCounts = Static<typeof PeeringCountsSchema>;

export const NO_PEERINGS: PeeringCounts = { total: 0, created: 0, pending: 0, errored: 0, networks: 0, problems: [] };

export const HostStateSchema = Type.Union([Type.Literal('operational'), Type.Literal('non-operational')]);
export type HostState = Static<typeof HostStateSchema>;

export const HostStatusSchema = Type.Object(
  {
    host: Type.Object({ id: Type.String(), hostname: Type.String() }, strict),
    state: HostStateSchema,
    since: Timestamp,
    reasons: Type.Array(HealthReasonSchema),
    ovn: Type.Object({ nb: NbStatusSchema }, strict),
    libvirt: LibvirtStatusSchema,
    links: Type.Array(LinkStatusSchema),
    networks: Type.Array(NetworkStatusSchema),
    peerings: PeeringCountsSchema,
    nics: Type.Array(NicSummarySchema),
    events: Type.Optional(Type.Array(HostEventSchema, { description: 'Recent events, newest last (at most 20).' })),
    agent: Type.Object({ version: Type.String(), startedAt: Timestamp }, strict),
  },
  strict,
);
export type HostStatus = Static<typeof HostStatusSchema>;
