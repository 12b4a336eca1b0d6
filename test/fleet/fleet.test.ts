// Fleet behaviour across hosts, on one fleet shared by the whole suite (testbed/fleet.ts): real
// OVN (NB and SB as 3-member RAFT clusters, northd), hvnet-controller and three hosts, each with
// its own ovs-vswitchd (geneve between them), ovn-controller and hvnetd. hv1 uses the machine's
// libvirtd (real domains), hv2 libvirt's test driver, hv3 is a network-only node that requires a
// network nobody has made yet.
//
// Starts a libvirtd and an ovs-vswitchd in the root namespace: run under
//   flock /tmp/hvnet-libvirt.lock flock /tmp/hvnet-root-ovs.lock scripts/test fleet
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HostStatus } from '../../agent/api/status.js';
import { startFleet, waitForReports, type Fleet, type FleetHost, type ControllerHosts } from '../../testbed/fleet.js';
import { writeTestDriverFile } from '../../testbed/fleet-test-driver.js';
import { provisionFleetHost } from '../../testbed/fleet-host-config.js';
import { hvnetCli, startFleetHvnetd } from '../../testbed/fleet-agents.js';
import { startLibvirt, type Libvirt } from '../../testbed/libvirt.js';
import { waitFor } from '../../testbed/exec.js';
import { testRun } from '../../testbed/test-run.js';
import type { Workload } from '../../testbed/chassis.js';
import { controllerPageTests } from './controller-page.js';

const DUP_MAC = '02:68:6e:fe:00:01';
const REQUIRED = 'fleet-required';

interface Peer {
  name: string;
  status: string;
  target_project: string;
  target_network: string;
}
interface NetworkInfo {
  switch: string;
  mac: string;
  config: Record<string, string>;
}

/** Retries a ping (the first overlay packet is lost while OVS resolves the remote tunnel end). */
async function pings(w: Workload, ip: string, tries = 10): Promise<boolean> {
  for (let i = 0; i < tries; i += 1) if (await w.ping(ip, { count: 1, waitS: 1 })) return true;
  return false;
}

/** A TCP server in `server` sends 2 MB to a client in `client`; returns the bytes received. */
async function tcpBytes(server: Workload, serverIp: string, client: Workload): Promise<number> {
  const srv = spawn('ip', ['netns', 'exec', server.name, 'timeout', '15', 'python3', '-c', [
    'import socket',
    's=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)',
    's.bind(("0.0.0.0", 5555)); s.listen(1); s.settimeout(12)',
    'c,_=s.accept(); c.recv(16); c.sendall(b"x"*2000000); c.close()',
  ].join('\n')], { stdio: 'ignore' });
  const done = new Promise((r) => srv.once('exit', r));
  try {
    await new Promise((r) => setTimeout(r, 300));
    const out = await client.exec('timeout', ['12', 'python3', '-c', [
      'import socket, sys',
      's=socket.create_connection((sys.argv[1], 5555), timeout=8); s.sendall(b"hi"); n=0',
      'while True:',
      '    b=s.recv(65536)',
      '    if not b: break',
      '    n+=len(b)',
      'print(n)',
    ].join('\n'), serverIp]);
    return Number(out.trim());
  } catch {
    return 0;
  } finally {
    srv.kill();
    await done;
  }
}

