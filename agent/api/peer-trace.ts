// `network.peer.show` with `trace: true`: the peering's document plus hvnet's `trace` field, what
// ovn-trace says of the peering in the SB (snake_case would apply to any field of more than one
// word; these have one). Incus has no such field, so `peer edit` never sees it: the plain `peer
// show` document is what an edit starts from.
import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';

const strict = { additionalProperties: false } as const;

export const TraceHopSchema = Type.Object(
  {
    stage: Type.Union([Type.Literal('ingress'), Type.Literal('egress')]),
    datapath: Type.String({ description: 'The logical router or switch.' }),
    inport: Type.String(),
    outport: Type.Optional(Type.String({ description: 'egress only: the port the packet leaves through.' })),
  },
  strict,
);
export type TraceHop = Static<typeof TraceHopSchema>;

export const TraceDirectionSchema = Type.Object(
  {
    family: Type.Union([Type.Literal(4), Type.Literal(6)]),
    from: Type.String({ description: 'PROJECT/NETWORK the echo starts in (a made-up host of its subnet).' }),
    to: Type.String({ description: 'PROJECT/NETWORK whose gateway address is pinged; its router answers.' }),
    verdict: Type.Union([Type.Literal('pass'), Type.Literal('fail')]),
    reason: Type.Optional(Type.String({ description: 'fail: the first crossing that did not happen.' })),
    hops: Type.Array(TraceHopSchema, { description: 'The pipeline stages crossed, in order, as ovn-trace names them.' }),
  },
  strict,
);
export type TraceDirection = Static<typeof TraceDirectionSchema>;

export const PeeringTraceSchema = Type.Object(
  {
    verdict: Type.Union([Type.Literal('pass'), Type.Literal('fail'), Type.Literal('unavailable')], {
      description: 'pass: every direction passes; unavailable: no trace could be run (see reason).',
    }),
    reason: Type.Optional(Type.String()),
    code: Type.Optional(Type.String({ description: 'unavailable because ovn-trace failed: the error code (HVNET_OVN_UNAVAILABLE, HVNET_TIMEOUT).' })),
    directions: Type.Array(TraceDirectionSchema),
  },
  strict,
);
export type PeeringTrace = Static<typeof PeeringTraceSchema>;
