// Grades per ATT&CK technique and OWASP category: declared → visible → validated → benign-tested (or blind), each
// explained with the rule, the log source and the finding behind it.
import type { AttackIndex } from '../attack/catalog.js';
import type { OwaspCategory } from '../attack/owasp.js';
import type { Bilingual } from '../model.js';
import { type DetectionRule, normaliseTechniqueId } from '../rules/model.js';
import { logSourceLabel } from './logsource.js';
import {
  type Grade,
  GRADE_LABEL,
  GRADE_SCORE,
  gradeStatus,
  RULES_SHOWN,
  type IdResolution,
  type OwaspRow,
  type RuleRef,
  type RuleVisibility,
} from './types.js';
import type { VisibilityIndex } from './visibility.js';

export interface Validation {
  rule_id: string;
  title: string;
  techniques: string[];
  validated: boolean;
  benign_tested: boolean;
}

export interface ResolvedRules {
  /** Live technique ID → the enabled rules that declare it (after revoked IDs were replaced). */
  byTechnique: Map<string, DetectionRule[]>;
  /** OWASP category ID → rules. */
  byOwasp: Map<string, DetectionRule[]>;
  resolutions: IdResolution[];
}

const STATUS_LABEL: Record<IdResolution['status'], Bilingual> = {
  revoked: { en: 'revoked, replaced', ja: '廃止（後継あり）' },
  deprecated: { en: 'deprecated, no replacement', ja: '非推奨（後継なし）' },
  unknown: { en: 'not in this ATT&CK release', ja: 'この ATT&CK バージョンに存在しない' },
  'tactic-renamed': { en: 'tactic renamed', ja: '戦術名の変更' },
};

/** Maps every rule's declared IDs onto the catalog, replacing revoked IDs and recording what changed. */
export function resolveRules(rules: DetectionRule[], index: AttackIndex): ResolvedRules {
  const byTechnique = new Map<string, DetectionRule[]>();
  const byOwasp = new Map<string, DetectionRule[]>();
  const res = new Map<string, IdResolution>();
  const note = (from: string, to: string | undefined, status: IdResolution['status'], rule: DetectionRule) => {
    const k = `${status}|${from}|${to ?? ''}`;
    const r = res.get(k) ?? {
      from,
      ...(to ? { to } : {}),
      status,
      status_label: STATUS_LABEL[status],
      rules: 0,
      examples: [],
    };
    r.rules++;
    if (r.examples.length < 3) r.examples.push(rule.title);
    res.set(k, r);
  };
  for (const rule of rules) {
    if (rule.disabled) continue;
    const ids = new Set<string>();
    for (const raw of rule.techniques) {
      const r = index.resolve(raw);
      if (r.status === 'live') ids.add(r.id);
      else if (r.status === 'revoked') {
        ids.add(r.id);
        note(raw, r.id, 'revoked', rule);
      } else note(raw, undefined, r.status, rule);
    }
    for (const tag of rule.tactics) {
      const t = index.tactic(tag);
      if (!t) note(tag, undefined, 'unknown', rule);
      else if (t.shortname !== tag) note(tag, t.shortname, 'tactic-renamed', rule);
    }
    for (const id of ids) {
      const list = byTechnique.get(id) ?? [];
      list.push(rule);
      byTechnique.set(id, list);
    }
    for (const o of rule.owasp) {
      const list = byOwasp.get(o) ?? [];
      list.push(rule);
      byOwasp.set(o, list);
    }
  }
  const resolutions = [...res.values()].sort((a, b) => b.rules - a.rules || a.from.localeCompare(b.from));
  return { byTechnique, byOwasp, resolutions };
}

export function ruleRef(rule: DetectionRule, v: RuleVisibility | undefined, val?: Validation): RuleRef {
  return {
    id: rule.id,
    title: rule.title,
    file: rule.file,
    format: rule.format,
    logsource: logSourceLabel(rule.logsource),
    visibility: v?.visibility ?? 'unknown',
    ...(val ? { validated: val.validated, benign_tested: val.benign_tested } : {}),
  };
}

