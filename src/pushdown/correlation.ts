// Sigma correlation rules (event_count, value_count, temporal) pushed down where the language can aggregate per group
// and time bucket: ES|QL `STATS ... BY`, SPL `bin _time` + `stats`, KQL `summarize ... by bin()`. Like pySigma's
// backends, the timespan becomes fixed buckets (a burst that straddles a bucket boundary is split; the local engine's
// sliding window is not); the rule's note says so. Anything else is a per-rule reason, never an approximation.
import type { CompileOptions } from '../sigma/types.js';
import { toEsqlWhere } from './esql.js';
import { detectionQuery, or, Unconvertible } from './ir.js';
import { toKqlWhere } from './kql.js';
import { toSpl } from './spl.js';
import {
  type Conversion,
  type ConvertedBranch,
  type ConvertOptions,
  convertBranches,
  convertRule,
  DEFAULT_ELASTIC_INDEX,
  type Language,
  type SiemTarget,
} from './targets.js';

type Op = 'gt' | 'gte' | 'lt' | 'lte' | 'eq' | 'neq';
const OPS: Record<Op, string> = { gt: '>', gte: '>=', lt: '<', lte: '<=', eq: '==', neq: '!=' };
const SPL_OPS: Record<Op, string> = { ...OPS, eq: '=' };

export interface CorrelationSpec {
  type: 'event_count' | 'value_count' | 'temporal';
  rules: string[];
  groupBy: string[];
  span: { n: number; unit: 's' | 'm' | 'h' | 'd' };
  conditions: { op: Op; n: number }[];
  /** value_count: the field whose distinct values are counted. */
  field?: string;
}

const UNITS = { s: 'seconds', m: 'minutes', h: 'hours', d: 'days' } as const;

/** Reads the correlation section, or says what in it cannot be pushed down. */
export function readCorrelation(doc: Record<string, unknown>): CorrelationSpec {
  const c = doc.correlation as Record<string, unknown>;
  const type = String(c.type ?? '?');
  if (type !== 'event_count' && type !== 'value_count' && type !== 'temporal')
    throw new Unconvertible(
      'correlation',
      `correlation type ${type} is not pushed down (event_count, value_count, temporal are)`,
    );
  if (c.aliases)
    throw new Unconvertible('correlation', 'correlation aliases (field names per base rule) are not pushed down');
  const rules = (Array.isArray(c.rules) ? c.rules : [c.rules]).filter((r) => typeof r === 'string') as string[];
  if (rules.length === 0) throw new Unconvertible('correlation', 'the correlation names no base rules');
  const groupBy =
    c['group-by'] === undefined
      ? []
      : Array.isArray(c['group-by'])
        ? c['group-by'].map(String)
        : [String(c['group-by'])];
  const m = /^(\d+)([smhd])$/.exec(String(c.timespan ?? ''));
  if (!m) throw new Unconvertible('correlation', `timespan "${String(c.timespan)}" is not a number and s, m, h or d`);
  const span = { n: Number(m[1]), unit: m[2] as 's' | 'm' | 'h' | 'd' };
  const conditions: { op: Op; n: number }[] = [];
  let field: string | undefined;
  if (type === 'temporal') {
    if (c.condition !== undefined)
      throw new Unconvertible('correlation', 'a temporal correlation with a condition is not pushed down');
    conditions.push({ op: 'gte', n: rules.length });
  } else {
    const cond = c.condition as Record<string, unknown> | undefined;
    if (!cond || typeof cond !== 'object') throw new Unconvertible('correlation', 'the correlation has no condition');
    for (const [k, v] of Object.entries(cond)) {
      if (k === 'field') field = String(v);
      else if (k in OPS && typeof v === 'number') conditions.push({ op: k as Op, n: v });
      else throw new Unconvertible('correlation', `condition ${k}: ${String(v)} is not pushed down`);
    }
    if (conditions.length === 0) throw new Unconvertible('correlation', 'the condition has no comparison');
    if (type === 'value_count' && !field) throw new Unconvertible('correlation', 'value_count needs condition.field');
  }
  return { type, rules, groupBy, span, conditions, ...(field ? { field } : {}) };
}

/**
 * A Sigma field's names on the paths of the base rules (Sysmon and ECS name the host differently): one name, or
 * several that the query coalesces into one column named after the Sigma field. A path without it is refused.
 */
interface Column {
  name: string;
  sources: string[];
}

