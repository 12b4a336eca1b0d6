// Peering through the real hvnet CLI and a real hvnetd on a standalone NB + SB + ovn-northd:
// both sides → created (and the dataplane crosses), every --format, cross-project peers, a
// target that does not exist answering exactly like one that has not declared its side, bad input
// refused (exit 1) naming the field with the NB untouched, --dry-run, --wait, and drift repaired by
// the daemon with the repair in `hvnet status`. The documents are Incus's: `peer show --format
// yaml` equals a fixture written from Incus's api.NetworkPeer, and `peer edit` reads such a document.
import { isDeepStrictEqual } from 'node:util';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import { startOvn } from '../../testbed/ovn.js';
import type { OvnHandle } from '../../testbed/ovn.js';
import { waitFor } from '../../testbed/exec.js';
import { addInstance, nbDump, sbBinding, traceReaches } from '../ovn/helpers.js';
import { rowNames } from '../../lib/ovn/ids.js';
import type { NetworkInfo } from '../../lib/ovn/network-plan.js';
import type { NetworkInfoResult, PeeringInfoResult } from '../../agent/api/networks.js';
import type { HostStatus } from '../../agent/api/status.js';
import type { RunningHvnetd } from '../agent/harness.js';
import { hv, hvOk, startNetworksHvnetd } from './helpers.js';

// Fixtures stay in the source tree; tests run from dist/test/agent-ovn.
const FIXTURES = fileURLToPath(new URL('../../../test/agent-ovn/fixtures/', import.meta.url));
const fixture = (name: string): Record<string, unknown> => parseYaml(readFileSync(`${FIXTURES}${name}`, 'utf8')) as Record<string, unknown>;

/** Type names as a YAML reader sees them: an empty list and a list of strings are both `array`. */
const kind = (v: unknown): string => (Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v);

