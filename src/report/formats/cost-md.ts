// The cost forecast in Markdown (PR comments, tickets): the headline figures, the phases with what each buys, and
// today's volume by source, from the same view as the HTML page (src/report/cost-view.ts).
import type { Lang, Report } from '../../model.js';
import { costView } from '../cost-view.js';
import { tr } from '../i18n.js';

/** `mdEscape` is markdown.ts's escaper, passed in (markdown.ts calls this module). */
export function costMarkdown(report: Report, lang: Lang, mdEscape: (s: string) => string): string[] {
  const v = costView(report, lang);
  if (!v) return [];
  const row = (cells: string[]) => `| ${cells.map(mdEscape).join(' | ')} |`;
  const out = [`### ${tr(lang, 'What it costs: log volume and a staged plan', 'コスト: ログ量と段階的な計画')}`, ''];
  for (const h of v.headline) out.push(`- ${mdEscape(h.label)}: ${mdEscape(h.value)}`);
  out.push('');
  if (v.phases.length > 0) {
    out.push(
      row([
        tr(lang, 'Phase', 'フェーズ'),
        tr(lang, 'Changes', '変更'),
        tr(lang, 'Added per day', '1 日あたりの追加量'),
        tr(lang, 'Cost per month', '月額費用'),
        tr(lang, 'Makes detectable', '検知可能になるもの'),
        tr(lang, 'Maturity / SOAR gate', '成熟度／SOAR ゲート'),
      ]),
      '| --- | --- | --- | --- | --- | --- |',
    );
    for (const p of v.phases) {
      out.push(
        row([
          `${p.phase}${p.overBudget ? tr(lang, ' (over budget)', '（予算超過）') : ''}`,
          p.changes.join('; '),
          p.volume,
          p.cost,
          p.useCases.join(', ') || '—',
          `${p.maturity}; SOAR ${p.soar}`,
        ]),
      );
    }
    out.push('');
  }
  if (v.headroom.length > 0) {
    out.push(
      row([
        tr(lang, 'SIEM', 'SIEM'),
        tr(lang, 'Limit', '上限'),
        tr(lang, 'Headroom', '余地'),
        tr(lang, 'Recommended changes', '推奨変更'),
      ]),
      '| --- | --- | --- | --- |',
    );
    for (const h of v.headroom) out.push(row([h.target, h.limit, h.headroom, h.verdict]));
    out.push('');
  }
  const measured = v.today.filter((t) => t.measured);
  if (measured.length > 0) {
    out.push(
      row([tr(lang, 'Target', '対象'), tr(lang, 'Source', 'ソース'), tr(lang, 'Per day today', '現在の 1 日あたり')]),
      '| --- | --- | --- |',
    );
    for (const t of measured) out.push(row([t.target, t.source, t.perDay]));
    out.push('');
  }
  for (const u of v.unquantified) out.push(`- ${mdEscape(`${u.title} — ${u.target}: ${u.reason}`)}`);
  if (v.unquantified.length > 0) out.push('');
  return out;
}
