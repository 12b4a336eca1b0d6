// What the project, network and peer commands share: how a dry run is shown, the one-line
// messages of table output (as Incus words them), and reading `key=value` arguments.
import { HvnetError } from '../../api/errors.js';
import type { DryRunResult, NetworkInfoResult, PeeringInfoResult, ProjectInfoResult } from '../../api/networks.js';
import type { CliContext } from '../command.js';
import type { Output, Table } from '../render.js';
import { writeStdout } from '../std-write.js';

/** A dry run: the planned transaction (guards first) as one JSON operation per line, or the data. */
export function dryRunOutput(ctx: CliContext, r: DryRunResult): Output | undefined {
  const rows = r.operations.map((op, i) => {
    const { op: name, table, ...rest } = op as { op?: string; table?: string };
    return [i + 1, name ?? '', table ?? '', JSON.stringify(rest)];
  });
  const head =
    r.operations.length === 0
      ? 'Dry run: nothing was changed. The NB already is as requested: no transaction.'
      : `Dry run: nothing was changed. Planned transaction (${r.operations.length} operations, guards first):`;
  if (ctx.format === 'table') {
    const lines = [head, ...r.operations.map((op, i) => `  ${i + 1}. ${JSON.stringify(op)}`)];
    if (r.changes.length > 0) lines.push('Peer rows:', ...r.changes.map((c) => `  ${c.action} ${c.table} ${c.what}`));
    writeStdout(`${lines.join('\n')}\n`);
    return undefined;
  }
  return { data: r, tables: [{ columns: ['#', 'OP', 'TABLE', 'DETAIL'], rows }] };
}

/** Table format prints a sentence; the other formats the data. */
export function message(ctx: CliContext, text: string, data: unknown, table: Table): Output | undefined {
  if (ctx.format === 'table') {
    writeStdout(`${text}\n`);
    return undefined;
  }
  return { data, tables: [table] };
}

export function peerTarget(p: PeeringInfoResult): string {
  return `${p.target_project}/${p.target_network}`;
}

export const PEER_COLUMNS = ['NAME', 'DESCRIPTION', 'PEER', 'STATUS'];

export function peerRow(p: PeeringInfoResult): (string | undefined)[] {
  return [p.name, p.description, peerTarget(p), p.status];
}

/** A document as FIELD,VALUE rows under its own field names (config keys as `config.KEY`, lists joined). */
function fieldRows(doc: object): Table {
  const rows: [string, string | number | boolean][] = [];
  for (const [k, v] of Object.entries(doc) as [string, unknown][]) {
    if (k === 'config') rows.push(...Object.entries(v as Record<string, string>).map(([ck, cv]): [string, string] => [`config.${ck}`, cv]));
    else if (Array.isArray(v)) rows.push([k, v.join(' ')]);
    else if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') rows.push([k, v]);
  }
  return { columns: ['FIELD', 'VALUE'], rows };
}

export function peerFields(p: PeeringInfoResult): Table {
  return fieldRows(p);
}

export function networkFields(n: NetworkInfoResult): Table {
  return fieldRows(n);
}

/** The networks of a project: what its `used_by` lists under /1.0/networks/. */
export function projectNetworks(p: ProjectInfoResult): number {
  return p.used_by.filter((u) => u.startsWith('/1.0/networks/')).length;
}

/** `user.key=value` arguments into a map; anything without `=` is a usage error naming it. */
export function parseKeyValues(items: readonly unknown[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of items) {
    const text = String(item);
    const eq = text.indexOf('=');
    if (eq <= 0) throw new HvnetError('HVNET_INVALID_ARGUMENT', `config ${JSON.stringify(text)}: expected KEY=VALUE (e.g. user.owner=alice)`, { field: 'config', value: text });
    out[text.slice(0, eq)] = text.slice(eq + 1);
  }
  return out;
}

/** A positional argument as given (yargs would make `123` a number). */
export function str(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';
}
