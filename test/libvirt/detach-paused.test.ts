// A paused guest ignores the unplug request while libvirt's detach still returns success
// (docs/libvirt.md#detach-returns-before-the-device-is-gone): detachAndConfirm times out with DeviceNotReleasedError; after resume the
// guest completes the removal and DEVICE_REMOVED arrives.
import assert from 'node:assert/strict';
import { startLibvirt } from '../../testbed/libvirt.js';
import type { Libvirt } from '../../testbed/libvirt.js';
import { startTinyGuest } from '../../testbed/guest.js';
import type { TinyGuest } from '../../testbed/guest.js';
import { vethPair } from '../../testbed/netns.js';
import type { VethPair } from '../../testbed/netns.js';
import { LibvirtConnection } from '../../lib/libvirt/connection.js';
import type { DeviceEvent, DomainInfo } from '../../lib/libvirt/connection.js';
import { DeviceModify } from '../../lib/libvirt/constants.js';
import { DeviceNotReleasedError } from '../../lib/libvirt/errors.js';
import { nextEvent } from './helpers.js';

const MAC = '52:54:00:5e:a1:02';

describe('libvirt binding: detach from a paused guest', function () {
  this.timeout(180_000);
  let libvirt: Libvirt;
  let guest: TinyGuest;
  let conn: LibvirtConnection;
  let veth: VethPair;
  let dom: DomainInfo;

  before(async function () {
    if (process.env.HVNET_SKIP_VM === '1') this.skip();
    libvirt = await startLibvirt();
    guest = await startTinyGuest(libvirt);
    veth = await vethPair();
    conn = await LibvirtConnection.open(libvirt.uri);
    dom = await conn.lookupDomainByName(guest.name);
  });

  after(async () => {
    await conn?.close();
    await guest?.stop();
    await veth?.delete();
    await libvirt?.stop();
  });

  it('[vm] times out with DeviceNotReleasedError while paused; after resume DEVICE_REMOVED completes it', async function () {
    if (process.env.HVNET_SKIP_VM === '1') this.skip();
    const from = guest.console().length;
    // No user alias: libvirt names it (net0); detachAndConfirm finds it by MAC in the live XML.
    const xml = `<interface type='direct'><mac address='${MAC}'/><source dev='${veth.a}' mode='bridge'/><model type='virtio'/></interface>`;
    await conn.attachDevice(dom, xml, DeviceModify.LIVE);
    await guest.waitForConsole(/HVNET-NETS up=\S+ .*\beth0\b/, 30_000, from);
    const alias = /<interface type='direct'>(?:(?!<\/interface>)[\s\S])*?<alias name='([^']+)'\/>/.exec(await conn.getDomainXml(dom))?.[1];
    assert.ok(alias, 'no alias in the live XML');

    await conn.suspendDomain(dom);
    const t0 = performance.now();
    const err = await conn.detachAndConfirm(dom, xml, { timeoutMs: 2_000 }).then(
      () => assert.fail('detach confirmed on a paused guest'),
      (e: unknown) => e,
    );
    const ms = performance.now() - t0;
    assert.ok(err instanceof DeviceNotReleasedError, String(err));
    assert.equal(err.code, 'HVNET_LIBVIRT_DEVICE_NOT_RELEASED');
    assert.equal(err.alias, alias);
    assert.equal(err.domainName, guest.name);
    assert.match(err.message, /did not release/);
    assert.ok(ms >= 1_900 && ms < 4_000, `timed out after ${ms} ms`);
    assert.match(await conn.getDomainXml(dom), new RegExp(MAC));

    const removed = nextEvent<DeviceEvent>(conn, 'deviceRemoved', (e) => e.alias === alias && e.domain.uuid === guest.uuid, 30_000);
    await conn.resumeDomain(dom);
    await removed;
    assert.doesNotMatch(await conn.getDomainXml(dom), new RegExp(MAC));
  });
});
