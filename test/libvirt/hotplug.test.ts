// Live hot-plug of a bridge-mode macvtap into a running tiny guest, and detachAndConfirm resolved
// by DEVICE_REMOVED; lifecycle events for suspend/resume. One guest for the file.
import assert from 'node:assert/strict';
import { startLibvirt } from '../../testbed/libvirt.js';
import type { Libvirt } from '../../testbed/libvirt.js';
import { startTinyGuest } from '../../testbed/guest.js';
import type { TinyGuest } from '../../testbed/guest.js';
import { vethPair } from '../../testbed/netns.js';
import type { VethPair } from '../../testbed/netns.js';
import { LibvirtConnection } from '../../lib/libvirt/connection.js';
import type { DeviceEvent, DomainInfo, LifecycleEvent } from '../../lib/libvirt/connection.js';
import { DeviceModify } from '../../lib/libvirt/constants.js';
import { nextEvent } from './helpers.js';

const MAC = '52:54:00:5e:a1:01';
const ALIAS = 'ua-hvnet-t1';

describe('libvirt binding: live hot-plug', function () {
  this.timeout(180_000);
  let libvirt: Libvirt;
  let guest: TinyGuest;
  let conn: LibvirtConnection;
  let veth: VethPair;
  let dom: DomainInfo;
  let ifXml = '';

  before(async function () {
    if (process.env.HVNET_SKIP_VM === '1') this.skip();
    libvirt = await startLibvirt();
    guest = await startTinyGuest(libvirt);
    veth = await vethPair();
    conn = await LibvirtConnection.open(libvirt.uri);
    dom = await conn.lookupDomainByName(guest.name);
    ifXml = `<interface type='direct'>
  <mac address='${MAC}'/>
  <source dev='${veth.a}' mode='bridge'/>
  <model type='virtio'/>
  <alias name='${ALIAS}'/>
</interface>`;
  });

  after(async () => {
    await conn?.close();
    await guest?.stop();
    await veth?.delete();
    await libvirt?.stop();
  });

  it('[vm] attaches a bridge-mode direct interface live: in the live XML and in the guest', async function () {
    if (process.env.HVNET_SKIP_VM === '1') this.skip();
    assert.equal(dom.uuid, guest.uuid);
    const from = guest.console().length;
    const t0 = performance.now();
    await conn.attachDevice(dom, ifXml, DeviceModify.LIVE);
    const attachMs = performance.now() - t0;
    const live = await conn.getDomainXml(dom);
    assert.match(live, new RegExp(`<mac address='${MAC}'/>`));
    assert.match(live, new RegExp(`<source dev='${veth.a}' mode='bridge'/>`));
    assert.match(live, new RegExp(`<alias name='${ALIAS}'/>`));
    assert.match(live, /<target dev='macvtap\d+'\/>/);
    await guest.waitForConsole(/HVNET-NETS up=\S+ .*\beth0\b/, 30_000, from);
    console.log(`      attach ${attachMs.toFixed(1)} ms`);
  });

  it('[vm] detachAndConfirm resolves on DEVICE_REMOVED; the NIC is gone from the live XML and the guest', async function () {
    if (process.env.HVNET_SKIP_VM === '1') this.skip();
    const from = guest.console().length;
    const removed = nextEvent<DeviceEvent>(conn, 'deviceRemoved', (e) => e.alias === ALIAS, 30_000);
    const detachXml = `<interface type='direct'><mac address='${MAC}'/><source dev='${veth.a}' mode='bridge'/><alias name='${ALIAS}'/></interface>`;
    const res = await conn.detachAndConfirm(dom, detachXml, { timeoutMs: 10_000 });
    assert.equal(res.alias, ALIAS);
    const ev = await removed;
    assert.deepEqual(ev.domain, { name: guest.name, uuid: guest.uuid });
    const live = await conn.getDomainXml(dom);
    assert.doesNotMatch(live, new RegExp(MAC));
    await guest.waitForConsole(/HVNET-NETS up=\S+ (?!.*\beth0\b).*$/m, 30_000, from);
    console.log(`      detach until DEVICE_REMOVED ${res.ms.toFixed(1)} ms`);
  });

  it('[vm] a live attach emits DEVICE_ADDED with the device alias and the domain (seen by every client)', async function () {
    if (process.env.HVNET_SKIP_VM === '1') this.skip();
    const alias = 'ua-hvnet-t2';
    const mac = '52:54:00:5e:a1:02';
    const xml = `<interface type='direct'><mac address='${mac}'/><source dev='${veth.a}' mode='bridge'/><model type='virtio'/><alias name='${alias}'/></interface>`;
    // A second connection stands for a daemon watching another client's hot-plug.
    const watcher = await LibvirtConnection.open(libvirt.uri);
    try {
      const added = nextEvent<DeviceEvent>(conn, 'deviceAdded', (e) => e.alias === alias, 15_000);
      const seen = nextEvent<DeviceEvent>(watcher, 'deviceAdded', (e) => e.alias === alias, 15_000);
      await conn.attachDevice(dom, xml, DeviceModify.LIVE);
      assert.deepEqual((await added).domain, { name: guest.name, uuid: guest.uuid });
      assert.deepEqual((await seen).domain, { name: guest.name, uuid: guest.uuid });
    } finally {
      await watcher.close();
    }
    await conn.detachAndConfirm(dom, `<interface type='direct'><mac address='${mac}'/><source dev='${veth.a}' mode='bridge'/><alias name='${alias}'/></interface>`, { timeoutMs: 10_000 });
    assert.doesNotMatch(await conn.getDomainXml(dom), new RegExp(mac));
  });

  it('[vm] suspend and resume emit lifecycle events (suspended, resumed) and change the state', async function () {
    if (process.env.HVNET_SKIP_VM === '1') this.skip();
    const suspended = nextEvent<LifecycleEvent>(conn, 'lifecycle', (e) => e.domain.uuid === guest.uuid && e.eventName === 'suspended', 15_000);
    await conn.suspendDomain(dom);
    await suspended;
    assert.equal((await conn.getDomainState(dom)).stateName, 'paused');
    const resumed = nextEvent<LifecycleEvent>(conn, 'lifecycle', (e) => e.domain.uuid === guest.uuid && e.eventName === 'resumed', 15_000);
    await conn.resumeDomain(dom);
    await resumed;
    assert.equal((await conn.getDomainState(dom)).stateName, 'running');
  });
});
