// Compiles a rule's `detection` section into one matcher closure, plus the literal hints the prefilter uses.
import { type CondNode, compileCondition, parseCondition } from './condition.js';
import { compileCidrBytes, parseIp } from './ip.js';
import {
  base64,
  base64offset,
  compilePattern,
  literalPattern,
  type Pattern,
  parsePattern,
  plainText,
  utf16,
  windash,
  wrap,
} from './pattern.js';
import { Automaton } from './prefilter.js';
import { compileRegex, regexLiteral } from './regex.js';
import { type CompileOptions, type EventMatcher, type MatchContext, type Need, type NeedClause, RuleError } from './types.js';

export interface CompiledDetection {
  matcher: EventMatcher;
  need: Need | null;
  fields: string[];
  warnings: string[];
}

interface Piece {
  match: EventMatcher;
  need: Need | null;
}

/** Shortest literal of a clause; the prefilter prefers clauses whose every literal is long (rarely present). */
function strength(c: NeedClause): number {
  let min = Number.POSITIVE_INFINITY;
  for (const x of c) min = Math.min(min, x.literal.length);
  return min * 1_000_000 - c.length;
}
const MIN_LITERAL = 3;
const MANY_LITERALS = 16;
/** Clauses kept per need: each one more that must hold cuts candidates, each costs a little per hit. */
const MAX_CLAUSES = 4;
const isContainsLiteral = (p: Pattern) => p.parts.length === 3 && p.parts[0]!.t === 'any' && p.parts[1]!.t === 'lit' && p.parts[2]!.t === 'any';
/**
 * A literal worth indexing: three characters, any non-ASCII character (emoji, homoglyphs are rare in logs), or two
 * with a character rare in logs (the prefilter gives those classes of their own: '^^' of cmd obfuscation).
 */
