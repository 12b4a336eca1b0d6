// 100,000 binding calls (virConnectGetLibVersion round trips through the request worker) must not
// grow the process: every string and object is freed. Measured in a child with --expose-gc, RSS
// read after a forced GC.
import assert from 'node:assert/strict';
import { startLibvirt } from '../../testbed/libvirt.js';
import type { Libvirt } from '../../testbed/libvirt.js';
import { runChild } from './helpers.js';

describe('libvirt binding: memory', function () {
  this.timeout(180_000);
  let libvirt: Libvirt;

  before(async () => {
    libvirt = await startLibvirt();
  });

  after(async () => {
    await libvirt?.stop();
  });

  it('100,000 calls grow RSS by less than 5 MB', async () => {
    const r = await runChild([libvirt.uri, 'rss', '100000'], { nodeArgs: ['--expose-gc'], timeoutMs: 120_000 });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    const out = JSON.parse(r.stdout) as { calls: number; ms: number; rss: number[] };
    const first = out.rss[0] ?? 0;
    const last = out.rss.at(-1) ?? 0;
    const mib = (n: number): string => (n / 1024 / 1024).toFixed(1);
    console.log(`      ${out.calls} calls in ${(out.ms / 1000).toFixed(1)} s (${((out.ms * 1000) / out.calls).toFixed(0)} µs/call), RSS MiB: ${out.rss.map(mib).join(' → ')}`);
    assert.ok(last - first < 5 * 1024 * 1024, `RSS grew by ${mib(last - first)} MiB`);
  });
});
