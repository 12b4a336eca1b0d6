// Remote peering across two real availability zones (testbed/ovn-ic-two-az.ts), each with its own
// hvnetd, through the real CLI: namespace workloads ping each other both ways (IPv4 and IPv6) and
// TCP works only while both sides are declared; each AZ learns exactly the peer's subnets; the
// IC-SB and one AZ's ovn-ic going away does not stop traffic; deleting both sides leaves nothing
// in either NB or the IC-NB; the integration cannot be deleted while used; bad input is refused
// with the NB and IC-NB unchanged; hvnetd killed between its IC-NB and NB writes is completed; a
// side whose port no gateway chassis claims is said so.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { run, waitFor } from '../../testbed/exec.js';
import { startTwoAz } from '../../testbed/ovn-ic-two-az.js';
import type { Az, TwoAz } from '../../testbed/ovn-ic-two-az.js';
import type { Workload } from '../../testbed/chassis.js';
import { testRun } from '../../testbed/test-run.js';
import { hv, hvOk } from '../agent-ovn/helpers.js';
import { startHvnetd, writeConfig } from '../agent/harness.js';
import type { RunningHvnetd } from '../agent/harness.js';

const KILL_ENV = 'HVNET_TEST_KILL_BETWEEN_IC_AND_NB';

interface Side {
  az: Az;
  d: RunningHvnetd;
  sock: string;
  w: Workload;
  v4: string;
  v6: string;
}

async function hvnetdFor(az: Az, env: NodeJS.ProcessEnv = {}): Promise<RunningHvnetd> {
  const dir = testRun.tempDir(`hvnetd-${az.name}`);
  const setup = writeConfig(dir, az.ovn.nbRemotes, { libvirt: { uri: 'test:///default' }, ovn: { nb: { readyTimeoutSeconds: 20 } } });
  return startHvnetd(setup, { env });
}

/** A learned prefix as ovn-ic stores it (host bits kept) in network form, for /24 and /64 only. */
function networkForm(prefix: string): string {
  if (prefix.includes(':')) return prefix.replace(/::[0-9a-f]+\/64$/, '::/64');
  return prefix.replace(/\.\d+\/24$/, '.0/24');
}

async function learned(az: Az): Promise<string[]> {
  const out = await az.ovn.nbctl(['--bare', '--columns=ip_prefix,external_ids', 'list', 'Logical_Router_Static_Route']);
  const blocks = out.split('\n\n').map((b) => b.trim()).filter((b) => b.includes('ic-learned-route'));
  return blocks.map((b) => networkForm(b.split('\n')[0]?.trim() ?? '')).sort();
}

async function status(sock: string, net: string, peer: string): Promise<{ status: string; reason?: string }> {
  return JSON.parse(await hvOk(sock, ['network', 'peer', 'show', net, peer, '--format', 'json'])) as { status: string; reason?: string };
}

async function tcpWorks(server: Side, client: Side): Promise<boolean> {
  const srv = spawn('ip', ['netns', 'exec', server.w.name, 'timeout', '10', 'python3', '-c',
    'import socket; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("0.0.0.0", 5555)); s.listen(1); s.settimeout(8)\n' +
    'c, _ = s.accept(); c.recv(16); c.sendall(b"x" * 1000000); c.close()'], { stdio: 'ignore' });
  try {
    await new Promise((r) => setTimeout(r, 300));
    const got = await run('ip', ['netns', 'exec', client.w.name, 'timeout', '8', 'python3', '-c',
      'import socket, sys\ns=socket.create_connection((sys.argv[1], 5555), timeout=5); s.sendall(b"hi"); n=0\nwhile True:\n    b = s.recv(65536)\n    if not b: break\n    n += len(b)\nprint(n)', server.v4.split('/')[0] ?? '']).catch(() => '0');
    return got.trim() === '1000000';
  } finally {
    srv.kill();
  }
}