function titles(rules: DetectionRule[]): string {
  const shown = rules.slice(0, 3).map((r) => `"${r.title}"`);
  return rules.length > 3 ? `${shown.join(', ')} and ${rules.length - 3} more` : shown.join(', ');
}
function titlesJa(rules: DetectionRule[]): string {
  const shown = rules.slice(0, 3).map((r) => `「${r.title}」`);
  return rules.length > 3 ? `${shown.join('、')} ほか ${rules.length - 3} 件` : shown.join('、');
}

export interface GradeInput {
  rules: DetectionRule[];
  vis: Map<DetectionRule, RuleVisibility>;
  /** Validations that concern this technique or category. */
  validations: Validation[];
  /** Whether the scan measured any log source at all (else "declared" is as far as visibility can go). */
  measured: boolean;
}

export interface GradeResult {
  grade: Grade;
  score: number;
  refs: RuleRef[];
  explain: Bilingual[];
}

/** The ladder: none / blind / declared / visible, then validated and benign-tested on top of a rule that can see. */
export function gradeOf(input: GradeInput): GradeResult {
  const { rules, vis, validations, measured } = input;
  const valByRule = new Map(validations.map((v) => [v.rule_id, v]));
  const order: Record<string, number> = { visible: 0, partial: 1, blind: 2, unknown: 3 };
  const sorted = [...rules].sort(
    (a, b) => order[vis.get(a)?.visibility ?? 'unknown']! - order[vis.get(b)?.visibility ?? 'unknown']!,
  );
  const refs = sorted.slice(0, RULES_SHOWN).map((r) => ruleRef(r, vis.get(r), valByRule.get(r.id)));
  if (rules.length === 0) {
    const explain: Bilingual[] = [{ en: 'No rule declares it.', ja: 'これを対象とするルールはありません。' }];
    const v = validations.find((x) => x.validated);
    if (v)
      explain.push({
        en: `A sample detection by "${v.title}" names it, but that rule is not among the rules read.`,
        ja: `サンプル検知で「${v.title}」が対象としていますが、読み込んだルールには含まれていません。`,
      });
    return { grade: 'none', score: 0, refs, explain };
  }
  const explain: Bilingual[] = [];
  explain.push({
    en: `${rules.length} rule(s) declare it: ${titles(sorted)}.`,
    ja: `${rules.length} 件のルールが対象としています：${titlesJa(sorted)}。`,
  });
  const seeing = rules.filter((r) => {
    const v = vis.get(r)?.visibility;
    return v === 'visible' || v === 'partial';
  });
  const unknown = rules.filter((r) => (vis.get(r)?.visibility ?? 'unknown') === 'unknown');
  const blind = rules.filter((r) => vis.get(r)?.visibility === 'blind');
  let grade: Grade;
  if (seeing.length > 0) {
    grade = 'visible';
    explain.push(vis.get(seeing[0]!)!.explain);
  } else if (unknown.length > 0) {
    grade = 'declared';
    explain.push(vis.get(unknown[0]!)?.explain ?? { en: 'Visibility not measured.', ja: '可視性は未測定です。' });
  } else {
    grade = 'blind';
  }
  if (blind.length > 0) explain.push(vis.get(blind[0]!)!.explain);
  // A sample detection proves the logic; it counts here only for a rule whose logs this environment collects
  // (or when no scan was joined, so nothing says they are missing).
  const ruleById = new Map(rules.map((r) => [r.id, r]));
  const canSee = (v: Validation) => {
    const r = ruleById.get(v.rule_id);
    // A sample of a rule that is not among the graded rules (the built-in pack beside the organisation's) proves
    // nothing about the organisation's coverage.
    if (!r) return false;
    if (vis.get(r)?.visibility === 'blind') return false;
    return grade === 'visible' || !measured;
  };
  const fired = validations.filter((v) => v.validated);
  const usable = fired.filter(canSee);
  if (usable.length > 0) {
    grade = 'validated';
    explain.push({
      en: `Validated: "${usable[0]!.title}" fired on its attack sample.`,
      ja: `検証済み：「${usable[0]!.title}」が攻撃サンプルで発報しました。`,
    });
    const benign = usable.find((v) => v.benign_tested);
    if (benign) {
      grade = 'benign-tested';
      explain.push({
        en: `Benign-tested: "${benign.title}" stayed silent on the benign baseline.`,
        ja: `誤検知試験済み：「${benign.title}」は平常時のログでは発報しませんでした。`,
      });
    }
  } else {
    const own = fired.find((v) => ruleById.has(v.rule_id));
    const foreign = fired.find((v) => !ruleById.has(v.rule_id));
    if (own)
      explain.push({
        en: `"${own.title}" fired on its sample, but this environment does not collect the logs it needs.`,
        ja: `「${own.title}」はサンプルでは発報しましたが、この環境では必要なログを収集していません。`,
      });
    else if (foreign)
      explain.push({
        en: `A sample detection by "${foreign.title}" fired, but that rule is not among the rules read.`,
        ja: `サンプル検知で「${foreign.title}」が発報しましたが、読み込んだルールには含まれていません。`,
      });
  }
  return { grade, score: GRADE_SCORE[grade], refs, explain };
}

