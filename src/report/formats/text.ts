// Short bilingual labels the machine formats share.
import type { Bilingual, Finding, FindingStatus, Lang, Severity, SourceLine } from '../../model.js';
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

const EXPLAIN_LABELS = {
  observed: { en: 'Observed', ja: '観測' },
  expected: { en: 'Expected', ja: '期待' },
  decisive: { en: 'Decided by', ja: '判定根拠' },
  related: { en: 'Related', ja: '関連' },
} as const;

/** One decisive line as text: `file:line: text` for a file, `$ command → text` for a command's output. */
export function decisiveText(l: SourceLine): string {
  if (l.file) return `${l.file}${l.line ? `:${l.line}` : ''}: ${l.text}`;
  if (l.command) return `$ ${l.command.split('\n')[0]!.slice(0, 160)} → ${l.text}`;
  return l.text;
}

/**
 * The finding's explanation for the plain-text formats (JUnit, SARIF messages): observed, expected, the lines that
 * decided and the findings that explain it, each on its own line.
 */
export function explanationLines(f: Finding, lang: Lang): string[] {
  const lines: string[] = [];
  const c = lang === 'ja' ? '：' : ': ';
  if (f.explanation) {
    lines.push(`${t(EXPLAIN_LABELS.observed, lang)}${c}${t(f.explanation.observed, lang)}`);
    lines.push(`${t(EXPLAIN_LABELS.expected, lang)}${c}${t(f.explanation.expected, lang)}`);
  }
  if (f.decisive?.length) {
    lines.push(`${t(EXPLAIN_LABELS.decisive, lang)}${c}`);
    for (const l of f.decisive) lines.push(`  ${decisiveText(l)}`);
  }
  for (const r of f.related ?? []) lines.push(`${t(EXPLAIN_LABELS.related, lang)}${c}${r.check}: ${t(r.why, lang)}`);
  return lines;
}
