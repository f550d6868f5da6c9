// A Markdown summary sized for a CI job summary (GitHub's $GITHUB_STEP_SUMMARY, GitLab's report pages): the verdict,
// the level per area, what blocks automation and the worst failures. Collected text is escaped: job summaries
// render HTML, and evidence comes from hosts that may be compromised.
import { costMarkdown } from './cost-md.js';
import type { CoverageDetails } from '../../coverage/types.js';
import type { Finding, Lang, Report } from '../../model.js';
import { isActivelyWaived, severityRank } from '../../score/findings.js';
import { AREA_NAMES, BASIS_NAMES, levelLabel, VERDICT_TEXT } from '../../score/labels.js';
import { shownTitle } from '../finding-title.js';
import { inlineSpans, isMultiBlock, richBlocks } from '../rich-text.js';
import { formatDate, formatDateTime, formatNumber } from './locale.js';
import { decisiveText, SEVERITY_TEXT, STATUS_TEXT, t } from './text.js';

export interface MarkdownOptions {
  lang: Lang;
  /** Failing findings listed at most (default 25); the rest are counted. */
  maxFindings?: number;
}

/** Escapes text for a Markdown table cell or paragraph: no HTML, no table breaks, no accidental formatting. */
export function mdEscape(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|#~])/g, '\\$1')
    .replace(/\r?\n/g, ' ')
    .trim();
}

/** A code span for an identifier: backticks and table breaks removed, so it always stays one span in one cell. */
function codeSpan(s: string): string {
  return `\`${s.replace(/[`|<>&\r\n]/g, '')}\``;
}

