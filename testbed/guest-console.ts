// Typing a shell line on a tiny guest's serial console: the pty libvirt gives the serial
// (`virsh ttyconsole`) is opened without echo, held open a moment (QEMU only reads a pty that has
// a reader attached), and the line written. The guest's answer is read from the console log;
// callers print a marker the typed line itself cannot match (`rc=$?` typed, `rc=0` printed).
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { run } from './exec.js';
import type { Libvirt } from './libvirt.js';

export async function typeOnConsole(libvirt: Libvirt, domain: string, line: string): Promise<void> {
  const pty = (await libvirt.virsh(['ttyconsole', domain])).trim();
  if (!/^\/dev\/pts\/[0-9]+$/.test(pty)) throw new Error(`virsh ttyconsole ${domain}: not a pty: ${pty}`);
  await run('stty', ['-F', pty, 'raw', '-echo']);
  const fh = await open(pty, constants.O_RDWR | constants.O_NOCTTY);
  try {
    await sleep(1_200);
    await fh.write(`${line}\n`);
    await sleep(300);
  } finally {
    await fh.close();
  }
}
