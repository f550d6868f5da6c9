import type { Command } from 'commander';
import { type Alert, DEFAULT_PROTECTED, loadAlertFile } from '../playbook/alerts.js';
import { type PlaybookResult, cutMessage, dryRunPlaybook } from '../playbook/analyse.js';
import { type PlaybookBudgets, parseBudgets } from '../playbook/budget.js';
import { loadPlaybookFile } from '../playbook/load.js';
import { STEP_LEGEND, dryRunStepLines } from '../playbook/text.js';
import { SEVERITY_ORDER, type FindingSeverity, severityAtLeast } from '../playbook/model.js';
import { type IntegrationEndpoint, loadIntegrationConfig } from '../playbook/readiness.js';
import { InputError } from '../util/validate.js';
import { EXIT, collect, guarded } from './errors.js';
import { terminalLine, terminalSafe } from '../util/terminal.js';

interface DryRunCliOptions {
  alert?: string[];
  format?: string;
  failOn?: string;
  integrations?: string;
  probe?: boolean;
  mutations?: boolean;
  ownRanges?: string[];
  criticalAsset?: string[];
  protectedAccount?: string[];
  budget?: string[];
}

function budgetOption(items: string[] | undefined): PlaybookBudgets {
  try {
    return parseBudgets(items ?? []);
  } catch (e) {
    throw new InputError('(command line)', (e as Error).message);
  }
}

const BUDGET_HELP =
  'analysis budgets, repeatable: validation=<operations>, dominators=<operations>, ' +
  'exploration=<operations per walk>, ' +
  '<analysis>.seconds=<s>, seconds=<s> (all); defaults 2,000,000 / 2,000,000 / 1,000,000 operations, 15 s each';

function failOnOption(v: string | undefined): FindingSeverity | undefined {
  if (v === undefined) return undefined;
  if (!(SEVERITY_ORDER as readonly string[]).includes(v))
    throw new InputError('(command line)', `--fail-on takes one of ${SEVERITY_ORDER.join(', ')}, not "${v}"`);
  return v as FindingSeverity;
}

function formatOption(v: string | undefined): 'json' | 'text' {
  if (v === undefined || v === 'text') return 'text';
  if (v === 'json') return 'json';
  throw new InputError('(command line)', `--format takes json or text, not "${v}"`);
}

/** A document for a playbook that could not be loaded, so JSON consumers see every input they passed. */
function loadFailure(file: string, message: string) {
  return {
    playbook: { id: null, name: null, format: null, source: file },
    valid: false,
    error: message,
    validation: [{ tier: 'lenient', level: 'error', path: '/', message }],
    guardrail_findings: [],
    runs: [],
  };
}

/** Validation stopped by its budget without finding an error: validity is not established, not denied. */
const validationCut = (r: PlaybookResult) =>
  r.verdict !== 'invalid' && r.analysis_cuts.some((c) => c.analysis === 'validation');

