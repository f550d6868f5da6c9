// A backend-neutral boolean query built from a Sigma rule's detection, for converters into SIEM query languages.
// It reuses the engine's own parsers (the condition grammar, the modifier table and its transforms), so a converted
// query means what the local engine matches; anything a target cannot express raises Unconvertible with the reason.
import { type CondNode, parseCondition } from '../sigma/condition.js';
import { splitKey } from '../sigma/detection.js';
import { itemShape } from '../sigma/modifiers.js';
import { type Pattern, wrap } from '../sigma/pattern.js';
import { type CompileOptions, RuleError } from '../sigma/types.js';

export type ReasonKind = 'modifier' | 'correlation' | 'field-mapping' | 'logsource' | 'regex' | 'value' | 'rule';

/** Why a rule (or one part of it) cannot be expressed in a target's language. Never a guess: the rule is skipped. */
export class Unconvertible extends Error {
  override name = 'Unconvertible';
  constructor(
    readonly kind: ReasonKind,
    readonly reason: string,
  ) {
    super(reason);
  }
}

export type Q =
  | { t: 'and' | 'or'; args: Q[] }
  | { t: 'not'; arg: Q }
  | { t: 'true' }
  | { t: 'false' }
  /**
   * A string pattern (wildcards, windash classes); field null: a keyword anywhere in the event. num: written as a
   * number.
   */
  | { t: 'str'; field: string | null; p: Pattern; cased: boolean; num?: number }
  | { t: 're'; field: string | null; re: string; i: boolean; m: boolean; s: boolean }
  | { t: 'cmp'; field: string; op: 'lt' | 'lte' | 'gt' | 'gte'; n: number }
  | { t: 'exists'; field: string }
  | { t: 'cidr'; field: string; cidr: string }
  | { t: 'fieldref'; field: string; other: string };

/** Target field names for a Sigma field; undefined when the target's table does not map it. */
export type FieldMapper = (sigmaField: string) => string[] | undefined;

export const and = (args: Q[]): Q => (args.length === 1 ? args[0]! : { t: 'and', args });
export const or = (args: Q[]): Q => (args.length === 1 ? args[0]! : { t: 'or', args });

function mapped(map: FieldMapper, field: string): string[] {
  const fs = map(field);
  if (!fs || fs.length === 0) throw new Unconvertible('field-mapping', `field ${field} has no mapping for this target`);
  return fs;
}

/** One field|modifiers: values entry. */
function itemQuery(key: string, raw: unknown, map: FieldMapper, opts: CompileOptions): Q {
  const { field, mods } = splitKey(key);
  let shape: ReturnType<typeof itemShape>;
  try {
    shape = itemShape(field, mods, raw, opts);
  } catch (e) {
    if (e instanceof RuleError) throw new Unconvertible('rule', `${key}: ${e.message}`);
    throw e;
  }
  const all = shape.has('all');
  const combine = (qs: Q[]) => (all ? and(qs) : or(qs));
  const perField = (build: (f: string) => Q): Q => (field === null ? build('') : or(mapped(map, field).map(build)));
  let q: Q;
  switch (shape.match) {
    case 'exists': {
      const want = shape.values[0];
      if (typeof want !== 'boolean') throw new Unconvertible('rule', `${key}: exists takes true or false`);
      const ex = perField((f) => ({ t: 'exists', field: f }));
      return want ? ex : { t: 'not', arg: ex };
    }
    case 'lt':
    case 'lte':
    case 'gt':
    case 'gte': {
      const op = shape.match;
      const others = mods.filter((m) => m !== op && m !== 'all' && m !== 'neq');
      if (others.length)
        throw new Unconvertible('modifier', `${key}: modifier '${others[0]}' with '${op}' is not converted`);
      q = combine(
        shape.values.map((v) => {
          const n = typeof v === 'number' ? v : Number(v);
          if (typeof v === 'boolean' || Number.isNaN(n))
            throw new Unconvertible('rule', `${key}: ${JSON.stringify(v)} is not a number`);
          return perField((f) => ({ t: 'cmp', field: f, op, n }));
        }),
      );
      break;
    }
    case 'cidr':
      q = or(shape.values.map((v) => perField((f) => ({ t: 'cidr', field: f, cidr: String(v) }))));
      break;
    case 'fieldref': {
      const extra = mods.filter((m) => m !== 'fieldref' && m !== 'neq' && m !== 'all');
      if (extra.length) throw new Unconvertible('modifier', `${key}: fieldref with '${extra[0]}' is not converted`);
      q = combine(
        shape.values.map((v) => perField((f) => ({ t: 'fieldref', field: f, other: mapped(map, String(v))[0]! }))),
      );
      break;
    }
    case 're': {
      if (shape.strings!.length === 0)
        throw new Unconvertible('value', `${key}: |expand placeholder has no configured values`);
      q = combine(
        shape.strings!.map((re) =>
          perField((f) => ({ t: 're', field: f || null, re, i: shape.has('i'), m: shape.has('m'), s: shape.has('s') })),
        ),
      );
      break;
    }
    case '': {
      if (shape.isNull) {
        q = { t: 'not', arg: perField((f) => ({ t: 'exists', field: f })) };
        break;
      }
      const ps = shape.patterns!;
      if (ps.length === 0) throw new Unconvertible('value', `${key}: |expand placeholder has no configured values`);
      if (ps.some((x) => x.binary))
        throw new Unconvertible('modifier', `${key}: UTF-16 bytes without |base64 cannot be searched as text`);
      const plainValues =
        ps.length === shape.values.length && !mods.some((m) => m !== 'all' && m !== 'neq' && m !== 'cased');
      q = combine(
        ps.map((x, i) => {
          const v = plainValues ? shape.values[i] : undefined;
          // A keyword matches anywhere inside any value of the event, as in the local engine.
          if (field === null) return { t: 'str', field: null, p: wrap(x.p, true, true), cased: shape.cased } as Q;
          return perField((f) => ({
            t: 'str',
            field: f,
            p: x.p,
            cased: shape.cased,
            ...(typeof v === 'number' ? { num: v } : {}),
          }));
        }),
      );
      break;
    }
    default:
      throw new Unconvertible('modifier', `${key}: modifier '${shape.match}' (date part) is not converted`);
  }
  return shape.has('neq') ? { t: 'not', arg: q } : q;
}

