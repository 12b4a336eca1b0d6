// hvnet nic attach --network: a VM NIC on an hvnet OVN network, against real OVN (NB, SB, northd,
// a chassis whose ovs-vswitchd runs in the root namespace, where libvirt makes the taps), a real
// libvirtd and the TCG tiny guest. The guest gets IPv4 from OVN's DHCP (busybox udhcpc) and IPv6
// from its router advertisements, pings its gateway and a namespace workload on a peered network
// (v4, v6, TCP); without the peering it cannot. Detach removes the OVS port and the logical
// switch port and frees the address. A missing /run/openvswitch/db.sock refuses the attach.
import assert from 'node:assert/strict';
import { renameSync } from 'node:fs';
import { startOvn } from '../../testbed/ovn.js';
import type { OvnHandle } from '../../testbed/ovn.js';
import { OVS_DEFAULT_SOCKET, startChassis } from '../../testbed/chassis.js';
import type { ChassisHandle, Workload } from '../../testbed/chassis.js';
import { startLibvirt } from '../../testbed/libvirt.js';
import type { Libvirt } from '../../testbed/libvirt.js';
import { startTinyGuest } from '../../testbed/guest.js';
import type { TinyGuest } from '../../testbed/guest.js';
import { waitFor } from '../../testbed/exec.js';
import { testRun } from '../../testbed/test-run.js';
import { startHvnetd, writeConfig } from '../agent/harness.js';
import type { HvnetdSetup, RunningHvnetd } from '../agent/harness.js';
import type { ResultOf } from '../../agent/api/methods.js';
import type { NicRow, nicAttachMethod, nicDetachMethod } from '../../agent/api/nics.js';
import type { HostStatus } from '../../agent/api/status.js';
import { NicCli, defineStoppedDomain, interfaceWithMac, skipVm } from './helpers.js';
import { typeOnConsole } from '../../testbed/guest-console.js';

type Attach = ResultOf<typeof nicAttachMethod>;
type Detach = ResultOf<typeof nicDetachMethod>;

const WL = { lsp: 'wl-net2', mac: '00:16:3e:00:02:10', ip: '10.10.2.10', ip6: 'fd42:2::10' };

