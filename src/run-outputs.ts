import { join } from 'node:path';
import type { Lang, Report } from './model.js';
import { gate } from './report/gate.js';
import { renderReport } from './report/render.js';
import { isActivelyWaived } from './score/index.js';
import { severityRank } from './summary.js';
import { writeOutputFile } from './util/output-file.js';
import type { Progress } from './util/progress.js';

export interface OutputOptions {
  lang: Lang;
  html: boolean;
  pdf: boolean;
  browserPath?: string;
}

/** render: the human formats of a finished run, written beside report.json. A PDF failure loses nothing else. */
export async function writeRunOutputs(
  report: Report,
  runDir: string,
  opts: OutputOptions,
  progress?: Progress,
): Promise<Record<string, string>> {
  const paths: Record<string, string> = { report: join(runDir, 'report.json') };
  if (opts.html) {
    progress?.step('rendering HTML', 0, 0);
    const html = join(runDir, 'report.html');
    writeOutputFile(html, (await renderReport(report, 'html', { lang: opts.lang }))!, { mode: 0o640 });
    paths.html = html;
  }
  if (opts.pdf) {
    progress?.step('rendering PDF', 0, 0);
    const pdf = join(runDir, 'report.pdf');
    try {
      await renderReport(report, 'pdf', { lang: opts.lang, out: pdf, browserPath: opts.browserPath });
      paths.pdf = pdf;
    } catch (e) {
      progress?.note(`PDF not written: ${(e as Error).message}`);
    }
  }
  return paths;
}

export interface GateOptions {
  failUnder?: number;
  failOn?: string;
  baseline?: Report;
  lang?: Lang;
}

/** CI gates over a finished run: maturity threshold, regression against a baseline, severity of failing findings. */
export function gateRun(report: Report, opts: GateOptions): { exitCode: number; reasons: string[] } {
  const result = gate(report, { failUnder: opts.failUnder, baseline: opts.baseline, lang: opts.lang });
  const reasons = [...result.reasons];
  if (opts.failOn) {
    const limit = severityRank(opts.failOn as never);
    const bad = report.findings.filter(
      (f) => f.status === 'fail' && !isActivelyWaived(f) && severityRank(f.severity) <= limit,
    );
    if (bad.length > 0) reasons.push(`${bad.length} failing findings at severity ${opts.failOn} or higher`);
  }
  return { exitCode: reasons.length > 0 ? 1 : 0, reasons };
}
