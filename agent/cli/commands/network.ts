// hvnet network create|list|show|delete, and `hvnet network peer …` (network-peer.ts): OVN
// networks of a project, as Incus spells the commands.
import { CLI_METHODS as M, isDryRun } from '../methods.js';
import type { CliCommand, CliGroup } from '../command.js';
import { HvnetError } from '../../api/errors.js';
import { dryRunOutput, message, networkFields, parseKeyValues, str } from './network-output.js';
import { peerGroup } from './network-peer.js';
import { integrationGroup } from './network-integration.js';
import { TOPICS } from './topics.js';
import { writeStdout } from '../std-write.js';

const DRY_RUN = { type: 'boolean', default: false, describe: 'print the planned OVSDB operations, change nothing' } as const;

/** --ipv4/--ipv6 are the config keys ipv4.address/ipv6.address by another name; both given must agree. */
function createConfig(args: Record<string, unknown>): Record<string, string> {
  const config = parseKeyValues(Array.isArray(args.config) ? (args.config as unknown[]) : []);
  for (const [option, key] of [['ipv4', 'ipv4.address'], ['ipv6', 'ipv6.address']] as const) {
    const v = args[option];
    if (typeof v !== 'string') continue;
    if (config[key] !== undefined && config[key] !== v) {
      throw new HvnetError('HVNET_INVALID_ARGUMENT', `--${option} ${JSON.stringify(v)} and ${key}=${config[key]} disagree: give one`, { field: `config.${key}`, value: v });
    }
    config[key] = v;
  }
  return config;
}

const createCommand: CliCommand = {
  command: 'create <name> [config..]',
  describe:
    'create an OVN network: a logical router and switch with the gateway addresses (config ipv4.address, ipv6.address as in Incus; ' +
    'one of them may be none or left out, not both)',
  examples: [
    ['hvnet network create A --ipv4 10.10.1.1/24', 'in the default project'],
    ['hvnet network create B --project p2 ipv4.address=10.20.1.1/24 ipv6.address=fd42:2::1/64', 'dual stack, in project p2, as incus spells it'],
    ['hvnet network create C --ipv6 fd42:3::1/64 --ipv4 none', 'IPv6 only (leaving --ipv4 out is the same)'],
  ],
  builder: (y) =>
    y
      .positional('name', { type: 'string', demandOption: true })
      .positional('config', { type: 'string', array: true, describe: 'ipv4.address=ADDRESS/PREFIX|none ipv6.address=ADDRESS/PREFIX|none (at least one address)' })
      .option('ipv4', { type: 'string', describe: 'config ipv4.address: gateway address with prefix, e.g. 10.10.1.1/24, or none' })
      .option('ipv6', { type: 'string', describe: 'config ipv6.address: gateway address with prefix, e.g. fd42:1::1/64, or none' })
      .option('type', { type: 'string', choices: ['ovn'], describe: 'the network type (hvnet makes OVN networks only)' })
      .option('description', { type: 'string', describe: 'free text' })
      .option('dry-run', DRY_RUN),
  async run(args, ctx) {
    const r = await ctx.client().call(M.networkCreateMethod, {
      name: str(args.name),
      config: createConfig(args),
      ...(typeof args.description === 'string' ? { description: args.description } : {}),
      ...(args.dryRun ? { dryRun: true } : {}),
    });
    if (isDryRun(r)) return dryRunOutput(ctx, r);
    return message(ctx, `Network ${r.name} created`, r, networkFields(r));
  },
};

const listCommand: CliCommand = {
  command: 'list',
  describe: "list the project's networks",
  examples: [['hvnet network list --project p2 --format json', 'for a script']],
  async run(_args, ctx) {
    const r = await ctx.client().call(M.networkListMethod, {});
    return {
      data: r,
      tables: [{ columns: ['NAME', 'IPV4', 'IPV6', 'DESCRIPTION', 'PEERINGS'], rows: r.map((n) => [n.name, n.config['ipv4.address'], n.config['ipv6.address'], n.description, n.peerings]) }],
    };
  },
};

const showCommand: CliCommand = {
  command: 'show <name>',
  describe: 'show a network and the OVN rows it is made of',
  builder: (y) => y.positional('name', { type: 'string', demandOption: true }),
  async run(args, ctx) {
    const r = await ctx.client().call(M.networkShowMethod, { name: str(args.name) });
    return { data: r, tables: [networkFields(r)] };
  },
};

const deleteCommand: CliCommand = {
  command: 'delete <name>',
  describe: 'delete a network (peerings of other networks that target it become pending); refused while its switch holds ports hvnet did not make',
  examples: [['hvnet network delete A --dry-run', 'lists the ports other tools put on its switch, if any']],
  builder: (y) =>
    y
      .positional('name', { type: 'string', demandOption: true })
      .option('force', { type: 'boolean', default: false, describe: 'also delete the ports other tools put on its switch (they are listed)' })
      .option('dry-run', DRY_RUN),
  async run(args, ctx) {
    const name = str(args.name);
    const r = await ctx.client().call(M.networkDeleteMethod, { name, ...(args.force ? { force: true } : {}), ...(args.dryRun ? { dryRun: true } : {}) });
    if (isDryRun(r)) {
      const ports = (r.result as { foreign_ports?: string[] } | undefined)?.foreign_ports ?? [];
      const out = dryRunOutput(ctx, r);
      if (ctx.format === 'table' && ports.length > 0) {
        writeStdout(`Ports hvnet did not make (${args.force ? 'deleted with the switch' : 'the delete is refused without --force'}): ${ports.join(', ')}\n`);
      }
      return out;
    }
    const text = r.foreign_ports.length > 0 ? `Network ${name} deleted, with ports hvnet did not make: ${r.foreign_ports.join(', ')}` : `Network ${name} deleted`;
    const data = { name, deleted: true, foreign_ports: r.foreign_ports };
    return message(ctx, text, data, { columns: ['NAME', 'DELETED', 'FOREIGN PORTS'], rows: [[name, true, r.foreign_ports.join(' ')]] });
  },
};

export const networkGroup: CliGroup = {
  ...TOPICS.network,
  subcommands: [createCommand, listCommand, showCommand, deleteCommand, peerGroup, integrationGroup],
};
