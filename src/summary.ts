import type { Finding, FindingStatus, Report, Severity } from './model.js';

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
export function terminalSummary(report: Report, paths: Record<string, string>, colour: boolean): string {
  const c = (code: number, s: string) => (colour ? `\x1b[${code}m${s}\x1b[0m` : s);
  const paint: Record<FindingStatus, number> = { pass: 32, fail: 31, warn: 33, inconclusive: 35, error: 35, 'not-applicable': 90 };
  const lines: string[] = [];
  lines.push(c(1, `socready ${report.tool.version} · ${report.run.organization} · run ${report.run.id}`));
  for (const t of report.targets) {
    const mine = report.findings.filter((f) => f.target === t.id);
    const counts = countStatuses(mine);
    const parts = STATUSES.filter((s) => counts[s] > 0).map((s) => c(paint[s], `${counts[s]} ${s}`));
    const state = t.error ? c(31, `${t.status}: ${t.error.kind}`) : t.status;
    lines.push(`  ${t.id.padEnd(24)} ${state.padEnd(colour ? 12 : 10)} ${parts.join(', ')}`);
  }
  const failing = report.findings
    .filter((f) => f.status === 'fail' && !f.waiver)
    .sort((a, b) => severityRank(a.severity) - severityRank(b.severity) || b.weight - a.weight);
  if (failing.length > 0) {
    lines.push(c(1, 'Most important gaps:'));
    const seen = new Set<string>();
    for (const f of failing) {
      if (seen.has(f.check)) continue;
      seen.add(f.check);
      const hosts = failing.filter((x) => x.check === f.check).length;
      lines.push(`  ${c(31, f.severity.padEnd(8))} ${f.title.en}${hosts > 1 ? ` (${hosts} targets)` : ''}`);
      if (seen.size >= 8) break;
    }
  }
  const a = report.analyses;
  if (a.coverage) lines.push(`Coverage: ${a.coverage.summary.techniques_visible}/${a.coverage.summary.techniques_declared} declared ATT&CK techniques visible, ${a.coverage.summary.rules_blind} rules blind`);
  if (a.detections) lines.push(`Sample detections: ${a.detections.summary.attacks_detected} attacks detected, ${a.detections.summary.attacks_missed} missed, ${a.detections.summary.false_positives} false positives`);
  if (a.playbooks) lines.push(`Playbooks: ${a.playbooks.summary.playbooks} analysed, ${a.playbooks.summary.unguarded_destructive} unguarded destructive actions`);
  if (report.score) {
    const verdict = { ready: c(32, 'ready for automated response'), 'semi-automatic': c(33, 'semi-automatic only (human approval)'), 'not-yet': c(31, 'not yet') }[report.score.soar.verdict];
    lines.push(c(1, `Maturity: ${report.score.overall ?? 'not assessed'} / 5 · SOAR: ${verdict}`));
  }
  for (const [label, path] of Object.entries(paths)) lines.push(`${label.padEnd(7)} ${path}`);
  return lines.join('\n');
}