/** What a cross-AZ ping that never came depends on, from both AZs, to tell where it stopped. */
async function dataPathDump(two: TwoAz, workloads: readonly Workload[]): Promise<string> {
  const safe = (p: Promise<string>): Promise<string> => p.catch((e: unknown) => `(failed: ${(e as Error).message})`);
  const parts: string[] = [];
  for (const az of two.azs) {
    parts.push(`== ${az.name} NB routes\n${await safe(az.ovn.nbctl(['--columns=ip_prefix,nexthop,output_port,route_table,external_ids', 'list', 'Logical_Router_Static_Route']))}`);
    parts.push(`== ${az.name} NB router ports\n${await safe(az.ovn.nbctl(['--columns=name,mac,networks,peer,ha_chassis_group', 'list', 'Logical_Router_Port']))}`);
    parts.push(`== ${az.name} SB remote/patch ports\n${await safe(az.ovn.sbctl(['--columns=logical_port,type,mac,chassis,up', 'list', 'Port_Binding']))}`);
    parts.push(`== ${az.name} SB MAC_Binding\n${await safe(az.ovn.sbctl(['--columns=logical_port,ip,mac', 'list', 'MAC_Binding']))}`);
    parts.push(`== ${az.name} NB HA_Chassis_Group / HA_Chassis\n${await safe(az.ovn.nbctl(['list', 'HA_Chassis_Group']))}\n${await safe(az.ovn.nbctl(['list', 'HA_Chassis']))}`);
    parts.push(`== ${az.name} SB HA_Chassis_Group / HA_Chassis\n${await safe(az.ovn.sbctl(['list', 'HA_Chassis_Group']))}\n${await safe(az.ovn.sbctl(['list', 'HA_Chassis']))}`);
    const ctl = az.chassis.daemons.controller;
    parts.push(`== ${az.name} ovn-controller pid ${ctl.pid}: ${ctl.hasExited ? `EXITED ${JSON.stringify(await ctl.exited)}` : 'running'}\n${ctl.log().split('\n').slice(-15).join('\n')}`);
    parts.push(`== ${az.name} ovn-controller local bindings\n${await safe(az.chassis.controllerCtl(['debug/dump-local-bindings']))}`);
    parts.push(`== ${az.name} ovn-controller connection\n${await safe(az.chassis.controllerCtl(['connection-status']))}`);
    const ctlLog = await safe(readFile(join(az.chassis.dir, 'ovs', 'ovn-controller.log'), 'utf8'));
    parts.push(`== ${az.name} ovn-controller.log, last 40 lines\n${ctlLog.split('\n').slice(-40).join('\n')}`);
    parts.push(`== ${az.name} SB Chassis (local: ${az.chassis.systemId})\n${await safe(az.ovn.sbctl(['--columns=_uuid,name,other_config', 'list', 'Chassis']))}`);
  }
  for (const az of two.azs) {
    const unbound = async (): Promise<string> => (await safe(az.ovn.sbctl(['--bare', '--columns=logical_port', 'find', 'Port_Binding', 'type=chassisredirect', 'chassis=[]']))).trim().split(/\s+/).filter(Boolean).join(' ');
    const before = await unbound();
    if (before === '') continue;
    // First an NB change that reaches the SB's HA_Chassis (priority), then a full recompute: which
    // one makes ovn-controller claim tells where a lost claim is held.
    for (const hc of (await safe(az.ovn.nbctl(['--bare', '--columns=_uuid', 'list', 'HA_Chassis']))).trim().split(/\s+/).filter(Boolean)) {
      await safe(az.ovn.nbctl(['set', 'HA_Chassis', hc, 'priority=32000']));
    }
    await new Promise((r) => setTimeout(r, 3_000));
    parts.push(`== ${az.name} unbound chassisredirect ports: ${before}; 3 s after an HA_Chassis priority change: ${(await unbound()) || 'none'}`);
    await safe(az.chassis.controllerCtl(['recompute']));
    await new Promise((r) => setTimeout(r, 3_000));
    parts.push(`== ${az.name} then 3 s after ovn-controller recompute: ${(await unbound()) || 'none'}`);
  }
  parts.push(`== IC-SB Route\n${await safe(two.icSbctl(['--columns=transit_switch,ip_prefix,nexthop,origin,availability_zone', 'list', 'Route']))}`);
  parts.push(`== IC-SB Gateway\n${await safe(two.icSbctl(['--columns=name,availability_zone', 'list', 'Gateway']))}`);
  parts.push(`== IC-SB Availability_Zone\n${await safe(two.icSbctl(['--columns=_uuid,name', 'list', 'Availability_Zone']))}`);
  parts.push(`== IC-SB Port_Binding\n${await safe(two.icSbctl(['--columns=logical_port,transit_switch,address,gateway,availability_zone', 'list', 'Port_Binding']))}`);
  for (const w of workloads) {
    for (const args of [['-6', 'neigh'], ['-6', 'route'], ['neigh']]) parts.push(`== ${w.name} ip ${args.join(' ')}\n${await safe(run('ip', ['netns', 'exec', w.name, 'ip', ...args]))}`);
  }
  return parts.join('\n');
}

