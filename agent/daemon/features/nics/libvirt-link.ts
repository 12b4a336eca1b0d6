// hvnetd's libvirt connection: opened at start (and retried until libvirtd is there), then kept by
// lib/libvirt's own reconnection when libvirtd restarts. Every call the NIC feature makes goes
// through call(), which times it and counts its errors for /metrics.
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { LibvirtConnection } from '../../../../lib/libvirt/connection.js';
import type { DeviceEvent, LifecycleEvent } from '../../../../lib/libvirt/connection.js';
import { LibvirtError } from '../../../../lib/libvirt/errors.js';
import type { Logger } from '../../../logger.js';
import { NicError } from './errors.js';

export type LinkState = 'connected' | 'disconnected';

/** `errorCode`: undefined on success, the LibvirtError's code, or `other`. */
export type CallObserver = (call: string, seconds: number, errorCode: string | undefined) => void;

export interface LinkEvents {
  /** Connected for the first time, or again after libvirtd came back. */
  up: [];
  down: [string];
  lifecycle: [LifecycleEvent];
  deviceRemoved: [DeviceEvent];
  deviceAdded: [DeviceEvent];
}

/** Where a local libvirtd of a `…:///system` URI listens (monolithic and modular daemons). */
const SYSTEM_SOCKETS: readonly string[] = ['/run/libvirt/libvirt-sock', '/run/libvirt/virtqemud-sock'];

const RETRY_FIRST_MS = 500;
const RETRY_MAX_MS = 5_000;

export class LibvirtLink extends EventEmitter<LinkEvents> {
  private conn: LibvirtConnection | undefined;
  private linkState: LinkState = 'disconnected';
  private lastMessage = 'not connected yet';
  private stopped = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private retryMs = RETRY_FIRST_MS;
  private opening: Promise<void> | undefined;
  private firstAttempt: Promise<void>;
  private resolveFirst!: () => void;
  reconnects = 0;

  constructor(
    readonly uri: string,
    private readonly log: Logger,
    private readonly observe: CallObserver,
    /** Test hook (lib/libvirt's OpenOptions.dropAfterSend): operations whose answer is lost with the connection. */
    private readonly dropAfterSend: readonly string[] = [],
  ) {
    super();
    this.firstAttempt = new Promise((r) => (this.resolveFirst = r));
  }

  get state(): LinkState {
    return this.linkState;
  }

  get message(): string | undefined {
    return this.linkState === 'connected' ? undefined : this.lastMessage;
  }

  start(): void {
    if (this.unused) return;
    this.attempt();
  }

  /** True on a network-only node (libvirt.enabled: false): never connects. */
  get unused(): boolean {
    return this.unusedBecause !== undefined;
  }

  private unusedBecause: string | undefined;

  /** Before start(): this host has no libvirt; calls fail saying why instead of waiting for a libvirtd. */
  markUnused(why: string): void {
    this.unusedBecause = why;
    this.lastMessage = why;
    this.resolveFirst();
  }

  /** Resolves once the first attempt to connect has succeeded or failed (at most `ms`). */
  async waitFirstAttempt(ms: number): Promise<boolean> {
    let t: NodeJS.Timeout | undefined;
    await Promise.race([this.firstAttempt, new Promise<void>((r) => (t = setTimeout(r, ms)))]);
    clearTimeout(t);
    return this.linkState === 'connected';
  }

  /** The connection, or a NicError saying libvirt is unavailable. */
  connection(): LibvirtConnection {
    if (this.conn === undefined || this.conn.state === 'closed' || this.conn.state === 'closing') {
      throw new NicError('libvirt-unavailable', `libvirt (${this.uri}) is not connected: ${this.lastMessage}`, { uri: this.uri });
    }
    // 'disconnected': lib/libvirt makes calls wait for its reconnection (bounded), so go ahead.
    return this.conn;
  }

