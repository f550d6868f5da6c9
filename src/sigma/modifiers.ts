// Sigma's value modifiers (`field|contains|all: value`) as one table, in the manner of pySigma's modifier classes:
// each entry says what the modifier does, which modifiers it may be written with, and how it compiles. An item has
// one match modifier (how its values are compared: plain strings when none is written); transforms rewrite the string
// values in the order written; options adjust the match. Anything else is an error naming the field and modifiers.
import { compileCidrBytes, parseIp } from './ip.js';
import { anchoredLiteral, strongest, usable } from './need.js';
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
import { type CompileOptions, type EventMatcher, type MatchContext, type Need, RuleError } from './types.js';

export interface Piece {
  match: EventMatcher;
  need: Need | null;
}

/** One `field|modifiers: values` entry whose modifiers the table accepted. */
interface Item {
  field: string | null;
  mods: readonly string[];
  /** `field|modifiers` as written, for messages. */
  label: string;
  has: (m: string) => boolean;
  /** The values: as written for a match modifier with `rawValues`, else strings, numbers and booleans. */
  values: unknown[];
  opts: CompileOptions;
  warnings: string[];
}

/** A string value on its way through the transforms; `binary` once it stands for UTF-16 bytes. */
interface Value {
  p: Pattern;
  binary: boolean;
}

interface Modifier {
  /** match: decides how values are compared; transform: rewrites string values; option: adjusts the match. */
  role: 'match' | 'transform' | 'option';
  /** For a match modifier: every other modifier it may be written with. */
  with?: readonly string[];
  /** For an option of one match modifier only (re's i, m, s): that modifier. */
  of?: string;
  needsField?: boolean;
  /** The match modifier reads the values as written (exists: true or false); null and `neq` do not apply. */
  rawValues?: boolean;
  /** An encoding: the values become case-sensitive (base64 letters carry the bytes). */
  caseSensitive?: boolean;
  compile?: (item: Item) => Piece;
  transform?: (v: Value, name: string) => Value[];
}

const TRANSFORMS = [
  'contains',
  'startswith',
  'endswith',
  'windash',
  'base64',
  'base64offset',
  'utf16le',
  'utf16be',
  'utf16',
  'wide',
];
const COMPARISONS = ['lt', 'lte', 'gt', 'gte'] as const;
const TIME_PARTS = ['minute', 'hour', 'day', 'week', 'month', 'year'] as const;
type NumOp = (typeof COMPARISONS)[number];
type TimePart = (typeof TIME_PARTS)[number];
const COMPARE_WITH = [...COMPARISONS, ...TIME_PARTS, 'all', 'neq'];

/** Plain strings: what an item without a match modifier compares. */
const STRING_MATCH: Modifier = {
  role: 'match',
  with: [...TRANSFORMS, 'all', 'cased', 'neq', 'expand'],
  compile: compileStrings,
};

const COMPARE: Modifier = { role: 'match', with: COMPARE_WITH, needsField: true, compile: compileCompare };

const transform = (f: (v: Value, name: string) => Value[], caseSensitive = false): Modifier => ({
  role: 'transform',
  transform: f,
  caseSensitive,
});
const encoded = (p: Pattern, name: string, encode: (s: string) => string, binary: boolean): Value => ({
  p: literalPattern(encode(plainText(p, name))),
  binary,
});

