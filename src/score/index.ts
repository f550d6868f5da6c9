// The scoring stage of a run: questionnaire and waivers in, score out. A bad questionnaire or waivers file is
// reported and skipped (the scan's findings are not lost for it); the caller prints the problems.
import type { Report } from '../model.js';
import { loadQuestionnaire } from '../questionnaire/answers.js';
import { InputError } from '../util/validate.js';
import { scoreReport } from './model.js';
import { withPrevious } from './previous.js';
import { applyWaivers } from './waivers.js';

export { MODEL_VERSION, overallLevel, scoreArea, scoreReport } from './model.js';
export { SOAR_REQUIREMENTS, soarGate } from './soar.js';
export { applyWaivers, exampleWaiversYaml, isExpired, loadWaivers, markWaivers, type Waiver } from './waivers.js';
export { AREA_NAMES, BASIS_NAMES, LEVEL_NAMES, levelLabel, NOT_ASSESSED, parseLevel, VERDICT_TEXT } from './labels.js';
export { analysisRef, findingRef, parseRef, questionnaireRef } from './refs.js';
export { isActivelyWaived } from './findings.js';

export interface ScoringInputs {
  /** Answers file (inventory key `questionnaire`). */
  questionnaire?: string;
  /** Waivers file (inventory key `waivers`). */
  waivers?: string;
  /** The previous run or --baseline, for `report.previous`. */
  baseline?: Report;
  now?: Date;
}

export function scoreRun(
  report: Report,
  inputs: ScoringInputs = {},
): { report: Report; problems: { path: string; error: string }[] } {
  const problems: { path: string; error: string }[] = [];
  let r: Report = report;
  const attempt = (path: string, f: () => void) => {
    try {
      f();
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      problems.push({ path, error: e.message });
    }
  };
  if (inputs.questionnaire) {
    const file = inputs.questionnaire;
    attempt(file, () => {
      r = { ...r, questionnaire: loadQuestionnaire(file) };
    });
  }
  if (inputs.waivers) {
    const file = inputs.waivers;
    attempt(file, () => {
      r = { ...r, findings: applyWaivers(r.findings, file, inputs.now) };
    });
  }
  r = { ...r, score: scoreReport(r) };
  if (inputs.baseline) r = withPrevious(r, inputs.baseline);
  return { report: r, problems };
}
