// Conditions with three-valued logic. One small language covers what the import formats write: CACAO's STIX-pattern
// style (`[ipv4-addr:value ISSUBSET '10.0.0.0/8']`, SOARCA's `__var__:value != 'x'`), the native format's
// `attacker_ip not in internal_ranges`, and XSOAR conditions, which the importer translates into it.
// A condition the dry-run cannot decide (unknown variable, runtime output) evaluates to "unknown", never to a guess.
import { inCidr, isCidr, isIp } from './net.js';

export const UNKNOWN: unique symbol = Symbol('unknown');
export type Value = string | number | boolean | null | Value[];
export type Tri = boolean | 'unknown';
export type Resolver = (name: string) => Value | typeof UNKNOWN;

export type Expr =
  | { k: 'lit'; v: Value }
  | { k: 'var'; name: string }
  | { k: 'list'; items: Expr[] }
  | { k: 'not'; e: Expr }
  | { k: 'and' | 'or'; a: Expr; b: Expr }
  | { k: 'cmp'; op: string; a: Expr; b: Expr }
  | { k: 'unary'; op: 'exists' | 'empty'; e: Expr }
  | { k: 'truthy'; e: Expr };

export class ConditionSyntaxError extends Error {
  override name = 'ConditionSyntaxError';
}

interface Tok {
  t: 'str' | 'num' | 'id' | 'op' | 'kw' | 'p';
  v: string;
}

const KEYWORDS = new Set([
  'and',
  'or',
  'not',
  'in',
  'issubset',
  'issuperset',
  'like',
  'matches',
  'exists',
  'empty',
  'contains',
  'true',
  'false',
  'null',
]);

function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "'" || c === '"') {
      let j = i + 1;
      let s = '';
      while (j < src.length && src[j] !== c) {
        if (src[j] === '\\' && j + 1 < src.length) j++;
        s += src[j++];
      }
      if (j >= src.length) throw new ConditionSyntaxError(`unterminated string at ${i}`);
      out.push({ t: 'str', v: s });
      i = j + 1;
      continue;
    }
    const two = src.slice(i, i + 2);
    if (['==', '!=', '<=', '>=', '&&', '||'].includes(two)) {
      out.push({ t: 'op', v: two });
      i += 2;
      continue;
    }
    if ('=<>!'.includes(c)) {
      out.push({ t: 'op', v: c });
      i++;
      continue;
    }
    if ('()[],'.includes(c)) {
      out.push({ t: 'p', v: c });
      i++;
      continue;
    }
    if (c === '$' && src[i + 1] === '{') {
      const end = src.indexOf('}', i);
      if (end < 0) throw new ConditionSyntaxError(`unterminated \${ at ${i}`);
      out.push({ t: 'id', v: src.slice(i + 2, end).trim() });
      i = end + 1;
      continue;
    }
    const num = /^-?\d+(\.\d+)?(?![\w.:/])/.exec(src.slice(i));
    if (num) {
      out.push({ t: 'num', v: num[0] });
      i += num[0].length;
      continue;
    }
    const id = /^[A-Za-z_][\w.:\-/]*/.exec(src.slice(i));
    if (id) {
      const w = id[0];
      if (KEYWORDS.has(w.toLowerCase())) out.push({ t: 'kw', v: w.toLowerCase() });
      else out.push({ t: 'id', v: w });
      i += w.length;
      continue;
    }
    throw new ConditionSyntaxError(`unexpected "${c}" at ${i}`);
  }
  return out;
}

