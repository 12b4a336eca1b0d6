// A separate Node process using the binding, for what a test cannot see from inside mocha: what
// reaches stderr, the process's RSS, and whether it exits by itself after close().
//   node child.js URI lookup-missing NAME  → prints the error as JSON
//   node child.js URI rss N               → prints RSS readings (needs --expose-gc)
//   node child.js URI version             → prints the library version
// It never calls process.exit: the exit code is 0 only if it ends by itself.
import { LibvirtConnection } from '../../lib/libvirt/connection.js';
import { LibvirtCallError } from '../../lib/libvirt/errors.js';

const [uri, mode, arg] = process.argv.slice(2);
if (uri === undefined || mode === undefined) throw new Error('usage: child.js URI MODE [ARG]');

function rssAfterGc(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run with --expose-gc');
  gc();
  gc();
  return process.memoryUsage().rss;
}

const conn = await LibvirtConnection.open(uri);
try {
  if (mode === 'lookup-missing') {
    try {
      await conn.lookupDomainByName(arg ?? 'no-such-domain');
      console.log(JSON.stringify({ found: true }));
    } catch (e) {
      if (!(e instanceof LibvirtCallError)) throw e;
      console.log(JSON.stringify({ name: e.name, code: e.code, virCode: e.virCode, virDomain: e.virDomain, virMessage: e.virMessage, fn: e.fn }));
    }
  } else if (mode === 'rss') {
    const n = Number(arg ?? 100_000);
    for (let i = 0; i < 5_000; i++) await conn.getLibVersion();
    const readings: number[] = [rssAfterGc()];
    const step = n / 4;
    const t0 = performance.now();
    for (let i = 1; i <= n; i++) {
      await conn.getLibVersion();
      if (i % step === 0) readings.push(rssAfterGc());
    }
    console.log(JSON.stringify({ calls: n, ms: performance.now() - t0, rss: readings }));
  } else if (mode === 'version') {
    console.log(JSON.stringify({ libVersion: await conn.getLibVersion() }));
  } else {
    throw new Error(`unknown mode ${mode}`);
  }
} finally {
  await conn.close();
}
