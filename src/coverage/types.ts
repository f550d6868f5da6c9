// Shapes of the coverage analysis (report.analyses.coverage.details), read by the HTML section and the exports.
import type { Bilingual, LogSourceRef } from '../model.js';
import type { BlindRule } from '../parsers/products/rule-blindness.js';
import type { RuleFormat } from '../rules/model.js';

/** Ordered from worst to best. `blind`: rules exist but the scan found their logs not collected. */
export type Grade = 'none' | 'blind' | 'declared' | 'visible' | 'validated' | 'benign-tested';
export const GRADES: Grade[] = ['none', 'blind', 'declared', 'visible', 'validated', 'benign-tested'];

export const GRADE_SCORE: Record<Grade, number> = {
  none: 0,
  blind: 10,
  declared: 25,
  visible: 50,
  validated: 75,
  'benign-tested': 100,
};
export const GRADE_COLOR: Record<Grade, string> = {
  none: '#f4f4f4',
  blind: '#e5534b',
  declared: '#f2cc60',
  visible: '#a6d98a',
  validated: '#4caf50',
  'benign-tested': '#1b7f3b',
};
export const GRADE_LABEL: Record<Grade, Bilingual> = {
  none: { en: 'No rule', ja: 'ルールなし' },
  blind: { en: 'Blind (logs not collected)', ja: '検知不能（ログ未収集）' },
  declared: { en: 'Declared (visibility not measured)', ja: '宣言のみ（可視性は未測定）' },
  visible: { en: 'Visible (logs collected)', ja: '可視（ログ収集済み）' },
  validated: { en: 'Validated (fired on a sample)', ja: '検証済み（サンプルで発報）' },
  'benign-tested': { en: 'Benign-tested (silent on baseline)', ja: '誤検知試験済み（平常時は無発報）' },
};

/** How many rules a technique lists in the report (the count is always complete). */
export const RULES_SHOWN = 5;

/** The report's status class for a grade (st-pass|st-fail|st-warn|st-na). */
export function gradeStatus(g: Grade): 'pass' | 'fail' | 'warn' | 'na' {
  return g === 'none' ? 'na' : g === 'blind' ? 'fail' : g === 'declared' ? 'warn' : 'pass';
}

export function gradeRank(g: Grade): number {
  return GRADES.indexOf(g);
}

export type Visibility = 'visible' | 'partial' | 'blind' | 'unknown';

export interface RuleVisibility {
  visibility: Visibility;
  /** Targets where a passing check proves the rule's logs collected. */
  visible_on: string[];
  /** Targets where a failing check shows them not collected (or a field the rule needs missing). */
  blind_on: string[];
  /** Checks behind the verdict. */
  checks: string[];
  missing_fields: string[];
  explain: Bilingual;
  /** The log-source classes (src/sources) the rule's log source belongs to, when the source map joined. */
  source_classes?: string[];
}

export interface RuleRef {
  id: string;
  title: string;
  file: string;
  format: RuleFormat;
  logsource: string;
  visibility: Visibility;
  validated?: boolean;
  benign_tested?: boolean;
}

export interface TechniqueCoverage {
  id: string;
  name: string;
  parent: string | null;
  tactics: string[];
  grade: Grade;
  score: number;
  /** The rules behind the grade, those that see first (at most RULES_SHOWN; rules_total counts them all). */
  rules: RuleRef[];
  rules_total: number;
  /** Why the grade is what it is: rules, log sources, findings. */
  explain: Bilingual[];
  /** Groups in the catalog documented using it. */
  groups_using: number;
  /** Threat-focus groups (or the technique itself) that make it a priority. */
  focus: string[];
  data_components: string[];
}

export interface MatrixCell {
  id: string;
  name: string;
  /** Best grade of the technique and its sub-techniques. */
  grade: Grade;
  own_grade: Grade;
  rules: number;
  focus: boolean;
  subtechniques: { id: string; name: string; grade: Grade; rules: number }[];
  title: string;
}

export interface MatrixColumn {
  id: string;
  shortname: string;
  name: string;
  label: Bilingual;
  covered: number;
  total: number;
  techniques: MatrixCell[];
}

