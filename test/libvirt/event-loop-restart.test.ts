// libvirt's event loop is stopped by the last close() and started again by the next open() in the
// same process (event-loop.ts). The wake timer that stops it must fire in the loop that registered
// its callback: one left behind fires, in the next loop, a koffi trampoline the old loop gave back,
// which koffi may have handed to a callback of another signature by then (a SEGFAULT, seen once in
// bench/nic when its round trip opened a second connection). docs/libvirt.md#clean-shutdown.
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { startLibvirt } from '../../testbed/libvirt.js';
import type { Libvirt } from '../../testbed/libvirt.js';
import { runChild } from './helpers.js';

const RESTART_CHILD = fileURLToPath(new URL('./loop-restart-child.js', import.meta.url));

describe('libvirt binding: event loop stopped and started again in one process', function () {
  this.timeout(180_000);
  let libvirt: Libvirt;

  before(async () => {
    libvirt = await startLibvirt();
  });

  after(async () => {
    await libvirt?.stop();
  });

  for (const delay of [0, 20]) {
    it(`20 open/events/close cycles leave no wake timer to the next loop (wake added ${delay} ms late)`, async () => {
      const r = await runChild([libvirt.uri, '20', String(delay)], { script: RESTART_CHILD, timeoutMs: 150_000 });
      assert.equal(r.signal, null, `child died by ${r.signal}; stderr: ${r.stderr}`);
      assert.equal(r.code, 0, r.stderr);
      const out = JSON.parse(r.stdout) as { cycles: number; events: number; strayWakeups: number };
      assert.equal(out.cycles, 20);
      assert.ok(out.events >= 20, `only ${out.events} lifecycle events: the loops did not run`);
      assert.equal(out.strayWakeups, 0, 'a wake timer of an earlier loop fired in a later one');
    });
  }
});
