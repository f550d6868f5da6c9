// Reading each SIEM's documented count answers: whole UTC days, missing days as zero, partial answers flagged.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  countWindow,
  parseElasticSearch,
  parseSentinel,
  parseSplunkExport,
  SiemAnswerError,
} from '../../../src/pushdown/count.js';
import { FIXTURES_DIR } from '../../helpers/paths.js';

const fixture = (p: string) => readFileSync(join(FIXTURES_DIR, 'siem-search', p), 'utf8');
const WINDOW = countWindow(new Date('2026-11-30T13:45:00Z'), 3);

describe('count answers', () => {
  it("counts whole UTC days ending before the injected clock's day", () => {
    expect([WINDOW.start.toISOString(), WINDOW.end.toISOString()]).toEqual([
      '2026-11-27T00:00:00.000Z',
      '2026-11-30T00:00:00.000Z',
    ]);
  });

  it('flags a Log Analytics answer carrying a partial error instead of presenting it as complete', () => {
    const c = parseSentinel(fixture('sentinel/query-partial.json'), WINDOW);
    expect(c.total).toBe(64000);
    expect(c.partial).toBe('Log Analytics partial error: There were some errors when processing your query.');
  });

  it('refuses an answer with days outside the window asked for, rather than counting them', () => {
    const body = JSON.stringify({
      aggregations: { per_day: { buckets: [{ key: Date.parse('2026-10-01T00:00:00Z'), doc_count: 1 }] } },
    });
    expect(() => parseElasticSearch(body, WINDOW)).toThrow(SiemAnswerError);
  });

  it('ignores Splunk export previews and sums final rows', () => {
    expect(parseSplunkExport(fixture('splunk/export-per-day.ndjson'), WINDOW).total).toBe(8);
  });
});
