import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FramingError, MessageTooLargeError } from '../../lib/ovsdb/errors.js';
import { JsonStreamSplitter } from '../../lib/ovsdb/framing.js';

function feedAll(splitter: JsonStreamSplitter, chunks: readonly Buffer[]): string[] {
  return chunks.flatMap((c) => splitter.push(c));
}

const reply = JSON.stringify({
  id: 7,
  result: [{ rows: [{ _uuid: ['uuid', '2f1e4c8a-58c4-4e4b-9a4e-2f7a0b7e1c11'], name: 'incus-net1-lr', external_ids: ['map', [['user', 'réseau {1} "α" \\ ✓ 🚀']]] }] }],
  error: null,
});

describe('framing: splitting a delimiter-less stream of JSON messages', () => {
  it('yields one reply whatever byte offset it is cut at', () => {
    const bytes = Buffer.from(reply);
    for (let cut = 0; cut <= bytes.length; cut++) {
      const splitter = new JsonStreamSplitter();
      const out = feedAll(splitter, [bytes.subarray(0, cut), bytes.subarray(cut)]);
      assert.deepEqual(out, [reply], `cut at ${cut}`);
      assert.ok(splitter.idle);
    }
  });

  it('yields one reply fed one byte at a time, holding nothing back until it closes', () => {
    const bytes = Buffer.from(reply);
    const splitter = new JsonStreamSplitter();
    for (let i = 0; i < bytes.length - 1; i++) assert.deepEqual(splitter.push(bytes.subarray(i, i + 1)), []);
    assert.equal(splitter.bufferedBytes, bytes.length - 1);
    assert.deepEqual(splitter.push(bytes.subarray(bytes.length - 1)), [reply]);
    assert.equal(splitter.bufferedBytes, 0);
  });

  it('yields several replies from one chunk, in order, with and without whitespace between them', () => {
    const msgs = ['{"id":1,"result":{},"error":null}', '[1,2,[3]]', '{"id":null,"method":"update3","params":["m","0",{}]}'];
    const splitter = new JsonStreamSplitter();
    assert.deepEqual(splitter.push(Buffer.from(msgs.join(''))), msgs);
    assert.deepEqual(splitter.push(Buffer.from(` ${msgs[0]}\n\r\t${msgs[1]} `)), [msgs[0], msgs[1]]);
    assert.ok(splitter.idle);
  });

  it('completes a message and starts the next within the same chunk', () => {
    const splitter = new JsonStreamSplitter();
    assert.deepEqual(splitter.push(Buffer.from('{"a":"}')), []);
    assert.deepEqual(splitter.push(Buffer.from('"}{"b":[')), ['{"a":"}"}']);
    assert.equal(splitter.idle, false);
    assert.deepEqual(splitter.push(Buffer.from(']}')), ['{"b":[]}']);
  });

  it('ignores brackets, quotes and backslashes inside strings, at every cut', () => {
    const tricky = JSON.stringify({ s: '{[}]"\\', t: '\\', u: '\\"', v: '"{', w: '\\\\}' });
    const bytes = Buffer.from(tricky + tricky);
    for (let cut = 0; cut <= bytes.length; cut++) {
      const out = feedAll(new JsonStreamSplitter(), [bytes.subarray(0, cut), bytes.subarray(cut)]);
      assert.deepEqual(out, [tricky, tricky], `cut at ${cut}`);
    }
  });

  it('decodes non-ASCII text split inside a multi-byte UTF-8 sequence', () => {
    const text = JSON.stringify({ name: 'ß€😀中文', other: '✓' });
    const bytes = Buffer.from(text);
    // Cut at every offset, including the middle of the 2-, 3- and 4-byte sequences.
    for (let a = 0; a <= bytes.length; a++) {
      for (const b of [a, Math.min(bytes.length, a + 1), Math.min(bytes.length, a + 3)]) {
        const out = feedAll(new JsonStreamSplitter(), [bytes.subarray(0, a), bytes.subarray(a, b), bytes.subarray(b)]);
        assert.deepEqual(out, [text]);
      }
    }
  });

  it('accepts Uint8Array chunks that are not Buffers', () => {
    const bytes = new TextEncoder().encode('{"x":1}[2]');
    assert.deepEqual(new JsonStreamSplitter().push(bytes), ['{"x":1}', '[2]']);
  });

  it('pushParsed returns parsed values', () => {
    const splitter = new JsonStreamSplitter();
    assert.deepEqual(splitter.pushParsed(Buffer.from('{"id":"echo","method":"echo","params":[]}{"a"')), [
      { id: 'echo', method: 'echo', params: [] },
    ]);
    assert.deepEqual(splitter.pushParsed(Buffer.from(':true}')), [{ a: true }]);
  });

  it('refuses a message over the limit with MessageTooLargeError, also when it arrives in pieces', () => {
    const limit = 64;
    const big = JSON.stringify({ data: 'x'.repeat(100) });
    assert.throws(
      () => new JsonStreamSplitter({ maxMessageBytes: limit }).push(Buffer.from(big)),
      (e: unknown) => e instanceof MessageTooLargeError && e.code === 'HVNET_OVSDB_MESSAGE_TOO_LARGE' && e.limitBytes === limit,
    );
    const splitter = new JsonStreamSplitter({ maxMessageBytes: limit });
    // An unfinished message is refused as soon as it outgrows the limit, not when it ends.
    assert.deepEqual(splitter.push(Buffer.from(big.slice(0, 40))), []);
    assert.throws(() => splitter.push(Buffer.from(big.slice(40, 80))), MessageTooLargeError);
    assert.equal(splitter.bufferedBytes, 0, 'nothing is held after the error');
    // The stream position is lost: later chunks are refused too.
    assert.throws(() => splitter.push(Buffer.from('{}')), MessageTooLargeError);
  });

  it('accepts a message of exactly the limit', () => {
    const msg = JSON.stringify({ d: 'y'.repeat(20) });
    assert.deepEqual(new JsonStreamSplitter({ maxMessageBytes: Buffer.byteLength(msg) }).push(Buffer.from(msg)), [msg]);
  });

  it('counts the limit in bytes, not characters', () => {
    const msg = JSON.stringify({ d: '€'.repeat(10) }); // 17 characters, 37 bytes
    assert.throws(() => new JsonStreamSplitter({ maxMessageBytes: 30 }).push(Buffer.from(msg)), MessageTooLargeError);
  });

  it('refuses bytes between messages that cannot start one, naming the stream offset', () => {
    for (const [input, offset] of [['{}x', 2], ['"str"', 0], ['12', 0], ['{}]', 2]] as const) {
      assert.throws(
        () => new JsonStreamSplitter().push(Buffer.from(input)),
        (e: unknown) => e instanceof FramingError && e.code === 'HVNET_OVSDB_FRAMING' && e.streamOffset === offset,
        input,
      );
    }
  });

  it('pushParsed reports balanced but invalid JSON as a FramingError', () => {
    assert.throws(() => new JsonStreamSplitter().pushParsed(Buffer.from('{"a" 1}')), FramingError);
  });

  it('refuses a nonsensical size limit', () => {
    assert.throws(() => new JsonStreamSplitter({ maxMessageBytes: 0 }), TypeError);
  });

  it('property: JSON values written back to back, chunked at random, come out equal and in order', () => {
    const message = fc.oneof(fc.dictionary(fc.string({ unit: 'grapheme' }), fc.jsonValue()), fc.array(fc.jsonValue()));
    fc.assert(
      fc.property(
        fc.array(message, { minLength: 1, maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        fc.constantFrom('', ' ', '\n'),
        (values, cutSeeds, separator) => {
          const bytes = Buffer.from(values.map((v) => JSON.stringify(v)).join(separator));
          const cuts = [...new Set(cutSeeds.map((c) => c % (bytes.length + 1)))].sort((x, y) => x - y);
          const chunks: Buffer[] = [];
          let from = 0;
          for (const cut of [...cuts, bytes.length]) {
            chunks.push(bytes.subarray(from, cut));
            from = cut;
          }
          const splitter = new JsonStreamSplitter();
          const out = chunks.flatMap((c) => splitter.pushParsed(c));
          assert.deepEqual(out, values.map((v) => JSON.parse(JSON.stringify(v)) as unknown));
          assert.ok(splitter.idle);
        },
      ),
      { numRuns: 300 },
    );
  });
});
