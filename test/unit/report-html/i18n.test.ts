import { describe, expect, it } from 'vitest';
import { AREAS } from '../../../src/model.js';
import {
  AREA_BUSINESS_RISK,
  AREA_NAMES,
  LEVEL_HEADINGS,
  STATUS_LABELS,
  UI,
  VERDICT_EXPLAINED,
  formatDate,
  formatNumber,
  formatPercent,
  levelName,
  pick,
  summaryFieldLabel,
} from '../../../src/report/i18n.js';

describe('locale formatting', () => {
  it('formats dates in UTC for each language, and shows unparseable input as given', () => {
    expect(formatDate('ja', '2026-11-20T09:14:47Z')).toBe('2026年11月20日 9:14 UTC');
    expect(formatDate('en', '2026-11-20T09:14:47Z')).toBe('20 November 2026 at 09:14 UTC');
    expect(formatDate('ja', '2027-03-31', false)).toBe('2027年3月31日');
    expect(formatDate('en', 'soon')).toBe('soon');
    expect(formatDate('en', undefined)).toBe('—');
  });

  it('formats numbers and percentages for each language', () => {
    expect(formatNumber('en', 12345.67)).toBe('12,345.7');
    expect(formatNumber('ja', 12345)).toBe('12,345');
    expect(formatNumber('en', null)).toBe('—');
    expect(formatPercent('en', 0.473)).toBe('47%');
    expect(formatPercent('ja', 0.5)).toBe('50%');
  });
});

describe('strings', () => {
  it('has every interface string, area, level, status and verdict in both languages', () => {
    const all = [
      ...Object.values(UI),
      ...Object.values(AREA_NAMES),
      ...Object.values(AREA_BUSINESS_RISK),
      ...LEVEL_HEADINGS,
      ...Object.values(STATUS_LABELS),
      ...Object.values(VERDICT_EXPLAINED).flatMap((v) => [v.title, v.meaning]),
    ];
    for (const b of all) {
      expect(b.en.trim().length).toBeGreaterThan(0);
      expect(b.ja.trim().length).toBeGreaterThan(0);
    }
    for (const area of AREAS) expect(AREA_NAMES[area]).toBeDefined();
  });

  it('picks a language and falls back to the other when one is empty', () => {
    expect(pick('ja', { en: 'E', ja: 'J' })).toBe('J');
    expect(pick('ja', { en: 'E', ja: '' })).toBe('E');
    expect(pick('en', undefined)).toBe('');
  });

  it('names levels, and a missing level "not assessed" rather than 0', () => {
    expect(levelName('en', 0)).toBe('None');
    expect(levelName('ja', 5)).toBe('最適化');
    expect(levelName('en', null)).toBe('Not assessed');
  });

  it('labels known summary fields and humanises unknown ones', () => {
    expect(summaryFieldLabel('ja', 'attacks_missed')).toBe('見逃した攻撃');
    expect(summaryFieldLabel('en', 'new_metric_count')).toBe('New metric count');
  });
});

describe('checklist content is i18n data, not code', () => {
  it('the readiness and SOAR timing rows are the data in i18n.ts, in both languages', async () => {
    const { READINESS_CHECKLIST, SOAR_TIMING_CHECKLIST } = await import('../../../src/report/i18n.js');
    const { buildView } = await import('../../../src/report/html-view.js');
    const { loadReport } = await import('./helpers.js');
    const report = loadReport('report-full');
    for (const lang of ['en', 'ja'] as const) {
      const view = buildView(report, lang);
      expect(view.readiness.map((r) => [r.item, r.what])).toEqual(
        READINESS_CHECKLIST.map((c) => [c.item[lang], c.what[lang]]),
      );
      expect(view.soarTiming.map((r) => [r.item, r.what])).toEqual(
        SOAR_TIMING_CHECKLIST.map((c) => [c.item[lang], c.what[lang]]),
      );
    }
    for (const c of [...READINESS_CHECKLIST, ...SOAR_TIMING_CHECKLIST]) {
      expect(c.item.en && c.item.ja && c.what.en && c.what.ja).toBeTruthy();
      expect(c.areas.length).toBeGreaterThan(0);
    }
  });
});
