// The coverage analysis: rules × catalog × scan findings → graded coverage per ATT&CK technique and OWASP category.
import { type AttackIndex, type LoadedCatalog, loadAttackCatalog, SHIPPED_CATALOG } from '../attack/catalog.js';
import { isWebLogSource, OWASP_2021, OWASP_2025 } from '../attack/owasp.js';
import type { AnalysisSection, CoverageSummary, Finding } from '../model.js';
import type { DetectionRule, RuleSet } from '../rules/model.js';
import { loadRules } from '../rules/load.js';
import { gradeOf, resolveRules, owaspRow, type Validation, validationsFor } from './grade.js';
import { navigatorLayer } from './exports.js';
import { focusCoverage, prioritiseGaps, resolveFocus } from './prioritise.js';
import {
  type CoverageDetails,
  GRADE_COLOR,
  GRADE_LABEL,
  GRADE_SCORE,
  GRADES,
  type Grade,
  gradeRank,
  type MatrixColumn,
  type RuleVisibility,
  type TechniqueCoverage,
} from './types.js';
import { type BlindRule, blindRules, type SourceHealth } from '../parsers/products/rule-blindness.js';
import { blindSources, type SourceClassGate, VisibilityIndex } from './visibility.js';

export interface CoverageOptions {
  rulePaths: string[];
  findings: Finding[];
  validations?: Validation[];
  threatFocus?: string[];
  /** A STIX bundle or compact catalog; default: the cache, else the catalog socready ships. */
  attackCatalog?: string;
  /** Rules already read (skips reading rulePaths). */
  ruleSet?: RuleSet;
  /** The OWASP edition the summary counts (both are in details). */
  owaspEdition?: '2021' | '2025';
  /** Whether anything web-facing is in scope (web or WAF targets); default: inferred from findings, else from rules. */
  webFacing?: boolean;
  /** Source-map classes with their status (src/sources): rules count as visible only where their class is measured. */
  sourceClasses?: SourceClassGate[];
  /** Where each SIEM's events arrive (src/parsers/products/source-health.ts): rules searching nothing are blind. */
  sourceHealth?: SourceHealth[];
}

/** Japanese names of the tactics as Japanese security teams usually write them. */
const TACTIC_JA: Record<string, string> = {
  reconnaissance: '偵察',
  'resource-development': 'リソース開発',
  'initial-access': '初期アクセス',
  execution: '実行',
  persistence: '永続化',
  'privilege-escalation': '権限昇格',
  stealth: 'ステルス',
  'defense-evasion': '防御回避',
  'defense-impairment': '防御の無力化',
  'credential-access': '認証情報へのアクセス',
  discovery: '探索',
  'lateral-movement': '横展開',
  collection: '収集',
  'command-and-control': 'C2（コマンド＆コントロール）',
  exfiltration: '持ち出し',
  impact: '影響',
};

function best(a: Grade, b: Grade): Grade {
  return gradeRank(a) >= gradeRank(b) ? a : b;
}

function buildMatrix(index: AttackIndex, byId: Map<string, TechniqueCoverage>): MatrixColumn[] {
  return [...index.catalog.tactics]
    .sort((a, b) => a.order - b.order)
    .map((tactic) => {
      const cells = index
        .live()
        .filter((t) => t.parent === null && t.tactics.includes(tactic.shortname))
        .map((t) => {
          const own = byId.get(t.id)!;
          const subs = (index.children.get(t.id) ?? [])
            .map((s) => byId.get(s.id)!)
            .sort((a, b) => a.id.localeCompare(b.id));
          const grade = subs.reduce((g, s) => best(g, s.grade), own.grade);
          const rules = own.rules_total + subs.reduce((n, s) => n + s.rules_total, 0);
          return {
            id: t.id,
            name: t.name,
            grade,
            own_grade: own.grade,
            rules,
            focus: own.focus.length > 0 || subs.some((s) => s.focus.length > 0),
            subtechniques: subs
              .filter((s) => s.grade !== 'none')
              .map((s) => ({ id: s.id, name: s.name, grade: s.grade, rules: s.rules_total })),
            title:
              `${t.id} ${t.name}: ` +
              `${GRADE_LABEL[grade].en}${rules ? ` (${rules} rule${rules === 1 ? '' : 's'})` : ''}`,
          };
        })
        .sort((a, b) => a.name.localeCompare(b.name));
      return {
        id: tactic.id,
        shortname: tactic.shortname,
        name: tactic.name,
        label: { en: tactic.name, ja: TACTIC_JA[tactic.shortname] ?? tactic.name },
        covered: cells.filter((c) => gradeRank(c.grade) >= gradeRank('visible')).length,
        total: cells.length,
        techniques: cells,
      };
    });
}

