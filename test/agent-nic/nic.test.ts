// hvnet nic attach/detach/list through the real CLI, a real hvnetd and a real libvirtd with a TCG
// guest: the four macvtap modes live and persistent, 802.1Qbg/Qbh persistent-only, refusals that
// leave the domain byte-for-byte as it was, a paused guest's unplug, the MAC pool across an hvnetd
// restart, and libvirtd restarting under hvnetd. One guest for the whole file.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startOvn } from '../../testbed/ovn.js';
import type { OvnHandle } from '../../testbed/ovn.js';
import { startLibvirt } from '../../testbed/libvirt.js';
import type { Libvirt } from '../../testbed/libvirt.js';
import { GUEST_READY_MARKER, startTinyGuest } from '../../testbed/guest.js';
import type { TinyGuest } from '../../testbed/guest.js';
import { vethPair } from '../../testbed/netns.js';
import type { VethPair } from '../../testbed/netns.js';
import { run, waitFor } from '../../testbed/exec.js';
import { testRun } from '../../testbed/test-run.js';
import { NotifyListener, startHvnetd, writeConfig } from '../agent/harness.js';
import type { HvnetdSetup, RunningHvnetd } from '../agent/harness.js';
import type { ResultOf } from '../../agent/api/methods.js';
import { nicListMethod, nicPoolMethod } from '../../agent/api/nics.js';
import type { NicRow, nicAttachMethod, nicDetachMethod } from '../../agent/api/nics.js';
import { statusMethod } from '../../agent/api/methods.js';
import type { HostStatus } from '../../agent/api/status.js';
import { parseDomainInterfaces } from '../../lib/domxml/parse.js';
import { NicCli, assertMacvtapMode, defineStoppedDomain, interfaceWithMac, linkExists, skipVm } from './helpers.js';
import type { StoppedDomain } from './helpers.js';

type Attach = ResultOf<typeof nicAttachMethod>;
type Detach = ResultOf<typeof nicDetachMethod>;
type Pool = ResultOf<typeof nicPoolMethod>;

const MODES = ['vepa', 'bridge', 'private', 'passthrough'] as const;
const QBG = { managerid: 11, typeid: 1193047, typeidversion: 2, instanceid: '09b11c53-8b5c-4eeb-8f00-d84eaa0aaa4f' };
const QBG_ARGS = ['--virtualport', '802.1Qbg', `managerid=${QBG.managerid}`, `typeid=${QBG.typeid}`, `typeidversion=${QBG.typeidversion}`, `instanceid=${QBG.instanceid}`];
const QBH_ARGS = ['--virtualport', '802.1Qbh', 'profileid=finance'];

