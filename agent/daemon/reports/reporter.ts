// Status reports to the controller: one on start, one per change (debounced: at most one a
// second, the latest status wins), a heartbeat when nothing changed for a while, one on shutdown.
// Peerings travel as the change since the previous report (reports/peering-delta.ts), the full
// set only on start and when the controller answers `resync`. Each goes through the spool and is delivered in sequence order by one loop that backs off with
// jitter while the controller is unreachable. None of it is awaited by the API.
import { EventEmitter } from 'node:events';
import { REPORT_VERSION } from '../../api/report.js';
import type { Report, ReportAck, ReportReason } from '../../api/report.js';
import type { HostStatus, PeeringSummary } from '../../api/status.js';
import type { ReportingStatus } from '../../api/methods.js';
import type { Logger } from '../../logger.js';
import type { Spool } from './spool.js';
import { postJson } from './post.js';
import type { PostTarget } from './post.js';
import { PeeringDeltas } from './peering-delta.js';

export interface ReporterOptions {
  url: string;
  tokenFile?: string;
  caFile?: string;
  hostId: string;
  intervalMs: number;
  timeoutMs: number;
  retryInitialMs: number;
  retryMaxMs: number;
  /** Changes closer together than this are folded into one report. */
  minGapMs?: number;
}

interface ReporterEvents {
  delivered: [{ sequence: number; seconds: number }];
  failed: [{ sequence: number; reason: string }];
  dropped: [{ sequence: number; reason: string }];
}

/** Statuses that say the report itself is wrong: resending it can never succeed. */
const PERMANENT: ReadonlySet<number> = new Set([400, 404, 409, 413, 415, 422]);

export class Reporter extends EventEmitter<ReporterEvents> {
  private changeTimer: NodeJS.Timeout | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private lastEnqueuedAt = 0;
  private running = false;
  private stopped = false;
  private delivering: Promise<void> | undefined;
  private wakeDelivery: (() => void) | undefined;
  private failuresInARow = 0;
  private delivered = 0;
  private failures = 0;
  private unanswered = 0;
  private lastDelivery: Date | undefined;
  private lastError: string | undefined;
  private pendingWrites: Promise<unknown> = Promise.resolve();
  private readonly deltas = new PeeringDeltas();
  /** The sequence of the last full-set report made: a resync asked for by an older report is already answered. */
  private lastFull = 0;

  constructor(
    private options: ReporterOptions,
    private readonly spool: Spool,
    private readonly currentStatus: () => HostStatus,
    private readonly log: Logger,
    private readonly currentPeerings: () => readonly PeeringSummary[] = () => [],
  ) {
    super();
  }

  get endpoint(): string {
    return `${this.options.url.replace(/\/+$/, '')}/v1/hosts/${encodeURIComponent(this.options.hostId)}/status`;
  }

  reconfigure(options: ReporterOptions): void {
    this.options = options;
    this.armHeartbeat();
  }

  /** Sends the start report and begins delivering what the spool holds. */
  start(): void {
    this.running = true;
    this.enqueue('start');
  }

  /** A status change: reported at most once per minGap, with the status of the moment it goes out. */
  changed(): void {
    if (!this.running || this.stopped || this.changeTimer) return;
    const gap = this.options.minGapMs ?? 1_000;
    const wait = Math.max(0, this.lastEnqueuedAt + gap - Date.now());
    this.changeTimer = setTimeout(() => {
      this.changeTimer = undefined;
      this.enqueue('change');
    }, wait);
  }

  stats(): ReportingStatus {
    const s = this.spool.stats;
    const out: ReportingStatus = {
      enabled: true,
      url: this.endpoint,
      stream: s.stream,
      lastSequence: s.lastSequence,
      pending: s.pending,
      pendingBytes: s.pendingBytes,
      delivered: this.delivered,
      failures: this.failures,
      unanswered: this.unanswered,
      dropped: s.dropped,
    };
    if (this.lastDelivery) out.lastDelivery = this.lastDelivery.toISOString();
    if (this.lastError) out.lastError = this.lastError;
    return out;
  }