export const MODIFIERS: Readonly<Record<string, Modifier>> = {
  exists: { role: 'match', with: [], needsField: true, rawValues: true, compile: compileExists },
  fieldref: {
    role: 'match',
    with: ['contains', 'startswith', 'endswith', 'all', 'neq', 'cased'],
    needsField: true,
    compile: compileFieldref,
  },
  ...Object.fromEntries([...COMPARISONS, ...TIME_PARTS].map((m) => [m, COMPARE])),
  cidr: { role: 'match', with: ['neq'], needsField: true, compile: compileCidr },
  re: { role: 'match', with: ['i', 'm', 's', 'all', 'neq', 'cased', 'expand'], compile: compileRe },
  i: { role: 'option', of: 're' },
  m: { role: 'option', of: 're' },
  s: { role: 'option', of: 're' },
  all: { role: 'option' },
  cased: { role: 'option' },
  neq: { role: 'option' },
  expand: { role: 'option' },
  contains: transform((x) => [{ ...x, p: wrap(x.p, true, true) }]),
  startswith: transform((x) => [{ ...x, p: wrap(x.p, false, true) }]),
  endswith: transform((x) => [{ ...x, p: wrap(x.p, true, false) }]),
  windash: transform((x) => windash(x.p).map((p) => ({ p, binary: x.binary }))),
  base64: transform((x, m) => [encoded(x.p, m, (s) => base64(s, x.binary), false)], true),
  base64offset: transform(
    (x, m) => base64offset(plainText(x.p, m), x.binary).map((s) => ({ p: literalPattern(s), binary: false })),
    true,
  ),
  utf16le: transform((x, m) => [encoded(x.p, m, (s) => utf16(s, 'le', false), true)]),
  wide: transform((x, m) => [encoded(x.p, m, (s) => utf16(s, 'le', false), true)]),
  utf16be: transform((x, m) => [encoded(x.p, m, (s) => utf16(s, 'be', false), true)]),
  utf16: transform((x, m) => [encoded(x.p, m, (s) => utf16(s, 'le', true), true)]),
};

/** The item's match modifier, after checking every modifier exists and may be written with the others. */
function matchOf(field: string | null, mods: readonly string[], label: string): { name: string; def: Modifier } {
  for (const m of mods)
    if (!Object.hasOwn(MODIFIERS, m))
      throw new RuleError(`unsupported modifier '${m}'${field ? ` on field ${field}` : ''}`);
  for (const m of mods) {
    const of = MODIFIERS[m]!.of;
    if (of && !mods.includes(of)) throw new RuleError(`${label}: '${m}' is a sub-modifier of '${of}'`);
  }
  const name = mods.find((m) => MODIFIERS[m]!.role === 'match');
  const def = name ? MODIFIERS[name]! : STRING_MATCH;
  const bad = mods.filter((m) => m !== name && !def.with!.includes(m));
  if (bad.length > 0) throw new RuleError(`${label}: '${name}' cannot be combined with ${bad.join(', ')}`);
  if (def.needsField && field === null) throw new RuleError(`'${name}' needs a field`);
  return { name: name ?? '', def };
}

/** Compiles one `field|modifiers: values` entry (field null for keyword searches). */
export function compileItem(
  field: string | null,
  mods: string[],
  raw: unknown,
  opts: CompileOptions,
  warnings: string[],
): Piece {
  const label = `${field ?? '(keywords)'}|${mods.join('|')}`;
  const { def } = matchOf(field, mods, label);
  const values = Array.isArray(raw) ? raw : [raw];
  if (values.length === 0) throw new RuleError(`${label}: empty value list`);
  const item: Item = { field, mods, label, has: (m) => mods.includes(m), values, opts, warnings };
  if (def.rawValues) return def.compile!(item);

  const neq = item.has('neq');
  const finish = (p: Piece): Piece => (neq ? { match: (ctx) => !p.match(ctx), need: null } : p);
  // null: the field is absent or null. It may not share a list with other values, but a lone null is common.
  if (values.some((v) => v === null)) {
    if (field === null) throw new RuleError('keyword searches cannot use null');
    if (values.length > 1) throw new RuleError(`${label}: null cannot be part of a list of values`);
    return finish({
      match: (ctx) => {
        const v = ctx.event.get(field);
        return v === undefined || v === null;
      },
      need: null,
    });
  }
  for (const v of values) {
    if (typeof v === 'object')
      throw new RuleError(
        `${label}: values must be strings, numbers or booleans, not ${JSON.stringify(v).slice(0, 60)}`,
      );
  }
  return finish(def.compile!(item));
}

/**
 * One item as data, for converters into other query languages (src/pushdown): the match modifier the table chose,
 * the options written, and for string and regex matches the values after every transform, in the order written.
 * The same table and transforms as the local engine, so a converted query means what the engine matches.
 */
export interface ItemShape {
  field: string | null;
  /** '' for plain strings, else the match modifier (re, cidr, exists, fieldref, lt..gte, minute..year). */
  match: string;
  has: (m: string) => boolean;
  values: unknown[];
  /** Plain strings: patterns after the transforms; `binary` when they stand for UTF-16 bytes. */
  patterns?: { p: Pattern; binary: boolean }[];
  /** re: the expressions after |expand. */
  strings?: string[];
  /** A lone null value: the field is absent or null. */
  isNull: boolean;
  /** The values compare case-sensitively (cased, or an encoding). */
  cased: boolean;
}

