// `socready detect`: run Sigma rules over event files (and `--estimate`: alerts per rule per day over log exports).
import type { Command } from 'commander';
import { estimateFalsePositives, type FalsePositiveEstimate } from '../detect/estimate.js';
import { autoWorkers, BUILTIN_RULES, missingPaths, runDetect, totalBytes, type DetectOutput } from '../detect/run.js';
import { InputError } from '../util/validate.js';
import { loadInventory } from '../inventory/load.js';
import { PushdownUsageError, type PushdownOutput, runPushdown } from '../pushdown/run.js';
import type { Language } from '../pushdown/targets.js';
import { listEventFiles } from '../sigma/events/reader.js';
import { terminalLine } from '../util/terminal.js';

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
    process.stderr.write(
      `\r[${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${(frac * 100).toFixed(0).padStart(3)}% ` +
        `${(bytes / 1048576).toFixed(1)}/${(total / 1048576).toFixed(1)} MiB`,
    );
    if (bytes >= total) process.stderr.write('\n');
  };
}

function parsePlaceholders(list: string[] | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const item of list ?? []) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new UsageError(`--placeholder "${item}" must look like name=value1,value2`);
    out[item.slice(0, eq).replace(/^%|%$/g, '')] = item
      .slice(eq + 1)
      .split(',')
      .map((v) => v.trim())
      .filter(Boolean);
  }
  return out;
}

class UsageError extends Error {}

function table(given: string[][]): string {
  // Rule titles and ids come from rule files a pull request may have changed: no control character reaches the
  // terminal.
  const rows = given.map((r) => r.map(terminalLine));
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')).join('\n');
}

function printDetect(out: DetectOutput): void {
  console.log(
    `rules loaded: ${out.rules_loaded}   rules failed: ${out.rules_failed.length}   events: ${out.events}   ` +
      `rules matched: ${out.matches.length}`,
  );
  if (out.matches.length) {
    console.log('');
    console.log(
      table([
        ['COUNT', 'LEVEL', 'RULE ID', 'TITLE'],
        ...out.matches.map((m) => [String(m.count), m.level, m.rule_id, m.title]),
      ]),
    );
  }
  if (out.rules_failed.length) {
    console.log('\nrules that failed to load:');
    for (const f of out.rules_failed) console.log(`  ${f.path}: ${f.error}`);
  }
}

function printEstimate(e: FalsePositiveEstimate): void {
  console.log(
    `events: ${e.events} over ${e.days} ` +
      `day(s)${e.first ? ` (${e.first.slice(0, 10)} .. ${e.last!.slice(0, 10)})` : ''}   rules loaded: ` +
      `${e.rules_loaded}   failed: ${e.rules_failed.length}`,
  );
  console.log(`alerts: ${e.alerts_total} in total, ${e.alerts_per_day} per day`);
  if (e.top_noisy.length) {
    console.log('\ntop noisy rules:');
    console.log(
      table([
        ['ALERTS', 'PER DAY', 'LEVEL', 'RULE ID', 'TITLE'],
        ...e.top_noisy.map((r) => [String(r.alerts), String(r.per_day), r.level, r.rule_id, r.title]),
      ]),
    );
  }
  if (e.skipped_lines) console.log(`\n${e.skipped_lines} line(s) could not be read, e.g. ${e.problems[0]}`);
}