function searchQuery(name: string, def: unknown, map: FieldMapper, opts: CompileOptions): Q {
  const mapQuery = (m: Record<string, unknown>) => {
    const entries = Object.entries(m);
    if (entries.length === 0) throw new Unconvertible('rule', `detection.${name}: empty selection map`);
    return and(entries.map(([k, v]) => itemQuery(k, v, map, opts)));
  };
  if (Array.isArray(def)) {
    if (def.length === 0) throw new Unconvertible('rule', `detection.${name} is an empty list`);
    if (def.every((x) => x !== null && typeof x === 'object' && !Array.isArray(x)))
      return or(def.map((m) => mapQuery(m as Record<string, unknown>)));
    return itemQuery('', def, map, opts);
  }
  if (def !== null && typeof def === 'object') return mapQuery(def as Record<string, unknown>);
  if (typeof def === 'string' || typeof def === 'number') return itemQuery('', [def], map, opts);
  throw new Unconvertible('rule', `detection.${name} has an unsupported value`);
}

const MAX_COMBINATIONS = 64;

function combinations<T>(xs: T[], k: number): T[][] {
  if (k === 0) return [[]];
  if (xs.length < k) return [];
  const [first, ...rest] = xs;
  return [...combinations(rest, k - 1).map((c) => [first!, ...c]), ...combinations(rest, k)];
}

function condQuery(node: CondNode, searches: Map<string, Q>): Q {
  switch (node.op) {
    case 'id':
      return searches.get(node.name)!;
    case 'not':
      return { t: 'not', arg: condQuery(node.arg, searches) };
    case 'and':
      return and(node.args.map((a) => condQuery(a, searches)));
    case 'or':
      return or(node.args.map((a) => condQuery(a, searches)));
    case 'of': {
      const qs = node.names.map((n) => searches.get(n)!);
      if (node.min === 'all') return and(qs);
      if (node.min === 1) return or(qs);
      const combos = combinations(qs, node.min);
      if (combos.length > MAX_COMBINATIONS)
        throw new Unconvertible(
          'rule',
          `"${node.min} of" over ${qs.length} searches needs ${combos.length} alternatives`,
        );
      return combos.length === 0 ? { t: 'false' } : or(combos.map(and));
    }
  }
}

/** The rule's detection as one boolean query over target field names. */
export function detectionQuery(detection: unknown, map: FieldMapper, opts: CompileOptions = {}): Q {
  if (!detection || typeof detection !== 'object' || Array.isArray(detection))
    throw new Unconvertible('rule', 'detection must be a map');
  const det = detection as Record<string, unknown>;
  if ('timeframe' in det)
    throw new Unconvertible('correlation', 'detection.timeframe (Sigma 1.0 aggregation) is not converted');
  const cond = det.condition;
  const conds = Array.isArray(cond) ? cond : [cond];
  if (cond === undefined || conds.length === 0) throw new Unconvertible('rule', 'detection.condition is missing');
  const ids = Object.keys(det).filter((k) => k !== 'condition');
  const trees = conds.map((c) => {
    if (typeof c !== 'string') throw new Unconvertible('rule', 'detection.condition must be a string');
    if (/\|\s*(count|min|max|avg|sum|near)\b/.test(c))
      throw new Unconvertible('correlation', `condition "${c}" is a Sigma 1.0 aggregation`);
    try {
      return parseCondition(c, ids);
    } catch (e) {
      if (e instanceof RuleError) throw new Unconvertible('rule', e.message);
      throw e;
    }
  });
  // Only the searches the condition uses are converted: an unused one with an unmapped field does not block the rule.
  const used = new Set<string>();
  const walk = (n: CondNode): void => {
    if (n.op === 'id') used.add(n.name);
    else if (n.op === 'of') for (const x of n.names) used.add(x);
    else if (n.op === 'not') walk(n.arg);
    else for (const a of n.args) walk(a);
  };
  for (const t of trees) walk(t);
  const searches = new Map<string, Q>();
  for (const name of used) searches.set(name, searchQuery(name, det[name], map, opts));
  return or(trees.map((t) => condQuery(t, searches)));
}
