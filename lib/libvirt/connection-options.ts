// What a caller can tune on a connection: deadlines, reconnection, keepalive.

export interface ReconnectOptions {
  /** Default true. False: a lost connection stays lost (calls fail with LibvirtDisconnectedError). */
  enabled?: boolean;
  /** First delay after the loss, ms. Default 100. */
  initialDelayMs?: number;
  /** Upper bound of the delay, ms. Default 5000. */
  maxDelayMs?: number;
  /** Delay multiplier per failed attempt. Default 2. */
  factor?: number;
  /** How long a call made while disconnected waits for the reconnection, ms. Default 10000; 0 = fail fast. */
  waitMs?: number;
}

export interface OpenOptions {
  /** Default deadline of every call, ms. Default 30000. */
  callTimeoutMs?: number;
  /** Deadline of virConnectOpen (first open and each reconnection attempt), ms. Default 30000. */
  openTimeoutMs?: number;
  reconnect?: ReconnectOptions;
  /** virConnectSetKeepAlive after each open; default: libvirt's client defaults. */
  keepAlive?: { intervalS: number; count: number };
  /**
   * Period of the safety timer in libvirt's event loop, ms (default 250): the longest a callback
   * that libvirt fires on the request worker's thread waits for the event worker (event-worker.ts).
   */
  eventLoopTickMs?: number;
  /**
   * TEST ONLY (docs/libvirt.md#libvirtd-lost-during-an-attach): operations whose reply is
   * thrown away right after they are sent, as if libvirtd went away then. The call still runs in
   * libvirt; the caller gets LibvirtDisconnectedError (sent: true) at once and the binding
   * reconnects, so what the caller does with an unknown outcome can be tested deterministically.
   */
  dropAfterSend?: readonly string[];
  /**
   * TEST ONLY (docs/libvirt.md#clean-shutdown): how long the request worker waits before it adds
   * the timer that wakes libvirt's loop at close, as a thread descheduled there on a loaded machine.
   */
  delayEventLoopWakeMs?: number;
}

export interface CallOptions {
  /** Deadline of this call, ms (default: the connection's callTimeoutMs). */
  timeoutMs?: number;
}