export function itemShape(field: string | null, mods: string[], raw: unknown, opts: CompileOptions): ItemShape {
  const label = `${field ?? '(keywords)'}|${mods.join('|')}`;
  const { name, def } = matchOf(field, mods, label);
  const values = Array.isArray(raw) ? raw : [raw];
  if (values.length === 0) throw new RuleError(`${label}: empty value list`);
  const has = (m: string) => mods.includes(m);
  const cased = has('cased') || mods.some((m) => MODIFIERS[m]!.caseSensitive);
  const shape: ItemShape = { field, match: name, has, values, isNull: false, cased };
  if (def.rawValues) return shape;
  if (values.some((v) => v === null)) {
    if (field === null) throw new RuleError('keyword searches cannot use null');
    if (values.length > 1) throw new RuleError(`${label}: null cannot be part of a list of values`);
    return { ...shape, isNull: true };
  }
  for (const v of values) {
    if (typeof v === 'object')
      throw new RuleError(
        `${label}: values must be strings, numbers or booleans, not ${JSON.stringify(v).slice(0, 60)}`,
      );
  }
  const item: Item = { field, mods, label, has, values, opts, warnings: [] };
  if (name === 're') return { ...shape, strings: expandedStrings(item) };
  if (name !== '') return shape;
  let patterns: Value[] = expandedStrings(item).map((s) => ({ p: parsePattern(s), binary: false }));
  for (const m of mods) {
    const t = MODIFIERS[m]!.transform;
    if (t) patterns = patterns.flatMap((x) => t(x, m));
  }
  return { ...shape, patterns };
}

const NEVER: Piece = { match: () => false, need: null };

function anyString(ctx: MatchContext, field: string, lower: boolean, test: (s: string) => boolean): boolean {
  const vs = ctx.strings(field, lower);
  if (!vs) return false;
  for (const v of vs) if (test(v)) return true;
  return false;
}

/** |all: every value's test must hold; otherwise one. */
const allOrAny = (tests: EventMatcher[], all: boolean): EventMatcher =>
  all ? (ctx) => tests.every((t) => t(ctx)) : (ctx) => tests.some((t) => t(ctx));

function compileExists({ field, label, values }: Item): Piece {
  if (values.length !== 1 || typeof values[0] !== 'boolean')
    throw new RuleError(`${label}: exists takes true or false`);
  const want = values[0];
  const f = field!;
  return { match: (ctx) => (ctx.event.get(f) !== undefined) === want, need: null };
}

function compileFieldref({ field, has, values }: Item): Piece {
  const f = field!;
  const cased = has('cased');
  const before = has('contains') || has('endswith');
  const after = has('contains') || has('startswith');
  const tests = values.map(String).map((ref) => (ctx: MatchContext) => {
    const others = ctx.strings(ref, !cased);
    if (!others) return false;
    return anyString(ctx, f, !cased, (s) =>
      others.some((o) =>
        before && after ? s.includes(o) : before ? s.endsWith(o) : after ? s.startsWith(o) : s === o,
      ),
    );
  });
  return { match: allOrAny(tests, has('all')), need: null };
}

const numCompare: Record<NumOp, (a: number, b: number) => boolean> = {
  lt: (a, b) => a < b,
  lte: (a, b) => a <= b,
  gt: (a, b) => a > b,
  gte: (a, b) => a >= b,
};

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
    [y, mo, d, h, mi] = [
      dt.getUTCFullYear(),
      dt.getUTCMonth() + 1,
      dt.getUTCDate(),
      dt.getUTCHours(),
      dt.getUTCMinutes(),
    ];
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

/** lt/lte/gt/gte compare numbers; a time part (minute..year) reads that part of a date, compared or equal. */
function compileCompare({ field, mods, label, has, values }: Item): Piece {
  const f = field!;
  const numOp = mods.find((m): m is NumOp => m in numCompare);
  const tp = mods.find((m): m is TimePart => (TIME_PARTS as readonly string[]).includes(m));
  const nums = values.map((v) => {
    const n = typeof v === 'number' ? v : Number(v);
    if (typeof v === 'boolean' || Number.isNaN(n))
      throw new RuleError(`${label}: ${JSON.stringify(v)} is not a number`);
    return n;
  });
  const cmp = numOp ? numCompare[numOp] : (a: number, b: number) => a === b;
  const tests = nums.map(
    (n) => (ctx: MatchContext) =>
      anyString(ctx, f, false, (s) => {
        const x = tp ? timePart(s, tp) : s.trim() === '' ? Number.NaN : Number(s);
        return x !== null && !Number.isNaN(x) && cmp(x, n);
      }),
  );
  return { match: allOrAny(tests, has('all')), need: null };
}

