import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeOutputFile } from '../../../src/util/output-file.js';
import { jsonFilePieces, jsonPieces } from '../../../src/util/write-json.js';

const dir = mkdtempSync(join(tmpdir(), 'socready-write-json-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('streamed JSON report writing', () => {
  const doc = {
    schema_version: '1.0',
    skipped: undefined,
    run: { id: 'r', options: { only: undefined, active: false }, empty: {}, list: [] },
    findings: Array.from({ length: 50 }, (_, i) => ({
      check: `c${i}`,
      observed: { lines: ['a\nb', i], none: null },
      gone: undefined,
    })),
    odd: [undefined, () => 1, 'x'],
  };

  it('writes exactly what JSON.stringify(value, null, 2) writes, without building it as one string', () => {
    const pieces = [...jsonPieces(doc)];
    expect(pieces.join('')).toBe(JSON.stringify(doc, null, 2));
    // Each finding is its own piece: no piece is the whole findings array.
    expect(Math.max(...pieces.map((p) => p.length))).toBeLessThan(JSON.stringify(doc.findings).length / 10);
  });

  it('writes the pieces through writeOutputFile into one finished file, with no temporary file left', () => {
    const file = join(dir, 'report.json');
    writeOutputFile(file, jsonFilePieces(doc));
    expect(readFileSync(file, 'utf8')).toBe(`${JSON.stringify(doc, null, 2)}\n`);
    expect(readdirSync(dir)).toEqual(['report.json']);
  });
});