  /** Runs one libvirt call, timed and counted under `name`. */
  async call<T>(name: string, fn: (c: LibvirtConnection) => Promise<T>): Promise<T> {
    const c = this.connection();
    const t0 = performance.now();
    try {
      const v = await fn(c);
      this.observe(name, (performance.now() - t0) / 1_000, undefined);
      return v;
    } catch (e) {
      this.observe(name, (performance.now() - t0) / 1_000, e instanceof LibvirtError ? e.code : 'other');
      throw e;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    await this.opening?.catch(() => undefined);
    const c = this.conn;
    this.conn = undefined;
    await c?.close().catch(() => undefined);
  }

  private attempt(): void {
    if (this.stopped || this.opening) return;
    this.opening = this.open().finally(() => {
      this.opening = undefined;
      this.resolveFirst();
    });
  }

  private scheduleRetry(): void {
    if (this.stopped) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.attempt(), this.retryMs);
    this.retryTimer.unref();
    this.retryMs = Math.min(this.retryMs * 2, RETRY_MAX_MS);
  }

  private async open(): Promise<void> {
    // Without a socket there is nothing to talk to: say so without starting the binding's workers.
    if (/^[a-z+]+:\/\/\/system$/.test(this.uri) && !SYSTEM_SOCKETS.some((s) => existsSync(s))) {
      this.down(`no libvirtd socket (${SYSTEM_SOCKETS.join(', ')})`);
      this.scheduleRetry();
      return;
    }
    let c: LibvirtConnection;
    try {
      c = await LibvirtConnection.open(this.uri, {
        callTimeoutMs: 30_000,
        reconnect: { initialDelayMs: 100, maxDelayMs: 2_000, waitMs: 10_000 },
        ...(this.dropAfterSend.length > 0 ? { dropAfterSend: this.dropAfterSend } : {}),
      });
    } catch (e) {
      this.down(`cannot connect: ${e instanceof LibvirtError && 'virMessage' in e ? String(e.virMessage) : (e as Error).message}`);
      this.scheduleRetry();
      return;
    }
    if (this.stopped) {
      await c.close().catch(() => undefined);
      return;
    }
    this.conn = c;
    this.retryMs = RETRY_FIRST_MS;
    c.on('disconnected', (d) => this.down(`libvirtd went away (${d.reason}: ${d.detail})`));
    c.on('reconnected', (r) => {
      this.reconnects += 1;
      this.log.info({ uri: this.uri, attempts: r.attempts, downMs: Math.round(r.downMs) }, 'libvirt reconnected');
      this.up();
    });
    c.on('reconnectFailed', (f) => {
      // Why it is down stays first: the attempts' errors only say libvirtd is not back yet.
      const lost = this.lastMessage.replace(/; reconnecting \(attempt .*$/s, '');
      this.lastMessage = `${lost}; reconnecting (attempt ${f.attempt}): ${f.error.message}`;
    });
    c.on('callTimeout', (e) => this.log.error({ err: e.message, inFlight: e.inFlight }, 'libvirt call timed out'));
    c.on('lifecycle', (e) => this.emit('lifecycle', e));
    c.on('deviceRemoved', (e) => this.emit('deviceRemoved', e));
    c.on('deviceAdded', (e) => this.emit('deviceAdded', e));
    c.on('closed', () => {
      if (this.stopped || this.conn !== c) return;
      // The binding's workers died: start over with a new connection.
      this.conn = undefined;
      this.down('the libvirt binding closed the connection');
      this.scheduleRetry();
    });
    this.log.info({ uri: this.uri }, 'libvirt connected');
    this.up();
  }

  private up(): void {
    this.linkState = 'connected';
    this.emit('up');
  }

  private down(message: string): void {
    const changed = this.linkState !== 'disconnected' || this.lastMessage !== message;
    const wasUp = this.linkState === 'connected';
    this.linkState = 'disconnected';
    this.lastMessage = message;
    if (wasUp) this.log.warn({ uri: this.uri, message }, 'libvirt disconnected');
    if (changed) this.emit('down', message);
  }
}
