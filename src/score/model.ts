// The maturity model: per area a level 0..5 from the criteria in criteria.ts, the overall level and the SOAR gate.
// Scoring reads only the report document (findings, analysis summaries, questionnaire), so any report can be re-scored.
import {
  AREAS,
  type AreaId,
  type AreaScore,
  type Bilingual,
  type Finding,
  type Report,
  type Score,
  type AnalysisSection,
} from '../model.js';
import { attackTypeIds } from '../questionnaire/catalog.js';
import {
  type Criterion,
  detectionRuleCriteria,
  detectionValidationCriteria,
  findingCriteria,
  levelFrom,
  logCollectionCoverageCriteria,
  peopleProcessCriteria,
  responseAutomationCriteria,
  webCanaryCriteria,
  webProbeCriteria,
} from './criteria.js';
import { findingStats, groupByArea } from './findings.js';
import { AREA_NAMES, LEVEL_NAMES } from './labels.js';
import { soarGate } from './soar.js';
import { sourceMapCriteria } from './sources.js';

export const MODEL_VERSION = '1.0';

type Basis = AreaScore['basis'];

interface Assessment {
  criteria: Criterion[];
  basis: Basis;
}

const MEASURE_NOTE: Bilingual = {
  en: 'Level 4 needs a measurement beyond configuration checks (not available for this area in this run)',
  ja: 'レベル 4 には設定チェック以上の実測が必要です（この実行では該当する計測がありません）',
};

/** Criteria for one area, or undefined when nothing in the report measured or attested it. */
function assess(area: AreaId, findings: Finding[], report: Report): Assessment | undefined {
  const stats = findingStats(findings);
  // Inconclusive checks measured nothing: an area with only those stays "not assessed", not level 0.
  const hasFindings = stats.conclusive.length > 0 || stats.waived.length > 0;
  const fromFindings = (): Criterion[] => (hasFindings ? findingCriteria(stats) : []);
  const a = report.analyses;
  switch (area) {
    case 'log-collection': {
      const canaries = a.web && a.web.summary.canaries_sent > 0 ? webCanaryCriteria(a.web.summary) : [];
      if (!hasFindings && !a.coverage && canaries.length === 0) return undefined;
      // The scope itself comes from the source map: per-host checks and canaries feed it but cannot certify it alone.
      return {
        criteria: [
          ...fromFindings(),
          ...canaries,
          ...logCollectionCoverageCriteria(a.coverage?.summary),
          ...sourceMapCriteria(a.sources),
        ],
        basis: 'measured',
      };
    }
    case 'detection-rules': {
      if (!a.coverage)
        return hasFindings
          ? { criteria: findingCriteria(stats, { measuredAbove3: MEASURE_NOTE }), basis: 'measured' }
          : undefined;
      return { criteria: [...fromFindings(), ...detectionRuleCriteria(a.coverage.summary)], basis: 'measured' };
    }
    case 'detection-validation': {
      const probes =
        a.web && a.web.summary.waf_probes_sent > 0 ? webProbeCriteria(a.web.summary, Boolean(a.detections)) : [];
      if (!a.detections) {
        if (probes.length > 0) return { criteria: [...fromFindings(), ...probes], basis: 'measured' };
        return hasFindings
          ? { criteria: findingCriteria(stats, { measuredAbove3: MEASURE_NOTE }), basis: 'measured' }
          : undefined;
      }
      return {
        criteria: [...fromFindings(), ...probes, ...detectionValidationCriteria(a.detections.summary)],
        basis: 'measured',
      };
    }
    case 'response-automation': {
      if (!a.playbooks)
        return hasFindings
          ? { criteria: findingCriteria(stats, { measuredAbove3: MEASURE_NOTE }), basis: 'measured' }
          : undefined;
      return {
        criteria: [...fromFindings(), ...responseAutomationCriteria(a.playbooks.summary, report.questionnaire)],
        basis: report.questionnaire ? 'mixed' : 'measured',
      };
    }
    case 'people-process': {
      const q = report.questionnaire;
      if (!q || q.answers.length === 0)
        return hasFindings ? { criteria: findingCriteria(stats), basis: 'measured' } : undefined;
      return {
        criteria: [...fromFindings(), ...peopleProcessCriteria(q, attackTypeIds())],
        basis: hasFindings ? 'mixed' : 'attested',
      };
    }
    default:
      // audit-policy, infrastructure: configuration checks measure them fully.
      return hasFindings ? { criteria: fromFindings(), basis: 'measured' } : undefined;
  }
}

function summarise(level: number, criteria: Criterion[]): Bilingual {
  const next = criteria.find((c) => c.level === level + 1 && !c.met);
  const name = LEVEL_NAMES[level]!;
  if (!next)
    return {
      en: `Level ${level} (${name.en}): every criterion met.`,
      ja: `レベル ${level}（${name.ja}）：すべての基準を満たしています。`,
    };
  return {
    en: `Level ${level} (${name.en}). Next step to level ${level + 1}: ${next.text.en}.`,
    ja: `レベル ${level}（${name.ja}）。レベル ${level + 1} への次の一歩：${next.text.ja}。`,
  };
}

export function scoreArea(area: AreaId, findings: Finding[], report: Report): AreaScore {
  const a = assess(area, findings, report);
  if (!a) {
    const unknown = findingStats(findings).unknown;
    const name = AREA_NAMES[area];
    return {
      area,
      level: null,
      basis: 'not-assessed',
      criteria: [],
      summary:
        unknown.length > 0
          ? {
              en: `Not assessed: all ${unknown.length} checks for ${name.en} were inconclusive (see their reasons).`,
              ja: `未評価：「${name.ja}」のチェック ${unknown.length} 件がすべて判定不能でした（各チェックの理由を参照）。`,
            }
          : {
              en: `Not assessed: nothing in this run measured ${name.en}.`,
              ja: `未評価：この実行では「${name.ja}」を測定していません。`,
            },
    };
  }
  const criteria = [...a.criteria].sort((x, y) => x.level - y.level);
  const level = levelFrom(criteria);
  return { area, level, basis: a.basis, criteria, summary: summarise(level, criteria) };
}

/**
 * Overall level: the mean of the assessed areas rounded down, but never more than one above the weakest assessed
 * area (a strong rule set cannot hide that nothing collects the logs). null when nothing was assessed.
 */
export function overallLevel(areas: Pick<AreaScore, 'level'>[]): number | null {
  const levels = areas.map((a) => a.level).filter((l): l is number => l !== null);
  if (levels.length === 0) return null;
  const mean = levels.reduce((s, l) => s + l, 0) / levels.length;
  return Math.min(Math.floor(mean + 1e-9), Math.min(...levels) + 1);
}

export function scoreReport(input: Report): Score {
  // socready's built-in example rules and playbooks say nothing about the organisation: shown, never scored.
  const analyses = Object.fromEntries(
    Object.entries(input.analyses).filter(([, a]) => a && (a as AnalysisSection<unknown>).content !== 'built-in'),
  );
  const report: Report = { ...input, analyses };
  const byArea = groupByArea(report.findings);
  const areas = AREAS.map((area) => scoreArea(area, byArea.get(area) ?? [], report));
  return { model_version: MODEL_VERSION, overall: overallLevel(areas), areas, soar: soarGate(areas, report) };
}