function printPushdown(o: PushdownOutput): void {
  console.log(
    `SIEM ${o.target} (${o.product}, ${o.language})   window ${o.window.start.slice(0, 10)} .. ` +
      `${o.window.end.slice(0, 10)} (${o.window.days} day(s), end exclusive)`,
  );
  console.log(
    `rules: ${o.rules_loaded} loaded, ${o.converted} converted, ${o.unsupported} not convertible, ` +
      `${o.counted} counted, ${o.rules_failed.length} failed to load`,
  );
  const counted = o.results.filter((r) => r.counts).sort((a, b) => b.counts!.total - a.counts!.total);
  if (counted.length) {
    console.log('');
    console.log(
      table([
        ['MATCHES', 'PER DAY', 'LEVEL', 'RULE ID', 'TITLE'],
        ...counted.map((r) => [
          `${r.counts!.total}${r.counts!.partial ? ' (partial)' : ''}`,
          String(r.alerts_per_day),
          r.level ?? '-',
          r.rule_id,
          r.title,
        ]),
      ]),
    );
  }
  const failed = o.results.filter((r) => r.error);
  if (failed.length) {
    console.log('\nrules the SIEM could not count:');
    for (const r of failed) console.log(terminalLine(`  ${r.rule_id} ${r.title}: ${r.error}`));
  }
  const unsupported = o.results.filter((r) => r.unsupported);
  if (unsupported.length) {
    console.log('\nrules not converted (why):');
    for (const r of unsupported)
      console.log(terminalLine(`  ${r.rule_id} ${r.title}: [${r.unsupported!.kind}] ${r.unsupported!.reason}`));
  }
  if (o.rules_failed.length) {
    console.log('\nrules that failed to load:');
    for (const f of o.rules_failed) console.log(terminalLine(`  ${f.path}: ${f.error}`));
  }
  console.log('\nrun with --format json for every converted query and the counts per day');
}

const LANGS: Language[] = ['dsl', 'lucene', 'esql', 'spl', 'kql'];

/** Files the reader refused (gzip bombs, corrupt gzip): one line each, the others were still read. */
function warnRefused(refused: { file: string; reason: string }[]): void {
  for (const r of refused) process.stderr.write(`warning: ${r.file}: refused: ${r.reason}\n`);
}

