// hvnet nic attach --bridge: a tap on a host Linux bridge (an RHV VM network) through the real CLI,
// hvnetd and libvirtd. The guest reaches a namespace on the same bridge; a bridge that is missing,
// down or not a bridge is refused with nothing changed; the kind options are exclusive.
import assert from 'node:assert/strict';
import { netns, vethPair } from '../../testbed/netns.js';
import type { Netns, VethPair } from '../../testbed/netns.js';
import { run, waitFor } from '../../testbed/exec.js';
import { testRun } from '../../testbed/test-run.js';
import type { ResultOf } from '../../agent/api/methods.js';
import type { NicRow, nicAttachMethod, nicDetachMethod, nicPoolMethod } from '../../agent/api/nics.js';
import type { HostStatus } from '../../agent/api/status.js';
import { interfaceWithMac, linkExists, skipVm, vmHvnetdFixture } from './helpers.js';
import { typeOnConsole } from '../../testbed/guest-console.js';

type Attach = ResultOf<typeof nicAttachMethod>;
type Detach = ResultOf<typeof nicDetachMethod>;
type Pool = ResultOf<typeof nicPoolMethod>;

const GUEST_IP = '192.0.2.2';
const NS_IP = '192.0.2.1';

/** A Linux bridge in the root namespace with the run's prefix, removed by the run's cleanup. */
async function linuxBridge(up = true): Promise<{ name: string; remove: () => Promise<void> }> {
  const name = `${testRun.nextName()}br`;
  await run('ip', ['link', 'add', name, 'type', 'bridge']);
  const remove = testRun.onCleanup(`bridge ${name}`, async () => {
    await run('ip', ['link', 'del', name]).catch(() => undefined);
  });
  if (up) await run('ip', ['link', 'set', name, 'up']);
  return { name, remove };
}

