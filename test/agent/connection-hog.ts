// A local client that tries to hold COUNT connections to hvnetd's socket without ever sending a
// request, reopening each one the daemon refuses or closes after DELAY ms: what one misbehaving
// member of the socket's group can do. The socket-limits test runs it as another user (through
// setpriv, so it is a tracked direct child) and reads its tally, printed as one JSON line every
// 100 ms.
//
//   node connection-hog.js SOCKET COUNT DELAY_MS
import net from 'node:net';

export interface HogReply {
  code: string;
  errorClass: string;
  message: string;
  details: Record<string, unknown>;
}

export interface HogTally {
  attempts: number;
  /**
   * Connections the daemon accepted and has not answered or closed for over 3 s. A refused
   * connection is answered at once, but a daemon starved of CPU (a loaded CI machine) can leave
   * its refusal in the kernel's backlog for a second or two; a connection within the budget stays
   * silent until the 5 s first-request timeout, so 3 s tells the two apart either way.
   */
  heldLong: number;
  /** The most heldLong has been. */
  maxHeldLong: number;
  /** connect(2) failures by errno name (EAGAIN when the listen backlog is full). */
  connectErrors: Record<string, number>;
  /** Error replies by hvnet code. */
  replies: Record<string, number>;
  /** The first reply of each code. */
  samples: Record<string, HogReply>;
  /** Connections closed with no reply at all. */
  closedSilently: number;
  /**
   * For replies HVNET_TIMEOUT: ms from connect(2) to the reply. From the call, not its 'connect'
   * event, which a busy event loop sees late: the daemon's clock starts after the call.
   */
  timeoutAfterMs: number[];
}

const [socketPath = '', countArg = '1000', delayArg = '1000'] = process.argv.slice(2);
const count = Number(countArg);
const delayMs = Number(delayArg);

const tally: HogTally = { attempts: 0, heldLong: 0, maxHeldLong: 0, connectErrors: {}, replies: {}, samples: {}, closedSilently: 0, timeoutAfterMs: [] };
/** Connected and not answered: connect time of each. */
const open = new Map<net.Socket, number>();

function reply(line: string): HogReply {
  try {
    const r = JSON.parse(line) as { error?: { message?: unknown; data?: { code?: unknown; errorClass?: unknown; details?: unknown } } };
    const d = r.error?.data ?? {};
    return {
      code: typeof d.code === 'string' ? d.code : 'no code',
      errorClass: typeof d.errorClass === 'string' ? d.errorClass : 'no class',
      message: typeof r.error?.message === 'string' ? r.error.message : '',
      details: typeof d.details === 'object' && d.details !== null ? (d.details as Record<string, unknown>) : {},
    };
  } catch {
    return { code: 'not JSON', errorClass: '', message: line.slice(0, 200), details: {} };
  }
}

function connect(): void {
  tally.attempts += 1;
  const called = Date.now();
  const s = net.connect(socketPath);
  let buffer = '';
  let answered = false;
  s.setEncoding('utf8');
  s.on('connect', () => open.set(s, Date.now()));
  s.on('data', (chunk: string) => {
    buffer += chunk;
    const nl = buffer.indexOf('\n');
    if (nl < 0 || answered) return;
    answered = true;
    const r = reply(buffer.slice(0, nl));
    tally.replies[r.code] = (tally.replies[r.code] ?? 0) + 1;
    tally.samples[r.code] ??= r;
    if (r.code === 'HVNET_TIMEOUT' && tally.timeoutAfterMs.length < 1_000) tally.timeoutAfterMs.push(Date.now() - called);
    open.delete(s);
  });
  s.on('error', (e: NodeJS.ErrnoException) => {
    if (!open.has(s) && !answered) tally.connectErrors[e.code ?? e.message] = (tally.connectErrors[e.code ?? e.message] ?? 0) + 1;
  });
  s.on('close', () => {
    if (open.delete(s) && !answered) tally.closedSilently += 1;
    setTimeout(connect, delayMs);
  });
}

const HELD_MS = 3_000;
for (let i = 0; i < count; i++) connect();
// Counted after the poll phase (setImmediate), not in the timer's: when this process was starved
// of CPU, replies already waiting in the socket buffers are read first, so a refused connection is
// not taken for a held one.
setInterval(() => {
  setImmediate(() => {
    const now = Date.now();
    tally.heldLong = [...open.values()].filter((t) => now - t > HELD_MS).length;
    tally.maxHeldLong = Math.max(tally.maxHeldLong, tally.heldLong);
    process.stdout.write(`${JSON.stringify(tally)}\n`);
  });
}, 100);
