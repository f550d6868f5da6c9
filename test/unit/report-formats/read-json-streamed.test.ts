// The value-by-value JSON reader behind readReport gives what JSON.parse gives, whatever falls on its 1 MB read
// boundaries, and locates what is wrong by line without quoting the file.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../../src/util/input-error.js';
import { readJsonObjectStreamed } from '../../../src/util/read-json-streamed.js';

const dir = mkdtempSync(join(tmpdir(), 'socready-json-stream-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const LIMITS = { maxBytes: 1 << 30, maxValueBytes: 64 << 20 };

function read(text: string, limits = LIMITS) {
  const file = join(dir, 'doc.json');
  writeFileSync(file, text);
  return readJsonObjectStreamed(file, limits);
}

describe('readJsonObjectStreamed', () => {
  it('gives what JSON.parse gives: escapes, nesting, scalars, empty containers, any white space', () => {
    const doc = {
      a: [{ x: 1, y: 'q"\\]}', z: [[], {}] }, -2.5e3, 'end"', true, null],
      b: { c: '日本語 ✓', d: [1, [2, [3]]] },
      n: null,
      e: [],
      o: {},
      s: 'x,}]',
      k: 0,
    };
    expect(read(JSON.stringify(doc))).toEqual(doc);
    expect(read(JSON.stringify(doc, null, 2))).toEqual(doc);
    expect(read(`\uFEFF \t\r\n${JSON.stringify(doc, null, '\t')}\n\n`)).toEqual(doc);
  });

  it('parses values that straddle its 1 MB read boundaries, multi-byte characters included', () => {
    const items = Array.from({ length: 600 }, (_, i) => ({ i, t: `${'語'.repeat(1000 + i)}"\\`, u: 'a'.repeat(i) }));
    const doc = { items, tail: { big: 'é'.repeat(700_000) } };
    expect(read(JSON.stringify(doc))).toEqual(doc);
  });

  it('keeps "__proto__" an own field, as JSON.parse does', () => {
    const got = read('{"__proto__": {"polluted": true}, "a": 1}');
    expect(Object.hasOwn(got, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each([
    ['a top-level array', '[1, 2]', 1, /expected a JSON object/],
    ['a double comma', '{\n  "a": 1,,\n  "b": 2\n}', 2, /expected a field name/],
    ['a broken element on line 4', '{\n  "a": [\n    1,\n    {"x": tru},\n    3\n  ]\n}', 4, /invalid JSON/],
    ['a file cut short', '{\n  "a": [1, 2', 2, /ends too early/],
    ['something after the end', '{"a": 1} {"b": 2}', 1, /more after the end/],
  ])('refuses %s, naming the line', (_what, text, line, message) => {
    try {
      read(text);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      expect((e as Error).message).toMatch(message);
      if ((e as InputError).line !== undefined) expect((e as InputError).line).toBe(line);
      expect((e as Error).message).not.toContain('tru}');
    }
  });

  it('refuses a value over the per-value cap, naming the element', () => {
    const text = JSON.stringify({ findings: [{ a: 1 }, { b: 'x'.repeat(5000) }] });
    expect(() => read(text, { maxBytes: 1 << 20, maxValueBytes: 4096 })).toThrow(/findings\[1\] is over the/);
  });
});
