// The tiny guest's image: the host's Debian kernel plus a busybox-static initramfs that loads
// virtio_net and reports the guest's NIC list on the serial console. One builder for the tests,
// the benchmarks and the lab (scripts/lab.d/tiny-guest.mjs), so they boot the same guest.
import { createHash, randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { run } from './exec.js';

export const GUEST_READY_MARKER = 'HVNET-GUEST-READY';

/** Outside the run root, so every run reuses it; 0755 all the way so libvirt-qemu can read it. */
export const GUEST_CACHE_ROOT = process.env.HVNET_GUEST_CACHE ?? '/var/cache/hvnet-test/tiny-guest';

/** Top-level modules; their dependencies are found with modinfo. */
const WANT_MODULES = ['virtio_pci', 'virtio_net'];
/** Bumped when the way the image is put together changes (not covered by the other key parts). */
const FORMAT = 'hvnet-tiny-guest/1';
const BUSYBOX = '/bin/busybox';

const INIT = `#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
for m in $(cat /etc/modules.order); do insmod /lib/modules/$m.ko; done
ip link set lo up
hostname tiny
# Report every change of the guest's NIC list with the guest uptime, so a host-side
# test can see when a hot-plugged NIC appears / an unplugged one disappears.
(
  old=""
  while :; do
    new=$(ls /sys/class/net | tr '\\n' ' ')
    if [ "$new" != "$old" ]; then
      echo "HVNET-NETS up=$(cut -d' ' -f1 /proc/uptime) $new"
      old=$new
    fi
    sleep 0.2
  done
) >/dev/console 2>&1 &
echo "${GUEST_READY_MARKER} up=$(cut -d' ' -f1 /proc/uptime) kernel=$(uname -r)" >/dev/console
while :; do setsid cttyhack sh; done
`;

export interface TinyGuestImage {
  kernel: string;
  initrd: string;
  kernelVersion: string;
  /** Modules in the initramfs, in load order. */
  modules: string[];
  key: string;
}

function runBuffer(cmd: string, args: readonly string[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { encoding: 'buffer', maxBuffer: 256 * 1024 * 1024, timeout: 60_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args.join(' ')} failed: ${err.message} ${stderr.toString()}`));
      else resolve(stdout);
    });
  });
}

function compareVersions(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

function newestKernel(): string {
  const fromEnv = process.env.HVNET_GUEST_KVER;
  if (fromEnv) return fromEnv;
  const versions = readdirSync('/boot')
    .filter((f) => f.startsWith('vmlinuz-'))
    .map((f) => f.slice('vmlinuz-'.length))
    .sort(compareVersions);
  const v = versions.at(-1);
  if (v === undefined) throw new Error('no /boot/vmlinuz-* for the tiny guest (install linux-image-amd64)');
  return v;
}

async function moduleOrder(kver: string): Promise<string[]> {
  const out: string[] = [];
  const seen = new Set<string>();
  const visit = async (m: string): Promise<void> => {
    if (seen.has(m)) return;
    seen.add(m);
    const deps = (await run('modinfo', ['-k', kver, '-F', 'depends', m])).trim();
    for (const d of deps.split(',').map((x) => x.trim()).filter((x) => x.length > 0)) await visit(d);
    out.push(m);
  };
  for (const m of WANT_MODULES) await visit(m);
  return out;
}

async function moduleBytes(kver: string, m: string): Promise<Buffer> {
  const file = (await run('modinfo', ['-k', kver, '-F', 'filename', m])).trim();
  if (file.endsWith('.ko')) return readFileSync(file);
  if (file.endsWith('.ko.xz')) return runBuffer('xz', ['-dc', file]);
  if (file.endsWith('.ko.zst')) return runBuffer('zstd', ['-qdc', file]);
  throw new Error(`module ${m}: unexpected file ${file}`);
}

// --- newc cpio, written directly (no shell pipeline, reproducible) ---------------------------

interface CpioEntry {
  name: string;
  mode: number; // full st_mode
  data?: Buffer;
  rdev?: [number, number];
}

function cpioNewc(entries: readonly CpioEntry[]): Buffer {
  const parts: Buffer[] = [];
  const pad4 = (n: number): Buffer => Buffer.alloc((4 - (n % 4)) % 4);
  const hex = (n: number): string => n.toString(16).padStart(8, '0');
  let ino = 1;
  for (const e of [...entries, { name: 'TRAILER!!!', mode: 0 } as CpioEntry]) {
    const data = e.data ?? Buffer.alloc(0);
    const name = Buffer.from(`${e.name}\0`);
    const isTrailer = e.name === 'TRAILER!!!';
    const header =
      '070701' +
      hex(isTrailer ? 0 : ino++) +
      hex(e.mode) +
      hex(0) + // uid
      hex(0) + // gid
      hex((e.mode & 0o170000) === 0o040000 ? 2 : 1) + // nlink
      hex(0) + // mtime: fixed, so the same inputs give the same bytes
      hex(data.length) +
      hex(0) + // devmajor
      hex(0) + // devminor
      hex(e.rdev?.[0] ?? 0) +
      hex(e.rdev?.[1] ?? 0) +
      hex(name.length) +
      hex(0); // check
    parts.push(Buffer.from(header, 'ascii'), name, pad4(110 + name.length), data, pad4(data.length));
  }
  return Buffer.concat(parts);
}

async function assertStaticBusybox(): Promise<void> {
  if (!existsSync(BUSYBOX)) throw new Error(`${BUSYBOX} missing (install busybox-static)`);
  const dynamic = await run('ldd', [BUSYBOX]).then(
    () => true,
    () => false,
  );
  if (dynamic) throw new Error(`${BUSYBOX} is dynamically linked (install busybox-static)`);
}

/**
 * Kernel + initramfs for the tiny guest, built once into <cacheRoot>/<key> (key over kernel
 * version, busybox hash, module list and init text). Concurrent builders each build into a
 * private dir and rename it into place; the loser's copy is dropped.
 */
export async function buildTinyGuest(cacheRoot: string = GUEST_CACHE_ROOT): Promise<TinyGuestImage> {
  const kver = newestKernel();
  const vmlinuz = `/boot/vmlinuz-${kver}`;
  if (!existsSync(vmlinuz)) throw new Error(`no ${vmlinuz} for the tiny guest`);
  await assertStaticBusybox();
  const busybox = readFileSync(BUSYBOX);
  const modules = await moduleOrder(kver);
  const key = createHash('sha256')
    .update([FORMAT, kver, createHash('sha256').update(busybox).digest('hex'), modules.join(' '), INIT].join('\n'))
    .digest('hex')
    .slice(0, 16);
  const dir = join(cacheRoot, key);
  const image = { kernel: join(dir, 'vmlinuz'), initrd: join(dir, 'initramfs.cpio.gz'), kernelVersion: kver, modules, key };
  if (existsSync(join(dir, 'complete'))) return image;

  // The umask may have narrowed the mode; widen only the dirs created here.
  const firstCreated = mkdirSync(cacheRoot, { recursive: true, mode: 0o755 });
  if (firstCreated !== undefined) {
    for (let d = cacheRoot; d.startsWith(firstCreated); d = dirname(d)) chmodSync(d, 0o755);
  }
  const tmp = join(cacheRoot, `.build-${process.pid}-${randomBytes(3).toString('hex')}`);
  mkdirSync(tmp, { mode: 0o755 });
  try {
    const entries: CpioEntry[] = [];
    for (const d of ['bin', 'dev', 'proc', 'sys', 'tmp', 'etc', 'lib', 'lib/modules']) entries.push({ name: d, mode: 0o040755 });
    entries.push({ name: 'dev/console', mode: 0o020600, rdev: [5, 1] });
    entries.push({ name: 'bin/busybox', mode: 0o100755, data: busybox });
    for (const m of modules) entries.push({ name: `lib/modules/${m}.ko`, mode: 0o100644, data: await moduleBytes(kver, m) });
    entries.push({ name: 'etc/modules.order', mode: 0o100644, data: Buffer.from(`${modules.join('\n')}\n`) });
    entries.push({ name: 'init', mode: 0o100755, data: Buffer.from(INIT) });
    writeFileSync(join(tmp, 'initramfs.cpio.gz'), gzipSync(cpioNewc(entries), { level: 1 }), { mode: 0o644 });
    copyFileSync(vmlinuz, join(tmp, 'vmlinuz'));
    chmodSync(join(tmp, 'vmlinuz'), 0o644);
    writeFileSync(join(tmp, 'key'), `${key}\nkernel ${kver}\nmodules ${modules.join(' ')}\n`, { mode: 0o644 });
    writeFileSync(join(tmp, 'complete'), '', { mode: 0o644 });
    chmodSync(tmp, 0o755);
    try {
      renameSync(tmp, dir);
    } catch (e) {
      // Another process won the race (dir exists and is not empty); use its copy.
      if (!existsSync(join(dir, 'complete'))) throw e;
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return image;
}

function xmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/'/g, '&apos;').replace(/"/g, '&quot;');
}

/**
 * The guest as a libvirt domain: q35 under TCG, direct kernel boot, `rootPorts` spare PCIe root
 * ports (one per NIC to hot-plug), no disk, the serial console logged to `consoleLog`.
 */
export function tinyGuestDomainXml(o: { name: string; image: Pick<TinyGuestImage, 'kernel' | 'initrd'>; memoryMiB: number; rootPorts: number; consoleLog: string }): string {
  const ports = Array.from({ length: o.rootPorts }, () => "    <controller type='pci' model='pcie-root-port'/>").join('\n');
  return `<domain type='qemu'>
  <name>${o.name}</name>
  <memory unit='MiB'>${o.memoryMiB}</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='q35'>hvm</type>
    <kernel>${xmlEscape(o.image.kernel)}</kernel>
    <initrd>${xmlEscape(o.image.initrd)}</initrd>
    <cmdline>console=ttyS0 panic=-1 quiet</cmdline>
  </os>
  <features><acpi/><apic/></features>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>destroy</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <controller type='pci' model='pcie-root'/>
${ports}
    <controller type='usb' model='none'/>
    <serial type='pty'>
      <log file='${xmlEscape(o.consoleLog)}' append='off'/>
      <target port='0'/>
    </serial>
    <console type='pty'><target type='serial' port='0'/></console>
    <memballoon model='none'/>
  </devices>
</domain>
`;
}
