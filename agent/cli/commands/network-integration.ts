// hvnet network integration create|list|show|edit|set|unset|get|delete, as Incus spells them: how
// this OVN deployment reaches an OVN interconnection, for remote peerings
// (`hvnet network peer create NET PEER INTEGRATION --type=remote`). TLS settings are paths of
// files hvnetd reads, not PEM.
import { isDeepStrictEqual } from 'node:util';
import { CLI_METHODS as M } from '../methods.js';
import type { IntegrationInfoResult } from '../../api/integrations.js';
import type { CliCommand, CliGroup } from '../command.js';
import type { Table } from '../render.js';
import { message, parseKeyValues, str } from './network-output.js';

const COLUMNS = ['NAME', 'DESCRIPTION', 'TYPE', 'USED BY'];

function row(i: IntegrationInfoResult): (string | number)[] {
  return [i.name, i.description, i.type, i.used_by.length];
}

function fields(i: IntegrationInfoResult): Table {
  const rows: [string, string][] = [
    ['name', i.name],
    ['description', i.description],
    ['type', i.type],
    ...Object.entries(i.config).map(([k, v]): [string, string] => [`config.${k}`, v]),
    ['used_by', i.used_by.join(' ')],
  ];
  return { columns: ['FIELD', 'VALUE'], rows };
}

const name = (y: Parameters<NonNullable<CliCommand['builder']>>[0]) => y.positional('integration', { type: 'string', demandOption: true, describe: 'the integration' });

const createCommand: CliCommand = {
  command: 'create <integration> <type> [config..]',
  describe: 'create a network integration (type ovn): the OVN-IC databases remote peerings go through',
  examples: [
    ['hvnet network integration create ic1 ovn ovn.northbound_connection=tcp:10.0.0.1:6645 ovn.southbound_connection=tcp:10.0.0.1:6646', 'plain TCP'],
    [
      'hvnet network integration create ic1 ovn ovn.northbound_connection=ssl:10.0.0.1:6645 ovn.ca_cert=/etc/hvnet/ic/ca.pem ovn.client_cert=/etc/hvnet/ic/cert.pem ovn.client_key=/etc/hvnet/ic/key.pem',
      'TLS: paths of files hvnetd can read',
    ],
  ],
  builder: (y) =>
    name(y)
      .positional('type', { type: 'string', demandOption: true, describe: 'ovn' })
      .positional('config', { type: 'string', array: true, describe: 'KEY=VALUE …' })
      .option('description', { type: 'string', describe: 'free text' }),
  async run(args, ctx) {
    const config = parseKeyValues(Array.isArray(args.config) ? (args.config as unknown[]) : []);
    const r = await ctx.client().call(M.integrationCreateMethod, {
      name: str(args.integration),
      type: str(args.type),
      ...(Object.keys(config).length > 0 ? { config } : {}),
      ...(typeof args.description === 'string' ? { description: args.description } : {}),
    });
    return message(ctx, `Network integration ${r.name} created`, r, { columns: COLUMNS, rows: [row(r)] });
  },
};

const listCommand: CliCommand = {
  command: 'list',
  describe: 'list the network integrations',
  async run(_args, ctx) {
    const r = await ctx.client().call(M.integrationListMethod, {});
    return { data: r, tables: [{ columns: COLUMNS, rows: r.map(row) }] };
  },
};

const showCommand: CliCommand = {
  command: 'show <integration>',
  describe: 'show one network integration',
  builder: name,
  async run(args, ctx) {
    const r = await ctx.client().call(M.integrationShowMethod, { name: str(args.integration) });
    return { data: r, tables: [fields(r)] };
  },
};

const EDIT_HELP = `### This is a YAML representation of the network integration (Incus's document).
### Only description and config may be changed; TLS keys take paths of files hvnetd reads.
`;

const editCommand: CliCommand = {
  command: 'edit <integration>',
  describe: 'edit description and config of a network integration as YAML ($EDITOR on a terminal, else read from stdin)',
  builder: name,
  async run(args, ctx) {
    const ref = { name: str(args.integration) };
    const client = ctx.client();
    const current = await client.call(M.integrationShowMethod, ref);
    const { editDocument } = await import('../edit-document.js');
    const edited = await editDocument(current, { what: 'integration', show: 'integration show', help: EDIT_HELP });
    if (edited === undefined) return message(ctx, 'Nothing changed', current, fields(current));
    if (isDeepStrictEqual(edited.used_by, current.used_by)) delete edited.used_by;
    const r = await client.call(M.integrationUpdateMethod, { ...ref, fields: edited });
    return message(ctx, `Network integration ${r.name} updated`, r, fields(r));
  },
};

const setCommand: CliCommand = {
  command: 'set <integration> <key> <value>',
  describe: 'set a config key of a network integration',
  examples: [['hvnet network integration set ic1 ovn.transit.pattern "ts-{{ projectName }}-{{ networkName }}"', '']],
  builder: (y) => name(y).positional('key', { type: 'string', demandOption: true }).positional('value', { type: 'string', demandOption: true }),
  async run(args, ctx) {
    const r = await ctx.client().call(M.integrationSetMethod, { name: str(args.integration), key: str(args.key), value: str(args.value) });
    return message(ctx, `Network integration ${r.name}: ${str(args.key)} set`, r, fields(r));
  },
};

const unsetCommand: CliCommand = {
  command: 'unset <integration> <key>',
  describe: 'remove a config key of a network integration',
  builder: (y) => name(y).positional('key', { type: 'string', demandOption: true }),
  async run(args, ctx) {
    const r = await ctx.client().call(M.integrationUnsetMethod, { name: str(args.integration), key: str(args.key) });
    return message(ctx, `Network integration ${r.name}: ${str(args.key)} unset`, r, fields(r));
  },
};

const getCommand: CliCommand = {
  command: 'get <integration> <key>',
  describe: 'print the value of a config key of a network integration (empty when unset)',
  builder: (y) => name(y).positional('key', { type: 'string', demandOption: true }),
  async run(args, ctx) {
    const r = await ctx.client().call(M.integrationGetMethod, { name: str(args.integration), key: str(args.key) });
    return message(ctx, r.value ?? '', r, { columns: ['KEY', 'VALUE'], rows: [[r.key, r.value]] });
  },
};

const deleteCommand: CliCommand = {
  command: 'delete <integration>',
  describe: 'delete a network integration (refused while remote peerings use it)',
  builder: name,
  async run(args, ctx) {
    const n = str(args.integration);
    await ctx.client().call(M.integrationDeleteMethod, { name: n });
    return message(ctx, `Network integration ${n} deleted`, { name: n, deleted: true }, { columns: ['NAME', 'DELETED'], rows: [[n, true]] });
  },
};

export const integrationGroup: CliGroup = {
  command: 'integration',
  describe: 'manage network integrations (OVN-IC, for remote peerings)',
  subcommands: [createCommand, listCommand, showCommand, editCommand, setCommand, unsetCommand, getCommand, deleteCommand],
};
