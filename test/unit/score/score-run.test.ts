import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scoreRun } from '../../../src/score/index.js';
import { BEST_ANSWERS, finding, report } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'socready-scorerun-'));
// Waiver expiry is judged against this clock, never the day the test runs.
const NOW = new Date('2026-11-23T12:00:00Z');

describe('scoreRun (the scoring stage of scan)', () => {
  it('reads the questionnaire and waivers, scores, and records the baseline', () => {
    const q = join(dir, 'q.yaml');
    writeFileSync(
      q,
      `answers:\n${Object.entries(BEST_ANSWERS)
        .map(([k, v]) => `  ${k}: ${JSON.stringify(v)}`)
        .join('\n')}\n`,
    );
    const w = join(dir, 'w.yaml');
    writeFileSync(
      w,
      'waivers:\n  - { check: "a.*", target: "*", justification: "accepted for the pilot", expires: 2026-12-31 }\n',
    );
    const base = report({
      findings: [finding('audit-policy', 'fail', { check: 'a.b' }), finding('audit-policy', 'pass', { check: 'a.c' })],
    });
    const baseline = scoreRun(
      report({ run: { id: 'old' } as never, findings: [finding('audit-policy', 'fail', { check: 'a.b' })] }),
    ).report;
    const { report: r, problems } = scoreRun(base, { questionnaire: q, waivers: w, baseline, now: NOW });
    expect(problems).toEqual([]);
    expect(r.findings[0]!.waiver?.expired).toBe(false);
    // The same waiver read a day after it expired no longer holds.
    const later = scoreRun(base, { waivers: w, now: new Date('2027-01-01T00:00:01Z') }).report;
    expect(later.findings[0]!.waiver?.expired).toBe(true);
    expect(r.score!.areas.find((a) => a.area === 'people-process')!.level).toBe(5);
    expect(r.score!.areas.find((a) => a.area === 'audit-policy')!.level).toBe(5);
    expect(r.previous).toMatchObject({
      run_id: 'old',
      areas: expect.arrayContaining([{ area: 'audit-policy', level: 0 }]),
    });
  });

  it('reports a bad questionnaire and still scores the findings', () => {
    const q = join(dir, 'bad.yaml');
    writeFileSync(q, 'answers:\n  oncall.coverage: sometimes\n');
    const { report: r, problems } = scoreRun(report({ findings: [finding('infrastructure', 'pass')] }), {
      questionnaire: q,
    });
    expect(problems).toHaveLength(1);
    expect(problems[0]!.error).toMatch(/bad\.yaml:2:\d+: answers\.oncall\.coverage: must be one of/);
    expect(r.questionnaire).toBeUndefined();
    expect(r.score!.areas.find((a) => a.area === 'infrastructure')!.level).toBe(5);
  });
});
