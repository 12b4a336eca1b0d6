// hvnet nic attach|detach|list|pool: NICs of libvirt domains (macvtap on a host device, a tap on a
// host Linux bridge), through hvnetd.
import { HvnetError } from '../../api/errors.js';
import type { nicAttachMethod } from '../../api/nics.js';
import { CLI_METHODS as M } from '../methods.js';
import type { VirtualPortParams } from '../../api/nics.js';
import type { ParamsOf } from '../../api/methods.js';
import { MACVTAP_MODES } from '../../../lib/domxml/types.js';
import type { CliCommand, CliGroup } from '../command.js';
import type { Cell } from '../render.js';
import { TOPICS } from './topics.js';
import { writeStderr, writeStdout } from '../std-write.js';

const QBG_NUMBERS = ['managerid', 'typeid', 'typeidversion'];
/** Each names a kind of NIC: exactly one is given. */
const KIND_OPTIONS = ['source', 'network', 'bridge'] as const;
const MACVTAP_ONLY = ['mode', 'virtualport'] as const;
const NETWORK_ONLY = ['ipv4', 'ipv6'] as const;
const VP_KEYS: Record<VirtualPortParams['type'], readonly string[]> = {
  '802.1Qbg': ['managerid', 'typeid', 'typeidversion', 'instanceid'],
  '802.1Qbh': ['profileid'],
};

/** `802.1Qbg managerid=11 typeid=1193047 …` / `802.1Qbh profileid=finance` → the method's virtualport. */
export function parseVirtualPort(words: readonly string[]): VirtualPortParams {
  const usage = (why: string): HvnetError =>
    new HvnetError(
      'HVNET_INVALID_ARGUMENT',
      `--virtualport ${words.join(' ')}: ${why} (expected '802.1Qbg managerid=N typeid=N typeidversion=N [instanceid=UUID]' or '802.1Qbh profileid=NAME')`,
    );
  const [type, ...pairs] = words;
  if (type !== '802.1Qbg' && type !== '802.1Qbh') throw usage(`unknown type ${JSON.stringify(type ?? '')}`);
  const vp: VirtualPortParams = { type };
  const fields = vp as Record<string, unknown>;
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw usage(`${JSON.stringify(pair)} is not KEY=VALUE`);
    const key = pair.slice(0, eq);
    const value = pair.slice(eq + 1);
    if (!VP_KEYS[type].includes(key)) throw usage(`${type} has no parameter ${key} (it has ${VP_KEYS[type].join(', ')})`);
    if (key in fields) throw usage(`${key} given twice`);
    if (QBG_NUMBERS.includes(key)) {
      const n = /^0x[0-9a-fA-F]+$/.test(value) ? parseInt(value.slice(2), 16) : /^[0-9]+$/.test(value) ? Number(value) : NaN;
      if (!Number.isSafeInteger(n)) throw usage(`${key}=${value} is not an integer`);
      fields[key] = n;
    } else {
      fields[key] = value;
    }
  }
  return vp;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function bool(v: unknown): boolean | undefined {
  return typeof v === 'boolean' ? v : undefined;
}

