// close() follows the clean shutdown of docs/libvirt.md#clean-shutdown: a process that used the binding
// exits by itself, with code 0, right after close() (no process.exit anywhere).
import assert from 'node:assert/strict';
import { startLibvirt } from '../../testbed/libvirt.js';
import type { Libvirt } from '../../testbed/libvirt.js';
import { LibvirtConnection } from '../../lib/libvirt/connection.js';
import { LibvirtClosedError } from '../../lib/libvirt/errors.js';
import { runChild } from './helpers.js';

describe('libvirt binding: close', function () {
  this.timeout(120_000);
  let libvirt: Libvirt;

  before(async () => {
    libvirt = await startLibvirt();
  });

  after(async () => {
    await libvirt?.stop();
  });

  it('a child process using the binding exits with code 0 by itself after close()', async () => {
    const r = await runChild([libvirt.uri, 'version'], { timeoutMs: 30_000 });
    assert.equal(r.stderr, '');
    assert.equal(r.signal, null);
    assert.equal(r.code, 0);
    assert.ok((JSON.parse(r.stdout) as { libVersion: number }).libVersion >= 9_000_000);
    // start-up + one call + shutdown; a worker left behind would hold the process for seconds
    assert.ok(r.ms < 5_000, `child took ${r.ms} ms`);
  });

  it('the same with test:///default', async () => {
    const r = await runChild(['test:///default', 'version'], { timeoutMs: 30_000 });
    assert.equal(r.code, 0);
    assert.equal(r.stderr, '');
  });

  it('calls after close() reject with LibvirtClosedError; close() is idempotent', async () => {
    const conn = await LibvirtConnection.open(libvirt.uri);
    await Promise.all([conn.close(), conn.close()]);
    assert.equal(conn.state, 'closed');
    await assert.rejects(conn.getLibVersion(), (e: unknown) => e instanceof LibvirtClosedError && e.code === 'HVNET_LIBVIRT_CLOSED');
  });

  it('two connections in one process share the event loop and close in any order', async () => {
    const a = await LibvirtConnection.open(libvirt.uri);
    const b = await LibvirtConnection.open(libvirt.uri);
    await a.close();
    assert.ok((await b.getLibVersion()) > 0);
    const c = await LibvirtConnection.open(libvirt.uri);
    await b.close();
    assert.ok((await c.getLibVersion()) > 0);
    await c.close();
  });
});
