// libvirtd restarted under an open connection: the binding notices (close callback or failing
// call), reconnects with backoff by itself, re-registers its domain event callbacks, and calls
// work again — including one made while it was disconnected (it waits for the reconnection).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startLibvirt } from '../../testbed/libvirt.js';
import type { Libvirt } from '../../testbed/libvirt.js';
import { testRun } from '../../testbed/test-run.js';
import { LibvirtConnection } from '../../lib/libvirt/connection.js';
import type { DisconnectedEvent, LifecycleEvent, ReconnectedEvent } from '../../lib/libvirt/connection.js';
import { LibvirtDisconnectedError } from '../../lib/libvirt/errors.js';
import { nextEvent } from './helpers.js';

function tinyDomainXml(name: string, uuid: string): string {
  return `<domain type='qemu'><name>${name}</name><uuid>${uuid}</uuid><memory unit='MiB'>64</memory><vcpu>1</vcpu>
  <os><type arch='x86_64' machine='q35'>hvm</type></os><devices><emulator>/usr/bin/qemu-system-x86_64</emulator></devices></domain>`;
}

describe('libvirt binding: reconnection', function () {
  this.timeout(180_000);
  let libvirt: Libvirt;
  let conn: LibvirtConnection;

  before(async () => {
    libvirt = await startLibvirt();
    conn = await LibvirtConnection.open(libvirt.uri, { reconnect: { initialDelayMs: 50, maxDelayMs: 1_000, waitMs: 30_000 } });
  });

  after(async () => {
    await conn?.close();
    await libvirt?.stop();
  });

  it('reconnects by itself after libvirtd restarts; a call made meanwhile waits and succeeds', async () => {
    const before = await conn.getLibVersion();
    const disconnected = nextEvent<DisconnectedEvent>(conn, 'disconnected', () => true, 30_000);
    const reconnected = nextEvent<ReconnectedEvent>(conn, 'reconnected', () => true, 60_000);
    const oldPid = libvirt.libvirtdPid;
    const restart = libvirt.restart();
    const d = await disconnected;
    assert.equal(conn.state, 'disconnected');
    assert.ok(['eof', 'error', 'call'].includes(d.reason), d.reason);
    // made while disconnected: waits for the reconnection instead of failing
    const during = conn.getLibVersion();
    await restart;
    assert.notEqual(libvirt.libvirtdPid, oldPid);
    const r = await reconnected;
    assert.ok(r.attempts >= 1);
    assert.equal(await during, before);
    assert.equal(conn.state, 'connected');
    assert.equal(await conn.getLibVersion(), before);
  });

  it('domain events arrive again after the reconnection (callbacks re-registered)', async () => {
    const name = testRun.nextName();
    const uuid = randomUUID();
    const defined = nextEvent<LifecycleEvent>(conn, 'lifecycle', (e) => e.domain.uuid === uuid && e.eventName === 'defined', 15_000);
    const dom = await conn.defineDomain(tinyDomainXml(name, uuid));
    assert.equal((await defined).domain.name, name);
    const undefinedEv = nextEvent<LifecycleEvent>(conn, 'lifecycle', (e) => e.domain.uuid === uuid && e.eventName === 'undefined', 15_000);
    await conn.undefineDomain(dom);
    await undefinedEv;
  });

  it('with waitMs 0 a call made while disconnected fails fast with LibvirtDisconnectedError', async () => {
    const fast = await LibvirtConnection.open(libvirt.uri, { reconnect: { initialDelayMs: 200, waitMs: 0 } });
    try {
      const disconnected = nextEvent<DisconnectedEvent>(fast, 'disconnected', () => true, 30_000);
      const reconnected = nextEvent<ReconnectedEvent>(fast, 'reconnected', () => true, 60_000);
      const restart = libvirt.restart();
      await disconnected;
      await assert.rejects(fast.getLibVersion(), (e: unknown) => e instanceof LibvirtDisconnectedError && !e.sent);
      await restart;
      await reconnected;
      assert.ok((await fast.getLibVersion()) > 0);
      // the other connection came back too (its call waits for that if needed)
      assert.ok((await conn.getLibVersion()) > 0);
    } finally {
      await fast.close();
    }
  });
});