/**
 * A rule the SIEM runs against indices or sourcetypes that receive nothing sees nothing, whatever the hosts log: it
 * counts as blind (not coverage), and the SIEM target that measured it is where it is blind.
 */
function markBlind(rules: DetectionRule[], blind: BlindRule[], vis: Map<DetectionRule, RuleVisibility>): void {
  const byKey = new Map(blind.map((b) => [`${b.file}\u0000${b.rule_id}`, b]));
  for (const r of rules) {
    const b = byKey.get(`${r.file}\u0000${r.id}`);
    if (!b) continue;
    const before = vis.get(r);
    vis.set(r, {
      visibility: 'blind',
      visible_on: [],
      blind_on: [b.target],
      checks: [...new Set([...(before?.checks ?? []), 'products.siem.blind-rules'])].sort(),
      missing_fields: before?.missing_fields ?? [],
      explain: b.explain,
      ...(before?.source_classes ? { source_classes: before.source_classes } : {}),
    });
  }
}

/** Runs the analysis on rules already read and a catalog already loaded (the pure core, for tests and the CLI). */
export function computeCoverage(
  ruleSet: RuleSet,
  catalog: LoadedCatalog,
  opts: {
    findings: Finding[];
    validations?: Validation[];
    threatFocus?: string[];
    owaspEdition?: '2021' | '2025';
    webFacing?: boolean;
    /** Source-map classes: a rule counts as visible only where its class is measured. */
    sourceClasses?: SourceClassGate[];
    /** The SIEMs' source health: a rule whose indices or sourcetypes receive no events is blind, wherever it runs. */
    sourceHealth?: SourceHealth[];
  },
): AnalysisSection<CoverageSummary, CoverageDetails> {
  const { index } = catalog;
  const validations = opts.validations ?? [];
  const problems = ruleSet.problems.map((p) => ({ path: p.path, error: p.error }));
  const visIndex = new VisibilityIndex(opts.findings, opts.sourceClasses);
  const vis = new Map<DetectionRule, RuleVisibility>();
  for (const r of ruleSet.rules) if (!r.correlation) vis.set(r, visIndex.of(r));
  const blind = blindRules(ruleSet.rules, opts.sourceHealth ?? []);
  markBlind(ruleSet.rules, blind, vis);
  const resolved = resolveRules(ruleSet.rules, index);
  const focus = resolveFocus(opts.threatFocus ?? [], index);
  for (const u of focus.unknown)
    problems.push({
      path: 'threat_focus',
      error: `"${u}" is neither an ATT&CK group (ID, name or alias) nor a live technique in ATT&CK ${index.version}`,
    });

  const techniques: TechniqueCoverage[] = [];
  const byId = new Map<string, TechniqueCoverage>();
  for (const t of index.live()) {
    const rules = resolved.byTechnique.get(t.id) ?? [];
    const g = gradeOf({
      rules,
      vis,
      validations: validationsFor(t.id, rules, validations, index),
      measured: visIndex.measured,
    });
    const tc: TechniqueCoverage = {
      id: t.id,
      name: t.name,
      parent: t.parent,
      tactics: t.tactics,
      grade: g.grade,
      score: g.score,
      rules: g.refs,
      rules_total: rules.length,
      explain: g.explain,
      groups_using: index.groupUse.get(t.id) ?? 0,
      focus: focus.techniques.get(t.id) ?? [],
      data_components: t.data_components,
    };
    techniques.push(tc);
    byId.set(t.id, tc);
  }

  const primary = opts.owaspEdition ?? '2025';
  const owasp = {
    '2021': OWASP_2021.map((c) => owaspRow(c, resolved.byOwasp.get(c.id) ?? [], vis, visIndex, validations)),
    '2025': OWASP_2025.map((c) => owaspRow(c, resolved.byOwasp.get(c.id) ?? [], vis, visIndex, validations)),
  };
  // With a threat focus the summary counts the focus techniques only (scoring divides by techniques_in_scope); without
  // one, techniques_in_scope is 0 and the techniques the rules declare are the scope (docs/scoring.md).
  const focused = focus.techniques.size > 0;
  const counted = focused ? techniques.filter((t) => focus.techniques.has(t.id)) : techniques;
  const atLeast = (g: Grade) => counted.filter((t) => gradeRank(t.grade) >= gradeRank(g) && t.grade !== 'blind').length;
  const webFacing =
    opts.webFacing ??
    (opts.findings.length === 0
      ? ruleSet.rules.some((r) => isWebLogSource(r.logsource))
      : opts.findings.some((f) => (f.provides ?? []).some(isWebLogSource)));
  const enabled = ruleSet.rules.filter((r) => !r.disabled);
  const rulesByFormat: Record<string, number> = {};
  for (const r of ruleSet.rules) rulesByFormat[r.format] = (rulesByFormat[r.format] ?? 0) + 1;
  const failedFiles = new Set(ruleSet.problems.map((p) => p.path)).size;
  const owaspRows = owasp[primary];

  const summary: CoverageSummary = {
    attack_version: index.version,
    rules_total: ruleSet.rules.length,
    rules_failed: failedFiles,
    techniques_in_scope: focused ? counted.length : 0,
    techniques_declared: counted.filter((t) => t.grade !== 'none').length,
    techniques_visible: visIndex.measured ? atLeast('visible') : null,
    techniques_validated: atLeast('validated'),
    techniques_benign_tested: atLeast('benign-tested'),
    // Nothing web-facing: the OWASP Top 10 is out of scope, and scoring reads owasp_total = 0 as "not applicable".
    owasp_total: webFacing ? owaspRows.length : 0,
    owasp_declared: webFacing ? owaspRows.filter((r) => r.grade !== 'none').length : 0,
    owasp_visible: !visIndex.measured
      ? null
      : webFacing
        ? owaspRows.filter((r) => gradeRank(r.grade) >= gradeRank('visible')).length
        : 0,
    visibility_measured: visIndex.measured,
    rules_blind: enabled.filter((r) => vis.get(r)?.visibility === 'blind').length,
    correlation_rules: ruleSet.rules.filter((r) => r.correlation).length,
  };

  const details: CoverageDetails = {
    attack: {
      version: index.version,
      source: index.catalog.source,
      origin: catalog.origin,
      scope: {
        en: focused
          ? `Figures count the ${counted.length} ATT&CK ${index.version} techniques of the threat focus ` +
            `(${focus.entries.map((e) => e.name).join(', ')}).`
          : `No threat focus: figures count all ${techniques.length} live ATT&CK ${index.version} techniques ` +
            'and sub-techniques; the scope is what the rules declare.',
        ja: focused
          ? `集計対象は重点脅威（${focus.entries.map((e) => e.name).join('、')}）が使う ATT&CK ${index.version} のテクニック ` +
            `${counted.length} 件です。`
          : `重点脅威の指定がないため、ATT&CK ${index.version} の現行テクニック・サブテクニック全 ${techniques.length} 件を集計し、ルールが対象とするものを評価範囲とします。`,
      },
    },
    owasp_primary: primary,
    legend: GRADES.map((g) => ({ grade: g, score: GRADE_SCORE[g], color: GRADE_COLOR[g], label: GRADE_LABEL[g] })),
    visibility_measured: visIndex.measured,
    rules_by_format: rulesByFormat,
    matrix: buildMatrix(index, byId),
    techniques: techniques.filter((t) => t.grade !== 'none' || t.focus.length > 0),
    owasp,
    blind_sources: blindSources(enabled, vis),
    ...(opts.sourceHealth && opts.sourceHealth.length > 0 ? { blind_rules: blind } : {}),
    gaps: prioritiseGaps(techniques, index),
    threat_focus: focusCoverage(focus, byId),
    resolutions: resolved.resolutions,
    web_facing: webFacing,
  };
  // The layer travels in the report so `socready report --format navigator` can export it later.
  details.navigator = navigatorLayer(details);
  return { summary, details, problems };
}

/** Entry point for the scan pipeline: reads the rules, loads the catalog, joins them with the scan's findings. */
export async function analyseCoverage(opts: CoverageOptions): Promise<AnalysisSection<CoverageSummary>> {
  const ruleSet = opts.ruleSet ?? (await loadRules(opts.rulePaths));
  let catalog: LoadedCatalog;
  try {
    catalog = loadAttackCatalog(opts.attackCatalog ? { path: opts.attackCatalog } : {});
  } catch (e) {
    if (!opts.attackCatalog) throw e;
    // A broken user-supplied catalog should not lose the run: fall back to the shipped one and say so.
    catalog = { ...loadAttackCatalog({ path: SHIPPED_CATALOG }), origin: 'shipped' };
    ruleSet.problems.push({
      path: opts.attackCatalog,
      error: `${(e as Error).message}; used the shipped catalog instead`,
    });
  }
  return computeCoverage(ruleSet, catalog, opts);
}
