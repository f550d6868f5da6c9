import { resolve } from 'node:path';
import type { Command } from 'commander';
import { builtInInventory, loadInventory } from '../inventory/load.js';
import type { Lang } from '../model.js';
import { readRunReport } from '../report/validate.js';
import { gateRun, writeRunOutputs } from '../run-outputs.js';
import { runScan } from '../scan.js';
import { countStatuses } from '../summary.js';
import { terminalSummary } from '../summary.js';
import { createProgress, type Progress } from '../util/progress.js';
import { inventoryDigest } from '../shard/digest.js';
import { parseShard, type ShardSpec } from '../shard/select.js';
import type { Report } from '../model.js';
import { join } from 'node:path';
import { InvalidArgumentError } from 'commander';
import { InputError } from '../util/validate.js';
import { collect, EXIT, guarded, parseIntOption } from './errors.js';
import { withGateOptions } from './report.js';

export interface ScanCliOptions {
  inventory?: string;
  out: string;
  concurrency: number;
  only?: string[];
  evidence?: string;
  followSymlinks?: boolean;
  json?: boolean;
  trustOnFirstUse?: boolean;
  active?: boolean;
  html: boolean;
  pdf?: boolean;
  lang?: string;
  failUnder?: number;
  failOn?: string;
  baseline?: string;
  hostsOnly?: boolean;
  browser?: string;
  shard?: ShardSpec;
}

export function defaultLang(): Lang {
  return /^ja/i.test(process.env.LC_ALL || process.env.LC_MESSAGES || process.env.LANG || '') ? 'ja' : 'en';
}

export function parseLang(value: string | undefined): Lang {
  if (value === undefined) return defaultLang();
  if (value !== 'ja' && value !== 'en')
    throw new InputError('(command line)', `--lang must be ja or en, not "${value}"`);
  return value;
}

export function register(program: Command): void {
  withGateOptions(
    program
      .command('scan')
      .description(
        'assess the targets of an inventory (with none: this machine) and write reports/<run>/report.json and ' +
          'report.html',
      )
      .option(
        '-i, --inventory <file>',
        'inventory YAML (default: audit this machine with the built-in rules, scenarios and playbooks)',
      )
      .option('-o, --out <dir>', 'folder for run folders', 'reports')
      .option('--concurrency <n>', 'targets assessed at once', parseIntOption('--concurrency'), 32)
      .option(
        '--only <glob>',
        'only checks whose id matches (repeatable, comma-separated), e.g. linux.audit.*',
        collect,
      )
      .option('--evidence <path>', 'evaluate offline evidence (files from collect-script) instead of reaching targets')
      .option(
        '--follow-symlinks',
        'with --evidence: also read evidence files that are symbolic links (refused by default)',
      )
      .option('--json', 'print a machine-readable summary on stdout; no progress display')
      .option('--trust-on-first-use', 'accept unknown SSH host keys and print their fingerprints (never a changed key)')
      .option(
        '--active',
        'send the harmless live probes (web body-logging canary, WAF detection probe, database canary query; ' +
          'logger canaries traced from a Linux host to its syslog collector)',
      )
      .option('--no-html', 'do not write report.html')
      .option('--pdf', 'also write report.pdf (needs Chromium or Chrome)')
      .option('--lang <lang>', "report language: ja or en (default: the inventory's report.lang, else LANG)")
      .option(
        '--browser <path>',
        "Chromium or Chrome for the PDF (default: the inventory's report.browser, PUPPETEER_EXECUTABLE_PATH, " +
          'CHROME_PATH, system paths)',
      )
      .option('--hosts-only', 'skip rule coverage, sample detections and playbook dry-runs'),
  )
    .option(
      '--shard <i/n>',
      'assess only shard i of n (by a stable hash of each target id) and write a partial report for socready merge',
      shardOption,
    )
    .action((opts: ScanCliOptions) => guarded(() => scanCommand(opts)));
}

/** commander's parser for --shard: a malformed value is a usage error (exit 2) naming the option. */
function shardOption(value: string): ShardSpec {
  try {
    return parseShard(value);
  } catch (e) {
    throw new InvalidArgumentError((e as InputError).detail);
  }
}

/** The options that read a whole run's score cannot apply to a shard, which stops before the analyses. */
function refuseGatesOnShard(opts: ScanCliOptions): void {
  const gates = [
    ['--fail-under', opts.failUnder],
    ['--fail-on', opts.failOn],
    ['--baseline', opts.baseline],
    ['--pdf', opts.pdf],
  ] as const;
  const given = gates.filter(([, v]) => v !== undefined && v !== false).map(([name]) => name);
  if (given.length > 0) {
    throw new InputError(
      '(command line)',
      `${given.join(', ')} cannot be used with --shard: ` +
        'a shard is scored and rendered by socready merge (give them there)',
    );
  }
}

