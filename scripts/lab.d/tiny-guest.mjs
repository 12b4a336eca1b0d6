#!/usr/bin/env node
// Builds the lab's tiny guest with the tests' own builder (testbed/guest-image.ts, compiled to
// dist/), so the lab boots exactly the guest the tests boot: the newest Debian kernel of /boot
// plus a busybox-static initramfs that loads the virtio NIC modules and prints
// `HVNET-NETS up=<t> <ifnames>` on the serial console whenever its NIC list changes.
//
//   node scripts/lab.d/tiny-guest.mjs DIR     writes DIR/<key>/vmlinuz and DIR/<key>/initramfs.cpio.gz
//                                             (kept while the key matches) and prints both paths
import { fileURLToPath } from 'node:url';

const dir = process.argv[2];
if (!dir) {
  process.stderr.write('usage: tiny-guest.mjs DIR\n');
  process.exit(2);
}
const builder = fileURLToPath(new URL('../../dist/testbed/guest-image.js', import.meta.url));
const { buildTinyGuest } = await import(builder);
const image = await buildTinyGuest(dir);
process.stdout.write(`${image.kernel}\n${image.initrd}\n`);
