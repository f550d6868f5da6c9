// Issue 13, "Done when": an estate whose every required class is measured is ready for its use-cases; removing one
// measured class drops exactly the use-cases that needed it; alert volume above capacity blocks ready with numbers.
import { describe, expect, it } from 'vitest';
import type { Estate, Finding, FindingStatus, Report, TargetKind, TargetResult } from '../../../src/model.js';
import { scoreReport } from '../../../src/score/model.js';
import { shippedSourceCatalog } from '../../../src/sources/catalog.js';
import { buildSourceMap } from '../../../src/sources/map.js';
import {
  BEST_ANSWERS,
  coverage,
  detections,
  findings,
  playbooks,
  questionnaire,
  report,
  wrap,
} from '../score/helpers.js';

function target(id: string, kind: TargetKind): TargetResult {
  return { id, kind, address: id, transport: 'ssh', status: 'ok', duration_ms: 1, checks_run: 1 };
}

function f(check: string, target: string, status: FindingStatus = 'pass'): Finding {
  return {
    check,
    target,
    status,
    area: 'log-collection',
    severity: 'high',
    weight: 1,
    title: { en: check, ja: check },
    evidence: [],
    maps: {},
  };
}

// Linux hosts and one nginx web server behind ModSecurity; no database, NDR or EDR in this estate.
const ESTATE: Estate = {
  sources: {
    'linux-os-audit': { count: 4 },
    'web-request-body': { count: 1 },
    waf: { count: 1 },
    'database-audit': false,
    ndr: false,
    edr: false,
  },
  use_cases: {
    detect: ['sql-injection', 'web-shell', 'lateral-movement-ssh', 'kernel-backdoor'],
    automate: [{ use_case: 'sql-injection' }, { use_case: 'web-shell' }, { use_case: 'lateral-movement-ssh' }],
  },
};
const TARGETS = [target('linux01', 'linux'), target('web01', 'web')];
const PROOFS = [
  f('linux.auditd.running', 'linux01'),
  f('linux.audit.rules.execve', 'linux01'),
  f('linux.logfwd.audit-events', 'linux01'),
  f('web.active.waf-detection', 'web01'),
];

function scan(
  canary: FindingStatus,
  over: { estimated_alerts_per_day?: number; answers?: Record<string, unknown> } = {},
): Report {
  const proofs = [...PROOFS, f('web.active.body-canary', 'web01', canary)];
  const base = report({
    targets: TARGETS,
    findings: [...findings('infrastructure', 10, 0), ...findings('audit-policy', 10, 0), ...proofs],
    analyses: {
      coverage: wrap(coverage()),
      detections: wrap(
        detections(
          over.estimated_alerts_per_day !== undefined
            ? { estimated_alerts_per_day: over.estimated_alerts_per_day }
            : {},
        ),
      ),
      playbooks: wrap(playbooks()),
    },
    questionnaire: questionnaire({ ...BEST_ANSWERS, ...over.answers }),
  });
  base.analyses.sources = buildSourceMap({
    catalog: shippedSourceCatalog(),
    findings: base.findings,
    targets: base.targets,
    estate: ESTATE,
  });
  return { ...base, score: scoreReport(base) };
}

describe('SOAR gate per use-case', () => {
  it('is ready for every use-case when each class they need is measured', () => {
    const r = scan('pass');
    // The worked example of docs/scoring.md: weights linux-os-audit 3, web-request-body 2, waf 1.
    expect(r.analyses.sources!.summary).toMatchObject({ classes_required: 3, classes_measured: 3, weighted_share: 1 });
    expect(
      Object.fromEntries(
        r.analyses.sources!.details.classes.filter((c) => c.required).map((c) => [c.id, c.needed_by.length]),
      ),
    ).toEqual({
      'web-request-body': 2,
      waf: 1,
      'linux-os-audit': 3,
    });
    expect(r.score!.soar.use_cases).toEqual([
      { id: 'sql-injection', ready: true, missing: [] },
      { id: 'web-shell', ready: true, missing: [] },
      { id: 'lateral-movement-ssh', ready: true, missing: [] },
    ]);
    // 5 needs every class proven to arrive
    expect(r.score!.areas.find((a) => a.area === 'log-collection')!.level).toBe(4);
    expect(r.score!.soar.verdict).toBe('ready');
  });

  it('drops exactly the use-cases that needed a class when its proof fails (the web canary)', () => {
    const r = scan('fail');
    expect(r.analyses.sources!.details.classes.find((c) => c.id === 'web-request-body')).toMatchObject({
      status: 'missing',
      evidence: ['finding:web.active.body-canary@web01'],
    });
    expect(r.analyses.sources!.summary.weighted_share).toBeCloseTo(4 / 6);
    expect(r.score!.areas.find((a) => a.area === 'log-collection')!.level).toBe(2);
    expect(r.analyses.sources!.details.use_cases.filter((u) => u.visible).map((u) => u.id)).toEqual([
      'kernel-backdoor',
      'lateral-movement-ssh',
    ]);
    expect(r.score!.soar.use_cases).toEqual([
      { id: 'sql-injection', ready: false, missing: ['web-request-body'] },
      { id: 'web-shell', ready: false, missing: ['web-request-body'] },
      { id: 'lateral-movement-ssh', ready: true, missing: [] },
    ]);
    expect(r.score!.soar.verdict).not.toBe('ready');
    const gap = r.score!.soar.gaps.find((g) => g.text.en.includes('automated response to'))!;
    expect(gap.area).toBe('log-collection');
    expect(gap.text.en).toBe(
      'No logs, no detection: automated response to SQL injection, Web shell needs log sources that are not ' +
        'measured: Web request bodies.',
    );
  });
});

