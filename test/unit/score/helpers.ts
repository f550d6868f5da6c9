// Builders for constructed findings and reports in scoring and renderer tests.
import type {
  AreaId,
  CoverageSummary,
  DetectionSummary,
  Finding,
  FindingStatus,
  PlaybookSummary,
  QuestionnaireResult,
  Report,
  Severity,
  WebSummary,
} from '../../../src/model.js';

let n = 0;

export function finding(
  area: AreaId,
  status: FindingStatus,
  opts: Partial<Finding> & { severity?: Severity } = {},
): Finding {
  n++;
  return {
    check: opts.check ?? `${area}.check-${n}`,
    target: opts.target ?? 'host-1',
    status,
    area,
    severity: opts.severity ?? 'low',
    weight: opts.weight ?? 1,
    title: opts.title ?? { en: `Check ${n}`, ja: `チェック ${n}` },
    evidence: opts.evidence ?? [],
    maps: opts.maps ?? {},
    ...(opts.remediation ? { remediation: opts.remediation } : {}),
    ...(opts.rationale ? { rationale: opts.rationale } : {}),
    ...(opts.reason ? { reason: opts.reason } : {}),
    ...(opts.excerpt ? { excerpt: opts.excerpt } : {}),
    ...(opts.observed ? { observed: opts.observed } : {}),
    ...(opts.waiver ? { waiver: opts.waiver } : {}),
  };
}

/** `pass` passing and `fail` failing findings of weight 1 in one area. */
export function findings(area: AreaId, pass: number, fail: number, failSeverity: Severity = 'low'): Finding[] {
  return [
    ...Array.from({ length: pass }, () => finding(area, 'pass')),
    ...Array.from({ length: fail }, () => finding(area, 'fail', { severity: failSeverity })),
  ];
}

export function report(parts: Partial<Report> = {}): Report {
  return {
    schema_version: '1.0',
    tool: { name: 'socready', version: '0.1.0' },
    run: {
      id: parts.run?.id ?? 'run-1',
      started_at: '2026-11-01T09:00:00.000Z',
      finished_at: '2026-11-01T09:01:30.000Z',
      organization: 'Example Org',
      inventory: 'inventory.yaml',
      mode: 'live',
      options: {},
      ...parts.run,
    },
    targets: parts.targets ?? [],
    findings: parts.findings ?? [],
    evidence: parts.evidence ?? [],
    analyses: parts.analyses ?? {},
    ...(parts.questionnaire ? { questionnaire: parts.questionnaire } : {}),
    ...(parts.score ? { score: parts.score } : {}),
    ...(parts.previous ? { previous: parts.previous } : {}),
  };
}

export function coverage(over: Partial<CoverageSummary> = {}): CoverageSummary {
  return {
    attack_version: '19.1',
    rules_total: 100,
    rules_failed: 0,
    techniques_in_scope: 0,
    techniques_declared: 50,
    techniques_visible: 50,
    techniques_validated: 50,
    techniques_benign_tested: 10,
    owasp_total: 10,
    owasp_declared: 10,
    owasp_visible: 10,
    rules_blind: 0,
    correlation_rules: 3,
    ...over,
  };
}

export function detections(over: Partial<DetectionSummary> = {}): DetectionSummary {
  return {
    scenarios: 20,
    rules_tested: 40,
    attacks_detected: 20,
    attacks_missed: 0,
    false_positives: 0,
    benign_silent: 50,
    blinded_by_environment: 0,
    estimated_alerts_per_day: 30,
    ...over,
  };
}

export function playbooks(over: Partial<PlaybookSummary> = {}): PlaybookSummary {
  return {
    playbooks: 5,
    valid: 5,
    invalid: 0,
    destructive_actions: 4,
    unguarded_destructive: 0,
    blast_radius_incidents: 0,
    integrations_unready: 0,
    ...over,
  };
}

export function web(over: Partial<WebSummary> = {}): WebSummary {
  return {
    targets: 2,
    https_endpoints: 2,
    tls_problems: 0,
    canaries_sent: 4,
    canaries_body_logged: 4,
    canaries_password_clear: 0,
    waf_probes_sent: 5,
    waf_probes_blocked: 5,
    waf_probes_detected: 5,
    ...over,
  };
}

export function questionnaire(answers: Record<string, unknown>): QuestionnaireResult {
  return {
    source: 'questionnaire.yaml',
    answers: Object.entries(answers).map(([id, answer]) => ({
      id,
      area: 'people-process' as const,
      question: { en: id, ja: id },
      answer,
    })),
  };
}

/** Answers that meet every people-and-process criterion. */
export const BEST_ANSWERS: Record<string, unknown> = {
  'staffing.analysts': 6,
  'staffing.analysts_per_shift': 2,
  'triage.alerts_per_analyst_per_shift': 40,
  'staffing.detection_engineers': 2,
  'oncall.coverage': '24x7',
  'oncall.escalation_documented': true,
  'tuning.cadence': 'weekly',
  'tuning.fp_tracked': true,
  'procedures.attack_types': [
    'ransomware',
    'phishing',
    'web-attack',
    'credential-attack',
    'malware',
    'data-exfiltration',
    'ddos',
    'insider',
  ],
  'procedures.reviewed': 'quarterly',
  'automation.blocking_risk_assessed': true,
  'automation.approval_defined': true,
  'metrics.kpis': ['mttd', 'mttr', 'fp-rate'],
  'exercises.cadence': 'quarterly',
  'improvement.post_incident_review': true,
};

export function wrap<T>(summary: T) {
  return { summary, details: {}, problems: [] };
}

/**
 * A source map whose required classes (web request bodies, WAF) are all measured with arrival proven: the log
 * sources of the one use-case (SQL injection) reach the SIEM. `missing` turns classes unmeasured.
 */
export function sourceMap(opts: { missing?: string[]; unknown?: string[] } = {}) {
  const ids = ['web-request-body', 'waf'];
  const status = (id: string) =>
    opts.unknown?.includes(id) ? 'unknown' : opts.missing?.includes(id) ? 'missing' : 'measured';
  const classes = ids.map((id) => ({
    id,
    name: { en: id, ja: id },
    records: { en: '-', ja: '-' },
    blind_to: { en: '-', ja: '-' },
    status: status(id) as 'measured' | 'missing' | 'unknown',
    required: true,
    needed_by: ['sql-injection'],
    ...(status(id) === 'measured' ? { proof: 'arrived' as const } : {}),
    evidence: [],
    reason: { en: '-', ja: '-' },
  }));
  const missing = ids.filter((id) => status(id) !== 'measured');
  const measured = ids.length - missing.length;
  return {
    summary: {
      estate_declared: true,
      classes_required: ids.length,
      classes_measured: measured,
      classes_declared: 0,
      classes_missing: classes.filter((c) => c.status === 'missing').length,
      classes_unknown: classes.filter((c) => c.status === 'unknown').length,
      use_cases_required: 1,
      use_cases_visible: missing.length === 0 ? 1 : 0,
      weighted_share: measured / ids.length,
    },
    details: {
      catalog: 'test',
      classes,
      use_cases: [
        {
          id: 'sql-injection',
          name: { en: 'SQL injection', ja: 'SQL インジェクション' },
          attack: ['T1190'],
          owasp: ['A03:2021'],
          needs: ids,
          applicable: true,
          detect: true,
          automate: true,
          playbooks: [],
          missing,
          visible: missing.length === 0,
        },
      ],
      next: missing.map((c) => ({
        class: c,
        gains: missing.length === 1 ? ['sql-injection'] : [],
        blinds: ['sql-injection'],
      })),
    },
    problems: [],
  };
}
