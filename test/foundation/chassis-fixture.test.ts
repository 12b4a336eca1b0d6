// The chassis fixture registers a real ovn-controller on the userspace datapath, plugs
// namespaces into two Incus-shaped networks, carries traffic across an Incus-style peering
// (docs/ovn.md#peering-rows-and-ovn-trace) and takes everything down again, Chassis rows included
// (docs/ovn.md#stopping-ovn-controller).
import assert from 'node:assert/strict';
import { run, isAlive, waitFor } from '../../testbed/exec.js';
import { startOvn, type OvnHandle } from '../../testbed/ovn.js';
import { startChassis, type Workload } from '../../testbed/chassis.js';

const mac = (n: number, host: string): string => `00:16:3e:00:0${n}:${host}`;

/** Router, internal switch, router port and router-type switch port of Incus network N. */
async function createNetwork(ovn: OvnHandle, n: number): Promise<void> {
  const r = `incus-net${n}-lr`;
  const s = `incus-net${n}-ls-int`;
  await ovn.nbctl([
    '--', 'lr-add', r,
    '--', 'ls-add', s,
    '--', 'set', 'Logical_Switch', s, `other_config:subnet=10.10.${n}.0/24`,
    '--', 'lrp-add', r, `${r}-lrp-int`, mac(n, '01'), `10.10.${n}.1/24`, `fd42:${n}::1/64`,
    '--', 'lsp-add', s, `${s}-lsp-router`,
    '--', 'lsp-set-type', `${s}-lsp-router`, 'router',
    '--', 'lsp-set-addresses', `${s}-lsp-router`, 'router',
    '--', 'lsp-set-options', `${s}-lsp-router`, `router-port=${r}-lrp-int`,
  ]);
}

const instancePort = (n: number): string => `incus-net${n}-instance-ns${n}-eth0`;
const peerPort = (n: number, m: number): string => `incus-net${n}-lr-lrp-peer-net${m}`;

function peerSide(n: number, m: number): string[] {
  const r = `incus-net${n}-lr`;
  return [
    '--', 'lrp-add', r, peerPort(n, m), mac(n, '01'), `10.10.${n}.1/32`, `fd42:${n}::1/128`, `peer=${peerPort(m, n)}`,
    '--', 'lr-route-add', r, `10.10.${m}.0/24`, `10.10.${m}.1`, peerPort(n, m),
    '--', 'lr-route-add', r, `fd42:${m}::/64`, `fd42:${m}::1`, peerPort(n, m),
  ];
}

const unpeerArgs = [
  '--', '--if-exists', 'lrp-del', peerPort(1, 2), '--', '--if-exists', 'lrp-del', peerPort(2, 1),
  '--', '--if-exists', 'lr-route-del', 'incus-net1-lr', '10.10.2.0/24',
  '--', '--if-exists', 'lr-route-del', 'incus-net1-lr', 'fd42:2::/64',
  '--', '--if-exists', 'lr-route-del', 'incus-net2-lr', '10.10.1.0/24',
  '--', '--if-exists', 'lr-route-del', 'incus-net2-lr', 'fd42:1::/64',
];

/** The first packets may race the flow installation: allow a few tries. */
const pingsEventually = (w: Workload, ip: string): Promise<true> =>
  waitFor(`${w.name} ping ${ip}`, async () => ((await w.ping(ip)) ? true : undefined), 8_000, 50);

async function netnsNames(): Promise<string[]> {
  return (await run('ip', ['netns', 'list'])).split('\n').map((l) => l.split(' ')[0] ?? '').filter((n) => n !== '');
}

