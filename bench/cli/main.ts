// bench/cli: what one `hvnet` call costs as a whole process, the way an operator's shell loop pays
// for it, against bare `node -e 0` (the floor any Node CLI starts from) and ovn-nbctl. The daemon
// runs: a standalone NB of its own (testbed fixtures, no northd) and an hvnetd on it, with one hub
// network peered both ways with a few spokes. Five commands, each its own process:
//   node -e 0                           the floor
//   hvnet version                       the CLI alone (no daemon call)
//   hvnet network peer list hub         the CLI, one socket call, a table
//   ovn-nbctl --version                 ovn-nbctl alone
//   ovn-nbctl get ... -- lrp-list ...   ovn-nbctl reading the rows the peer list stands for (the
//                                       hub router's peering declarations and its peer ports)
// Every command runs once untimed (so each starts from the same warm page cache), then the rounds
// run them in an order rotated by one each round. Wall time is from spawn to exit as the parent
// sees it; medians, and the ratios to bare node with a bootstrap spread (bench/nic/ratio.ts).
// Every output is checked, every round: the version printed, every peering in the table with its
// target and Created, every declaration and peer port in ovn-nbctl's answer.
//
//   node dist/bench/cli/main.js [--runs 30]       HVNET_BENCH_SMOKE=1: 3 runs
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { startOvn } from '../../testbed/ovn.js';
import { waitFor } from '../../testbed/exec.js';
import { testRun } from '../../testbed/test-run.js';
import { runBench } from '../common/run-bench.js';
import { READY, startBenchHvnetd } from '../common/bench-hvnetd.js';
import { networkCreateMethod, peerCreateMethod, peerListMethod } from '../../agent/api/networks.js';
import { VERSION } from '../../agent/version.js';
import { rowNames } from '../../lib/ovn/ids.js';
import { formatRatio, ratioSpread } from '../nic/ratio.js';

const smoke = process.env.HVNET_BENCH_SMOKE === '1';
const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const HVNET = join(REPO, 'dist/agent/hvnet-cli.cjs');
const TARGET = 1.3;
const SPOKES = 4;

function runs(): number {
  const i = process.argv.indexOf('--runs');
  const v = i >= 0 ? Number(process.argv[i + 1]) : smoke ? 3 : 30;
  if (!Number.isInteger(v) || v < 1) throw new Error('--runs needs a whole number >= 1');
  return v;
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[m] ?? NaN) : ((s[m - 1] ?? NaN) + (s[m] ?? NaN)) / 2;
};
const load = (): string => readFileSync('/proc/loadavg', 'utf8').trim();
const kb = (file: string): string => `${Math.round(statSync(file).size / 1024)} KB`;

interface Tool {
  label: string;
  argv: readonly string[];
  /** Throws when the output is not what the command must print. */
  check(stdout: string): void;
  times: number[];
}

function expect(ok: boolean, tool: string, what: string, stdout: string): void {
  if (!ok) throw new Error(`${tool}: ${what}; it printed:\n${stdout.slice(0, 2000)}`);
}

/** One whole process, timed from spawn to exit; a non-zero exit or wrong output fails the run. */
function once(t: Tool): number {
  const [cmd, ...args] = t.argv;
  const t0 = performance.now();
  const r = spawnSync(cmd ?? '', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 });
  const ms = performance.now() - t0;
  if (r.error || r.status !== 0) throw new Error(`${t.label}: exit ${String(r.status)} ${r.error?.message ?? ''}\n${r.stderr}`);
  t.check(r.stdout);
  return ms;
}