describe('agent-ovn: peering through the hvnet CLI', function () {
  this.timeout(60_000);
  let ovn: OvnHandle;
  let d: RunningHvnetd;
  let sock: string;
  const ok = (args: readonly string[], input?: string): Promise<string> => hvOk(sock, args, input === undefined ? {} : { input });
  // The helpers of test/ovn take lib/ovn's view of a network.
  const show = async (name: string, project = 'default'): Promise<NetworkInfo> => {
    const n = JSON.parse(await ok(['network', 'show', name, '--project', project, '--format', 'json'])) as NetworkInfoResult;
    const ipv6 = n.config['ipv6.address'];
    return { project: n.project, name: n.name, description: n.description, ipv4: n.config['ipv4.address'] ?? '', ipv6: ipv6 === 'none' || ipv6 === undefined ? null : ipv6, id: n.id, mac: n.mac, router: n.router, switch: n.switch, peerings: n.peerings };
  };

  before(async () => {
    ovn = await startOvn();
    d = await startNetworksHvnetd(ovn);
    sock = d.setup.socket;
    await ok(['project', 'create', 'p2', '--description', 'second project']);
    await ok(['network', 'create', 'A', '--ipv4', '10.31.1.1/24', '--ipv6', 'fd42:31:1::1/64', '--description', 'net A']);
    await ok(['network', 'create', 'B', '--project', 'p2', '--ipv4', '10.31.2.1/24', '--ipv6', 'fd42:31:2::1/64']);
  });
  after(async () => {
    await d?.daemon.stop();
    await ovn?.stop();
  });

  it('A ↔ p2/B: the first side is pending, the second created; peer list in every format; the trace crosses', async () => {
    assert.match(await ok(['network', 'peer', 'create', 'A', 'to-b', 'p2/B', 'user.owner=alice', '--description', 'A to B']), /^Network peer to-b pending/);
    assert.match(await ok(['network', 'peer', 'create', 'B', 'to-a', 'default/A', '--project', 'p2']), /^Network peer to-a created/);

    const json = JSON.parse(await ok(['network', 'peer', 'list', 'A', '--format', 'json'])) as PeeringInfoResult[];
    assert.deepEqual(json, [
      { description: 'A to B', config: { 'user.owner': 'alice' }, name: 'to-b', target_project: 'p2', target_network: 'B', status: 'Created', used_by: [], type: 'local' },
    ]);
    assert.deepEqual(parseYaml(await ok(['network', 'peer', 'list', 'A', '--format', 'yaml'])), json);
    assert.equal(await ok(['network', 'peer', 'list', 'A', '--format', 'csv']), 'NAME,DESCRIPTION,PEER,STATUS\nto-b,A to B,p2/B,Created\n');
    const table = await ok(['network', 'peer', 'list', 'B', '--project', 'p2']);
    assert.match(table, /\| NAME +\| DESCRIPTION +\| PEER +\| STATUS +\|/);
    assert.match(table, /\| to-a +\| +\| default\/A +\| Created +\|/);

    // show, get/set/unset of user.* keys.
    assert.equal((JSON.parse(await ok(['network', 'peer', 'show', 'B', 'to-a', '--project', 'p2', '--format', 'json'])) as PeeringInfoResult).status, 'Created');
    assert.equal(await ok(['network', 'peer', 'get', 'A', 'to-b', 'user.owner']), 'alice\n');
    await ok(['network', 'peer', 'set', 'A', 'to-b', 'user.owner', 'bob']);
    assert.equal(await ok(['network', 'peer', 'get', 'A', 'to-b', 'user.owner']), 'bob\n');
    await ok(['network', 'peer', 'unset', 'A', 'to-b', 'user.owner']);
    assert.equal(await ok(['network', 'peer', 'get', 'A', 'to-b', 'user.owner']), '\n');
    // edit from stdin: description and config change.
    const yaml = (await ok(['network', 'peer', 'show', 'A', 'to-b', '--format', 'yaml'])).replace('description: A to B', 'description: edited').replace('config: {}', 'config:\n  user.k: v');
    await ok(['network', 'peer', 'edit', 'A', 'to-b'], yaml);
    const edited = JSON.parse(await ok(['network', 'peer', 'show', 'A', 'to-b', '--format', 'json'])) as PeeringInfoResult;
    assert.equal(edited.description, 'edited');
    assert.deepEqual(edited.config, { 'user.k': 'v' });

    const a = await show('A');
    const b = await show('B', 'p2');
    const ia = await addInstance(ovn, a);
    const ib = await addInstance(ovn, b);
    await waitFor('the trace A → B crosses the peer ports', async () => ((await traceReaches(ovn, ia, ib)) ? true : undefined), 20_000, 200);
    assert.ok(await traceReaches(ovn, ib, ia, 6), 'IPv6 B → A');
  });

  it("peer, network and project documents are Incus's: field for field against fixtures written from Incus's API types", async () => {
    await ok(['network', 'peer', 'set', 'A', 'to-b', 'user.owner', 'alice']);
    await ok(['network', 'peer', 'unset', 'A', 'to-b', 'user.k']);
    await ok(['network', 'peer', 'edit', 'A', 'to-b'], 'description: A to B\n');
    const incusPeer = fixture('incus-network-peer.yaml');
    const peerText = await ok(['network', 'peer', 'show', 'A', 'to-b', '--format', 'yaml']);
    const peer = parseYaml(peerText) as Record<string, unknown>;
    // Equal as documents and in the order of the fields: the YAML reads as Incus's does.
    assert.deepEqual(peer, incusPeer);
    assert.deepEqual(Object.keys(peer), Object.keys(incusPeer));
    assert.deepEqual(JSON.parse(await ok(['network', 'peer', 'show', 'A', 'to-b', '--format', 'json'])), incusPeer);
    // The other side, from its project.
    assert.deepEqual(parseYaml(await ok(['network', 'peer', 'show', 'B', 'to-a', '--project', 'p2', '--format', 'yaml'])), {
      ...incusPeer,
      description: '',
      config: {},
      name: 'to-a',
      target_project: 'default',
      target_network: 'A',
    });

    // Network and project: Incus's fields in Incus's order with the same values and types, then
    // hvnet's own, snake_case.
    const compare = (what: string, doc: Record<string, unknown>, incus: Record<string, unknown>, own: Record<string, string>): void => {
      const incusKeys = Object.keys(incus);
      assert.deepEqual(Object.keys(doc).slice(0, incusKeys.length), incusKeys, `${what}: Incus's fields first, in Incus's order`);
      for (const k of incusKeys) assert.deepEqual(doc[k], incus[k], `${what}: ${k}`);
      const extra = Object.keys(doc).slice(incusKeys.length);
      assert.deepEqual(Object.fromEntries(extra.map((k) => [k, kind(doc[k])])), own, `${what}: hvnet's own fields`);
      for (const k of extra) assert.match(k, /^[a-z][a-z0-9_]*$/, `${what}: ${k} is snake_case`);
    };
    const network = parseYaml(await ok(['network', 'show', 'A', '--format', 'yaml'])) as Record<string, unknown>;
    compare('network A', network, fixture('incus-network.yaml'), { id: 'number', mac: 'string', router: 'string', switch: 'string', peerings: 'number' });
    assert.equal(network.peerings, 1);
    const listed = parseYaml(await ok(['network', 'list', '--format', 'yaml'])) as Record<string, unknown>[];
    assert.deepEqual(listed.find((n) => n.name === 'A'), network);
    const b = parseYaml(await ok(['network', 'show', 'B', '--project', 'p2', '--format', 'yaml'])) as Record<string, unknown>;
    assert.deepEqual(b.config, { 'ipv4.address': '10.31.2.1/24', 'ipv6.address': 'fd42:31:2::1/64' });
    const projects = parseYaml(await ok(['project', 'list', '--format', 'yaml'])) as Record<string, unknown>[];
    const p2 = projects.find((p) => p.name === 'p2');
    assert.ok(p2, 'p2 listed');
    compare('project p2', p2, fixture('incus-project.yaml'), {});
    assert.equal(await ok(['project', 'list', '--format', 'csv']), 'NAME,DESCRIPTION,NETWORKS\ndefault,Default project,1\np2,second project,1\n');
  });

  it("peer edit reads an Incus-shaped document: description and config change, a read-only field is refused under Incus's name", async () => {
    const incus = fixture('incus-network-peer.yaml');
    // Written as an Incus user would: Incus's field order and its omitempty field given empty.
    const doc = { ...incus, description: 'edited the Incus way', config: { 'user.owner': 'carol', 'user.team': 'net' }, target_integration: '' };
    const r = JSON.parse(await ok(['network', 'peer', 'edit', 'A', 'to-b', '--format', 'json'], toYaml(doc))) as PeeringInfoResult;
    assert.deepEqual(r, { ...incus, description: 'edited the Incus way', config: { 'user.owner': 'carol', 'user.team': 'net' } });
    assert.deepEqual(parseYaml(await ok(['network', 'peer', 'show', 'A', 'to-b', '--format', 'yaml'])), r);
    // Through the JSON-RPC API too, with the document's own fields.
    const viaApi = (await d.client.raw('network.peer.update', { network: 'A', name: 'to-b', fields: { ...r, description: 'A to B', config: { 'user.owner': 'alice' } } })) as PeeringInfoResult;
    assert.deepEqual(viaApi, incus);
    const before = await nbDump(ovn);
    const refused = await hv(sock, ['network', 'peer', 'edit', 'A', 'to-b'], { input: toYaml({ ...incus, description: 'x', target_project: 'default' }) });
    assert.equal(refused.code, 1, refused.stderr); // a value refused, not a command-line error
    assert.match(refused.stderr, /target_project: field "target_project" of a peering cannot be changed/);
    await assert.rejects(d.client.raw('network.peer.update', { network: 'A', name: 'to-b', fields: { ...incus, status: 'Pending' } }), (e: Error & { code?: string; details?: Record<string, unknown> }) => {
      assert.equal(e.code, 'HVNET_OVN_READ_ONLY_FIELD');
      assert.equal(e.details?.field, 'status');
      return true;
    });
    assert.equal(await nbDump(ovn), before);
  });

  it('a target project or network that does not exist answers exactly like a valid one that has not declared its side', async () => {
    for (const [n, ip] of [['C1', '10.32.1.1/24'], ['C2', '10.32.2.1/24'], ['C3', '10.32.3.1/24']] as const) await ok(['network', 'create', n, '--ipv4', ip]);
    await ok(['network', 'create', 'D', '--project', 'p2', '--ipv4', '10.32.4.1/24']);
    const valid = await hv(sock, ['network', 'peer', 'create', 'C1', 'px', 'p2/D']);
    const noNetwork = await hv(sock, ['network', 'peer', 'create', 'C2', 'px', 'p2/nope']);
    const noProject = await hv(sock, ['network', 'peer', 'create', 'C3', 'px', 'nope/B']);
    assert.equal(valid.code, 0, valid.stderr);
    assert.match(valid.stdout, /pending/);
    assert.deepEqual(noNetwork, valid);
    assert.deepEqual(noProject, valid);
    // The same in JSON, once the names that differ by construction are set aside.
    const strip = (s: string): unknown => {
      const { target_project: _p, target_network: _t, ...rest } = JSON.parse(s) as PeeringInfoResult;
      return rest;
    };
    const runs = await Promise.all([
      hv(sock, ['network', 'peer', 'create', 'C1', 'py', 'p2/B', '--format', 'json']),
      hv(sock, ['network', 'peer', 'create', 'C2', 'py', 'p2/nope2', '--format', 'json']),
      hv(sock, ['network', 'peer', 'create', 'C3', 'py', 'nope2/B', '--format', 'json']),
    ]);
    for (const r of runs) assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(strip(runs[1]?.stdout ?? ''), strip(runs[0]?.stdout ?? ''));
    assert.deepEqual(strip(runs[2]?.stdout ?? ''), strip(runs[0]?.stdout ?? ''));
    assert.equal(runs[0]?.stderr, runs[1]?.stderr);
  });

  it('self-peering and bad input are refused with exit 1 (a value, not the command line), naming the field, and leave the NB as it was', async () => {
    const before = await nbDump(ovn);
    const shown = await ok(['network', 'peer', 'show', 'A', 'to-b', '--format', 'yaml']);
    const cases: [string[], RegExp, string?][] = [
      [['network', 'peer', 'create', 'A', 'self', 'A'], /target: .*cannot peer with itself/],
      [['network', 'peer', 'create', 'A', 'self', 'default/A'], /target: .*cannot peer with itself/],
      [['network', 'peer', 'create', 'A', 'bad_name', 'p2/Z'], /peering: peering name "bad_name"/],
      [['network', 'peer', 'create', 'A', 'x', 'a/b/c'], /target: peering target "a\/b\/c"/],
      [['network', 'peer', 'create', 'A', 'x', '/x'], /target: peering target "\/x" has an empty project/],
      [['network', 'peer', 'create', 'A', 'x', 'x/'], /target: peering target "x\/" has an empty network/],
      [['network', 'peer', 'create', 'A', 'x', 'p2/Z', 'owner=alice'], /config\.owner: config key "owner" is not allowed/],
      [['network', 'peer', 'create', 'A', 'x', 'p2/Z', 'user.owner'], /config "user\.owner": expected KEY=VALUE/],
      [['network', 'peer', 'create', 'bad!', 'x', 'p2/Z'], /network: network name "bad!"/],
      [['network', 'create', 'E!', '--ipv4', '10.33.1.1/24'], /network: network name "E!"/],
      [['network', 'create', 'E', '--ipv4', '10.33.1.1/33'], /config\.ipv4\.address: /],
      [['network', 'create', 'E', '--ipv4', '10.33.1.1/24', '--ipv6', '10.33.1.1/64'], /config\.ipv6\.address: /],
      [['network', 'create', 'E', 'ipv4.address=10.33.1.1/33'], /config\.ipv4\.address: /],
      [['network', 'create', 'E'], /config\.ipv4\.address: ipv4\.address is required/],
      [['network', 'create', 'E', 'ipv4.address=10.33.1.1/24', 'ipv4.nat=true'], /config\.ipv4\.nat: config key "ipv4\.nat" is not supported/],
      [['network', 'create', 'E', 'ipv4.address=10.33.1.1/24', '--ipv4', '10.33.2.1/24'], /disagree/],
      [['project', 'create', 'bad!'], /project: project name "bad!"/],
      [['network', 'list', '--project', 'Bad/x'], /--project "Bad\/x"/],
      [['network', 'peer', 'set', 'A', 'to-b', 'owner', 'x'], /config\.owner: /],
      [['network', 'peer', 'get', 'A', 'to-b', 'system.x'], /config\.system\.x: /],
      [['network', 'peer', 'edit', 'A', 'to-b'], /target_network: field "target_network" of a peering cannot be changed/, shown.replace('target_network: B', 'target_network: D')],
      [['network', 'peer', 'edit', 'A', 'to-b'], /target_project: field "target_project"/, shown.replace('target_project: p2', 'target_project: default')],
      [['network', 'peer', 'edit', 'A', 'to-b'], /name: field "name"/, shown.replace('name: to-b', 'name: other')],
      [['network', 'peer', 'edit', 'A', 'to-b'], /type: field "type"/, shown.replace('type: local', 'type: remote')],
      [['network', 'peer', 'edit', 'A', 'to-b'], /target_integration: field "target_integration"/, `${shown}target_integration: ovn-ic1\n`],
      [['network', 'peer', 'edit', 'A', 'to-b'], /used_by: field "used_by"/, shown.replace('used_by: []', 'used_by: [/1.0/network-acls/x]')],
      // hvnet's shape before Incus's: its reference fields are not fields of the document.
      [['network', 'peer', 'edit', 'A', 'to-b'], /project: field "project"/, `${shown}project: default\n`],
      [['network', 'peer', 'edit', 'A', 'to-b'], /targetNetwork: field "targetNetwork"/, `${shown}targetNetwork: B\n`],
      [['network', 'peer', 'edit', 'A', 'to-b'], /status: field "status"/, shown.replace('status: Created', 'status: Pending')],
      [['network', 'peer', 'edit', 'A', 'to-b'], /uuid: field "uuid"/, `${shown}uuid: x\n`],
      [['network', 'peer', 'edit', 'A', 'to-b'], /config\.owner: /, 'config: {owner: x}\n'],
      [['network', 'peer', 'edit', 'A', 'to-b'], /must be a YAML mapping/, '- a\n- b\n'],
    ];
    for (const [args, re, input] of cases) {
      const r = await hv(sock, args, input === undefined ? {} : { input });
      assert.equal(r.code, 1, `hvnet ${args.join(' ')}: exit ${r.code}, ${r.stderr}`);
      assert.match(r.stderr, re, `hvnet ${args.join(' ')}`);
      assert.equal(r.stdout, '');
    }
    // The JSON-RPC error itself names the field in data.details.
    await assert.rejects(d.client.raw('network.peer.create', { network: 'A', name: 'x', target: 'a/b/c' }), (e: Error & { code?: string; details?: Record<string, unknown> }) => {
      assert.equal(e.code, 'HVNET_OVN_INVALID_TARGET');
      assert.equal(e.details?.field, 'target');
      return true;
    });
    assert.equal(await nbDump(ovn), before);
  });

  it('--dry-run prints the planned operations and changes nothing', async () => {
    await ok(['network', 'create', 'H', '--ipv4', '10.34.1.1/24']);
    const before = await nbDump(ovn);
    const text = await ok(['network', 'peer', 'create', 'A', 'to-h', 'H', '--dry-run']);
    assert.match(text, /^Dry run: nothing was changed\. Planned transaction \(\d+ operations, guards first\):/);
    assert.match(text, /"op":"wait"/);
    assert.match(text, /"op":"mutate","table":"Logical_Router"/);
    const plan = JSON.parse(await ok(['network', 'peer', 'create', 'A', 'to-h', 'H', '--dry-run', '--format', 'json'])) as { dryRun: boolean; operations: { op: string }[] };
    assert.equal(plan.dryRun, true);
    assert.ok(plan.operations.some((o) => o.op === 'mutate'));
    for (const args of [
      ['network', 'create', 'I', '--ipv4', '10.34.2.1/24', '--dry-run'],
      ['network', 'delete', 'H', '--dry-run'],
      ['network', 'peer', 'delete', 'A', 'to-b', '--dry-run'],
      ['project', 'create', 'p3', '--dry-run'],
    ]) {
      assert.match(await ok(args), /^Dry run: nothing was changed/, args.join(' '));
    }
    assert.equal(await nbDump(ovn), before);
    assert.equal((JSON.parse(await ok(['network', 'peer', 'list', 'A', '--format', 'json'])) as unknown[]).length, 1);
  });

  it('peer create --wait returns once northd applied it: the SB has both patch Port_Bindings right away', async () => {
    await ok(['network', 'create', 'F', '--ipv4', '10.35.1.1/24']);
    await ok(['network', 'create', 'G', '--project', 'p2', '--ipv4', '10.35.2.1/24']);
    const f = await show('F');
    const g = await show('G', 'p2');
    await ok(['network', 'peer', 'create', 'F', 'to-g', 'p2/G']);
    assert.match(await ok(['network', 'peer', 'create', 'G', 'to-f', 'default/F', '--project', 'p2', '--wait']), /created/);
    for (const port of [rowNames.peerPort(f.id, g.id), rowNames.peerPort(g.id, f.id)]) {
      const b = await sbBinding(ovn, port);
      assert.equal(b?.type, 'patch', `SB Port_Binding of ${port}`);
    }
  });

  it('drift: a peer port deleted with ovn-nbctl is back within 2 s, and the repair is a status event', async () => {
    const f = await show('F');
    const g = await show('G', 'p2');
    const port = rowNames.peerPort(f.id, g.id);
    const before = (JSON.parse(await ok(['status', '--format', 'json'])) as { status: HostStatus }).status.peerings;
    await ovn.nbctl(['lrp-del', port]);
    const deletedAt = Date.now();
    await waitFor(`${port} back`, async () => ((await ovn.nbctl(['--bare', '--columns=name', 'find', 'Logical_Router_Port', `name=${port}`])).trim() === port ? true : undefined), 5_000, 20);
    const took = Date.now() - deletedAt;
    assert.ok(took < 2_000, `repaired after ${took} ms`);
    const s = JSON.parse(await ok(['status', '--format', 'json'])) as { status: HostStatus };
    assert.ok(
      s.status.events?.some((e) => e.code === 'drift-repaired' && e.message.includes(port)),
      `events: ${JSON.stringify(s.status.events)}`,
    );
    // The status' peering counts follow NB changes after a short quiet time (at most 1 s): back
    // to what they were before the port went (earlier tests leave pending peerings behind).
    const counts = await waitFor('the counts as they were before the drift', async () => {
      const now = JSON.parse(await ok(['status', '--format', 'json'])) as { status: HostStatus };
      const c = now.status.peerings;
      if (isDeepStrictEqual(c, before)) return c;
      throw new Error(`counts: ${JSON.stringify(c)}`);
    }, 2_000, 50);
    assert.ok(counts.created > 0 && !counts.problems.some((p) => p.network === 'F' || p.target_network === 'F'), JSON.stringify(counts));
    assert.match(await ok(['status']), /drift-repaired/);
  });

  it('drift: a repair of more rows than a log line names counts them all in hvnetd\'s log, names the first 20, and the status keeps its last 20 events', async () => {
    await ok(['network', 'create', 'RH', '--ipv4', '10.37.0.1/24']);
    const hub = await show('RH');
    const ports: string[] = [];
    for (let i = 1; i <= 11; i++) {
      await ok(['network', 'create', `RS${i}`, '--ipv4', `10.37.${i}.1/24`]);
      await ok(['network', 'peer', 'create', 'RH', `to-rs${i}`, `default/RS${i}`]);
      await ok(['network', 'peer', 'create', `RS${i}`, 'to-rh', 'default/RH', '--wait']);
      const spoke = await show(`RS${i}`);
      ports.push(rowNames.peerPort(hub.id, spoke.id), rowNames.peerPort(spoke.id, hub.id));
    }
    // All 22 peer ports gone in one NB transaction: one repair of 22 rows.
    await ovn.nbctl(ports.flatMap((p, i) => (i === 0 ? ['lrp-del', p] : ['--', 'lrp-del', p])));
    const line = await waitFor('the repair of the 22 ports in the log', () => {
      for (const l of d.daemon.log().split('\n')) {
        if (!l.startsWith('{')) continue;
        const r = JSON.parse(l) as { msg?: string; count?: number; changes?: string[]; more?: number };
        if (r.msg === 'OVN drift repaired' && r.count === ports.length) return r;
      }
      return undefined;
    }, 5_000, 50);
    assert.equal(line.changes?.length, 20, JSON.stringify(line));
    assert.equal(line.more, ports.length - 20);
    assert.ok(line.changes?.every((c) => c.startsWith('insert Logical_Router_Port ')), JSON.stringify(line.changes));
    const s = JSON.parse(await ok(['status', '--format', 'json'])) as { status: HostStatus };
    const events = s.status.events?.filter((e) => e.code === 'drift-repaired') ?? [];
    assert.ok(events.length > 0 && events.length <= 20, `${events.length} drift events`);
  });
});
