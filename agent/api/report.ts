// The controller report: what hvnetd POSTs to <url>/v1/hosts/<id>/status. report.schema.json is
// generated from this (test/agent/schema-files.test.ts fails when it is stale), so a controller
// written in another language can validate what it receives.
import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import { HostStatusSchema, PeeringSummarySchema, PeeringSummaryV1Schema } from './status.js';
import type { PeeringSummary, PeeringSummaryV1 } from './status.js';
import { peeringCounts } from './peering-counts.js';
import { PeeringDigest } from './peering-digest.js';

/**
 * Bumped on any change a controller must know about; controllers refuse versions they do not know.
 * 2: peerings with Incus's names and values (target_project, target_network, type, status Created…).
 * 3: the status carries peering counts; the peerings travel beside it as the full set or as the
 *    change since the previous report, with a digest of the whole set; the heartbeat interval.
 * Upgrade controllers first: one that knows only older versions refuses a newer one for good
 * (422), and hvnetd drops a report refused for good.
 */
export const REPORT_VERSION = 3;

export const ReportReasonSchema = Type.Union([
  Type.Literal('start'),
  Type.Literal('change'),
  Type.Literal('heartbeat'),
  Type.Literal('shutdown'),
  Type.Literal('resync'),
]);
export type ReportReason = Static<typeof ReportReasonSchema>;

const reportFields = {
  host: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' }),
  stream: Type.String({
    minLength: 1,
    maxLength: 64,
    description: "Identifies the host's sequence: a new one starts when the agent's state directory is new, so sequence numbers restart from 1.",
  }),
  sequence: Type.Integer({
    minimum: 1,
    description: 'Increases by one per report of a stream. A controller that has seen a (host, stream, sequence) ignores it: spooled reports may be sent twice.',
  }),
  createdAt: Type.String({ format: 'date-time', description: 'When the report was made (it may be delivered much later).' }),
  reason: ReportReasonSchema,
  dropped: Type.Integer({ minimum: 0, description: 'Reports this stream dropped so far (spool full or refused by the controller); their sequence numbers are missing.' }),
};

const strict = { additionalProperties: false } as const;
const Digest = Type.String({ pattern: '^[0-9a-f]{32}$', description: 'agent/api/peering-digest.ts: XOR of a hash per peering, over the whole set.' });

export const PeeringKeySchema = Type.Object({ project: Type.String(), network: Type.String(), name: Type.String() }, strict);
export type PeeringKey = Static<typeof PeeringKeySchema>;

/** Every peering of the host: on start, and when the controller asked for it (resync). */
export const PeeringsFullSchema = Type.Object(
  { kind: Type.Literal('full'), digest: Digest, items: Type.Array(PeeringSummarySchema) },
  strict,
);

/**
 * What changed since the report of sequence `base` (the previous one of the stream): the peerings
 * added or changed, and the keys of those removed. It applies only on top of `base`; a controller
 * that does not hold `base` (a report was dropped) or whose digest then differs answers
 * `resync: true`, and the host sends the full set next.
 */
export const PeeringsDeltaSchema = Type.Object(
  {
    kind: Type.Literal('delta'),
    digest: Digest,
    base: Type.Integer({ minimum: 1 }),
    changed: Type.Array(PeeringSummarySchema),
    removed: Type.Array(PeeringKeySchema),
  },
  strict,
);

export const ReportPeeringsSchema = Type.Union([PeeringsFullSchema, PeeringsDeltaSchema]);
export type ReportPeerings = Static<typeof ReportPeeringsSchema>;

export const ReportSchema = Type.Object(
  {
    version: Type.Literal(REPORT_VERSION),
    ...reportFields,
    intervalSeconds: Type.Integer({ minimum: 1, description: 'The heartbeat interval: the controller calls the host unreachable after 3 of them without a report.' }),
    status: HostStatusSchema,
    peerings: ReportPeeringsSchema,
  },
  { additionalProperties: false, $id: 'https://hvnet.invalid/schema/report.json', title: 'hvnet controller report' },
);
export type Report = Static<typeof ReportSchema>;

/** A report as the controller keeps it: the full peering set (deltas applied or converted). */
export type FullReport = Report & { peerings: Static<typeof PeeringsFullSchema> };

/** The heartbeat interval assumed for versions that did not carry it (hvnetd's default). */
export const DEFAULT_INTERVAL_SECONDS = 30;

/** Version 2: the whole status, with every peering in it, in every report. */
export const ReportV2Schema = Type.Object(
  {
    version: Type.Literal(2),
    ...reportFields,
    status: Type.Object({ ...HostStatusSchema.properties, peerings: Type.Array(PeeringSummarySchema) }, strict),
  },
  { additionalProperties: false, $id: 'https://hvnet.invalid/schema/report-v2.json', title: 'hvnet controller report, version 2' },
);
export type ReportV2 = Static<typeof ReportV2Schema>;

/**
 * A version 1 report, which hosts not yet upgraded send and spools made before the upgrade hold:
 * controllers accept it during the change and convert it on receipt (reportFromV1). Its peering
 * status was a free string in the schema but only ever pending, created or errored: anything else
 * cannot be converted and is refused.
 */
export const ReportV1Schema = Type.Object(
  {
    version: Type.Literal(1),
    ...reportFields,
    status: Type.Object(
      {
        ...HostStatusSchema.properties,
        peerings: Type.Array(
          Type.Object(
            { ...PeeringSummaryV1Schema.properties, status: Type.Union([Type.Literal('pending'), Type.Literal('created'), Type.Literal('errored')]) },
            { additionalProperties: false },
          ),
        ),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false, $id: 'https://hvnet.invalid/schema/report-v1.json', title: 'hvnet controller report, version 1' },
);
export type ReportV1 = Static<typeof ReportV1Schema>;

const V1_STATUS = { pending: 'Pending', created: 'Created', errored: 'Errored' } as const;

function peeringFromV1(p: PeeringSummaryV1 & { status: keyof typeof V1_STATUS }): PeeringSummary {
  // v1 wrote the target as PROJECT/NETWORK; names cannot hold a slash.
  const slash = p.target.indexOf('/');
  const [targetProject, targetNetwork] = slash < 0 ? [p.project, p.target] : [p.target.slice(0, slash), p.target.slice(slash + 1)];
  return { project: p.project, network: p.network, name: p.name, target_project: targetProject, target_network: targetNetwork, type: 'local', status: V1_STATUS[p.status] };
}

/** The current version's form of a version 2 report: its peerings become the full set. */
export function reportFromV2(r: ReportV2): FullReport {
  const items = r.status.peerings;
  return {
    ...r,
    version: REPORT_VERSION,
    intervalSeconds: DEFAULT_INTERVAL_SECONDS,
    status: { ...r.status, peerings: peeringCounts(items) },
    peerings: { kind: 'full', digest: PeeringDigest.of(items).hex, items },
  };
}

/** The current version's form of a version 1 report (through version 2: the peerings are all that changed). */
export function reportFromV1(r: ReportV1): FullReport {
  return reportFromV2({ ...r, version: 2, status: { ...r.status, peerings: r.status.peerings.map(peeringFromV1) } });
}

/** What the controller answers to a report. */
export const ReportAckSchema = Type.Object({
  accepted: Type.Boolean(),
  duplicate: Type.Boolean(),
  resync: Type.Optional(Type.Boolean({ description: 'The controller could not apply the peering delta: send the full set next.' })),
});
export type ReportAck = Static<typeof ReportAckSchema>;