export function parseCondition(src: string): Expr {
  const toks = tokenize(src);
  let p = 0;
  const peek = () => toks[p];
  const isKw = (w: string) => peek()?.t === 'kw' && peek()!.v === w;
  const isP = (w: string) => peek()?.t === 'p' && peek()!.v === w;
  const expect = (w: string) => {
    if (!isP(w)) throw new ConditionSyntaxError(`expected "${w}"`);
    p++;
  };

  const parseOr = (): Expr => {
    let a = parseAnd();
    while (isKw('or') || (peek()?.t === 'op' && peek()!.v === '||')) {
      p++;
      a = { k: 'or', a, b: parseAnd() };
    }
    return a;
  };
  const parseAnd = (): Expr => {
    let a = parseNot();
    while (isKw('and') || (peek()?.t === 'op' && peek()!.v === '&&')) {
      p++;
      a = { k: 'and', a, b: parseNot() };
    }
    return a;
  };
  const parseNot = (): Expr => {
    if (isKw('not') || (peek()?.t === 'op' && peek()!.v === '!')) {
      p++;
      return { k: 'not', e: parseNot() };
    }
    return parseCmp();
  };
  const parseCmp = (): Expr => {
    if (isKw('exists') || isKw('empty')) {
      const op = peek()!.v as 'exists' | 'empty';
      p++;
      return { k: 'unary', op, e: parseOperand() };
    }
    if (isP('(') || isP('[')) {
      // A parenthesised list of literals is an operand; anything else is a sub-expression.
      const save = p;
      const close = peek()!.v === '(' ? ')' : ']';
      p++;
      const inner = parseOr();
      if (isP(',') && close === ')') {
        p = save;
        return cmpTail(parseOperand());
      }
      expect(close);
      return cmpTail(inner, true);
    }
    return cmpTail(parseOperand());
  };
  const cmpTail = (a: Expr, grouped = false): Expr => {
    const t = peek();
    let negate = false;
    if (
      t?.t === 'kw' &&
      t.v === 'not' &&
      toks[p + 1]?.t === 'kw' &&
      ['in', 'contains', 'like', 'matches'].includes(toks[p + 1]!.v)
    ) {
      negate = true;
      p++;
    }
    const op = peek();
    if (
      op &&
      (op.t === 'op' ||
        (op.t === 'kw' && ['in', 'issubset', 'issuperset', 'like', 'matches', 'contains'].includes(op.v)))
    ) {
      if (op.t === 'op' && ['&&', '||', '!'].includes(op.v)) return grouped ? a : { k: 'truthy', e: a };
      p++;
      const e: Expr = { k: 'cmp', op: op.v === '==' ? '=' : op.v, a, b: parseOperand() };
      return negate ? { k: 'not', e } : e;
    }
    return grouped ? a : { k: 'truthy', e: a };
  };
  const parseOperand = (): Expr => {
    const t = peek();
    if (!t) throw new ConditionSyntaxError('unexpected end of condition');
    if (t.t === 'str') {
      p++;
      return { k: 'lit', v: t.v };
    }
    if (t.t === 'num') {
      p++;
      return { k: 'lit', v: Number(t.v) };
    }
    if (t.t === 'kw' && (t.v === 'true' || t.v === 'false' || t.v === 'null')) {
      p++;
      return { k: 'lit', v: t.v === 'null' ? null : t.v === 'true' };
    }
    if (t.t === 'id') {
      p++;
      return { k: 'var', name: t.v };
    }
    if (t.t === 'p' && (t.v === '(' || t.v === '[')) {
      const close = t.v === '(' ? ')' : ']';
      p++;
      const items: Expr[] = [];
      while (!isP(close)) {
        items.push(parseOperand());
        if (isP(',')) p++;
        else break;
      }
      expect(close);
      return { k: 'list', items };
    }
    throw new ConditionSyntaxError(`unexpected "${t.v}"`);
  };

  const e = parseOr();
  if (p < toks.length) throw new ConditionSyntaxError(`unexpected "${toks[p]!.v}" after the condition`);
  return e;
}

/** Names of the variables a condition reads. */
export function conditionRefs(e: Expr): string[] {
  switch (e.k) {
    case 'var':
      return [e.name];
    case 'lit':
      return [];
    case 'list':
      return e.items.flatMap(conditionRefs);
    case 'not':
    case 'unary':
    case 'truthy':
      return conditionRefs(e.e);
    default:
      return [...conditionRefs(e.a), ...conditionRefs(e.b)];
  }
}

/** String literals in a condition (CIDRs and names an allow-list condition compares against). */
export function conditionLiterals(e: Expr): string[] {
  switch (e.k) {
    case 'lit':
      return typeof e.v === 'string' ? [e.v] : [];
    case 'var':
      return [];
    case 'list':
      return e.items.flatMap(conditionLiterals);
    case 'not':
    case 'unary':
    case 'truthy':
      return conditionLiterals(e.e);
    default:
      return [...conditionLiterals(e.a), ...conditionLiterals(e.b)];
  }
}

type V = Value | typeof UNKNOWN;

