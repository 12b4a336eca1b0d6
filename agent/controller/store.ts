// The controller's memory: per host, the latest report and what it knows about the host's report
// stream, one JSON file per host so it survives a restart. Reports of a stream arrive in sequence
// order (the agent's spool guarantees it), so "seen" is simply "not above the highest sequence":
// a report resent after a lost acknowledgement is recognised and not counted twice.
import { mkdir, readFile, readdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { reportFromV1 } from '../api/report.js';
import type { Report, ReportV1 } from '../api/report.js';

/** Accepted sequence numbers kept per host (for audits and tests); older ones are forgotten. */
const HISTORY = 10_000;

export interface HostRecord {
  host: string;
  stream: string;
  lastSequence: number;
  /** Reports accepted (duplicates excluded) since the controller first heard of the host. */
  accepted: number;
  duplicates: number;
  /** Sequence numbers skipped by the stream (reports the agent dropped). */
  missed: number;
  receivedAt: string;
  report: Report;
  /** The last accepted sequence numbers, oldest first. */
  history: number[];
}

export class HostStore {
  private readonly hosts = new Map<string, HostRecord>();
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly dir: string) {}

  async open(): Promise<void> {
    await mkdir(join(this.dir, 'hosts'), { recursive: true, mode: 0o700 });
    for (const name of await readdir(join(this.dir, 'hosts'))) {
      if (!name.endsWith('.json')) continue;
      try {
        const rec = JSON.parse(await readFile(join(this.dir, 'hosts', name), 'utf8')) as HostRecord | (Omit<HostRecord, 'report'> & { report: ReportV1 });
        // Saved by a controller of before version 2: one shape in memory, whatever is on disk.
        this.hosts.set(rec.host, rec.report.version === 1 ? { ...rec, report: reportFromV1(rec.report) } : (rec as HostRecord));
      } catch {
        // a half-written file cannot exist (rename), so this is someone else's file: skip it
      }
    }
  }

  list(): HostRecord[] {
    return [...this.hosts.values()].sort((a, b) => a.host.localeCompare(b.host));
  }

  get(host: string): HostRecord | undefined {
    return this.hosts.get(host);
  }

  /** Records a report unless it was seen; resolves once it is on disk. */
  accept(report: Report): Promise<{ accepted: boolean; duplicate: boolean }> {
    const run = this.chain.then(async () => {
      const prev = this.hosts.get(report.host);
      if (prev && prev.stream === report.stream && report.sequence <= prev.lastSequence) {
        prev.duplicates += 1;
        await this.save(prev);
        return { accepted: false, duplicate: true };
      }
      const sameStream = prev?.stream === report.stream;
      const last = sameStream ? prev.lastSequence : 0;
      const history = sameStream ? [...prev.history, report.sequence].slice(-HISTORY) : [report.sequence];
      const rec: HostRecord = {
        host: report.host,
        stream: report.stream,
        lastSequence: report.sequence,
        accepted: (prev?.accepted ?? 0) + 1,
        duplicates: prev?.duplicates ?? 0,
        missed: (prev?.missed ?? 0) + Math.max(0, report.sequence - last - 1),
        receivedAt: new Date().toISOString(),
        report,
        history,
      };
      this.hosts.set(report.host, rec);
      await this.save(rec);
      return { accepted: true, duplicate: false };
    });
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async save(rec: HostRecord): Promise<void> {
    const file = join(this.dir, 'hosts', `${rec.host}.json`);
    await writeFile(`${file}.tmp`, JSON.stringify(rec), { mode: 0o600 });
    await rename(`${file}.tmp`, file);
  }
}