async function main(): Promise<void> {
  const n = runs();
  const ovn = await startOvn({ northd: false });
  const dir = testRun.tempDir('bench-cli');
  const { client, socket } = await startBenchHvnetd(dir, { ovn: { nb: { remotes: ovn.nb.unix } }, libvirt: { enabled: false } }, READY.nb);

  const hub = await client.call(networkCreateMethod, { name: 'hub', config: { 'ipv4.address': '10.30.0.1/24' } });
  if (!('router' in hub)) throw new Error('network.create hub: a dry run came back');
  const spokeIds: number[] = [];
  for (let i = 1; i <= SPOKES; i++) {
    const s = await client.call(networkCreateMethod, { name: `s${i}`, config: { 'ipv4.address': `10.30.${i}.1/24` } });
    if (!('id' in s)) throw new Error(`network.create s${i}: a dry run came back`);
    spokeIds.push(s.id);
    await client.call(peerCreateMethod, { network: 'hub', name: `to-s${i}`, target: `s${i}` });
    await client.call(peerCreateMethod, { network: `s${i}`, name: 'to-hub', target: 'hub' });
  }
  await waitFor(
    'every hub peering Created',
    async () => ((await client.call(peerListMethod, { network: 'hub' })).filter((p) => p.status === 'Created').length === SPOKES ? true : undefined),
    20_000,
    50,
  );
  const router = rowNames.router(hub.id);

  const tools: Tool[] = [
    {
      label: 'node -e 0',
      argv: [process.execPath, '-e', '0'],
      check: (out) => expect(out === '', 'node -e 0', 'printed something', out),
      times: [],
    },
    {
      label: 'hvnet version',
      argv: [process.execPath, HVNET, 'version'],
      check: (out) => expect(out === `${VERSION}\n`, 'hvnet version', `not ${VERSION}`, out),
      times: [],
    },
    {
      label: 'hvnet network peer list hub',
      argv: [process.execPath, HVNET, '--socket', socket, 'network', 'peer', 'list', 'hub'],
      check: (out) => {
        for (let i = 1; i <= SPOKES; i++) {
          const row = new RegExp(`^\\| to-s${i} +\\| +\\| default/s${i} +\\| Created +\\|$`, 'm');
          expect(row.test(out), 'hvnet network peer list hub', `no row for to-s${i} -> default/s${i}, Created`, out);
        }
        expect(out.split('\n').filter((l) => l.startsWith('| to-')).length === SPOKES, 'hvnet network peer list hub', `not ${SPOKES} peerings`, out);
      },
      times: [],
    },
    {
      label: 'ovn-nbctl --version',
      argv: ['ovn-nbctl', '--version'],
      check: (out) => expect(out.startsWith('ovn-nbctl'), 'ovn-nbctl --version', 'no version line', out),
      times: [],
    },
    {
      label: 'ovn-nbctl get external_ids -- lrp-list',
      argv: ['ovn-nbctl', `--db=${ovn.nb.unix}`, '--timeout=20', 'get', 'Logical_Router', router, 'external_ids', '--', 'lrp-list', router],
      check: (out) => {
        for (let i = 1; i <= SPOKES; i++) {
          const port = rowNames.peerPort(hub.id, spokeIds[i - 1] ?? 0);
          expect(out.includes(`"hvnet:peering:to-s${i}"=`), 'ovn-nbctl get', `no declaration to-s${i}`, out);
          expect(out.includes(`(${port})`), 'ovn-nbctl lrp-list', `no peer port ${port}`, out);
        }
      },
      times: [],
    },
  ];

  console.log(`# bench/cli: whole processes, ${n} runs each, order rotated each round, every output checked${smoke ? ' (smoke)' : ''}`);
  console.log(
    `# node ${process.version}; hvnet = node ${HVNET} (bundle ${kb(join(REPO, 'dist/agent/hvnet-cli.bundle.cjs'))}, code cache ${kb(join(REPO, 'dist/agent/hvnet-cli.bundle.cjs.cache'))}; ` +
      'the yaml and TypeBox scripts beside it are loaded by neither command)',
  );
  console.log(`# hvnetd on a standalone NB (no northd), hub network with ${SPOKES} peerings, Created both ways; each command run once untimed first`);
  console.log(`# load at the start: ${load()}`);
  for (const t of tools) once(t);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < tools.length; k++) {
      const t = tools[(i + k) % tools.length] as Tool;
      t.times.push(once(t));
    }
  }
  // The daemon's share of a peer list: the same call from this (warm) process.
  const call: number[] = [];
  for (let i = 0; i < Math.max(n, 10); i++) {
    const t0 = performance.now();
    await client.call(peerListMethod, { network: 'hub' });
    call.push(performance.now() - t0);
  }

  const bare = tools[0] as Tool;
  // The fastest runs are the least disturbed by the machine's other work: their ratio is printed
  // beside the medians' (the figure the target is about) for a busy machine.
  console.log('| command | wall median | min | max | vs node -e 0 (medians) | vs node -e 0 (fastest runs) |');
  console.log('|---|---:|---:|---:|---|---:|');
  for (const t of tools) {
    const target = t.label.startsWith('hvnet ') ? TARGET : undefined;
    const r = ratioSpread(t.times, bare.times);
    const ratio = t === bare ? '1.00×' : target === undefined ? `${r.ratio.toFixed(2)}× (95 % ${r.low.toFixed(2)}–${r.high.toFixed(2)})` : formatRatio(r, target);
    const fastest = (Math.min(...t.times) / Math.min(...bare.times)).toFixed(2);
    console.log(`| \`${t.label}\` | ${median(t.times).toFixed(1)} ms | ${Math.min(...t.times).toFixed(1)} ms | ${Math.max(...t.times).toFixed(1)} ms | ${ratio} | ${fastest}× |`);
  }
  const [, version, list, nbctlVersion, nbctlRows] = tools as [Tool, Tool, Tool, Tool, Tool];
  console.log(`hvnet version / ovn-nbctl --version: ${(median(version.times) / median(nbctlVersion.times)).toFixed(1)}×`);
  console.log(`hvnet network peer list / ovn-nbctl reading the same rows: ${(median(list.times) / median(nbctlRows.times)).toFixed(1)}×`);
  console.log(`network.peer.list over the socket from a warm process (the daemon's share): ${median(call).toFixed(2)} ms median`);
  console.log(`hvnet's own start-up (version - node -e 0): ${(median(version.times) - median(bare.times)).toFixed(1)} ms`);
  console.log(`# load at the end: ${load()}`);
}

await runBench('bench/cli', main);
