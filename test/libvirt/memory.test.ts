// 100,000 binding calls that return what libvirt allocates (a domain's XML, the list of domains)
// must not grow the process: every string and object is freed. Measured in a child with
// --expose-gc, RSS read after a forced GC. The forced GC reaches only the main thread, not the
// binding's two workers, whose young generation V8 lets grow to 16 MiB each under load (RSS rose
// ~20 MiB over 100,000 calls, then fell back by 400,000): a 1 MiB semi-space keeps the workers'
// heaps small, so what RSS still shows is what native code kept.
import assert from 'node:assert/strict';
import { startLibvirt } from '../../testbed/libvirt.js';
import type { Libvirt } from '../../testbed/libvirt.js';
import { runChild } from './helpers.js';
import { testRun } from '../../testbed/test-run.js';

describe('libvirt binding: memory', function () {
  this.timeout(180_000);
  let libvirt: Libvirt;

  before(async () => {
    libvirt = await startLibvirt();
  });

  after(async () => {
    await libvirt?.stop();
  });

  it('100,000 calls returning XML strings and domain lists grow RSS by less than 5 MB', async () => {
    const r = await runChild([libvirt.uri, 'rss', '100000', `${testRun.nextName()}-mem`], { nodeArgs: ['--expose-gc', '--max-semi-space-size=1'], timeoutMs: 150_000 });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    const out = JSON.parse(r.stdout) as { calls: number; ms: number; rss: number[]; xmlBytes: number; domainsListed: number };
    // Half the calls returned the domain's XML, half a list that holds at least that domain.
    assert.ok(out.xmlBytes > 50 * out.calls, `XML bytes returned: ${out.xmlBytes}`);
    assert.ok(out.domainsListed >= out.calls / 2, `domains listed: ${out.domainsListed}`);
    const first = out.rss[0] ?? 0;
    const last = out.rss.at(-1) ?? 0;
    const mib = (n: number): string => (n / 1024 / 1024).toFixed(1);
    console.log(`      ${out.calls} calls in ${(out.ms / 1000).toFixed(1)} s (${((out.ms * 1000) / out.calls).toFixed(0)} µs/call), RSS MiB: ${out.rss.map(mib).join(' → ')}`);
    assert.ok(last - first < 5 * 1024 * 1024, `RSS grew by ${mib(last - first)} MiB`);
  });
});