function value(e: Expr, r: Resolver): V {
  switch (e.k) {
    case 'lit':
      return e.v;
    case 'var':
      return r(e.name);
    case 'list': {
      const items = e.items.map((i) => value(i, r));
      return items.some((i) => i === UNKNOWN) ? UNKNOWN : (items as Value[]);
    }
    default: {
      const t = evaluate(e, r);
      return t === 'unknown' ? UNKNOWN : t;
    }
  }
}

const asList = (v: Value): Value[] =>
  Array.isArray(v) ? v : typeof v === 'string' && v.includes(',') ? v.split(',').map((s) => s.trim()) : [v];
const numeric = (v: Value) =>
  typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v.trim()) ? Number(v) : undefined;

function eq(a: Value, b: Value): boolean {
  const na = numeric(a);
  const nb = numeric(b);
  if (na !== undefined && nb !== undefined) return na === nb;
  return String(a).toLowerCase() === String(b).toLowerCase();
}

function member(x: Value, list: Value[]): boolean {
  return list.some((item) => {
    if (typeof x === 'string' && typeof item === 'string' && isIp(x) && isCidr(item)) return inCidr(x, item);
    return eq(x, item);
  });
}

function compare(op: string, a: Value, b: Value): Tri {
  switch (op) {
    case '=':
      return Array.isArray(a) ? member(b, a) : eq(a, b);
    case '!=':
      return !(Array.isArray(a) ? member(b, a) : eq(a, b));
    case '<':
    case '<=':
    case '>':
    case '>=': {
      const na = numeric(Array.isArray(a) ? a.length : a);
      const nb = numeric(b);
      if (na === undefined || nb === undefined) return 'unknown';
      return op === '<' ? na < nb : op === '<=' ? na <= nb : op === '>' ? na > nb : na >= nb;
    }
    case 'in':
      return asList(a).every((x) => member(x, asList(b)));
    case 'issubset':
      return asList(a).every(
        (x) =>
          typeof x === 'string' && asList(b).some((c) => typeof c === 'string' && isIp(x) && isCidr(c) && inCidr(x, c)),
      );
    case 'issuperset':
      return compare('issubset', b, a);
    case 'contains':
      return Array.isArray(a) ? member(b, a) : String(a).toLowerCase().includes(String(b).toLowerCase());
    case 'like': {
      const re = `^${String(b)
        .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
        .replace(/%/g, '.*')
        .replace(/_/g, '.')}$`;
      return new RegExp(re, 'i').test(String(a));
    }
    case 'matches':
      try {
        return new RegExp(String(b)).test(String(a));
      } catch {
        return 'unknown';
      }
    default:
      return 'unknown';
  }
}

const truthy = (v: Value) =>
  !(v === false || v === null || v === 0 || v === '' || v === 'false' || (Array.isArray(v) && v.length === 0));

export function evaluate(e: Expr, r: Resolver): Tri {
  switch (e.k) {
    case 'not': {
      const t = evaluate(e.e, r);
      return t === 'unknown' ? t : !t;
    }
    case 'and': {
      const a = evaluate(e.a, r);
      if (a === false) return false;
      const b = evaluate(e.b, r);
      if (b === false) return false;
      return a === true && b === true ? true : 'unknown';
    }
    case 'or': {
      const a = evaluate(e.a, r);
      if (a === true) return true;
      const b = evaluate(e.b, r);
      if (b === true) return true;
      return a === false && b === false ? false : 'unknown';
    }
    case 'unary': {
      const v = value(e.e, r);
      if (v === UNKNOWN) return 'unknown';
      const present = !(v === null || v === '' || (Array.isArray(v) && v.length === 0));
      return e.op === 'exists' ? present : !present;
    }
    case 'cmp': {
      const a = value(e.a, r);
      const b = value(e.b, r);
      if (a === UNKNOWN || b === UNKNOWN) return 'unknown';
      return compare(e.op, a, b);
    }
    case 'truthy':
    case 'lit':
    case 'var':
    case 'list': {
      const v = value(e.k === 'truthy' ? e.e : e, r);
      return v === UNKNOWN ? 'unknown' : truthy(v);
    }
  }
}

/** Parses and evaluates; a condition that does not parse is undecidable, with the reason. */
export function evaluateSource(src: string, r: Resolver): { result: Tri; error?: string } {
  try {
    return { result: evaluate(parseCondition(src), r) };
  } catch (e) {
    return { result: 'unknown', error: (e as Error).message };
  }
}
