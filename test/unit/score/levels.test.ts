import { describe, expect, it } from 'vitest';
import { AREAS } from '../../../src/model.js';
import { findingStats } from '../../../src/score/findings.js';
import { overallLevel, scoreArea, scoreReport } from '../../../src/score/model.js';
import { parseRef } from '../../../src/score/refs.js';
import {
  BEST_ANSWERS,
  coverage,
  detections,
  finding,
  findings,
  playbooks,
  questionnaire,
  report,
  sourceMap,
  web,
  wrap,
} from './helpers.js';

const levelOf = (r: ReturnType<typeof report>, area: Parameters<typeof scoreArea>[0]) =>
  scoreArea(
    area,
    r.findings.filter((f) => f.area === area),
    r,
  ).level;

describe('finding-based levels (audit-policy, infrastructure)', () => {
  it('scores an area with nothing measured as not assessed (null), never 0', () => {
    const s = scoreReport(report());
    for (const a of s.areas) {
      expect(a.level).toBeNull();
      expect(a.basis).toBe('not-assessed');
    }
    expect(s.overall).toBeNull();
  });

  it('gives level 0 when checks ran and every one failed', () => {
    expect(levelOf(report({ findings: findings('audit-policy', 0, 4) }), 'audit-policy')).toBe(0);
  });

  it('gives level 1 below a 50% weighted pass rate', () => {
    // 4 of 9 = 44%
    expect(levelOf(report({ findings: findings('audit-policy', 4, 5) }), 'audit-policy')).toBe(1);
  });

  it('reaches level 2 at exactly 50% with no critical failure', () => {
    expect(levelOf(report({ findings: findings('audit-policy', 5, 5) }), 'audit-policy')).toBe(2);
  });

  it('holds at level 1 when a critical check fails even at a high pass rate', () => {
    expect(levelOf(report({ findings: findings('audit-policy', 9, 1, 'critical') }), 'audit-policy')).toBe(1);
  });

  it('reaches level 3 at exactly 75% but not at 74%', () => {
    expect(levelOf(report({ findings: findings('infrastructure', 3, 1) }), 'infrastructure')).toBe(3);
    // 74 of 100
    expect(levelOf(report({ findings: findings('infrastructure', 74, 26) }), 'infrastructure')).toBe(2);
  });

  it('holds at level 2 when a high-severity check fails at a 75%+ rate', () => {
    expect(levelOf(report({ findings: findings('infrastructure', 9, 1, 'high') }), 'infrastructure')).toBe(2);
  });

  it('reaches level 4 at 90% with only low-severity failures, and stays at 3 at 89%', () => {
    expect(levelOf(report({ findings: findings('audit-policy', 9, 1, 'low') }), 'audit-policy')).toBe(4);
    expect(levelOf(report({ findings: findings('audit-policy', 89, 11, 'low') }), 'audit-policy')).toBe(3);
  });

  it('holds at level 3 when a medium check fails even at 90%', () => {
    expect(levelOf(report({ findings: findings('audit-policy', 9, 1, 'medium') }), 'audit-policy')).toBe(3);
  });

  it('reaches level 5 only when every check passes with no warnings or inconclusive checks', () => {
    expect(levelOf(report({ findings: findings('audit-policy', 10, 0) }), 'audit-policy')).toBe(5);
    const withWarn = [...findings('audit-policy', 30, 0), finding('audit-policy', 'warn')];
    expect(levelOf(report({ findings: withWarn }), 'audit-policy')).toBe(4);
    const withUnknown = [
      ...findings('audit-policy', 30, 0),
      finding('audit-policy', 'inconclusive', { reason: 'timeout' }),
    ];
    expect(levelOf(report({ findings: withUnknown }), 'audit-policy')).toBe(4);
  });

  it('weights the pass rate by check weight and counts a warning as half', () => {
    // pass weight 3, fail weight 1 -> 75%; pass weight 1 + warn weight 1 (0.5) of 2 -> 75%
    const s = findingStats([finding('infrastructure', 'pass', { weight: 3 }), finding('infrastructure', 'fail')]);
    expect(s.weightedRate).toBeCloseTo(0.75);
    const t = findingStats([
      finding('infrastructure', 'pass'),
      finding('infrastructure', 'warn'),
      finding('infrastructure', 'fail'),
      finding('infrastructure', 'fail'),
    ]);
    expect(t.weightedRate).toBeCloseTo(1.5 / 4);
  });

  it('leaves an actively waived failure out of the pass rate, but counts an expired waiver', () => {
    const waived = finding('audit-policy', 'fail', {
      severity: 'critical',
      waiver: { justification: 'accepted', expires: '2099-01-01', expired: false, file: 'w.yaml' },
    });
    const expired = finding('audit-policy', 'fail', {
      severity: 'critical',
      waiver: { justification: 'accepted', expires: '2020-01-01', expired: true, file: 'w.yaml' },
    });
    expect(levelOf(report({ findings: [...findings('audit-policy', 4, 0), waived] }), 'audit-policy')).toBe(5);
    expect(levelOf(report({ findings: [...findings('audit-policy', 4, 0), expired] }), 'audit-policy')).toBe(1);
  });

  it('leaves an area whose checks were all inconclusive (host unreachable) not assessed, saying why', () => {
    const unknown = [
      finding('audit-policy', 'inconclusive', { reason: 'unreachable' }),
      finding('audit-policy', 'error', { reason: 'timeout' }),
    ];
    const a = scoreArea('audit-policy', unknown, report({ findings: unknown }));
    expect(a.level).toBeNull();
    expect(a.summary.en).toBe('Not assessed: all 2 checks for OS audit policy were inconclusive (see their reasons).');
  });

  it('ignores not-applicable findings entirely', () => {
    const r = report({ findings: [finding('audit-policy', 'not-applicable')] });
    expect(levelOf(r, 'audit-policy')).toBeNull();
  });

  it('links every criterion to evidence: failing checks behind unmet ones, passing checks behind met ones', () => {
    const fails = findings('audit-policy', 1, 1, 'critical');
    const a = scoreArea('audit-policy', fails, report({ findings: fails }));
    const critical = a.criteria.find((c) => c.level === 2 && !c.met)!;
    expect(critical.evidence).toEqual([`finding:${fails[1]!.check}@host-1`]);
    const l1 = a.criteria.find((c) => c.level === 1)!;
    expect(l1.met).toBe(true);
    expect(l1.evidence).toEqual([`finding:${fails[0]!.check}@host-1`]);
    expect(parseRef(critical.evidence[0]!)).toEqual({ kind: 'finding', check: fails[1]!.check, target: 'host-1' });
    expect(a.summary.en).toMatch(/^Level 1 \(initial\)\. Next step to level 2: /);
    // every criterion of a measured area points at something
    const all = scoreArea('audit-policy', findings('audit-policy', 10, 0), report());
    expect(all.level).toBe(5);
    expect(all.criteria.filter((c) => c.met && c.evidence.length === 0)).toEqual([]);
    expect(a.summary.ja).toMatch(/^レベル 1（初期）。レベル 2 への次の一歩：/);
  });
});

