// Reads Sigma files (multi-document YAML) into compiled rules. A bad document becomes a failure naming its file,
// document and reason; every other document still loads.
import { extname } from 'node:path';
import { INPUT_LIMITS, readInputText } from '../util/input-file.js';
import {
  InputError,
  compileSchema,
  parseYaml,
  positionOf,
  validateDoc,
  validateValue,
  type ParsedYaml,
} from '../util/validate.js';
import { walkFiles } from '../util/walk.js';
import { compileDetection } from './detection.js';
import { correlationRuleSchema, detectionRuleSchema, filterRuleSchema } from './schema.js';
import {
  type AnyRule,
  type CompileOptions,
  type CorrelationRule,
  type CorrelationType,
  type CountCondition,
  type CompiledDetectionRule,
  type FilterRule,
  type LoadFailure,
  type LogSource,
  RuleError,
} from './types.js';

const validateDetection = compileSchema(detectionRuleSchema);
const validateCorrelation = compileSchema(correlationRuleSchema);
const validateFilter = compileSchema(filterRuleSchema);

export interface LoadResult {
  rules: AnyRule[];
  failures: LoadFailure[];
  /** Files read (for counting and messages). */
  files: number;
}

/**
 * Lists .yml/.yaml files below the given files or folders, sorted for stable output; loops and devices are failures.
 */
export function listRuleFiles(paths: string[], failures: LoadFailure[]): string[] {
  return walkFiles(paths, {
    includeFile: (name) => !name.startsWith('.') && ['.yml', '.yaml'].includes(extname(name)),
    onSkip: (path, reason) => failures.push({ path, error: reason }),
  });
}

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

export function parseTimespan(s: string): number {
  const m = /^(\d+)([smhdw])$/.exec(s.trim());
  if (!m) throw new RuleError(`timespan "${s}" must be a number and one of s, m, h, d, w (e.g. 10m)`);
  return Number(m[1]) * UNITS[m[2]!]!;
}

function asList(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  return (Array.isArray(v) ? v : [v]).map(String);
}

function meta(doc: Record<string, unknown>, path: string, index: number) {
  const id = typeof doc.id === 'string' ? doc.id : typeof doc.name === 'string' ? doc.name : `${path}#${index}`;
  return {
    id,
    title: String(doc.title),
    name: typeof doc.name === 'string' ? doc.name : undefined,
    level: typeof doc.level === 'string' ? doc.level : undefined,
    status: typeof doc.status === 'string' ? doc.status : undefined,
    tags: asList(doc.tags),
    description: typeof doc.description === 'string' ? doc.description : undefined,
    falsepositives: asList(doc.falsepositives),
    path,
    doc: index,
  };
}

function logsourceOf(v: unknown): LogSource {
  const ls = (v ?? {}) as Record<string, unknown>;
  const out: LogSource = {};
  for (const k of ['product', 'category', 'service'] as const)
    if (typeof ls[k] === 'string') out[k] = (ls[k] as string).toLowerCase();
  return out;
}

/** Builds one rule from a validated document. */
export function buildRule(doc: Record<string, unknown>, path: string, index: number, opts: CompileOptions): AnyRule {
  if ('correlation' in doc) {
    const c = doc.correlation as Record<string, unknown>;
    const cond = (c.condition ?? {}) as Record<string, unknown>;
    const type = c.type as CorrelationType;
    const condition: CountCondition = {};
    for (const k of ['gt', 'gte', 'lt', 'lte', 'eq', 'neq'] as const)
      if (typeof cond[k] === 'number') condition[k] = cond[k] as number;
    const needsField =
      type === 'value_count' || type === 'value_sum' || type === 'value_avg' || type === 'value_percentile';
    const fieldList = asList(cond.field);
    if (needsField && fieldList.length === 0) throw new RuleError(`correlation ${type} needs condition.field`);
    if (type !== 'temporal' && type !== 'temporal_ordered' && Object.keys(condition).length === 0) {
      throw new RuleError(`correlation ${type} needs a condition (gt, gte, lt, lte, eq or neq)`);
    }
    if (fieldList.length > 1)
      throw new RuleError('correlation condition.field with several fields is not supported (use one field)');
    const rule: CorrelationRule = {
      ...meta(doc, path, index),
      kind: 'correlation',
      type,
      rules: asList(c.rules),
      groupBy: asList(c['group-by']),
      timespanMs: parseTimespan(String(c.timespan)),
      condition,
      field: fieldList[0],
      aliases: (c.aliases ?? {}) as Record<string, Record<string, string>>,
      generate: c.generate === true,
    };
    return rule;
  }
  if ('filter' in doc && !('detection' in doc)) {
    const f = doc.filter as Record<string, unknown>;
    const { rules, ...detection } = f;
    const compiled = compileDetection(detection, {}, 'filter');
    const rule: FilterRule = {
      ...meta(doc, path, index),
      kind: 'filter',
      logsource: logsourceOf(doc.logsource),
      rules: asList(rules),
      matcher: compiled.matcher,
    };
    return rule;
  }
  const compiled = compileDetection(doc.detection, opts);
  const rule: CompiledDetectionRule = {
    ...meta(doc, path, index),
    kind: 'detection',
    logsource: logsourceOf(doc.logsource),
    matcher: compiled.matcher,
    need: compiled.need,
    warnings: compiled.warnings,
    fields: compiled.fields,
  };
  return rule;
}

