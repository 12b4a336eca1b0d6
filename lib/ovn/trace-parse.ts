// Reading ovn-trace's detailed output (its default form): each pipeline stage a packet goes
// through is a header line at column 0, `ingress(dp="…", inport="…")` or
// `egress(dp="…", inport="…", outport="…")`, followed by the logical flows it matched, indented.
// The headers are the hops; the flows are not needed to tell where the packet went.
import type { ExpectedHop, TraceProbe } from './trace-plan.js';

export interface TraceHop {
  stage: 'ingress' | 'egress';
  datapath: string;
  inport: string;
  /** egress only. */
  outport?: string;
}

export interface TraceVerdict {
  verdict: 'pass' | 'fail';
  /** fail only: the first crossing that did not happen and where the packet was last seen. */
  reason?: string;
  hops: TraceHop[];
}

const HEADER = /^(ingress|egress)\(dp="([^"]*)", inport="([^"]*)"(?:, outport="([^"]*)")?\)$/;

/** Thrown when the text is not a trace (ovn-trace printed an error instead, e.g. an unknown datapath). */
export class NotATraceError extends Error {}

export function parseTraceHops(text: string): TraceHop[] {
  const lines = text.split('\n');
  // A trace starts with the microflow as OpenFlow prints it, as a comment.
  const first = lines.find((l) => l.trim() !== '');
  if (first === undefined || !first.startsWith('# ')) throw new NotATraceError((first ?? 'no output').trim());
  const hops: TraceHop[] = [];
  for (const line of lines) {
    const m = HEADER.exec(line);
    if (!m) continue;
    const [, stage, datapath = '', inport = '', outport] = m;
    hops.push({ stage: stage === 'ingress' ? 'ingress' : 'egress', datapath, inport, ...(outport === undefined ? {} : { outport }) });
  }
  return hops;
}

function matches(h: TraceHop, e: ExpectedHop): boolean {
  return h.stage === e.stage && h.datapath === e.datapath && (e.stage === 'ingress' ? h.inport : h.outport) === e.port;
}

/** Pass when the hops include every expected crossing, in order. */
export function judgeTrace(probe: Pick<TraceProbe, 'expect'>, hops: TraceHop[]): TraceVerdict {
  let i = 0;
  for (const e of probe.expect) {
    while (i < hops.length && !matches(hops[i] as TraceHop, e)) i++;
    if (i === hops.length) {
      const last = hops.at(-1);
      const where = last ? `it was last seen in ${last.datapath} (${last.stage} ${last.outport ?? last.inport})` : 'the trace has no hop';
      return { verdict: 'fail', reason: `the packet did not ${e.meaning}: ${where}`, hops };
    }
    i++;
  }
  return { verdict: 'pass', hops };
}