describe('log-collection scope from the map', () => {
  it('cannot reach level 3 while a required class is unknown, even above the 75% share', () => {
    // NDR is not declared at all this time: BPFDoor needs it, so it is required and unknown.
    const estate: Estate = { ...ESTATE, sources: { ...ESTATE.sources } };
    delete estate.sources.ndr;
    const base = scan('pass');
    const map = buildSourceMap({
      catalog: shippedSourceCatalog(),
      findings: base.findings,
      targets: base.targets,
      estate,
    });
    expect(map.summary).toMatchObject({ classes_unknown: 1, weighted_share: 6 / 7 });
    const lc = scoreReport({ ...base, analyses: { ...base.analyses, sources: map } }).areas.find(
      (a) => a.area === 'log-collection',
    )!;
    expect(lc.level).toBe(2);
    expect(lc.criteria.find((c) => !c.met && c.level === 3)!.text.en).toContain(
      'unknown: Network detection and response (NDR)',
    );
  });
});

describe('people and alert-volume gate', () => {
  it('blocks ready when estimated alerts exceed the triage capacity, with both numbers in the reason', () => {
    // 2 analysts per shift x 40 alerts each x 3 shifts (24x7) = 240 a day, against 500 estimated.
    const r = scan('pass', { estimated_alerts_per_day: 500 });
    expect(r.score!.soar.capacity).toMatchObject({ alerts_per_day: 500, capacity_per_day: 240, ok: false });
    expect(r.score!.soar.verdict).not.toBe('ready');
    const gap = r.score!.soar.gaps.find((g) => g.area === 'people-process')!;
    expect(gap.text.en).toContain(
      'about 500 alerts per day are estimated but the analysts can triage 240 per day (2 per shift × 40 ' +
        'alerts each × 3 shifts)',
    );
    expect(gap.text.ja).toContain('1 日あたり約 500 件');
    expect(gap.refs).toContain('analysis:detections.summary.estimated_alerts_per_day');
    // At capacity it is ready again.
    expect(scan('pass', { estimated_alerts_per_day: 240 }).score!.soar.verdict).toBe('ready');
  });

  it('blocks ready when the capacity is not declared but alerts are estimated', () => {
    const r = scan('pass', { answers: { 'staffing.analysts_per_shift': null } });
    expect(r.score!.soar.verdict).not.toBe('ready');
    expect(r.score!.soar.gaps.at(-1)!.text.en).toContain('the triage capacity is not declared');
  });

  it('blocks ready when the false-positive share of alerts is above the stated threshold', () => {
    // Measured on the sample detections: detected attacks are true alerts, baselines that fired are false ones.
    const measured = scan('pass');
    expect(measured.score!.soar.capacity).toMatchObject({ false_positive_share: 0, false_positive_basis: 'measured' });
    const noisy = report({
      ...measured,
      analyses: { ...measured.analyses, detections: wrap(detections({ attacks_detected: 6, false_positives: 4 })) },
    });
    const s = scoreReport(noisy);
    expect(s.soar.capacity).toMatchObject({
      false_positive_share: 0.4,
      false_positive_basis: 'measured',
      false_positive_threshold: 0.2,
      ok: false,
    });
    expect(s.soar.gaps.find((g) => g.text.en.includes('false positives'))!.text.en).toContain(
      '40% of the alerts are false positives (measured), above the 20%',
    );
  });

  it('uses the attested false-positive share only when no sample alert measured it', () => {
    const measured = scan('pass', { answers: { 'triage.false_positive_share': 60 } });
    const none = report({
      ...measured,
      analyses: {
        ...measured.analyses,
        detections: wrap(detections({ attacks_detected: 0, attacks_missed: 5, false_positives: 0 })),
      },
    });
    expect(scoreReport(none).soar.capacity).toMatchObject({
      false_positive_share: 0.6,
      false_positive_basis: 'attested',
      ok: false,
    });
    expect(scoreReport(measured).soar.capacity).toMatchObject({
      false_positive_share: 0,
      false_positive_basis: 'measured',
    });
  });
});
