// The request ring (lib/libvirt/request-ring.ts): calls are run in the order they were made, the
// common ones written whole into shared memory and the others posted on the port, also when more
// calls are waiting than the ring holds. The worker is kept busy by a STOPPED libvirtd (SIGSTOP
// to the fixture's own daemon) while the calls pile up.
import assert from 'node:assert/strict';
import { libvirtFixture } from './helpers.js';
import { LibvirtCallError } from '../../lib/libvirt/errors.js';
import { RING_SIZE } from '../../lib/libvirt/request-ring.js';

describe('libvirt binding: request ring', function () {
  this.timeout(120_000);
  const fx = libvirtFixture({ stopsDaemon: true });

  it(`more calls than the ring holds (${RING_SIZE}), written and posted ones mixed, each gets its own answer`, async () => {
    const lib = await fx.conn.getLibVersion();
    const n = RING_SIZE * 3;
    const calls: Promise<unknown>[] = [];
    process.kill(fx.libvirt.libvirtdPid, 'SIGSTOP');
    try {
      for (let i = 0; i < n; i++) {
        // Odd calls take the port (a string argument), even ones the ring.
        calls.push(i % 2 === 0 ? fx.conn.getLibVersion() : fx.conn.lookupDomainByName(`hvnet-ring-missing-${i}`).catch((e: unknown) => e));
      }
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      process.kill(fx.libvirt.libvirtdPid, 'SIGCONT');
    }
    const results = await Promise.all(calls);
    results.forEach((r, i) => {
      if (i % 2 === 0) {
        assert.equal(r, lib, `call ${i}`);
        return;
      }
      assert.ok(r instanceof LibvirtCallError, `call ${i}: ${String(r)}`);
      assert.ok(r.isNoDomain, `call ${i}: ${r.message}`);
      assert.match(r.message, new RegExp(`'hvnet-ring-missing-${i}'`), `call ${i}`);
    });
    assert.equal(await fx.conn.getVersion(), await fx.conn.getVersion());
  });
});
