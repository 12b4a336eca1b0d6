// hvnet status: the host's verdict and everything it rests on.
import type { Static } from '@sinclair/typebox';
import type { statusMethod } from '../../api/methods.js';
import { CLI_METHODS as M } from '../methods.js';
import type { CliCommand } from '../command.js';
import type { Table } from '../render.js';
import { TOPICS } from './topics.js';

type StatusResult = Static<typeof statusMethod.result>;

export const statusCommand: CliCommand = {
  ...TOPICS.status,
  examples: [
    ['hvnet status', 'the host, its connections and what it requires'],
    ['hvnet status --format json', 'the same for a script'],
  ],
  async run(_args, ctx) {
    const r = await ctx.client().call(M.statusMethod, {});
    return { data: r, tables: statusTables(r) };
  },
};

/**
 * The table form: the host and what it rests on, peerings as counts by status and the first
 * problems (the status itself carries no more: a hub has thousands; the list stays behind
 * `network peer list`).
 */
export function statusTables(r: StatusResult): Table[] {
  const s = r.status;
  const nb = s.ovn.nb;
  const rep = r.reporting;
  const summary: Table = {
    columns: ['FIELD', 'VALUE'],
    rows: [
      ['host', s.host.id],
      ['state', s.state],
      ['since', s.since],
      ['ovn nb', `${nb.state}${nb.remote ? ` (${nb.remote})` : ''}`],
      ...(nb.lastError ? [['ovn nb error', nb.lastError]] : []),
      ['libvirt', `${s.libvirt.state} (${s.libvirt.uri})`],
      [
        'reports',
        rep.enabled
          ? `sequence ${rep.lastSequence}, ${rep.pending} pending, ${rep.dropped} dropped${rep.lastError ? `, last error: ${rep.lastError}` : ''}`
          : 'off (no controller configured)',
      ],
      ['hvnetd', `${r.daemon.version}, pid ${r.daemon.pid}, up since ${r.daemon.startedAt}`],
    ],
  };
  const tables: Table[] = [summary];
  if (s.reasons.length > 0) tables.push({ title: 'Why not operational:', columns: ['CODE', 'SUBJECT', 'MESSAGE'], rows: s.reasons.map((x) => [x.code, x.subject, x.message]) });
  if (s.links.length > 0) {
    tables.push({
      title: 'Required links:',
      columns: ['NAME', 'PRESENT', 'UP', 'OPERSTATE', 'MTU', 'MIN MTU', 'OK'],
      rows: s.links.map((l) => [l.name, l.present, l.up, l.operstate, l.mtu, l.minMtu, l.ok]),
    });
  }
  if (s.networks.length > 0) {
    tables.push({ title: 'Required networks:', columns: ['NAME', 'PRESENT', 'KIND', 'OK'], rows: s.networks.map((n) => [n.name, n.present, n.kind, n.ok]) });
  }
  const p = s.peerings;
  if (p.total > 0) {
    tables.push({
      title: 'Peerings (the list: hvnet network peer list NETWORK, or --format json of it):',
      columns: ['TOTAL', 'CREATED', 'PENDING', 'ERRORED', 'NETWORKS'],
      rows: [[p.total, p.created, p.pending, p.errored, p.networks]],
    });
    if (p.problems.length > 0) {
      const rows: Table['rows'] = p.problems.map((x) => [x.project, x.network, x.name, `${x.target_project}/${x.target_network}`, x.status]);
      const more = p.errored + p.pending - p.problems.length;
      if (more > 0) rows.push([`… ${more} more`, '', '', '', '']);
      tables.push({ title: 'Peerings not Created (why: hvnet network peer show NETWORK NAME):', columns: ['PROJECT', 'NETWORK', 'NAME', 'PEER', 'STATUS'], rows });
    }
  }
  if (s.events && s.events.length > 0) tables.push({ title: 'Recent events:', columns: ['AT', 'CODE', 'SUBJECT', 'MESSAGE'], rows: s.events.map((e) => [e.at, e.code, e.subject, e.message]) });
  if (s.libvirt.message !== undefined) tables.push({ title: 'libvirt:', columns: ['MESSAGE'], rows: [[s.libvirt.message]] });
  if (s.nics.length > 0) {
    tables.push({ title: 'NICs:', columns: ['DOMAIN', 'MAC', 'SOURCE', 'MODE', 'STATE', 'DUPLICATE'], rows: s.nics.map((n) => [n.vm, n.mac, n.link, n.mode, n.state, n.duplicate === true]) });
  }
  return tables;
}
