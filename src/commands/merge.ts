// `socready merge <reports...>`: joins the partial reports of `scan --shard i/n` into one run (src/shard/merge.ts),
// then renders and gates it exactly as scan does.
import type { Command } from 'commander';
import { builtInInventory, loadInventory } from '../inventory/load.js';
import { readRunReport } from '../report/validate.js';
import { inventoryDigest } from '../shard/digest.js';
import { runMerge } from '../shard/merge.js';
import { createProgress } from '../util/progress.js';
import { guarded } from './errors.js';
import { withGateOptions } from './report.js';
import { checkFailOn, finishRun, parseLang } from './scan.js';

interface MergeCliOptions {
  inventory?: string;
  out: string;
  json?: boolean;
  html: boolean;
  pdf?: boolean;
  lang?: string;
  browser?: string;
  failUnder?: number;
  failOn?: string;
  baseline?: string;
}

export function register(program: Command): void {
  withGateOptions(
    program
      .command('merge')
      .description(
        'join the partial reports of scan --shard i/n (report.json files or their run folders, every shard once) ' +
          'into one run: analyses and score over the whole estate, written to <out>/<run>/',
      )
      .argument('<reports...>', "the shards' report.json files or run folders (with their evidence/ folders)")
      .option('-i, --inventory <file>', 'the inventory the shards scanned (default: the built-in one, as scan)')
      .option('-o, --out <dir>', 'folder for run folders', 'reports')
      .option('--json', 'print a machine-readable summary on stdout; no progress display')
      .option('--no-html', 'do not write report.html')
      .option('--pdf', 'also write report.pdf (needs Chromium or Chrome)')
      .option('--lang <lang>', 'report language: ja or en (default: as the shards were scanned)')
      .option('--browser <path>', 'Chromium or Chrome for the PDF'),
  ).action((reports: string[], opts: MergeCliOptions) => guarded(() => mergeCommand(reports, opts)));
}

export async function mergeCommand(reports: string[], opts: MergeCliOptions): Promise<number> {
  checkFailOn(opts.failOn);
  const inventory = opts.inventory ? loadInventory(opts.inventory) : builtInInventory();
  const baseline = opts.baseline ? readRunReport(opts.baseline) : undefined;
  const progress = createProgress(process.stderr, opts.json);
  const { report, runDir } = await runMerge({
    reports,
    inventory,
    inventoryDigest: inventoryDigest(opts.inventory),
    outDir: opts.out,
    progress,
    // As scan: without HTML or PDF (which take the whole report) memory stays bounded by the largest shard.
    slimReport: opts.html === false && !opts.pdf,
  });
  const scanned = report.run.options.lang;
  const lang = parseLang(opts.lang ?? (typeof scanned === 'string' ? scanned : inventory.report?.lang));
  const browserPath = opts.browser ?? inventory.report?.browser;
  return finishRun(
    report,
    runDir,
    0,
    {
      lang,
      html: opts.html,
      pdf: opts.pdf,
      json: opts.json,
      failUnder: opts.failUnder,
      failOn: opts.failOn,
      ...(browserPath ? { browserPath } : {}),
      ...(baseline ? { baseline } : {}),
    },
    progress,
  );
}
