// JSON.parse of a message is one uninterrupted piece of work: for the first snapshot of a big
// Northbound database (tens of MiB) it holds the event loop for a few hundred ms. SlicedJsonParse
// gives the same value in pieces that each end by a deadline, so the caller can free the event loop
// in between. The big containers near the top (the message, its tables, a table's rows) are taken
// apart here; everything below a few KiB (a row) is still parsed by JSON.parse, which does almost
// all of the work.

/** A message at least this long is parsed in steps: JSON.parse takes about 10 ms for it here. */
export const SLICED_PARSE_MIN_CHARS = 1024 * 1024;

/** The longest step a connection runs between two turns of the event loop (ms). */
export const DEFAULT_PARSE_SLICE_MS = 20;

/** A container at most this long is parsed whole. A row of the Northbound DB is well under it. */
export const LEAF_CHARS = 16 * 1024;

/**
 * Containers deeper than this are never taken apart, so only their ends are noted in the first
 * pass. A monitor reply's rows sit at depth 4, an update notification's at 5.
 */
const MAX_SPLIT_DEPTH = 5;

/** Characters scanned between two reads of the clock in the first pass. */
const SCAN_CHARS_PER_CLOCK_READ = 64 * 1024;
/** Members of a big container queued between two reads of the clock. */
const MEMBERS_PER_CLOCK_READ = 256;
/** Values parsed between two reads of the clock. */
const VALUES_PER_CLOCK_READ = 8;

// The same codes as framing.ts's, kept local in both: read in their hot loops from a shared
// module, they made the splitter 10–15 % slower (9.1 MB split in 37–42 ms against 41–45 ms).
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

interface Task {
  start: number;
  end: number;
  depth: number;
  into: Record<string, unknown> | unknown[];
  key: string | number;
}

/** A big container whose members are being queued. */
interface Opening {
  readonly t: Task;
  readonly into: Record<string, unknown> | unknown[];
  readonly isObject: boolean;
  readonly close: number;
  /** Where the next member starts (or the container closes). */
  i: number;
  members: number;
}

/**
 * A JSON text parsed by steps: `step(deadline)` works until `performance.now()` passes the
 * deadline and says whether the value is complete. The text must already be known to have
 * balanced brackets outside strings (the stream splitter checked that); anything else that is not
 * JSON throws a SyntaxError, as JSON.parse would. Keys keep their order; a repeated key keeps its
 * last value.
 */
export class SlicedJsonParse {
  /** Container start → end (exclusive), for containers at depth ≤ MAX_SPLIT_DEPTH. */
  private readonly ends = new Map<number, number>();
  private scanAt = 0;
  private scanDepth = 0;
  private readonly openStarts: number[] = [];
  private scanned = false;
  private readonly tasks: Task[] = [];
  private head = 0;
  private readonly root: unknown[] = [undefined];
  private opening: Opening | undefined;
  private backslashFrom = Number.POSITIVE_INFINITY;
  private nextBackslash = -1;

  constructor(
    private readonly text: string,
    /** Tests take every container apart with a small one. */
    private readonly leafChars = LEAF_CHARS,
  ) {
    const start = skipSpace(text, 0);
    let end = text.length;
    while (end > start && isSpace(text.charCodeAt(end - 1))) end--;
    this.tasks.push({ start, end, depth: 1, into: this.root, key: 0 });
  }

  /** The parsed value, once step returned true. */
  get value(): unknown {
    return this.root[0];
  }

  get done(): boolean {
    return this.scanned && this.opening === undefined && this.head >= this.tasks.length;
  }

  /** Characters of the text: what a caller weighs whether to run it in steps by. */
  get length(): number {
    return this.text.length;
  }

  step(deadline: number): boolean {
    if (!this.scanned && !this.scan(deadline)) return false;
    const { tasks, text } = this;
    let n = 0;
    for (;;) {
      if (this.opening !== undefined) {
        if (!this.openSome(this.opening, deadline)) return false;
        this.opening = undefined;
      }
      if (this.head >= tasks.length) return true;
      const t = tasks[this.head++] as Task;
      const c = text.charCodeAt(t.start);
      if (t.end - t.start <= this.leafChars || t.depth >= MAX_SPLIT_DEPTH || (c !== OPEN_BRACE && c !== OPEN_BRACKET)) {
        put(t.into, t.key, JSON.parse(text.slice(t.start, t.end)));
      } else {
        const isObject = c === OPEN_BRACE;
        const into = isObject ? {} : [];
        put(t.into, t.key, into);
        this.opening = { t, into, isObject, close: isObject ? CLOSE_BRACE : CLOSE_BRACKET, i: skipSpace(text, t.start + 1), members: 0 };
      }
      if (++n % VALUES_PER_CLOCK_READ === 0 && performance.now() >= deadline) return this.done;
    }
  }

