// The SOAR readiness gate. Automation stands on the SIEM beneath it: no logs, no detection; no trustworthy
// detections, no safe automation. So the gate checks the layers bottom-up and lists the SIEM gaps first.
import type { AreaId, AreaScore, Bilingual, Report, Score, SoarVerdict } from '../model.js';
import { answerOf } from './criteria.js';
import { AREA_NAMES, LEVEL_NAMES } from './labels.js';
import { questionnaireRef } from './refs.js';

interface Requirement {
  area: AreaId;
  /** Minimum level for semi-automatic response (a human approves every action). */
  semi: number;
  /** Minimum level for automated response. */
  ready: number;
  layer: Bilingual;
}

const NO_LOGS: Bilingual = { en: 'No logs, no detection', ja: 'ログがなければ検知はできません' };
const NO_DETECTION: Bilingual = { en: 'No detection, nothing to respond to', ja: '検知がなければ対応のきっかけもありません' };
const NO_TRUST: Bilingual = { en: 'No trustworthy detections, no safe automation', ja: '信頼できる検知がなければ、安全な自動化はできません' };
const NO_SAFE: Bilingual = { en: 'Automation must be safe to run', ja: '自動化そのものが安全に動く必要があります' };
const NO_PEOPLE: Bilingual = { en: 'Someone must own what automation does', ja: '自動化の結果に責任を持つ体制が必要です' };

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
        en: `${req.layer.en}: ${name.en} was not assessed; it must be shown at ${levelText(req.semi, 'en')} for semi-automatic response and ${levelText(req.ready, 'en')} for automated response.`,
        ja: `${req.layer.ja}。${name.ja}は未評価です。半自動対応には${levelText(req.semi, 'ja')}、自動対応には${levelText(req.ready, 'ja')}以上であることを示す必要があります。`,
      },
      refs,
    };
  }
  const blocksSemi = score.level < req.semi;
  return {
    area: req.area,
    text: {
      en: `${req.layer.en}: ${name.en} is at ${levelText(score.level, 'en')}; ${blocksSemi ? `semi-automatic response needs ${levelText(req.semi, 'en')} and ` : ''}automated response needs ${levelText(req.ready, 'en')}.`,
      ja: `${req.layer.ja}。${name.ja}は${levelText(score.level, 'ja')}です。${blocksSemi ? `半自動対応には${levelText(req.semi, 'ja')}、` : ''}自動対応には${levelText(req.ready, 'ja')}以上が必要です。`,
    },
    refs,
  };
}

/**
 * ready: every area at its `ready` level and the business impact of automated blocking attested as assessed.
 * semi-automatic: every area at its `semi` level. not-yet: otherwise. Areas not assessed count as not met.
 */
export function soarGate(areas: AreaScore[], report: Pick<Report, 'questionnaire'>): Score['soar'] {
  const byArea = new Map(areas.map((a) => [a.area, a]));
  const gaps: Gap[] = [];
  let semiOk = true;
  let readyOk = true;
  for (const req of SOAR_REQUIREMENTS) {
    const score = byArea.get(req.area) ?? { area: req.area, level: null, basis: 'not-assessed', criteria: [], summary: { en: '', ja: '' } };
    const level = score.level ?? -1;
    if (level < req.semi) semiOk = false;
    if (level < req.ready) {
      readyOk = false;
      gaps.push(areaGap(req, score));
    }
  }
  // The SOAR timing checklist: blocking on a false positive can stop the business, so its impact must be assessed.
  if (answerOf(report.questionnaire, 'automation.blocking_risk_assessed') !== true) {
    readyOk = false;
    gaps.push({
      area: 'people-process',
      text: {
        en: 'The business impact of automated blocking has not been assessed (questionnaire: automation.blocking_risk_assessed); without it, keep a human approval step.',
        ja: '自動遮断が業務に与える影響が評価されていません（アンケート：automation.blocking_risk_assessed）。評価するまでは人による承認を残してください。',
      },
      refs: [questionnaireRef('automation.blocking_risk_assessed')],
    });
  }
  const verdict: SoarVerdict = readyOk ? 'ready' : semiOk ? 'semi-automatic' : 'not-yet';
  return { verdict, gaps };
}
