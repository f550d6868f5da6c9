// The one place that decides whether visibility was measured, and what a summary's visible figures mean. Visibility
// counts only what a reached target proved: a check that passed, failed or warned about a log source it provides. A
// target that was never reached (inconclusive, error) proves nothing, so a run where no target was reached has
// visibility "not measured" in the report JSON, the terminal and every format. Renderers read `visibleFigures`.
import type { CoverageSummary, Finding } from '../model.js';

/** Statuses of a reached target whose check said something about a log source (collected or not). */
const CONCLUSIVE = new Set(['pass', 'fail', 'warn']);

/** Whether this finding is evidence about log collection: a conclusive check that names the log sources it covers. */
export function provesVisibility(f: Finding): boolean {
  return CONCLUSIVE.has(f.status) && (f.provides ?? []).length > 0;
}

/** Whether a run's findings measured visibility at all. */
export function visibilityMeasured(findings: Finding[]): boolean {
  return findings.some(provesVisibility);
}

/** What a coverage summary says about visibility; null counts mean "not measured", never zero. */
export interface VisibleFigures {
  measured: boolean;
  techniques: number | null;
  owasp: number | null;
}

/** Reads a summary's visible figures; reports written before `visibility_measured` existed count as measured. */
export function visibleFigures(s: CoverageSummary): VisibleFigures {
  const measured = s.visibility_measured !== false && s.techniques_visible !== null;
  return { measured, techniques: measured ? s.techniques_visible : null, owasp: measured ? s.owasp_visible : null };
}
