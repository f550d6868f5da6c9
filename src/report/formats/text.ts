// Short bilingual labels the machine formats share.
import type { Bilingual, FindingStatus, Lang, Severity } from '../../model.js';
import { SEVERITY_LABELS, STATUS_LABELS } from '../i18n.js';

const lower = (b: Bilingual): Bilingual => ({ en: b.en.toLowerCase(), ja: b.ja });

/** The report's status and severity labels in running-text case (one source: src/report/i18n.ts). */
export const STATUS_TEXT = Object.fromEntries(Object.entries(STATUS_LABELS).map(([k, v]) => [k, lower(v)])) as Record<
  FindingStatus,
  Bilingual
>;
export const SEVERITY_TEXT = Object.fromEntries(
  Object.entries(SEVERITY_LABELS).map(([k, v]) => [k, lower(v)]),
) as Record<Severity, Bilingual>;

export function t(b: Bilingual | undefined, lang: Lang): string {
  return b ? b[lang] || b.en : '';
}
