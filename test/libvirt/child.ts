// A separate Node process using the binding, for what a test cannot see from inside mocha: what
// reaches stderr, the process's RSS, and whether it exits by itself after close().
//   node child.js URI lookup-missing NAME  → prints the error as JSON
//   node child.js URI rss N NAME          → defines domain NAME, makes N calls that return strings and
//                                           objects (XML, domain lists), prints RSS readings, undefines
//                                           it (needs --expose-gc)
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
    // Calls whose results libvirt allocates and the binding must free: a heap string
    // (virDomainGetXMLDesc) and an array of domain objects (virConnectListAllDomains).
    const n = Number(arg ?? 100_000);
    const name = process.argv[5];
    if (name === undefined) throw new Error('rss needs a domain name');
    const dom = await conn.defineDomain(
      `<domain type='qemu'><name>${name}</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>` +
        `<os><type arch='x86_64' machine='q35'>hvm</type></os><devices><emulator>/usr/bin/qemu-system-x86_64</emulator></devices></domain>`,
    );
    try {
      let bytes = 0;
      let domains = 0;
      const call = async (i: number): Promise<void> => {
        if (i % 2 === 0) bytes += (await conn.getDomainXml(dom)).length;
        else domains += (await conn.listAllDomains()).length;
      };
      for (let i = 0; i < 5_000; i++) await call(i);
      const readings: number[] = [rssAfterGc()];
      const step = n / 4;
      const t0 = performance.now();
      bytes = 0;
      domains = 0;
      for (let i = 1; i <= n; i++) {
        await call(i);
        if (i % step === 0) readings.push(rssAfterGc());
      }
      console.log(JSON.stringify({ calls: n, ms: performance.now() - t0, rss: readings, xmlBytes: bytes, domainsListed: domains }));
    } finally {
      await conn.undefineDomain(dom);
    }
  } else if (mode === 'version') {
    console.log(JSON.stringify({ libVersion: await conn.getLibVersion() }));
  } else {
    throw new Error(`unknown mode ${mode}`);
  }
} finally {
  await conn.close();
}
