// bench/nic-ovn: a VM NIC on an hvnet OVN network, hot-plugged into one running tiny TCG guest, by
// two tools alternated (order rotated each cycle) in the same run:
//   hvnet   nic.attach --network through hvnetd's socket (logical switch port with addresses and
//           port security, DHCPv4 options, the XML on the integration bridge, its checks included)
//   manual  what an operator types: ovn-nbctl lsp-add + lsp-set-addresses + lsp-set-port-security
//           (one ovn-nbctl), then virsh attach-device --live with the same XML
// Two figures per attach: its latency (the call returns), and attach-to-first-ping: from the call's
// start until a namespace workload on the same network gets an answer to ping -6 from the guest's
// SLAAC address (the guest brings each new interface up; the kernel forms the address from OVN's
// router advertisements). Detach is untimed (hvnet nic.detach; by hand virsh detach-device + lsp-del).
// This process never loads the libvirt FFI (hvnetd does, as its own process): the finally below
// stops by PID everything the run started, whatever happened.
//
//   node dist/bench/nic-ovn/main.js [--cycles 10]     HVNET_BENCH_SMOKE=1: 1 cycle
// Needs the root network namespace's OVS (libvirt's taps are there) and a libvirtd of its own:
// run it under flock /tmp/hvnet-libvirt.lock flock /tmp/hvnet-root-ovs.lock.
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startOvn } from '../../testbed/ovn.js';
import { startChassis } from '../../testbed/chassis.js';
import { startLibvirt } from '../../testbed/libvirt.js';
import { startTinyGuest } from '../../testbed/guest.js';
import { typeOnConsole } from '../../testbed/guest-console.js';
import { waitFor } from '../../testbed/exec.js';
import { testRun } from '../../testbed/test-run.js';
import { runBench } from '../common/run-bench.js';
import { startBenchHvnetd } from '../common/bench-hvnetd.js';
import { nicAttachMethod, nicDetachMethod } from '../../agent/api/nics.js';
import { networkCreateMethod } from '../../agent/api/networks.js';
import { ratioSpread } from '../nic/ratio.js';

const smoke = process.env.HVNET_BENCH_SMOKE === '1';
const SWITCH = 'hvnet-net1-ls-int';
const MANUAL_MAC = '02:68:77:be:0d:01';
const MANUAL_IPV4 = '10.20.1.200';
const WL = { lsp: 'bench-wl', mac: '00:16:3e:00:0d:10', ip: '10.20.1.10', ip6: 'fd42:20::10' };

function cycles(): number {
  const i = process.argv.indexOf('--cycles');
  const v = i >= 0 ? Number(process.argv[i + 1]) : smoke ? 1 : 10;
  if (!Number.isInteger(v) || v < 1) throw new Error('--cycles needs a whole number >= 1');
  return v;
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[m] ?? NaN) : ((s[m - 1] ?? NaN) + (s[m] ?? NaN)) / 2;
};
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The EUI-64 address of `mac` in fd42:20::/64 (what SLAAC forms; hvnet computes the same). */
function eui64(mac: string): string {
  const b = mac.split(':').map((h) => parseInt(h, 16));
  const g = (x: number, y: number): string => ((x << 8) | y).toString(16);
  return `fd42:20::${g((b[0] ?? 0) ^ 2, b[1] ?? 0)}:${g(b[2] ?? 0, 0xff)}:${g(0xfe, b[3] ?? 0)}:${g(b[4] ?? 0, b[5] ?? 0)}`;
}

