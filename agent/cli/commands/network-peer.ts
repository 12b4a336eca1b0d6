// hvnet network peer create|list|show|edit|set|unset|get|delete, as Incus spells them. A peering
// is declared from each side; it is `Pending` until the target network declares its side and
// `Created` once both have. A target that does not exist answers exactly like one that has not
// declared its side yet: whoever peers cannot probe other projects for network names. Its
// documents (json, yaml, and what `peer edit` reads) are Incus's, so an Incus user's files fit.
import { isDeepStrictEqual } from 'node:util';
import { CLI_METHODS as M, isDryRun } from '../methods.js';
import type { PeeringInfoResult } from '../../api/networks.js';
import type { CliCommand, CliGroup } from '../command.js';
import type { Output } from '../render.js';
import { traceTables } from './peer-trace-output.js';
import { PEER_COLUMNS, dryRunOutput, message, parseKeyValues, peerFields, peerRow, str } from './network-output.js';

const DRY_RUN = { type: 'boolean', default: false, describe: 'print the planned OVSDB operations, change nothing' } as const;

function statusLine(p: PeeringInfoResult): string {
  if (p.status === 'Created') return `Network peer ${p.name} created`;
  if (p.status === 'Pending') return `Network peer ${p.name} pending (complete the mutual peering on the target network)`;
  return `Network peer ${p.name} errored: ${p.reason ?? 'unknown reason'}`;
}

function one(p: PeeringInfoResult): Output {
  return { data: p, tables: [peerFields(p)] };
}

const createCommand: CliCommand = {
  command: 'create <network> <peering> <target> [config..]',
  describe:
    "declare this network's side of a peering with TARGET ([PROJECT/]NETWORK, or with --type=remote a network integration); created once the other side declares its side",
  examples: [
    ['hvnet network peer create A to-b p2/B', 'pending until B (project p2) declares its side'],
    ['hvnet network peer create B to-a default/A --project p2 --wait', 'created; returns once ovn-northd has applied it'],
    ['hvnet network peer create A to-b p2/B user.owner=alice --description "A to B"', 'with a description and user config'],
    ['hvnet network peer create A to-az2 ic1 --type=remote', "through OVN-IC: meets network A of the AZ on the other side of integration ic1"],
  ],
  builder: (y) =>
    y
      .positional('network', { type: 'string', demandOption: true, describe: 'the local network' })
      .positional('peering', { type: 'string', demandOption: true, describe: 'the name of the peering' })
      .positional('target', { type: 'string', demandOption: true, describe: 'NETWORK (same project) or PROJECT/NETWORK; with --type=remote, the integration' })
      .positional('config', { type: 'string', array: true, describe: 'user.KEY=VALUE …' })
      .option('description', { type: 'string', describe: 'free text' })
      .option('type', { type: 'string', choices: ['local', 'remote'], describe: "Incus's peer type: local (default) or remote (through OVN-IC and a network integration)" })
      .option('wait', { type: 'boolean', default: false, describe: 'return once ovn-northd has applied the change (as ovn-nbctl --wait=sb)' })
      .option('dry-run', DRY_RUN),
  async run(args, ctx) {
    const config = parseKeyValues(Array.isArray(args.config) ? (args.config as unknown[]) : []);
    const r = await ctx.client().call(M.peerCreateMethod, {
      network: str(args.network),
      name: str(args.peering),
      target: str(args.target),
      ...(typeof args.type === 'string' ? { type: args.type } : {}),
      ...(Object.keys(config).length > 0 ? { config } : {}),
      ...(typeof args.description === 'string' ? { description: args.description } : {}),
      ...(args.wait ? { wait: true } : {}),
      ...(args.dryRun ? { dryRun: true } : {}),
    });
    if (isDryRun(r)) return dryRunOutput(ctx, r);
    return message(ctx, statusLine(r), r, { columns: PEER_COLUMNS, rows: [peerRow(r)] });
  },
};

const listCommand: CliCommand = {
  command: 'list <network>',
  describe: "list a network's peerings and their status",
  examples: [['hvnet network peer list A --format csv', 'NAME,DESCRIPTION,PEER,STATUS']],
  builder: (y) => y.positional('network', { type: 'string', demandOption: true }),
  async run(args, ctx) {
    const r = await ctx.client().call(M.peerListMethod, { network: str(args.network) });
    return { data: r, tables: [{ columns: PEER_COLUMNS, rows: r.map(peerRow) }] };
  },
};

const showCommand: CliCommand = {
  command: 'show <network> <peering>',
  describe: 'show one peering',
  examples: [['hvnet network peer show A to-b --trace', 'and whether ovn-trace crosses it both ways (needs ovn.sb.remotes)']],
  builder: (y) =>
    y
      .positional('network', { type: 'string', demandOption: true })
      .positional('peering', { type: 'string', demandOption: true })
      .option('trace', {
        type: 'boolean',
        default: false,
        describe: "also ovn-trace an echo from each network to the other's gateway and back: pass or fail with the hops (the exit status stays 0)",
      }),
  async run(args, ctx) {
    const r = await ctx.client().call(M.peerShowMethod, { network: str(args.network), name: str(args.peering), ...(args.trace ? { trace: true } : {}) });
    const { trace, ...doc } = r;
    if (trace === undefined) return one(doc);
    return { data: r, tables: [peerFields(doc), ...traceTables(trace)] };
  },
};

