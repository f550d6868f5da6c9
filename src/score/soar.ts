// The SOAR readiness gate. Automation stands on the SIEM beneath it: no logs, no detection; no trustworthy
// detections, no safe automation. So the gate checks the layers bottom-up and lists the SIEM gaps first.
import type {
  AnalysisSection,
  AreaId,
  AreaScore,
  Bilingual,
  CapacityCheck,
  Report,
  Score,
  SoarVerdict,
  SourceMapDetails,
  SourceMapSummary,
} from '../model.js';
import { capacityCheck } from './capacity.js';
import { answerOf } from './criteria.js';
import { AREA_NAMES, LEVEL_NAMES } from './labels.js';
import { analysisRef, questionnaireRef } from './refs.js';
import { classNames, useCaseNames } from './sources.js';

interface Requirement {
  area: AreaId;
  /** Minimum level for semi-automatic response (a human approves every action). */
  semi: number;
  /** Minimum level for automated response. */
  ready: number;
  layer: Bilingual;
}

const NO_LOGS: Bilingual = { en: 'No logs, no detection', ja: 'ログがなければ検知はできません' };
const NO_DETECTION: Bilingual = {
  en: 'No detection, nothing to respond to',
  ja: '検知がなければ対応のきっかけもありません',
};
const NO_TRUST: Bilingual = {
  en: 'No trustworthy detections, no safe automation',
  ja: '信頼できる検知がなければ、安全な自動化はできません',
};
const NO_SAFE: Bilingual = { en: 'Automation must be safe to run', ja: '自動化そのものが安全に動く必要があります' };
const NO_PEOPLE: Bilingual = {
  en: 'Someone must own what automation does',
  ja: '自動化の結果に責任を持つ体制が必要です',
};

/** In layer order: the gaps come out in this order, SIEM first. */
export const SOAR_REQUIREMENTS: Requirement[] = [
  { area: 'infrastructure', semi: 2, ready: 3, layer: NO_LOGS },
  { area: 'log-collection', semi: 2, ready: 3, layer: NO_LOGS },
  { area: 'audit-policy', semi: 2, ready: 3, layer: NO_LOGS },
  { area: 'detection-rules', semi: 2, ready: 3, layer: NO_DETECTION },
  { area: 'detection-validation', semi: 3, ready: 4, layer: NO_TRUST },
  { area: 'response-automation', semi: 3, ready: 4, layer: NO_SAFE },
  { area: 'people-process', semi: 2, ready: 3, layer: NO_PEOPLE },
];

type Gap = Score['soar']['gaps'][number];

function levelText(level: number, lang: 'en' | 'ja'): string {
  return lang === 'en' ? `level ${level} (${LEVEL_NAMES[level]!.en})` : `レベル ${level}（${LEVEL_NAMES[level]!.ja}）`;
}

function areaGap(req: Requirement, score: AreaScore): Gap {
  const name = AREA_NAMES[req.area];
  const unmet = score.criteria.filter((c) => !c.met && c.level <= req.ready);
  const refs = [...new Set(unmet.flatMap((c) => c.evidence))].slice(0, 50);
  if (score.level === null) {
    return {
      area: req.area,
      text: {
        en:
          `${req.layer.en}: ${name.en} was not assessed; it must be shown at ${levelText(req.semi, 'en')} for ` +
          `semi-automatic response and ${levelText(req.ready, 'en')} for automated response.`,
        ja:
          `${req.layer.ja}。${name.ja}は未評価です。半自動対応には${levelText(req.semi, 'ja')}、自動対応には` +
          `${levelText(req.ready, 'ja')}以上であることを示す必要があります。`,
      },
      refs,
    };
  }
  const blocksSemi = score.level < req.semi;
  return {
    area: req.area,
    text: {
      en:
        `${req.layer.en}: ${name.en} is at ${levelText(score.level, 'en')}; ` +
        `${blocksSemi ? `semi-automatic response needs ${levelText(req.semi, 'en')} and ` : ''}automated ` +
        `response needs ${levelText(req.ready, 'en')}.`,
      ja:
        `${req.layer.ja}。${name.ja}は${levelText(score.level, 'ja')}です。` +
        `${blocksSemi ? `半自動対応には${levelText(req.semi, 'ja')}、` : ''}自動対応には${levelText(req.ready, 'ja')}以上が必要です。`,
    },
    refs,
  };
}

