// What a detach reads and when it writes: it plans from hvnetd's cached inventory for what libvirt's
// events keep fresh (the live NICs) but reads the persistent definition at the detach, which another
// client can change without an event; and it saves the MAC pool after its reply, so a crash in
// between may only release the MAC late. Real CLI, hvnetd, libvirtd and a TCG guest.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { vethPair } from '../../testbed/netns.js';
import { waitFor } from '../../testbed/exec.js';
import { testRun } from '../../testbed/test-run.js';
import { startHvnetd } from '../agent/harness.js';
import type { ResultOf } from '../../agent/api/methods.js';
import { nicDetachMethod } from '../../agent/api/nics.js';
import type { nicAttachMethod, nicPoolMethod } from '../../agent/api/nics.js';
import { interfaceWithMac, libvirtConnected, skipVm, vmHvnetdFixture } from './helpers.js';

type Attach = ResultOf<typeof nicAttachMethod>;
type Detach = ResultOf<typeof nicDetachMethod>;
type Pool = ResultOf<typeof nicPoolMethod>;

describe('agent-nic: what a detach reads and when it saves the MAC pool', function () {
  this.timeout(120_000);
  const fx = vmHvnetdFixture('agent-nic-detach');

  const dumpxml = (dom: string, inactive = false): Promise<string> => fx.libvirt.virsh(['dumpxml', dom, ...(inactive ? ['--inactive'] : [])]);
  const pool = (): Promise<Pool> => fx.cli.json<Pool>(['nic', 'pool']);
  const poolFile = (): string => readFileSync(join(fx.setup.dir, 'state', 'macpool.json'), 'utf8');

  it('[vm] a persistent copy of the NIC that another client added with --config (no event) is detached too', async function () {
    if (skipVm()) this.skip();
    const veth = await vethPair();
    const a = await fx.cli.json<Attach>(['nic', 'attach', fx.guest.name, '--source', veth.a, '--mode', 'bridge', '--live']);
    assert.deepEqual([a.live, a.config], [true, false]);
    // hvnetd's inventory has read the domain since the attach (its DEVICE_ADDED and the re-read
    // 50 ms after it are over, and a dry run reads the inventory); virsh's copy emits no event.
    await new Promise((r) => setTimeout(r, 300));
    await fx.cli.json<Attach>(['nic', 'attach', fx.guest.name, '--source', veth.a, '--config', '--dry-run']);
    const file = join(testRun.tempDir('config-copy'), 'nic.xml');
    writeFileSync(file, a.xml);
    await fx.libvirt.virsh(['attach-device', fx.guest.name, file, '--config']);
    assert.ok(interfaceWithMac(await dumpxml(fx.guest.name, true), a.mac), 'virsh did not add the persistent copy');

    const d = await fx.cli.json<Detach>(['nic', 'detach', fx.guest.name, a.mac]);
    assert.deepEqual([d.live, d.config], [true, true], JSON.stringify(d));
    assert.equal(interfaceWithMac(await dumpxml(fx.guest.name), a.mac), undefined, 'still in the live XML');
    assert.equal(interfaceWithMac(await dumpxml(fx.guest.name, true), a.mac), undefined, 'still in the persistent XML');
    assert.ok(!(await pool()).allocations.some((x) => x.mac === a.mac), 'the MAC is still allocated');
    await veth.delete();
  });

  it('[vm] the released MAC leaves the pool file after the reply; hvnetd killed right after a detach\'s reply has the MAC free once restarted', async function () {
    if (skipVm()) this.skip();
    const veth = await vethPair();
    const first = await fx.cli.json<Attach>(['nic', 'attach', fx.guest.name, '--source', veth.a, '--mode', 'bridge', '--live']);
    assert.match(poolFile(), new RegExp(first.mac), 'the attach saves before libvirt is called');
    await fx.cli.json<Detach>(['nic', 'detach', fx.guest.name, first.mac]);
    await waitFor('the MAC gone from the pool file', () => (poolFile().includes(first.mac) ? undefined : true), 2_000, 10);

    const second = await fx.cli.json<Attach>(['nic', 'attach', fx.guest.name, '--source', veth.a, '--mode', 'bridge', '--live']);
    const d = await fx.hv.client.call(nicDetachMethod, { domain: fx.guest.name, nic: second.mac });
    assert.equal(d.live, true);
    // As soon as the reply is read: the save may or may not have happened.
    await fx.hv.daemon.kill();
    fx.hv = await startHvnetd(fx.setup, { logName: 'hvnetd-2.log' });
    await libvirtConnected(fx.hv);
    assert.ok(!(await pool()).allocations.some((x) => x.mac === second.mac), 'the MAC is still allocated after the restart');
    await waitFor('the MAC gone from the pool file', () => (poolFile().includes(second.mac) ? undefined : true), 5_000, 20);
    // And it can be given to a NIC again.
    const again = await fx.cli.json<Attach>(['nic', 'attach', fx.guest.name, '--source', veth.a, '--mode', 'bridge', '--live', '--mac', second.mac]);
    assert.equal(again.mac, second.mac);
    await fx.cli.json<Detach>(['nic', 'detach', fx.guest.name, again.mac]);
    await veth.delete();
  });
});