const EDIT_HELP = `### This is a YAML representation of the network peering (Incus's document).
### Only description and config (user.* keys) may be changed; any other field that
### differs from its current value is refused, naming it.
`;

const editCommand: CliCommand = {
  command: 'edit <network> <peering>',
  describe: 'edit description and config of a peering as YAML ($EDITOR on a terminal, else read from stdin)',
  examples: [
    ['hvnet network peer edit A to-b', 'opens $EDITOR'],
    ['hvnet network peer show A to-b --format yaml | sed s/old/new/ | hvnet network peer edit A to-b', 'from a script'],
  ],
  builder: (y) => y.positional('network', { type: 'string', demandOption: true }).positional('peering', { type: 'string', demandOption: true }),
  async run(args, ctx) {
    const ref = { network: str(args.network), name: str(args.peering) };
    const client = ctx.client();
    const current = await client.call(M.peerShowMethod, ref);
    const { editDocument } = await import('../edit-document.js');
    const fields = await editDocument(current, { what: 'peering', show: 'peer show', help: EDIT_HELP });
    if (fields === undefined) return message(ctx, 'Nothing changed', current, peerFields(current));
    // Derived fields sent back as shown are not an edit (the status may have moved meanwhile).
    for (const k of ['status', 'reason', 'used_by', 'warning'] as const) if (isDeepStrictEqual(fields[k], current[k])) delete fields[k];
    const r = await client.call(M.peerUpdateMethod, { ...ref, fields });
    return message(ctx, `Network peer ${r.name} updated`, r, peerFields(r));
  },
};

const setCommand: CliCommand = {
  command: 'set <network> <peering> <key> <value>',
  describe: 'set a user.* config key of a peering',
  examples: [['hvnet network peer set A to-b user.owner alice', '']],
  builder: (y) =>
    y
      .positional('network', { type: 'string', demandOption: true })
      .positional('peering', { type: 'string', demandOption: true })
      .positional('key', { type: 'string', demandOption: true })
      .positional('value', { type: 'string', demandOption: true }),
  async run(args, ctx) {
    const r = await ctx.client().call(M.peerSetMethod, { network: str(args.network), name: str(args.peering), key: str(args.key), value: str(args.value) });
    return message(ctx, `Network peer ${r.name}: ${str(args.key)} set`, r, peerFields(r));
  },
};

const unsetCommand: CliCommand = {
  command: 'unset <network> <peering> <key>',
  describe: 'remove a user.* config key of a peering',
  builder: (y) =>
    y.positional('network', { type: 'string', demandOption: true }).positional('peering', { type: 'string', demandOption: true }).positional('key', { type: 'string', demandOption: true }),
  async run(args, ctx) {
    const r = await ctx.client().call(M.peerUnsetMethod, { network: str(args.network), name: str(args.peering), key: str(args.key) });
    return message(ctx, `Network peer ${r.name}: ${str(args.key)} unset`, r, peerFields(r));
  },
};

const getCommand: CliCommand = {
  command: 'get <network> <peering> <key>',
  describe: 'print the value of a user.* config key of a peering (empty when unset)',
  builder: (y) =>
    y.positional('network', { type: 'string', demandOption: true }).positional('peering', { type: 'string', demandOption: true }).positional('key', { type: 'string', demandOption: true }),
  async run(args, ctx) {
    const r = await ctx.client().call(M.peerGetMethod, { network: str(args.network), name: str(args.peering), key: str(args.key) });
    return message(ctx, r.value ?? '', r, { columns: ['KEY', 'VALUE'], rows: [[r.key, r.value]] });
  },
};

const deleteCommand: CliCommand = {
  command: 'delete <network> <peering>',
  describe: "delete this network's side of a peering (and both sides' OVN rows; the target's declaration stays, pending)",
  builder: (y) =>
    y.positional('network', { type: 'string', demandOption: true }).positional('peering', { type: 'string', demandOption: true }).option('dry-run', DRY_RUN),
  async run(args, ctx) {
    const ref = { network: str(args.network), name: str(args.peering) };
    const r = await ctx.client().call(M.peerDeleteMethod, { ...ref, ...(args.dryRun ? { dryRun: true } : {}) });
    if (isDryRun(r)) return dryRunOutput(ctx, r);
    return message(ctx, `Network peer ${ref.name} deleted`, { ...ref, deleted: true }, { columns: ['NETWORK', 'NAME', 'DELETED'], rows: [[ref.network, ref.name, true]] });
  },
};

export const peerGroup: CliGroup = {
  command: 'peer',
  describe: 'manage network peerings (traffic between two OVN networks stays inside OVN)',
  subcommands: [createCommand, listCommand, showCommand, editCommand, setCommand, unsetCommand, getCommand, deleteCommand],
};