/**
 * ready: every area at its `ready` level and the business impact of automated blocking attested as assessed.
 * semi-automatic: every area at its `semi` level. not-yet: otherwise. Areas not assessed count as not met.
 */
export function soarGate(
  areas: AreaScore[],
  report: Pick<Report, 'questionnaire'> & { analyses?: Report['analyses'] },
): Score['soar'] {
  const byArea = new Map(areas.map((a) => [a.area, a]));
  const gaps: Gap[] = [];
  let semiOk = true;
  let readyOk = true;
  for (const req of SOAR_REQUIREMENTS) {
    const score = byArea.get(req.area) ?? {
      area: req.area,
      level: null,
      basis: 'not-assessed',
      criteria: [],
      summary: { en: '', ja: '' },
    };
    const level = score.level ?? -1;
    if (level < req.semi) semiOk = false;
    if (level < req.ready) {
      readyOk = false;
      gaps.push(areaGap(req, score));
    }
  }
  // Per use-case: automating a response to an attack the SIEM cannot see is automating on nothing.
  const map = report.analyses?.sources;
  const useCases = map ? useCaseReadiness(map) : undefined;
  const blind = (useCases ?? []).filter((u) => !u.ready);
  if (map && blind.length > 0) {
    readyOk = false;
    // Among the log gaps: after the areas beneath detection, before the detection and automation gaps.
    const firstAbove = gaps.findIndex((g) => !['infrastructure', 'log-collection', 'audit-policy'].includes(g.area));
    gaps.splice(firstAbove < 0 ? gaps.length : firstAbove, 0, blindUseCaseGap(map, blind));
  }
  // The SOAR timing checklist: blocking on a false positive can stop the business, so its impact must be assessed.
  if (answerOf(report.questionnaire, 'automation.blocking_risk_assessed') !== true) {
    readyOk = false;
    gaps.push({
      area: 'people-process',
      text: {
        en:
          'The business impact of automated blocking has not been assessed (questionnaire: ' +
          'automation.blocking_risk_assessed); without it, keep a human approval step.',
        ja: '自動遮断が業務に与える影響が評価されていません（アンケート：automation.blocking_risk_assessed）。評価するまでは人による承認を残してください。',
      },
      refs: [questionnaireRef('automation.blocking_risk_assessed')],
    });
  }
  const capacity = capacityCheck(
    report.analyses?.detections?.summary,
    report.questionnaire,
    report.analyses?.siem_alerts,
  );
  const capacityGap = capacityGapOf(capacity);
  if (capacityGap) {
    readyOk = false;
    gaps.push(capacityGap);
  }
  const verdict: SoarVerdict = readyOk ? 'ready' : semiOk ? 'semi-automatic' : 'not-yet';
  return { verdict, gaps, ...(useCases ? { use_cases: useCases } : {}), capacity };
}

type SourceMap = AnalysisSection<SourceMapSummary, SourceMapDetails>;

/** Use-cases to automate that the estate has: ready when every class they need is measured. */
export function useCaseReadiness(map: SourceMap): NonNullable<Score['soar']['use_cases']> {
  return map.details.use_cases
    .filter((u) => u.automate && u.applicable)
    .map((u) => ({ id: u.id, ready: u.missing.length === 0, missing: u.missing }));
}

