// The binding's timed loop, shared by the in-process round trip and binding-loop.ts's child.
import type { LibvirtConnection } from '../../lib/libvirt/connection.js';

/** Timings (µs) of `calls` virConnectGetLibVersion round trips, after `warmup` untimed ones. */
export async function timeLibVersion(conn: Pick<LibvirtConnection, 'getLibVersion'>, warmup: number, calls: number): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await conn.getLibVersion();
  const t: number[] = [];
  for (let i = 0; i < calls; i++) {
    const a = process.hrtime.bigint();
    await conn.getLibVersion();
    t.push(Number(process.hrtime.bigint() - a) / 1000);
  }
  return t;
}