describe('log collection', () => {
  it(
    'holds findings-only log collection at level 1 without a source map: per-host checks never certify the ' + 'scope',
    () => {
      // Was level 3 before issue 13: ten passing per-host checks said nothing about which log sources the use-cases
      // need, so a Linux-only estate could look fully collected. The scope now comes from the source map.
      const r = report({ findings: findings('log-collection', 10, 0) });
      expect(levelOf(r, 'log-collection')).toBe(1);
      const mapped = report({ findings: findings('log-collection', 10, 0), analyses: { sources: sourceMap() } });
      expect(levelOf(mapped, 'log-collection')).toBe(3);
      const measured = report({
        findings: findings('log-collection', 10, 0),
        analyses: { coverage: wrap(coverage()), sources: sourceMap() },
      });
      expect(levelOf(measured, 'log-collection')).toBe(5);
    },
  );

  it(
    'caps log collection by the source map: half the weighted classes measured is level 2, an unknown class ' +
      'stays below 3',
    () => {
      const base = findings('log-collection', 10, 0);
      const lc = (sources: ReturnType<typeof sourceMap>) =>
        levelOf(report({ findings: base, analyses: { coverage: wrap(coverage()), sources } }), 'log-collection');
      expect(lc(sourceMap({ missing: ['waf'] }))).toBe(2);
      expect(lc(sourceMap({ unknown: ['waf'] }))).toBe(2);
      expect(lc(sourceMap({ missing: ['waf', 'web-request-body'] }))).toBe(0);
    },
  );

  it('needs at least 80% of declared techniques visible for level 4', () => {
    const base = findings('log-collection', 10, 0);
    const at = report({
      findings: base,
      analyses: {
        sources: sourceMap(),
        coverage: wrap(coverage({ techniques_declared: 50, techniques_visible: 40, rules_blind: 5 })),
      },
    });
    const below = report({
      findings: base,
      analyses: {
        sources: sourceMap(),
        coverage: wrap(coverage({ techniques_declared: 50, techniques_visible: 39, rules_blind: 5 })),
      },
    });
    expect(levelOf(at, 'log-collection')).toBe(4);
    expect(levelOf(below, 'log-collection')).toBe(3);
  });
});

