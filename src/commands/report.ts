// socready report | trend | diff: re-render, trend and compare report JSON files without scanning again.
// Exit codes: 0 ok; 1 below --fail-under or regressed against --baseline; 2 bad input or usage; 3 internal error.
import { writeOutputFile } from '../util/output-file.js';
import { basename, dirname, extname, join } from 'node:path';
import type { Command } from 'commander';
import type { Lang } from '../model.js';
import { diffReports, formatDiff } from '../report/diff.js';
import { withPrevious } from '../score/previous.js';
import { gate } from '../report/gate.js';
import { FORMAT_EXTENSIONS, isReportFormat, REPORT_FORMATS, renderReport } from '../report/render.js';
import { formatTrendTable, loadTrend, renderTrendHtml } from '../report/trend.js';
import { readRunReport } from '../report/validate.js';
import { parseLevel } from '../score/labels.js';
import { InputError } from '../util/validate.js';
import { EXIT, guarded } from './errors.js';

export { gate, type GateOptions, type GateResult } from '../report/gate.js';
export { withPrevious } from '../score/previous.js';

function langOf(value: string | undefined): Lang {
  const v = value ?? process.env.SOCREADY_LANG ?? (process.env.LANG?.startsWith('ja') ? 'ja' : 'en');
  if (v !== 'en' && v !== 'ja') throw new InputError('(command line)', `--lang takes ja or en, not "${v}"`);
  return v;
}

export function parseFailUnder(value: string): number {
  const n = parseLevel(value);
  if (n === undefined)
    throw new InputError(
      '(command line)',
      '--fail-under takes a level 0..5 or its name (none, initial, managed, defined, measured, optimising), ' +
        `not "${value}"`,
    );
  return n;
}

/** The CI gates a run shares with a merge: --fail-under, --fail-on and --baseline (same words, same parsing). */
export function withGateOptions(cmd: Command): Command {
  return cmd
    .option(
      '--fail-under <level>',
      'exit 1 when the overall maturity level is below this (0-5 or a level name)',
      parseFailUnder,
    )
    .option(
      '--fail-on <severity>',
      'exit 1 when a failing finding has this severity or higher (critical, high, medium, low)',
    )
    .option('--baseline <report.json>', 'exit 1 when any area regressed against this earlier report');
}

interface ReportOpts {
  format: string;
  out?: string;
  lang?: string;
  failUnder?: string;
  baseline?: string;
  browser?: string;
}

export async function reportCommand(file: string, opts: ReportOpts): Promise<number> {
  if (!isReportFormat(opts.format)) {
    throw new InputError('(command line)', `--format takes one of ${REPORT_FORMATS.join(', ')}, not "${opts.format}"`);
  }
  const lang = langOf(opts.lang);
  const failUnder = opts.failUnder !== undefined ? parseFailUnder(opts.failUnder) : undefined;
  let report = readRunReport(file);
  const baseline = opts.baseline ? readRunReport(opts.baseline) : undefined;
  if (baseline) report = withPrevious(report, baseline);
  // Without -o, text goes to stdout; a PDF needs a file, so it lands next to the JSON.
  const out =
    opts.out ??
    (opts.format === 'pdf'
      ? join(dirname(file), `${basename(file, extname(file))}${FORMAT_EXTENSIONS.pdf}`)
      : undefined);
  const text = await renderReport(report, opts.format, {
    lang,
    ...(out ? { out } : {}),
    ...(opts.browser ? { browserPath: opts.browser } : {}),
  });
  if (out) process.stderr.write(`socready: wrote ${out}\n`);
  else if (text !== undefined) process.stdout.write(text);
  const g = gate(report, {
    ...(failUnder !== undefined ? { failUnder } : {}),
    ...(baseline ? { baseline } : {}),
    lang,
  });
  for (const reason of g.reasons) process.stderr.write(`socready: gate: ${reason}\n`);
  return g.exitCode === 0 ? EXIT.ok : EXIT.gate;
}

export function trendCommand(dir: string, opts: { out?: string; lang?: string }): number {
  const lang = langOf(opts.lang);
  const runs = loadTrend(dir);
  for (const p of runs.problems) process.stderr.write(`socready: skipped ${p.error}\n`);
  if (runs.points.length === 0)
    throw new InputError(dir, 'no valid report JSON found (reports/<run>/report.json or *.json)');
  process.stdout.write(formatTrendTable(runs, lang));
  if (opts.out) {
    writeOutputFile(opts.out, renderTrendHtml(runs, lang));
    process.stderr.write(`socready: wrote ${opts.out}\n`);
  }
  return EXIT.ok;
}

export function diffCommand(oldFile: string, newFile: string, opts: { lang?: string; json?: boolean }): number {
  const lang = langOf(opts.lang);
  const d = diffReports(readRunReport(oldFile), readRunReport(newFile));
  process.stdout.write(opts.json ? `${JSON.stringify(d, null, 2)}\n` : formatDiff(d, lang));
  return EXIT.ok;
}

export function register(program: Command): void {
  program
    .command('report')
    .description('render a report JSON again without scanning: html, pdf, json, md, junit, sarif, hdf or navigator')
    .argument('<report.json>', 'a report written by socready scan')
    .option('-f, --format <format>', `output format: ${REPORT_FORMATS.join(', ')}`, 'html')
    .option('-o, --out <file>', 'output file (default: stdout; for pdf, next to the report)')
    .option('--lang <lang>', 'report language: ja or en (default from LANG)')
    .option('--fail-under <level>', 'exit 1 when the overall maturity level is below this (0..5 or a level name)')
    .option('--baseline <report.json>', 'show changes since this report and exit 1 on any regression')
    .option('--browser <path>', 'Chromium or Chrome executable for PDF output')
    .addHelpText(
      'after',
      '\nExit codes: 0 ok, 1 below --fail-under or regressed against --baseline, 2 bad input, 3 internal error.',
    )
    .action((file: string, opts: ReportOpts) => guarded(() => reportCommand(file, opts)));

  program
    .command('trend')
    .description('print the maturity level per area across the runs kept under a folder')
    .argument('<dir>', 'folder of runs (reports/)')
    .option('-o, --out <file>', 'also write an HTML page with a line chart')
    .option('--lang <lang>', 'ja or en (default from LANG)')
    .addHelpText('after', '\nExit codes: 0 ok, 2 no readable report in the folder.')
    .action((dir: string, opts: { out?: string; lang?: string }) => guarded(() => trendCommand(dir, opts)));

  program
    .command('diff')
    .description('list what got better and worse between two runs')
    .argument('<old.json>', 'the earlier report')
    .argument('<new.json>', 'the later report')
    .option('--lang <lang>', 'ja or en (default from LANG)')
    .option('--json', 'print the comparison as JSON')
    .addHelpText(
      'after',
      '\nExit codes: 0 ok (whatever changed), 2 bad input. Use report --baseline to fail on regressions.',
    )
    .action((oldFile: string, newFile: string, opts: { lang?: string; json?: boolean }) =>
      guarded(() => diffCommand(oldFile, newFile, opts)),
    );
}
