// The libvirt fixture: its own libvirtd (shared within the test process), the refusal to run
// next to a libvirt it did not start, and a tiny guest that takes a macvtap NIC live.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { mkdirSync, readFileSync, writeFileSync, existsSync, readdirSync, lstatSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { isAlive, run, waitFor } from '../../testbed/exec.js';
import { testRun } from '../../testbed/test-run.js';
import { vethPair } from '../../testbed/netns.js';
import { assertNoForeignLibvirt, findDaemonProcesses, findForeignLibvirt, startLibvirt } from '../../testbed/libvirt.js';
import type { Libvirt } from '../../testbed/libvirt.js';
import { startTinyGuest, buildTinyGuest } from '../../testbed/guest.js';
import type { TinyGuest } from '../../testbed/guest.js';

function ppid(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

function tree(root: string): string[] {
  if (!existsSync(root)) return [];
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      out.push(p);
      if (lstatSync(p).isDirectory()) walk(p);
    }
  };
  walk(root);
  return out.sort();
}

/** A fake /proc entry: pid dir with comm, cmdline and stat. */
function fakeProc(root: string, pid: number, comm: string, argv: string[], state = 'S'): void {
  const d = join(root, String(pid));
  mkdirSync(d, { recursive: true });
  writeFileSync(join(d, 'comm'), `${comm}\n`);
  writeFileSync(join(d, 'cmdline'), `${argv.join('\0')}\0`);
  writeFileSync(join(d, 'stat'), `${pid} (${comm}) ${state} 1 ${pid} ${pid} 0 -1 4194560`);
}

