// One playbook, end to end: validation, dry-runs per alert with traces, guardrails, blast radius on false positives
// and their dangerous mutations, integration readiness, verdict. And the scan pipeline's entry: analysePlaybooks.
import type { LoopHop } from './loop.js';
import { extname, join } from 'node:path';
import type { AnalysisSection, PlaybookSummary } from '../model.js';
import { CHECKS_DIR } from '../paths.js';
import { walkFiles } from '../util/walk.js';
import { type Alert, DEFAULT_PROTECTED, type ProtectedSets, loadAlertFile, makeAlert, mutateAlert } from './alerts.js';
import { ANALYSES, type AnalysisCut, Budget, type Clock, DEFAULT_BUDGETS, type PlaybookBudgets } from './budget.js';
import { type ActionRecord, type DryRun, dryRun } from './dryrun.js';
import { type GuardrailFinding, KIND_TITLES, analyseGuardrails } from './guardrails.js';
import { type LoadedPlaybook, loadPlaybookFile } from './load.js';
import { type FindingSeverity, type PlaybookFormat, type ValidationIssue, severityAtLeast } from './model.js';
import type { ReadOnlyProbe } from './readonly-probe.js';
import { type IntegrationEndpoint, type IntegrationStatus, checkReadiness } from './readiness.js';
import { type ExecutionStatus, toExecutionStatus } from './trace.js';

export const PLAYBOOKS_DIR = join(CHECKS_DIR, 'playbooks');
export const ALERTS_DIR = join(PLAYBOOKS_DIR, 'alerts');

export interface BlastIncident {
  alert: string;
  origin: Alert['origin'];
  mutation?: Alert['mutation'];
  step_id: string;
  action?: string;
  verb?: string;
  entity: { kind: string; value: string; protected?: string } | null;
  reached: ActionRecord['reached'];
  /** A human approval precedes the action: it would be proposed, not done. Not counted as an incident. */
  gated_by_approval: boolean;
}

export type Verdict = 'invalid' | 'unsafe' | 'review' | 'ok';

export interface PlaybookResult {
  playbook: { id: string; name: string; format: PlaybookFormat; source: string };
  valid: boolean;
  strict_valid?: boolean;
  validation: ValidationIssue[];
  guardrail_findings: GuardrailFinding[];
  runs: (DryRun & { trace: ExecutionStatus[] })[];
  blast_radius: { alerts_run: string[]; incidents: BlastIncident[] } | null;
  integrations: IntegrationStatus[];
  verdict: Verdict;
  /** The budgets each analysis ran under (README: "Playbook analysis budgets"). */
  budgets: PlaybookBudgets;
  /** Analyses stopped by their budget, at most one entry per analysis; empty when everything finished. */
  analysis_cuts: AnalysisCut[];
  counts: {
    destructive_actions: number;
    /** Destructive actions whose guard is unknown because the dominator analysis was cut. */
    guards_unknown: number;
    unguarded_destructive: number;
    blast_radius_incidents: number;
    undecidable_steps: number;
    integrations_unready: number;
  };
}

export interface DryRunOptions {
  /** Sample alerts (origin "sample"; files may mark false positives with "false_positive": true). */
  alerts?: Alert[];
  /** False-positive alerts the sample detections produced. */
  falsePositives?: Alert[];
  /** Run the dangerous mutations of every alert (default true). */
  mutate?: boolean;
  protectedSets?: ProtectedSets;
  integrations?: IntegrationEndpoint[];
  /** Send the read-only readiness probes (default false: nothing leaves the machine). */
  probe?: boolean;
  probeClient?: ReadOnlyProbe;
  now?: () => Date;
  /** Budgets of the dominator analysis and the exploration (validation's were applied when loading). */
  budgets?: PlaybookBudgets;
  /** Clock for the budgets' deadlines, in milliseconds (tests inject one). */
  clock?: Clock;
}

const UNREADY = new Set(['auth-failed', 'unreachable', 'http-error', 'missing-credentials']);

