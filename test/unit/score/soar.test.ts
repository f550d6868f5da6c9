import { describe, expect, it } from 'vitest';
import type { AreaId, AreaScore } from '../../../src/model.js';
import { scoreReport } from '../../../src/score/model.js';
import { SOAR_REQUIREMENTS, soarGate } from '../../../src/score/soar.js';
import {
  BEST_ANSWERS,
  coverage,
  detections,
  findings,
  playbooks,
  questionnaire,
  report,
  sourceMap,
  wrap,
} from './helpers.js';

function areas(levels: Partial<Record<AreaId, number | null>>): AreaScore[] {
  return SOAR_REQUIREMENTS.map((r) => {
    const level = r.area in levels ? (levels[r.area] ?? null) : 5;
    return {
      area: r.area,
      level,
      basis: level === null ? 'not-assessed' : 'measured',
      criteria: [],
      summary: { en: '', ja: '' },
    };
  });
}

const attested = { questionnaire: questionnaire({ 'automation.blocking_risk_assessed': true }) };

describe('SOAR readiness gate', () => {
  it('is ready when every layer is mature and the blocking risk was assessed', () => {
    const g = soarGate(
      areas({ 'detection-validation': 4, 'response-automation': 4, 'people-process': 3, 'log-collection': 3 }),
      attested,
    );
    expect(g.verdict).toBe('ready');
    expect(g.gaps).toEqual([]);
  });

  it('is semi-automatic when detections are not yet trustworthy enough for automation', () => {
    const g = soarGate(areas({ 'detection-validation': 3 }), attested);
    expect(g.verdict).toBe('semi-automatic');
    expect(g.gaps.map((x) => x.area)).toEqual(['detection-validation']);
    expect(g.gaps[0]!.text.en).toContain('No trustworthy detections, no safe automation');
    expect(g.gaps[0]!.text.ja).toContain('信頼できる検知がなければ、安全な自動化はできません');
  });

  it('keeps a human in the loop until the business impact of automated blocking was assessed', () => {
    const g = soarGate(areas({}), { questionnaire: questionnaire({ 'automation.blocking_risk_assessed': false }) });
    expect(g.verdict).toBe('semi-automatic');
    expect(g.gaps).toHaveLength(1);
    expect(g.gaps[0]!.refs).toEqual(['questionnaire:automation.blocking_risk_assessed']);
  });

  it('is not yet when the logs beneath are missing, however good the playbooks', () => {
    const g = soarGate(areas({ 'log-collection': 1 }), attested);
    expect(g.verdict).toBe('not-yet');
    expect(g.gaps[0]!.text.en).toMatch(
      /^No logs, no detection: Log collection scope is at level 1 \(initial\); semi-automatic response needs level 2/,
    );
  });

  it('treats an area nobody measured as a gap, not as a pass', () => {
    const g = soarGate(areas({ 'audit-policy': null }), attested);
    expect(g.verdict).toBe('not-yet');
    expect(g.gaps[0]!.text.en).toContain('was not assessed');
  });

  it('lists the SIEM gaps before the automation gaps', () => {
    const g = soarGate(
      areas({ 'response-automation': 1, 'detection-validation': 2, 'detection-rules': 1, infrastructure: 1 }),
      {},
    );
    expect(g.gaps.map((x) => x.area)).toEqual([
      'infrastructure',
      'detection-rules',
      'detection-validation',
      'response-automation',
      'people-process',
    ]);
  });

  it('semi-automatic needs detection validation at 3 and response automation at 3: one level less is not yet', () => {
    expect(soarGate(areas({ 'detection-validation': 2 }), attested).verdict).toBe('not-yet');
    expect(soarGate(areas({ 'response-automation': 2 }), attested).verdict).toBe('not-yet');
    expect(soarGate(areas({ 'response-automation': 3 }), attested).verdict).toBe('semi-automatic');
  });

  it('reaches ready end to end from constructed findings and analyses, with refs to the evidence of each gap', () => {
    const good = report({
      findings: [
        ...findings('infrastructure', 10, 0),
        ...findings('log-collection', 10, 0),
        ...findings('audit-policy', 10, 0),
      ],
      analyses: {
        coverage: wrap(coverage()),
        detections: wrap(detections()),
        playbooks: wrap(playbooks()),
        sources: sourceMap(),
      },
      questionnaire: questionnaire(BEST_ANSWERS),
    });
    expect(scoreReport(good).soar.verdict).toBe('ready');
    const noisy = {
      ...good,
      analyses: { ...good.analyses, detections: wrap(detections({ false_positives: 15, benign_silent: 85 })) },
    };
    const s = scoreReport(noisy);
    expect(s.soar.verdict).toBe('semi-automatic');
    expect(s.soar.gaps[0]!.area).toBe('detection-validation');
    expect(s.soar.gaps[0]!.refs).toContain('analysis:detections.summary.false_positives');
  });
});
