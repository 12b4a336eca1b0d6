// What a detach reads and when it writes: it plans from hvnetd's cached inventory for what libvirt's
// events keep fresh (the live NICs) but reads the persistent definition at the detach, which another
// client can change without an event; and it saves the MAC pool after its reply, so a crash in
// between may only release the MAC late. Real CLI, hvnetd, libvirtd and a TCG guest.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startOvn } from '../../testbed/ovn.js';
import type { OvnHandle } from '../../testbed/ovn.js';
import { startLibvirt } from '../../testbed/libvirt.js';
import type { Libvirt } from '../../testbed/libvirt.js';
import { startTinyGuest } from '../../testbed/guest.js';
import type { TinyGuest } from '../../testbed/guest.js';
import { vethPair } from '../../testbed/netns.js';
import { waitFor } from '../../testbed/exec.js';
import { testRun } from '../../testbed/test-run.js';
import { startHvnetd, writeConfig } from '../agent/harness.js';
import type { HvnetdSetup, RunningHvnetd } from '../agent/harness.js';
import type { ResultOf } from '../../agent/api/methods.js';
import { statusMethod } from '../../agent/api/methods.js';
import { nicDetachMethod } from '../../agent/api/nics.js';
import type { nicAttachMethod, nicPoolMethod } from '../../agent/api/nics.js';
import { NicCli, interfaceWithMac } from './helpers.js';

type Attach = ResultOf<typeof nicAttachMethod>;
type Detach = ResultOf<typeof nicDetachMethod>;
type Pool = ResultOf<typeof nicPoolMethod>;

const skipVm = (): boolean => process.env.HVNET_SKIP_VM === '1';

describe('agent-nic: what a detach reads and when it saves the MAC pool', function () {
  this.timeout(120_000);
  let ovn: OvnHandle;
  let libvirt: Libvirt;
  let guest: TinyGuest;
  let setup: HvnetdSetup;
  let hv: RunningHvnetd;
  let cli: NicCli;

  const dumpxml = (dom: string, inactive = false): Promise<string> => libvirt.virsh(['dumpxml', dom, ...(inactive ? ['--inactive'] : [])]);
  const pool = (): Promise<Pool> => cli.json<Pool>(['nic', 'pool']);
  const poolFile = (): string => readFileSync(join(setup.dir, 'state', 'macpool.json'), 'utf8');
  const connected = (): Promise<true> =>
    waitFor('hvnetd connected to libvirt', async () => ((await hv.client.call(statusMethod, {}).catch(() => undefined))?.status.libvirt.state === 'connected' ? true : undefined), 15_000, 100);

  before(async function () {
    if (skipVm()) this.skip();
    this.timeout(240_000);
    ovn = await startOvn({ northd: false });
    libvirt = await startLibvirt();
    guest = await startTinyGuest(libvirt);
    setup = writeConfig(testRun.tempDir('agent-nic-detach'), ovn.nb.unix, { libvirt: { enabled: true } });
    hv = await startHvnetd(setup);
    cli = new NicCli(setup.socket);
    await connected();
  });

  after(async () => {
    await hv?.daemon.stop();
    await guest?.stop();
    await libvirt?.stop();
    await ovn?.stop();
  });

  it('[vm] a persistent copy of the NIC that another client added with --config (no event) is detached too', async function () {
    if (skipVm()) this.skip();
    const veth = await vethPair();
    const a = await cli.json<Attach>(['nic', 'attach', guest.name, '--source', veth.a, '--mode', 'bridge', '--live']);
    assert.deepEqual([a.live, a.config], [true, false]);
    // hvnetd's inventory has read the domain since the attach (its DEVICE_ADDED and the re-read
    // 50 ms after it are over, and a dry run reads the inventory); virsh's copy emits no event.
    await new Promise((r) => setTimeout(r, 300));
    await cli.json<Attach>(['nic', 'attach', guest.name, '--source', veth.a, '--config', '--dry-run']);
    const file = join(testRun.tempDir('config-copy'), 'nic.xml');
    writeFileSync(file, a.xml);
    await libvirt.virsh(['attach-device', guest.name, file, '--config']);
    assert.ok(interfaceWithMac(await dumpxml(guest.name, true), a.mac), 'virsh did not add the persistent copy');

    const d = await cli.json<Detach>(['nic', 'detach', guest.name, a.mac]);
    assert.deepEqual([d.live, d.config], [true, true], JSON.stringify(d));
    assert.equal(interfaceWithMac(await dumpxml(guest.name), a.mac), undefined, 'still in the live XML');
    assert.equal(interfaceWithMac(await dumpxml(guest.name, true), a.mac), undefined, 'still in the persistent XML');
    assert.ok(!(await pool()).allocations.some((x) => x.mac === a.mac), 'the MAC is still allocated');
    await veth.delete();
  });

  it('[vm] the released MAC leaves the pool file after the reply; hvnetd killed right after a detach\'s reply has the MAC free once restarted', async function () {
    if (skipVm()) this.skip();
    const veth = await vethPair();
    const first = await cli.json<Attach>(['nic', 'attach', guest.name, '--source', veth.a, '--mode', 'bridge', '--live']);
    assert.match(poolFile(), new RegExp(first.mac), 'the attach saves before libvirt is called');
    await cli.json<Detach>(['nic', 'detach', guest.name, first.mac]);
    await waitFor('the MAC gone from the pool file', () => (poolFile().includes(first.mac) ? undefined : true), 2_000, 10);

    const second = await cli.json<Attach>(['nic', 'attach', guest.name, '--source', veth.a, '--mode', 'bridge', '--live']);
    const d = await hv.client.call(nicDetachMethod, { domain: guest.name, nic: second.mac });
    assert.equal(d.live, true);
    // As soon as the reply is read: the save may or may not have happened.
    await hv.daemon.kill();
    hv = await startHvnetd(setup, { logName: 'hvnetd-2.log' });
    await connected();
    assert.ok(!(await pool()).allocations.some((x) => x.mac === second.mac), 'the MAC is still allocated after the restart');
    await waitFor('the MAC gone from the pool file', () => (poolFile().includes(second.mac) ? undefined : true), 5_000, 20);
    // And it can be given to a NIC again.
    const again = await cli.json<Attach>(['nic', 'attach', guest.name, '--source', veth.a, '--mode', 'bridge', '--live', '--mac', second.mac]);
    assert.equal(again.mac, second.mac);
    await cli.json<Detach>(['nic', 'detach', guest.name, again.mac]);
    await veth.delete();
  });
});