async function pingUntil(from: Side, to: string, ok: boolean, timeoutMs = 20_000): Promise<void> {
  await waitFor(`ping ${from.az.name} -> ${to} ${ok ? 'works' : 'fails'}`, async () => ((await from.w.ping(to)) === ok ? true : undefined), timeoutMs, 100).catch(async (e: unknown) => {
    throw new Error(`${(e as Error).message}\n${await dataPathDump(currentTwo, [from.w])}`);
  });
}

async function nbDump(az: Az): Promise<string> {
  return (await run('ovsdb-client', ['dump', az.ovn.nb.unix, 'OVN_Northbound'])).split('\n').filter((l) => !/_cfg|_timestamp/.test(l)).join('\n');
}

let currentTwo: TwoAz;

describe('ovn-ic: remote peering across two availability zones', function () {
  this.timeout(300_000);
  let two: TwoAz;
  let s1: Side;
  let s2: Side;

  before(async function () {
    this.timeout(120_000);
    two = await startTwoAz();
    currentTwo = two;
    const [az1, az2] = two.azs;
    const sides: Side[] = [];
    for (const [az, n] of [[az1, 31], [az2, 32]] as const) {
      const d = await hvnetdFor(az);
      const sock = d.setup.socket;
      await hvOk(sock, ['network', 'create', 'web', '--ipv4', `10.${n}.0.1/24`, '--ipv6', `fd42:${n}::1/64`]);
      await hvOk(sock, ['network', 'integration', 'create', 'ic', 'ovn', `ovn.northbound_connection=${two.icNb.unix}`, `ovn.southbound_connection=${two.icSb.unix}`]);
      const net = JSON.parse(await hvOk(sock, ['network', 'show', 'web', '--format', 'json'])) as { switch: string };
      const lsp = `w-${az.name}`;
      const mac = `02:00:00:00:${n}:10`;
      const v4 = `10.${n}.0.10/24`;
      const v6 = `fd42:${n}::10/64`;
      await az.ovn.nbctl(['lsp-add', net.switch, lsp, '--', 'lsp-set-addresses', lsp, `${mac} 10.${n}.0.10 fd42:${n}::10`]);
      const w = await az.chassis.plugNamespace(lsp, mac, v4, `10.${n}.0.1`, { ipv6: v6, gw6: `fd42:${n}::1` });
      sides.push({ az, d, sock, w, v4, v6 });
    }
    [s1, s2] = sides as [Side, Side];
    // AZ2: a network not peered, and one locally peered with web: neither may be learned in AZ1.
    await hvOk(s2.sock, ['network', 'create', 'other', '--ipv4', '10.33.0.1/24']);
    await hvOk(s2.sock, ['network', 'create', 'near', '--ipv4', '10.34.0.1/24']);
    await hvOk(s2.sock, ['network', 'peer', 'create', 'web', 'to-near', 'near']);
    await hvOk(s2.sock, ['network', 'peer', 'create', 'near', 'to-web', 'web']);
    await s1.w.ping('10.31.0.1', { count: 1, waitS: 2 });
  });

  after(async () => {
    await s1?.d.daemon.stop();
    await s2?.d.daemon.stop();
    await two?.stop();
  });

  it('bad input is refused naming the field, with the NB and IC-NB unchanged', async () => {
    const nb = await nbDump(s1.az);
    const ic = await two.icNbctl(['list', 'Transit_Switch']);
    const cases: [string[], RegExp][] = [
      [['network', 'peer', 'create', 'web', 'x', 'nosuch', '--type=remote'], /network integration "nosuch" does not exist/],
      [['network', 'peer', 'create', 'web', 'x', 'bad/name', '--type=remote'], /integration name "bad\/name"/],
      [['network', 'peer', 'create', 'web', 'bad_peer', 'ic', '--type=remote'], /peering name "bad_peer"/],
    ];
    for (const [args, re] of cases) {
      const r = await hv(s1.sock, args);
      assert.equal(r.code, 1, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, re);
    }
    assert.equal(await nbDump(s1.az), nb, 'AZ1 NB unchanged');
    assert.equal(await two.icNbctl(['list', 'Transit_Switch']), ic, 'IC-NB unchanged');
  });

  it('pending with one side only: no traffic; with both sides: created, ping both ways (IPv4, IPv6) and TCP', async () => {
    await pingUntil(s1, '10.32.0.10', false, 5_000);
    await hvOk(s1.sock, ['network', 'peer', 'create', 'web', 'to-az2', 'ic', '--type=remote']);
    await waitFor('transit switch in the IC-NB', async () => ((await two.icNbctl(['--bare', '--columns=name', 'list', 'Transit_Switch'])).includes('ts-incus-ic-default-web') ? true : undefined), 20_000, 100);
    await new Promise((r) => setTimeout(r, 2_000));
    assert.equal((await status(s1.sock, 'web', 'to-az2')).status, 'Pending');
    assert.equal(await s1.w.ping('10.32.0.10'), false, 'no traffic before the second side');
    await hvOk(s2.sock, ['network', 'peer', 'create', 'web', 'to-az1', 'ic', '--type=remote']);
    for (const s of [s1, s2]) {
      const name = s === s1 ? 'to-az2' : 'to-az1';
      await waitFor(`${s.az.name} peering created`, async () => ((await status(s.sock, 'web', name)).status === 'Created' ? true : undefined), 60_000, 200);
    }
    await pingUntil(s1, '10.32.0.10', true);
    await pingUntil(s2, '10.31.0.10', true);
    await pingUntil(s1, 'fd42:32::10', true);
    await pingUntil(s2, 'fd42:31::10', true);
    assert.ok(await tcpWorks(s2, s1), 'TCP AZ1 -> AZ2');
  });

  it("each AZ learns exactly the peer's subnets: not AZ2's unpeered network, nor the one locally peered with web", async () => {
    await waitFor('learned routes settle', async () => ((await learned(s1.az)).length === 2 ? true : undefined), 20_000, 200).catch(() => undefined);
    assert.deepEqual(await learned(s1.az), ['10.32.0.0/24', 'fd42:32::/64']);
    assert.deepEqual(await learned(s2.az), ['10.31.0.0/24', 'fd42:31::/64']);
    const near = await s2.az.ovn.nbctl(['--bare', '--columns=ip_prefix', 'find', 'Logical_Router_Static_Route', 'ip_prefix="10.34.0.0/24"']);
    assert.ok(near.trim() !== '', 'AZ2 web does route to its local peer');
  });

  it('the integration cannot be deleted while a remote peering uses it, naming the peering', async () => {
    const r = await hv(s1.sock, ['network', 'integration', 'delete', 'ic']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /used by remote peerings: default\/web\/to-az2/);
  });

  it("IC-SB stopped then started, and AZ1's ovn-ic stopped then started: ping goes on; the peering stays created and shows each outage as a warning naming it that clears by itself", async () => {
    /** The peering's own warning and the host status event say the same. */
    const warned = async (cause: RegExp): Promise<boolean> => {
      const st = JSON.parse(await hvOk(s1.sock, ['status', '--format', 'json'])) as { status: { events?: { code: string; subject: string }[] } };
      const event = (st.status.events ?? []).some((e) => e.code === 'remote-peering-warning' && e.subject === 'default/web/to-az2');
      const peer = JSON.parse(await hvOk(s1.sock, ['network', 'peer', 'show', 'web', 'to-az2', '--format', 'json'])) as { status: string; warning?: string };
      assert.equal(peer.status, 'Created', 'traffic goes on: the peering stays created');
      assert.equal(peer.warning !== undefined, event, `warning ${peer.warning ?? '(none)'} and the status event agree`);
      return event && cause.test(peer.warning ?? '');
    };
    const anyWarning = /./;
    const icSb = /IC-SB of integration ic is not reachable/;
    const ovnIc = /ovn-ic of this availability zone is not running .* probe switch hvnet-ic-probe/;
    // Pings every 200 ms from here to the end: answers may not stop for two seconds or more.
    const pinger = spawn('ip', ['netns', 'exec', s1.w.name, 'ping', '-n', '-i', '0.2', '-W', '1', '10.32.0.10'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    pinger.stdout.on('data', (b: Buffer) => (out += b.toString()));
    try {
      await two.stopIcSb();
      await waitFor('IC-SB warning shown', async () => ((await warned(icSb)) ? true : undefined), 20_000, 200);
      await two.startIcSb();
      await waitFor('warning cleared after the IC-SB restart', async () => ((await warned(anyWarning)) ? undefined : true), 40_000, 200);
      await two.stopIc(s1.az);
      await waitFor("ovn-ic warning shown", async () => ((await warned(ovnIc)) ? true : undefined), 30_000, 200);
      assert.ok(await s1.w.ping('10.32.0.10', { count: 3, waitS: 1 }), "ping with AZ1's ovn-ic down");
      await two.startIc(s1.az);
      await waitFor("warning cleared after ovn-ic's restart", async () => ((await warned(anyWarning)) ? undefined : true), 30_000, 200);
    } finally {
      pinger.kill('SIGINT');
      await new Promise((r) => pinger.once('close', r));
    }
    const seqs = [...out.matchAll(/icmp_seq=(\d+)/g)].map((m) => Number(m[1]));
    const gaps = seqs.slice(1).map((q, k) => q - (seqs[k] ?? 0)).filter((g) => g > 10);
    assert.ok(seqs.length > 20, `pings answered: ${seqs.length}`);
    assert.deepEqual(gaps, [], 'no answer missing for two seconds or more while the IC-SB and ovn-ic were down and back');
    assert.ok(await s1.w.ping('10.32.0.10', { count: 3, waitS: 1 }), "ping after AZ1's ovn-ic restart");
  });

  it('either side deleted: traffic stops; both deleted: no learned route, transit switch, chassis group or allocation left anywhere', async () => {
    await hvOk(s1.sock, ['network', 'peer', 'delete', 'web', 'to-az2']);
    await pingUntil(s1, '10.32.0.10', false);
    await pingUntil(s2, '10.31.0.10', false);
    await hvOk(s2.sock, ['network', 'peer', 'delete', 'web', 'to-az1']);
    await waitFor('transit switch gone from the IC-NB', async () => ((await two.icNbctl(['--bare', '--columns=name', 'list', 'Transit_Switch'])).trim() === '' ? true : undefined), 30_000, 200);
    for (const s of [s1, s2]) {
      await waitFor(`${s.az.name} clean`, async () => {
        const groups = await s.az.ovn.nbctl(['--bare', '--columns=name', 'list', 'HA_Chassis_Group']);
        const ls = await s.az.ovn.nbctl(['ls-list']);
        return groups.trim() === '' && !ls.includes('ts-incus') && (await learned(s.az)).length === 0 ? true : undefined;
      }, 30_000, 200);
      const lrps = await s.az.ovn.nbctl(['--bare', '--columns=name', 'list', 'Logical_Router_Port']);
      assert.ok(!lrps.includes('ts-incus'), lrps);
    }
  });

  it('hvnetd killed between its IC-NB and NB writes: a new hvnetd completes the side; after delete the NB and IC-NB dumps are as before', async () => {
    const icDump = async (): Promise<string> => run('ovsdb-client', ['dump', two.icNb.unix, 'OVN_IC_Northbound']);
    // hvnet takes back its route options once no remote peering is left: wait for that first.
    await waitFor('route options taken back', async () => (!(await s1.az.ovn.nbctl(['get', 'NB_Global', '.', 'external_ids'])).includes('hvnet:ic-route-options') ? true : undefined), 20_000, 200);
    const nbBefore = await nbDump(s1.az);
    const icBefore = await icDump();
    await s1.d.daemon.stop();
    const killed = await hvnetdFor(s1.az, { [KILL_ENV]: '1' });
    await hvOk(killed.setup.socket, ['network', 'peer', 'create', 'web', 'again', 'ic', '--type=remote']);
    await waitFor('hvnetd killed by the test hook', () => Promise.resolve(killed.daemon.hasExited ? true : undefined), 20_000, 100);
    assert.match(await two.icNbctl(['--bare', '--columns=external_ids', 'list', 'Transit_Switch']), /incus-allocation-az1/, 'the IC-NB write happened');
    assert.ok(!(await s1.az.ovn.nbctl(['--bare', '--columns=name', 'list', 'Logical_Router_Port'])).includes('ts-incus'), 'the NB write did not');
    await killed.daemon.stop();
    s1.d = await hvnetdFor(s1.az);
    s1.sock = s1.d.setup.socket;
    await waitFor('side completed', async () => ((await s1.az.ovn.nbctl(['--bare', '--columns=name', 'list', 'Logical_Router_Port'])).includes('ts-incus') ? true : undefined), 30_000, 200);
    await hvOk(s1.sock, ['network', 'peer', 'delete', 'web', 'again']);
    await waitFor('NB and IC-NB as before', async () => ((await nbDump(s1.az)) === nbBefore && (await icDump()) === icBefore ? true : undefined), 30_000, 200).catch(() => undefined);
    assert.equal(await nbDump(s1.az), nbBefore, 'AZ1 NB dump as before');
    assert.equal(await icDump(), icBefore, 'IC-NB dump as before');
  });
  it("the other AZ's side deleted first: traffic stops too; then this side: nothing left", async () => {
    await hvOk(s1.sock, ['network', 'peer', 'create', 'web', 'to-az2', 'ic', '--type=remote']);
    await hvOk(s2.sock, ['network', 'peer', 'create', 'web', 'to-az1', 'ic', '--type=remote']);
    await waitFor('created', async () => ((await status(s1.sock, 'web', 'to-az2')).status === 'Created' ? true : undefined), 60_000, 200);
    await pingUntil(s1, 'fd42:32::10', true);
    await hvOk(s2.sock, ['network', 'peer', 'delete', 'web', 'to-az1']);
    await pingUntil(s1, 'fd42:32::10', false);
    await pingUntil(s2, '10.31.0.10', false);
    await hvOk(s1.sock, ['network', 'peer', 'delete', 'web', 'to-az2']);
    await waitFor('transit switch gone', async () => ((await two.icNbctl(['--bare', '--columns=name', 'list', 'Transit_Switch'])).trim() === '' ? true : undefined), 30_000, 200);
    for (const s of [s1, s2]) {
      await waitFor(`${s.az.name} clean`, async () => ((await s.az.ovn.nbctl(['--bare', '--columns=name', 'list', 'HA_Chassis_Group'])).trim() === '' && (await learned(s.az)).length === 0 ? true : undefined), 30_000, 200);
    }
  });
  it('a network deleted with its remote peering: its transit rows, chassis group and IC-NB switch go too', async () => {
    await hvOk(s1.sock, ['network', 'create', 'solo', '--ipv4', '10.41.0.1/24']);
    await hvOk(s1.sock, ['network', 'peer', 'create', 'solo', 'out', 'ic', '--type=remote']);
    const ts = 'ts-incus-ic-default-solo';
    await waitFor('side made', async () => ((await s1.az.ovn.nbctl(['--bare', '--columns=name', 'list', 'HA_Chassis_Group'])).includes(ts) ? true : undefined), 30_000, 200);
    assert.equal((await status(s1.sock, 'solo', 'out')).status, 'Pending', 'no other side: pending');
    await hvOk(s1.sock, ['network', 'delete', 'solo']);
    await waitFor('nothing left of the side', async () => {
      const groups = await s1.az.ovn.nbctl(['--bare', '--columns=name', 'list', 'HA_Chassis_Group']);
      const lsps = await s1.az.ovn.nbctl(['--bare', '--columns=name', 'list', 'Logical_Switch_Port']);
      const sw = await two.icNbctl(['--bare', '--columns=name', 'list', 'Transit_Switch']);
      return !groups.includes(ts) && !lsps.includes(ts) && sw.trim() === '' ? true : undefined;
    }, 30_000, 200).catch(async (e: unknown) => {
      const groups = await s1.az.ovn.nbctl(['--bare', '--columns=name', 'list', 'HA_Chassis_Group']);
      const lsps = await s1.az.ovn.nbctl(['--bare', '--columns=name,external_ids', 'list', 'Logical_Switch_Port']);
      const sw = await two.icNbctl(['--bare', '--columns=name,external_ids', 'list', 'Transit_Switch']);
      const log = s1.d.daemon.log().slice(-3000);
      throw new Error(`${(e as Error).message}\ngroups: ${groups}\nlsps: ${lsps}\nts: ${sw}\nlog: ${log}`);
    });
  });

  it('two IPv6-only networks remote-peered: ping6 both ways, and no IPv4 address or route on their rows', async () => {
    const ws: Workload[] = [];
    for (const [s, n] of [[s1, 51], [s2, 52]] as const) {
      await hvOk(s.sock, ['network', 'create', 'six', '--ipv4', 'none', '--ipv6', `fd42:${n}::1/64`]);
      const net = JSON.parse(await hvOk(s.sock, ['network', 'show', 'six', '--format', 'json'])) as { switch: string };
      const lsp = `six-${s.az.name}`;
      const mac = `02:00:00:00:${n}:10`;
      await s.az.ovn.nbctl(['lsp-add', net.switch, lsp, '--', 'lsp-set-addresses', lsp, `${mac} fd42:${n}::10`]);
      ws.push(await s.az.chassis.plugNamespace(lsp, mac, '', '', { ipv6: `fd42:${n}::10/64`, gw6: `fd42:${n}::1` }));
      await hvOk(s.sock, ['network', 'peer', 'create', 'six', 'remote', 'ic', '--type=remote']);
    }
    const [w1, w2] = ws as [Workload, Workload];
    for (const s of [s1, s2]) await waitFor(`${s.az.name} six created`, async () => ((await status(s.sock, 'six', 'remote')).status === 'Created' ? true : undefined), 60_000, 200);
    const dumpOnTimeout = async (e: unknown): Promise<never> => {
      throw new Error(`${(e as Error).message}\n${await dataPathDump(two, ws)}`);
    };
    await waitFor('ping6 AZ1 -> AZ2', async () => ((await w1.ping('fd42:52::10')) ? true : undefined), 20_000, 100).catch(dumpOnTimeout);
    await waitFor('ping6 AZ2 -> AZ1', async () => ((await w2.ping('fd42:51::10')) ? true : undefined), 20_000, 100).catch(dumpOnTimeout);
    const ts = 'ts-incus-ic-default-six';
    for (const s of [s1, s2]) {
      const lrp = await s.az.ovn.nbctl(['get', 'Logical_Router_Port', ts, 'networks']);
      assert.ok(lrp.includes(':') && !lrp.includes('.'), `${s.az.name} transit port: IPv6 only: ${lrp}`);
      const net = JSON.parse(await hvOk(s.sock, ['network', 'show', 'six', '--format', 'json'])) as { router: string };
      const routes = await s.az.ovn.nbctl(['lr-route-list', net.router]);
      assert.ok(!/\d+\.\d+\.\d+\.\d+/.test(routes), `${s.az.name} routes of six: no IPv4: ${routes}`);
      const allocation = await two.icNbctl(['get', 'Transit_Switch', ts, `external_ids:incus-allocation-${s.az.name}`]);
      assert.ok(!/\d+\.\d+\.\d+\.\d+/.test(allocation), `${s.az.name} allocation: no IPv4: ${allocation}`);
      const warning = (JSON.parse(await hvOk(s.sock, ['network', 'peer', 'show', 'six', 'remote', '--format', 'json'])) as { warning?: string }).warning;
      assert.equal(warning, undefined, 'every local family got its routes');
    }
  });

  it('a dual-stack network remote-peered with an IPv6-only one: created over IPv6, and the warning names IPv4 as not arrived within the bound', async () => {
    await hvOk(s1.sock, ['network', 'create', 'mix', '--ipv4', '10.61.0.1/24', '--ipv6', 'fd42:61::1/64']);
    await hvOk(s2.sock, ['network', 'create', 'mix', '--ipv4', 'none', '--ipv6', 'fd42:62::1/64']);
    for (const s of [s1, s2]) await hvOk(s.sock, ['network', 'peer', 'create', 'mix', 'remote', 'ic', '--type=remote']);
    await waitFor('mix created', async () => ((await status(s1.sock, 'mix', 'remote')).status === 'Created' ? true : undefined), 60_000, 200);
    const warning = async (s: Side): Promise<string> => (JSON.parse(await hvOk(s.sock, ['network', 'peer', 'show', 'mix', 'remote', '--format', 'json'])) as { warning?: string }).warning ?? '';
    await waitFor('IPv4 named as missing', async () => (/no IPv4 route learned over transit switch ts-incus-ic-default-mix within 10 s/.test(await warning(s1)) ? true : undefined), 30_000, 200);
    assert.equal((await status(s1.sock, 'mix', 'remote')).status, 'Created');
    assert.equal(await warning(s2), '', 'the IPv6-only side got all its families');
  });

  it("a side whose port no gateway chassis claims (AZ1's ovn-controller stopped) shows a warning naming the switch and chassis; it clears once the port is claimed", async () => {
    const warning = async (): Promise<string> => (JSON.parse(await hvOk(s1.sock, ['network', 'peer', 'show', 'lone', 'out', '--format', 'json'])) as { warning?: string }).warning ?? '';
    await hvOk(s1.sock, ['network', 'create', 'lone', '--ipv4', '10.71.0.1/24']);
    await s1.az.chassis.stopController();
    try {
      await hvOk(s1.sock, ['network', 'peer', 'create', 'lone', 'out', 'ic', '--type=remote']);
      await waitFor('unclaimed port named', async () => (/transit switch ts-incus-ic-default-lone has been bound to no gateway chassis .*names .*-az1-gw/.test(await warning()) ? true : undefined), 40_000, 250);
    } finally {
      await s1.az.chassis.startController();
    }
    await waitFor('warning cleared once claimed', async () => ((await warning()) === '' ? true : undefined), 40_000, 250);
    assert.match(await two.icSbctl(['--bare', '--columns=gateway', 'find', 'Port_Binding', 'logical_port=ts-incus-ic-default-lone-az1']), /-az1-gw/);
    await hvOk(s1.sock, ['network', 'delete', 'lone']);
  });
});