describe('web canaries and live WAF probes (src/web)', () => {
  const base = findings('log-collection', 10, 0);
  const lc = (w: Parameters<typeof web>[0]) =>
    levelOf(
      report({ findings: base, analyses: { coverage: wrap(coverage()), web: wrap(web(w)), sources: sourceMap() } }),
      'log-collection',
    );

  it('holds log collection at level 1 when a test password shows up in clear text in the logs', () => {
    expect(lc({ canaries_password_clear: 1 })).toBe(1);
  });
  it('needs half of the canary bodies in the logs for level 3 and all of them for level 4', () => {
    expect(lc({ canaries_sent: 4, canaries_body_logged: 1 })).toBe(2);
    expect(lc({ canaries_sent: 4, canaries_body_logged: 2 })).toBe(3);
    expect(lc({ canaries_sent: 4, canaries_body_logged: 4 })).toBe(5);
  });
  it('assesses log collection from canaries alone, capped below 4 until coverage measures visibility', () => {
    // Canaries feed the source map (web request bodies); the scope level needs the map beside them (issue 13).
    expect(levelOf(report({ analyses: { web: wrap(web()) } }), 'log-collection')).toBe(1);
    expect(levelOf(report({ analyses: { web: wrap(web()), sources: sourceMap() } }), 'log-collection')).toBe(3);
  });
  it('assesses detection validation from live WAF probes, counting a probe only when it was logged', () => {
    const dv = (w: Parameters<typeof web>[0], withDetections = false) =>
      levelOf(
        report({ analyses: { web: wrap(web(w)), ...(withDetections ? { detections: wrap(detections()) } : {}) } }),
        'detection-validation',
      );
    expect(dv({ waf_probes_sent: 5, waf_probes_blocked: 5, waf_probes_detected: 2 })).toBe(1);
    expect(dv({ waf_probes_sent: 5, waf_probes_detected: 4 })).toBe(3);
    // without sample detections the false-positive rate is unknown: level 3 at most
    expect(dv({ waf_probes_sent: 5, waf_probes_detected: 5 })).toBe(3);
    expect(dv({ waf_probes_sent: 5, waf_probes_detected: 5 }, true)).toBe(5);
    expect(dv({ waf_probes_sent: 5, waf_probes_detected: 4 }, true)).toBe(4);
  });
  it('ignores a web analysis that sent nothing', () => {
    expect(
      levelOf(
        report({
          analyses: {
            web: wrap(
              web({
                canaries_sent: 0,
                canaries_body_logged: 0,
                waf_probes_sent: 0,
                waf_probes_blocked: 0,
                waf_probes_detected: 0,
              }),
            ),
          },
        }),
        'detection-validation',
      ),
    ).toBeNull();
    expect(
      levelOf(
        report({ analyses: { web: wrap(web({ canaries_sent: 0, canaries_body_logged: 0 })) } }),
        'log-collection',
      ),
    ).toBeNull();
  });
});

describe('detection rules (coverage analysis)', () => {
  const level = (over: Parameters<typeof coverage>[0]) =>
    levelOf(report({ analyses: { coverage: wrap(coverage(over)) } }), 'detection-rules');

  it('is not assessed without a coverage analysis or checks', () => {
    expect(levelOf(report(), 'detection-rules')).toBeNull();
  });
  it('is level 0 when no rule loads', () => {
    expect(level({ rules_total: 5, rules_failed: 5 })).toBe(0);
  });
  it('is level 1 when more than 10% of rules fail to load', () => {
    expect(level({ rules_total: 100, rules_failed: 11 })).toBe(1);
    expect(level({ rules_total: 100, rules_failed: 10, techniques_visible: 0, rules_blind: 50 })).toBe(2);
  });
  it('is level 1 when more than half of the rules are blind', () => {
    expect(level({ rules_blind: 51 })).toBe(1);
  });
  it('needs half of the scope visible, half of OWASP and a correlation rule for level 3', () => {
    expect(level({ techniques_in_scope: 40, techniques_visible: 20, techniques_validated: 0 })).toBe(3);
    expect(level({ techniques_in_scope: 40, techniques_visible: 19, techniques_validated: 0 })).toBe(2);
    expect(level({ owasp_visible: 4, techniques_validated: 0 })).toBe(2);
    expect(level({ correlation_rules: 0 })).toBe(2);
  });
  it('counts OWASP as met when there is nothing web-facing in scope', () => {
    expect(level({ owasp_total: 0, owasp_visible: 0, techniques_validated: 0 })).toBe(3);
  });
  it('needs half of the visible techniques validated for level 4, and 80% with full scope for level 5', () => {
    expect(level({ techniques_visible: 50, techniques_validated: 25 })).toBe(4);
    expect(level({ techniques_visible: 50, techniques_validated: 24 })).toBe(3);
    expect(level({ techniques_visible: 50, techniques_validated: 40 })).toBe(5);
    expect(level({ techniques_visible: 50, techniques_validated: 39 })).toBe(4);
  });
});

