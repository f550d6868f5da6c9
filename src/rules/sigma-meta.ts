// Sigma rule *metadata* (id, title, level, log source, tags, the fields its detection reads). Matching events is the
// Sigma engine's job (src/sigma); coverage only needs to know what a rule claims and what it reads.
import { isMap, type Document } from 'yaml';
import { isWebLogSource, owaspFromExplicitTag, owaspFromWebTitle } from '../attack/owasp.js';
import type { LogSourceRef } from '../model.js';
import { InputError, type ParsedYaml, parseYaml } from '../util/validate.js';
import { type DetectionRule, normaliseLevel, normaliseTechniqueId, type RuleProblem, uniq } from './model.js';

const NON_TACTIC = /^(t\d{4}|g\d{4}|s\d{4}|ds\d{4}|m\d{4}|a\d{4}|c\d{4})/i;

/** Splits Sigma tags into techniques, tactics and OWASP keys. */
export function classifySigmaTags(tags: string[]): { techniques: string[]; tactics: string[]; owasp: string[] } {
  const techniques: string[] = [];
  const tactics: string[] = [];
  const owasp: string[] = [];
  for (const tag of tags) {
    const lower = tag.toLowerCase();
    if (lower.startsWith('attack.')) {
      const rest = lower.slice('attack.'.length);
      const tech = normaliseTechniqueId(rest);
      if (tech) techniques.push(tech);
      else if (!NON_TACTIC.test(rest)) tactics.push(rest.replace(/_/g, '-'));
    } else if (lower.includes('owasp')) owasp.push(...owaspFromExplicitTag(lower));
  }
  return { techniques: uniq(techniques), tactics: uniq(tactics), owasp: uniq(owasp) };
}

/** Field names a detection reads: the keys of its selection maps, without value modifiers (`CommandLine|contains`). */
export function detectionFields(detection: Record<string, unknown>): string[] {
  const out = new Set<string>();
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) {
      for (const item of v) if (item && typeof item === 'object') visit(item);
    } else if (v && typeof v === 'object') {
      for (const key of Object.keys(v)) {
        const field = key.split('|')[0]!.trim();
        if (field) out.add(field);
      }
    }
  };
  for (const [name, value] of Object.entries(detection)) {
    if (name === 'condition' || name === 'timeframe') continue;
    visit(value);
  }
  return [...out].sort();
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

function lineOf(doc: Document.Parsed, lineCounter: { linePos(o: number): { line: number } }): number | undefined {
  const r = doc.contents?.range;
  return r ? lineCounter.linePos(r[0]).line : undefined;
}

/** Reads every rule document in one Sigma YAML text; documents that are not rules become problems, not exceptions. */
export function readSigmaText(text: string, file: string): { rules: DetectionRule[]; problems: RuleProblem[] } {
  const rules: DetectionRule[] = [];
  const problems: RuleProblem[] = [];
  let parsed: ParsedYaml;
  try {
    parsed = parseYaml(text, file);
  } catch (e) {
    return { rules, problems: [{ path: file, error: (e as Error).message }] };
  }
  parsed.docs.forEach((doc, i) => {
    if (!doc.contents || !isMap(doc.contents)) {
      if (doc.contents !== null) problems.push({ path: file, error: `document ${i + 1}: not a YAML mapping` });
      return;
    }
    const line = lineOf(doc, parsed.lineCounter);
    const where = (field: string, detail: string) => new InputError(file, detail, line, undefined, field).message;
    const v = parsed.values[i] as Record<string, unknown>;
    // Sigma filters (meta filters) tune other rules and detect nothing themselves.
    if (v.filter !== undefined && v.detection === undefined) return;
    const title = str(v.title);
    if (!title) {
      problems.push({ path: file, error: where('title', 'missing required field "title"') });
      return;
    }
    const rawTags = Array.isArray(v.tags) ? v.tags.filter((t): t is string => typeof t === 'string') : [];
    const { techniques, tactics, owasp } = classifySigmaTags(rawTags);
    const status = str(v.status);
    const base = {
      file,
      line,
      format: 'sigma' as const,
      id: str(v.id) ?? str(v.name) ?? title,
      title,
      level: normaliseLevel(v.level),
      techniques,
      tactics,
      tags: rawTags,
      disabled: status === 'deprecated' || status === 'unsupported',
    };
    if (v.correlation !== undefined) {
      const corr = v.correlation as Record<string, unknown> | null;
      if (!corr || typeof corr !== 'object' || !str(corr.type)) {
        problems.push({ path: file, error: where('correlation.type', 'correlation rule without a type') });
        return;
      }
      const groupBy = Array.isArray(corr['group-by']) ? corr['group-by'].map(String) : [];
      rules.push({ ...base, logsource: {}, fields: groupBy, owasp, correlation: true });
      return;
    }
    const ls = v.logsource as Record<string, unknown> | undefined;
    if (!ls || typeof ls !== 'object' || Array.isArray(ls)) {
      problems.push({ path: file, error: where('logsource', 'missing required field "logsource"') });
      return;
    }
    const det = v.detection as Record<string, unknown> | undefined;
    if (!det || typeof det !== 'object' || Array.isArray(det) || det.condition === undefined) {
      problems.push({ path: file, error: where('detection', 'missing "detection" with a "condition"') });
      return;
    }
    const logsource: LogSourceRef = {};
    const product = str(ls.product);
    const category = str(ls.category);
    const service = str(ls.service);
    if (product) logsource.product = product.toLowerCase();
    if (category) logsource.category = category.toLowerCase();
    if (service) logsource.service = service.toLowerCase();
    const allOwasp = isWebLogSource(logsource) ? uniq([...owasp, ...owaspFromWebTitle(title)]) : owasp;
    rules.push({ ...base, logsource, fields: detectionFields(det), owasp: allOwasp, correlation: false });
  });
  return { rules, problems };
}
