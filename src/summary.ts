import type { Finding, FindingStatus, Lang, Report, Severity } from './model.js';
import { visibleFigures } from './coverage/measured.js';
import { shownTitle } from './report/finding-title.js';
import { sourceMapLine } from './report/source-map-view.js';
import { isActivelyWaived } from './score/findings.js';
import { controlFree, terminalLine } from './util/terminal.js';

const SEVERITY_ORDER: Severity[] = ['critical', 'high', 'medium', 'low', 'info'];
const STATUSES: FindingStatus[] = ['pass', 'fail', 'warn', 'inconclusive', 'error', 'not-applicable'];

export function countStatuses(findings: Finding[]): Record<FindingStatus, number> {
  const counts = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<FindingStatus, number>;
  for (const f of findings) counts[f.status]++;
  return counts;
}

export function severityRank(s: Severity): number {
  return SEVERITY_ORDER.indexOf(s);
}

/** A short coloured summary of a run for the terminal. */
export function terminalSummary(
  given: Report,
  paths: Record<string, string>,
  colour: boolean,
  lang: Lang = 'en',
): string {
  // Every string of the report (evidence excerpts, ids, titles) reaches the terminal free of control characters.
  const report = controlFree(given);
  const L = (en: string, ja: string) => (lang === 'ja' ? ja : en);
  const c = (code: number, s: string) => (colour ? `\x1b[${code}m${s}\x1b[0m` : s);
  const paint: Record<FindingStatus, number> = {
    pass: 32,
    fail: 31,
    warn: 33,
    inconclusive: 35,
    error: 35,
    'not-applicable': 90,
  };
  const lines: string[] = [];
  lines.push(c(1, `socready ${report.tool.version} · ${terminalLine(report.run.organization)} · run ${report.run.id}`));
  for (const t of report.targets) {
    const mine = report.findings.filter((f) => f.target === t.id);
    const counts = countStatuses(mine);
    const parts = STATUSES.filter((s) => counts[s] > 0).map((s) => c(paint[s], `${counts[s]} ${s}`));
    const state = t.error ? c(31, `${t.status}: ${t.error.kind}`) : t.status;
    lines.push(`  ${terminalLine(t.id).padEnd(24)} ${state.padEnd(colour ? 12 : 10)} ${parts.join(', ')}`);
  }
  const failing = report.findings
    .filter((f) => f.status === 'fail' && !isActivelyWaived(f))
    .sort((a, b) => severityRank(a.severity) - severityRank(b.severity) || b.weight - a.weight);
  if (failing.length > 0) {
    lines.push(c(1, L('Most important gaps:', '優先して塞ぐべきギャップ:')));
    const seen = new Set<string>();
    for (const f of failing) {
      if (seen.has(f.check)) continue;
      seen.add(f.check);
      const hosts = failing.filter((x) => x.check === f.check).length;
      lines.push(
        `  ${c(31, f.severity.padEnd(8))} ` +
          `${terminalLine(shownTitle(f)[lang])}${hosts > 1 ? L(` (${hosts} targets)`, `（${hosts} 台）`) : ''}`,
      );
      if (seen.size >= 8) break;
    }
  }
  const a = report.analyses;
  const sources = sourceMapLine(report, lang);
  if (sources) lines.push(terminalLine(sources));
  // Analyses that ran on socready's built-in examples say so on their line: those figures are not the client's.
  const example = (section: { content?: string }) =>
    section.content === 'built-in'
      ? L(
          " · socready's built-in examples, not yours",
          ' · socready 同梱のサンプルでの結果（自組織の結果ではありません）',
        )
      : '';
  if (a.coverage) {
    const cv = a.coverage.summary;
    const seen = visibleFigures(cv);
    lines.push(
      seen.techniques === null
        ? L(
            `Coverage: ${cv.techniques_declared} ATT&CK techniques declared by the rules; visibility not ` +
              'measured (no reached target showed a log source)',
            `カバレッジ: ルールが対象とする ATT&CK テクニック ${cv.techniques_declared} 件、可視性は未測定（ログソースを確認できた対象なし）`,
          ) + example(a.coverage)
        : L(
            `Coverage: ${seen.techniques}/${cv.techniques_declared} declared ATT&CK techniques visible, ` +
              `${cv.rules_blind} rules blind`,
            `カバレッジ: ルールが対象とする ATT&CK テクニック ${cv.techniques_declared} 件のうち可視 ${seen.techniques} ` +
              `件、ログ欠落で機能しないルール ${cv.rules_blind} 件`,
          ) + example(a.coverage),
    );
  }
  if (a.detections) {
    const d = a.detections.summary;
    lines.push(
      L(
        `Sample detections: ${d.attacks_detected} attacks detected, ${d.attacks_missed} missed, ` +
          `${d.false_positives} false positives, ${d.blinded_by_environment} blinded here`,
        `サンプル検知: 検知 ${d.attacks_detected} 件、見逃し ${d.attacks_missed} 件、誤検知 ${d.false_positives} ` +
          `件、この環境のログ欠落で検知不能 ${d.blinded_by_environment} 件`,
      ) + example(a.detections),
    );
  }
  if (a.playbooks) {
    const p = a.playbooks.summary;
    lines.push(
      L(
        `Playbooks: ${p.playbooks} analysed, ${p.unguarded_destructive} unguarded destructive actions, ` +
          `${p.blast_radius_incidents} harmful actions on false positives`,
        `プレイブック: ${p.playbooks} 件を分析、承認や許可リストのない破壊的アクション ${p.unguarded_destructive} 件、誤検知時の有害なアクション ` +
          `${p.blast_radius_incidents} 件`,
      ) + example(a.playbooks),
    );
    // A cut analysis proves nothing about what it did not reach: say so next to the counts it would have changed.
    if (p.analyses_cut)
      lines.push(
        `  ${L(
          `${p.analyses_cut} playbook(s) analysed only in part (a budget was reached); ` +
            `${p.guards_unknown ?? 0} destructive actions have an unknown guard`,
          `${p.analyses_cut} 件のプレイブックは上限に達したため一部のみ分析、ガードの有無が不明な破壊的アクション ${p.guards_unknown ?? 0} 件`,
        )}`,
      );
  }
  if (report.score) {
    const verdict = {
      ready: c(32, L('ready for automated response', '自動対応の準備ができている')),
      'semi-automatic': c(33, L('semi-automatic only (human approval)', '半自動（人の承認つき）のみ可')),
      'not-yet': c(31, L('not yet', 'まだ早い')),
    }[report.score.soar.verdict];
    // A level reads "n / 5"; an area nobody assessed reads "not assessed" alone, never as a score out of 5.
    const overall = report.score.overall;
    const level = overall === null ? L('not assessed', '未評価') : `${overall} / 5`;
    lines.push(c(1, L(`Maturity: ${level} · SOAR: ${verdict}`, `成熟度: ${level} · SOAR: ${verdict}`)));
    for (const gap of report.score.soar.gaps.slice(0, 3)) lines.push(`  - ${gap.text[lang]}`);
  }
  for (const [label, path] of Object.entries(paths)) lines.push(`${label.padEnd(7)} ${path}`);
  return lines.join('\n');
}
