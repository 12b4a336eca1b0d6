// The request ring: the order of the calls main sends to the request worker, in shared memory.
// Every call takes one entry, in the order it is made. A call with no domain and at most two
// numeric arguments (virConnectGetLibVersion, GetVersion, IsAlive, ListAllDomains ...) is written
// into its entry whole; any other request (and the shutdown message) is posted on the MessagePort
// and its entry says "the next message on the port". The common calls thus cost no structured
// clone on either side and no wake-up of the worker's own (unused) event loop by the port
// (bench/RESULTS.md, the FFI round trip: the request's path).
//
// Main is the only writer of TAIL, the worker the only writer of HEAD. When the ring is full, main
// keeps the entries in order in memory and writes them as the worker frees space: every entry
// taken is answered, and main writes what it holds at each answer (RequestRingWriter.flush).

import type { OpName } from './protocol.js';

const RING_TAIL = 0;
const RING_HEAD = 1;
const HEADER_WORDS = 2;
/** Entries; a power of two. */
export const RING_SIZE = 256;
const I32_PER_ENTRY = 3; // id, op code (0: the next port message), argument count
const F64_PER_ENTRY = 3; // deadline, two arguments
const F64_BASE = Math.ceil(((HEADER_WORDS + RING_SIZE * I32_PER_ENTRY) * 4) / 8);

/** Operations a ring entry can carry whole; the code is the index + 1. */
const INLINE_OPS: readonly OpName[] = ['getLibVersion', 'getVersion', 'isAlive', 'listAll', 'wakeEventLoop'];
const CODE = new Map<OpName, number>(INLINE_OPS.map((op, i) => [op, i + 1]));

export function newRingBuffer(): SharedArrayBuffer {
  return new SharedArrayBuffer((F64_BASE + RING_SIZE * F64_PER_ENTRY) * 8);
}

/** Code of `op` when its request fits an entry (no domain, at most two numeric arguments), else 0. */
export function inlineCode(op: OpName, args: readonly unknown[], hasDomain: boolean): number {
  if (hasDomain || args.length > 2) return 0;
  for (const a of args) if (typeof a !== 'number') return 0;
  return CODE.get(op) ?? 0;
}

interface Held {
  id: number;
  code: number;
  args: readonly unknown[];
  deadline: number;
}

/** Main's side. */
export class RequestRingWriter {
  private readonly i32: Int32Array;
  private readonly f64: Float64Array;
  private tail = 0;
  /** Entries waiting for space, in call order. */
  private readonly held: Held[] = [];

  constructor(buf: SharedArrayBuffer) {
    this.i32 = new Int32Array(buf);
    this.f64 = new Float64Array(buf);
  }

  /** Appends an entry (code 0: the request was posted on the port). False when it is held for later. */
  push(id: number, code: number, args: readonly unknown[], deadline: number): boolean {
    if (this.held.length > 0 || this.full()) {
      this.held.push({ id, code, args, deadline });
      return false;
    }
    this.write(id, code, args, deadline);
    return true;
  }

  /** Writes held entries into the space the worker freed; true when any was written. */
  flush(): boolean {
    let wrote = false;
    while (this.held.length > 0 && !this.full()) {
      const h = this.held.shift() as Held;
      this.write(h.id, h.code, h.args, h.deadline);
      wrote = true;
    }
    return wrote;
  }

  private full(): boolean {
    return this.tail - Atomics.load(this.i32, RING_HEAD) >= RING_SIZE;
  }

  private write(id: number, code: number, args: readonly unknown[], deadline: number): void {
    const slot = this.tail & (RING_SIZE - 1);
    const w = HEADER_WORDS + slot * I32_PER_ENTRY;
    this.i32[w] = id;
    this.i32[w + 1] = code;
    this.i32[w + 2] = code === 0 ? 0 : args.length;
    const f = F64_BASE + slot * F64_PER_ENTRY;
    this.f64[f] = deadline;
    if (code !== 0) {
      this.f64[f + 1] = (args[0] as number | undefined) ?? 0;
      this.f64[f + 2] = (args[1] as number | undefined) ?? 0;
    }
    this.tail = (this.tail + 1) | 0;
    // Publishes the plain writes above (Atomics are sequentially consistent).
    Atomics.store(this.i32, RING_TAIL, this.tail);
  }
}

/** An entry as the worker reads it: `op` undefined means "take the next message on the port". */
export interface RingEntry {
  id: number;
  op: OpName | undefined;
  args: number[];
  deadline: number;
}

/** The worker's side. */
export class RequestRingReader {
  private readonly i32: Int32Array;
  private readonly f64: Float64Array;
  private head = 0;

  constructor(buf: SharedArrayBuffer) {
    this.i32 = new Int32Array(buf);
    this.f64 = new Float64Array(buf);
  }

  /** The next entry (its space freed for main at once), or undefined when the ring is empty. */
  take(): RingEntry | undefined {
    if (Atomics.load(this.i32, RING_TAIL) === this.head) return undefined;
    const slot = this.head & (RING_SIZE - 1);
    const w = HEADER_WORDS + slot * I32_PER_ENTRY;
    const f = F64_BASE + slot * F64_PER_ENTRY;
    const code = this.i32[w + 1] as number;
    const argc = this.i32[w + 2] as number;
    const args: number[] = [];
    for (let k = 0; k < argc; k++) args.push(this.f64[f + 1 + k] as number);
    const entry: RingEntry = { id: this.i32[w] as number, op: code === 0 ? undefined : INLINE_OPS[code - 1], args, deadline: this.f64[f] as number };
    this.head = (this.head + 1) | 0;
    Atomics.store(this.i32, RING_HEAD, this.head);
    return entry;
  }
}
