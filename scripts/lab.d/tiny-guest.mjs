#!/usr/bin/env node
// Builds the lab's tiny guest with the tests' own builder (testbed/guest-image.ts, compiled to
// dist/), so the lab boots exactly the guest the tests boot: the newest Debian kernel of /boot
// plus a busybox-static initramfs that loads the virtio NIC modules and prints
// `HVNET-NETS up=<t> <ifnames>` on the serial console whenever its NIC list changes.
//
//   node scripts/lab.d/tiny-guest.mjs DIR
//       writes DIR/<key>/vmlinuz and DIR/<key>/initramfs.cpio.gz (kept while the key matches) and
//       prints both paths
//   node scripts/lab.d/tiny-guest.mjs DIR --domain NAME CONSOLE_LOG [ROOT_PORTS]
//       the same image, then prints the libvirt domain XML the tests use for it
import { fileURLToPath } from 'node:url';

const [dir, flag, name, consoleLog, rootPorts] = process.argv.slice(2);
if (!dir || (flag !== undefined && (flag !== '--domain' || !name || !consoleLog))) {
  process.stderr.write('usage: tiny-guest.mjs DIR [--domain NAME CONSOLE_LOG [ROOT_PORTS]]\n');
  process.exit(2);
}
const builder = fileURLToPath(new URL('../../dist/testbed/guest-image.js', import.meta.url));
const { buildTinyGuest, tinyGuestDomainXml } = await import(builder);
const image = await buildTinyGuest(dir);
if (flag === undefined) {
  process.stdout.write(`${image.kernel}\n${image.initrd}\n`);
} else {
  process.stdout.write(tinyGuestDomainXml({ name, image, memoryMiB: 256, rootPorts: Number(rootPorts ?? 4), consoleLog }));
}
