// A report's score (scored now when it has none) and the link to the run before it: part of scoring, so both the
// scoring step and the renderers (which sit above it) read it from here.
import type { Report, Score } from '../model.js';
import { scoreReport } from './model.js';

export function ensureScore(report: Report): Score {
  return report.score ?? scoreReport(report);
}

/** The report with its score and `previous` set from a baseline, so renderers can show the change since that run. */
export function withPrevious(report: Report, baseline: Report): Report {
  const s = ensureScore(baseline);
  return {
    ...report,
    score: ensureScore(report),
    previous: {
      run_id: baseline.run.id,
      overall: s.overall,
      areas: s.areas.map((a) => ({ area: a.area, level: a.level })),
    },
  };
}
