// Sample detections: run every scenario's attack and benign baseline through the rules (the organisation's and the
// built-in pack), then again with the log sources and fields this environment does not collect taken away, to show
// which detections go blind here.
import { join, resolve } from 'node:path';
import type { AnalysisSection, Bilingual, DetectionSummary, LogSourceRef } from '../model.js';
import { CHECKS_DIR } from '../paths.js';
import { SigmaEngine, appliesTo, type ReportedRule } from '../sigma/engine.js';
import { loadRules } from '../sigma/loader.js';
import type { AnyRule, SigmaEvent } from '../sigma/types.js';
import { loadScenarios, toEvents } from './scenario.js';

export const BUILTIN_SCENARIOS = join(CHECKS_DIR, 'scenarios');

export interface ScenarioRuleResult {
  rule_id: string;
  title: string;
  level: string;
  source: 'built-in' | 'organisation';
  /** Named by the scenario's expectation (by id or tag). */
  expected: boolean;
  /** Fired on the attack events (true positive). */
  fired_on_attack: boolean;
  attack_matches: number;
  /** Fired on the benign baseline (false positive). */
  fired_on_baseline: boolean;
  baseline_matches: number;
  /** Expected but silent on the attack. */
  missed: boolean;
  /** Fired on the attack with full visibility, silent once this environment's gaps are applied. */
  blinded: boolean;
}

export interface ScenarioResult {
  id: string;
  title: Bilingual;
  attack_class: string;
  techniques: string[];
  log_sources: LogSourceRef[];
  file: string;
  /** Some expected rule fired on the attack. */
  detected: boolean;
  /** Some rule fired on the baseline. */
  false_positive: boolean;
  /** Detected with full visibility but not with this environment's gaps. */
  blinded: boolean;
  /** Still detected here, but some rule that fired with full visibility went blind. */
  partly_blinded: boolean;
  /** The gaps (not-collected sources/fields) that touched this scenario's events. */
  blind_by: LogSourceRef[];
  rules: ScenarioRuleResult[];
}

export interface RuleValidation {
  rule_id: string;
  title: string;
  techniques: string[];
  /** Fired on the attack of some scenario. */
  validated: boolean;
  /** Ran over benign baseline events of its log source and stayed silent on all of them. */
  benign_tested: boolean;
}

export interface DetectionDetails {
  scenarios: ScenarioResult[];
  rules: RuleValidation[];
  /** The not-collected log sources/fields the blind re-run applied. */
  blind: LogSourceRef[];
}

/** Field names other checks use for the same data as the Sigma web/proxy taxonomy. */
const FIELD_ALIASES: Record<string, string[]> = {
  user_agent: ['cs-user-agent', 'c-useragent'],
  status: ['sc-status'],
  src_ip: ['c-ip', 'src_ip'],
  request_body: ['request_body'],
  response_body: ['response_body'],
};
/** ModSecurity is described as a WAF log by the checks and carries webserver data for the rules. */
const CATEGORY_ALIASES: Record<string, string> = { waf: 'webserver' };
const normCat = (c?: string) => (c ? (CATEGORY_ALIASES[c] ?? c) : c);

/**
 * A gap covers a source when the category and service it names are the source's too. A product named by the gap
 * (apache, nginx) also covers a scenario written for any product of that category: the environment's web server is
 * the one that would have had to log it.
 */
function sameSource(gap: LogSourceRef, ls: LogSourceRef): boolean {
  let compared = 0;
  for (const k of ['product', 'category', 'service'] as const) {
    const a = k === 'category' ? normCat(gap[k]) : gap[k];
    if (!a) continue;
    const b = k === 'category' ? normCat(ls[k]) : ls[k];
    if (!b) {
      if (k === 'product') continue;
      return false;
    }
    if (a.toLowerCase() !== b.toLowerCase()) return false;
    compared++;
  }
  return compared > 0;
}

/** An event with some fields taken away, as a source that does not log them would deliver it. */
class WithoutFields implements SigmaEvent {
  constructor(
    private readonly inner: SigmaEvent,
    private readonly removed: Set<string>,
  ) {}
  get logsource() {
    return this.inner.logsource;
  }
  get time() {
    return this.inner.time;
  }
  get(field: string): unknown {
    return this.removed.has(field) ? undefined : this.inner.get(field);
  }
  values(): unknown[] {
    const gone = new Set<unknown>([...this.removed].map((f) => this.inner.get(f)).filter((v) => v !== undefined));
    return this.inner.values().filter((v) => !gone.has(v));
  }
}

