// Reports waiting for the controller, one file each in <stateDir>/spool, named by sequence number,
// so they survive a restart and go out in order. Every report passes through here (not only while
// the controller is down): the sequence number is taken and the report is on disk before the
// first attempt, so a crash between "made" and "delivered" loses nothing. Bounded in bytes and in
// number; beyond either the oldest are dropped and counted, and the count travels in every later
// report, so a controller sees a gap it can explain.
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, readdir, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../../logger.js';

export interface SpoolLimits {
  maxBytes: number;
  maxReports: number;
}

export interface SpoolEntry {
  sequence: number;
  bytes: number;
}

interface Meta {
  stream: string;
  nextSequence: number;
  dropped: number;
}

const FILE_RE = /^(\d{12})\.json$/;
const fileName = (seq: number): string => `${String(seq).padStart(12, '0')}.json`;

export class Spool {
  private readonly dir: string;
  private readonly metaFile: string;
  private meta: Meta = { stream: '', nextSequence: 1, dropped: 0 };
  private entries: SpoolEntry[] = [];
  private bytes = 0;
  /** Spool operations run one at a time, in call order. */
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    stateDir: string,
    private limits: SpoolLimits,
    private readonly log: Logger,
  ) {
    this.dir = join(stateDir, 'spool');
    this.metaFile = join(stateDir, 'report-stream.json');
  }

  async open(): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    try {
      const m = JSON.parse(await readFile(this.metaFile, 'utf8')) as Partial<Meta>;
      if (typeof m.stream === 'string' && m.stream !== '') this.meta.stream = m.stream;
      if (Number.isInteger(m.nextSequence)) this.meta.nextSequence = m.nextSequence as number;
      if (Number.isInteger(m.dropped)) this.meta.dropped = m.dropped as number;
    } catch {
      // first start (or an unreadable file: a new stream tells the controller to start over)
    }
    if (this.meta.stream === '') this.meta = { stream: randomUUID(), nextSequence: 1, dropped: 0 };
    const found: SpoolEntry[] = [];
    for (const name of await readdir(this.dir)) {
      const m = FILE_RE.exec(name);
      if (!m) {
        if (name.endsWith('.tmp')) await unlink(join(this.dir, name)).catch(() => undefined);
        continue;
      }
      const st = await stat(join(this.dir, name));
      found.push({ sequence: Number(m[1]), bytes: st.size });
    }
    found.sort((a, b) => a.sequence - b.sequence);
    this.entries = found;
    this.bytes = found.reduce((n, e) => n + e.bytes, 0);
    const last = found.at(-1);
    // A crash after writing a report but before the meta file must not reuse its number.
    if (last && last.sequence >= this.meta.nextSequence) this.meta.nextSequence = last.sequence + 1;
    await this.writeMeta();
    if (found.length > 0) this.log.info({ pending: found.length, bytes: this.bytes, stream: this.meta.stream }, 'report spool holds undelivered reports');
  }

  setLimits(limits: SpoolLimits): void {
    this.limits = limits;
  }

  get stream(): string {
    return this.meta.stream;
  }

  get stats(): { pending: number; pendingBytes: number; dropped: number; lastSequence: number; stream: string } {
    return { pending: this.entries.length, pendingBytes: this.bytes, dropped: this.meta.dropped, lastSequence: this.meta.nextSequence - 1, stream: this.meta.stream };
  }

  /** Takes the next sequence number, has `make` build the body, and stores it. */
  add(make: (sequence: number, dropped: number, stream: string) => string): Promise<SpoolEntry> {
    return this.serial(async () => {
      const sequence = this.meta.nextSequence;
      const body = make(sequence, this.meta.dropped, this.meta.stream);
      const file = join(this.dir, fileName(sequence));
      await writeFile(`${file}.tmp`, body, { mode: 0o600 });
      await rename(`${file}.tmp`, file);
      const entry = { sequence, bytes: Buffer.byteLength(body) };
      this.entries.push(entry);
      this.bytes += entry.bytes;
      this.meta.nextSequence = sequence + 1;
      let droppedNow = 0;
      while (this.entries.length > 1 && (this.entries.length > this.limits.maxReports || this.bytes > this.limits.maxBytes)) {
        const oldest = this.entries[0];
        if (!oldest) break;
        await this.removeEntry(oldest.sequence);
        droppedNow += 1;
      }
      if (droppedNow > 0) {
        this.meta.dropped += droppedNow;
        this.log.warn({ droppedNow, droppedTotal: this.meta.dropped, limits: this.limits }, 'report spool full: oldest reports dropped');
      }
      await this.writeMeta();
      return entry;
    });
  }

  /** The oldest undelivered report. */
  head(): Promise<{ entry: SpoolEntry; body: string } | undefined> {
    return this.serial(async () => {
      for (;;) {
        const entry = this.entries[0];
        if (!entry) return undefined;
        try {
          return { entry, body: await readFile(join(this.dir, fileName(entry.sequence)), 'utf8') };
        } catch (e) {
          // Someone removed it under us: count it, move on.
          this.log.error({ sequence: entry.sequence, err: (e as Error).message }, 'spooled report unreadable: dropped');
          await this.removeEntry(entry.sequence);
          this.meta.dropped += 1;
          await this.writeMeta();
        }
      }
    });
  }

  /** After a 2xx (delivered) or a permanent refusal (`dropped`). */
  remove(sequence: number, dropped = false): Promise<void> {
    return this.serial(async () => {
      await this.removeEntry(sequence);
      if (dropped) {
        this.meta.dropped += 1;
        await this.writeMeta();
      }
    });
  }

  private async removeEntry(sequence: number): Promise<void> {
    const i = this.entries.findIndex((e) => e.sequence === sequence);
    if (i < 0) return;
    const [e] = this.entries.splice(i, 1);
    this.bytes -= e?.bytes ?? 0;
    await unlink(join(this.dir, fileName(sequence))).catch(() => undefined);
  }

  private async writeMeta(): Promise<void> {
    await writeFile(`${this.metaFile}.tmp`, JSON.stringify(this.meta), { mode: 0o600 });
    await rename(`${this.metaFile}.tmp`, this.metaFile);
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn, fn);
    this.chain = run.catch(() => undefined);
    return run;
  }
}