function mergeGlobal(base: Record<string, unknown>, doc: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(doc)) {
    const b = out[k];
    out[k] =
      b && v && typeof b === 'object' && typeof v === 'object' && !Array.isArray(b) && !Array.isArray(v)
        ? mergeGlobal(b as Record<string, unknown>, v as Record<string, unknown>)
        : v;
  }
  return out;
}

/** "line 12:5: " for the key at `at` in a document as written (a merged document has no lines of its own). */
function lineOf(parsed: ParsedYaml, doc: number, at: (string | number)[] | undefined): string {
  const pos = at ? positionOf(parsed, doc, at) : undefined;
  return pos ? `line ${pos.line}:${pos.col}: ` : '';
}

/** "file:12:3: field: detail" -> "line 12:3: field: detail" (the path is reported separately). */
function inputErrorText(e: InputError, path: string): string {
  const rest = e.message.startsWith(path) ? e.message.slice(path.length).replace(/^:/, '') : e.message;
  return /^\d/.test(rest) ? `line ${rest}` : rest.trim();
}

/** Loads the documents of one YAML text. */
export function loadRuleText(text: string, path: string, opts: CompileOptions = {}): LoadResult {
  const rules: AnyRule[] = [];
  const failures: LoadFailure[] = [];
  let parsed: ParsedYaml;
  try {
    parsed = parseYaml(text, path);
  } catch (e) {
    failures.push({ path, error: e instanceof InputError ? inputErrorText(e, path) : String(e) });
    return { rules, failures, files: 1 };
  }
  let global: Record<string, unknown> | undefined;
  let lastPlain: Record<string, unknown> | undefined;
  const multi = parsed.docs.length > 1;
  parsed.docs.forEach((_d, i) => {
    const where = multi ? `document ${i + 1}: ` : '';
    let merged = false;
    try {
      let value = parsed.values[i];
      if (value === null || value === undefined) return;
      if (typeof value !== 'object' || Array.isArray(value)) throw new RuleError('a rule document must be a map');
      let doc = value as Record<string, unknown>;
      // Sigma 1.0 rule collections: "action: global" documents are merged into the following ones.
      if (doc.action === 'global') {
        const { action: _a, ...rest } = doc;
        global = rest;
        return;
      }
      if (doc.action === 'reset') {
        global = undefined;
        return;
      }
      if (doc.action === 'repeat') {
        const { action: _a, ...rest } = doc;
        doc = mergeGlobal(lastPlain ?? {}, rest);
        merged = true;
      } else if (global) {
        doc = mergeGlobal(global, doc);
        merged = true;
      }
      lastPlain = doc;
      const validator =
        'correlation' in doc
          ? validateCorrelation
          : 'filter' in doc && !('detection' in doc)
            ? validateFilter
            : validateDetection;
      value = merged ? validateValue(doc, validator, path) : validateDoc(parsed, i, validator);
      rules.push(buildRule(value as Record<string, unknown>, path, i, opts));
    } catch (e) {
      if (e instanceof InputError) failures.push({ path, error: `${where}${inputErrorText(e, path)}` });
      else if (e instanceof RuleError)
        failures.push({ path, error: `${where}${lineOf(parsed, i, merged ? undefined : e.at)}${e.message}` });
      else failures.push({ path, error: `${where}internal error: ${(e as Error).message}` });
    }
  });
  return { rules, failures, files: 1 };
}

/** Loads every rule below the given files and folders. */
export function loadRules(paths: string[], opts: CompileOptions = {}): LoadResult {
  const failures: LoadFailure[] = [];
  const files = listRuleFiles(paths, failures);
  const rules: AnyRule[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readInputText(file, { maxBytes: INPUT_LIMITS.yamlBytes });
    } catch (e) {
      failures.push({ path: file, error: e instanceof InputError ? e.detail : String(e) });
      continue;
    }
    const r = loadRuleText(text, file, opts);
    rules.push(...r.rules);
    failures.push(...r.failures);
  }
  return { rules, failures, files: files.length };
}
