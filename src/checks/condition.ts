import type { Condition, Facts, FactTest } from './types.js';

/** Reads a dot-separated path from facts; numeric segments index arrays. */
export function getFact(facts: unknown, path: string): unknown {
  let value: unknown = facts;
  for (const key of path.split('.')) {
    if (value === null || value === undefined) return undefined;
    if (Array.isArray(value) && /^\d+$/.test(key)) value = value[Number(key)];
    else if (typeof value === 'object') value = (value as Record<string, unknown>)[key];
    else return undefined;
  }
  return value;
}

function looseEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'number' && typeof b === 'string') return String(a) === b;
  if (typeof a === 'string' && typeof b === 'number') return a === String(b);
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null)
    return JSON.stringify(a) === JSON.stringify(b);
  return false;
}

function isEmpty(v: unknown): boolean {
  if (v === undefined || v === null || v === '') return true;
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v === 'object') return Object.keys(v as object).length === 0;
  return false;
}

function asNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) return Number(v);
  return undefined;
}

const regexCache = new Map<string, RegExp>();
function regex(source: string): RegExp {
  let re = regexCache.get(source);
  if (!re) {
    re = new RegExp(source);
    regexCache.set(source, re);
  }
  return re;
}

function testFact(value: unknown, test: FactTest): boolean {
  if ('exists' in test) return (value !== undefined && value !== null) === test.exists;
  if ('empty' in test) return isEmpty(value) === test.empty;
  if ('equals' in test) return looseEquals(value, test.equals);
  if ('not_equals' in test) return !looseEquals(value, test.not_equals);
  if ('in' in test) return test.in!.some((x) => looseEquals(value, x));
  if ('not_in' in test) return !test.not_in!.some((x) => looseEquals(value, x));
  if ('matches' in test) return value !== undefined && value !== null && regex(test.matches!).test(String(value));
  if ('contains' in test) {
    if (Array.isArray(value)) return value.some((x) => looseEquals(x, test.contains));
    return typeof value === 'string' && value.includes(String(test.contains));
  }
  const n = asNumber(value);
  if (n === undefined) return false;
  if ('gt' in test) return n > test.gt!;
  if ('gte' in test) return n >= test.gte!;
  if ('lt' in test) return n < test.lt!;
  if ('lte' in test) return n <= test.lte!;
  throw new Error(`condition has no test: ${JSON.stringify(test)}`);
}

function listAt(facts: unknown, path: string): unknown[] {
  const v = getFact(facts, path);
  return Array.isArray(v) ? v : [];
}

/** Evaluates a catalog condition; `seen` collects the fact paths it read (the "observed" part of a finding). */
export function evaluate(cond: Condition, facts: Facts | unknown, seen?: Set<string>): boolean {
  if ('all' in cond) return cond.all.every((c) => evaluate(c, facts, seen));
  if ('any' in cond) return cond.any.some((c) => evaluate(c, facts, seen));
  if ('not' in cond) return !evaluate(cond.not, facts, seen);
  if ('fact' in cond) {
    seen?.add(cond.fact);
    const { fact, ...test } = cond;
    return testFact(getFact(facts, fact), test);
  }
  if ('some' in cond) {
    seen?.add(cond.some);
    return listAt(facts, cond.some).some((el) => evaluate(cond.where, el));
  }
  if ('every' in cond) {
    seen?.add(cond.every);
    return listAt(facts, cond.every).every((el) => evaluate(cond.where, el));
  }
  if ('none' in cond) {
    seen?.add(cond.none);
    return !listAt(facts, cond.none).some((el) => evaluate(cond.where, el));
  }
  if ('count' in cond) {
    seen?.add(cond.count);
    const list = listAt(facts, cond.count);
    const n = cond.where ? list.filter((el) => evaluate(cond.where!, el)).length : list.length;
    if (cond.equals !== undefined && n !== cond.equals) return false;
    if (cond.gte !== undefined && n < cond.gte) return false;
    if (cond.lte !== undefined && n > cond.lte) return false;
    return true;
  }
  throw new Error(`unknown condition: ${JSON.stringify(cond)}`);
}

/** Absolute fact paths a condition reads; inside some/every/none/count, `list[].field` for the element's fields. */
export function factPaths(cond: Condition | undefined, prefix = '', out: Set<string> = new Set()): Set<string> {
  if (!cond || typeof cond !== 'object') return out;
  const c = cond as Record<string, unknown>;
  for (const key of ['all', 'any'] as const)
    if (Array.isArray(c[key])) for (const x of c[key] as Condition[]) factPaths(x, prefix, out);
  if (c.not) factPaths(c.not as Condition, prefix, out);
  if (typeof c.fact === 'string') out.add(prefix + c.fact);
  for (const key of ['some', 'every', 'none', 'count'] as const) {
    if (typeof c[key] !== 'string') continue;
    out.add(prefix + (c[key] as string));
    if (c.where) factPaths(c.where as Condition, `${prefix}${c[key] as string}[].`, out);
  }
  return out;
}