describe('detection validation (sample detections)', () => {
  const level = (over: Parameters<typeof detections>[0]) =>
    levelOf(report({ analyses: { detections: wrap(detections(over)) } }), 'detection-validation');

  it('is level 1 below a 50% detection rate and 2 at exactly 50%', () => {
    expect(level({ attacks_detected: 4, attacks_missed: 6 })).toBe(1);
    expect(level({ attacks_detected: 5, attacks_missed: 5 })).toBe(2);
  });
  it('needs 70% detected and at most 20% false positives on benign baselines for level 3', () => {
    expect(level({ attacks_detected: 7, attacks_missed: 3, false_positives: 2, benign_silent: 8 })).toBe(3);
    expect(level({ attacks_detected: 7, attacks_missed: 3, false_positives: 3, benign_silent: 7 })).toBe(2);
  });
  it('does not reach level 3 when no benign baseline was tested', () => {
    expect(level({ attacks_detected: 10, attacks_missed: 0, false_positives: 0, benign_silent: 0 })).toBe(2);
  });
  it('needs the alert volume estimated over real logs for level 4', () => {
    expect(level({ attacks_detected: 9, attacks_missed: 1, false_positives: 1, benign_silent: 9 })).toBe(4);
    expect(
      level({
        attacks_detected: 9,
        attacks_missed: 1,
        false_positives: 1,
        benign_silent: 9,
        estimated_alerts_per_day: undefined,
      }),
    ).toBe(3);
  });
  it('needs 95% detected, at most 2% false positives and nothing blinded for level 5', () => {
    expect(level({ attacks_detected: 19, attacks_missed: 1, false_positives: 1, benign_silent: 49 })).toBe(5);
    expect(
      level({
        attacks_detected: 19,
        attacks_missed: 1,
        false_positives: 1,
        benign_silent: 49,
        blinded_by_environment: 1,
      }),
    ).toBe(4);
  });
});

describe('response automation (playbooks)', () => {
  const level = (over: Parameters<typeof playbooks>[0], answers?: Record<string, unknown>) =>
    levelOf(
      report({
        analyses: { playbooks: wrap(playbooks(over)) },
        ...(answers ? { questionnaire: questionnaire(answers) } : {}),
      }),
      'response-automation',
    );

  it('is level 0 with no playbook', () => {
    expect(level({ playbooks: 0, valid: 0 })).toBe(0);
  });
  it('is level 2 with a few invalid playbooks and 3 when all are valid and guarded', () => {
    expect(level({ playbooks: 5, valid: 4, invalid: 1, unguarded_destructive: 0 })).toBe(2);
    expect(level({ playbooks: 5, valid: 3, invalid: 2 })).toBe(1);
    expect(level({ unguarded_destructive: 1 })).toBe(2);
    expect(level({ blast_radius_incidents: 1 })).toBe(3);
  });
  it('reaches level 4 on clean dry-runs and 5 only with the blocking risk assessment attested', () => {
    expect(level({})).toBe(4);
    expect(level({}, { 'automation.blocking_risk_assessed': true, 'automation.approval_defined': true })).toBe(5);
  });
});

describe('people and process (questionnaire, attested)', () => {
  it('is not assessed without answers, and attested when answered', () => {
    expect(levelOf(report(), 'people-process')).toBeNull();
    const r = report({ questionnaire: questionnaire(BEST_ANSWERS) });
    const a = scoreArea('people-process', [], r);
    expect(a.level).toBe(5);
    expect(a.basis).toBe('attested');
    expect(a.criteria.every((c) => c.evidence.every((e) => e.startsWith('questionnaire:')))).toBe(true);
  });
  it('steps down a level for each missing practice', () => {
    const lvl = (over: Record<string, unknown>) =>
      levelOf(report({ questionnaire: questionnaire({ ...BEST_ANSWERS, ...over }) }), 'people-process');
    expect(lvl({ 'exercises.cadence': 'yearly' })).toBe(4);
    expect(lvl({ 'metrics.kpis': ['mttd'] })).toBe(3);
    expect(lvl({ 'procedures.attack_types': ['ransomware', 'phishing', 'web-attack'] })).toBe(2);
    expect(lvl({ 'oncall.escalation_documented': false })).toBe(1);
    expect(lvl({ 'staffing.analysts': 0 })).toBe(0);
  });
});

describe('overall level', () => {
  it('is the mean of assessed areas rounded down, at most one above the weakest', () => {
    expect(overallLevel([{ level: 3 }, { level: 4 }, { level: null }])).toBe(3);
    expect(overallLevel([{ level: 5 }, { level: 5 }, { level: 5 }, { level: 0 }])).toBe(1);
    expect(overallLevel([{ level: null }])).toBeNull();
  });
  it('scores every area of the model in order', () => {
    expect(scoreReport(report()).areas.map((a) => a.area)).toEqual(AREAS);
  });
});
