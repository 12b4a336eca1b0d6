// virConnectGetLibVersion / virConnectGetVersion through the binding agree with virsh.
import assert from 'node:assert/strict';
import { startLibvirt } from '../../testbed/libvirt.js';
import type { Libvirt } from '../../testbed/libvirt.js';
import { LibvirtConnection } from '../../lib/libvirt/connection.js';
import { versionString } from './helpers.js';

describe('libvirt binding: versions', function () {
  this.timeout(120_000);
  let libvirt: Libvirt;
  let conn: LibvirtConnection;

  before(async () => {
    libvirt = await startLibvirt();
    conn = await LibvirtConnection.open(libvirt.uri);
  });

  after(async () => {
    await conn?.close();
    await libvirt?.stop();
  });

  it('getLibVersion matches the library version virsh version reports', async () => {
    const out = await libvirt.virsh(['version']);
    const lib = /Using library: libvirt (\d+\.\d+\.\d+)/.exec(out)?.[1];
    assert.ok(lib, `no library version in: ${out}`);
    assert.equal(versionString(await conn.getLibVersion()), lib);
  });

  it('getVersion matches the running hypervisor virsh version reports', async () => {
    const out = await libvirt.virsh(['version']);
    const hv = /Running hypervisor: QEMU (\d+\.\d+\.\d+)/.exec(out)?.[1];
    assert.ok(hv, `no hypervisor version in: ${out}`);
    assert.equal(versionString(await conn.getVersion()), hv);
  });

  it('works against test:///default too (no daemon)', async () => {
    const t = await LibvirtConnection.open('test:///default');
    try {
      assert.equal(await t.getLibVersion(), await conn.getLibVersion());
      assert.equal(versionString(await t.getVersion()), '0.0.2');
    } finally {
      await t.close();
    }
  });
});
