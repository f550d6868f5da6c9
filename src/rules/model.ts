// One rule model for every rule format socready reads, so coverage never cares where a rule came from.
import type { LogSourceRef } from '../model.js';

export type RuleFormat = 'sigma' | 'elastic' | 'splunk-yaml' | 'splunk-conf' | 'modsecurity';

export interface DetectionRule {
  /** File the rule was read from (and, for multi-rule files, where in it). */
  file: string;
  line?: number;
  format: RuleFormat;
  id: string;
  title: string;
  /** Normalised severity: informational | low | medium | high | critical (or the raw value when unknown). */
  level?: string;
  /** The log source the rule reads, in Sigma's terms (product / category / service). */
  logsource: LogSourceRef;
  /** Event fields the rule's logic needs, as the rule names them. */
  fields: string[];
  /** ATT&CK technique IDs as the rule declares them (upper case, not yet resolved against a catalog). */
  techniques: string[];
  /** ATT&CK tactic shortnames as the rule declares them (e.g. credential-access, defense-evasion). */
  tactics: string[];
  /** OWASP Top 10 category keys (A01..A10) the rule claims or its tags imply. */
  owasp: string[];
  /** Sigma correlation rules, Splunk correlation searches: rules over other rules' results. */
  correlation: boolean;
  /** Disabled in its source (Splunk disabled = 1, Sigma status deprecated/unsupported). */
  disabled?: boolean;
  tags: string[];
  /**
   * Where the SIEM looks for the rule's events, as the rule names them: Elastic index patterns (`index`, or the data
   * view when the rule uses one), Splunk `index=` / `sourcetype=` terms of the SPL. Joined with the source health the
   * scan measured (src/parsers/products/rule-blindness.ts): a rule whose indices or sourcetypes receive no events
   * is blind.
   */
  reads?: RuleReads;
}

export interface RuleReads {
  indices: string[];
  sourcetypes: string[];
  /** A Kibana data view id the rule reads through instead of index patterns (not resolved to indices here). */
  data_view?: string;
}

export interface RuleProblem {
  path: string;
  error: string;
}

export interface RuleSet {
  rules: DetectionRule[];
  problems: RuleProblem[];
  /** Files read (readable or not). */
  files: number;
}

const LEVELS: Record<string, string> = {
  informational: 'informational',
  info: 'informational',
  low: 'low',
  medium: 'medium',
  moderate: 'medium',
  high: 'high',
  critical: 'critical',
  emergency: 'critical',
  alert: 'critical',
  error: 'high',
  warning: 'medium',
  notice: 'low',
};

export function normaliseLevel(raw: unknown): string | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  const s = String(raw).trim().toLowerCase();
  return LEVELS[s] ?? s;
}

/** "t1003.001", "T1003/001" → "T1003.001"; anything else → undefined. */
export function normaliseTechniqueId(raw: string): string | undefined {
  const m = /^t(\d{4})(?:[./](\d{3}))?$/i.exec(raw.trim());
  if (!m) return undefined;
  return m[2] ? `T${m[1]}.${m[2]}` : `T${m[1]}`;
}

/** "Credential Access", "credential_access" → "credential-access". */
export function tacticShortname(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, '-');
}

export function uniq<T>(xs: Iterable<T>): T[] {
  return [...new Set(xs)];
}