interface PreparedGroup {
  source: LogSourceRef;
  events: SigmaEvent[];
}

/** Applies the environment's gaps: drops events of missing sources and strips missing fields. */
function blindGroups(groups: PreparedGroup[], blind: LogSourceRef[], touched: LogSourceRef[]): SigmaEvent[] {
  const out: SigmaEvent[] = [];
  for (const g of groups) {
    const gaps = blind.filter((b) => sameSource(b, g.source));
    if (gaps.some((b) => !b.fields?.length)) {
      touched.push(...gaps);
      continue;
    }
    const fields = new Set(gaps.flatMap((b) => (b.fields ?? []).flatMap((f) => [f, ...(FIELD_ALIASES[f] ?? [])])));
    if (fields.size) touched.push(...gaps);
    out.push(...(fields.size ? g.events.map((e) => new WithoutFields(e, fields)) : g.events));
  }
  return out;
}

function techniquesOf(tags: string[]): string[] {
  return tags.filter((t) => /^attack\.t\d{4}(\.\d{3})?$/i.test(t)).map((t) => t.slice(7).toUpperCase());
}

function byTime(events: SigmaEvent[]): SigmaEvent[] {
  // Stable: events without time keep their written order.
  return events
    .map((e, i) => ({ e, i }))
    .sort((a, b) => (a.e.time ?? 0) - (b.e.time ?? 0) || a.i - b.i)
    .map((x) => x.e);
}

function runEvents(engine: SigmaEngine, events: SigmaEvent[]): Map<ReportedRule, number> {
  engine.reset();
  const counts = new Map<ReportedRule, number>();
  const on = (r: ReportedRule) => counts.set(r, (counts.get(r) ?? 0) + 1);
  for (const e of byTime(events)) engine.process(e, on);
  engine.flush(on);
  engine.reset();
  return counts;
}

