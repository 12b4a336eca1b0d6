// What the project, network and peer commands share: how a dry run is shown, the one-line
// messages of table output (as Incus words them), and reading `key=value` arguments.
import type { Static } from '@sinclair/typebox';
import { HvnetError } from '../../api/errors.js';
import type { DryRunResult, NetworkInfoSchema, PeeringInfoResult } from '../../api/networks.js';
import type { CliContext } from '../command.js';
import type { Output, Table } from '../render.js';

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
    process.stdout.write(`${lines.join('\n')}\n`);
    return undefined;
  }
  return { data: r, tables: [{ columns: ['#', 'OP', 'TABLE', 'DETAIL'], rows }] };
}

/** Table format prints a sentence; the other formats the data. */
export function message(ctx: CliContext, text: string, data: unknown, table: Table): Output | undefined {
  if (ctx.format === 'table') {
    process.stdout.write(`${text}\n`);
    return undefined;
  }
  return { data, tables: [table] };
}

export function peerTarget(p: PeeringInfoResult): string {
  return `${p.targetProject}/${p.targetNetwork}`;
}

export const PEER_COLUMNS = ['NAME', 'DESCRIPTION', 'PEER', 'STATUS'];

export function peerRow(p: PeeringInfoResult): (string | undefined)[] {
  return [p.name, p.description, peerTarget(p), p.status];
}

export function peerFields(p: PeeringInfoResult): Table {
  const rows: [string, string][] = [
    ['project', p.project],
    ['network', p.network],
    ['name', p.name],
    ['description', p.description],
    ['target', peerTarget(p)],
    ['status', p.status],
    ...(p.reason === undefined ? [] : ([['reason', p.reason]] as [string, string][])),
    ...Object.entries(p.config).map(([k, v]): [string, string] => [`config.${k}`, v]),
  ];
  return { columns: ['FIELD', 'VALUE'], rows };
}

export function networkFields(n: Static<typeof NetworkInfoSchema>): Table {
  return {
    columns: ['FIELD', 'VALUE'],
    rows: [
      ['project', n.project],
      ['name', n.name],
      ['description', n.description],
      ['ipv4', n.ipv4],
      ['ipv6', n.ipv6 ?? ''],
      ['id', n.id],
      ['mac', n.mac],
      ['router', n.router],
      ['switch', n.switch],
      ['peerings', n.peerings],
    ],
  };
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