function blindUseCaseGap(map: SourceMap, blind: { id: string; missing: string[] }[]): Gap {
  const classes = [...new Set(blind.flatMap((u) => u.missing))];
  const ids = blind.map((u) => u.id);
  return {
    area: 'log-collection',
    text: {
      en:
        `${NO_LOGS.en}: automated response to ${useCaseNames(map, ids, 'en')} needs log sources that are not ` +
        `measured: ${classNames(map, classes, 'en')}.`,
      ja: `${NO_LOGS.ja}。${useCaseNames(map, ids, 'ja')}への自動対応に必要なログソースが実測できていません：${classNames(map, classes, 'ja')}。`,
    },
    refs: [
      analysisRef('sources', 'use_cases_visible'),
      analysisRef('sources', 'classes_missing'),
      analysisRef('sources', 'classes_unknown'),
    ],
  };
}

const fmt = (n: number | null) => (n === null ? '?' : String(Math.round(n * 100) / 100));
const pctOf = (n: number | null) => (n === null ? '?' : `${Math.round(n * 1000) / 10}%`);

/** The numbers side by side, or undefined when the gate passes. */
export function capacityGapOf(c: CapacityCheck): Gap | undefined {
  if (c.ok) return undefined;
  const refs = [
    analysisRef('detections', 'estimated_alerts_per_day'),
    questionnaireRef('staffing.analysts_per_shift'),
    questionnaireRef('triage.alerts_per_analyst_per_shift'),
    questionnaireRef('oncall.coverage'),
  ];
  const volumeBad = c.alerts_per_day !== null && (c.capacity_per_day === null || c.alerts_per_day > c.capacity_per_day);
  const fpBad = c.false_positive_share !== null && c.false_positive_share > c.false_positive_threshold;
  const capText =
    c.capacity_per_day === null
      ? {
          en:
            'the triage capacity is not declared (questionnaire: staffing.analysts_per_shift, ' +
            'triage.alerts_per_analyst_per_shift, oncall.coverage)',
          ja: '対応能力が申告されていません（アンケート：staffing.analysts_per_shift、triage.alerts_per_analyst_per_shift、oncall.coverage）',
        }
      : {
          en:
            `the analysts can triage ${fmt(c.capacity_per_day)} per day (${fmt(c.analysts_per_shift)} per ` +
            `shift × ${fmt(c.alerts_per_analyst_per_shift)} alerts each × ${fmt(c.shifts_per_day)} shifts)`,
          ja:
            `対応できるのは 1 日 ${fmt(c.capacity_per_day)} 件です（1 シフト ${fmt(c.analysts_per_shift)} 人 × 1 人 ` +
            `${fmt(c.alerts_per_analyst_per_shift)} 件 × ${fmt(c.shifts_per_day)} シフト）`,
        };
  const parts: Bilingual[] = [];
  if (volumeBad) {
    parts.push({
      en: `about ${fmt(c.alerts_per_day)} alerts per day are estimated but ${capText.en}`,
      ja: `1 日あたり約 ${fmt(c.alerts_per_day)} 件のアラートが見込まれますが、${capText.ja}`,
    });
  }
  if (fpBad) {
    parts.push({
      en:
        `${pctOf(c.false_positive_share)} of the alerts are false positives (${c.false_positive_basis}), above ` +
        `the ${pctOf(c.false_positive_threshold)} that automated response allows`,
      ja:
        `アラートの ${pctOf(c.false_positive_share)} ` +
        `が誤検知です（${c.false_positive_basis === 'measured' ? '実測' : '自己申告'}）。自動対応で許容できる ` +
        `${pctOf(c.false_positive_threshold)} を超えています`,
    });
    refs.push(analysisRef('detections', 'false_positives'), questionnaireRef('triage.false_positive_share'));
  }
  return {
    area: 'people-process',
    text: {
      en: `${NO_PEOPLE.en}: ${parts.map((p) => p.en).join('; ')}.`,
      ja: `${NO_PEOPLE.ja}。${parts.map((p) => p.ja).join('。')}。`,
    },
    refs,
  };
}