describe('agent-nic: hvnet nic attach --bridge (Linux bridge)', function () {
  this.timeout(120_000);
  const fx = vmHvnetdFixture('agent-nic-bridge');
  let br: { name: string; remove: () => Promise<void> };
  let ns: Netns;
  let veth: VethPair;

  const dumpxml = (dom: string, inactive = false): Promise<string> => fx.libvirt.virsh(['dumpxml', dom, ...(inactive ? ['--inactive'] : [])]);
  const status = async (): Promise<HostStatus> => (await fx.cli.json<{ status: HostStatus }>(['status'])).status;

  before(async function () {
    if (skipVm()) this.skip();
    br = await linuxBridge();
    ns = await netns('b');
    veth = await vethPair({ nsA: ns, up: false });
    await run('ip', ['link', 'set', veth.b, 'master', br.name]);
    await run('ip', ['link', 'set', veth.b, 'up']);
    await run('ip', ['-n', ns.name, 'addr', 'add', `${NS_IP}/24`, 'dev', veth.a]);
    await run('ip', ['-n', ns.name, 'link', 'set', veth.a, 'up']);
  });

  after(async () => {
    await veth?.delete();
    await ns?.delete();
    await br?.remove();
  });

  it('[vm] a guest on a Linux bridge pings a namespace on the same bridge; listed as a bridge NIC; detached from both', async function () {
    if (skipVm()) this.skip();
    const from = fx.guest.console().length;
    const r = await fx.cli.json<Attach>(['nic', 'attach', fx.guest.name, '--bridge', br.name]);
    assert.deepEqual([r.kind, r.bridge, r.live, r.config, r.source], ['bridge', br.name, true, true, undefined]);
    assert.ok(r.target, 'no tap in the reply');
    const live = interfaceWithMac(await dumpxml(fx.guest.name), r.mac);
    assert.ok(live, `${r.mac} not in the live XML`);
    assert.match(live, /<interface type='bridge'>/);
    assert.match(live, new RegExp(`<source bridge='${br.name}'/>`));
    assert.ok(interfaceWithMac(await dumpxml(fx.guest.name, true), r.mac), 'not in the persistent XML');
    assert.equal((await run('cat', [`/sys/class/net/${r.target}/master/uevent`])).includes(`INTERFACE=${br.name}`), true, `${r.target} is not a port of ${br.name}`);
    await fx.guest.waitForConsole(/HVNET-NETS up=\S+ .*\beth0\b/, 30_000, from);

    const at = fx.guest.console().length;
    await typeOnConsole(fx.libvirt, fx.guest.name, `ip link set eth0 up; ip addr add ${GUEST_IP}/24 dev eth0; ping -c 3 -W 2 ${NS_IP} >/dev/null; echo HVNET-BRPING rc=$?`);
    const m = await fx.guest.waitForConsole(/HVNET-BRPING rc=([0-9]+)/, 30_000, at);
    assert.equal(m[1], '0', `the guest could not ping ${NS_IP}:\n${fx.guest.console().slice(at)}`);
    await ns.exec('ping', ['-c', '2', '-W', '2', GUEST_IP]);

    const rows = await fx.cli.json<NicRow[]>(['nic', 'list', fx.guest.name]);
    assert.deepEqual(
      rows.map((n) => [n.kind, n.mac, n.bridge, n.source, n.state, n.managed]),
      [['bridge', r.mac, br.name, undefined, 'live+config', true]],
    );
    const table = await fx.cli.run(['nic', 'list', fx.guest.name]);
    assert.match(table.stdout, new RegExp(`\\| bridge +\\| ${br.name} +\\|`));
    await waitFor('the bridge NIC in the status', async () => ((await status()).nics.some((n) => n.mac === r.mac && n.kind === 'bridge' && n.link === br.name && n.mode === 'bridge') ? true : undefined), 5_000, 100);

    const d = await fx.cli.json<Detach>(['nic', 'detach', fx.guest.name, r.mac]);
    assert.deepEqual([d.live, d.config], [true, true]);
    assert.equal(interfaceWithMac(await dumpxml(fx.guest.name), r.mac), undefined);
    assert.equal(interfaceWithMac(await dumpxml(fx.guest.name, true), r.mac), undefined);
    assert.equal(await linkExists(r.target), false, `${r.target} still exists`);
    const p = await fx.cli.json<Pool>(['nic', 'pool']);
    assert.ok(!p.allocations.some((a) => a.mac === r.mac), `${r.mac} still allocated`);
  });

  it('[vm] a bridge that is missing, down, or not a bridge is refused with nothing changed; --dry-run prints the XML', async function () {
    if (skipVm()) this.skip();
    const liveBefore = await dumpxml(fx.guest.name);
    const configBefore = await dumpxml(fx.guest.name, true);
    const down = await linuxBridge(false);
    const notBridge = await vethPair();
    const cases: [string, RegExp][] = [
      [`${testRun.prefix}nobr`, /does not exist/],
      [down.name, /is down/],
      [notBridge.a, /is not a Linux bridge \(a NIC on an OVN network is attached with --network\)/],
    ];
    for (const [name, re] of cases) {
      const res = await fx.cli.run(['nic', 'attach', fx.guest.name, '--bridge', name, '--format', 'json']);
      assert.equal(res.code, 1, `${name}: ${res.stdout}${res.stderr}`);
      const err = JSON.parse(res.stderr) as { code: string; message: string };
      assert.equal(err.code, 'HVNET_NIC_BRIDGE_NOT_USABLE');
      assert.match(err.message, re);
    }
    const dry = await fx.cli.run(['nic', 'attach', fx.guest.name, '--bridge', br.name, '--dry-run']);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, new RegExp(`^<interface type=["']bridge["']>[\\s\\S]*<source bridge=["']${br.name}["']/>`));
    assert.equal(await dumpxml(fx.guest.name), liveBefore, 'live XML changed');
    assert.equal(await dumpxml(fx.guest.name, true), configBefore, 'persistent XML changed');
    await notBridge.delete();
    await down.remove();
  });

  it('exactly one of --source and --bridge; --mode and --virtualport only with --source (usage errors, exit 2)', async function () {
    if (skipVm()) this.skip();
    const cases: [string[], RegExp][] = [
      [['nic', 'attach', fx.guest.name], /exactly one of --source, --network, --bridge \(got none\)/],
      [['nic', 'attach', fx.guest.name, '--source', 'eth0', '--bridge', br.name], /exactly one of --source, --network, --bridge \(got --source and --bridge\)/],
      [['nic', 'attach', fx.guest.name, '--bridge', br.name, '--mode', 'vepa'], /--mode goes only with --source/],
      [['nic', 'attach', fx.guest.name, '--bridge', br.name, '--virtualport', '802.1Qbh', 'profileid=x'], /--virtualport goes only with --source/],
    ];
    for (const [args, re] of cases) {
      const res = await fx.cli.run(args);
      assert.equal(res.code, 2, `${args.join(' ')}: ${res.stdout}${res.stderr}`);
      assert.match(res.stderr, re);
    }
  });
});