  /**
   * On shutdown: a change still waiting for its debounce slot and the shutdown report are written
   * to the spool; then delivery gets up to `flushMs` (the next start sends what is left).
   */
  async stop(flushMs: number): Promise<void> {
    if (this.stopped) return;
    const hadChange = this.changeTimer !== undefined;
    clearTimeout(this.changeTimer);
    this.changeTimer = undefined;
    clearTimeout(this.heartbeatTimer);
    if (this.running) {
      if (hadChange) this.enqueue('change');
      this.enqueue('shutdown');
    }
    await this.pendingWrites;
    this.stopped = true;
    // A controller that was failing gets no extra attempt: the spool keeps it for the next start.
    if (this.failuresInARow === 0) {
      this.kick();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.delivering, new Promise((r) => (timer = setTimeout(r, flushMs)))]);
      clearTimeout(timer);
    }
    this.wakeDelivery?.();
  }

  private enqueue(reason: ReportReason): void {
    this.lastEnqueuedAt = Date.now();
    this.armHeartbeat();
    const status = this.currentStatus();
    const list = this.currentPeerings();
    const write = this.spool
      .add((sequence, dropped, stream) => {
        // Made in sequence order (the spool runs one add at a time), so each delta's base is the report before it.
        const peerings = this.deltas.next(sequence, list);
        if (peerings.kind === 'full') this.lastFull = sequence;
        const report: Report = {
          version: REPORT_VERSION,
          host: this.options.hostId,
          stream,
          sequence,
          createdAt: new Date().toISOString(),
          reason,
          dropped,
          intervalSeconds: Math.max(1, Math.ceil(this.options.intervalMs / 1_000)),
          status,
          peerings,
        };
        return JSON.stringify(report);
      })
      .then(
        (e) => this.log.debug({ sequence: e.sequence, reason }, 'report spooled'),
        (e: unknown) => this.log.error({ err: (e as Error).message, reason }, 'report could not be spooled'),
      );
    this.pendingWrites = Promise.all([this.pendingWrites, write]);
    void write.then(() => this.kick());
  }

  private armHeartbeat(): void {
    clearTimeout(this.heartbeatTimer);
    if (this.stopped || !this.running) return;
    this.heartbeatTimer = setTimeout(() => this.enqueue('heartbeat'), this.options.intervalMs);
    this.heartbeatTimer.unref();
  }

  private kick(): void {
    if (this.delivering) return;
    if (this.stopped && this.failuresInARow > 0) return;
    this.delivering = this.deliverAll().finally(() => {
      this.delivering = undefined;
    });
  }

  private async deliverAll(): Promise<void> {
    for (;;) {
      const head = await this.spool.head();
      if (!head) return;
      const target: PostTarget = { url: this.endpoint, timeoutMs: this.options.timeoutMs };
      if (this.options.tokenFile) target.tokenFile = this.options.tokenFile;
      if (this.options.caFile) target.caFile = this.options.caFile;
      const started = process.hrtime.bigint();
      const outcome = await postJson(target, head.body);
      const seq = head.entry.sequence;
      if (outcome.kind === 'status' && outcome.status >= 200 && outcome.status < 300) {
        await this.spool.remove(seq);
        if (this.failuresInARow > 0) this.log.info({ sequence: seq, after: this.failuresInARow }, 'controller reachable again');
        this.failuresInARow = 0;
        this.delivered += 1;
        this.lastDelivery = new Date();
        this.lastError = undefined;
        this.emit('delivered', { sequence: seq, seconds: Number(process.hrtime.bigint() - started) / 1e9 });
        if (wantsResync(outcome.body) && seq >= this.lastFull && !this.stopped) {
          this.log.info({ sequence: seq }, 'controller asked for the full peering set');
          this.deltas.resync();
          this.enqueue('resync');
        }
        continue;
      }
      if (outcome.kind === 'status' && PERMANENT.has(outcome.status)) {
        const reason = `HTTP ${outcome.status}: ${outcome.body.slice(0, 200)}`;
        this.log.error({ sequence: seq, reason }, 'controller refused a report for good: dropped');
        await this.spool.remove(seq, true);
        this.lastError = reason;
        this.emit('dropped', { sequence: seq, reason });
        continue;
      }
      const reason = outcome.kind === 'status' ? `HTTP ${outcome.status}: ${outcome.body.slice(0, 200)}` : outcome.message;
      this.failures += 1;
      this.failuresInARow += 1;
      if (outcome.kind === 'error' && outcome.sent) this.unanswered += 1;
      this.lastError = reason;
      this.emit('failed', { sequence: seq, reason });
      if (this.failuresInARow === 1 || this.failuresInARow % 20 === 0) {
        this.log.warn({ sequence: seq, reason, failuresInARow: this.failuresInARow, pending: this.spool.stats.pending }, 'report delivery failed; retrying with backoff');
      }
      if (this.stopped) return;
      await this.pause(this.backoffMs());
      if (this.stopped) return;
    }
  }

  private backoffMs(): number {
    const { retryInitialMs, retryMaxMs } = this.options;
    const full = Math.min(retryMaxMs, retryInitialMs * 2 ** Math.min(30, this.failuresInARow - 1));
    // Jitter on the upper half: agents of a fleet that lost the controller together do not come back in step.
    return full / 2 + Math.random() * (full / 2);
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.wakeDelivery = undefined;
        resolve();
      }, ms);
      this.wakeDelivery = () => {
        clearTimeout(t);
        this.wakeDelivery = undefined;
        resolve();
      };
    });
  }
}

function wantsResync(body: string): boolean {
  try {
    return (JSON.parse(body) as Partial<ReportAck>).resync === true;
  } catch {
    return false;
  }
}
