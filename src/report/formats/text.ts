// Short bilingual labels the machine formats share.
import type { Bilingual, FindingStatus, Lang, Severity } from '../../model.js';

export const STATUS_TEXT: Record<FindingStatus, Bilingual> = {
  pass: { en: 'pass', ja: '合格' },
  fail: { en: 'fail', ja: '不合格' },
  warn: { en: 'warning', ja: '警告' },
  error: { en: 'error', ja: 'エラー' },
  'not-applicable': { en: 'not applicable', ja: '対象外' },
  inconclusive: { en: 'inconclusive', ja: '判定不能' },
};

export const SEVERITY_TEXT: Record<Severity, Bilingual> = {
  critical: { en: 'critical', ja: '緊急' },
  high: { en: 'high', ja: '高' },
  medium: { en: 'medium', ja: '中' },
  low: { en: 'low', ja: '低' },
  info: { en: 'info', ja: '情報' },
};

export function t(b: Bilingual | undefined, lang: Lang): string {
  return b ? b[lang] || b.en : '';
}
