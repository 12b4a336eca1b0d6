// Domain events and the close callback while request workers are awake: libvirt's loop then
// rests between turns (docs/libvirt.md#the-event-loop-rests-while-calls-run), and must still
// deliver within its rest, also while a call hangs in libvirt.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { join } from 'node:path';
import { startLibvirt } from '../../testbed/libvirt.js';
import type { Libvirt } from '../../testbed/libvirt.js';
import { testRun } from '../../testbed/test-run.js';
import { LibvirtConnection } from '../../lib/libvirt/connection.js';
import type { LifecycleEvent } from '../../lib/libvirt/connection.js';
import { LibvirtError } from '../../lib/libvirt/errors.js';
import { nextEvent } from './helpers.js';

/** Events are expected within the loop's rest; this allows for a loaded machine. */
const PROMPT_MS = 500;

describe('libvirt binding: events while calls run', function () {
  this.timeout(120_000);
  let libvirt: Libvirt;
  let busy: LibvirtConnection;
  let other: LibvirtConnection;
  const defined: string[] = [];

  before(async () => {
    libvirt = await startLibvirt();
    busy = await LibvirtConnection.open(libvirt.uri);
    other = await LibvirtConnection.open(libvirt.uri);
  });

  after(async () => {
    for (const name of defined) await libvirt?.virsh(['undefine', name]).catch(() => undefined);
    await busy?.close();
    await other?.close();
    await libvirt?.stop();
  });

  /** Defines a domain through `other`; ms from the define's answer to the event on `on`. */
  async function defineAndTime(on: LibvirtConnection): Promise<number> {
    const name = testRun.nextName();
    const uuid = randomUUID();
    defined.push(name);
    const event = nextEvent<LifecycleEvent>(on, 'lifecycle', (e) => e.domain.uuid === uuid && e.eventName === 'defined', 10_000).then(() => performance.now());
    await other.defineDomain(`<domain type='qemu'><name>${name}</name><uuid>${uuid}</uuid><memory unit='MiB'>64</memory>
  <os><type arch='x86_64' machine='q35'>hvm</type></os><devices><emulator>/usr/bin/qemu-system-x86_64</emulator></devices></domain>`);
    const answered = performance.now();
    return Math.max(0, (await event) - answered);
  }

  it(`a lifecycle event arrives within ${PROMPT_MS} ms while another connection's calls run back to back`, async () => {
    let stop = false;
    let calls = 0;
    const loop = (async () => {
      while (!stop) {
        await busy.getLibVersion();
        calls += 1;
      }
    })();
    try {
      await new Promise((r) => setTimeout(r, 50));
      const before = calls;
      const ms = await defineAndTime(busy);
      assert.ok(ms < PROMPT_MS, `event ${ms.toFixed(1)} ms after the define answered`);
      assert.ok(calls > before, 'the calls kept running meanwhile');
    } finally {
      stop = true;
      await loop;
    }
  });

  it(`a lifecycle event arrives within ${PROMPT_MS} ms while a call hangs in libvirt (an open that is never answered)`, async () => {
    // A unix socket that accepts and never speaks: virConnectOpen waits for its reply for ever,
    // so that connection's request worker stays awake inside libvirt.
    const dir = testRun.tempDir('silent-libvirtd');
    const path = join(dir, 'sock');
    const accepted: Socket[] = [];
    const server: Server = createServer((s) => accepted.push(s));
    await new Promise<void>((r) => server.listen(path, r));
    const hung = LibvirtConnection.open(`qemu+unix:///system?socket=${path}`, { openTimeoutMs: 60_000, reconnect: { enabled: false } }).then(
      (c) => c,
      (e: unknown) => e,
    );
    try {
      const t0 = performance.now();
      while (accepted.length === 0) {
        assert.ok(performance.now() - t0 < 10_000, 'the binding never connected to the silent socket');
        await new Promise((r) => setTimeout(r, 10));
      }
      const ms = await defineAndTime(other);
      assert.ok(ms < PROMPT_MS, `event ${ms.toFixed(1)} ms after the define answered`);
    } finally {
      for (const s of accepted) s.destroy();
      server.close();
    }
    const outcome = await hung;
    if (outcome instanceof LibvirtConnection) await outcome.close();
    assert.ok(outcome instanceof LibvirtError, `the hung open ended with ${String(outcome)}`);
  });
});
