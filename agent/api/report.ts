// The controller report: what hvnetd POSTs to <url>/v1/hosts/<id>/status. report.schema.json is
// generated from this (test/agent/schema-files.test.ts fails when it is stale), so a controller
// written in another language can validate what it receives.
import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import { HostStatusSchema } from './status.js';

/** Bumped on any change a controller must know about; controllers refuse versions they do not know. */
export const REPORT_VERSION = 1;

export const ReportReasonSchema = Type.Union([
  Type.Literal('start'),
  Type.Literal('change'),
  Type.Literal('heartbeat'),
  Type.Literal('shutdown'),
]);
export type ReportReason = Static<typeof ReportReasonSchema>;

export const ReportSchema = Type.Object(
  {
    version: Type.Literal(REPORT_VERSION),
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
    status: HostStatusSchema,
  },
  { additionalProperties: false, $id: 'https://hvnet.invalid/schema/report.json', title: 'hvnet controller report' },
);
export type Report = Static<typeof ReportSchema>;

/** What the controller answers to a report. */
export const ReportAckSchema = Type.Object({
  accepted: Type.Boolean(),
  duplicate: Type.Boolean(),
});
export type ReportAck = Static<typeof ReportAckSchema>;
