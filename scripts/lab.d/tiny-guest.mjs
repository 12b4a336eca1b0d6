#!/usr/bin/env node
// Builds the lab's tiny guest: the newest Debian kernel of /boot plus a busybox-static initramfs
// that loads the virtio NIC modules and prints `HVNET-NETS up=<t> <ifnames>` on the serial console
// whenever its NIC list changes (the same guest as the tests', built without test code).
//
//   node scripts/lab.d/tiny-guest.mjs DIR     writes DIR/vmlinuz and DIR/initramfs.cpio.gz (kept
//                                             when DIR/key matches) and prints both paths
import { Buffer } from 'node:buffer';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const dir = process.argv[2];
if (!dir) {
  process.stderr.write('usage: tiny-guest.mjs DIR\n');
  process.exit(2);
}
const BUSYBOX = '/bin/busybox';
const WANT = ['virtio_pci', 'virtio_net'];
const INIT = `#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
for m in $(cat /etc/modules.order); do insmod /lib/modules/$m.ko; done
ip link set lo up
hostname tiny
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
echo "HVNET-GUEST-READY up=$(cut -d' ' -f1 /proc/uptime) kernel=$(uname -r)" >/dev/console
while :; do setsid cttyhack sh; done
`;

const run = (cmd, args) => execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

const kver =
  process.env.HVNET_GUEST_KVER ??
  readdirSync('/boot')
    .filter((f) => f.startsWith('vmlinuz-'))
    .map((f) => f.slice('vmlinuz-'.length))
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
    .at(-1);
if (!kver) throw new Error('no /boot/vmlinuz-* (install linux-image-amd64)');
if (!existsSync(BUSYBOX)) throw new Error(`${BUSYBOX} missing (install busybox-static)`);
let dynamic = true;
try {
  run('ldd', [BUSYBOX]);
} catch {
  dynamic = false;
}
if (dynamic) throw new Error(`${BUSYBOX} is dynamically linked (install busybox-static)`);

const order = [];
const seen = new Set();
const visit = (m) => {
  if (seen.has(m)) return;
  seen.add(m);
  for (const d of run('modinfo', ['-k', kver, '-F', 'depends', m]).split(',').map((x) => x.trim()).filter(Boolean)) visit(d);
  order.push(m);
};
WANT.forEach(visit);

const busybox = readFileSync(BUSYBOX);
const key = createHash('sha256').update([kver, createHash('sha256').update(busybox).digest('hex'), order.join(' '), INIT].join('\n')).digest('hex');
const kernel = join(dir, 'vmlinuz');
const initrd = join(dir, 'initramfs.cpio.gz');
const keyFile = join(dir, 'key');
if (!(existsSync(keyFile) && readFileSync(keyFile, 'utf8').trim() === key && existsSync(kernel) && existsSync(initrd))) {
  const moduleBytes = (m) => {
    const file = run('modinfo', ['-k', kver, '-F', 'filename', m]);
    if (file.endsWith('.ko')) return readFileSync(file);
    if (file.endsWith('.ko.xz')) return execFileSync('xz', ['-dc', file]);
    if (file.endsWith('.ko.zst')) return execFileSync('zstd', ['-qdc', file]);
    throw new Error(`module ${m}: unexpected file ${file}`);
  };
  const entries = [];
  for (const d of ['bin', 'dev', 'proc', 'sys', 'tmp', 'etc', 'lib', 'lib/modules']) entries.push({ name: d, mode: 0o040755 });
  entries.push({ name: 'dev/console', mode: 0o020600, rdev: [5, 1] });
  entries.push({ name: 'bin/busybox', mode: 0o100755, data: busybox });
  for (const m of order) entries.push({ name: `lib/modules/${m}.ko`, mode: 0o100644, data: moduleBytes(m) });
  entries.push({ name: 'etc/modules.order', mode: 0o100644, data: Buffer.from(`${order.join('\n')}\n`) });
  entries.push({ name: 'init', mode: 0o100755, data: Buffer.from(INIT) });
  // newc cpio
  const parts = [];
  const pad4 = (n) => Buffer.alloc((4 - (n % 4)) % 4);
  const hex = (n) => n.toString(16).padStart(8, '0');
  let ino = 1;
  for (const e of [...entries, { name: 'TRAILER!!!', mode: 0 }]) {
    const data = e.data ?? Buffer.alloc(0);
    const name = Buffer.from(`${e.name}\0`);
    const trailer = e.name === 'TRAILER!!!';
    const header =
      '070701' + hex(trailer ? 0 : ino++) + hex(e.mode) + hex(0) + hex(0) + hex((e.mode & 0o170000) === 0o040000 ? 2 : 1) + hex(0) +
      hex(data.length) + hex(0) + hex(0) + hex(e.rdev?.[0] ?? 0) + hex(e.rdev?.[1] ?? 0) + hex(name.length) + hex(0);
    parts.push(Buffer.from(header, 'ascii'), name, pad4(110 + name.length), data, pad4(data.length));
  }
  mkdirSync(dir, { recursive: true, mode: 0o711 });
  chmodSync(dir, 0o711);
  writeFileSync(initrd, gzipSync(Buffer.concat(parts), { level: 1 }), { mode: 0o644 });
  copyFileSync(`/boot/vmlinuz-${kver}`, kernel);
  chmodSync(kernel, 0o644);
  writeFileSync(keyFile, `${key}\n`, { mode: 0o644 });
}
process.stdout.write(`${kernel}\n${initrd}\n`);
