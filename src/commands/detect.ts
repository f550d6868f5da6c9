// `socready detect`: run Sigma rules over event files (and `--estimate`: alerts per rule per day over log exports).
import type { Command } from 'commander';
import { estimateFalsePositives, type FalsePositiveEstimate } from '../detect/estimate.js';
import { BUILTIN_RULES, missingPaths, runDetect, totalBytes, type DetectOutput } from '../detect/run.js';
import { listEventFiles } from '../sigma/events/reader.js';
import { terminalSafe } from '../util/terminal.js';

function progress(total: number): ((bytes: number) => void) | undefined {
  if (!process.stderr.isTTY || process.env.CI || total <= 0) return undefined;
  let lastDraw = 0;
  return (bytes: number) => {
    const now = Date.now();
    if (now - lastDraw < 100 && bytes < total) return;
    lastDraw = now;
    const frac = Math.min(1, bytes / total);
    const width = 30;
    const fill = Math.round(frac * width);
    process.stderr.write(`\r[${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${(frac * 100).toFixed(0).padStart(3)}% ${(bytes / 1048576).toFixed(1)}/${(total / 1048576).toFixed(1)} MiB`);
    if (bytes >= total) process.stderr.write('\n');
  };
}

function parsePlaceholders(list: string[] | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const item of list ?? []) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new UsageError(`--placeholder "${item}" must look like name=value1,value2`);
    out[item.slice(0, eq).replace(/^%|%$/g, '')] = item.slice(eq + 1).split(',').map((v) => v.trim()).filter(Boolean);
  }
  return out;
}

class UsageError extends Error {}

function table(given: string[][]): string {
  // Rule titles and ids come from rule files a pull request may have changed: no control character reaches the terminal.
  const rows = given.map((r) => r.map(terminalSafe));
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')).join('\n');
}

function printDetect(out: DetectOutput): void {
  console.log(`rules loaded: ${out.rules_loaded}   rules failed: ${out.rules_failed.length}   events: ${out.events}   rules matched: ${out.matches.length}`);
  if (out.matches.length) {
    console.log('');
    console.log(table([['COUNT', 'LEVEL', 'RULE ID', 'TITLE'], ...out.matches.map((m) => [String(m.count), m.level, m.rule_id, m.title])]));
  }
  if (out.rules_failed.length) {
    console.log('\nrules that failed to load:');
    for (const f of out.rules_failed) console.log(`  ${f.path}: ${f.error}`);
  }
}

function printEstimate(e: FalsePositiveEstimate): void {
  console.log(`events: ${e.events} over ${e.days} day(s)${e.first ? ` (${e.first.slice(0, 10)} .. ${e.last!.slice(0, 10)})` : ''}   rules loaded: ${e.rules_loaded}   failed: ${e.rules_failed.length}`);
  console.log(`alerts: ${e.alerts_total} in total, ${e.alerts_per_day} per day`);
  if (e.top_noisy.length) {
    console.log('\ntop noisy rules:');
    console.log(table([['ALERTS', 'PER DAY', 'LEVEL', 'RULE ID', 'TITLE'], ...e.top_noisy.map((r) => [String(r.alerts), String(r.per_day), r.level, r.rule_id, r.title])]));
  }
  if (e.skipped_lines) console.log(`\n${e.skipped_lines} line(s) could not be read, e.g. ${e.problems[0]}`);
}

export function register(program: Command): void {
  program
    .command('detect')
    .description('Run Sigma rules over event files (evtx_dump JSON, NDJSON, ECS/Winlogbeat, auditd, access logs, ModSecurity; gzip ok)')
    .option('--rules <paths...>', 'Sigma rule files or folders (default: the built-in rule pack)')
    .option('--events <paths...>', 'event files or folders')
    .option('--estimate <exports...>', 'estimate alerts per rule per day over real log exports (NDJSON/JSON/CSV, gzip ok)')
    .option('--placeholder <name=values...>', 'values for |expand placeholders, e.g. Admins=root,admin')
    .option('--format <format>', 'table or json', 'table')
    .action(async (opts: { rules?: string[]; events?: string[]; estimate?: string[]; placeholder?: string[]; format: string }) => {
      try {
        if (opts.format !== 'table' && opts.format !== 'json') throw new UsageError(`--format must be table or json, not "${opts.format}"`);
        if (!opts.events?.length && !opts.estimate?.length) throw new UsageError('give --events <file|dir>... or --estimate <exports>...');
        if (opts.events?.length && opts.estimate?.length) throw new UsageError('--events and --estimate cannot be combined');
        const rules = opts.rules?.length ? opts.rules : [BUILTIN_RULES];
        const inputs = opts.events ?? opts.estimate ?? [];
        const missing = missingPaths([...rules, ...inputs]);
        if (missing.length) throw new UsageError(`not found: ${missing.join(', ')}`);
        const placeholders = parsePlaceholders(opts.placeholder);
        // A symbolic link loop or a device in an events folder is named and skipped; the other files are read.
        listEventFiles(inputs, (path, reason) => process.stderr.write(`warning: ${terminalSafe(path)}: ${reason}\n`));
        const onBytes = progress(totalBytes(inputs));
        if (opts.estimate?.length) {
          const est = await estimateFalsePositives({ rulePaths: rules, exports: inputs, placeholders, onBytes });
          if (opts.format === 'json') console.log(JSON.stringify(est, null, 2));
          else printEstimate(est);
          return;
        }
        const run = await runDetect({ rules, events: inputs, placeholders, onBytes });
        for (const w of run.warnings) process.stderr.write(`warning: ${w.path}: ${w.error}\n`);
        if (run.read.skipped) process.stderr.write(`warning: ${run.read.skipped} line(s) could not be read, e.g. ${run.read.problems[0]}\n`);
        if (opts.format === 'json') console.log(JSON.stringify(run.output));
        else printDetect(run.output);
      } catch (e) {
        if (e instanceof UsageError) {
          process.stderr.write(`socready detect: ${e.message}\n`);
          process.exitCode = 2;
          return;
        }
        process.stderr.write(`socready detect: internal error: ${(e as Error).stack ?? e}\n`);
        process.exitCode = 3;
      }
    });
}