/** Validations that concern a technique: they name it (revoked IDs resolved) or they test a rule that declares it. */
export function validationsFor(
  id: string,
  rules: DetectionRule[],
  validations: Validation[],
  index: AttackIndex,
): Validation[] {
  const ruleIds = new Set(rules.map((r) => r.id));
  return validations.filter(
    (v) =>
      ruleIds.has(v.rule_id) ||
      v.techniques.some((t) => {
        const n = normaliseTechniqueId(t);
        return n !== undefined && index.resolve(n).id === id;
      }),
  );
}

export function owaspRow(
  cat: OwaspCategory,
  rules: DetectionRule[],
  vis: Map<DetectionRule, RuleVisibility>,
  visIndex: VisibilityIndex,
  validations: Validation[],
): OwaspRow {
  const ruleIds = new Set(rules.map((r) => r.id));
  const g = gradeOf({
    rules,
    vis,
    validations: validations.filter((v) => ruleIds.has(v.rule_id)),
    measured: visIndex.measured,
  });
  const sources = cat.needs.map((n) => {
    const s = visIndex.sourceStatus(n.source);
    const label = `${logSourceLabel(n.source)}${n.source.fields?.length ? ` [${n.source.fields.join(', ')}]` : ''}`;
    const st =
      s.status === 'collected' ? ('pass' as const) : s.status === 'not-collected' ? ('fail' as const) : ('na' as const);
    return { source: label, why: n.why, status: s.status, st, checks: s.checks };
  });
  const collected = sources.filter((s) => s.status === 'collected');
  const missing = sources.filter((s) => s.status === 'not-collected');
  const parts: Bilingual[] = [g.explain[g.explain.length > 1 ? 1 : 0]!];
  if (collected.length > 0)
    parts.push({
      en: `Logs that show it are collected: ${collected.map((s) => s.why.en).join('; ')}.`,
      ja: `これを捉えられるログは収集されています：${collected.map((s) => s.why.ja).join('、')}。`,
    });
  else if (missing.length > 0)
    parts.push({
      en: `Logs it needs are not collected: ${missing.map((s) => s.why.en).join('; ')}.`,
      ja: `必要なログが収集されていません：${missing.map((s) => s.why.ja).join('、')}。`,
    });
  return {
    id: cat.id,
    name: cat.name,
    grade: g.grade,
    grade_label: GRADE_LABEL[g.grade],
    st: gradeStatus(g.grade),
    detectability: cat.detectability,
    rules: rules.length,
    rule_examples: rules.slice(0, 3).map((r) => r.title),
    sources,
    explain: { en: parts.map((p) => p.en).join(' '), ja: parts.map((p) => p.ja).join('') },
  };
}
