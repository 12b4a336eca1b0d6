// hvnet project create|list|delete: the projects networks and peerings belong to (Incus
// semantics; `default` always exists). --project on other commands picks one.
import { CLI_METHODS as M, isDryRun } from '../methods.js';
import type { CliCommand, CliGroup } from '../command.js';
import { dryRunOutput, message, projectNetworks, str } from './network-output.js';
import { TOPICS } from './topics.js';

const createCommand: CliCommand = {
  command: 'create <name>',
  describe: 'create a project',
  examples: [['hvnet project create p2 --description "team two"', 'then: hvnet network create B --project p2 --ipv4 10.20.0.1/24']],
  builder: (y) =>
    y
      .positional('name', { type: 'string', demandOption: true })
      .option('description', { type: 'string', describe: 'free text' })
      .option('dry-run', { type: 'boolean', default: false, describe: 'print the planned OVSDB operations, change nothing' }),
  async run(args, ctx) {
    const params = { name: str(args.name), ...(typeof args.description === 'string' ? { description: args.description } : {}), ...(args.dryRun ? { dryRun: true } : {}) };
    const r = await ctx.client().call(M.projectCreateMethod, params);
    if (isDryRun(r)) return dryRunOutput(ctx, r);
    return message(ctx, `Project ${r.name} created`, r, { columns: ['NAME', 'DESCRIPTION', 'NETWORKS'], rows: [[r.name, r.description, projectNetworks(r)]] });
  },
};

const listCommand: CliCommand = {
  command: 'list',
  describe: 'list the projects',
  examples: [['hvnet project list --format csv', 'NAME,DESCRIPTION,NETWORKS']],
  async run(_args, ctx) {
    const r = await ctx.client().call(M.projectListMethod, {});
    return { data: r, tables: [{ columns: ['NAME', 'DESCRIPTION', 'NETWORKS'], rows: r.map((p) => [p.name, p.description, projectNetworks(p)]) }] };
  },
};

const deleteCommand: CliCommand = {
  command: 'delete <name>',
  describe: 'delete an empty project',
  builder: (y) =>
    y.positional('name', { type: 'string', demandOption: true }).option('dry-run', { type: 'boolean', default: false, describe: 'print the planned OVSDB operations, change nothing' }),
  async run(args, ctx) {
    const r = await ctx.client().call(M.projectDeleteMethod, { name: str(args.name), ...(args.dryRun ? { dryRun: true } : {}) });
    if (isDryRun(r)) return dryRunOutput(ctx, r);
    return message(ctx, `Project ${str(args.name)} deleted`, { name: str(args.name), deleted: true }, { columns: ['NAME', 'DELETED'], rows: [[str(args.name), true]] });
  },
};

export const projectGroup: CliGroup = {
  ...TOPICS.project,
  subcommands: [createCommand, listCommand, deleteCommand],
};