describe('fleet: three hosts on one OVN', function () {
  this.timeout(180_000);
  let libvirt: Libvirt;
  let fleet: Fleet;
  let hv1: FleetHost;
  let hv2: FleetHost;
  let hv3: FleetHost;
  const vm1 = `${testRun.prefix}-fleet-vm1`;

  before(async function () {
    this.timeout(240_000);
    libvirt = await startLibvirt();
    const dir = testRun.tempDir('fleet-testdriver');
    const hv2File = join(dir, 'hv2-domains.xml');
    writeTestDriverFile(hv2File, [{ name: 'fleet-vm2', nics: [{ mac: DUP_MAC, source: 'eth0' }] }]);
    fleet = await startFleet({
      hosts: 3,
      libvirt: (k) => (k === 1 ? { kind: 'system' } : k === 2 ? { kind: 'test', file: hv2File } : { kind: 'none' }),
      requiredNetworks: (k) => (k === 3 ? [REQUIRED] : []),
    });
    [hv1, hv2, hv3] = [fleet.host(1), fleet.host(2), fleet.host(3)];
  });

  after(async () => {
    if (libvirt?.running) {
      await libvirt.virsh(['undefine', vm1]).catch(() => undefined);
    }
    await fleet?.stop();
    await libvirt?.stop();
  });

  it('every host reports to the controller; hv2 says it uses the test driver, hv3 that it is network-only', async () => {
    await waitForReports(fleet);
    const s2 = await hv2.status();
    assert.match(s2.libvirt.message ?? '', /test driver \(test:\/\/\//);
    assert.equal(s2.libvirt.state, 'connected');
    const s3 = await hv3.status();
    assert.equal(s3.libvirt.uri, 'none');
    assert.match(s3.libvirt.message ?? '', /network-only node/);
    assert.ok(!s3.reasons.some((r) => r.subject === 'libvirt'), JSON.stringify(s3.reasons));
    const s1 = await hv1.status();
    assert.equal(s1.libvirt.state, 'connected');
    assert.equal(s1.state, 'operational', JSON.stringify(s1.reasons));
  });

  it('a host configured with libvirt whose libvirt cannot be reached is non-operational, saying so', async () => {
    const dir = testRun.tempDir('fleet-nolibvirt');
    const { configFile, socket } = await provisionFleetHost({
      id: 'hv-nolibvirt',
      dir,
      nbRemotes: fleet.central.nb.tcpRemotes,
      sbRemotes: fleet.central.sb.tcpRemotes,
      // A socket nobody listens on: libvirt is configured, and down.
      libvirt: { kind: 'uri', uri: `qemu+unix:///system?socket=${dir}/no-libvirtd.sock` },
    });
    const d = await startFleetHvnetd({ id: 'hv-nolibvirt', dir, configFile, socket });
    try {
      const r = await hvnetCli(socket, ['--format', 'json', 'status']);
      const s = (JSON.parse(r.stdout) as { status: HostStatus }).status;
      assert.equal(s.state, 'non-operational');
      assert.ok(s.reasons.some((x) => x.code === 'libvirt-disconnected' && /no-libvirtd\.sock/.test(x.message)), JSON.stringify(s.reasons));
    } finally {
      await d.stop();
    }
  });

  it('a peering declared through hv1 is shown by hv2 and hv3 with the same JSON', async () => {
    assert.equal((await hv1.cli(['project', 'create', 'fp2'])).code, 0);
    assert.equal((await hv1.cli(['network', 'create', 'fa', '--ipv4', '10.81.1.1/24', '--ipv6', 'none'])).code, 0);
    assert.equal((await hv1.cli(['network', 'create', 'fb', '--project', 'fp2', '--ipv4', '10.81.2.1/24', '--ipv6', 'none'])).code, 0);
    const a = await hv1.cli(['network', 'peer', 'create', 'fa', 'to-b', 'fp2/fb']);
    assert.equal(a.code, 0, a.stderr);
    const b = await hv1.cli(['network', 'peer', 'create', 'fb', 'to-a', 'default/fa', '--project', 'fp2', '--wait']);
    assert.equal(b.code, 0, b.stderr);
    const mine = await hv1.json<Peer>(['network', 'peer', 'show', 'fa', 'to-b']);
    assert.equal(mine.status, 'Created');
    for (const h of [hv2, hv3]) {
      const theirs = await waitFor(`${h.id} shows fa/to-b as hv1 does`, async () => {
        const p = await h.json<Peer>(['network', 'peer', 'show', 'fa', 'to-b']).catch(() => undefined);
        return p && JSON.stringify(p) === JSON.stringify(mine) ? p : undefined;
      }, 5_000, 100);
      assert.deepEqual(theirs, mine);
    }
  });

  it('a hub whose spokes are declared from different hosts ends all created', async () => {
    assert.equal((await hv1.cli(['network', 'create', 'hub', '--ipv4', '10.82.0.1/24', '--ipv6', 'none'])).code, 0);
    const spokes: [FleetHost, string, string][] = [[hv2, 's2', '10.82.2.1/24'], [hv3, 's3', '10.82.3.1/24']];
    for (const [h, name, cidr] of spokes) {
      assert.equal((await h.cli(['network', 'create', name, '--ipv4', cidr, '--ipv6', 'none'])).code, 0);
    }
    // The hub's sides from hv1, each spoke's side from its own host, all at once.
    const results = await Promise.all([
      ...spokes.map(([, name]) => hv1.cli(['network', 'peer', 'create', 'hub', `to-${name}`, `default/${name}`])),
      ...spokes.map(([h, name]) => h.cli(['network', 'peer', 'create', name, 'to-hub', 'default/hub'])),
    ]);
    for (const r of results) assert.equal(r.code, 0, r.stderr);
    for (const h of [hv1, hv2, hv3]) {
      await waitFor(`${h.id}: every hub peering Created`, async () => {
        const list = await h.json<Peer[]>(['network', 'peer', 'list', 'hub']).catch(() => []);
        return list.length === 2 && list.every((p) => p.status === 'Created') ? true : undefined;
      }, 10_000, 100);
    }
    for (const [h, name] of spokes) {
      const p = await h.json<Peer>(['network', 'peer', 'show', name, 'to-hub']);
      assert.equal(p.status, 'Created');
    }
  });

  describe('traffic over geneve', () => {
    let w1: Workload;
    let w2: Workload;
    let w3: Workload;

    before(async () => {
      const fa = await hv1.json<NetworkInfo>(['network', 'show', 'fa']);
      const fb = await hv1.json<NetworkInfo>(['network', 'show', 'fb', '--project', 'fp2']);
      const port = async (net: NetworkInfo, name: string, mac: string, ip: string): Promise<string> => {
        const lsp = `${net.switch}-${name}`;
        await fleet.central.nbctl(['lsp-add', net.switch, lsp, '--', 'lsp-set-addresses', lsp, `${mac} ${ip}`]);
        return lsp;
      };
      w1 = await hv1.chassis.plugNamespace(await port(fa, 'w1', '0a:00:00:81:01:0b', '10.81.1.11'), '0a:00:00:81:01:0b', '10.81.1.11/24', '10.81.1.1');
      w2 = await hv2.chassis.plugNamespace(await port(fa, 'w2', '0a:00:00:81:01:0c', '10.81.1.12'), '0a:00:00:81:01:0c', '10.81.1.12/24', '10.81.1.1');
      w3 = await hv3.chassis.plugNamespace(await port(fb, 'w3', '0a:00:00:81:02:0d', '10.81.2.13'), '0a:00:00:81:02:0d', '10.81.2.13/24', '10.81.2.1');
      await fleet.central.nbctl(['--wait=hv', 'sync']);
    });

    it("a workload on hv2's chassis pings and reaches over TCP one on hv3's across the peering; one on hv1's reaches both", async () => {
      assert.ok(await pings(w2, '10.81.2.13'), 'hv2 (fa) -> hv3 (fb) across the peering');
      assert.ok(await pings(w3, '10.81.1.12'), 'hv3 (fb) -> hv2 (fa)');
      assert.equal(await tcpBytes(w3, '10.81.2.13', w2), 2_000_000, 'TCP hv2 <- hv3');
      assert.ok(await pings(w1, '10.81.1.12'), 'hv1 -> hv2, same network');
      assert.ok(await pings(w1, '10.81.2.13'), 'hv1 -> hv3 across the peering');
      assert.equal(await tcpBytes(w3, '10.81.2.13', w1), 2_000_000, 'TCP hv1 <- hv3');
    });

    it("hv2's hvnetd and ovn-controller stopped: hv1 and hv3 still talk; started again, hv2 is operational and serves the same peerings", async () => {
      const before = await hv1.json<Peer>(['network', 'peer', 'show', 'fa', 'to-b']);
      await hv2.stopAgents();
      assert.notEqual((await hv2.cli(['status'])).code, 0, 'hv2 answers nothing while stopped');
      for (let i = 0; i < 3; i += 1) assert.ok(await pings(w1, '10.81.2.13'), `hv1 -> hv3 with hv2 down (${i})`);
      assert.ok(await pings(w3, '10.81.1.11'), 'hv3 -> hv1 with hv2 down');
      assert.equal(await tcpBytes(w3, '10.81.2.13', w1), 2_000_000, 'TCP hv1 <- hv3 with hv2 down');
      await hv2.startAgents();
      const s = await waitFor('hv2 operational again', async () => {
        const st = await hv2.status().catch(() => undefined);
        return st?.state === 'operational' ? st : undefined;
      }, 15_000, 200);
      assert.deepEqual(s.reasons, []);
      assert.deepEqual(await hv2.json<Peer>(['network', 'peer', 'show', 'fa', 'to-b']), before);
      assert.ok(await pings(w2, '10.81.2.13'), 'hv2 (fa) -> hv3 (fb) again');
    });
  });

  it('hv3 requires a network that does not exist: non-operational with that reason; operational within 2 s of its creation through hv1', async () => {
    const s = await hv3.status();
    assert.equal(s.state, 'non-operational');
    const reason = s.reasons.find((r) => r.code === 'network-missing');
    assert.ok(reason && reason.subject === REQUIRED, JSON.stringify(s.reasons));
    const r = await hv1.cli(['network', 'create', REQUIRED, '--ipv4', '10.83.0.1/24', '--ipv6', 'none']);
    assert.equal(r.code, 0, r.stderr);
    const t0 = Date.now();
    const op = await waitFor('hv3 operational', async () => {
      const st: HostStatus | undefined = await hv3.status().catch(() => undefined);
      return st?.state === 'operational' ? st : undefined;
    }, 5_000, 50);
    const ms = Date.now() - t0;
    assert.ok(ms < 2_000, `hv3 operational ${ms} ms after the network was created`);
    assert.equal(op.networks.find((n) => n.name === REQUIRED)?.ok, true);
  });

  it('one MAC on NICs of hv1 (real libvirt) and hv2 (test driver) is flagged as a duplicate by the controller', async () => {
    const xml = join(testRun.tempDir('fleet-vm1'), 'vm1.xml');
    writeFileSync(xml, [
      "<domain type='qemu'>",
      `  <name>${vm1}</name>`,
      '  <memory unit="MiB">64</memory>',
      "  <os><type arch='x86_64' machine='q35'>hvm</type></os>",
      '  <devices>',
      `    <interface type='direct'><mac address='${DUP_MAC}'/><source dev='lo' mode='bridge'/></interface>`,
      '  </devices>',
      '</domain>',
    ].join('\n'));
    await libvirt.virsh(['define', xml]);
    await waitFor('hv1 lists the NIC', async () => ((await hv1.status()).nics.some((n) => n.mac === DUP_MAC) ? true : undefined), 10_000, 100);
    const hosts = await waitFor('the controller flags the MAC', async () => {
      const h = await fleet.controller.get<ControllerHosts>('/v1/hosts');
      return h.macConflicts.some((c) => c.mac === DUP_MAC) ? h : undefined;
    }, 15_000, 200);
    assert.deepEqual(hosts.macConflicts.find((c) => c.mac === DUP_MAC)?.hosts, ['hv1', 'hv2']);
  });

  controllerPageTests({
    fleet: () => fleet,
    libvirt: () => libvirt,
    replaceLibvirt: (l) => {
      libvirt = l;
    },
    dupMac: DUP_MAC,
  });
});