function column(field: string, parts: ConvertedBranch[], i: number): Column {
  const names: string[] = [];
  for (const { b } of parts) {
    const m = b.map(field);
    if (m?.length !== 1) throw new Unconvertible('field-mapping', `field ${field} has no single mapping on ${b.label}`);
    if (!names.includes(m[0]!)) names.push(m[0]!);
  }
  if (names.length === 1) return { name: names[0]!, sources: names };
  return { name: /^[A-Za-z_][A-Za-z0-9_]*$/.test(field) ? field : `field_${i}`, sources: names };
}

const merged = (cols: Column[]) => cols.filter((c) => c.sources.length > 1);

const esqlField = (f: string) => (/^[A-Za-z_@][A-Za-z0-9_.@]*$/.test(f) ? f : `\`${f.replace(/`/g, '``')}\``);
const splField = (f: string) => (/^[A-Za-z_][A-Za-z0-9_.:-]*$/.test(f) ? f : `"${f.replace(/["\\]/g, '\\$&')}"`);
const kqlField = (f: string) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(f) ? f : `['${f.replace(/['\\]/g, '\\$&')}']`);
const strLit = (s: string) => `"${s.replace(/["\\]/g, '\\$&')}"`;

interface Base {
  name: string;
  parts: ConvertedBranch[];
}

function metric(spec: CorrelationSpec, field: string | undefined, lang: 'esql' | 'spl' | 'kql'): [string, string] {
  const f = field ?? '';
  if (spec.type === 'event_count') return ['event_count', { esql: 'COUNT(*)', spl: 'count', kql: 'count()' }[lang]];
  if (spec.type === 'value_count')
    return [
      'value_count',
      { esql: `COUNT_DISTINCT(${esqlField(f)})`, spl: `dc(${splField(f)})`, kql: `dcount(${kqlField(f)})` }[lang],
    ];
  return [
    'event_type_count',
    { esql: 'COUNT_DISTINCT(event_type)', spl: 'dc(event_type)', kql: 'dcount(event_type)' }[lang],
  ];
}

function esqlQuery(
  spec: CorrelationSpec,
  bases: Base[],
  groups: Column[],
  field: Column | undefined,
  index: string,
): string {
  const all = or(bases.flatMap((r) => r.parts.map((p) => p.q)));
  const lines = [`FROM ${index} | WHERE ${toEsqlWhere(all)}`];
  if (spec.type === 'temporal') {
    const cases = bases.map((r) => `${toEsqlWhere(or(r.parts.map((p) => p.q)))}, ${strLit(r.name)}`).join(', ');
    lines.push(`| EVAL event_type = CASE(${cases})`);
  }
  for (const c of merged([...groups, ...(field ? [field] : [])]))
    lines.push(`| EVAL ${c.name} = COALESCE(${c.sources.map(esqlField).join(', ')})`);
  const [name, fn] = metric(spec, field?.name, 'esql');
  const by = ['timebucket', ...groups.map((g) => esqlField(g.name))].join(', ');
  const bucket = `DATE_TRUNC(${spec.span.n} ${UNITS[spec.span.unit]}, @timestamp)`;
  lines.push(`| EVAL timebucket = ${bucket} | STATS ${name} = ${fn} BY ${by}`);
  lines.push(`| WHERE ${spec.conditions.map((c) => `${name} ${OPS[c.op]} ${c.n}`).join(' AND ')}`);
  return lines.join('\n');
}

function splQuery(spec: CorrelationSpec, bases: Base[], groups: Column[], field: Column | undefined): string {
  const lines: string[] = [];
  if (spec.type === 'temporal') {
    lines.push('| multisearch');
    for (const r of bases)
      lines.push(`[ search ${toSpl(or(r.parts.map((p) => p.q)))} | eval event_type=${strLit(r.name)} ]`);
  } else lines.push(toSpl(or(bases.flatMap((r) => r.parts.map((p) => p.q)))));
  for (const c of merged([...groups, ...(field ? [field] : [])]))
    lines.push(`| eval ${c.name}=coalesce(${c.sources.map(splField).join(', ')})`);
  const [name, fn] = metric(spec, field?.name, 'spl');
  lines.push(`| bin _time span=${spec.span.n}${spec.span.unit}`);
  lines.push(`| stats ${fn} as ${name} by ${['_time', ...groups.map((g) => splField(g.name))].join(' ')}`);
  lines.push(`| search ${spec.conditions.map((c) => `${name}${SPL_OPS[c.op]}${c.n}`).join(' ')}`);
  return lines.join('\n');
}