function printText(r: PlaybookResult): void {
  // Playbooks and alerts are untrusted input: no control character reaches the terminal, and each line stays one.
  const w = (s: string) => process.stdout.write(`${terminalLine(s)}\n`);
  w(`${r.playbook.name} [${r.playbook.format}] ${r.playbook.source}`);
  const strict =
    r.strict_valid === undefined ? '' : ` (CACAO 2.0 strict: ${r.strict_valid ? 'conformant' : 'not conformant'})`;
  w(`  valid: ${r.valid ? 'yes' : validationCut(r) ? 'not established' : 'NO'}${strict}   verdict: ${r.verdict}`);

  for (const v of r.validation)
    if (v.tier !== 'strict' || v.level === 'error')
      w(`  ${v.level === 'error' ? 'E' : 'W'} [${v.tier}] ${v.path}: ${v.message}`);
  for (const f of r.guardrail_findings) w(`  ! ${f.severity.padEnd(8)} ${f.kind}: ${f.message}`);
  for (const c of r.analysis_cuts)
    w(`  cut: ${c.analysis} stopped by its budget (${c.reason === 'time' ? `${c.limit} s` : `${c.limit} operations`})`);
  for (const run of r.runs) {
    w(`  run: ${run.alert ? `${run.alert.id} (${run.alert.origin})` : 'no alert: every condition undecidable'}`);
    // A map, not a search per step: 50,000 steps against 25,000 actions was a billion comparisons.
    const actionOf = new Map(run.actions.map((x) => [x.step_id, x]));
    const lines = dryRunStepLines(run, (s) => {
      const a = actionOf.get(s.step_id);
      if (s.decision)
        return (
          `${s.decision.expression} is ${String(s.decision.result)}; follows ` +
          `${s.decision.branches.join(', ') || 'nothing'}`
        );
      if (!a) return '';
      return (
        `${a.risk}${a.verb ? `/${a.verb}` : ''}${a.automated ? '' : ' (human)'}` +
        (a.entities.length
          ? ` on ${a.entities.map((e) => `${e.value}${e.protected ? ` [${e.protected}]` : ''}`).join(', ')}`
          : '')
      );
    });
    for (const line of lines) w(line);
  }
  if (r.blast_radius) {
    const counted = r.blast_radius.incidents.filter((i) => !i.gated_by_approval);
    w(
      `  blast radius: ${counted.length} wrong containment(s) on ${r.blast_radius.alerts_run.length} ` +
        'false-positive and mutated alert(s)',
    );
  }
  for (const i of r.integrations)
    w(`  integration ${i.name ?? i.id}: ${i.status}${i.health_url ? ` (${i.health_url})` : ''}`);
  w('');
}

