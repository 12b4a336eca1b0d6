// ovsdb-server writes JSON-RPC messages back to back with no delimiter and no length prefix, so a
// message ends where its outermost object or array closes. The splitter tracks bracket depth outside
// strings on raw bytes: every byte of a multi-byte UTF-8 sequence is >= 0x80, so it can never look
// like a quote, backslash or bracket, and a chunk boundary inside a code point needs no special case.
// Bytes are decoded once per complete message, never per chunk.
import { FramingError, MessageTooLargeError } from './errors.js';
import { SlicedJsonParse } from './json-slices.js';

export interface SplitterOptions {
  /**
   * Largest accepted message, in bytes. A full monitor snapshot of a big Northbound database is
   * tens of MiB; the default leaves room for that while bounding what a broken peer can make us hold.
   */
  maxMessageBytes?: number;
}

export const DEFAULT_MAX_MESSAGE_BYTES = 256 * 1024 * 1024;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

export class JsonStreamSplitter {
  readonly maxMessageBytes: number;

  // Pieces of the message in progress, from earlier chunks; concatenated once, when it completes.
  // Emptied in place, never replaced by a fresh []: an empty literal is a different kind of array
  // to the engine until its first push, and the scan loop was recompiled for each of the two.
  private readonly parts: Buffer[] = [];
  private partsBytes = 0;
  private depth = 0;
  private inString = false;
  private escaped = false;
  private consumed = 0; // bytes of the stream before the current chunk, for error offsets
  private failure: Error | undefined;

  constructor(options: SplitterOptions = {}) {
    const max = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    if (!Number.isInteger(max) || max < 2) throw new TypeError(`maxMessageBytes must be an integer >= 2, got ${max}`);
    this.maxMessageBytes = max;
  }

  /** Bytes held for a message not yet complete. */
  get bufferedBytes(): number {
    return this.partsBytes;
  }

  /** True between messages: a connection closing now loses nothing. */
  get idle(): boolean {
    return this.depth === 0 && this.partsBytes === 0;
  }

  /**
   * Feeds one chunk and returns the text of every message it completes, in order. Throws
   * MessageTooLargeError or FramingError; after that the stream is unusable and every later call
   * throws the same error, because the position of the next message can no longer be known.
   * The tail of an incomplete message is kept by reference: do not reuse the chunk's memory.
   */
  push(chunk: Uint8Array): string[] {
    if (this.failure !== undefined) throw this.failure;
    try {
      return this.scan(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    } catch (e) {
      this.failure = e as Error;
      this.parts.length = 0;
      this.partsBytes = 0;
      throw e;
    }
  }

  /** Bytes of the stream before the chunk being scanned, for the offsets of errors. */
  get streamOffset(): number {
    return this.consumed;
  }

  /**
   * Like push, parsing each message. Invalid JSON inside balanced brackets is a FramingError.
   * A message of at least `slicedFromChars` characters is not parsed here: it comes as a
   * SlicedJsonParse, for the caller to run in steps.
   */
  pushParsed(chunk: Uint8Array, slicedFromChars = Number.POSITIVE_INFINITY): unknown[] {
    const texts = this.push(chunk);
    const values: unknown[] = new Array<unknown>(texts.length);
    for (let i = 0; i < texts.length; i++) {
      const text = texts[i] as string;
      if (text.length >= slicedFromChars) {
        values[i] = new SlicedJsonParse(text);
        continue;
      }
      try {
        values[i] = JSON.parse(text);
      } catch (e) {
        this.failure = new FramingError(`a message is not valid JSON: ${(e as Error).message}`, this.consumed, { cause: e });
        throw this.failure;
      }
    }
    return values;
  }

  private scan(chunk: Buffer): string[] {
    const out: string[] = [];
    const n = chunk.length;
    const max = this.maxMessageBytes;
    let { depth, inString, escaped } = this;
    // Start of the current message (or of its remainder) in this chunk.
    let start = 0;
    let i = 0;
    // Next backslash at or after i, -1 when the rest of the chunk has none, -2 before the first search;
    // cached so a chunk with many strings and no escapes is searched once, not once per string.
    let backslash = -2;
    while (i < n) {
      if (inString) {
        // Most of a message's bytes are inside strings: jump to the next quote and only look at
        // backslashes when there are any before it.
        if (escaped) {
          escaped = false;
          i++;
          continue;
        }
        const quote = chunk.indexOf(QUOTE, i);
        if (backslash !== -1 && backslash < i) backslash = chunk.indexOf(BACKSLASH, i);
        if (backslash >= 0 && (quote < 0 || backslash < quote)) {
          escaped = true;
          i = backslash + 1;
          continue;
        }
        if (quote < 0) break; // the string goes on in the next chunk
        inString = false;
        i = quote + 1;
        continue;
      }
      const c = chunk[i] as number;
      if (c === QUOTE) {
        if (depth === 0) throw this.unexpected(c, i);
        inString = true;
      } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        if (depth === 0) start = i;
        depth++;
      } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        if (depth === 0) throw new FramingError(`unbalanced ${String.fromCharCode(c)}`, this.consumed + i);
        if (--depth === 0) {
          const end = i + 1;
          const size = this.partsBytes + (end - start);
          if (size > max) throw new MessageTooLargeError(max, size);
          out.push(this.finish(chunk, start, end, size));
          start = end;
        }
      } else if (depth === 0) {
        // Between messages only whitespace may appear.
        if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) throw this.unexpected(c, i);
        start = i + 1;
      }
      i++;
    }
    if (depth > 0) {
      const size = this.partsBytes + (n - start);
      if (size > max) throw new MessageTooLargeError(max, size);
      if (start < n) {
        // Kept as a view, not copied: net.Socket hands out a fresh buffer per read, so the bytes
        // stay put, and copying would double the work for large snapshots.
        const piece = chunk.subarray(start, n);
        this.parts.push(piece);
        this.partsBytes += piece.length;
      }
    }
    this.depth = depth;
    this.inString = inString;
    this.escaped = escaped;
    this.consumed += n;
    return out;
  }

  private finish(chunk: Buffer, start: number, end: number, size: number): string {
    if (this.parts.length === 0) return chunk.toString('utf8', start, end);
    this.parts.push(chunk.subarray(start, end));
    const text = Buffer.concat(this.parts, size).toString('utf8');
    this.parts.length = 0;
    this.partsBytes = 0;
    return text;
  }

  private unexpected(byte: number, i: number): FramingError {
    const shown = byte >= 0x20 && byte < 0x7f ? JSON.stringify(String.fromCharCode(byte)) : `0x${byte.toString(16)}`;
    return new FramingError(`unexpected ${shown} between messages (each message must be an object or array)`, this.consumed + i);
  }
}
