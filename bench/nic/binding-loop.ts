// One binding in a process of its own, for binding-roundtrip.ts's --compare: opens URI with the
// LibvirtConnection of MODULE (this build's by default, or another build's
// dist/lib/libvirt/connection.js, e.g. main's worktree), prints {"ready":true}, then answers each
// line "N" with the timings (µs) of WARMUP untimed and N timed virConnectGetLibVersion calls, as JSON.
//   node dist/bench/nic/binding-loop.js URI WARMUP [MODULE]
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import type { LibvirtConnection } from '../../lib/libvirt/connection.js';
import { timeLibVersion } from './time-lib-version.js';

const [uri, warmupArg, modulePath] = process.argv.slice(2);
if (uri === undefined || warmupArg === undefined) throw new Error('usage: binding-loop.js URI WARMUP [MODULE]');
const WARMUP = Number(warmupArg);
const mod = (await import(modulePath === undefined ? '../../lib/libvirt/connection.js' : pathToFileURL(modulePath).href)) as {
  LibvirtConnection: typeof LibvirtConnection;
};
const conn = await mod.LibvirtConnection.open(uri);
console.log(JSON.stringify({ ready: true }));
for await (const line of createInterface({ input: process.stdin })) {
  const t = await timeLibVersion(conn, WARMUP, Number(line));
  console.log(JSON.stringify(t));
}
await conn.close();