async function main(): Promise<void> {
  const n = cycles();
  const ovn = await startOvn();
  const intBridge = `${testRun.nextName()}i`;
  const chassis = await startChassis({ sb: ovn.sb.unix, vswitchdNetns: 'root', intBridge, defaultDbSocket: true });
  const libvirt = await startLibvirt();
  const guest = await startTinyGuest(libvirt);
  // Every new interface comes up by itself, so the kernel does SLAAC without a typed command per attach.
  await typeOnConsole(libvirt, guest.name, `(while :; do for i in /sys/class/net/eth*; do ip link set \${i##*/} up 2>/dev/null; done; sleep 0.1; done) >/dev/null 2>&1 &`);

  const dir = testRun.tempDir('bench-nic-ovn');
  const { client } = await startBenchHvnetd(dir, {
    ovn: { nb: { remotes: ovn.nb.unix }, sb: { remotes: ovn.sb.unix } },
    libvirt: { uri: 'qemu:///system' },
  });
  await client.call(networkCreateMethod, { name: 'net1', config: { 'ipv4.address': '10.20.1.1/24', 'ipv6.address': 'fd42:20::1/64' } });
  await ovn.nbctl(['lsp-add', SWITCH, WL.lsp, '--', 'lsp-set-addresses', WL.lsp, `${WL.mac} ${WL.ip} ${WL.ip6}`]);
  const wl = await chassis.plugNamespace(WL.lsp, WL.mac, `${WL.ip}/24`, '10.20.1.1', { ipv6: `${WL.ip6}/64`, gw6: 'fd42:20::1' });

  /** Pings until the first answer; resolves when it came (the caller times it). */
  const firstPing = async (addr: string): Promise<void> => {
    try {
      await waitFor(`a ping answer from ${addr}`, async () => ((await wl.exec('ping', ['-6', '-c', '1', '-W', '1', addr]).then(() => true).catch(() => false)) ? true : undefined), 60_000, 0);
    } catch (e) {
      const neigh = await wl.exec('ip', ['-6', 'neigh']).catch((x: unknown) => String(x));
      throw new Error(`${(e as Error).message}\nworkload neighbours: ${neigh}\nguest console: ${guest.console().slice(-1500)}`, { cause: e });
    }
  };

  type Tool = 'hvnet' | 'manual';
  const tools: Tool[] = ['hvnet', 'manual'];
  const times: Record<Tool, { attach: number[]; ping: number[] }> = { hvnet: { attach: [], ping: [] }, manual: { attach: [], ping: [] } };
  const xmlFile = join(dir, 'nic.xml');

  const cycle = async (t: Tool): Promise<void> => {
    if (t === 'hvnet') {
      const t0 = performance.now();
      const r = await client.call(nicAttachMethod, { domain: guest.name, network: 'net1', ipv4: 'auto', ipv6: 'auto', live: true });
      times.hvnet.attach.push(performance.now() - t0);
      await firstPing(r.addresses?.[1] ?? eui64(r.mac));
      times.hvnet.ping.push(performance.now() - t0);
      // The XML hvnet used is the one the manual attach uses, with its own port name and MAC.
      writeFileSync(xmlFile, r.xml);
      await client.call(nicDetachMethod, { domain: guest.name, nic: r.mac });
      return;
    }
    const port = randomUUID();
    const hvnetXml = readFileSync(xmlFile, 'utf8');
    const xml = hvnetXml.replace(/<mac address="[^"]+"\/>/, `<mac address="${MANUAL_MAC}"/>`).replace(/interfaceid="[^"]+"/, `interfaceid="${port}"`).replace(/<alias name="[^"]+"\/>\n?\s*/, '');
    writeFileSync(join(dir, 'manual.xml'), xml);
    const addrs = `${MANUAL_MAC} ${MANUAL_IPV4} ${eui64(MANUAL_MAC)}`;
    const t0 = performance.now();
    await ovn.nbctl(['lsp-add', SWITCH, port, '--', 'lsp-set-addresses', port, addrs, '--', 'lsp-set-port-security', port, addrs]);
    await libvirt.virsh(['attach-device', guest.name, join(dir, 'manual.xml'), '--live']);
    times.manual.attach.push(performance.now() - t0);
    await firstPing(eui64(MANUAL_MAC));
    times.manual.ping.push(performance.now() - t0);
    await libvirt.virsh(['detach-device', guest.name, join(dir, 'manual.xml'), '--live']);
    await waitFor('the manual NIC gone', async () => ((await libvirt.virsh(['dumpxml', guest.name])).includes(MANUAL_MAC) ? undefined : true), 20_000, 50);
    await ovn.nbctl(['lsp-del', port]);
  };

  const load = (): string => readFileSync('/proc/loadavg', 'utf8').trim();
  console.log(`VM NIC on an OVN network, hot-plugged into ${guest.name} (TCG), ${n} cycles per tool, order rotated; load ${load()}`);
  // The first hvnet attach gives the XML the manual tool copies; it is not counted.
  await cycle('hvnet');
  times.hvnet.attach.length = 0;
  times.hvnet.ping.length = 0;
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < tools.length; k++) {
      await cycle(tools[(i + k) % tools.length] as Tool);
      await sleep(300);
    }
  }
  const m = (t: Tool, what: 'attach' | 'ping'): string => median(times[t][what]).toFixed(0).padStart(6);
  console.log('medians:');
  console.log(`  hvnet   attach ${m('hvnet', 'attach')} ms   attach-to-first-ping ${m('hvnet', 'ping')} ms   (nic.attach --network)`);
  console.log(`  manual  attach ${m('manual', 'attach')} ms   attach-to-first-ping ${m('manual', 'ping')} ms   (ovn-nbctl lsp-add + addresses + port security, virsh attach-device)`);
  console.log('ratios (hvnet / manual, median and spread over cycles):');
  const ratio = (a: readonly number[], b: readonly number[]): string => {
    const r = ratioSpread(a, b);
    return `${r.ratio.toFixed(2)}× (95 % ${r.low.toFixed(2)}–${r.high.toFixed(2)})`;
  };
  console.log(`  attach                 ${ratio(times.hvnet.attach, times.manual.attach)}`);
  console.log(`  attach-to-first-ping   ${ratio(times.hvnet.ping, times.manual.ping)}`);
  console.log(`load at the end ${load()}`);
}

await runBench('bench/nic-ovn', main);
