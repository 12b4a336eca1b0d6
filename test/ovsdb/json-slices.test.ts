// SlicedJsonParse against JSON.parse: the same value, keys in the same order, the same refusals,
// whatever the deadline. Pure: no server.
import assert from 'node:assert/strict';
import { SlicedJsonParse } from '../../lib/ovsdb/json-slices.js';

/** Runs a parse to the end with a deadline already past: every step does the least it can. */
function parseInSteps(text: string, leafChars: number): { value: unknown; steps: number } {
  const p = new SlicedJsonParse(text, leafChars);
  let steps = 1;
  while (!p.step(0)) steps++;
  assert.ok(p.done);
  return { value: p.value, steps };
}

/** A seeded generator, so a failure names the case that shows it. */
function rng(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    return x / 0x7fffffff;
  };
}

const STRINGS = ['', 'a', 'with "quotes"', 'back\\slash\\', '\\"', '{[not a bracket]}', 'ünïcødé ✓ 𝄞', 'tab\there', 'nul\u0000', '"', '\\\\', 'x,y:z'];

function randomValue(r: () => number, depth: number): unknown {
  const k = r();
  if (depth > 5 || k < 0.35) {
    const s = r();
    if (s < 0.3) return STRINGS[Math.floor(r() * STRINGS.length)];
    if (s < 0.5) return Math.floor(r() * 2e6) - 1e6;
    if (s < 0.6) return r() * 1e-3;
    if (s < 0.7) return true;
    if (s < 0.8) return false;
    if (s < 0.9) return null;
    return -1.5e300;
  }
  const n = Math.floor(r() * 6);
  if (k < 0.65) return Array.from({ length: n }, () => randomValue(r, depth + 1));
  const o: Record<string, unknown> = {};
  for (let i = 0; i < n; i++) o[r() < 0.2 ? (STRINGS[Math.floor(r() * STRINGS.length)] as string) : `k${Math.floor(r() * 1000)}`] = randomValue(r, depth + 1);
  return o;
}

/** Whitespace anywhere JSON allows it. */
function spaced(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (inString) {
      out += c;
      if (c === '\\') out += text[++i] as string;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') {
      inString = true;
      out += c;
      continue;
    }
    if (c === ',' || c === ':' || c === '[' || c === '{') out += `${c} \n`;
    else if (c === ']' || c === '}') out += ` \t${c}`;
    else out += c;
  }
  return ` ${out}\r\n`;
}

describe('ovsdb: a JSON message parsed in steps', () => {
  it('gives what JSON.parse gives, keys in the same order, for 300 random documents taken apart down to single values', () => {
    const r = rng(7);
    for (let i = 0; i < 300; i++) {
      const text = JSON.stringify(randomValue(r, 0));
      for (const t of [text, spaced(text)]) {
        let value: unknown;
        try {
          value = parseInSteps(t, 1).value;
        } catch (e) {
          assert.fail(`case ${i}: ${t}: ${(e as Error).message}`);
        }
        assert.equal(JSON.stringify(value), JSON.stringify(JSON.parse(t)), `case ${i}: ${t}`);
      }
    }
  });

  it('takes a snapshot of 20,000 rows in many steps, and parses each row whole', () => {
    const rows: Record<string, unknown> = {};
    for (let i = 0; i < 20_000; i++) {
      rows[`8c5e5d1e-0000-4000-8000-${String(i).padStart(12, '0')}`] = {
        initial: { name: `lr-${i}`, ports: ['set', [['uuid', `u${i}a`], ['uuid', `u${i}b`]]], external_ids: ['map', [['hvnet:id', `id-${i}`]]] },
      };
    }
    const message = { id: 3, result: { Logical_Router: rows, Logical_Switch: {} }, error: null };
    const text = JSON.stringify(message);
    const { value, steps } = parseInSteps(text, 16 * 1024);
    assert.equal(JSON.stringify(value), text);
    assert.ok(steps > 20_000 / 8 - 1, `${steps} steps`);
  });

  it('keeps the last value of a repeated key, in the place of the first, and __proto__ as an own key', () => {
    const text = '{"a":[1,2],"b":{"x":1},"a":{"y":[3]},"__proto__":{"polluted":true}}';
    const { value } = parseInSteps(text, 1);
    const expected = JSON.parse(text) as Record<string, unknown>;
    assert.equal(JSON.stringify(value), JSON.stringify(expected));
    assert.equal(Object.getPrototypeOf(value), Object.prototype);
    assert.deepEqual(Object.keys(value as object), ['a', 'b', '__proto__']);
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
  });

  it('refuses, as JSON.parse does, what is balanced but not JSON', () => {
    for (const bad of ['{"a" 1}', '{"a":1 "b":2}', '{a:1}', '[1,,2]', '[1,]', '{"a":1,}', '[tru]', '[1 2]', '{"a":[1],"b":{"c":nul}}', '[01]', '{"a":"\\x"}', '[[1]x]', '[]]', '{"a":1}}', '[,1]', '{,}', '{"a":}', '[-]']) {
      assert.throws(() => JSON.parse(bad), SyntaxError, `JSON.parse accepts ${bad}`);
      assert.throws(() => parseInSteps(bad, 1), SyntaxError, bad);
    }
  });
});