describe('chassis fixture', function () {
  this.timeout(40_000);

  it('registers a chassis, peers two Incus-shaped networks, unpeers, and stops cleanly', async () => {
    const ovn = await startOvn();
    const ch = await startChassis({ sb: ovn.sb.unix });

    // Registered: Chassis row with our system-id, br-int on the netdev datapath.
    assert.equal((await ovn.sbctl(['--bare', '--columns=name', 'find', 'Chassis', `name=${ch.systemId}`])).trim(), ch.systemId);
    assert.equal((await ch.vsctl(['get', 'Bridge', 'br-int', 'datapath_type'])).trim(), 'netdev');
    assert.match(await ch.controllerCtl(['connection-status']), /connected/);

    for (const n of [1, 2]) {
      await createNetwork(ovn, n);
      await ovn.nbctl([
        'lsp-add', `incus-net${n}-ls-int`, instancePort(n),
        '--', 'lsp-set-addresses', instancePort(n), `${mac(n, '10')} 10.10.${n}.10 fd42:${n}::10`,
      ]);
    }
    const ns1 = await ch.plugNamespace(instancePort(1), mac(1, '10'), '10.10.1.10/24', '10.10.1.1', {
      ipv6: 'fd42:1::10/64',
      gw6: 'fd42:1::1',
    });
    const ns2 = await ch.plugNamespace(instancePort(2), mac(2, '10'), '10.10.2.10/24', '10.10.2.1', {
      ipv6: 'fd42:2::10/64',
      gw6: 'fd42:2::1',
    });
    await ovn.nbctl(['--wait=hv', 'sync']);
    // Bound to our chassis.
    for (const n of [1, 2]) {
      assert.equal((await ovn.nbctl(['lsp-get-up', instancePort(n)])).trim(), 'up');
    }
    assert.equal((await run('ip', ['-n', ns1.name, '-br', 'link', 'show', 'eth0'])).includes(mac(1, '10')), true);

    await pingsEventually(ns1, '10.10.1.1');
    await pingsEventually(ns2, '10.10.2.1');
    assert.equal(await ns1.ping('10.10.2.10'), false, 'ns1 -> ns2 must fail before peering');

    await ovn.nbctl([...peerSide(1, 2), ...peerSide(2, 1)]);
    await ovn.nbctl(['--wait=hv', 'sync']);
    await pingsEventually(ns1, '10.10.2.10');
    await pingsEventually(ns2, '10.10.1.10');
    await pingsEventually(ns1, 'fd42:2::10');

    await ovn.nbctl(unpeerArgs);
    await ovn.nbctl(['--wait=hv', 'sync']);
    assert.equal(await ns1.ping('10.10.2.10', { count: 2 }), false, 'ns1 -> ns2 must fail after unpeering');
    assert.equal(await ns1.ping('10.10.1.1'), true, 'own gateway still answers');

    // Unplugging one workload removes its br-int port and its namespace.
    await ns2.unplug();
    assert.equal((await ch.vsctl(['list-ports', 'br-int'])).split('\n').includes(ns2.port), false);
    assert.equal((await netnsNames()).includes(ns2.name), false);

    const pids = ch.pids();
    assert.equal(pids.length, 3);
    const names = [ch.netns.name, ns1.name];
    await ch.stop();
    for (const pid of pids) assert.equal(await isAlive(pid), false, `process ${pid} still alive`);
    // ovn-controller's exit removed its Chassis and Chassis_Private rows.
    assert.equal((await ovn.sbctl(['--bare', '--columns=name', 'list', 'Chassis'])).trim(), '');
    assert.equal((await ovn.sbctl(['--bare', '--columns=name', 'list', 'Chassis_Private'])).trim(), '');
    const left = await netnsNames();
    for (const n of names) assert.equal(left.includes(n), false, `netns ${n} still exists`);

    const ovnPids = ovn.pids();
    await ovn.stop();
    for (const pid of ovnPids) assert.equal(await isAlive(pid), false);
  });

  it("an ovn-controller that dies is restarted, as its unit's Restart=on-failure does, and the death is kept; a stop asked for is not one", async () => {
    const ovn = await startOvn();
    const ch = await startChassis({ sb: ovn.sb.unix });
    try {
      const first = ch.daemons.controller.pid;
      process.kill(first, 'SIGSEGV');
      await waitFor('a new ovn-controller', () => Promise.resolve(ch.controllerCrashes.length === 1 && !ch.daemons.controller.hasExited && ch.daemons.controller.pid !== first ? true : undefined), 20_000, 50);
      assert.equal(ch.controllerCrashes[0]?.signal, 'SIGSEGV');
      assert.match(await ch.controllerCtl(['connection-status']), /connected/);
      await ch.stopController();
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(ch.controllerCrashes.length, 1, 'a stop asked for is not a crash');
      assert.equal(ch.pids().length, 2, 'and ovn-controller stays stopped');
    } finally {
      await ch.stop();
      await ovn.stop();
    }
  });
});