function kqlQuery(spec: CorrelationSpec, bases: Base[], groups: Column[], field: Column | undefined): string {
  const parts = bases.flatMap((r) =>
    r.parts.map(
      (p) =>
        `${p.b.table} | where ${toKqlWhere(p.q)}` +
        (spec.type === 'temporal' ? ` | extend event_type = ${strLit(r.name)}` : ''),
    ),
  );
  const from = parts.length === 1 ? parts[0]! : `union ${parts.map((p) => `(${p})`).join(', ')}`;
  const [name, fn] = metric(spec, field?.name, 'kql');
  const by = [`bin(TimeGenerated, ${spec.span.n}${spec.span.unit})`, ...groups.map((g) => kqlField(g.name))].join(', ');
  return [
    from,
    ...merged([...groups, ...(field ? [field] : [])]).map(
      (c) => `| extend ${c.name} = coalesce(${c.sources.map(kqlField).join(', ')})`,
    ),
    `| summarize ${name} = ${fn} by ${by}`,
    `| where ${spec.conditions.map((c) => `${name} ${OPS[c.op]} ${c.n}`).join(' and ')}`,
  ].join('\n');
}

export interface CorrelationOptions extends CompileOptions {
  index?: string;
  /** No routing or field mapping (field names as written), as pySigma's backends convert with no pipeline. */
  bare?: boolean;
  /** A base rule by the name or id the correlation lists. */
  resolve: (ref: string) => Record<string, unknown> | undefined;
}

/** The correlation's queries per language of the target; throws Unconvertible with the reason otherwise. */
export function correlationQueries(
  doc: Record<string, unknown>,
  target: SiemTarget,
  opts: CorrelationOptions,
): Pick<Conversion, 'queries' | 'branches' | 'notes' | 'correlation'> {
  const spec = readCorrelation(doc);
  const notes = [
    `timespan ${spec.span.n}${spec.span.unit} counted in fixed buckets, as pySigma's backends do ` +
      '(the local engine slides the window)',
  ];
  const bases: Base[] = spec.rules.map((ref) => {
    const base = opts.resolve(ref);
    if (!base) throw new Unconvertible('correlation', `base rule ${ref} is not among the rules loaded`);
    if (base.correlation)
      throw new Unconvertible('correlation', `base rule ${ref} is itself a correlation (not pushed down)`);
    try {
      if (opts.bare) {
        const b = { label: 'bare', where: null, map: (f: string) => [f], table: 'T' };
        return { name: ref, parts: [{ b, q: detectionQuery(base.detection, b.map, opts) }] };
      }
      const { converted, left } = convertBranches(base, target, opts);
      notes.push(...left.map((l) => `${ref}: path left out: ${l}`));
      return { name: ref, parts: converted };
    } catch (e) {
      if (e instanceof Unconvertible) throw new Unconvertible(e.kind, `base rule ${ref}: ${e.reason}`);
      throw e;
    }
  });
  const allParts = bases.flatMap((r) => r.parts);
  const groups = spec.groupBy.map((g, i) => column(g, allParts, i));
  const field = spec.field ? column(spec.field, allParts, groups.length) : undefined;
  const queries: Partial<Record<Language, string>> = {};
  if (target === 'elastic') {
    queries.esql = esqlQuery(spec, bases, groups, field, opts.index ?? DEFAULT_ELASTIC_INDEX);
    notes.push('Query DSL and Lucene cannot keep only the groups whose count meets a condition: counted with ES|QL');
  } else if (target === 'splunk') queries.spl = splQuery(spec, bases, groups, field);
  else queries.kql = kqlQuery(spec, bases, groups, field);
  return {
    queries,
    branches: [...new Set(allParts.map((p) => p.b.label))],
    notes,
    correlation: { type: spec.type, timespan: `${spec.span.n}${spec.span.unit}` },
  };
}

/** convertRule for a rule set: a correlation is converted with the rules beside it, any other rule as before. */
export function convertInSet(
  doc: Record<string, unknown>,
  target: SiemTarget,
  opts: ConvertOptions & { resolve: CorrelationOptions['resolve'] },
): Conversion {
  const plain = convertRule(doc, target, opts);
  if (!doc.correlation) return plain;
  const { unsupported: _u, ...base } = plain;
  try {
    return { ...base, ...correlationQueries(doc, target, opts) };
  } catch (e) {
    if (e instanceof Unconvertible) return { ...base, unsupported: { kind: e.kind, reason: e.reason } };
    throw e;
  }
}

/** Names and ids of the rule documents, for a correlation's `rules:` list. */
export function ruleResolver(docs: Record<string, unknown>[]): CorrelationOptions['resolve'] {
  const by = new Map<string, Record<string, unknown>>();
  for (const d of docs) {
    for (const k of [d.name, d.id]) if (typeof k === 'string' && !by.has(k)) by.set(k, d);
  }
  return (ref) => by.get(ref);
}
