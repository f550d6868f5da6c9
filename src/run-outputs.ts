import type { Lang, Report } from './model.js';
import { severityRank } from './summary.js';
import type { Progress } from './util/progress.js';

export interface OutputOptions {
  lang: Lang;
  html: boolean;
  pdf: boolean;
}

/** render: the human formats of a finished run, written beside report.json. */
export async function writeRunOutputs(_report: Report, runDir: string, _opts: OutputOptions, _progress?: Progress): Promise<Record<string, string>> {
  return { report: `${runDir}/report.json` };
}

export interface GateOptions {
  failUnder?: number;
  failOn?: string;
  baseline?: string;
}

/** CI gates over a finished run: maturity threshold, severity of failing findings, regression against a baseline. */
export function gateRun(report: Report, opts: GateOptions): { exitCode: number; reasons: string[] } {
  const reasons: string[] = [];
  if (opts.failOn) {
    const limit = severityRank(opts.failOn as never);
    const bad = report.findings.filter((f) => f.status === 'fail' && !f.waiver && severityRank(f.severity) <= limit);
    if (bad.length > 0) reasons.push(`${bad.length} failing findings at severity ${opts.failOn} or higher`);
  }
  return { exitCode: reasons.length > 0 ? 1 : 0, reasons };
}
