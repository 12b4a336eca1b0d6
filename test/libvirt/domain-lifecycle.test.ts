// define → start → state → destroy → undefine of a small domain of the run's own, through the
// binding, with the lifecycle events libvirt emits on the way.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { startLibvirt } from '../../testbed/libvirt.js';
import type { Libvirt } from '../../testbed/libvirt.js';
import { buildTinyGuest } from '../../testbed/guest.js';
import { testRun } from '../../testbed/test-run.js';
import { LibvirtConnection } from '../../lib/libvirt/connection.js';
import type { DomainInfo, LifecycleEvent } from '../../lib/libvirt/connection.js';
import { DomainXmlFlags, ListDomainsFlags } from '../../lib/libvirt/constants.js';
import { LibvirtCallError } from '../../lib/libvirt/errors.js';
import { nextEvent } from './helpers.js';

describe('libvirt binding: domain lifecycle', function () {
  this.timeout(180_000);
  let libvirt: Libvirt;
  let conn: LibvirtConnection;
  const name = testRun.nextName();
  const uuid = randomUUID();
  let xml = '';
  let dom: DomainInfo | undefined;

  before(async () => {
    libvirt = await startLibvirt();
    conn = await LibvirtConnection.open(libvirt.uri);
    const image = await buildTinyGuest();
    xml = `<domain type='qemu'>
  <name>${name}</name>
  <uuid>${uuid}</uuid>
  <memory unit='MiB'>128</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='q35'>hvm</type><kernel>${image.kernel}</kernel><initrd>${image.initrd}</initrd>
    <cmdline>console=ttyS0 panic=-1 quiet</cmdline></os>
  <features><acpi/><apic/></features>
  <on_poweroff>destroy</on_poweroff><on_reboot>destroy</on_reboot><on_crash>destroy</on_crash>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <controller type='usb' model='none'/>
    <memballoon model='none'/>
  </devices>
</domain>`;
  });

  after(async () => {
    if (libvirt?.running) {
      await libvirt.virsh(['destroy', name]).catch(() => undefined);
      await libvirt.virsh(['undefine', name]).catch(() => undefined);
    }
    rmSync(`/var/log/libvirt/qemu/${name}.log`, { force: true });
    await conn?.close();
    await libvirt?.stop();
  });

  it('defines a shut-off domain and finds it by name, UUID and in the list', async () => {
    const defined = nextEvent<LifecycleEvent>(conn, 'lifecycle', (e) => e.domain.uuid === uuid && e.eventName === 'defined', 15_000);
    dom = await conn.defineDomain(xml);
    assert.deepEqual(dom, { name, uuid, id: -1 });
    await defined;
    assert.deepEqual(await conn.lookupDomainByName(name), dom);
    assert.deepEqual(await conn.lookupDomainByUUID(uuid), dom);
    const all = await conn.listAllDomains();
    assert.deepEqual(all.filter((d) => d.uuid === uuid), [dom]);
    const inactive = await conn.listAllDomains(ListDomainsFlags.INACTIVE);
    assert.ok(inactive.some((d) => d.uuid === uuid));
    assert.equal((await conn.getDomainState(dom)).stateName, 'shutoff');
    assert.match(await conn.getDomainXml(dom, DomainXmlFlags.INACTIVE), new RegExp(`<uuid>${uuid}</uuid>`));
  });

  it('[vm] starts it (running, started event), destroys it (shutoff, stopped event)', async function () {
    if (process.env.HVNET_SKIP_VM === '1') this.skip();
    assert.ok(dom);
    const started = nextEvent<LifecycleEvent>(conn, 'lifecycle', (e) => e.domain.uuid === uuid && e.eventName === 'started', 30_000);
    await conn.startDomain(dom);
    await started;
    const running = await conn.getDomainState(dom);
    assert.equal(running.stateName, 'running');
    assert.ok((await conn.lookupDomainByName(name)).id > 0);
    const stopped = nextEvent<LifecycleEvent>(conn, 'lifecycle', (e) => e.domain.uuid === uuid && e.eventName === 'stopped', 30_000);
    await conn.destroyDomain(dom);
    await stopped;
    assert.equal((await conn.getDomainState(dom)).stateName, 'shutoff');
    await assert.rejects(conn.destroyDomain(dom), (e: unknown) => e instanceof LibvirtCallError && e.virCode === 55);
  });

  it('undefines it; then it is gone (code 42)', async () => {
    assert.ok(dom);
    const undef = nextEvent<LifecycleEvent>(conn, 'lifecycle', (e) => e.domain.uuid === uuid && e.eventName === 'undefined', 15_000);
    await conn.undefineDomain(dom);
    await undef;
    await assert.rejects(conn.lookupDomainByUUID(uuid), (e: unknown) => e instanceof LibvirtCallError && e.virCode === 42);
    await assert.rejects(conn.getDomainState(dom), (e: unknown) => e instanceof LibvirtCallError && e.virCode === 42 && e.domainName === name);
  });
});