/** --fail-on names a severity; checked before any host is reached or any shard read. */
export function checkFailOn(value: string | undefined): void {
  if (value && !['critical', 'high', 'medium', 'low', 'info'].includes(value)) {
    throw new InputError('(command line)', `--fail-on must be critical, high, medium, low or info, not "${value}"`);
  }
}

export async function scanCommand(opts: ScanCliOptions): Promise<number> {
  if (opts.shard) refuseGatesOnShard(opts);
  const inventoryFile = opts.inventory ? loadInventory(opts.inventory) : undefined;
  const lang = parseLang(opts.lang ?? inventoryFile?.report?.lang);
  checkFailOn(opts.failOn);
  const inventory = inventoryFile ?? builtInInventory();
  // A mistyped baseline must not cost a whole fleet scan: read it before reaching any host.
  const baseline = opts.baseline ? readRunReport(opts.baseline) : undefined;
  if (opts.evidence) {
    inventory.source = `${inventory.source} (evidence: ${resolve(opts.evidence)})`;
  }
  const progress = createProgress(process.stderr, opts.json);
  const { report, runDir, problems } = await runScan({
    inventory,
    outDir: opts.out,
    concurrency: opts.concurrency,
    only: opts.only,
    evidencePath: opts.evidence,
    followSymlinks: opts.followSymlinks,
    // Without an inventory the organisation would be this machine's name; SOCREADY_ORG still names it explicitly.
    titleFromEvidence: !inventoryFile && !process.env.SOCREADY_ORG,
    trustOnFirstUse: opts.trustOnFirstUse,
    active: opts.active,
    hostsOnly: opts.hostsOnly,
    progress,
    options: { lang },
    // The HTML and PDF renderers take the whole report; without them memory stays bounded by the concurrency.
    slimReport: opts.html === false && !opts.pdf,
    ...(opts.shard ? { shard: { spec: opts.shard, inventoryDigest: inventoryDigest(opts.inventory) } } : {}),
  });
  if (opts.shard) return shardSummary(report, runDir, problems.length, Boolean(opts.json), progress);
  const browserPath = opts.browser ?? inventory.report?.browser;
  return finishRun(report, runDir, problems.length, { ...opts, lang, browserPath, baseline }, progress);
}

/** What a shard run prints: where its partial report is and what it holds; no HTML, no score (merge does those). */
function shardSummary(report: Report, runDir: string, problems: number, json: boolean, progress: Progress): number {
  progress.end();
  const shard = report.run.shard!;
  const summary = {
    run_id: report.run.id,
    run_dir: runDir,
    outputs: { report: join(runDir, 'report.json') },
    shard: `${shard.index}/${shard.count}`,
    targets: report.targets.map((t) => ({ id: t.id, status: t.status, error: t.error })),
    findings: countStatuses(report.findings),
  };
  if (json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  else {
    process.stdout.write(
      `shard ${summary.shard}: ${report.targets.length} of ${shard.plan_size} targets assessed, ` +
        `${report.findings.length} findings; partial report ${summary.outputs.report} ` +
        '(join all shards with socready merge)\n',
    );
  }
  return problems > 0 ? EXIT.input : EXIT.ok;
}

export interface FinishOptions {
  lang: Lang;
  html: boolean;
  pdf?: boolean;
  json?: boolean;
  browserPath?: string;
  failUnder?: number;
  failOn?: string;
  baseline?: Report;
}

/** render -> gate -> print, for a finished run (scan) or a merged one (merge); returns the exit code. */
export async function finishRun(
  report: Report,
  runDir: string,
  problems: number,
  opts: FinishOptions,
  progress: Progress,
): Promise<number> {
  const { lang, baseline, browserPath } = opts;
  const paths = await writeRunOutputs(
    report,
    runDir,
    { lang, html: opts.html, pdf: Boolean(opts.pdf), ...(browserPath ? { browserPath } : {}) },
    progress,
  );
  progress.end();
  const gate = gateRun(report, { failUnder: opts.failUnder, failOn: opts.failOn, baseline, lang });
  if (opts.json) {
    const summary = {
      run_id: report.run.id,
      run_dir: runDir,
      outputs: paths,
      targets: report.targets.map((t) => ({ id: t.id, status: t.status, error: t.error })),
      findings: countStatuses(report.findings),
      overall: report.score?.overall ?? null,
      soar: report.score?.soar.verdict ?? null,
      gate,
    };
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  } else {
    process.stdout.write(
      `${terminalSummary(report, paths, Boolean(process.stdout.isTTY) && !process.env.NO_COLOR, lang)}\n`,
    );
    for (const reason of gate.reasons) process.stderr.write(`socready: gate: ${reason}\n`);
  }
  // Unreadable inputs (a bad evidence file) were each reported once, as the failed target's progress line naming the
  // file and the problem, and the rest evaluated; the exit code still says so.
  if (problems > 0) return EXIT.input;
  return gate.exitCode === 0 ? EXIT.ok : EXIT.gate;
}