describe('agent-nic: hvnet nic attach --network (a VM on an OVN network)', function () {
  this.timeout(180_000);
  let ovn: OvnHandle;
  let chassis: ChassisHandle;
  let libvirt: Libvirt;
  let guest: TinyGuest;
  let setup: HvnetdSetup;
  let hv: RunningHvnetd;
  let cli: NicCli;
  let wl: Workload;

  const status = async (): Promise<HostStatus> => (await cli.json<{ status: HostStatus }>(['status'])).status;
  const lspUp = async (port: string): Promise<string> => (await ovn.nbctl(['lsp-get-up', port])).trim();
  /** Types a line; returns the value after `marker rc=` printed by it. */
  const guestRun = async (line: string, marker: string, timeoutMs = 60_000): Promise<string> => {
    const at = guest.console().length;
    await typeOnConsole(libvirt, guest.name, `${line}; echo ${marker} rc=$?`);
    const m = await guest.waitForConsole(new RegExp(`${marker} rc=([0-9]+)`), timeoutMs, at);
    return m[1] ?? '';
  };

  /** The guest's interface with this MAC (eth0, eth1…). */
  const guestNic = async (mac: string): Promise<string> => {
    const at = guest.console().length;
    await typeOnConsole(libvirt, guest.name, `for n in /sys/class/net/*; do [ "$(cat $n/address)" = ${mac} ] && echo HVNET-DEV=\${n##*/}.; done`);
    const m = await guest.waitForConsole(/HVNET-DEV=(eth[0-9]+)\./, 30_000, at);
    return m[1] ?? '';
  };

  before(async function () {
    if (skipVm()) this.skip();
    this.timeout(300_000);
    ovn = await startOvn();
    chassis = await startChassis({ sb: ovn.sb.unix, vswitchdNetns: 'root', intBridge: `${testRun.nextName()}i`, defaultDbSocket: true });
    libvirt = await startLibvirt();
    guest = await startTinyGuest(libvirt);
    // A short grace period: the orphan test waits for it.
    // The SB: orphan VM ports are judged by their Port_Binding's chassis.
    setup = writeConfig(testRun.tempDir('agent-nic-ovn'), ovn.nb.unix, { libvirt: { orphanPortGraceSeconds: 2 }, ovn: { sb: { remotes: ovn.sb.unix } } });
    hv = await startHvnetd(setup);
    cli = new NicCli(setup.socket);
    await waitFor('hvnetd connected to libvirt', async () => ((await status()).libvirt.state === 'connected' ? true : undefined), 15_000, 100);
    await cli.json(['network', 'create', 'net1', '--ipv4', '10.10.1.1/24', '--ipv6', 'fd42:1::1/64']);
    await cli.json(['network', 'create', 'net2', '--ipv4', '10.10.2.1/24', '--ipv6', 'fd42:2::1/64']);
    await cli.json(['network', 'peer', 'create', 'net1', 'to2', 'net2']);
    await cli.json(['network', 'peer', 'create', 'net2', 'to1', 'net1']);
    await ovn.nbctl(['lsp-add', 'hvnet-net2-ls-int', WL.lsp, '--', 'lsp-set-addresses', WL.lsp, `${WL.mac} ${WL.ip} ${WL.ip6}`]);
    wl = await chassis.plugNamespace(WL.lsp, WL.mac, `${WL.ip}/24`, '10.10.2.1', { ipv6: `${WL.ip6}/64`, gw6: 'fd42:2::1' });
  });

  after(async () => {
    await hv?.daemon.stop();
    await guest?.stop();
    await libvirt?.stop();
    await wl?.unplug();
    await chassis?.stop();
    await ovn?.stop();
  });

  it('[vm] DHCPv4 and SLAAC from OVN, gateway and peered workload reachable (v4, v6, TCP); not after the peering is deleted; detach removes port and address', async function () {
    if (skipVm()) this.skip();
    const dry = await cli.run(['nic', 'attach', guest.name, '--network', 'net1', '--dry-run']);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /# OVN NB transaction[\s\S]*"Logical_Switch_Port"[\s\S]*# libvirt device XML\n<interface type="bridge">/);
    assert.match(dry.stdout, new RegExp(`<source bridge="${chassis.intBridge}"/>`));
    assert.match(dry.stdout, /<virtualport type="openvswitch">/);
    assert.match(dry.stdout, /<host csum="off"\/>/);
    assert.doesNotMatch(await ovn.nbctl(['--columns=external_ids', 'list', 'Logical_Switch_Port']), /hvnet:vm-port/, 'dry run wrote to the NB');

    const r = await cli.json<Attach>(['nic', 'attach', guest.name, '--network', 'net1']);
    assert.equal(r.kind, 'network');
    assert.equal(r.network, 'default/net1');
    assert.ok(r.port);
    const [ipv4, ipv6] = r.addresses ?? [];
    assert.equal(ipv4, '10.10.1.2');
    assert.match(ipv6 ?? '', /^fd42:1::/);
    const live = interfaceWithMac(await libvirt.virsh(['dumpxml', guest.name]), r.mac);
    assert.ok(live);
    assert.match(live, new RegExp(`<parameters interfaceid='${r.port}'/>`));
    await waitFor(`LSP ${r.port} up`, async () => ((await lspUp(r.port ?? '')) === 'up' ? true : undefined), 20_000, 100);
    await guest.waitForConsole(/HVNET-NETS up=\S+ .*\beth0\b/, 30_000);

    const script = `printf '#!/bin/sh\\n[ "$1" = bound ] && ip addr add $ip/$mask dev $interface && ip route add default via $router && echo HVNET-LEASE ip=$ip router=$router >/dev/console\\nexit 0\\n' >/tmp/u.sh; chmod +x /tmp/u.sh`;
    assert.equal(await guestRun(`${script}; ip link set eth0 up; udhcpc -i eth0 -f -q -n -t 20 -T 1 -s /tmp/u.sh >/dev/null 2>&1`, 'HVNET-DHCP'), '0', guest.console().slice(-2000));
    const lease = await guest.waitForConsole(/HVNET-LEASE ip=([0-9.]+) router=([0-9.]+)/, 5_000);
    assert.deepEqual([lease[1], lease[2]], ['10.10.1.2', '10.10.1.1']);
    assert.equal(await guestRun('ping -c 2 -W 2 10.10.1.1 >/dev/null', 'HVNET-GW'), '0', 'gateway ping');
    assert.equal(await guestRun(`ping -c 2 -W 2 ${WL.ip} >/dev/null`, 'HVNET-WL4'), '0', 'workload ping (v4) across the peering');
    assert.ok(await wl.ping('10.10.1.2', { count: 2, waitS: 2 }), 'workload -> guest');
    // SLAAC: the address hvnet put in port security is the one the guest forms.
    assert.equal(await guestRun(`i=0; while [ $i -lt 40 ] && ! ip -6 addr show dev eth0 scope global | grep -q ${ipv6}; do sleep 0.5; i=$((i+1)); done; ip -6 addr show dev eth0 scope global | grep -q ${ipv6}`, 'HVNET-SLAAC', 40_000), '0', guest.console().slice(-1500));
    assert.equal(await guestRun(`ping -6 -c 2 -W 2 ${WL.ip6} >/dev/null`, 'HVNET-WL6'), '0', 'workload ping (v6)');
    // TCP both ways needs <host csum='off'/> on the userspace datapath.
    const server = wl.exec('timeout', ['20', 'python3', '-c', 'import socket;s=socket.socket();s.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1);s.bind(("0.0.0.0",5555));s.listen(1);s.settimeout(15);c,a=s.accept();c.sendall(b"x"*100000);c.close()']);
    await new Promise((res) => setTimeout(res, 500));
    const at = guest.console().length;
    await typeOnConsole(libvirt, guest.name, `echo HVNET-TCP $(nc -w 5 ${WL.ip} 5555 </dev/null | wc -c) bytes`);
    const tcp = await guest.waitForConsole(/HVNET-TCP ([0-9]+) bytes/, 20_000, at);
    await server.catch(() => undefined);
    assert.equal(tcp[1], '100000', 'TCP from the workload to the guest');

    const rows = await cli.json<NicRow[]>(['nic', 'list', guest.name]);
    assert.deepEqual(rows.map((n) => [n.kind, n.network, n.addresses, n.state]), [['network', 'default/net1', r.addresses, 'live+config']]);
    // The status (what the controller report carries) shows the network and addresses.
    const inStatus = await waitFor('the OVN NIC in the status', async () => (await status()).nics.find((n) => n.mac === r.mac && n.state === 'live+config'), 5_000, 100);
    assert.deepEqual([inStatus.vm, inStatus.kind, inStatus.network, inStatus.addresses], [guest.name, 'network', 'default/net1', r.addresses]);

    await cli.json(['network', 'peer', 'delete', 'net1', 'to2']);
    assert.notEqual(await guestRun(`ping -c 2 -W 1 ${WL.ip} >/dev/null`, 'HVNET-NOPEER'), '0', 'the workload is still reachable without the peering');
    assert.equal(await guestRun('ping -c 1 -W 2 10.10.1.1 >/dev/null', 'HVNET-GW2'), '0', 'gateway still reachable');

    const d = await cli.json<Detach>(['nic', 'detach', guest.name, r.mac]);
    assert.deepEqual([d.live, d.config, d.port], [true, true, r.port]);
    assert.deepEqual(d.freed, r.addresses);
    assert.equal((await ovn.nbctl(['--bare', '--columns=name', 'find', 'Logical_Switch_Port', `name=${r.port}`])).trim(), '', 'LSP still in the NB');
    assert.equal((await chassis.vsctl(['--bare', '--columns=name', 'find', 'Interface', `external_ids:iface-id=${r.port}`])).trim(), '', 'OVS port left');
    // The address is free again: the next attach gets it.
    const again = await cli.json<Attach>(['nic', 'attach', guest.name, '--network', 'net1', '--config']);
    assert.equal(again.addresses?.[0], '10.10.1.2');
    await cli.json<Detach>(['nic', 'detach', guest.name, again.mac]);
  });

  it('[vm] port security drops a changed source IP or MAC; the original works', async function () {
    if (skipVm()) this.skip();
    const r = await cli.json<Attach>(['nic', 'attach', guest.name, '--network', 'net1', '--live']);
    const ip = r.addresses?.[0] ?? '';
    await waitFor(`LSP ${r.port} up`, async () => ((await lspUp(r.port ?? '')) === 'up' ? true : undefined), 20_000, 100);
    const dev = await guestNic(r.mac);
    assert.equal(await guestRun(`ip link set ${dev} up; ip addr add ${ip}/24 dev ${dev}; ping -c 2 -W 2 10.10.1.1 >/dev/null`, 'HVNET-PS0'), '0', guest.console().slice(-1500));
    assert.notEqual(await guestRun(`ip addr del ${ip}/24 dev ${dev}; ip addr add 10.10.1.99/24 dev ${dev}; ping -c 2 -W 1 10.10.1.1 >/dev/null`, 'HVNET-PS1'), '0', 'a changed IP got through');
    assert.equal(await guestRun(`ip addr del 10.10.1.99/24 dev ${dev}; ip addr add ${ip}/24 dev ${dev}; ping -c 2 -W 2 10.10.1.1 >/dev/null`, 'HVNET-PS2'), '0', 'the original IP does not work');
    assert.notEqual(await guestRun(`ip neigh flush dev ${dev}; ip link set ${dev} down; ip link set ${dev} address 02:68:76:99:99:99; ip link set ${dev} up; ping -c 2 -W 1 10.10.1.1 >/dev/null`, 'HVNET-PS3'), '0', 'a changed MAC got through');
    assert.equal(await guestRun(`ip link set ${dev} down; ip link set ${dev} address ${r.mac}; ip link set ${dev} up; ip neigh flush dev ${dev}; ping -c 3 -W 2 10.10.1.1 >/dev/null`, 'HVNET-PS4'), '0', 'the original MAC does not work');
    await cli.json<Detach>(['nic', 'detach', guest.name, r.mac]);
  });

  it('[vm] two attaches at once get different addresses; a full /29 is a clear error and changes nothing; the network is found in --project only', async function () {
    if (skipVm()) this.skip();
    const [a, b] = await Promise.all([
      cli.json<Attach>(['nic', 'attach', guest.name, '--network', 'net1', '--config']),
      cli.json<Attach>(['nic', 'attach', guest.name, '--network', 'net1', '--config']),
    ]);
    assert.notEqual(a.addresses?.[0], b.addresses?.[0]);
    for (const n of [a, b]) await cli.json<Detach>(['nic', 'detach', guest.name, n.mac]);

    await cli.json(['network', 'create', 'small', '--ipv4', '10.10.9.1/29', '--ipv6', 'none']);
    const macs: string[] = [];
    for (let i = 0; i < 5; i++) macs.push((await cli.json<Attach>(['nic', 'attach', guest.name, '--network', 'small', '--config'])).mac);
    const xml = await libvirt.virsh(['dumpxml', guest.name, '--inactive']);
    const lsps = await ovn.nbctl(['--bare', '--columns=name', 'list', 'Logical_Switch_Port']);
    const full = await cli.run(['nic', 'attach', guest.name, '--network', 'small', '--config', '--format', 'json']);
    assert.equal(full.code, 1, full.stdout + full.stderr);
    const err = JSON.parse(full.stderr) as { code: string; message: string };
    assert.equal(err.code, 'HVNET_OVN_SUBNET_FULL');
    assert.match(err.message, /no free IPv4 address left in 10\.10\.9\.0\/29/);
    assert.equal(await libvirt.virsh(['dumpxml', guest.name, '--inactive']), xml);
    assert.equal(await ovn.nbctl(['--bare', '--columns=name', 'list', 'Logical_Switch_Port']), lsps);
    for (const m of macs) await cli.json<Detach>(['nic', 'detach', guest.name, m]);
    await cli.json(['network', 'delete', 'small']);

    await cli.json(['project', 'create', 'p2']);
    await cli.json(['network', 'create', 'net1', '--project', 'p2', '--ipv4', '10.20.1.1/24', '--ipv6', 'none']);
    const p2 = await cli.json<Attach>(['nic', 'attach', guest.name, '--network', 'net1', '--project', 'p2', '--config']);
    assert.equal(p2.network, 'p2/net1');
    assert.equal(p2.addresses?.[0], '10.20.1.2');
    const nope = await cli.run(['nic', 'attach', guest.name, '--network', 'net2', '--project', 'p2', '--config', '--format', 'json']);
    assert.equal(nope.code, 1);
    assert.equal((JSON.parse(nope.stderr) as { code: string }).code, 'HVNET_OVN_NETWORK_NOT_FOUND');
    const del = await cli.run(['network', 'delete', 'net1', '--project', 'p2', '--format', 'json']);
    assert.equal(del.code, 1);
    assert.match((JSON.parse(del.stderr) as { message: string }).message, new RegExp(`NICs of the domains ${guest.name}`));
    await cli.json<Detach>(['nic', 'detach', guest.name, p2.mac]);
  });

  it('[vm] a stale OVS port libvirt left is removed before the next attach; 100 attach/detach cycles leave no port, address or MAC', async function () {
    if (skipVm()) this.skip();
    await chassis.vsctl(['add-port', chassis.intBridge, 'hvnetstale0', '--', 'set', 'Interface', 'hvnetstale0', 'external_ids:iface-id=00000000-0000-4000-8000-000000000000', 'external_ids:vm-id=x']);
    const r = await cli.json<Attach>(['nic', 'attach', guest.name, '--network', 'net1', '--live']);
    assert.equal((await chassis.vsctl(['--bare', '--columns=name', 'find', 'Interface', 'name=hvnetstale0'])).trim(), '', 'stale port still there');
    await cli.json<Detach>(['nic', 'detach', guest.name, r.mac]);
    const poolBefore = (await cli.json<{ allocations: unknown[] }>(['nic', 'pool'])).allocations.length;
    for (let i = 0; i < 100; i++) {
      const c = await cli.json<Attach>(['nic', 'attach', guest.name, '--network', 'net1', '--config']);
      await cli.json<Detach>(['nic', 'detach', guest.name, c.mac]);
    }
    assert.doesNotMatch(await ovn.nbctl(['--columns=external_ids', 'list', 'Logical_Switch_Port']), /hvnet:vm-port/);
    assert.doesNotMatch(await chassis.vsctl(['--columns=name,external_ids', 'list', 'Interface']), /vm-id/, 'an OVS port of a VM is left');
    assert.equal((await cli.json<{ allocations: unknown[] }>(['nic', 'pool'])).allocations.length, poolBefore);
    assert.deepEqual(await cli.json<NicRow[]>(['nic', 'list', guest.name]), []);
  });

  it('[vm] an orphan port (domain undefined behind hvnetd) is removed after the grace period and reported; a foreign port is untouched', async function () {
    if (skipVm()) this.skip();
    const stopped = await defineStoppedDomain(libvirt);
    await ovn.nbctl(['lsp-add', 'hvnet-net1-ls-int', 'foreign-vm', '--', 'lsp-set-addresses', 'foreign-vm', '02:00:00:00:00:77 10.10.1.77']);
    const r = await cli.json<Attach>(['nic', 'attach', stopped.name, '--network', 'net1']);
    await new Promise((res) => setTimeout(res, 3_000));
    assert.match(await ovn.nbctl(['--bare', '--columns=name', 'list', 'Logical_Switch_Port']), new RegExp(r.port ?? 'x'), 'a port with its NIC was removed');
    await libvirt.virsh(['undefine', stopped.name]);
    const t0 = Date.now();
    await waitFor('the orphan port removed', async () => ((await ovn.nbctl(['--bare', '--columns=name', 'list', 'Logical_Switch_Port'])).includes(r.port ?? 'x') ? undefined : true), 30_000, 200);
    assert.ok(Date.now() - t0 >= 1_500, 'removed before the grace period');
    const ev = (await status()).events?.find((e) => e.code === 'nic-orphan-port-removed' && e.message.includes(r.port ?? 'x'));
    assert.ok(ev, 'not reported');
    assert.match(await ovn.nbctl(['--bare', '--columns=name', 'list', 'Logical_Switch_Port']), /foreign-vm/);
    await ovn.nbctl(['lsp-del', 'foreign-vm']);
    await stopped.remove();
  });

  it('[vm] a port bound to another chassis (its VM migrated there) is not an orphan; once no chassis binds it, it is', async function () {
    if (skipVm()) this.skip();
    const stopped = await defineStoppedDomain(libvirt);
    const other = `other-${testRun.nextName()}`;
    const r = await cli.json<Attach>(['nic', 'attach', stopped.name, '--network', 'net1']);
    const port = r.port ?? 'x';
    try {
      await ovn.sbctl(['chassis-add', other, 'geneve', '127.0.0.9']);
      await waitFor('its Port_Binding', async () => ((await ovn.sbctl(['--bare', '--columns=logical_port', 'find', 'Port_Binding', `logical_port=${port}`])).trim() === port ? true : undefined), 10_000, 100);
      await ovn.sbctl(['lsp-bind', port, other]);
      // The domain leaves this host (undefined here), as after a migration.
      await libvirt.virsh(['undefine', stopped.name]);
      // Grace 2 s, checked every second: three grace periods go by.
      await new Promise((res) => setTimeout(res, 6_000));
      assert.match(await ovn.nbctl(['--bare', '--columns=name', 'list', 'Logical_Switch_Port']), new RegExp(port), 'a port bound on another chassis was removed');
      assert.equal((await status()).events?.find((e) => e.code === 'nic-orphan-port-removed' && e.message.includes(port)), undefined);
      await ovn.sbctl(['lsp-unbind', port]);
      await waitFor('the port removed once unbound', async () => ((await ovn.nbctl(['--bare', '--columns=name', 'list', 'Logical_Switch_Port'])).includes(port) ? undefined : true), 30_000, 200);
    } finally {
      await ovn.sbctl(['--if-exists', 'chassis-del', other]).catch(() => undefined);
      await stopped.remove();
    }
  });

  it('[vm] libvirt connection dropped right after the attach is sent: after reconnect and reconcile no orphan port, and the pool agrees with the domain', async function () {
    if (skipVm()) this.skip();
    await hv.daemon.stop();
    hv = await startHvnetd(setup, { logName: 'hvnetd-drop.log', env: { HVNET_TEST_DROP_LIBVIRT_AFTER_ATTACH: '1' } });
    try {
      await waitFor('libvirt connected', async () => ((await status()).libvirt.state === 'connected' ? true : undefined), 15_000, 100);
      const r = await cli.run(['nic', 'attach', guest.name, '--network', 'net1', '--live', '--format', 'json']);
      assert.equal(r.code, 75, r.stdout + r.stderr);
      const mac = (JSON.parse(r.stderr) as { details: { mac: string } }).details.mac;
      await waitFor('the outcome event', async () => ((await status()).events ?? []).find((e) => e.code === 'nic-attach-outcome' && e.message.includes(mac)), 20_000, 200);
      await new Promise((res) => setTimeout(res, 4_000)); // past the grace period: an orphan would be gone by now
      const xml = await libvirt.virsh(['dumpxml', guest.name]);
      const inXml = interfaceWithMac(xml, mac);
      const ports = await ovn.nbctl(['--bare', '--columns=name,external_ids', 'list', 'Logical_Switch_Port']);
      const iid = inXml === undefined ? undefined : /interfaceid='([^']+)'/.exec(inXml)?.[1];
      if (iid !== undefined) assert.match(ports, new RegExp(iid), 'the NIC exists but its port is gone');
      // Every VM port has its NIC; the MAC is held exactly when the domain has it.
      const vmPortCount = (ports.match(/hvnet:vm-port/g) ?? []).length;
      assert.equal(vmPortCount, iid === undefined ? 0 : 1, ports);
      const held = (await cli.json<{ allocations: { mac: string }[] }>(['nic', 'pool'])).allocations.some((a) => a.mac === mac);
      assert.equal(held, inXml !== undefined);
      if (inXml !== undefined) await cli.json<Detach>(['nic', 'detach', guest.name, mac]);
    } finally {
      await hv.daemon.stop();
      hv = await startHvnetd(setup, { logName: 'hvnetd-after-drop.log' });
      await waitFor('libvirt connected', async () => ((await status()).libvirt.state === 'connected' ? true : undefined), 15_000, 100);
    }
  });

  it('[vm] with /run/openvswitch/db.sock absent the attach is refused with the reason, nothing changed', async function () {
    if (skipVm()) this.skip();
    const before = await libvirt.virsh(['dumpxml', guest.name]);
    const moved = `${OVS_DEFAULT_SOCKET}.hvnet-test`;
    renameSync(OVS_DEFAULT_SOCKET, moved);
    try {
      const res = await cli.run(['nic', 'attach', guest.name, '--network', 'net1', '--format', 'json']);
      assert.equal(res.code, 1, res.stdout + res.stderr);
      const err = JSON.parse(res.stderr) as { code: string; message: string };
      assert.equal(err.code, 'HVNET_NIC_OVS_UNREACHABLE');
      assert.match(err.message, /does not answer at \/run\/openvswitch\/db\.sock .*ovs-vsctl.*nothing was changed/);
    } finally {
      renameSync(moved, OVS_DEFAULT_SOCKET);
    }
    assert.equal(await libvirt.virsh(['dumpxml', guest.name]), before);
    assert.doesNotMatch(await ovn.nbctl(['--columns=external_ids', 'list', 'Logical_Switch_Port']), /hvnet:vm-port/);
  });
});
