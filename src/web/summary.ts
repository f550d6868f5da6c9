import type { AnalysisSection, Evidence, Finding, TargetResult, WebSummary } from '../model.js';
import type { WebDetails } from './web-facts.js';

/** One web target's assessment as the analyses.web view reads it (a scan builds it from its per-target result). */
export interface WebAssessment {
  target: string;
  result: TargetResult;
  findings: Finding[];
  evidence: Evidence[];
  details: WebDetails;
}

/** The report's `analyses.web` section from the assessments of every web target. */
export function summariseWeb(assessments: WebAssessment[]): AnalysisSection<WebSummary, WebDetails[]> {
  const d = assessments.map((a) => a.details);
  const canaries = d.flatMap((x) => x.canary);
  const wafs = d.flatMap((x) => x.waf);
  const tls = d.flatMap((x) => x.tls);
  return {
    summary: {
      targets: d.length,
      https_endpoints: tls.length,
      tls_problems: tls.filter((t) => !t.ok || !t.authorized || (t.days_left ?? 0) < 0).length,
      canaries_sent: canaries.length,
      canaries_body_logged: canaries.filter((c) => c.body_logged).length,
      canaries_password_clear: canaries.filter((c) => c.fake_credential === 'clear').length,
      waf_probes_sent: wafs.length,
      waf_probes_blocked: wafs.filter((w) => w.blocked).length,
      waf_probes_detected: wafs.filter((w) => w.detected).length,
    },
    details: d,
    problems: [],
  };
}