function compileCidr({ field, values }: Item): Piece {
  const f = field!;
  const nets = values.map((v) => compileCidrBytes(String(v)));
  return {
    match: (ctx) =>
      anyString(ctx, f, false, (s) => {
        const ip = parseIp(s);
        return ip !== null && nets.some((n) => n(ip));
      }),
    need: null,
  };
}

/** The values as strings, with `%placeholder%`s expanded under |expand (none left: the item never matches). */
function expandedStrings({ values, has, opts, warnings, label }: Item): string[] {
  let strings = values.map((v) => (typeof v === 'string' ? v : String(v)));
  if (has('expand')) {
    const missing = new Set<string>();
    strings = strings.flatMap((s) => expandPlaceholders(s, opts.placeholders ?? {}, missing));
    if (missing.size) {
      warnings.push(
        `placeholder ${[...missing].map((m) => `%${m}%`).join(', ')} has no configured values, so ${label} ` +
          'never matches',
      );
    }
  }
  return strings;
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

function compileRe(item: Item): Piece {
  const { field, has } = item;
  const strings = expandedStrings(item);
  if (strings.length === 0) return NEVER;
  const linkAll = has('all');
  const regs = strings.map((s) => compileRegex(s, { i: has('i'), m: has('m'), s: has('s') }));
  const lits = strings.map((s) => regexLiteral(s).toLowerCase());
  let need: Need | null = null;
  if (field !== null && !has('neq')) {
    if (linkAll) need = strongest(lits.filter(usable).map((literal) => [{ field, literal, anchor: 0 }]));
    else if (lits.every(usable)) need = [lits.map((literal) => ({ field, literal, anchor: 0 }))];
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
  return { match: linkAll ? all : any, need };
}

const MANY_LITERALS = 16;
const SET_LOOKUP = 4;
const isContainsLiteral = (p: Pattern) =>
  p.parts.length === 3 && p.parts[0]!.t === 'any' && p.parts[1]!.t === 'lit' && p.parts[2]!.t === 'any';

/** Strings with wildcards, through the transforms in the order written. */
function compileStrings(item: Item): Piece {
  const { field, mods, has } = item;
  const strings = expandedStrings(item);
  if (strings.length === 0) return NEVER;
  const linkAll = has('all');
  let patterns: Value[] = strings.map((s) => ({ p: parsePattern(s), binary: false }));
  for (const m of mods) {
    const t = MODIFIERS[m]!.transform;
    if (t) patterns = patterns.flatMap((x) => t(x, m));
  }
  const lower = !has('cased') && !mods.some((m) => MODIFIERS[m]!.caseSensitive);
  const literals = patterns.map((x) => anchoredLiteral(x.p));
  // An exact value (EventID: 27) is a fine hint however short: it can only hit a value that short or longer.
  const exact = patterns.every((x) => x.p.parts.length === 1 && x.p.parts[0]!.t === 'lit');
  const usableHere = (l: string) => usable(l) || (exact && field !== null && l.length > 0);

  // Keywords: the literal may be in any value, anywhere in it.
  const hint = (x: { literal: string; anchor: number }) => ({
    field,
    literal: x.literal,
    anchor: field === null ? 0 : x.anchor,
  });
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
    const automaton = new Automaton(
      lits.map((literal, rule) => ({ literal: literal.toLowerCase(), rule })),
      true,
    );
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
    const t =
      patterns.length === 1
        ? compilePattern(patterns[0]!.p, lower)
        : anyOfPatterns(
            patterns.map((x) => x.p),
            lower,
          );
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
  return { match, need };
}

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
    else if (p.parts.length === 2 && a!.t === 'any' && b!.t === 'lit' && norm(b!.s).lastIndexOf('\\') === 0)
      names.add(norm(b!.s));
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
