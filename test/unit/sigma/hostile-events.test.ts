// The event reader under hostile input: long lines are linear and capped, gzip bombs are refused, NDJSON detection
// is decided by a sample of lines.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import {
  EVENT_LIMITS,
  jsonDocs,
  looksLikeNdjson,
  newStats,
  readEventFile,
  readEvents,
  splitLines,
  TOO_LONG,
} from '../../../src/sigma/events/reader.js';

const dir = mkdtempSync(join(tmpdir(), 'socready-hostile-events-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A source that yields `text` in chunks of `size` characters, counting how many it handed out. */
async function* chunked(text: string, size: number): AsyncGenerator<string> {
  for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size);
}

async function collect<T>(src: AsyncIterable<T[] | T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of src) Array.isArray(x) ? out.push(...x) : out.push(x);
  return out;
}

describe('line splitting', () => {
  it('joins a line spread over many small chunks into one line, with CRLF trimmed', async () => {
    const out = await collect(splitLines(chunked('ab\r\ncd'.repeat(1) + 'e'.repeat(10_000) + '\nlast', 7)));
    expect(out).toEqual(['ab', `cd${'e'.repeat(10_000)}`, 'last']);
  });

  it(
    'reads a 6 MB line arriving in 256-byte chunks in linear time (the quadratic splitter re-scanned the whole ' +
      'line per chunk: ~70 billion character reads)',
    async () => {
      const line = 'x'.repeat(6 * 1024 * 1024);
      const t0 = Date.now();
      const out = await collect(splitLines(chunked(`${line}\nnext\n`, 256)));
      // Linear work is ~50 ms; the old splitter needed minutes. 20 s separates the two even on a loaded machine.
      expect(Date.now() - t0).toBeLessThan(20_000);
      expect(out.length).toBe(2);
      expect((out[0] as string).length).toBe(line.length);
      expect(out[1]).toBe('next');
    },
  );

  it('replaces a line longer than the cap by TOO_LONG and keeps the lines after it', async () => {
    const out = await collect(splitLines(chunked(`short\n${'y'.repeat(5000)}\nafter`, 100), 1000));
    expect(out).toEqual(['short', TOO_LONG, 'after']);
  });

  it('splits pretty-printed documents across chunks linearly and caps an oversized document', async () => {
    const docs = `{"a": "}"}\n{\n "b": [1, {"c": 2}]\n}\n{"big": "${'z'.repeat(3000)}"}\n{"d": 4}`;
    const out = await collect(jsonDocs(chunked(docs, 13), 1000));
    expect(out).toEqual(['{"a": "}"}', '{\n "b": [1, {"c": 2}]\n}', TOO_LONG, '{"d": 4}']);
    const arr = await collect(jsonDocs(chunked('[{"a":1},\n{"b":2}]', 3)));
    expect(arr).toEqual(['{"a":1}', '{"b":2}']);
  });
});

describe('NDJSON detection', () => {
  const valid = Array.from({ length: 10 }, (_, i) => JSON.stringify({ EventID: 1, n: i })).join('\n');

  it.each([['{'], ['{garbage'], ['garbage']])(
    'reads ten valid lines after a malformed first line %j and reports line 1',
    async (first) => {
      const file = join(dir, `first-${Buffer.from(first).toString('hex')}.ndjson`);
      writeFileSync(file, `${first}\n${valid}\n`);
      const stats = newStats();
      const events = await collect(readEventFile(file, { stats }));
      expect(events.length).toBe(10);
      expect(stats.skipped).toBe(1);
      expect(stats.problems[0]).toMatch(/:1: /);
    },
  );

  it('counts malformed lines in the middle with their line numbers', async () => {
    const file = join(dir, 'middle.ndjson');
    writeFileSync(
      file,
      `${JSON.stringify({ a: 1 })}\n{\n${JSON.stringify({ a: 2 })}\nnot json\n${JSON.stringify({ a: 3 })}\n`,
    );
    const stats = newStats();
    expect((await collect(readEventFile(file, { stats }))).length).toBe(3);
    expect(stats.problems.map((p) => p.replace(/^.*middle\.ndjson:(\d+):.*$/, '$1'))).toEqual(['2', '4']);
  });

  it('still reads a pretty-printed document as one document, not as lines', () => {
    expect(looksLikeNdjson('{\n  "a": 1,\n  "b": {"c": 2}\n}\n')).toBe(false);
    expect(looksLikeNdjson('[\n  {"a": 1},\n  {"b": 2},\n  {"c": 3}\n]\n')).toBe(false);
    expect(looksLikeNdjson(`{\n${valid}\n`)).toBe(true);
  });
});

describe('gzip bombs and long lines in files', () => {
  it('refuses a gzip bomb of newlines and of zeros with the reason, and still reads the other files', async () => {
    const size = EVENT_LIMITS.RATIO_CHECK_AFTER_BYTES + 8 * 1024 * 1024;
    const bombs = join(dir, 'bombs');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(bombs);
    writeFileSync(join(bombs, 'a-newlines.log.gz'), gzipSync(Buffer.alloc(size, 10), { level: 9 }));
    writeFileSync(join(bombs, 'b-zeros.json.gz'), gzipSync(Buffer.alloc(size, 0), { level: 9 }));
    writeFileSync(
      join(bombs, 'c-good.ndjson.gz'),
      gzipSync(`${JSON.stringify({ a: 1 })}\n${JSON.stringify({ a: 2 })}\n`),
    );
    const stats = newStats();
    const events = await collect(readEvents([bombs], { stats }));
    expect(events.length).toBe(2);
    expect(stats.refused.map((r) => r.file)).toEqual([
      join(bombs, 'a-newlines.log.gz'),
      join(bombs, 'b-zeros.json.gz'),
    ]);
    for (const r of stats.refused) expect(r.reason).toMatch(/expands more than 200 times/);
  });

  it('refuses a corrupt gzip file instead of crashing', async () => {
    const file = join(dir, 'broken.log.gz');
    const whole = gzipSync(Buffer.from(Array.from({ length: 50_000 }, (_, i) => `line ${i * 7919}\n`).join('')));
    writeFileSync(file, whole.subarray(0, whole.length >> 1));
    const stats = newStats();
    await collect(readEventFile(file, { stats }));
    expect(stats.refused[0]?.reason).toMatch(/not valid gzip/);
  });

  it('skips a one-line file longer than the record cap and reports it', async () => {
    const file = join(dir, 'long.json');
    writeFileSync(file, `{"a":"${'x'.repeat(EVENT_LIMITS.MAX_RECORD_CHARS + 10)}"}\n{"b":1}\n`);
    const stats = newStats();
    expect((await collect(readEventFile(file, { stats }))).length).toBe(1);
    expect(stats.problems[0]).toMatch(/longer than 8388608 characters/);
  });
});
