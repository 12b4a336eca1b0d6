// A Node process that stops and restarts libvirt's event loop many times (each cycle: open,
// lifecycle events in flight, close, which ends the loop because no other connection is open),
// then prints how many stray wake timers fired. Its own process, so that no other connection keeps
// the shared loop alive and a crash shows as a signal.
//   node loop-restart-child.js URI CYCLES WAKE_DELAY_MS
import { LibvirtConnection } from '../../lib/libvirt/connection.js';
import { strayWakeups } from '../../lib/libvirt/event-loop.js';

const [uri, cyclesArg, delayArg] = process.argv.slice(2);
if (uri === undefined) throw new Error('usage: loop-restart-child.js URI CYCLES WAKE_DELAY_MS');
const cycles = Number(cyclesArg ?? 20);
const delay = Number(delayArg ?? 0);
let events = 0;
for (let i = 0; i < cycles; i++) {
  // A 1-ms safety tick makes the loop look at its stop flag at once: without the wake handshake it
  // would end before the (delayed) wake timer is added.
  const conn = await LibvirtConnection.open(uri, { eventLoopTickMs: 1, delayEventLoopWakeMs: delay });
  conn.on('lifecycle', () => (events += 1));
  const dom = await conn.defineDomain(
    `<domain type='qemu'><name>hvnet-loop-restart-${process.pid}-${i}</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>` +
      `<os><type arch='x86_64' machine='q35'>hvm</type></os><devices><emulator>/usr/bin/qemu-system-x86_64</emulator></devices></domain>`,
  );
  await conn.undefineDomain(dom);
  await conn.close();
}
// One more loop, long enough for a timer left by the last close to fire in it.
const last = await LibvirtConnection.open(uri);
await last.getLibVersion();
await new Promise((r) => setTimeout(r, 100));
await last.close();
console.log(JSON.stringify({ cycles, events, strayWakeups: strayWakeups() }));