describe('agent-nic: hvnet nic through hvnetd and libvirt', function () {
  this.timeout(120_000);
  let ovn: OvnHandle;
  let libvirt: Libvirt;
  let guest: TinyGuest;
  let stopped: StoppedDomain;
  let setup: HvnetdSetup;
  let hv: RunningHvnetd;
  let cli: NicCli;
  let notify: NotifyListener;
  let t0 = 0;

  const dumpxml = (dom: string, inactive = false): Promise<string> => libvirt.virsh(['dumpxml', dom, ...(inactive ? ['--inactive'] : [])]);
  const pool = (): Promise<Pool> => cli.json<Pool>(['nic', 'pool']);
  const status = async (): Promise<HostStatus> => (await cli.json<{ status: HostStatus }>(['status'])).status;

  before(async function () {
    if (skipVm()) this.skip();
    this.timeout(240_000);
    ovn = await startOvn({ northd: false });
    libvirt = await startLibvirt();
    guest = await startTinyGuest(libvirt);
    stopped = await defineStoppedDomain(libvirt);
    setup = writeConfig(testRun.tempDir('agent-nic'), ovn.nb.unix, { libvirt: { enabled: true } });
    notify = await NotifyListener.start(setup.dir);
    t0 = Date.now();
    hv = await startHvnetd(setup, { env: { NOTIFY_SOCKET: notify.path } });
    cli = new NicCli(setup.socket);
    await waitFor('hvnetd connected to libvirt', async () => ((await status()).libvirt.state === 'connected' ? true : undefined), 15_000, 100);
  });

  after(async () => {
    await hv?.daemon.stop();
    await notify?.stop();
    await stopped?.remove();
    await guest?.stop();
    await libvirt?.stop();
    await ovn?.stop();
  });

  it('[vm] READY waited for libvirt: its STATUS says libvirt connected', async function () {
    if (skipVm()) this.skip();
    const ready = await notify.waitFor(/^READY=1$/, t0, 10_000);
    const st = notify.since(t0, /^STATUS=/).filter((l) => l.at <= ready.at + 50).map((l) => l.text);
    assert.match(st.at(-1) ?? '', /libvirt connected/, st.join('\n'));
  });

  it('[vm] each macvtap mode: live attach, persistent across destroy + start, detach from both', async function () {
    if (skipVm()) this.skip();
    const veths: VethPair[] = [];
    const nics: { mode: (typeof MODES)[number]; mac: string; source: string }[] = [];
    for (const mode of MODES) {
      const veth = await vethPair();
      veths.push(veth);
      const from = guest.console().length;
      const r = await cli.json<Attach>(['nic', 'attach', guest.name, '--source', veth.a, '--mode', mode]);
      assert.equal(r.live, true);
      assert.equal(r.config, true);
      assert.ok(r.target, 'no target in the reply');
      const live = interfaceWithMac(await dumpxml(guest.name), r.mac);
      assert.ok(live, `${r.mac} not in the live XML`);
      assert.match(live, new RegExp(`<source dev='${veth.a}' mode='${mode}'/>`));
      assert.match(live, new RegExp(`<target dev='${r.target}'/>`));
      assert.ok(interfaceWithMac(await dumpxml(guest.name, true), r.mac), `${r.mac} not in the persistent XML`);
      await assertMacvtapMode(r.target, mode);
      await guest.waitForConsole(new RegExp(`HVNET-NETS up=\\S+ .*\\beth${nics.length}\\b`), 30_000, from);
      nics.push({ mode, mac: r.mac, source: veth.a });
    }
    const rows = await cli.json<NicRow[]>(['nic', 'list', guest.name]);
    assert.deepEqual(
      rows.map((n) => [n.mac, n.source, n.mode, n.state]),
      nics.map((n) => [n.mac, n.source, n.mode, 'live+config']),
    );
    // The controller report carries the host status: every MAC is in it.
    await waitFor('NICs in the status', async () => {
      const s = await status();
      return nics.every((n) => s.nics.some((x) => x.mac === n.mac && x.vm === guest.name)) ? true : undefined;
    }, 5_000, 100);
    const table = await cli.run(['nic', 'list']);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /\| DOMAIN +\| MAC +\| KIND +\| SOURCE +\| MODE +\| MODEL +\| VIRTUALPORT +\| TARGET +\| ADDRESSES +\| STATE +\|/);
    const csv = await cli.run(['nic', 'list', '--format', 'csv']);
    assert.equal(csv.stdout.split('\n')[0], 'DOMAIN,MAC,KIND,SOURCE,MODE,MODEL,VIRTUALPORT,TARGET,ADDRESSES,STATE,HVNET');
    const yaml = await cli.run(['nic', 'list', '--format', 'yaml']);
    assert.match(yaml.stdout, new RegExp(`mac: ${nics[0]?.mac}`));

    // Persistent: destroy + start brings all four back.
    await libvirt.virsh(['destroy', guest.name]);
    for (const v of veths) await run('ip', ['link', 'set', v.a, 'up']); // passthrough leaves its lower device down
    await libvirt.virsh(['start', guest.name]);
    await guest.waitForConsole(new RegExp(GUEST_READY_MARKER), 120_000);
    const afterStart = await dumpxml(guest.name);
    for (const n of nics) {
      const live = interfaceWithMac(afterStart, n.mac);
      assert.ok(live, `${n.mode} NIC ${n.mac} did not survive destroy + start`);
      assert.match(live, new RegExp(`mode='${n.mode}'`));
      const target = /<target dev='([^']+)'/.exec(live)?.[1];
      assert.ok(target);
      await assertMacvtapMode(target, n.mode);
    }

    for (const n of nics) {
      const target = parseDomainInterfaces(await dumpxml(guest.name)).find((i) => i.mac === n.mac)?.targetDev;
      const d = await cli.json<Detach>(['nic', 'detach', guest.name, n.mac]);
      assert.deepEqual([d.live, d.config], [true, true], `${n.mode}: ${JSON.stringify(d)}`);
      assert.equal(interfaceWithMac(await dumpxml(guest.name), n.mac), undefined);
      assert.equal(interfaceWithMac(await dumpxml(guest.name, true), n.mac), undefined);
      if (target !== undefined) assert.equal(await linkExists(target), false, `${target} still exists`);
    }
    assert.deepEqual(await cli.json<NicRow[]>(['nic', 'list', guest.name]), []);
    const p = await pool();
    for (const n of nics) assert.ok(!p.allocations.some((a) => a.mac === n.mac), `${n.mac} still allocated`);
    for (const v of veths) await v.delete();
  });

  it('[vm] 802.1Qbg and 802.1Qbh --config on a stopped domain are stored exactly; a missing source is a warning', async function () {
    if (skipVm()) this.skip();
    const veth = await vethPair();
    const before = await dumpxml(stopped.name, true);
    const dry = await cli.run(['nic', 'attach', stopped.name, '--source', 'hvnomissing0', '--dry-run']);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /^<interface type=["']direct["']>/);
    assert.match(dry.stderr, /warning: source device hvnomissing0 does not exist/);
    assert.equal(await dumpxml(stopped.name, true), before, '--dry-run changed the domain');

    const qbg = await cli.json<Attach>(['nic', 'attach', stopped.name, '--source', veth.a, '--mode', 'vepa', ...QBG_ARGS]);
    assert.deepEqual([qbg.live, qbg.config], [false, true]);
    assert.ok(qbg.warnings.some((w) => /802\.1Qbg source .* veth/.test(w)), JSON.stringify(qbg.warnings));
    const qbh = await cli.json<Attach>(['nic', 'attach', stopped.name, '--source', veth.a, '--mode', 'private', ...QBH_ARGS, '--config']);
    assert.deepEqual([qbh.live, qbh.config], [false, true]);
    const ifaces = parseDomainInterfaces(await dumpxml(stopped.name, true));
    assert.deepEqual(ifaces.find((i) => i.mac === qbg.mac)?.virtualport, { type: '802.1Qbg', ...QBG });
    assert.deepEqual(ifaces.find((i) => i.mac === qbh.mac)?.virtualport, { type: '802.1Qbh', profileid: 'finance' });
    const rows = await cli.json<NicRow[]>(['nic', 'list', stopped.name]);
    assert.deepEqual(
      rows.map((r) => [r.mac, r.state, r.virtualport]),
      [
        [qbg.mac, 'config', `802.1Qbg managerid=11 typeid=1193047 typeidversion=2 instanceid=${QBG.instanceid}`],
        [qbh.mac, 'config', '802.1Qbh profileid=finance'],
      ],
    );
    for (const mac of [qbg.mac, qbh.mac]) {
      const d = await cli.json<Detach>(['nic', 'detach', stopped.name, mac]);
      assert.deepEqual([d.live, d.config], [false, true]);
    }
    assert.equal(await dumpxml(stopped.name, true), before);
    await veth.delete();
  });

  it('[vm] a live 802.1Qbh that libvirt refuses and a live 802.1Qbg on a veth leave both XMLs byte-for-byte, the MAC back in the pool', async function () {
    if (skipVm()) this.skip();
    const veth = await vethPair();
    const liveBefore = await dumpxml(guest.name);
    const configBefore = await dumpxml(guest.name, true);
    const macQbh = '02:68:6e:aa:00:01';
    const macQbg = '02:68:6e:aa:00:02';

    const qbh = await cli.run(['nic', 'attach', guest.name, '--source', veth.a, '--mode', 'private', ...QBH_ARGS, '--mac', macQbh]);
    assert.equal(qbh.code, 1, `${qbh.stdout}${qbh.stderr}`);
    assert.match(qbh.stderr, /PortProfileRequest failed/);
    assert.match(qbh.stderr, /hint: 802\.1Qbh needs/);
    const qbhJson = await cli.run(['nic', 'attach', guest.name, '--source', veth.a, '--mode', 'private', ...QBH_ARGS, '--mac', macQbh, '--format', 'json']);
    assert.equal(qbhJson.code, 1);

    const qbg = await cli.run(['nic', 'attach', guest.name, '--source', veth.a, '--mode', 'vepa', ...QBG_ARGS, '--mac', macQbg]);
    assert.equal(qbg.code, 1, `${qbg.stdout}${qbg.stderr}`);
    assert.match(qbg.stderr, /802\.1Qbg source .* refused \(veth\)/);

    assert.equal(await dumpxml(guest.name), liveBefore, 'live XML changed');
    assert.equal(await dumpxml(guest.name, true), configBefore, 'persistent XML changed');
    const p = await pool();
    assert.ok(!p.allocations.some((a) => a.mac === macQbh || a.mac === macQbg), JSON.stringify(p.allocations));
    const state = readFileSync(join(setup.dir, 'state', 'macpool.json'), 'utf8');
    assert.doesNotMatch(state, /02:68:6e:aa:00:0[12]/);
    // Back in the pool: the same MAC can be used at once.
    const ok = await cli.json<Attach>(['nic', 'attach', guest.name, '--source', veth.a, '--mode', 'bridge', '--mac', macQbh, '--config']);
    assert.equal(ok.mac, macQbh);
    await cli.json<Detach>(['nic', 'detach', guest.name, macQbh]);
    assert.equal(await dumpxml(guest.name, true), configBefore);
    await veth.delete();
  });

  it('[vm] detach from a paused guest fails clearly after the bound; after resume it completes', async function () {
    if (skipVm()) this.skip();
    const veth = await vethPair();
    const from = guest.console().length;
    const a = await cli.json<Attach>(['nic', 'attach', guest.name, '--source', veth.a, '--mode', 'bridge']);
    await guest.waitForConsole(/HVNET-NETS up=\S+ .*\beth0\b/, 30_000, from);
    await libvirt.virsh(['suspend', guest.name]);
    try {
      const t0 = Date.now();
      const r = await cli.run(['nic', 'detach', guest.name, a.mac, '--timeout', '2']);
      const ms = Date.now() - t0;
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /did not release device .* within 2000 ms/);
      assert.match(r.stderr, /run the detach again/);
      assert.ok(ms >= 2_000 && ms < 9_000, `took ${ms} ms`);
      assert.ok(interfaceWithMac(await dumpxml(guest.name, true), a.mac), 'the persistent copy must stay until the live one is gone');
    } finally {
      await libvirt.virsh(['resume', guest.name]);
    }
    await waitFor('the guest completes the unplug', async () => (interfaceWithMac(await dumpxml(guest.name), a.mac) === undefined ? true : undefined), 15_000, 100);
    const d = await cli.json<Detach>(['nic', 'detach', guest.name, a.mac]);
    assert.equal(d.config, true);
    assert.equal(interfaceWithMac(await dumpxml(guest.name, true), a.mac), undefined);
    await veth.delete();
  });

  it('[vm] MAC pool: allocations survive an hvnetd restart; duplicate MACs are refused', async function () {
    if (skipVm()) this.skip();
    const veth = await vethPair();
    const a = await cli.json<Attach>(['nic', 'attach', guest.name, '--source', veth.a, '--mode', 'bridge', '--config']);
    assert.match(a.mac, /^02:68:6e:/);
    // A NIC made behind hvnet's back (virsh) counts too.
    const foreign = '52:54:00:5e:77:01';
    await libvirt.virsh(['attach-interface', stopped.name, 'direct', veth.a, '--mac', foreign, '--config']);

    const pid = hv.daemon.pid;
    await hv.daemon.stop();
    hv = await startHvnetd(setup, { logName: 'hvnetd-2.log' });
    assert.notEqual(hv.daemon.pid, pid);
    await waitFor('libvirt connected again', async () => ((await status()).libvirt.state === 'connected' ? true : undefined), 15_000, 100);
    const p = await pool();
    assert.ok(p.allocations.some((x) => x.mac === a.mac && x.domain === guest.name), JSON.stringify(p.allocations));
    // The NIC virsh made is listed apart, never as one of hvnet's allocations.
    assert.ok(!p.allocations.some((x) => x.mac === foreign), JSON.stringify(p.allocations));
    assert.deepEqual(
      p.foreign.filter((x) => x.mac === foreign),
      [{ mac: foreign, domain: stopped.name, reason: 'not-hvnet' }],
    );
    const rows = await cli.json<NicRow[]>(['nic', 'list', stopped.name]);
    assert.deepEqual(
      rows.map((r) => [r.mac, r.managed]),
      [[foreign, false]],
    );
    assert.deepEqual(
      (await cli.json<NicRow[]>(['nic', 'list', guest.name])).filter((r) => r.mac === a.mac).map((r) => r.managed),
      [true],
    );

    for (const mac of [a.mac, foreign, foreign.toUpperCase()]) {
      const dup = await cli.run(['nic', 'attach', stopped.name, '--source', veth.a, '--mac', mac, '--format', 'json']);
      assert.equal(dup.code, 1, `${mac}: ${dup.stdout}${dup.stderr}`);
      assert.equal(dup.stdout, '');
      const err = JSON.parse(dup.stderr) as { code: string; message: string; details: { reason?: string } };
      assert.equal(err.code, 'HVNET_NIC_DUPLICATE_MAC');
      assert.equal(err.details.reason, 'duplicate-mac');
      assert.match(err.message, /already used by/);
    }
    const next = await cli.json<Attach>(['nic', 'attach', stopped.name, '--source', veth.a, '--dry-run']);
    assert.notEqual(next.mac, a.mac);
    assert.ok(next.mac > a.mac, `${next.mac} should come after ${a.mac} (the cursor survives)`);
    // A dry run shows the MAC the attach will take: the same every time, then taken by the attach.
    const again = await cli.json<Attach>(['nic', 'attach', stopped.name, '--source', veth.a, '--dry-run']);
    assert.equal(again.mac, next.mac);
    assert.equal(again.alias, next.alias);
    const real = await cli.json<Attach>(['nic', 'attach', stopped.name, '--source', veth.a]);
    assert.equal(real.mac, next.mac);
    await cli.json<Detach>(['nic', 'detach', stopped.name, real.mac]);

    await cli.json<Detach>(['nic', 'detach', guest.name, a.mac]);
    await cli.json<Detach>(['nic', 'detach', stopped.name, foreign]);
    await veth.delete();
  });

  it('[vm] a NIC attached live with virsh behind hvnetd\'s back is seen by the duplicate-MAC check at once (DEVICE_ADDED)', async function () {
    if (skipVm()) this.skip();
    const veth = await vethPair();
    // Warm: hvnetd's inventory is loaded before virsh acts, so only the event can tell it.
    await cli.json<Attach>(['nic', 'attach', stopped.name, '--source', veth.a, '--config', '--dry-run']);
    const foreign = '52:54:00:5e:77:02';
    const file = join(testRun.tempDir('foreign-nic'), 'nic.xml');
    writeFileSync(file, `<interface type='direct'><mac address='${foreign}'/><source dev='${veth.a}' mode='bridge'/><model type='virtio'/></interface>\n`);
    await libvirt.virsh(['attach-device', guest.name, file, '--live']);
    const dup = await cli.run(['nic', 'attach', stopped.name, '--source', veth.a, '--mac', foreign, '--config', '--format', 'json']);
    assert.equal(dup.code, 1, `${dup.stdout}${dup.stderr}`);
    assert.equal((JSON.parse(dup.stderr) as { code: string }).code, 'HVNET_NIC_DUPLICATE_MAC');
    assert.match(dup.stderr, new RegExp(`already used by a NIC of domain ${guest.name}`));
    assert.equal(interfaceWithMac(await dumpxml(stopped.name, true), foreign), undefined);
    const d = await cli.json<Detach>(['nic', 'detach', guest.name, foreign]);
    assert.equal(d.live, true);
    await veth.delete();
  });

  it('[vm] a NIC hvnet attached and virsh detached live is gone from nic list, the status and the pool within 2 s; its MAC is free', async function () {
    if (skipVm()) this.skip();
    const veth = await vethPair();
    const a = await cli.json<Attach>(['nic', 'attach', guest.name, '--source', veth.a, '--mode', 'bridge', '--live']);
    assert.equal(a.live, true);
    const where = async (): Promise<string[]> => {
      const [list, st, p] = await Promise.all([hv.client.call(nicListMethod, {}), hv.client.call(statusMethod, {}), hv.client.call(nicPoolMethod, {})]);
      const seen: string[] = [];
      if (list.nics.some((r) => r.mac === a.mac)) seen.push('nic.list');
      if (st.status.nics.some((r) => r.mac === a.mac)) seen.push('status.nics');
      if ([...p.allocations, ...p.foreign].some((x) => x.mac === a.mac)) seen.push('nic.pool');
      return seen;
    };
    // hvnetd knows the NIC everywhere before virsh acts: only libvirt's event can tell it of the detach.
    await waitFor('the NIC everywhere', async () => ((await where()).length === 3 ? true : undefined), 5_000, 50);
    const file = join(testRun.tempDir('foreign-detach'), 'nic.xml');
    writeFileSync(file, a.xml);
    await libvirt.virsh(['detach-device', guest.name, file, '--live']);
    const t = performance.now();
    assert.equal(interfaceWithMac(await dumpxml(guest.name), a.mac), undefined, 'virsh returned before the guest released the NIC');
    let seen: string[] = [];
    await waitFor('the NIC gone from hvnetd', async () => ((seen = await where()).length === 0 ? true : undefined), 2_000, 20).catch((e: unknown) => {
      throw new Error(`${(e as Error).message}: still in ${seen.join(', ')} ${Math.round(performance.now() - t)} ms after virsh returned`);
    });
    // Free: the CLI agrees, and hvnet can give the MAC to a NIC again (never while another NIC has it).
    assert.ok(!(await cli.json<NicRow[]>(['nic', 'list'])).some((r) => r.mac === a.mac));
    const again = await cli.json<Attach>(['nic', 'attach', stopped.name, '--source', veth.a, '--mac', a.mac, '--config']);
    assert.equal(again.mac, a.mac);
    const dup = await cli.run(['nic', 'attach', guest.name, '--source', veth.a, '--mac', a.mac, '--live', '--format', 'json']);
    assert.equal((JSON.parse(dup.stderr) as { code: string }).code, 'HVNET_NIC_DUPLICATE_MAC', dup.stderr);
    await cli.json<Detach>(['nic', 'detach', stopped.name, a.mac]);
    await veth.delete();
  });

  it('[vm] libvirtd restarted under hvnetd: it reconnects and nic list works again', async function () {
    if (skipVm()) this.skip();
    const veth = await vethPair();
    const a = await cli.json<Attach>(['nic', 'attach', guest.name, '--source', veth.a, '--mode', 'vepa', '--config']);
    const pid = hv.daemon.pid;
    await libvirt.restart();
    const rows = await waitFor(
      'nic list after the restart',
      async () => {
        const r = await cli.run(['nic', 'list', '--format', 'json']);
        return r.code === 0 ? (JSON.parse(r.stdout) as NicRow[]) : undefined;
      },
      20_000,
      200,
    );
    assert.ok(rows.some((r) => r.mac === a.mac && r.state === 'config'));
    assert.equal(hv.daemon.pid, pid);
    assert.equal(hv.daemon.hasExited, false);
    await waitFor('status says connected', async () => ((await status()).libvirt.state === 'connected' ? true : undefined), 10_000, 100);
    await cli.json<Detach>(['nic', 'detach', guest.name, a.mac]);
    await veth.delete();
  });

  it('[vm] a domain undefined behind hvnetd\'s back gives its MACs back to the pool (UNDEFINED event)', async function () {
    if (skipVm()) this.skip();
    const veth = await vethPair();
    const dom = await defineStoppedDomain(libvirt);
    const a = await cli.json<Attach>(['nic', 'attach', dom.name, '--source', veth.a, '--config']);
    assert.ok((await pool()).allocations.some((x) => x.mac === a.mac && x.domain === dom.name));
    await libvirt.virsh(['undefine', dom.name]);
    await waitFor('the MAC released', async () => ((await pool()).allocations.some((x) => x.mac === a.mac) ? undefined : true), 5_000, 100);
    await dom.remove();
    await veth.delete();
  });

  it('[vm] with libvirtd down, nic list fails at once and the status says libvirt is disconnected', async function () {
    if (skipVm()) this.skip();
    process.kill(libvirt.libvirtdPid, 'SIGKILL');
    try {
      await waitFor('status says disconnected', async () => ((await status()).libvirt.state === 'disconnected' ? true : undefined), 10_000, 100);
      const t0 = Date.now();
      const r = await cli.run(['nic', 'list']);
      const ms = Date.now() - t0;
      assert.equal(r.code, 1, r.stdout);
      assert.match(r.stderr, /libvirt \(.*\) is not connected: libvirtd went away/);
      assert.ok(ms < 3_000, `nic list took ${ms} ms`);
    } finally {
      await libvirt.restart();
    }
    await waitFor('status says connected', async () => ((await status()).libvirt.state === 'connected' ? true : undefined), 20_000, 100);
  });

  describe('libvirtd lost during an attach (test hook)', () => {
    const logName = 'hvnetd-drop.log';
    let veth: VethPair;

    before(async function () {
      if (skipVm()) this.skip();
      await hv.daemon.stop();
      hv = await startHvnetd(setup, { logName, env: { HVNET_TEST_DROP_LIBVIRT_AFTER_ATTACH: '1' } });
      await waitFor('libvirt connected', async () => ((await status()).libvirt.state === 'connected' ? true : undefined), 15_000, 100);
      veth = await vethPair();
    });

    after(async () => {
      await veth?.delete();
      await hv?.daemon.stop();
      hv = await startHvnetd(setup, { logName: 'hvnetd-after-drop.log' });
    });

    const events = async (code: string, mac: string): Promise<string[]> =>
      ((await status()).events ?? []).filter((e) => e.code === code && e.message.includes(mac)).map((e) => e.message);

    it('[vm] the lost answer is an unknown outcome (exit 75, says libvirtd went away); the MAC stays reserved; the check finds the NIC attached', async function () {
      if (skipVm()) this.skip();
      const mac = '02:68:6e:bb:00:01';
      const r = await cli.run(['nic', 'attach', guest.name, '--source', veth.a, '--mode', 'bridge', '--mac', mac, '--format', 'json']);
      assert.equal(r.code, 75, `${r.stdout}${r.stderr}`);
      const err = JSON.parse(r.stderr) as { code: string; message: string; details: { mac?: string } };
      assert.equal(err.code, 'HVNET_NIC_OUTCOME_UNKNOWN');
      assert.match(err.message, /libvirtd went away/);
      assert.doesNotMatch(err.message, /paused|PCIe slot/);
      assert.equal(err.details.mac, mac);
      const found = await waitFor('the outcome event', async () => ((await events('nic-attach-outcome', mac)).at(0)), 10_000, 100);
      assert.match(found, /it happened; the NIC is in the domain's live XML/);
      assert.ok((await pool()).allocations.some((x) => x.mac === mac && x.domain === guest.name), 'MAC released although the NIC exists');
      assert.ok(interfaceWithMac(await dumpxml(guest.name), mac));
      // The failure is logged with the API request it belongs to and its cause.
      const log = readFileSync(join(setup.dir, logName), 'utf8');
      const line = log.split('\n').find((l) => l.includes('"NIC attach failed"') && l.includes(mac));
      assert.ok(line, 'no log line for the failed attach');
      const entry = JSON.parse(line) as { level: string; request?: { method?: string; id?: unknown }; code?: string; cause?: string };
      assert.equal(entry.level, 'warn');
      assert.equal(entry.request?.method, 'nic.attach');
      assert.equal(typeof entry.request?.id, 'number');
      assert.equal(entry.code, 'HVNET_NIC_OUTCOME_UNKNOWN');
      assert.match(entry.cause ?? '', /connection dropped/);
      const d = await cli.json<Detach>(['nic', 'detach', guest.name, mac]);
      assert.equal(d.live, true);
    });

    it('[vm] a macvtap with the MAC that libvirt does not know of is reported as an orphan; the MAC is not handed out while it exists', async function () {
      if (skipVm()) this.skip();
      const mac = '02:68:6e:bb:00:02';
      const orphan = `hvorph${process.pid % 1000}`;
      await run('ip', ['link', 'add', 'link', veth.a, 'name', orphan, 'address', mac, 'type', 'macvtap', 'mode', 'bridge']);
      await run('ip', ['link', 'set', orphan, 'up']);
      try {
        const r = await cli.run(['nic', 'attach', guest.name, '--source', veth.a, '--mode', 'bridge', '--mac', mac, '--live']);
        assert.equal(r.code, 75, `${r.stdout}${r.stderr}`);
        const found = await waitFor('the orphan event', async () => ((await events('nic-orphan-macvtap', mac)).at(0)), 10_000, 100);
        assert.match(found, new RegExp(`not in the domain's XML but ${orphan} on ${veth.a} carries the MAC`));
        assert.equal(interfaceWithMac(await dumpxml(guest.name), mac), undefined);
        const p = await pool();
        assert.ok(p.allocations.some((x) => x.mac === mac && x.pending === true), JSON.stringify(p.allocations));
        const again = await cli.run(['nic', 'attach', stopped.name, '--source', veth.a, '--mac', mac, '--config', '--format', 'json']);
        assert.equal((JSON.parse(again.stderr) as { code: string }).code, 'HVNET_NIC_DUPLICATE_MAC');
      } finally {
        await run('ip', ['link', 'delete', orphan]).catch(() => undefined);
      }
      // The next re-read (here: the one an undefined domain sets off) sees the link gone and releases the MAC.
      const dom = await defineStoppedDomain(libvirt);
      await libvirt.virsh(['undefine', dom.name]);
      await waitFor('the MAC released', async () => ((await pool()).allocations.some((x) => x.mac === mac) ? undefined : true), 10_000, 100);
      assert.match((await events('nic-attach-outcome', mac)).join('\n'), /orphan macvtap .* is gone; MAC released/);
      await dom.remove();
    });
  });
});
