// virConnectGetLibVersion / virConnectGetVersion through the binding agree with virsh.
import assert from 'node:assert/strict';
import { LibvirtConnection } from '../../lib/libvirt/connection.js';
import { libvirtFixture, versionString } from './helpers.js';

describe('libvirt binding: versions', function () {
  this.timeout(120_000);
  const fx = libvirtFixture();

  it('getLibVersion matches the library version virsh version reports', async () => {
    const out = await fx.libvirt.virsh(['version']);
    const lib = /Using library: libvirt (\d+\.\d+\.\d+)/.exec(out)?.[1];
    assert.ok(lib, `no library version in: ${out}`);
    assert.equal(versionString(await fx.conn.getLibVersion()), lib);
  });

  it('getVersion matches the running hypervisor virsh version reports', async () => {
    const out = await fx.libvirt.virsh(['version']);
    const hv = /Running hypervisor: QEMU (\d+\.\d+\.\d+)/.exec(out)?.[1];
    assert.ok(hv, `no hypervisor version in: ${out}`);
    assert.equal(versionString(await fx.conn.getVersion()), hv);
  });

  it('works against test:///default too (no daemon)', async () => {
    const t = await LibvirtConnection.open('test:///default');
    try {
      assert.equal(await t.getLibVersion(), await fx.conn.getLibVersion());
      assert.equal(versionString(await t.getVersion()), '0.0.2');
    } finally {
      await t.close();
    }
  });
});