function blastRadius(
  lp: LoadedPlaybook,
  alerts: Alert[],
  approvalGated: Set<string>,
  sets: ProtectedSets,
  exploration: Budget,
  cuts: AnalysisCut[],
): { alerts_run: string[]; incidents: BlastIncident[] } {
  const incidents: BlastIncident[] = [];
  for (const alert of alerts) {
    const run = dryRun(lp.playbook, alert, sets, exploration.fork());
    if (run.cut) cuts.push(run.cut);
    for (const a of run.actions) {
      if (a.risk !== 'contain' || !a.automated) continue;
      // On a mutation only protected entities are wrong to hit; on a false positive everything it names is.
      const hits = a.entities.filter((e) =>
        alert.origin === 'mutation' ? !!e.protected : e.field !== 'command' || !!e.protected,
      );
      for (const e of hits) {
        incidents.push({
          alert: alert.id,
          origin: alert.origin,
          mutation: alert.mutation,
          step_id: a.step_id,
          action: a.name,
          verb: a.verb,
          entity: { kind: e.kind, value: e.value, protected: e.protected },
          reached: a.reached,
          gated_by_approval: approvalGated.has(a.step_id),
        });
      }
    }
  }
  return { alerts_run: alerts.map((a) => a.id), incidents };
}

/** Runs everything for one loaded playbook. Never throws for the playbook's own problems. */
export async function dryRunPlaybook(lp: LoadedPlaybook, opts: DryRunOptions = {}): Promise<PlaybookResult> {
  const pb = lp.playbook;
  const sets = opts.protectedSets ?? DEFAULT_PROTECTED;
  const startedAt = (opts.now?.() ?? new Date()).toISOString();
  const budgets = opts.budgets ?? DEFAULT_BUDGETS;
  const guard = analyseGuardrails(pb, new Budget('dominators', budgets.dominators, opts.clock));
  const findings = [...guard.findings];
  const approvalGated = new Set(guard.actions.filter((a) => a.approval_gated).map((a) => a.step_id));

  // One time budget for every walk of this playbook; each walk has its own count of operations.
  const exploration = new Budget('exploration', budgets.exploration, opts.clock);
  const cuts: AnalysisCut[] = [];
  const runAlerts = [...(opts.alerts ?? []), ...(opts.falsePositives ?? [])];
  const runs = (runAlerts.length ? runAlerts : [undefined]).map((a) => {
    const run = dryRun(pb, a, sets, exploration.fork());
    if (run.cut) cuts.push(run.cut);
    return { ...run, trace: toExecutionStatus(pb, run, startedAt) };
  });

  let blast: PlaybookResult['blast_radius'] = null;
  if (runAlerts.length) {
    const fp = runAlerts.filter((a) => a.origin === 'false-positive');
    const mutations = opts.mutate === false ? [] : runAlerts.flatMap(mutateAlert);
    blast = blastRadius(lp, [...fp, ...mutations], approvalGated, sets, exploration, cuts);
    const seen = new Set<string>();
    for (const i of blast.incidents) {
      if (i.gated_by_approval) continue;
      const key = `${i.step_id}|${i.entity?.value}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const why = i.entity?.protected ? ` (${i.entity.protected})` : ' (the alert was a false positive)';
      findings.push({
        kind: 'false-positive-blast-radius',
        title: KIND_TITLES['false-positive-blast-radius'],
        step_id: i.step_id,
        severity: i.entity?.protected ? 'critical' : 'high',
        message:
          `on ${i.alert}, "${i.action ?? i.step_id}" would ${i.verb ?? 'contain'} ${i.entity?.kind} ` +
          `${i.entity?.value}${why}${i.reached === 'possible' ? ' if the undecidable branch is taken' : ''}`,
      });
    }
  }

  const integrations = await checkReadiness(pb, {
    config: opts.integrations,
    probe: opts.probe,
    client: opts.probeClient,
  });
  for (const i of integrations) {
    if (UNREADY.has(i.status)) {
      findings.push({
        kind: 'integration-unready',
        title: KIND_TITLES['integration-unready'],
        step_id: i.used_by[0] ?? null,
        severity: 'medium',
        message: `integration ${i.name ?? i.id} is ${i.status}${i.detail ? `: ${i.detail}` : ''}`,
      });
    }
  }

  const analysis_cuts = mergeCuts([lp.validation_cut, guard.cut, ...cuts]);
  const guardsUnknown = guard.actions.filter((a) => a.destructive && a.guard === 'unknown').length;
  for (const c of analysis_cuts) {
    findings.push({
      kind: 'analysis-cut',
      title: KIND_TITLES['analysis-cut'],
      step_id: null,
      // Not proven safe is not safe: a cut analysis keeps the verdict from "ok".
      severity: 'medium',
      message: cutMessage(c, guardsUnknown),
    });
  }

  const maxSev = (min: FindingSeverity) => findings.some((f) => severityAtLeast(f.severity, min));
  // Invalid means errors were found; a validation cut without errors is "not established" (the analysis-cut finding).
  const errors = lp.validation.some((i) => i.level === 'error' && i.tier !== 'strict');
  const verdict: Verdict = errors ? 'invalid' : maxSev('high') ? 'unsafe' : maxSev('medium') ? 'review' : 'ok';
  return {
    playbook: { id: pb.id, name: pb.name, format: lp.format, source: pb.source },
    valid: lp.valid,
    strict_valid: lp.strict_valid,
    validation: lp.validation,
    guardrail_findings: findings,
    runs,
    blast_radius: blast,
    integrations,
    verdict,
    budgets,
    analysis_cuts,
    counts: {
      destructive_actions: guard.actions.filter((a) => a.destructive).length,
      guards_unknown: guardsUnknown,
      unguarded_destructive: findings.filter((f) => f.kind === 'unguarded-destructive-action').length,
      blast_radius_incidents: blast?.incidents.filter((i) => !i.gated_by_approval).length ?? 0,
      undecidable_steps: runs.reduce((n, r) => n + r.steps.filter((s) => s.status === 'undecidable').length, 0),
      integrations_unready: integrations.filter((i) => UNREADY.has(i.status)).length,
    },
  };
}

/** One entry per analysis (the first cut's reason and limit), exploration listing every walk that was cut. */
function mergeCuts(all: (AnalysisCut | undefined)[]): AnalysisCut[] {
  const out: AnalysisCut[] = [];
  for (const name of ANALYSES) {
    const of = all.filter((c): c is AnalysisCut => c?.analysis === name);
    if (!of.length) continue;
    const runs = of.flatMap((c) => c.runs ?? []);
    out.push({ ...of[0]!, ...(runs.length ? { runs } : {}) });
  }
  return out;
}

/** The finding's text (English; the renderers phrase the same facts in both languages from analysis_cuts). */
export function cutMessage(c: AnalysisCut, guardsUnknown: number): string {
  const why =
    c.reason === 'time'
      ? `ran out of its time budget (${c.limit} s)`
      : `reached its budget of ${c.limit.toLocaleString('en')} graph operations`;
  const what: Record<AnalysisCut['analysis'], string> = {
    validation: 'the workflow structure was not fully checked, so the playbook is not claimed valid',
    dominators:
      `no guard was proven or ruled out: ${guardsUnknown} destructive action(s) have an unknown guard, ` +
      'and missing allow-lists, confirmations and outcome records are not assessed',
    exploration:
      `the dry-run walk stopped early for ${(c.runs ?? []).length} alert(s): later steps and actions are not shown ` +
      'and the blast radius may be incomplete',
  };
  const raise = c.reason === 'time' ? `${c.analysis}.seconds=<s>` : `${c.analysis}=<operations>`;
  return `${c.analysis} ${why}: ${what[c.analysis]} (raise it with --budget ${raise})`;
}

const PLAYBOOK_EXT = new Set(['.json', '.yml', '.yaml']);

/** Files of a list of paths, directories expanded (one level, sorted). */
export function expandPaths(paths: string[], exts: Set<string>): string[] {
  return paths.flatMap((p) => {
    const missing: string[] = [];
    const files = walkFiles([p], {
      includeFile: (f) => exts.has(extname(f).toLowerCase()),
      maxDepth: 1,
      // An explicit path that cannot be read goes to the loader, which reports it as a problem naming the file.
      onSkip: (path, _reason, explicit) => explicit && missing.push(path),
    });
    return [...missing, ...files];
  });
}

export interface PlaybooksDetails {
  results: PlaybookResult[];
  alerts: { id: string; origin: Alert['origin'] }[];
  /** The SIEM -> SOAR -> WAF -> SIEM loop, hop by hop (src/playbook/loop.ts), set once the source map exists. */
  loop?: LoopHop[];
}

/**
 * The scan pipeline's playbook analysis. Empty path lists mean socready's own examples (checks/playbooks and its
 * alerts/). A broken playbook or alert file is listed in `problems` and never loses the others.
 */
export async function analysePlaybooks(opts: {
  playbookPaths: string[];
  alertPaths: string[];
  falsePositiveAlerts?: unknown[];
  integrations?: IntegrationEndpoint[];
  probe?: boolean;
  budgets?: PlaybookBudgets;
}): Promise<AnalysisSection<PlaybookSummary, PlaybooksDetails>> {
  const problems: { path: string; error: string }[] = [];
  const alerts: Alert[] = [];
  for (const f of expandPaths(opts.alertPaths.length ? opts.alertPaths : [ALERTS_DIR], new Set(['.json']))) {
    try {
      alerts.push(...loadAlertFile(f));
    } catch (e) {
      problems.push({ path: f, error: (e as Error).message });
    }
  }
  const falsePositives: Alert[] = [];
  (opts.falsePositiveAlerts ?? []).forEach((a, i) => {
    if (typeof a === 'object' && a !== null && !Array.isArray(a)) {
      const data = a as Record<string, unknown>;
      const rule = typeof data.rule_id === 'string' ? `:${data.rule_id}` : '';
      falsePositives.push(makeAlert(data, `false-positive#${i + 1}${rule}`, 'false-positive'));
    } else problems.push({ path: `falsePositiveAlerts[${i}]`, error: 'an alert must be a JSON object' });
  });

  const results: PlaybookResult[] = [];
  let unloadable = 0;
  for (const f of expandPaths(opts.playbookPaths.length ? opts.playbookPaths : [PLAYBOOKS_DIR], PLAYBOOK_EXT)) {
    try {
      const lp = loadPlaybookFile(f, { budgets: opts.budgets });
      results.push(
        await dryRunPlaybook(lp, {
          alerts,
          falsePositives,
          integrations: opts.integrations,
          probe: opts.probe,
          budgets: opts.budgets,
        }),
      );
    } catch (e) {
      unloadable++;
      problems.push({ path: f, error: (e as Error).message });
    }
  }
  const sum = (k: keyof PlaybookResult['counts']) => results.reduce((n, r) => n + r.counts[k], 0);
  return {
    summary: {
      playbooks: results.length + unloadable,
      valid: results.filter((r) => r.valid).length,
      // A playbook that cannot even be loaded is invalid too.
      invalid: results.filter((r) => !r.valid).length + unloadable,
      destructive_actions: sum('destructive_actions'),
      unguarded_destructive: sum('unguarded_destructive'),
      blast_radius_incidents: sum('blast_radius_incidents'),
      integrations_unready: sum('integrations_unready'),
      analyses_cut: results.filter((r) => r.analysis_cuts.length > 0).length,
      guards_unknown: sum('guards_unknown'),
    },
    details: { results, alerts: [...alerts, ...falsePositives].map((a) => ({ id: a.id, origin: a.origin })) },
    problems,
  };
}
