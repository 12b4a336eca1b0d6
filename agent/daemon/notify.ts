// The sd_notify(3) protocol through libsystemd, so the datagram socket, credentials and
// abstract-namespace details stay systemd's business. Outside systemd (no NOTIFY_SOCKET) every
// call is a no-op; a host without libsystemd behaves the same, with one warning.
import koffi from 'koffi';
import type { Logger } from '../logger.js';

type SdNotify = (unsetEnvironment: number, state: string) => number;

function loadSdNotify(log: Logger): SdNotify | null {
  try {
    const lib = koffi.load('libsystemd.so.0');
    return lib.func('int sd_notify(int unset_environment, const char *state)') as SdNotify;
  } catch (e) {
    log.warn({ err: e }, 'libsystemd.so.0 not loadable: no notifications to systemd');
    return null;
  }
}

export class Notifier {
  private watchdogTimer: NodeJS.Timeout | undefined;
  /** Loaded on the first notification, so a daemon outside systemd never loads libsystemd. */
  private sdNotify: SdNotify | null | undefined;
  readonly enabled: boolean;

  constructor(
    private readonly log: Logger,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    this.enabled = Boolean(env.NOTIFY_SOCKET);
  }

  /**
   * Sends `KEY=value` assignments as one datagram. Each ends with a newline: systemd does not
   * need it, but whoever reads the socket's stream (a test's socat) can then tell them apart.
   */
  send(fields: Record<string, string | number>): void {
    if (!this.enabled) return;
    this.sdNotify ??= loadSdNotify(this.log);
    const fn = this.sdNotify;
    if (!fn) return;
    const state = Object.entries(fields)
      .map(([k, v]) => `${k}=${String(v).replaceAll('\n', ' ')}\n`)
      .join('');
    const rc = fn(0, state);
    if (rc < 0) this.log.warn({ rc, state }, 'sd_notify failed');
  }

  ready(status: string): void {
    this.send({ READY: 1, STATUS: status });
  }

  status(status: string): void {
    this.send({ STATUS: status });
  }

  reloading(): void {
    // systemd ≥ 253 wants MONOTONIC_USEC with RELOADING=1 for Type=notify-reload; older ones ignore it.
    this.send({ RELOADING: 1, MONOTONIC_USEC: (process.hrtime.bigint() / 1000n).toString() });
  }

  stopping(status: string): void {
    this.send({ STOPPING: 1, STATUS: status });
  }

  /**
   * Pings at half the interval systemd asked for, from a timer: when the event loop is stuck,
   * the pings stop and systemd restarts us, which is the point of the watchdog.
   */
  startWatchdog(): number | undefined {
    const usec = Number(this.env.WATCHDOG_USEC);
    const pid = this.env.WATCHDOG_PID;
    if (!this.enabled || !Number.isFinite(usec) || usec <= 0) return undefined;
    if (pid !== undefined && pid !== '' && Number(pid) !== process.pid) return undefined;
    const everyMs = Math.max(1, Math.floor(usec / 2_000));
    this.stopWatchdog();
    this.watchdogTimer = setInterval(() => this.send({ WATCHDOG: 1 }), everyMs);
    this.send({ WATCHDOG: 1 });
    return everyMs;
  }

  stopWatchdog(): void {
    clearInterval(this.watchdogTimer);
    this.watchdogTimer = undefined;
  }
}