  /**
   * Notes where each shallow container ends: one pass over the text, resumable. Strings are
   * jumped over with indexOf; only the characters between them are looked at one by one.
   */
  private scan(deadline: number): boolean {
    const { text, ends, openStarts } = this;
    const n = text.length;
    let i = this.scanAt;
    let depth = this.scanDepth;
    let nextClock = i + SCAN_CHARS_PER_CLOCK_READ;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === QUOTE) {
        i = stringEnd(text, i);
      } else {
        if (c === OPEN_BRACE || c === OPEN_BRACKET) {
          depth++;
          if (depth <= MAX_SPLIT_DEPTH) openStarts.push(i);
        } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
          if (depth === 0) throw syntax('no closing bracket', i);
          if (depth <= MAX_SPLIT_DEPTH) ends.set(openStarts.pop() as number, i + 1);
          depth--;
        }
        i++;
      }
      if (i >= nextClock) {
        nextClock = i + SCAN_CHARS_PER_CLOCK_READ;
        if (performance.now() >= deadline) {
          this.scanAt = i;
          this.scanDepth = depth;
          return false;
        }
      }
    }
    this.scanned = true;
    return true;
  }

  /**
   * Queues the members of a container too big to parse whole, in order, until the deadline; a
   * table of thousands of rows is gone through in more than one step.
   */
  private openSome(o: Opening, deadline: number): boolean {
    const { text } = this;
    const { close, isObject, into } = o;
    const depth = o.t.depth + 1;
    let i = o.i;
    if (o.members === 0 && text.charCodeAt(i) === close) return this.closed(o, i);
    for (;;) {
      let key: string | number = o.members++;
      if (isObject) {
        if (text.charCodeAt(i) !== QUOTE) throw syntax('a key', i);
        const keyEnd = stringEnd(text, i);
        key = this.hasBackslash(i, keyEnd) ? (JSON.parse(text.slice(i, keyEnd)) as string) : text.slice(i + 1, keyEnd - 1);
        i = skipSpace(text, keyEnd);
        if (text.charCodeAt(i) !== COLON) throw syntax('":"', i);
        i = skipSpace(text, i + 1);
        // Holds the key's place in the order of the text; the value comes when its task runs.
        put(into, key, undefined);
      }
      const end = this.valueEnd(i);
      this.tasks.push({ start: i, end, depth, into, key });
      i = skipSpace(text, end);
      const c = text.charCodeAt(i);
      if (c === close) return this.closed(o, i);
      if (c !== COMMA) throw syntax(`"," or "${String.fromCharCode(close)}"`, i);
      i = skipSpace(text, i + 1);
      if (o.members % MEMBERS_PER_CLOCK_READ === 0 && performance.now() >= deadline) {
        o.i = i;
        return false;
      }
    }
  }

  private closed(o: Opening, i: number): true {
    if (i + 1 !== o.t.end) throw syntax('the end of the value', i + 1);
    return true;
  }

  /** Whether text[from, to) holds a backslash; the next one's place is kept between calls. */
  private hasBackslash(from: number, to: number): boolean {
    if (from < this.backslashFrom || (this.nextBackslash >= 0 && this.nextBackslash < from)) {
      this.backslashFrom = from;
      this.nextBackslash = this.text.indexOf('\\', from);
    }
    return this.nextBackslash >= 0 && this.nextBackslash < to;
  }

  private valueEnd(i: number): number {
    const { text } = this;
    const c = text.charCodeAt(i);
    if (c === QUOTE) return stringEnd(text, i);
    if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      const end = this.ends.get(i);
      if (end === undefined) throw syntax('a value', i);
      return end;
    }
    // A number, true, false or null: JSON.parse checks it; here only where it stops.
    let j = i;
    for (;;) {
      const d = text.charCodeAt(j);
      if (Number.isNaN(d) || d === COMMA || d === CLOSE_BRACE || d === CLOSE_BRACKET || isSpace(d)) break;
      j++;
    }
    if (j === i) throw syntax('a value', i);
    return j;
  }
}

function put(into: Record<string, unknown> | unknown[], key: string | number, value: unknown): void {
  if (typeof key === 'number') (into as unknown[])[key] = value;
  // An own property, as JSON.parse makes it, not the object's prototype.
  else if (key === '__proto__') Object.defineProperty(into, key, { value, writable: true, enumerable: true, configurable: true });
  else (into as Record<string, unknown>)[key] = value;
}

/** Index just past the string that opens at `i`. */
function stringEnd(text: string, i: number): number {
  let j = i + 1;
  for (;;) {
    const q = text.indexOf('"', j);
    if (q < 0) throw syntax('the end of a string', text.length);
    // Escaped when an odd number of backslashes stand right before it.
    let b = q - 1;
    while (text.charCodeAt(b) === BACKSLASH) b--;
    if ((q - 1 - b) % 2 === 0) return q + 1;
    j = q + 1;
  }
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function skipSpace(text: string, i: number): number {
  while (isSpace(text.charCodeAt(i))) i++;
  return i;
}

function syntax(expected: string, at: number): SyntaxError {
  return new SyntaxError(`expected ${expected} at position ${at}`);
}
