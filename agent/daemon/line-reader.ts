// Newline-delimited framing of the socket API (jayson's tcp delimiter), with the one thing
// jayson's own stream parser lacks: a bound. A peer that sends a line longer than the limit costs
// at most `limit` bytes of memory, whatever it sends after.

export type LineResult = { kind: 'line'; text: string } | { kind: 'overflow'; limit: number };

export class LineReader {
  private parts: Buffer[] = [];
  private size = 0;
  private overflowed = false;

  constructor(private readonly limit: number) {}

  /** Feeds bytes; returns the complete lines (and at most one overflow, after which it stops). */
  push(chunk: Buffer): LineResult[] {
    if (this.overflowed) return [];
    const out: LineResult[] = [];
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(0x0a, start);
      if (nl < 0) break;
      if (this.size + (nl - start) > this.limit) return this.overflow(out);
      this.parts.push(chunk.subarray(start, nl));
      out.push({ kind: 'line', text: Buffer.concat(this.parts).toString('utf8') });
      this.parts = [];
      this.size = 0;
      start = nl + 1;
    }
    const rest = chunk.length - start;
    if (rest > 0) {
      if (this.size + rest > this.limit) return this.overflow(out);
      // Copy: the socket may reuse its buffer.
      this.parts.push(Buffer.from(chunk.subarray(start)));
      this.size += rest;
    }
    return out;
  }

  /** At end of stream: the unterminated last line, if any (a peer may omit the final newline). */
  finish(): LineResult[] {
    if (this.overflowed || this.size === 0) return [];
    const text = Buffer.concat(this.parts).toString('utf8');
    this.parts = [];
    this.size = 0;
    return [{ kind: 'line', text }];
  }

  get bufferedBytes(): number {
    return this.size;
  }

  private overflow(out: LineResult[]): LineResult[] {
    this.overflowed = true;
    this.parts = [];
    this.size = 0;
    out.push({ kind: 'overflow', limit: this.limit });
    return out;
  }
}
