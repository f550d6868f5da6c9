// Compiles a rule's `detection` section into one matcher closure, plus the literal hints the prefilter uses. Each
// `field|modifiers: values` entry compiles through the modifier table (modifiers.ts).
import { type CondNode, compileCondition, parseCondition } from './condition.js';
import { compileItem, type Piece } from './modifiers.js';
import { andOf, orOf } from './need.js';
import {
  type CompileOptions,
  type EventMatcher,
  type MatchContext,
  type Need,
  RuleError,
  ruleErrorAt,
} from './types.js';

export interface CompiledDetection {
  matcher: EventMatcher;
  need: Need | null;
  fields: string[];
  warnings: string[];
}

export function splitKey(key: string): { field: string | null; mods: string[] } {
  const [field, ...mods] = key.split('|');
  return { field: field === '' ? null : field!, mods };
}

function compileMap(
  map: Record<string, unknown>,
  opts: CompileOptions,
  warnings: string[],
  fields: Set<string>,
): Piece {
  const entries = Object.entries(map);
  if (entries.length === 0) throw new RuleError('empty selection map');
  const pieces = entries.map(([key, value]) => {
    const { field, mods } = splitKey(key);
    if (field) fields.add(field);
    return ruleErrorAt([key], () => compileItem(field, mods, value, opts, warnings));
  });
  const fs = pieces.map((p) => p.match);
  const match: EventMatcher =
    fs.length === 1
      ? fs[0]!
      : (ctx) => {
          for (const f of fs) if (!f(ctx)) return false;
          return true;
        };
  return { match, need: andOf(pieces.map((p) => p.need)) };
}

function compileSearch(
  name: string,
  def: unknown,
  opts: CompileOptions,
  warnings: string[],
  fields: Set<string>,
): Piece {
  return ruleErrorAt(
    [name],
    () => compileSearchValue(def, opts, warnings, fields),
    (m) => `detection.${name}: ${m}`,
  );
}

function compileSearchValue(def: unknown, opts: CompileOptions, warnings: string[], fields: Set<string>): Piece {
  if (def === null || def === undefined) throw new RuleError('is empty');
  if (Array.isArray(def)) {
    if (def.length === 0) throw new RuleError('is an empty list');
    if (def.every((x) => x !== null && typeof x === 'object' && !Array.isArray(x))) {
      const pieces = def.map((m, i) =>
        ruleErrorAt([i], () => compileMap(m as Record<string, unknown>, opts, warnings, fields)),
      );
      const fs = pieces.map((p) => p.match);
      return {
        match: (ctx) => {
          for (let i = 0; i < fs.length; i++) if (fs[i]!(ctx)) return true;
          return false;
        },
        need: orOf(pieces.map((p) => p.need)),
      };
    }
    if (def.every((x) => typeof x === 'string' || typeof x === 'number'))
      return compileItem(null, [], def, opts, warnings);
    throw new RuleError('mixes maps and plain values in one list');
  }
  if (typeof def === 'object') return compileMap(def as Record<string, unknown>, opts, warnings, fields);
  if (typeof def === 'string' || typeof def === 'number') return compileItem(null, [], [def], opts, warnings);
  throw new RuleError(`has an unsupported value ${JSON.stringify(def)}`);
}

function needOf(node: CondNode, needs: Map<string, Need | null>): Need | null {
  switch (node.op) {
    case 'id':
      return needs.get(node.name) ?? null;
    case 'not':
      return null;
    case 'and':
      return andOf(node.args.map((a) => needOf(a, needs)));
    case 'or':
      return orOf(node.args.map((a) => needOf(a, needs)));
    case 'of':
      return node.min === 'all'
        ? andOf(node.names.map((n) => needs.get(n) ?? null))
        : node.min === 1
          ? orOf(node.names.map((n) => needs.get(n) ?? null))
          : null;
  }
}

/** Compiles `detection` (searches + condition). `extra` adds the conditions of meta-filters as "and not". */
/** `root` is where the section sits in the rule document (a filter's is `filter`), for the place of an error. */
export function compileDetection(detection: unknown, opts: CompileOptions = {}, root = 'detection'): CompiledDetection {
  if (!detection || typeof detection !== 'object' || Array.isArray(detection))
    throw new RuleError('detection must be a map');
  const det = detection as Record<string, unknown>;
  const warnings: string[] = [];
  const fields = new Set<string>();
  const searches = new Map<string, Piece>();
  for (const [name, def] of Object.entries(det)) {
    if (name === 'condition' || name === 'timeframe') continue;
    searches.set(
      name,
      ruleErrorAt([root], () => compileSearch(name, def, opts, warnings, fields)),
    );
  }
  if ('timeframe' in det)
    throw new RuleError('detection.timeframe (Sigma 1.0 aggregation) is not supported; use a correlation rule');
  const cond = det.condition;
  const conds = Array.isArray(cond) ? cond : [cond];
  if (cond === undefined || conds.length === 0) throw new RuleError('detection.condition is missing');
  const ids = [...searches.keys()];
  const trees = conds.map((c) => {
    if (typeof c !== 'string') throw new RuleError('detection.condition must be a string or a list of strings');
    if (/\|\s*(count|min|max|avg|sum|near)\b/.test(c)) {
      throw new RuleError(
        `condition "${c}" uses a Sigma 1.0 aggregation ("| count() by"), which v2 replaced by correlation rules`,
      );
    }
    return parseCondition(c, ids);
  });
  const tree: CondNode = trees.length === 1 ? trees[0]! : { op: 'or', args: trees };
  const lookup = (n: string) => searches.get(n)!.match;
  const needs = new Map([...searches].map(([k, v]) => [k, v.need] as const));
  // A clause with an empty literal always holds: it constrains nothing.
  const need = needOf(tree, needs)?.filter((c) => c.every((n) => n.literal.length > 0)) ?? [];
  return {
    matcher: compileCondition<MatchContext>(tree, lookup),
    need: need.length > 0 ? need : null,
    fields: [...fields],
    warnings,
  };
}