export function register(program: Command): void {
  const pb = program
    .command('playbook')
    .description('SOAR playbooks: validation and safe dry-runs (CACAO 2.0, native YAML, Cortex XSOAR)');

  pb.command('dry-run')
    .description(
      'walk each playbook for each alert without executing anything; report what it would do and whether ' +
        'guardrails stop it on false positives',
    )
    .argument('<playbook...>', 'playbook files (CACAO JSON, socready native YAML, XSOAR YAML)')
    .option('--alert <file...>', 'alert JSON files (an object or an array); without, every condition is undecidable')
    .option('--format <format>', 'json (one document per playbook per line) or text', 'text')
    .option(
      '--fail-on <severity>',
      'exit 1 when a guardrail finding at or above this severity exists (info, low, medium, high, critical)',
    )
    .option('--integrations <file>', 'YAML/JSON: integrations: [{match, health_url, method?, token_env?}]')
    .option(
      '--probe',
      'send the read-only readiness probe (GET/HEAD to each configured health endpoint); off by default',
    )
    .option('--no-mutations', 'do not run the internal-IP / domain-controller / break-glass mutations of the alerts')
    .option('--own-ranges <cidrs>', "the organisation's own address ranges (comma-separated, repeatable)", collect)
    .option('--critical-asset <names>', 'critical asset host names (comma-separated, repeatable)', collect)
    .option(
      '--protected-account <names>',
      'accounts never to disable automatically (comma-separated, repeatable)',
      collect,
    )
    .option('--budget <items>', BUDGET_HELP, collect)
    .action((files: string[], opts: DryRunCliOptions) =>
      guarded(async () => {
        const format = formatOption(opts.format);
        const budgets = budgetOption(opts.budget);
        const failOn = failOnOption(opts.failOn);
        const integrations: IntegrationEndpoint[] | undefined = opts.integrations
          ? loadIntegrationConfig(opts.integrations)
          : undefined;
        let exit: number = EXIT.ok;
        const alerts: Alert[] = [];
        for (const f of opts.alert ?? []) {
          try {
            alerts.push(...loadAlertFile(f));
          } catch (e) {
            if (!(e instanceof InputError)) throw e;
            process.stderr.write(`socready: ${terminalSafe(e.message)}\n`);
            exit = EXIT.input;
          }
        }
        const protectedSets = {
          own_ranges: opts.ownRanges ?? DEFAULT_PROTECTED.own_ranges,
          critical_assets: opts.criticalAsset ?? DEFAULT_PROTECTED.critical_assets,
          protected_accounts: opts.protectedAccount ?? DEFAULT_PROTECTED.protected_accounts,
        };
        let failed = false;
        let legendShown = false;
        for (const file of files) {
          let result: PlaybookResult;
          try {
            const loaded = loadPlaybookFile(file, { budgets });
            result = await dryRunPlaybook(loaded, {
              budgets,
              alerts,
              protectedSets,
              integrations,
              probe: opts.probe === true,
              mutate: opts.mutations !== false,
            });
          } catch (e) {
            if (!(e instanceof InputError)) throw e;
            process.stderr.write(`socready: ${terminalSafe(e.message)}\n`);
            if (format === 'json') process.stdout.write(`${JSON.stringify(loadFailure(file, e.message))}\n`);
            exit = EXIT.input;
            continue;
          }
          if (failOn && result.guardrail_findings.some((f) => severityAtLeast(f.severity, failOn))) failed = true;
          if (format === 'json') process.stdout.write(`${JSON.stringify(result)}\n`);
          else {
            if (!legendShown) process.stdout.write(`${STEP_LEGEND}\n\n`);
            legendShown = true;
            printText(result);
          }
        }
        if (exit !== EXIT.ok) return exit;
        return failed ? EXIT.gate : EXIT.ok;
      }),
    );

  pb.command('validate')
    .description('validate playbooks: CACAO 2.0 strict and lenient tiers, native and XSOAR schemas, workflow structure')
    .argument('<file...>', 'playbook files')
    .option('--format <format>', 'json or text', 'text')
    .option('--budget <items>', BUDGET_HELP, collect)
    .action((files: string[], opts: { format?: string; budget?: string[] }) =>
      guarded(() => {
        const format = formatOption(opts.format);
        const budgets = budgetOption(opts.budget);
        let exit: number = EXIT.ok;
        for (const file of files) {
          try {
            const r = loadPlaybookFile(file, { budgets });
            // An invalid playbook is bad input, like one that cannot be parsed (README: exit 2); the others are still
            // checked. One too large to validate within the budget is refused the same way: its validity is unknown.
            if (!r.valid) exit = EXIT.input;
            const doc = {
              file,
              playbook: { id: r.playbook.id, name: r.playbook.name, format: r.format },
              valid: r.valid,
              strict_valid: r.strict_valid,
              validation: r.validation,
              budgets: { validation: budgets.validation },
              analysis_cuts: r.validation_cut ? [r.validation_cut] : [],
            };
            if (format === 'json') process.stdout.write(`${JSON.stringify(doc)}\n`);
            else {
              const errors = r.validation.some((i) => i.level === 'error' && i.tier !== 'strict');
              const verdict = errors ? 'INVALID' : r.valid ? 'valid' : 'NOT ESTABLISHED (validation cut)';
              const strict =
                r.strict_valid === undefined
                  ? ''
                  : `, CACAO 2.0 strict: ${r.strict_valid ? 'conformant' : 'not conformant'}`;
              process.stdout.write(`${file}: ${verdict} (${r.format}${strict})\n`);
              if (r.validation_cut) process.stdout.write(`  cut: ${cutMessage(r.validation_cut, 0)}\n`);
              for (const v of r.validation)
                process.stdout.write(`  ${v.level === 'error' ? 'E' : 'W'} [${v.tier}] ${v.path}: ${v.message}\n`);
            }
          } catch (e) {
            if (!(e instanceof InputError)) throw e;
            process.stderr.write(`socready: ${terminalSafe(e.message)}\n`);
            if (format === 'json')
              process.stdout.write(`${JSON.stringify({ file, valid: false, error: e.message })}\n`);
            exit = EXIT.input;
          }
        }
        return exit;
      }),
    );
}
