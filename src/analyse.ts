import { readdirSync, statSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { analyseCoverage } from './coverage/analyse.js';
import type { SourceHealth } from './parsers/products/rule-blindness.js';
import { estimateFalsePositives } from './detect/estimate.js';
import { estimateInSiem } from './detect/siem-estimate.js';
import { autoWorkers, BUILTIN_RULES, totalBytes } from './detect/run.js';
import { runSampleDetections, type DetectionDetails } from './detect/sample.js';
import { analyseSensors } from './sensors/map.js';
import type { AnalysisSection, Finding, Inventory, LogSourceRef, Report } from './model.js';
import { analysePlaybooks, type PlaybooksDetails } from './playbook/analyse.js';
import { alertLoop } from './playbook/loop.js';
import { readReport } from './report/validate.js';
import { INPUT_LIMITS } from './util/input-file.js';
import { readJsonObjectStreamed } from './util/read-json-streamed.js';
import { CHECKS_DIR } from './paths.js';
import { analyseCost, type WhatIfFn } from './cost/index.js';
import { isActivelyWaived, scoreReport, scoreRun } from './score/index.js';
import { sourceClassGates, sourceMapStep } from './sources/index.js';
import type { Progress } from './util/progress.js';

/** True when every path is socready's own content (a run with no inventory, or an inventory that names none). */
function builtIn(paths: string[]): boolean {
  return (
    paths.length > 0 && paths.every((p) => resolve(p) === CHECKS_DIR || resolve(p).startsWith(`${CHECKS_DIR}${sep}`))
  );
}

/** Log sources the scan found not collected: what failing checks would have proved had they passed. */
export function blindSources(findings: Finding[]): LogSourceRef[] {
  const seen = new Map<string, LogSourceRef>();
  for (const f of findings) {
    if ((f.status !== 'fail' && f.status !== 'warn') || isActivelyWaived(f)) continue;
    for (const p of f.provides ?? []) seen.set(JSON.stringify(p), p);
  }
  // A source that some other target does collect is still blind on this one; detections re-run per source, so
  // only sources that no target proved collected are removed from the scenarios.
  const collected = new Set(
    findings.filter((f) => f.status === 'pass').flatMap((f) => (f.provides ?? []).map((p) => JSON.stringify(p))),
  );
  return [...seen.entries()].filter(([k]) => !collected.has(k)).map(([, v]) => v);
}

/** The latest earlier run of the same organisation in the reports folder, for "change since the last run". */
export function findPreviousRun(outDir: string, current: Report): Report | undefined {
  let dirs: string[];
  try {
    dirs = readdirSync(outDir)
      .filter((d) => d !== current.run.id)
      .sort()
      .reverse();
  } catch {
    return undefined;
  }
  for (const d of dirs) {
    const file = join(outDir, d, 'report.json');
    try {
      if (!statSync(file).isFile()) continue;
      // Only the run header of each earlier report is read to choose (a fleet's report is hundreds of MB); the chosen
      // one is then read whole by the one report reader (regular file, size caps, no content quoted in errors).
      const head = readJsonObjectStreamed(file, {
        maxBytes: INPUT_LIMITS.reportBytes,
        maxValueBytes: INPUT_LIMITS.jsonBytes,
        only: ['run'],
      }).run as Partial<Report['run']> | undefined;
      if (!head || head.shard || head.organization !== current.run.organization) continue;
      if (!(typeof head.started_at === 'string' && head.started_at < current.run.started_at)) continue;
      const r = readReport(file);
      // A shard's partial report is not a run of the estate: its merge is.
      if (r.run.shard) continue;
      if (r.run.organization === current.run.organization && r.run.started_at < current.run.started_at) return r;
    } catch {
      // A damaged or older report is skipped, never fatal.
    }
  }
  return undefined;
}

/** OpenSearch Security Analytics answers three searches (detectors, pre-packaged and custom rules), read joined. */
export const SECURITY_ANALYTICS_PROBES = ['os-sa-detectors', 'os-sa-rules-prepackaged', 'os-sa-rules-custom'] as const;

/** The product probes whose answers are the rules a SIEM runs (src/rules/siem-api.ts reads them). */
export const SIEM_RULE_PROBES: ReadonlySet<string> = new Set([
  'kibana-detection-rules',
  'splunk-saved-searches',
  'wazuh-rules',
  'sentinel-alert-rules',
  ...SECURITY_ANALYTICS_PROBES,
]);

/** What the analyses after a scan need from the scan's options (scan.ts extends this; nothing here imports scan). */
export interface AnalyseOptions {
  inventory: Inventory;
  /** Parent folder of run folders (reports/): where the previous run is looked for. */
  outDir: string;
  progress?: Progress;
  /** Skip rule coverage, sample detections and playbook dry-runs (host audit only). */
  hostsOnly?: boolean;
  /** Stored answers of the SIEM rule APIs (SIEM_RULE_PROBES): the rules the SIEM really runs. */
  siemRulePaths?: string[];
  /** Where the SIEMs' events arrive, read from their stored answers: rules searching nothing there are blind. */
  siemHealth?: { health: SourceHealth[]; problems: { path: string; error: string }[] };
  /** The clock the SIEM estimate's window ends by (tests inject one). */
  now?: () => Date;
  /** Where API tokens (token_env) are read; default process.env. */
  env?: NodeJS.ProcessEnv;
}

async function step<T>(
  label: string,
  problems: { path: string; error: string }[],
  opts: AnalyseOptions,
  run: () => Promise<T>,
): Promise<T | undefined> {
  opts.progress?.step(label, 0, 0);
  try {
    return await run();
  } catch (e) {
    problems.push({ path: label, error: (e as Error).message });
    opts.progress?.note(`${label}: ${(e as Error).message}`);
    return undefined;
  }
}

/**
 * analyse -> score. Sample detections first (they re-run with what the scan found not collected), then coverage
 * (which counts a rule only where its source is visible, and as validated where a detection proved it), then the
 * playbook dry-runs (fed the false positives the detections produced), then waivers, questionnaire and the score.
 */
export async function completeReport(report: Report, opts: AnalyseOptions): Promise<{ path: string; error: string }[]> {
  const inv = opts.inventory;
  const problems: { path: string; error: string }[] = [];
  if (!opts.hostsOnly) {
    const rulesContent = builtIn(inv.rules) ? 'built-in' : 'organisation';
    // The scenarios run against the organisation's rules and, beside them for comparison, the built-in pack; only
    // the organisation's rules are counted in what scoring reads.
    const detections = await step('sample detections', problems, opts, () =>
      runSampleDetections({
        rulePaths: rulesContent === 'built-in' ? inv.rules : [...inv.rules, BUILTIN_RULES],
        scenarioPaths: inv.scenarios,
        blind: blindSources(report.findings),
        ...(rulesContent === 'organisation' ? { countOnly: 'organisation' as const } : {}),
      }),
    );
    if (detections) report.analyses.detections = { ...detections, content: rulesContent };
    if (detections && inv.log_exports?.length) {
      // How much a SOAR would have acted on: the rules over the organisation's real logs.
      const estimate = await step('false-positive estimate', problems, opts, () =>
        estimateFalsePositives({
          rulePaths: inv.rules,
          exports: inv.log_exports!,
          // Large exports are matched on worker threads (same estimate, tested in test/unit/sigma/pool.test.ts).
          workers: autoWorkers(totalBytes(inv.log_exports!)),
          onBytes: () => opts.progress?.step('false-positive estimate', 0, 0),
        }),
      );
      if (estimate) {
        report.analyses.detections!.summary.estimated_alerts_per_day = estimate.alerts_per_day;
        (report.analyses.detections!.details as DetectionDetails & { estimate?: unknown }).estimate = estimate;
      }
    }
    if (detections && inv.estimate) {
      // Counted inside the SIEM over its retention: it replaces an export's estimate in what scoring reads.
      const pushed = await step('SIEM estimate', problems, opts, () =>
        estimateInSiem({ inventory: inv, rulePaths: inv.rules, now: opts.now?.() ?? new Date(), env: opts.env }),
      );
      if (pushed) {
        const section = report.analyses.detections!;
        (section.details as DetectionDetails & { siem_estimate?: unknown }).siem_estimate = pushed;
        if (pushed.counted > 0) section.summary.estimated_alerts_per_day = pushed.alerts_per_day;
        if (pushed.failed > 0) {
          const first = pushed.rules.find((r) => r.error)!;
          section.problems.push({
            path: `SIEM estimate (${pushed.target})`,
            error: `${pushed.failed} of ${pushed.converted} counts failed, e.g. ${first.title}: ${first.error}`,
          });
        }
      }
    }
    const details = detections?.details as DetectionDetails | undefined;
    // The SIEM's own rules are the organisation's: beside the inventory's rule files, or instead of the built-in pack.
    const siemRules = opts.siemRulePaths ?? [];
    const coverageRules =
      siemRules.length === 0 ? inv.rules : rulesContent === 'built-in' ? siemRules : [...inv.rules, ...siemRules];
    // Class statuses do not depend on the playbooks (only which use-cases are automated does): coverage joins them now.
    const early = sourceMapStep(report, inv.estate);
    const sourceClasses = 'problem' in early ? undefined : sourceClassGates(early);
    const coverage = await step('coverage', problems, opts, () =>
      analyseCoverage({
        rulePaths: coverageRules,
        findings: report.findings,
        validations: details?.rules,
        threatFocus: inv.threat_focus,
        webFacing: inv.targets.some((t) => t.kind === 'web' || t.kind === 'waf'),
        sourceClasses,
        sourceHealth: opts.siemHealth?.health,
      }),
    );
    if (coverage) coverage.problems.push(...(opts.siemHealth?.problems ?? []));
    if (coverage)
      report.analyses.coverage = { ...coverage, content: siemRules.length > 0 ? 'organisation' : rulesContent };
    const playbooks = await step('playbook dry-runs', problems, opts, () =>
      analysePlaybooks({
        playbookPaths: inv.playbooks,
        alertPaths: inv.alerts,
        falsePositiveAlerts: falsePositiveAlerts(details),
      }),
    );
    if (playbooks)
      report.analyses.playbooks = { ...playbooks, content: builtIn(inv.playbooks) ? 'built-in' : 'organisation' };
  }
  // The blind-spot map reads the findings only: it runs for host-only scans too.
  const sensors = analyseSensors(inv.targets, report.findings);
  if (sensors.summary.flows > 0 || sensors.summary.edr_agents > 0)
    report.analyses.sensors = sensors as unknown as AnalysisSection<Record<string, number>>;
  for (const section of Object.values(report.analyses) as (AnalysisSection<unknown> | undefined)[]) {
    for (const p of section?.problems ?? []) opts.progress?.note(`${p.path}: ${p.error}`);
  }
  // The source map sits between the analyses and the score: scoring and the SOAR gate read it.
  const sources = sourceMapStep(report, inv.estate);
  if ('problem' in sources) problems.push(sources.problem);
  else report.analyses.sources = sources;
  // The SIEM -> SOAR -> WAF -> SIEM loop reads the findings, the playbook dry-runs and the source map: it goes last.
  if (report.analyses.playbooks)
    (report.analyses.playbooks.details as PlaybooksDetails).loop = alertLoop(report, inv.targets);
  const previous = findPreviousRun(resolve(opts.outDir), report);
  const scored = scoreRun(report, { questionnaire: inv.questionnaire, waivers: inv.waivers, baseline: previous });
  Object.assign(report, scored.report);
  for (const p of scored.problems) opts.progress?.note(`${p.path}: ${p.error}`);
  // Cost reads the scored report (the plan says what each phase changes in the score); it is not scored itself.
  const cost = await step('cost forecast', problems, opts, async () =>
    analyseCost(report, { inventory: inv, whatIf: whatIfScore(report, inv) }),
  );
  if (cost) report.analyses.cost = cost;
  return [...problems, ...scored.problems];
}

/**
 * The score the run would get if the given findings passed: the source map and the score re-run on a copy (waivers
 * and questionnaire already applied), for what each phase of the cost plan buys.
 */
export function whatIfScore(report: Report, inv: Inventory): WhatIfFn {
  return (passing) => {
    const r = structuredClone(report);
    for (const f of r.findings) if (passing.has(`finding:${f.check}@${f.target}`)) f.status = 'pass';
    const sources = sourceMapStep(r, inv.estate);
    if (!('problem' in sources)) r.analyses.sources = sources;
    const score = scoreReport(r);
    const areas = Object.fromEntries(score.areas.map((a) => [a.area, a.level]));
    return {
      overall: score.overall,
      areas,
      soar: score.soar.verdict,
      soar_ready: (score.soar.use_cases ?? []).filter((u) => u.ready).map((u) => u.id),
      use_cases_visible:
        'problem' in sources ? [] : sources.details.use_cases.filter((u) => u.visible).map((u) => u.id),
    };
  };
}

/**
 * Alerts a SOAR would have received from the rules that fired on benign baselines: the blast-radius test of the
 * playbooks runs on exactly these.
 */
export function falsePositiveAlerts(details: DetectionDetails | undefined): Record<string, unknown>[] {
  if (!details) return [];
  return details.scenarios.flatMap((s) =>
    s.rules
      .filter((r) => r.fired_on_baseline)
      .map((r) => ({
        rule_id: r.rule_id,
        title: r.title,
        severity: r.level,
        scenario: s.id,
        attack_class: s.attack_class,
        false_positive: true,
      })),
  );
}