export function register(program: Command): void {
  program
    .command('detect')
    .description(
      'Run Sigma rules over event files (evtx_dump JSON, NDJSON, ECS/Winlogbeat, auditd, access logs, ' +
        'ModSecurity; gzip ok)',
    )
    .option('--rules <paths...>', 'Sigma rule files or folders (default: the built-in rule pack)')
    .option('--events <paths...>', 'event files or folders')
    .option(
      '--estimate <exports...>',
      'estimate alerts per rule per day over real log exports (NDJSON/JSON/CSV, gzip ok)',
    )
    .option('--placeholder <name=values...>', 'values for |expand placeholders, e.g. Admins=root,admin')
    .option('--format <format>', 'table or json', 'table')
    .option(
      '--siem <target-id>',
      'push the rules down: ask this SIEM target of the inventory (read-only) how many events each rule ' +
        'matches per day',
    )
    .option('-i, --inventory <file>', 'inventory holding the --siem target (api: url, product, token_env)')
    .option('--days <n>', 'with --siem: whole UTC days to count, ending before --until', '30')
    .option('--until <date>', 'with --siem: the window ends at 00:00 UTC of this day (default: today)')
    .option(
      '--index <pattern>',
      `with --siem: Elasticsearch index pattern (default ${'logs-*,winlogbeat-*'}) or Splunk index`,
    )
    .option(
      '--language <lang>',
      'with --siem: query language (Elasticsearch/OpenSearch: dsl (default), lucene or esql)',
    )
    .option('--timeout <seconds>', 'with --siem: time limit of each search', '60')
    .option(
      '--workers <n>',
      'threads matching NDJSON events (the output is the same); auto: 2 from 64 MiB of input, else 1',
      'auto',
    )
    .action(
      async (opts: {
        rules?: string[];
        events?: string[];
        estimate?: string[];
        placeholder?: string[];
        format: string;
        siem?: string;
        inventory?: string;
        days: string;
        until?: string;
        index?: string;
        language?: string;
        timeout: string;
        workers: string;
      }) => {
        try {
          if (opts.format !== 'table' && opts.format !== 'json')
            throw new UsageError(`--format must be table or json, not "${opts.format}"`);
          if (opts.siem) {
            if (opts.events?.length || opts.estimate?.length)
              throw new UsageError('--siem counts in the SIEM: it cannot be combined with --events or --estimate');
            if (!opts.inventory) throw new UsageError('--siem needs -i <inventory.yaml> naming the SIEM target');
            const days = Number(opts.days);
            if (!Number.isInteger(days) || days < 1 || days > 3660)
              throw new UsageError(`--days must be a whole number from 1 to 3660, not "${opts.days}"`);
            const timeout = Number(opts.timeout);
            if (!Number.isFinite(timeout) || timeout <= 0)
              throw new UsageError(`--timeout must be a positive number of seconds, not "${opts.timeout}"`);
            const now = opts.until ? new Date(`${opts.until}T00:00:00Z`) : new Date();
            if (Number.isNaN(now.getTime()))
              throw new UsageError(`--until must be a date like 2026-11-30, not "${opts.until}"`);
            if (opts.language && !LANGS.includes(opts.language as Language))
              throw new UsageError(`--language must be one of ${LANGS.join(', ')}`);
            const rules = opts.rules?.length ? opts.rules : [BUILTIN_RULES];
            const missing = missingPaths([...rules, opts.inventory]);
            if (missing.length) throw new UsageError(`not found: ${missing.join(', ')}`);
            let out: PushdownOutput;
            try {
              out = await runPushdown({
                rulePaths: rules,
                inventory: loadInventory(opts.inventory),
                siem: opts.siem,
                days,
                now,
                ...(opts.index ? { index: opts.index } : {}),
                ...(opts.language ? { language: opts.language as Language } : {}),
                timeoutMs: timeout * 1000,
                placeholders: parsePlaceholders(opts.placeholder),
              });
            } catch (e) {
              if (e instanceof PushdownUsageError || e instanceof InputError) throw new UsageError(e.message);
              throw e;
            }
            if (opts.format === 'json') console.log(JSON.stringify(out, null, 2));
            else printPushdown(out);
            // A count the SIEM refused or could not give is a failed measurement, not an empty one.
            if (out.results.some((r) => r.error)) process.exitCode = 1;
            return;
          }
          if (!opts.events?.length && !opts.estimate?.length)
            throw new UsageError('give --events <file|dir>... or --estimate <exports>...');
          if (opts.events?.length && opts.estimate?.length)
            throw new UsageError('--events and --estimate cannot be combined');
          const rules = opts.rules?.length ? opts.rules : [BUILTIN_RULES];
          const inputs = opts.events ?? opts.estimate ?? [];
          const missing = missingPaths([...rules, ...inputs]);
          if (missing.length) throw new UsageError(`not found: ${missing.join(', ')}`);
          const placeholders = parsePlaceholders(opts.placeholder);
          // A symbolic link loop or a device in an events folder is named and skipped; the other files are read.
          listEventFiles(inputs, (path, reason) => process.stderr.write(`warning: ${terminalLine(path)}: ${reason}\n`));
          const bytes = totalBytes(inputs);
          const onBytes = progress(bytes);
          const workers = opts.workers === 'auto' ? autoWorkers(bytes) : Number(opts.workers);
          if (!Number.isInteger(workers) || workers < 1 || workers > 64)
            throw new UsageError(`--workers must be auto or a whole number from 1 to 64, not "${opts.workers}"`);
          if (opts.estimate?.length) {
            const est = await estimateFalsePositives({
              rulePaths: rules,
              exports: inputs,
              placeholders,
              onBytes,
              workers,
            });
            warnRefused(est.refused_files);
            if (opts.format === 'json') console.log(JSON.stringify(est, null, 2));
            else printEstimate(est);
            return;
          }
          const run = await runDetect({ rules, events: inputs, placeholders, onBytes, workers });
          for (const w of run.warnings) process.stderr.write(`warning: ${w.path}: ${w.error}\n`);
          warnRefused(run.read.refused);
          if (run.read.skipped)
            process.stderr.write(
              `warning: ${run.read.skipped} line(s) could not be read, e.g. ${run.read.problems[0]}\n`,
            );
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
      },
    );
}