const attachCommand: CliCommand = {
  command: 'attach <domain>',
  describe:
    'attach a NIC to a domain: a macvtap on a host device (--source, vepa mode unless --mode says otherwise) or a tap on a host Linux bridge (--bridge); live and persistent when it runs, persistent when it is stopped',
  examples: [
    ['hvnet nic attach vm1 --source eth1', 'a vepa-mode macvtap on eth1 (the default mode), MAC from the pool'],
    ['hvnet nic attach vm1 --source eth1 --mode bridge', 'a bridge-mode macvtap: guests on eth1 reach each other without the switch'],
    ['hvnet nic attach vm1 --source eth1.100 --virtualport 802.1Qbg managerid=11 typeid=1193047 typeidversion=2 --config', '802.1Qbg (VEPA), persistent only'],
    ['hvnet nic attach vm1 --source enic0 --mode private --virtualport 802.1Qbh profileid=finance', 'an 802.1Qbh port profile'],
    ['hvnet nic attach vm1 --source eth1 --dry-run', 'print the device XML (vepa), change nothing'],
    ['hvnet nic attach vm1 --bridge ovirtmgmt', 'a tap on the Linux bridge ovirtmgmt (an RHV VM network)'],
  ],
  builder: (y) =>
    y
      .positional('domain', { type: 'string', describe: 'libvirt domain name', demandOption: true })
      .option('source', { type: 'string', describe: 'host device the macvtap sits on (a macvtap NIC)' })
      .option('bridge', { type: 'string', describe: 'host Linux bridge the tap joins (it must exist and be up)' })
      .option('network', { type: 'string', describe: 'hvnet OVN network the NIC joins (in --project, default "default")' })
      .option('ipv4', { type: 'string', describe: 'with --network: auto (default), none, or a free address of the network' })
      .option('ipv6', { type: 'string', choices: ['auto', 'none'], describe: 'with --network: auto (SLAAC, the default) or none' })
      .option('mode', { type: 'string', choices: MACVTAP_MODES, describe: 'macvtap mode (default vepa; --source only)' })
      .option('model', { type: 'string', describe: 'NIC model (default virtio)' })
      .option('mac', { type: 'string', describe: 'MAC address (default: the next free one of the pool)' })
      .option('virtualport', {
        type: 'string',
        array: true,
        describe: "'802.1Qbg managerid=N typeid=N typeidversion=N [instanceid=UUID]' or '802.1Qbh profileid=NAME' (--source only)",
      })
      .option('live', { type: 'boolean', describe: 'attach to the running domain' })
      .option('config', { type: 'boolean', describe: 'add to the persistent definition' })
      .option('dry-run', { type: 'boolean', describe: 'print the device XML and change nothing' })
      .check((a) => {
        const given = KIND_OPTIONS.filter((o) => a[o] !== undefined);
        if (given.length !== 1) throw new Error(`give exactly one of ${KIND_OPTIONS.map((o) => `--${o}`).join(', ')} (got ${given.length === 0 ? 'none' : given.map((o) => `--${o}`).join(' and ')})`);
        for (const o of MACVTAP_ONLY) if (a[o] !== undefined && a.source === undefined) throw new Error(`--${o} goes only with --source (a macvtap NIC)`);
        for (const o of NETWORK_ONLY) if (a[o] !== undefined && a.network === undefined) throw new Error(`--${o} goes only with --network (a NIC on an OVN network)`);
        return true;
      }),
  async run(args, ctx) {
    const vpWords = Array.isArray(args.virtualport) ? args.virtualport.map(String) : undefined;
    const params: Omit<ParamsOf<typeof nicAttachMethod>, 'project'> = { domain: String(args.domain) };
    const source = str(args.source);
    if (source !== undefined) params.source = source;
    const bridge = str(args.bridge);
    if (bridge !== undefined) params.bridge = bridge;
    const network = str(args.network);
    if (network !== undefined) params.network = network;
    const ipv4 = str(args.ipv4);
    if (ipv4 !== undefined) params.ipv4 = ipv4;
    const ipv6 = str(args.ipv6);
    if (ipv6 !== undefined) params.ipv6 = ipv6;
    const mode = str(args.mode);
    if (mode !== undefined) params.mode = mode;
    const model = str(args.model);
    if (model !== undefined) params.model = model;
    const mac = str(args.mac);
    if (mac !== undefined) params.mac = mac;
    if (vpWords !== undefined) params.virtualport = parseVirtualPort(vpWords);
    const live = bool(args.live);
    if (live !== undefined) params.live = live;
    const config = bool(args.config);
    if (config !== undefined) params.config = config;
    const dryRun = bool(args['dry-run']);
    if (dryRun !== undefined) params.dryRun = dryRun;
    const r = await ctx.client().call(M.nicAttachMethod, params);
    if (r.dryRun && ctx.format === 'table') {
      for (const w of r.warnings) writeStderr(`hvnet: warning: ${w}\n`);
      if (r.nbOperations !== undefined) writeStdout(`# OVN NB transaction\n${JSON.stringify(r.nbOperations, null, 2)}\n# libvirt device XML\n`);
      writeStdout(r.xml.endsWith('\n') ? r.xml : `${r.xml}\n`);
      return undefined;
    }
    for (const w of r.warnings) writeStderr(`hvnet: warning: ${w}\n`);
    const rows: Cell[][] = [
      ['domain', r.domain],
      ['kind', r.kind],
      ['mac', r.mac],
      ['alias', r.alias],
    ];
    if (r.source !== undefined) rows.push(['source', r.source], ['mode', r.mode]);
    if (r.network !== undefined) rows.push(['network', r.network], ['port', r.port], ['addresses', (r.addresses ?? []).join(' ')]);
    if (r.bridge !== undefined) rows.push(['bridge', r.bridge]);
    rows.push(
      ['model', r.model],
      ['live', r.live],
      ['config', r.config],
    );
    if (r.target !== undefined) rows.push(['target', r.target]);
    if (r.dryRun) rows.push(['dry run', true], ['xml', r.xml]);
    for (const w of r.warnings) rows.push(['warning', w]);
    return { data: r, tables: [{ columns: ['FIELD', 'VALUE'], rows }] };
  },
};