describe('libvirt fixture: detection of a libvirt this run did not start', () => {
  it('finds libvirtd/virtlogd processes in a /proc-like tree, skipping zombies and own PIDs', () => {
    const proc = join(testRun.tempDir('fakeproc'), 'proc');
    fakeProc(proc, 4242, 'libvirtd', ['/usr/sbin/libvirtd', '--daemon']);
    fakeProc(proc, 4343, 'libvirtd', ['/usr/sbin/libvirtd'], 'Z');
    fakeProc(proc, 77, 'bash', ['/bin/bash']);
    fakeProc(proc, 88, 'rpc-worker', ['/usr/sbin/virtlogd']); // comm renamed, argv0 tells
    fakeProc(proc, 99, 'grep', ['grep', 'libvirtd']);
    mkdirSync(join(proc, 'self'));
    assert.deepEqual(findDaemonProcesses(proc, new Set()), [
      { pid: 88, name: 'virtlogd' },
      { pid: 4242, name: 'libvirtd' },
    ]);
    assert.deepEqual(findDaemonProcesses(proc, new Set([4242, 88])), []);
  });

  it('refuses with the PID and how to stop the lab, and passes when the PIDs are our own', async () => {
    const dir = testRun.tempDir('fakeproc');
    const proc = join(dir, 'proc');
    fakeProc(proc, 4242, 'libvirtd', ['/usr/sbin/libvirtd']);
    const opts = { procRoot: proc, sockets: [], qemuStateDir: join(dir, 'no-such-dir') };
    await assert.rejects(assertNoForeignLibvirt(opts), (e: unknown) => {
      assert.ok(e instanceof Error);
      assert.match(e.message, /a libvirtd not started by this test run is running \(pid 4242\)/);
      assert.match(e.message, /scripts\/lab down/);
      return true;
    });
    await assertNoForeignLibvirt({ ...opts, ownPids: new Set([4242]) });
  });

  it('counts an answering socket and a leftover guest PID file as foreign, a stale socket file not', async () => {
    const dir = testRun.tempDir('fakesock');
    const live = join(dir, 'libvirt-sock');
    const stale = join(dir, 'stale-sock');
    writeFileSync(stale, '');
    const qemuDir = join(dir, 'qemu');
    mkdirSync(qemuDir);
    const server: Server = createServer((c) => c.destroy());
    await new Promise<void>((r) => server.listen(live, r));
    try {
      const empty = join(dir, 'proc');
      mkdirSync(empty);
      const base = { procRoot: empty, qemuStateDir: qemuDir };
      assert.deepEqual((await findForeignLibvirt({ ...base, sockets: [stale] })).findings, []);
      const { findings } = await findForeignLibvirt({ ...base, sockets: [live, stale] });
      assert.deepEqual(findings, [`a libvirt daemon not started by this test run answers on ${live}`]);
      writeFileSync(join(qemuDir, 'other-guest.pid'), '1234');
      const more = await findForeignLibvirt({ ...base, sockets: [] });
      assert.equal(more.findings.length, 1);
      assert.match(more.findings[0] ?? '', /guest other-guest of another libvirtd still runs/);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});

// Three sibling suites in order (mocha runs a suite's own tests before its child suites, so the
// guest cannot be a child of the daemon suite): daemons up, guest, daemons down.
let runBefore: string[] = [];
let lv: Libvirt | undefined;
let lv2: Libvirt | undefined;
let guest: TinyGuest | undefined;

describe('libvirt fixture: daemons', function () {
  this.timeout(120_000);

  it('starts virtlogd and libvirtd as direct children, and virsh version answers', async () => {
    runBefore = tree('/run/libvirt');
    const t0 = Date.now();
    lv = await startLibvirt();
    const ms = Date.now() - t0;
    assert.equal(lv.uri, 'qemu:///system');
    assert.equal(ppid(lv.libvirtdPid), process.pid, 'libvirtd is our child (foreground, no --daemon)');
    assert.equal(ppid(lv.virtlogdPid), process.pid, 'virtlogd is our child');
    assert.match(await lv.virsh(['version']), /Running hypervisor: QEMU/);
    assert.match(readFileSync(join(lv.dir, 'libvirtd.conf'), 'utf8'), new RegExp(`log_outputs="\\d:file:${lv.dir}/libvirtd.log"`));
    console.log(`      libvirtd ready after ${ms} ms`);
  });

  it('a second startLibvirt() returns a handle onto the same daemons', async () => {
    assert.ok(lv);
    lv2 = await startLibvirt();
    assert.equal(lv2.uri, lv.uri);
    assert.equal(lv2.dir, lv.dir);
    assert.equal(lv2.libvirtdPid, lv.libvirtdPid);
    assert.equal(lv2.virtlogdPid, lv.virtlogdPid);
    await lv2.stop(); // not the last reference: the daemons keep running
    await lv2.stop(); // idempotent
    assert.equal(lv.running, true);
    assert.equal(await isAlive(lv.libvirtdPid), true);
    await assert.rejects(startLibvirt({ ovsRundir: '/nonexistent/ovs' }), /already runs with OVS_RUNDIR=\(unset\)/);
  });

});

describe('libvirt fixture: [vm] tiny guest', function () {
  this.timeout(180_000);
  before(function () {
    if (process.env.HVNET_SKIP_VM === '1') this.skip();
  });

  it('[vm] builds the guest image into the cache (0755, outside the run root)', async () => {
    const img = await buildTinyGuest();
    assert.ok(!img.kernel.startsWith(testRun.root));
    assert.ok(img.modules.includes('virtio_net') && img.modules.indexOf('virtio') < img.modules.indexOf('virtio_net'));
    const again = await buildTinyGuest();
    assert.equal(again.key, img.key);
    assert.equal(readFileSync(img.initrd).subarray(0, 2).toString('hex'), '1f8b');
  });

  it('[vm] boots a tiny guest that prints the ready marker', async () => {
    assert.ok(lv);
    const t0 = Date.now();
    guest = await startTinyGuest(lv);
    console.log(`      guest ready after ${Date.now() - t0} ms`);
    assert.ok(guest.name.startsWith(testRun.prefix));
    assert.match(guest.uuid, /^[0-9a-f-]{36}$/);
    assert.match(guest.console(), /HVNET-GUEST-READY up=/);
    await guest.waitForConsole(/HVNET-NETS up=\S+ lo \n/, 10_000);
    assert.equal(await isAlive(guest.qemuPid), true);
    assert.equal((await lv.virsh(['domstate', guest.name])).trim(), 'running');
  });

  it('[vm] hot-plugs a bridge-mode direct interface on a veth end, then unplugs it', async () => {
    assert.ok(lv && guest);
    const veth = await vethPair();
    const mac = `52:54:00:${randomBytes(3).toString('hex').match(/../g)?.join(':') ?? '00:00:01'}`;
    const file = join(testRun.tempDir('ifxml'), 'if.xml');
    writeFileSync(
      file,
      `<interface type='direct'>\n  <mac address='${mac}'/>\n  <source dev='${veth.a}' mode='bridge'/>\n  <model type='virtio'/>\n</interface>\n`,
    );
    let from = guest.console().length;
    const t0 = Date.now();
    await lv.virsh(['attach-device', guest.name, file, '--live']);
    const tAttach = Date.now() - t0;
    await guest.waitForConsole(/HVNET-NETS up=\S+ [^\n]*\beth0\b/, 15_000, from);
    const tSeen = Date.now() - t0;
    const live = await lv.virsh(['dumpxml', guest.name]);
    const tap = /<target dev='(macvtap\d+)'\/>/.exec(live)?.[1];
    assert.ok(tap, `live XML names the macvtap:\n${live}`);
    assert.match(await run('ip', ['-d', 'link', 'show', 'dev', tap]), new RegExp(`${tap}@${veth.a}:[\\s\\S]*macvtap\\s+mode bridge`));

    from = guest.console().length;
    const t1 = Date.now();
    // rc 0 only means "request sent" (docs/libvirt.md#detach-returns-before-the-device-is-gone);
    // the console and the link tell the rest.
    await lv.virsh(['detach-device', guest.name, file, '--live']);
    const tDetach = Date.now() - t1;
    await guest.waitForConsole(/HVNET-NETS up=\S+ (?![^\n]*eth0)[^\n]*\n/, 15_000, from);
    await waitFor(`${tap} to be deleted`, async () =>
      (await run('ip', ['link', 'show', 'dev', tap]).then(() => false, () => true)) ? true : undefined,
    );
    assert.doesNotMatch(await lv.virsh(['dumpxml', guest.name]), new RegExp(mac));
    console.log(`      attach ${tAttach} ms (eth0 seen after ${tSeen} ms), detach ${tDetach} ms`);
    await veth.delete();
  });

  it('[vm] stop() destroys and undefines the guest; its QEMU process is gone', async () => {
    assert.ok(lv && guest);
    const { name, qemuPid } = guest;
    await guest.stop();
    guest = undefined;
    assert.equal(await isAlive(qemuPid), false);
    assert.equal(existsSync(`/run/libvirt/qemu/${name}.pid`), false);
    await assert.rejects(lv.virsh(['dominfo', name]), /failed to get domain|not found/i);
    const ps = await run('ps', ['-eo', 'pid,args']);
    assert.doesNotMatch(ps, new RegExp(`guest=${name}`));
  });
});

describe('libvirt fixture: stop', function () {
  this.timeout(120_000);

  after(async () => {
    // Normally the tests stop everything themselves; this only matters when one of them failed.
    await guest?.stop();
    await lv2?.stop();
    await lv?.stop();
  });

  it('stopping the last handle stops both daemons and leaves /run/libvirt as it was', async () => {
    assert.ok(lv);
    const { libvirtdPid, virtlogdPid } = lv;
    await lv.stop();
    assert.equal(lv.running, false);
    assert.equal(await isAlive(libvirtdPid), false);
    assert.equal(await isAlive(virtlogdPid), false);
    assert.deepEqual(tree('/run/libvirt'), runBefore);
    await assert.rejects(lv.virsh(['version']), /libvirt fixture stopped/);
    lv = undefined;
  });
});