/** Catalog prose for a table cell: `code` spans stay code spans; code holding markup or pipes falls back to text. */
export function mdInline(text: string): string {
  return inlineSpans(text.replace(/\s*\n\s*/g, ' '))
    .map((s) => (s.code && !/[<>&|`]/.test(s.text) ? `\`${s.text}\`` : mdEscape(s.text)))
    .join('')
    .trim();
}

/** Catalog text as Markdown blocks: paragraphs with code spans, and fenced blocks for lines to copy. */
function mdBlocks(text: string): string[] {
  const out: string[] = [];
  for (const b of richBlocks(text)) {
    if (b.kind === 'para')
      out.push(
        b.spans.map((s) => (s.code && !/[<>&`]/.test(s.text) ? `\`${s.text}\`` : mdEscape(s.text))).join(''),
        '',
      );
    else {
      // A fence longer than any backtick run inside keeps the block closed; the lines are copied verbatim.
      const longest = Math.max(2, ...[...b.text.matchAll(/`+/g)].map((m) => m[0].length));
      const fence = '`'.repeat(longest + 1);
      out.push(fence, b.text, fence, '');
    }
  }
  while (out.at(-1) === '') out.pop();
  return out;
}

function headCount(n: number, lang: Lang): string {
  return lang === 'ja' ? `（${formatNumber(n, lang)} 件）` : ` (${formatNumber(n, lang)})`;
}

const L = {
  title: { en: 'socready: SIEM/SOAR readiness', ja: 'socready：SIEM/SOAR 準備状況' },
  org: { en: 'Organisation', ja: '組織' },
  run: { en: 'Run', ja: '実行' },
  overall: { en: 'Overall maturity', ja: '総合成熟度' },
  soar: { en: 'SOAR verdict', ja: 'SOAR 判定' },
  area: { en: 'Area', ja: '領域' },
  level: { en: 'Level', ja: 'レベル' },
  basis: { en: 'Basis', ja: '根拠' },
  change: { en: 'Change', ja: '前回比' },
  gaps: { en: 'What blocks automated response', ja: '自動対応を妨げている課題' },
  failing: { en: 'Failing checks', ja: '不合格のチェック' },
  undecided: {
    en: 'Checks that could not decide (inconclusive or error)',
    ja: '判定できなかったチェック（判定不能・エラー）',
  },
  reason: { en: 'Why', ja: '理由' },
  seeBelow: { en: 'See the commands below the table:', ja: '表の下のコマンドを参照:' },
  sev: { en: 'Severity', ja: '重大度' },
  check: { en: 'Check', ja: 'チェック' },
  target: { en: 'Target', ja: '対象' },
  fix: { en: 'Remediation', ja: '対処' },
  more: { en: 'more not shown; see the HTML report', ja: '件は省略しています（HTML レポートを参照してください）' },
  counts: { en: 'Findings', ja: '検出結果' },
  waivers: { en: 'Waivers', ja: '例外（ウェイバー）' },
  expired: { en: 'expired waiver no longer applies', ja: '期限切れの例外は適用されていません' },
  none: { en: 'No failing checks.', ja: '不合格のチェックはありません。' },
  why: { en: 'Why they fail', ja: '不合格の理由' },
  observed: { en: 'Observed', ja: '観測' },
  expected: { en: 'Expected', ja: '期待' },
  decisive: { en: 'Decided by', ja: '判定根拠' },
  related: { en: 'Related', ja: '関連' },
} as const;

function change(now: number | null, before: number | null | undefined, lang: Lang): string {
  if (before === undefined) return '';
  if (now === before) return '=';
  if (now === null) return lang === 'en' ? 'no longer assessed' : '未評価に変化';
  if (before === null) return lang === 'en' ? 'newly assessed' : '新たに評価';
  return now > before ? `▲ +${now - before}` : `▼ ${now - before}`;
}

export function failingFirst(findings: Finding[]): Finding[] {
  return findings
    .filter((f) => f.status === 'fail' || f.status === 'warn' || f.status === 'error' || f.status === 'inconclusive')
    .sort(
      (a, b) =>
        Number(isActivelyWaived(a)) - Number(isActivelyWaived(b)) ||
        Number(b.status === 'fail') - Number(a.status === 'fail') ||
        severityRank(b.severity) - severityRank(a.severity) ||
        b.weight - a.weight ||
        a.check.localeCompare(b.check) ||
        a.target.localeCompare(b.target),
    );
}

/** Lines copied verbatim in a fence longer than any backtick run inside them. */
function fenced(lines: string[]): string[] {
  const longest = Math.max(2, ...lines.flatMap((l) => [...l.matchAll(/`+/g)].map((m) => m[0].length)));
  const fence = '`'.repeat(longest + 1);
  return [`${fence}text`, ...lines.map((l) => l.replace(/\r?\n/g, ' ')), fence];
}

/** Per failing finding: what was observed and expected, the lines that decided, and the findings that explain it. */
function whyBlocks(failing: Finding[], lang: Lang): string[] {
  const c = lang === 'ja' ? '：' : ': ';
  const out: string[] = [];
  for (const f of failing) {
    if (!f.explanation && !f.decisive?.length) continue;
    out.push(`#### ${codeSpan(f.check)} · ${mdEscape(f.target)}`, '');
    if (f.explanation) {
      out.push(`- ${t(L.observed, lang)}${c}${mdEscape(t(f.explanation.observed, lang))}`);
      out.push(`- ${t(L.expected, lang)}${c}${mdEscape(t(f.explanation.expected, lang))}`);
    }
    for (const r of f.related ?? [])
      out.push(`- ${t(L.related, lang)}${c}${codeSpan(r.check)}: ${mdEscape(t(r.why, lang))}`);
    if (f.decisive?.length) out.push('', `${t(L.decisive, lang)}${c}`, '', ...fenced(f.decisive.map(decisiveText)));
    out.push('');
  }
  return out.length ? [`### ${t(L.why, lang)}`, '', ...out] : [];
}

/** The SIEM rules the coverage did not count because their indices or sourcetypes receive no events. */
function blindRulesMarkdown(report: Report, lang: Lang): string[] {
  const blind = (report.analyses.coverage?.details as CoverageDetails | undefined)?.blind_rules ?? [];
  if (blind.length === 0) return [];
  const out = [
    lang === 'ja'
      ? `### イベントが届かない場所を検索する SIEM ルール（${formatNumber(blind.length, lang)} 件、カバレッジに数えない）`
      : `### SIEM rules searching where no events arrive (${formatNumber(blind.length, lang)}, not counted)`,
    '',
  ];
  for (const b of blind) out.push(`- ${mdEscape(t(b.explain, lang))} (${codeSpan(b.reason)}, ${mdEscape(b.target)})`);
  out.push('');
  return out;
}

export function renderMarkdown(report: Report, opts: MarkdownOptions): string {
  const { lang } = opts;
  const c = lang === 'ja' ? '：' : ': ';
  const max = opts.maxFindings ?? 25;
  const s = report.score;
  const out: string[] = [];
  out.push(`## ${t(L.title, lang)}`, '');
  out.push(
    `${t(L.org, lang)}${c}**${mdEscape(report.run.organization)}** · ` +
      `${t(L.run, lang)}${c}${mdEscape(report.run.id)} · ${formatDateTime(report.run.started_at, lang)}`,
    '',
  );
  if (s) {
    const since = report.previous
      ? lang === 'ja'
        ? `（前回比 ${change(s.overall, report.previous.overall, lang)}）`
        : ` (${change(s.overall, report.previous.overall, lang)})`
      : '';
    out.push(`- **${t(L.overall, lang)}${c}${levelLabel(s.overall, lang)}**${since}`);
    out.push(`- **${t(L.soar, lang)}${c}${t(VERDICT_TEXT[s.soar.verdict], lang)}**`, '');
    const prev = new Map(report.previous?.areas.map((a) => [a.area, a.level]));
    const head = [t(L.area, lang), t(L.level, lang), t(L.basis, lang), ...(report.previous ? [t(L.change, lang)] : [])];
    out.push(`| ${head.join(' | ')} |`, `|${head.map(() => ' --- ').join('|')}|`);
    for (const a of s.areas) {
      const row = [t(AREA_NAMES[a.area], lang), levelLabel(a.level, lang), t(BASIS_NAMES[a.basis], lang)];
      if (report.previous) row.push(change(a.level, prev.has(a.area) ? (prev.get(a.area) ?? null) : undefined, lang));
      out.push(`| ${row.join(' | ')} |`);
    }
    out.push('');
    if (s.soar.gaps.length > 0) {
      out.push(`### ${t(L.gaps, lang)}`, '');
      s.soar.gaps.forEach((g, i) => {
        out.push(`${i + 1}. ${mdEscape(t(g.text, lang))}`);
      });
      out.push('');
    }
  }
  // Each heading counts exactly the findings of its kind: failures (fail, warn) apart from checks that could not
  // decide.
  const ordered = failingFirst(report.findings);
  const failing = ordered.filter((f) => f.status === 'fail' || f.status === 'warn');
  const undecided = ordered.filter((f) => f.status === 'error' || f.status === 'inconclusive');
  out.push(`### ${t(L.failing, lang)}${headCount(failing.length, lang)}`, '');
  if (failing.length === 0) out.push(t(L.none, lang), '');
  else {
    out.push(
      `| ${t(L.sev, lang)} | ${t(L.check, lang)} | ${t(L.target, lang)} | ${t(L.fix, lang)} |`,
      '| --- | --- | --- | --- |',
    );
    // Remediations that hold commands or configuration lines go below the table in fenced blocks, one per check.
    const below: Finding[] = [];
    for (const f of failing.slice(0, max)) {
      let status =
        `${t(SEVERITY_TEXT[f.severity], lang)}` +
        (f.status === 'fail'
          ? ''
          : lang === 'ja'
            ? `（${t(STATUS_TEXT[f.status], lang)}）`
            : ` (${t(STATUS_TEXT[f.status], lang)})`);
      if (f.waiver && !f.waiver.expired)
        status +=
          lang === 'ja'
            ? ` · ${formatDate(f.waiver.expires, lang)}まで例外適用`
            : ` · waived until ${formatDate(f.waiver.expires, lang)}`;
      else if (f.waiver?.expired) status += ` · ${t(L.expired, lang)}`;
      const what = `${mdEscape(t(shownTitle(f), lang))}<br>${codeSpan(f.check)}`;
      const fix = t(f.remediation, lang);
      let cell: string;
      if (fix && isMultiBlock(fix)) {
        if (!below.some((b) => b.check === f.check)) below.push(f);
        cell = `${t(L.seeBelow, lang)} ${codeSpan(f.check)}`;
      } else cell = fix ? mdInline(fix) : mdEscape(f.reason ?? '');
      out.push(`| ${status} | ${what} | ${mdEscape(f.target)} | ${cell} |`);
    }
    if (failing.length > max) out.push('', `${formatNumber(failing.length - max, lang)} ${t(L.more, lang)}`);
    out.push('');
    for (const f of below) {
      out.push(`#### ${t(L.fix, lang)}${c}${codeSpan(f.check)}`, '', ...mdBlocks(t(f.remediation, lang)), '');
    }
    out.push(...whyBlocks(failing.slice(0, max), lang));
  }
  if (undecided.length > 0) {
    out.push(`### ${t(L.undecided, lang)}${headCount(undecided.length, lang)}`, '');
    out.push(`| ${t(L.check, lang)} | ${t(L.target, lang)} | ${t(L.reason, lang)} |`, '| --- | --- | --- |');
    for (const f of undecided.slice(0, max)) {
      out.push(
        `| ${mdEscape(t(f.title, lang))}<br>${codeSpan(f.check)} | ${mdEscape(f.target)} | ` +
          `${mdEscape(`${t(STATUS_TEXT[f.status], lang)}: ${f.reason ?? ''}`)} |`,
      );
    }
    if (undecided.length > max) out.push('', `${formatNumber(undecided.length - max, lang)} ${t(L.more, lang)}`);
    out.push('');
  }
  out.push(...blindRulesMarkdown(report, lang));
  out.push(...costMarkdown(report, lang, mdEscape));
  const counts = new Map<string, number>();
  for (const f of report.findings) counts.set(f.status, (counts.get(f.status) ?? 0) + 1);
  const parts = (['pass', 'fail', 'warn', 'error', 'inconclusive', 'not-applicable'] as const)
    .filter((k) => counts.get(k))
    .map((k) => `${t(STATUS_TEXT[k], lang)} ${formatNumber(counts.get(k)!, lang)}${lang === 'ja' ? ' 件' : ''}`);
  out.push(`${t(L.counts, lang)}${c}${parts.join(' · ') || '0'}`);
  const waived = report.findings.filter((f) => f.waiver);
  if (waived.length > 0) {
    const expired = waived.filter((f) => f.waiver!.expired).length;
    out.push(
      '',
      `${t(L.waivers, lang)}${c}` +
        (lang === 'en'
          ? `${waived.length - expired} active, ${expired} expired`
          : `有効 ${waived.length - expired} 件、期限切れ ${expired} 件`),
    );
  }
  return `${out.join('\n')}\n`;
}