const detachCommand: CliCommand = {
  command: 'detach <domain> <nic>',
  describe: 'detach a NIC (by MAC or alias): from the running domain, waiting until the guest released it, and from the persistent definition',
  examples: [
    ['hvnet nic detach vm1 02:68:6e:00:00:01', 'by MAC'],
    ['hvnet nic detach vm1 ua-hvnet-026876000001 --timeout 30', 'by alias, giving the guest 30 s'],
  ],
  builder: (y) =>
    y
      .positional('domain', { type: 'string', describe: 'libvirt domain name', demandOption: true })
      .positional('nic', { type: 'string', describe: 'MAC address or alias', demandOption: true })
      .option('timeout', { type: 'number', describe: 'seconds the guest gets to release the NIC (default 10)' }),
  async run(args, ctx) {
    const params: { domain: string; nic: string; timeoutMs?: number } = { domain: String(args.domain), nic: String(args.nic) };
    if (typeof args.timeout === 'number') {
      if (!(args.timeout >= 0.1 && args.timeout <= 120)) throw new HvnetError('HVNET_INVALID_ARGUMENT', `--timeout ${args.timeout}: allowed 0.1 to 120 seconds`);
      params.timeoutMs = Math.round(args.timeout * 1_000);
    }
    const r = await ctx.client().call(M.nicDetachMethod, params);
    const rows: Cell[][] = [
      ['domain', r.domain],
      ['mac', r.mac],
      ['alias', r.alias],
      ['live', r.live],
      ['config', r.config],
    ];
    if (r.releasedMs !== undefined) rows.push(['released after', `${r.releasedMs} ms`]);
    if (r.port !== undefined) rows.push(['port', r.port], ['freed', (r.freed ?? []).join(' ')]);
    if (r.staleOvsPorts !== undefined) rows.push(['stale OVS ports removed', r.staleOvsPorts.join(' ')]);
    return { data: r, tables: [{ columns: ['FIELD', 'VALUE'], rows }] };
  },
};

const listCommand: CliCommand = {
  command: 'list [domain]',
  describe: 'list the NICs (macvtap, bridge) of every domain (or of one): live, persistent, or both; SOURCE is the host device or bridge; HVNET says whether hvnet made it',
  examples: [
    ['hvnet nic list', 'every NIC of every domain'],
    ['hvnet nic list vm1 --format json', 'one domain, for a script'],
  ],
  builder: (y) => y.positional('domain', { type: 'string', describe: 'only this domain' }),
  async run(args, ctx) {
    const domain = str(args.domain);
    const r = await ctx.client().call(M.nicListMethod, domain === undefined ? {} : { domain });
    return {
      data: r.nics,
      tables: [
        {
          columns: ['DOMAIN', 'MAC', 'KIND', 'SOURCE', 'MODE', 'MODEL', 'VIRTUALPORT', 'TARGET', 'ADDRESSES', 'STATE', 'HVNET'],
          rows: r.nics.map((n) => [n.domain, n.mac, n.kind, n.network ?? n.source ?? n.bridge, n.mode, n.model, n.virtualport, n.target, n.addresses?.join(' '), n.state, n.managed ? 'yes' : 'no']),
        },
      ],
    };
  },
};

const poolCommand: CliCommand = {
  command: 'pool',
  describe: "show the MAC pool: its range, hvnet's allocations in it, the other MACs of the domains, and duplicates found on this host",
  examples: [['hvnet nic pool', 'range, allocations, foreign MACs, duplicates']],
  async run(_args, ctx) {
    const r = await ctx.client().call(M.nicPoolMethod, {});
    const tables = [
      {
        columns: ['RANGE', 'ALLOCATED', 'FOREIGN', 'DUPLICATES', 'DUPLICATES SEEN'],
        rows: [[r.range, r.allocations.length, r.foreign.length, r.duplicates.length, r.duplicatesSeen]] as Cell[][],
      },
      {
        title: "hvnet's allocations:",
        columns: ['MAC', 'DOMAIN', 'ALIAS', 'NOTE'],
        rows: r.allocations.map((a) => [a.mac, a.domain, a.alias, a.pending ? 'reserved: outcome of an attach unknown, or an orphan macvtap' : undefined] as Cell[]),
      },
    ];
    if (r.foreign.length > 0) {
      tables.push({
        title: 'Foreign MACs (not hvnet allocations in the range; never handed out):',
        columns: ['MAC', 'DOMAIN', 'ALIAS', 'NOTE'],
        rows: r.foreign.map((f) => [f.mac, f.domain, f.alias, f.reason === 'outside-range' ? 'made by hvnet, outside the range' : 'not made by hvnet'] as Cell[]),
      });
    }
    if (r.duplicates.length > 0) tables.push({ title: 'Duplicate MACs:', columns: ['MAC', 'HOLDERS'], rows: r.duplicates.map((d) => [d.mac, d.holders.join(', ')] as Cell[]) });
    return { data: r, tables };
  },
};

export const nicGroup: CliGroup = {
  ...TOPICS.nic,
  subcommands: [attachCommand, detachCommand, listCommand, poolCommand],
};