function dedupe(refs: LogSourceRef[]): LogSourceRef[] {
  const seen = new Set<string>();
  return refs.filter((r) => {
    const k = JSON.stringify(r);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

export async function runSampleDetections(opts: {
  rulePaths: string[];
  scenarioPaths: string[];
  blind: LogSourceRef[];
  /**
   * Count only these rules in the summary (what scoring reads) while the details show every rule that ran: the
   * organisation's rules are scored, the built-in pack beside them is shown for comparison.
   */
  countOnly?: 'organisation' | 'built-in';
}): Promise<AnalysisSection<DetectionSummary, DetectionDetails>> {
  const rulePaths = opts.rulePaths.length ? opts.rulePaths : [join(CHECKS_DIR, 'rules')];
  const scenarioPaths = opts.scenarioPaths.length ? opts.scenarioPaths : [BUILTIN_SCENARIOS];
  const problems: { path: string; error: string }[] = [];
  const builtinDir = resolve(CHECKS_DIR, 'rules');

  const rules: AnyRule[] = [];
  // The same folder named twice (inventory and default) must not load its rules twice.
  for (const p of [...new Set(rulePaths.map((x) => resolve(x)))]) {
    const r = loadRules([p]);
    rules.push(...r.rules);
    problems.push(...r.failures);
  }
  const engine = new SigmaEngine(rules);
  problems.push(...engine.failures);
  const reported: ReportedRule[] = [...engine.detections, ...engine.correlations].filter((r) => engine.isReported(r));
  const { scenarios, problems: scenarioProblems } = loadScenarios(scenarioPaths);
  problems.push(...scenarioProblems);

  const validated = new Set<ReportedRule>();
  const benignRan = new Set<ReportedRule>();
  const benignFired = new Set<ReportedRule>();
  const results: ScenarioResult[] = [];

  for (const s of scenarios) {
    const attack: PreparedGroup[] = s.attack.map((g) => ({ source: g.log_source, events: toEvents(g, s.file) }));
    const baseline: PreparedGroup[] = s.baseline.map((g) => ({ source: g.log_source, events: toEvents(g, s.file) }));
    const onAttack = runEvents(
      engine,
      attack.flatMap((g) => g.events),
    );
    const onBaseline = runEvents(
      engine,
      baseline.flatMap((g) => g.events),
    );
    const touched: LogSourceRef[] = [];
    const blindAttack = blindGroups(attack, opts.blind, touched);
    const onBlind = touched.length ? runEvents(engine, blindAttack) : onAttack;

    const expected = (r: ReportedRule) =>
      (s.expect.rules ?? []).some((x) => x === r.id || x === r.name) ||
      (s.expect.tags ?? []).some((t) => r.tags.includes(t));
    // Rules that ran over the baseline: a detection whose log source matches a baseline event, or a correlation.
    const baselineSources = baseline.flatMap((g) => g.events.map((e) => e.logsource));
    for (const r of reported) {
      const ran = r.kind === 'correlation' || baselineSources.some((ls) => appliesTo(r.logsource, ls));
      if (ran) benignRan.add(r);
    }
    const involved = reported.filter((r) => expected(r) || onAttack.has(r) || onBaseline.has(r));
    const ruleResults: ScenarioRuleResult[] = involved.map((r) => {
      const tp = onAttack.has(r);
      const fp = onBaseline.has(r);
      if (tp) validated.add(r);
      if (fp) benignFired.add(r);
      const blinded = tp && !onBlind.has(r);
      return {
        rule_id: r.id,
        title: r.title,
        level: r.level ?? 'medium',
        source: resolve(r.path).startsWith(builtinDir) ? 'built-in' : 'organisation',
        expected: expected(r),
        fired_on_attack: tp,
        attack_matches: onAttack.get(r) ?? 0,
        fired_on_baseline: fp,
        baseline_matches: onBaseline.get(r) ?? 0,
        missed: expected(r) && !tp,
        blinded,
      };
    });
    const expectedResults = ruleResults.filter((r) => r.expected);
    const detected = expectedResults.some((r) => r.fired_on_attack);
    results.push({
      id: s.id,
      title: s.title,
      attack_class: s.attack_class,
      techniques: s.techniques ?? [],
      log_sources: s.log_sources,
      file: s.file,
      detected,
      false_positive: ruleResults.some((r) => r.fired_on_baseline),
      blinded: detected && !expectedResults.some((r) => r.fired_on_attack && !r.blinded),
      partly_blinded:
        detected && expectedResults.some((r) => r.fired_on_attack && !r.blinded) && ruleResults.some((r) => r.blinded),
      blind_by: dedupe(touched),
      rules: ruleResults,
    });
  }

  const ruleList: RuleValidation[] = reported.map((r) => ({
    rule_id: r.id,
    title: r.title,
    techniques: techniquesOf(r.tags),
    validated: validated.has(r),
    benign_tested: benignRan.has(r) && !benignFired.has(r),
  }));

  const counted = (r: ScenarioRuleResult) => !opts.countOnly || r.source === opts.countOnly;
  const scored = results.map((sr) => {
    const rules = sr.rules.filter(counted);
    // An organisation rule is not named by the scenario: firing on the attack events (all malicious) is the detection.
    const expectedHit = rules.filter((r) => (r.expected || r.source === 'organisation') && r.fired_on_attack);
    return {
      detected: expectedHit.length > 0,
      falsePositive: rules.some((r) => r.fired_on_baseline),
      blinded: rules.filter((r) => r.blinded).length,
    };
  });
  const summary: DetectionSummary = {
    scenarios: results.length,
    rules_tested: opts.countOnly
      ? ruleList.filter((r) =>
          reported.find(
            (x) =>
              x.id === r.rule_id &&
              (resolve(x.path).startsWith(builtinDir) ? 'built-in' : 'organisation') === opts.countOnly,
          ),
        ).length
      : reported.length,
    attacks_detected: scored.filter((r) => r.detected).length,
    attacks_missed: scored.filter((r) => !r.detected).length,
    false_positives: scored.filter((r) => r.falsePositive).length,
    benign_silent: scored.filter((r) => !r.falsePositive).length,
    blinded_by_environment: scored.reduce((n, r) => n + r.blinded, 0),
  };
  return { summary, details: { scenarios: results, rules: ruleList, blind: opts.blind }, problems };
}
