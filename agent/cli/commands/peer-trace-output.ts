// `peer show --trace` in table and csv form: the verdict of each direction, then the hops each
// crossed. json and yaml print the `trace` field of the document as it is.
import type { PeeringTrace } from '../../api/peer-trace.js';
import type { Table } from '../render.js';

export function traceTables(t: PeeringTrace): Table[] {
  const title = `Trace: ${t.verdict}${t.reason === undefined ? '' : ` (${t.reason})`}`;
  const directions: Table = {
    title,
    columns: ['FROM', 'TO', 'FAMILY', 'VERDICT', 'REASON'],
    rows: t.directions.map((d) => [d.from, d.to, `IPv${d.family}`, d.verdict, d.reason ?? '']),
  };
  if (t.directions.length === 0) return [directions];
  const hops: Table = {
    title: 'Hops',
    columns: ['FROM', 'FAMILY', 'STEP', 'STAGE', 'DATAPATH', 'INPORT', 'OUTPORT'],
    rows: t.directions.flatMap((d) => d.hops.map((h, i) => [d.from, `IPv${d.family}`, i + 1, h.stage, h.datapath, h.inport, h.outport ?? ''])),
  };
  return [directions, hops];
}