export interface OwaspSourceStatus {
  source: string;
  why: Bilingual;
  status: 'collected' | 'not-collected' | 'unknown';
  st: 'pass' | 'fail' | 'na';
  checks: string[];
}

export interface OwaspRow {
  id: string;
  name: Bilingual;
  grade: Grade;
  grade_label: Bilingual;
  st: 'pass' | 'fail' | 'warn' | 'na';
  detectability: 'good' | 'partial' | 'limited';
  rules: number;
  rule_examples: string[];
  sources: OwaspSourceStatus[];
  explain: Bilingual;
}

export interface BlindSource {
  logsource: LogSourceRef;
  label: string;
  rules: number;
  visibility: Visibility;
  st: 'fail' | 'warn';
  checks: string[];
  blind_targets: number;
  measured_targets: number;
  explain: Bilingual;
}

export interface Gap {
  technique: string;
  name: string;
  tactics: string[];
  grade: Grade;
  grade_label: Bilingual;
  st: 'pass' | 'fail' | 'warn' | 'na';
  priority: number;
  reasons: Bilingual;
  action: Bilingual;
}

export interface FocusCoverage {
  key: string;
  id: string;
  name: string;
  kind: 'group' | 'technique';
  techniques: number;
  by_grade: Record<Grade, number>;
  /** Share of its techniques at visible or better, 0..1. */
  covered_ratio: number;
  covered_percent: number;
}

/** Technique or tactic IDs in rules that this ATT&CK release no longer lists as such, and what they became. */
export interface IdResolution {
  from: string;
  to?: string;
  status: 'revoked' | 'deprecated' | 'unknown' | 'tactic-renamed';
  status_label: Bilingual;
  rules: number;
  examples: string[];
}

export interface CoverageDetails {
  /** Enabled SIEM rules whose indices or sourcetypes receive no events (not counted as coverage), with the reason. */
  blind_rules?: BlindRule[];
  attack: { version: string; source: string; origin: string; scope: Bilingual };
  owasp_primary: '2021' | '2025';
  legend: { grade: Grade; score: number; color: string; label: Bilingual }[];
  /** false: no reached target proved a log source. Absent in reports written before the flag: measured. */
  visibility_measured?: boolean;
  rules_by_format: Record<string, number>;
  matrix: MatrixColumn[];
  techniques: TechniqueCoverage[];
  owasp: { '2021': OwaspRow[]; '2025': OwaspRow[] };
  blind_sources: BlindSource[];
  gaps: Gap[];
  threat_focus: FocusCoverage[];
  resolutions: IdResolution[];
  /** False when nothing web-facing is in scope: the OWASP table is informative only and the summary counts 0. */
  web_facing: boolean;
  /** The ATT&CK Navigator layer (format 4.5) of this coverage. */
  navigator?: NavigatorLayer;
}

/** An ATT&CK Navigator layer (format 4.5), as `navigatorLayer` in exports.ts writes it. */
export interface NavigatorLayer {
  name: string;
  versions: { attack: string; navigator: string; layer: '4.5' };
  domain: 'enterprise-attack';
  description: string;
  sorting: number;
  layout: {
    layout: 'side';
    showID: boolean;
    showName: boolean;
    showAggregateScores: boolean;
    countUnscored: boolean;
    aggregateFunction: 'max';
    expandedSubtechniques: 'annotated';
  };
  hideDisabled: boolean;
  techniques: {
    techniqueID: string;
    score: number;
    color: string;
    comment: string;
    enabled: boolean;
    showSubtechniques?: boolean;
    metadata: ({ name: string; value: string } | { divider: true })[];
  }[];
  gradient: { colors: string[]; minValue: number; maxValue: number };
  legendItems: { label: string; color: string }[];
  showTacticRowBackground: boolean;
  tacticRowBackground: string;
  selectTechniquesAcrossTactics: boolean;
  selectSubtechniquesWithParent: boolean;
  selectVisibleTechniques: boolean;
  metadata: { name: string; value: string }[];
}
