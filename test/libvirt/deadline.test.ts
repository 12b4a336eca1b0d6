// A call that exceeds its deadline rejects with LibvirtTimeoutError (the worker may still be
// blocked in it). Made with a STOPPED libvirtd (SIGSTOP to the fixture's own daemon), so it
// answers again once continued.
import assert from 'node:assert/strict';
import { libvirtFixture } from './helpers.js';
import { LibvirtTimeoutError } from '../../lib/libvirt/errors.js';

describe('libvirt binding: deadlines', function () {
  this.timeout(120_000);
  const fx = libvirtFixture({ stopsDaemon: true });

  it('a call past its deadline rejects with LibvirtTimeoutError (in flight), a queued one (not in flight); both recover', async () => {
    const timeouts: LibvirtTimeoutError[] = [];
    fx.conn.on('callTimeout', (e) => timeouts.push(e));
    process.kill(fx.libvirt.libvirtdPid, 'SIGSTOP');
    let first: unknown;
    let second: unknown;
    const t0 = performance.now();
    try {
      [first, second] = await Promise.all([
        fx.conn.getLibVersion({ timeoutMs: 300 }).catch((e: unknown) => e),
        fx.conn.getVersion({ timeoutMs: 300 }).catch((e: unknown) => e),
      ]);
    } finally {
      process.kill(fx.libvirt.libvirtdPid, 'SIGCONT');
    }
    const ms = performance.now() - t0;
    assert.ok(ms < 1_500, `timeouts took ${ms} ms`);
    assert.ok(first instanceof LibvirtTimeoutError, String(first));
    assert.equal(first.code, 'HVNET_LIBVIRT_CALL_TIMEOUT');
    assert.equal(first.fn, 'virConnectGetLibVersion');
    assert.equal(first.inFlight, true);
    assert.ok(second instanceof LibvirtTimeoutError, String(second));
    assert.equal(second.inFlight, false);
    assert.equal(timeouts.length, 2);
    // libvirtd continued: the stuck call returns in the worker, the queued one is skipped, new calls work
    assert.ok((await fx.conn.getLibVersion({ timeoutMs: 10_000 })) > 0);
    assert.equal(fx.conn.state, 'connected');
  });

  it('one deadline timer serves every call: a shorter deadline made after a longer one still fires on time', async () => {
    process.kill(fx.libvirt.libvirtdPid, 'SIGSTOP');
    const t0 = performance.now();
    const at = (p: Promise<unknown>): Promise<[unknown, number]> =>
      p.then(
        (v) => [v, performance.now() - t0],
        (e: unknown) => [e, performance.now() - t0],
      );
    let long: [unknown, number];
    let short: [unknown, number];
    try {
      const longP = at(fx.conn.getLibVersion({ timeoutMs: 1_500 }));
      const shortP = at(fx.conn.getVersion({ timeoutMs: 200 }));
      short = await shortP;
      long = await longP;
    } finally {
      process.kill(fx.libvirt.libvirtdPid, 'SIGCONT');
    }
    assert.ok(short[0] instanceof LibvirtTimeoutError, String(short[0]));
    assert.equal(short[0].fn, 'virConnectGetVersion');
    assert.equal(short[0].timeoutMs, 200);
    assert.ok(short[1] >= 195 && short[1] < 1_000, `the 200 ms deadline fired after ${short[1]} ms`);
    assert.ok(long[0] instanceof LibvirtTimeoutError, String(long[0]));
    assert.equal(long[0].inFlight, true);
    assert.ok(long[1] >= 1_495 && long[1] < 3_000, `the 1,500 ms deadline fired after ${long[1]} ms`);
    assert.ok((await fx.conn.getLibVersion({ timeoutMs: 10_000 })) > 0);
  });
});