const usable = (l: string) => l.length >= MIN_LITERAL || /[^\x00-\x7f]/.test(l) || (l.length === 2 && /[\^`|~{}<>]/.test(l));

const byStrength = (a: NeedClause, b: NeedClause) => strength(b) - strength(a);
function strongest(c: NeedClause[]): Need | null {
  if (c.length === 0) return null;
  return c.length <= MAX_CLAUSES ? c : [...c].sort(byStrength).slice(0, MAX_CLAUSES);
}
/** Every part must hold: so must every clause of every part (the strongest few are kept). */
function andOf(needs: (Need | null)[]): Need | null {
  const all: NeedClause[] = [];
  for (const n of needs) if (n) all.push(...n);
  return strongest(all);
}
/** One part must hold: each clause of the result takes one clause of every part (all combinations while few). */
function orOf(needs: (Need | null)[]): Need | null {
  if (needs.length === 0 || needs.some((n) => !n)) return null;
  const ns = needs as Need[];
  const combos = ns.reduce((p, n) => p * n.length, 1);
  if (combos <= MAX_CLAUSES) {
    // Combination k picks clause (k / radix) % length of each part, and is built once: copying a growing clause per
    // part made a condition of 100,000 `or` terms quadratic.
    // The last part varies fastest, as in a nested loop over the parts.
    const radix: number[] = new Array(ns.length);
    for (let i = ns.length - 1, r = 1; i >= 0; i--) {
      radix[i] = r;
      r *= ns[i]!.length;
    }
    const out: NeedClause[] = [];
    for (let k = 0; k < combos; k++) {
      const clause: NeedClause = [];
      ns.forEach((n, i) => {
        for (const x of n[Math.floor(k / radix[i]!) % n.length]!) clause.push(x);
      });
      out.push(clause);
    }
    return out;
  }
  return [ns.flatMap((n) => [...n].sort(byStrength)[0]!)];
}
/** The longest literal run of a pattern, lower-cased, and where it sits (anchor bits: 1 at the start, 2 at the end). */
function anchoredLiteral(p: Pattern): { literal: string; anchor: number } {
  let best = -1;
  let len = 0;
  for (let i = 0; i < p.parts.length; i++) {
    const x = p.parts[i]!;
    if (x.t === 'lit' && x.s.length > len) {
      best = i;
      len = x.s.length;
    }
  }
  if (best < 0) return { literal: '', anchor: 0 };
  const literal = (p.parts[best] as { s: string }).s.toLowerCase();
  // Lower-casing non-ASCII text can change lengths and depends on context: no position claims there.
  const anchor = /[^\x00-\x7f]/.test(literal) ? 0 : (best === 0 ? 1 : 0) | (best === p.parts.length - 1 ? 2 : 0);
  return { literal, anchor };
}

const ALL_MODIFIERS = new Set([
  'contains', 'startswith', 'endswith', 'all', 'exists', 'cased', 'neq', 'windash', 're', 'i', 'm', 's',
  'base64', 'base64offset', 'utf16le', 'utf16be', 'utf16', 'wide', 'lt', 'lte', 'gt', 'gte',
  'minute', 'hour', 'day', 'week', 'month', 'year', 'cidr', 'expand', 'fieldref',
]);

const TIME_PARTS = ['minute', 'hour', 'day', 'week', 'month', 'year'] as const;
type TimePart = (typeof TIME_PARTS)[number];

/** Reads a date without timezone conversion (the spec says time modifiers do none). */
export function timePart(value: string, part: TimePart): number | null {
  const m = /(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2}))?/.exec(value);
  let y: number, mo: number, d: number, h: number, mi: number;
  if (m) {
    [y, mo, d, h, mi] = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0)];
  } else {
    const t = Date.parse(value);
    if (Number.isNaN(t)) return null;
    const dt = new Date(t);
    [y, mo, d, h, mi] = [dt.getUTCFullYear(), dt.getUTCMonth() + 1, dt.getUTCDate(), dt.getUTCHours(), dt.getUTCMinutes()];
  }
  switch (part) {
    case 'minute':
      return mi;
    case 'hour':
      return h;
    case 'day':
      return d;
    case 'month':
      return mo;
    case 'year':
      return y;
    case 'week': {
      // ISO 8601 week number.
      const date = new Date(Date.UTC(y, mo - 1, d));
      const dayNum = date.getUTCDay() || 7;
      date.setUTCDate(date.getUTCDate() + 4 - dayNum);
      const yearStart = Date.UTC(date.getUTCFullYear(), 0, 1);
      return Math.ceil(((date.getTime() - yearStart) / 86_400_000 + 1) / 7);
    }
  }
}

function expandPlaceholders(raw: string, placeholders: Record<string, string[]>, missing: Set<string>): string[] {
  // %name% is a placeholder; \% is a plain percent sign.
  let results = [''];
  let i = 0;
  while (i < raw.length) {
    const c = raw[i]!;
    if (c === '\\' && raw[i + 1] === '%') {
      results = results.map((r) => `${r}%`);
      i += 2;
      continue;
    }
    if (c === '%') {
      const end = raw.indexOf('%', i + 1);
      if (end > i + 1) {
        const name = raw.slice(i + 1, end);
        const values = placeholders[name];
        if (!values) {
          missing.add(name);
          return [];
        }
        results = results.flatMap((r) => values.map((v) => r + v));
        i = end + 1;
        continue;
      }
    }
    results = results.map((r) => r + c);
    i++;
  }
  return results;
}

type NumOp = 'lt' | 'lte' | 'gt' | 'gte';
const numCompare: Record<NumOp, (a: number, b: number) => boolean> = {
  lt: (a, b) => a < b,
  lte: (a, b) => a <= b,
  gt: (a, b) => a > b,
  gte: (a, b) => a >= b,
};

function anyString(ctx: MatchContext, field: string, lower: boolean, test: (s: string) => boolean): boolean {
  const vs = ctx.strings(field, lower);
  if (!vs) return false;
  for (const v of vs) if (test(v)) return true;
  return false;
}

/** One `field|modifiers: values` entry (field null for keyword searches). */
function compileItem(field: string | null, mods: string[], raw: unknown, opts: CompileOptions, warnings: string[]): Piece {
  for (const m of mods) if (!ALL_MODIFIERS.has(m)) throw new RuleError(`unsupported modifier '${m}'${field ? ` on field ${field}` : ''}`);
  const label = `${field ?? '(keywords)'}|${mods.join('|')}`;
  const has = (m: string) => mods.includes(m);
  const rawList = Array.isArray(raw) ? raw : [raw];
  if (rawList.length === 0) throw new RuleError(`${label}: empty value list`);

  if (has('exists')) {
    if (field === null) throw new RuleError("'exists' needs a field");
    if (rawList.length !== 1 || typeof rawList[0] !== 'boolean') throw new RuleError(`${label}: exists takes true or false`);
    const want = rawList[0];
    return { match: (ctx) => (ctx.event.get(field) !== undefined) === want, need: null };
  }

  const neq = has('neq');
  const linkAll = has('all');
  const cased = has('cased');
  const finish = (match: EventMatcher, need: Need | null): Piece =>
    neq ? { match: (ctx) => !match(ctx), need: null } : { match, need };

  // null: the field is absent or null. It may not share a list with other values, but a lone null is common.
  if (rawList.some((v) => v === null)) {
    if (field === null) throw new RuleError('keyword searches cannot use null');
    if (rawList.length > 1) throw new RuleError(`${label}: null cannot be part of a list of values`);
    return finish((ctx) => {
      const v = ctx.event.get(field);
      return v === undefined || v === null;
    }, null);
  }
  for (const v of rawList) {
    if (typeof v === 'object') throw new RuleError(`${label}: values must be strings, numbers or booleans, not ${JSON.stringify(v).slice(0, 60)}`);
  }

  if (has('fieldref')) {
    if (field === null) throw new RuleError("'fieldref' needs a field");
    const refs = rawList.map(String);
    const before = has('contains') || has('endswith');
    const after = has('contains') || has('startswith');
    const tests = refs.map((ref) => (ctx: MatchContext) => {
      const others = ctx.strings(ref, !cased);
      if (!others) return false;
      return anyString(ctx, field, !cased, (s) =>
        others.some((o) => (before && after ? s.includes(o) : before ? s.endsWith(o) : after ? s.startsWith(o) : s === o)),
      );
    });
    return finish(linkAll ? (ctx) => tests.every((t) => t(ctx)) : (ctx) => tests.some((t) => t(ctx)), null);
  }

  const numOp = mods.find((m): m is NumOp => m in numCompare);
  const tp = mods.find((m): m is TimePart => (TIME_PARTS as readonly string[]).includes(m));
  if (numOp || tp) {
    if (field === null) throw new RuleError(`'${numOp ?? tp}' needs a field`);
    const nums = rawList.map((v) => {
      const n = typeof v === 'number' ? v : Number(v);
      if (typeof v === 'boolean' || Number.isNaN(n)) throw new RuleError(`${label}: ${JSON.stringify(v)} is not a number`);
      return n;
    });
    const cmp = numOp ? numCompare[numOp] : (a: number, b: number) => a === b;
    const tests = nums.map((n) => (ctx: MatchContext) =>
      anyString(ctx, field, false, (s) => {
        const x = tp ? timePart(s, tp) : s.trim() === '' ? Number.NaN : Number(s);
        return x !== null && !Number.isNaN(x) && cmp(x, n);
      }),
    );
    return finish(linkAll ? (ctx) => tests.every((t) => t(ctx)) : (ctx) => tests.some((t) => t(ctx)), null);
  }

  if (has('cidr')) {
    if (field === null) throw new RuleError("'cidr' needs a field");
    const nets = rawList.map((v) => compileCidrBytes(String(v)));
    return finish(
      (ctx) =>
        anyString(ctx, field, false, (s) => {
          const ip = parseIp(s);
          return ip !== null && nets.some((n) => n(ip));
        }),
      null,
    );
  }

  // Strings: expand placeholders, then apply the modifiers in their written order.
  let strings = rawList.map((v) => (typeof v === 'string' ? v : String(v)));
  if (has('expand')) {
    const missing = new Set<string>();
    strings = strings.flatMap((s) => expandPlaceholders(s, opts.placeholders ?? {}, missing));
    if (missing.size) {
      warnings.push(`placeholder ${[...missing].map((m) => `%${m}%`).join(', ')} has no configured values, so ${label} never matches`);
    }
    if (strings.length === 0) return finish(() => false, null);
  }

  if (has('re')) {
    if (mods.some((m) => !['re', 'i', 'm', 's', 'all', 'neq', 'cased', 'expand'].includes(m))) {
      throw new RuleError(`${label}: 're' cannot be combined with ${mods.filter((m) => !['re', 'i', 'm', 's', 'all', 'neq', 'cased', 'expand'].includes(m)).join(', ')}`);
    }
    const flags = { i: has('i'), m: has('m'), s: has('s') };
    const regs = strings.map((s) => compileRegex(s, flags));
    const lits = strings.map((s) => regexLiteral(s).toLowerCase());
    let reNeed: Need | null = null;
    if (field !== null && !neq) {
      if (linkAll) reNeed = strongest(lits.filter(usable).map((literal) => [{ field, literal, anchor: 0 }]));
      else if (lits.every(usable)) reNeed = [lits.map((literal) => ({ field, literal, anchor: 0 }))];
    }
    const one = (ctx: MatchContext, r: (typeof regs)[number]) => {
      const vs = field === null ? ctx.keywordValues() : ctx.strings(field, false);
      if (!vs) return false;
      for (let i = 0; i < vs.length; i++) if (r.test(vs[i]!)) return true;
      return false;
    };
    const all = (ctx: MatchContext) => {
      for (const r of regs) if (!one(ctx, r)) return false;
      return true;
    };
    const any = (ctx: MatchContext) => {
      for (const r of regs) if (one(ctx, r)) return true;
      return false;
    };
    return finish(linkAll ? all : any, reNeed);
  }
  for (const m of ['i', 'm', 's']) if (has(m)) throw new RuleError(`${label}: '${m}' is a sub-modifier of 're'`);

  let patterns: { p: Pattern; binary: boolean }[] = strings.map((s) => ({ p: parsePattern(s), binary: false }));
  for (const m of mods) {
    switch (m) {
      case 'contains':
        patterns = patterns.map((x) => ({ ...x, p: wrap(x.p, true, true) }));
        break;
      case 'startswith':
        patterns = patterns.map((x) => ({ ...x, p: wrap(x.p, false, true) }));
        break;
      case 'endswith':
        patterns = patterns.map((x) => ({ ...x, p: wrap(x.p, true, false) }));
        break;
      case 'windash':
        patterns = patterns.flatMap((x) => windash(x.p).map((p) => ({ p, binary: x.binary })));
        break;
      case 'base64':
        patterns = patterns.map((x) => ({ p: literalPattern(base64(plainText(x.p, m), x.binary)), binary: false }));
        break;
      case 'base64offset':
        patterns = patterns.flatMap((x) => base64offset(plainText(x.p, m), x.binary).map((s) => ({ p: literalPattern(s), binary: false })));
        break;
      case 'utf16le':
      case 'wide':
        patterns = patterns.map((x) => ({ p: literalPattern(utf16(plainText(x.p, m), 'le', false)), binary: true }));
        break;
      case 'utf16be':
        patterns = patterns.map((x) => ({ p: literalPattern(utf16(plainText(x.p, m), 'be', false)), binary: true }));
        break;
      case 'utf16':
        patterns = patterns.map((x) => ({ p: literalPattern(utf16(plainText(x.p, m), 'le', true)), binary: true }));
        break;
      default:
        break; // all, cased, neq, expand: handled around the loop
    }
  }
  // Encoded values are case-sensitive by nature (base64 letters carry the bytes).
  const encoded = mods.some((m) => m.startsWith('base64'));
  const lower = !cased && !encoded;
  const literals = patterns.map((x) => anchoredLiteral(x.p));
  // An exact value (EventID: 27) is a fine hint however short: it can only hit a value that short or longer.
  const exact = patterns.every((x) => x.p.parts.length === 1 && x.p.parts[0]!.t === 'lit');
  const usableHere = (l: string) => usable(l) || (exact && field !== null && l.length > 0);

  // Keywords: the literal may be in any value, anywhere in it.
  const hint = (x: { literal: string; anchor: number }) => ({ field, literal: x.literal, anchor: field === null ? 0 : x.anchor });
  let need: Need | null = null;
  // |all: every value must be present, so each usable one is a clause of its own.
  if (linkAll) need = strongest(literals.filter((x) => usableHere(x.literal)).map((x) => [hint(x)]));
  else if (literals.every((x) => usableHere(x.literal))) need = [literals.map(hint)];

  let match: EventMatcher;
  if (field === null) {
    // Keywords search every value of the event, as substrings.
    const kw = patterns.map((x) => compilePattern(wrap(x.p, true, true), lower));
    const one = (ctx: MatchContext, t: (s: string) => boolean) => ctx.keywordValues(lower).some(t);
    match = linkAll ? (ctx) => kw.every((t) => one(ctx, t)) : (ctx) => kw.some((t) => one(ctx, t));
  } else if (linkAll) {
    // Compiled only where used: what a matcher's scope holds lives as long as the rule.
    const tests = patterns.map((x) => compilePattern(x.p, lower));
    match = (ctx) => {
      const vs = ctx.strings(field, lower);
      if (!vs) return false;
      for (const t of tests) if (!vs.some((v) => t(v))) return false;
      return true;
    };
  } else if (patterns.length >= MANY_LITERALS && patterns.every((x) => isContainsLiteral(x.p))) {
    // Long "contains" lists (hundreds of emoji, tool names): one automaton pass finds the few literals worth checking.
    const lits = patterns.map((x) => (x.p.parts[1] as { s: string }).s).map((s) => (lower ? s.toLowerCase() : s));
    const automaton = new Automaton(lits.map((literal, rule) => ({ literal: literal.toLowerCase(), rule })), true);
    const test = (v: string) => {
      const low = lower ? v : v.toLowerCase();
      return automaton.some(low, (k) => v.includes(lits[k]!));
    };
    match = (ctx) => {
      const vs = ctx.strings(field, lower);
      if (!vs) return false;
      for (const v of vs) if (test(v)) return true;
      return false;
    };
  } else if (patterns.length === 1 || patterns.length >= SET_LOOKUP) {
    const t = patterns.length === 1 ? compilePattern(patterns[0]!.p, lower) : anyOfPatterns(patterns.map((x) => x.p), lower);
    match = (ctx) => {
      const vs = ctx.strings(field, lower);
      if (!vs) return false;
      for (const v of vs) if (t(v)) return true;
      return false;
    };
  } else {
    // Compiled only where used: what a matcher's scope holds lives as long as the rule.
    const tests = patterns.map((x) => compilePattern(x.p, lower));
    match = (ctx) => {
      const vs = ctx.strings(field, lower);
      if (!vs) return false;
      for (const v of vs) for (const t of tests) if (t(v)) return true;
      return false;
    };
  }
  return finish(match, need);
}

const SET_LOOKUP = 4;
/**
 * One test for a list of values of which any may match: exact values, and endings that are a file name after a
 * backslash ('\\cmd.exe'), by set lookups; the rest one by one.
 */
function anyOfPatterns(ps: Pattern[], lower: boolean): (s: string) => boolean {
  const norm = (s: string) => (lower ? s.toLowerCase() : s);
  const exact = new Set<string>();
  const names = new Set<string>();
  const rest: ((s: string) => boolean)[] = [];
  for (const p of ps) {
    const [a, b] = p.parts;
    if (p.parts.length === 1 && a!.t === 'lit') exact.add(norm(a!.s));
    else if (p.parts.length === 2 && a!.t === 'any' && b!.t === 'lit' && norm(b!.s).lastIndexOf('\\') === 0) names.add(norm(b!.s));
    else rest.push(compilePattern(p, lower));
  }
  // s ends with '\\name' (name without backslash) exactly when s from its last backslash on is '\\name'.
  return (s) => {
    if (exact.size > 0 && exact.has(s)) return true;
    if (names.size > 0) {
      const i = s.lastIndexOf('\\');
      if (i >= 0 && names.has(s.slice(i))) return true;
    }
    for (let k = 0; k < rest.length; k++) if (rest[k]!(s)) return true;
    return false;
  };
}

function splitKey(key: string): { field: string | null; mods: string[] } {
  const [field, ...mods] = key.split('|');
  return { field: field === '' ? null : field!, mods };
}

function compileMap(map: Record<string, unknown>, opts: CompileOptions, warnings: string[], fields: Set<string>): Piece {
  const entries = Object.entries(map);
  if (entries.length === 0) throw new RuleError('empty selection map');
  const pieces = entries.map(([key, value]) => {
    const { field, mods } = splitKey(key);
    if (field) fields.add(field);
    return compileItem(field, mods, value, opts, warnings);
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

function compileSearch(name: string, def: unknown, opts: CompileOptions, warnings: string[], fields: Set<string>): Piece {
  try {
    if (def === null || def === undefined) throw new RuleError('is empty');
    if (Array.isArray(def)) {
      if (def.length === 0) throw new RuleError('is an empty list');
      if (def.every((x) => x !== null && typeof x === 'object' && !Array.isArray(x))) {
        const pieces = def.map((m) => compileMap(m as Record<string, unknown>, opts, warnings, fields));
        const fs = pieces.map((p) => p.match);
        return {
          match: (ctx) => {
            for (let i = 0; i < fs.length; i++) if (fs[i]!(ctx)) return true;
            return false;
          },
          need: orOf(pieces.map((p) => p.need)),
        };
      }
      if (def.every((x) => typeof x === 'string' || typeof x === 'number')) return compileItem(null, [], def, opts, warnings);
      throw new RuleError('mixes maps and plain values in one list');
    }
    if (typeof def === 'object') return compileMap(def as Record<string, unknown>, opts, warnings, fields);
    if (typeof def === 'string' || typeof def === 'number') return compileItem(null, [], [def], opts, warnings);
    throw new RuleError(`has an unsupported value ${JSON.stringify(def)}`);
  } catch (e) {
    if (e instanceof RuleError) throw new RuleError(`detection.${name}: ${e.message}`);
    throw e;
  }
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
export function compileDetection(detection: unknown, opts: CompileOptions = {}): CompiledDetection {
  if (!detection || typeof detection !== 'object' || Array.isArray(detection)) throw new RuleError('detection must be a map');
  const det = detection as Record<string, unknown>;
  const warnings: string[] = [];
  const fields = new Set<string>();
  const searches = new Map<string, Piece>();
  for (const [name, def] of Object.entries(det)) {
    if (name === 'condition' || name === 'timeframe') continue;
    searches.set(name, compileSearch(name, def, opts, warnings, fields));
  }
  if ('timeframe' in det) throw new RuleError('detection.timeframe (Sigma 1.0 aggregation) is not supported; use a correlation rule');
  const cond = det.condition;
  const conds = Array.isArray(cond) ? cond : [cond];
  if (cond === undefined || conds.length === 0) throw new RuleError('detection.condition is missing');
  const ids = [...searches.keys()];
  const trees = conds.map((c) => {
    if (typeof c !== 'string') throw new RuleError('detection.condition must be a string or a list of strings');
    if (/\|\s*(count|min|max|avg|sum|near)\b/.test(c)) {
      throw new RuleError(`condition "${c}" uses a Sigma 1.0 aggregation ("| count() by"), which v2 replaced by correlation rules`);
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
