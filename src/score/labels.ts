// Bilingual names for the maturity model, shared by every renderer so a level reads the same in HTML, PDF and CI
// output.
import type { AreaId, Bilingual, Lang, SoarVerdict } from '../model.js';

export const AREA_NAMES: Record<AreaId, Bilingual> = {
  'log-collection': { en: 'Log collection scope', ja: 'ログ収集範囲' },
  'audit-policy': { en: 'OS audit policy', ja: 'OS 監査ポリシー' },
  'detection-rules': { en: 'Detection rules', ja: '検知ルール' },
  'detection-validation': { en: 'Detection validation', ja: '検知の検証' },
  'response-automation': { en: 'Response automation', ja: '対応の自動化' },
  'people-process': { en: 'People and process', ja: '体制とプロセス' },
  infrastructure: { en: 'Infrastructure', ja: '基盤（転送・保存・SIEM 稼働）' },
};

export const LEVEL_NAMES: Bilingual[] = [
  { en: 'none', ja: '未整備' },
  { en: 'initial', ja: '初期' },
  { en: 'managed', ja: '管理' },
  { en: 'defined', ja: '定義' },
  { en: 'measured', ja: '定量管理' },
  { en: 'optimising', ja: '最適化' },
];

export const NOT_ASSESSED: Bilingual = { en: 'not assessed', ja: '未評価' };

export const VERDICT_TEXT: Record<SoarVerdict, Bilingual> = {
  ready: { en: 'Ready for automated response', ja: '自動対応を始められる状態です' },
  'semi-automatic': {
    en: 'Ready for semi-automatic response only (a person approves each action)',
    ja: '半自動対応のみ可能です（各対応に人の承認が必要）',
  },
  'not-yet': { en: 'Not yet ready for automated response', ja: '自動対応はまだ始められません' },
};

export const BASIS_NAMES: Record<'measured' | 'attested' | 'mixed' | 'not-assessed', Bilingual> = {
  measured: { en: 'measured', ja: '実測' },
  attested: { en: 'attested (questionnaire)', ja: '自己申告（アンケート）' },
  mixed: { en: 'measured and attested', ja: '実測＋自己申告' },
  'not-assessed': { en: 'not assessed', ja: '未評価' },
};

export function areaName(area: AreaId, lang: Lang): string {
  return AREA_NAMES[area][lang];
}

/** "3 (defined)" / "3（定義）", or "not assessed" for null. */
export function levelLabel(level: number | null | undefined, lang: Lang): string {
  if (level === null || level === undefined) return NOT_ASSESSED[lang];
  const name = LEVEL_NAMES[level]?.[lang] ?? '?';
  return lang === 'ja' ? `${level}（${name}）` : `${level} (${name})`;
}

/** Parses a --fail-under value: a number 0..5 or a level name in either language. */
export function parseLevel(value: string): number | undefined {
  const v = value.trim().toLowerCase();
  if (/^[0-5]$/.test(v)) return Number(v);
  const i = LEVEL_NAMES.findIndex((n) => n.en === v || n.ja === v || (v === 'optimizing' && n.en === 'optimising'));
  return i >= 0 ? i : undefined;
}
