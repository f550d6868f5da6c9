// Sigma string values: wildcards (* and ?), backslash escaping, and their compilation into fast string tests.
import { REGEX_INPUT_CAP } from './regex.js';
import { RuleError } from './types.js';

export type Part = { t: 'lit'; s: string } | { t: 'any' } | { t: 'one' } | { t: 'cls'; chars: string };

/** A string value after escape processing; `binary` marks byte strings made by utf16/base64 steps. */
export interface Pattern {
  parts: Part[];
}

const WILD = new Set(['*', '?', '\\']);

/**
 * Parses a rule string: `\*` and `\?` are literal wildcards, `\\` is one backslash, and a backslash before anything
 * else is itself literal (so `C:\Windows` needs no doubling).
 */
export function parsePattern(value: string): Pattern {
  const parts: Part[] = [];
  let lit = '';
  const flush = () => {
    if (lit) parts.push({ t: 'lit', s: lit });
    lit = '';
  };
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c === '\\') {
      const n = value[i + 1];
      if (n !== undefined && WILD.has(n)) {
        lit += n;
        i++;
      } else lit += c;
    } else if (c === '*') {
      flush();
      if (parts[parts.length - 1]?.t !== 'any') parts.push({ t: 'any' });
    } else if (c === '?') {
      flush();
      parts.push({ t: 'one' });
    } else lit += c;
  }
  flush();
  return { parts };
}

export function literalPattern(s: string): Pattern {
  return { parts: s ? [{ t: 'lit', s }] : [] };
}

export function isPlain(p: Pattern): boolean {
  return p.parts.every((x) => x.t === 'lit');
}

export function plainText(p: Pattern, modifier: string): string {
  if (!isPlain(p))
    throw new RuleError(`modifier '${modifier}' cannot apply to a value with wildcards or windash classes`);
  return p.parts.map((x) => (x as { s: string }).s).join('');
}

export function wrap(p: Pattern, before: boolean, after: boolean): Pattern {
  const parts = [...p.parts];
  if (before && parts[0]?.t !== 'any') parts.unshift({ t: 'any' });
  if (after && parts[parts.length - 1]?.t !== 'any') parts.push({ t: 'any' });
  return { parts };
}

const DASHES = ['-', '/', '\u2013', '\u2014', '\u2015'];
const DASH_SET = new Set(DASHES);

/** windash: every -, /, en dash, em dash and horizontal bar may be any of the five. */
export function windash(p: Pattern): Pattern[] {
  const positions = p.parts.reduce(
    (n, x) => n + (x.t === 'lit' ? [...x.s].filter((c) => DASH_SET.has(c)).length : 0),
    0,
  );
  if (positions === 0) return [p];
  if (positions <= 2) {
    // Expanded values stay literal, so the prefilter and the fast string tests keep working.
    let out: Part[][] = [[]];
    for (const part of p.parts) {
      if (part.t !== 'lit') {
        out = out.map((o) => [...o, part]);
        continue;
      }
      let variants = [''];
      for (const c of part.s)
        variants = DASH_SET.has(c) ? variants.flatMap((v) => DASHES.map((d) => v + d)) : variants.map((v) => v + c);
      out = out.flatMap((o) => variants.map((v) => [...o, { t: 'lit' as const, s: v }]));
    }
    return out.map((parts) => ({ parts }));
  }
  const parts: Part[] = [];
  for (const part of p.parts) {
    if (part.t !== 'lit') {
      parts.push(part);
      continue;
    }
    let lit = '';
    for (const c of part.s) {
      if (DASH_SET.has(c)) {
        if (lit) parts.push({ t: 'lit', s: lit });
        lit = '';
        parts.push({ t: 'cls', chars: DASHES.join('') });
      } else lit += c;
    }
    if (lit) parts.push({ t: 'lit', s: lit });
  }
  return [{ parts }];
}

/** Bytes are carried as latin1 strings (one char per byte) between encoding steps. */
export function utf16(s: string, order: 'le' | 'be', bom: boolean): string {
  const buf = Buffer.from(s, 'utf16le');
  if (order === 'be') buf.swap16();
  const bytes = buf.toString('latin1');
  return bom ? (order === 'le' ? '\xff\xfe' : '\xfe\xff') + bytes : bytes;
}

export function base64(s: string, binary: boolean): string {
  return Buffer.from(s, binary ? 'latin1' : 'utf8').toString('base64');
}

/** The three shifted base64 forms of a value embedded anywhere in encoded data (as pySigma computes them). */
export function base64offset(s: string, binary: boolean): string[] {
  const value = Buffer.from(s, binary ? 'latin1' : 'utf8');
  const starts = [0, 2, 3];
  const ends = [0, -3, -2];
  const out: string[] = [];
  for (let i = 0; i < 3; i++) {
    const enc = Buffer.concat([Buffer.alloc(i, ' '), value]).toString('base64');
    const end = ends[(value.length + i) % 3]!;
    out.push(enc.slice(starts[i], end === 0 ? undefined : end));
  }
  return out;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

export function patternToRegexSource(p: Pattern): string {
  return p.parts
    .map((x) => {
      switch (x.t) {
        case 'lit':
          return escapeRe(x.s);
        case 'any':
          return '.*';
        case 'one':
          return '.';
        default:
          return `[${escapeRe(x.chars)}]`;
      }
    })
    .join('');
}

export type StringTest = (s: string) => boolean;

/**
 * Compiles a pattern into the cheapest test: equality, startsWith, endsWith or includes where the wildcards allow,
 * a linear-safe regex otherwise (wildcards alone never nest quantifiers). `lower` means inputs arrive lower-cased.
 */
export function compilePattern(p: Pattern, lower: boolean): StringTest {
  const norm = (s: string) => (lower ? s.toLowerCase() : s);
  const parts = p.parts;
  const onlyLit = (xs: Part[]) => xs.every((x) => x.t === 'lit');
  if (parts.length === 0) return (s) => s === '';
  if (onlyLit(parts)) {
    const lit = norm(parts.map((x) => (x as { s: string }).s).join(''));
    return (s) => s === lit;
  }
  const first = parts[0]!;
  const last = parts[parts.length - 1]!;
  const mid = parts.slice(first.t === 'any' ? 1 : 0, last.t === 'any' ? parts.length - 1 : parts.length);
  if (onlyLit(mid) && mid.length <= 1) {
    const lit = norm(mid.map((x) => (x as { s: string }).s).join(''));
    if (first.t === 'any' && last.t === 'any') return parts.length === 1 ? () => true : (s) => s.includes(lit);
    if (first.t === 'any') return (s) => s.endsWith(lit);
    if (last.t === 'any') return (s) => s.startsWith(lit);
  }
  // prefix*suffix (very common: 'C:\Windows\*\foo.exe')
  if (parts.length === 3 && first.t === 'lit' && parts[1]!.t === 'any' && last.t === 'lit') {
    const a = norm(first.s);
    const b = norm(last.s);
    return (s) => s.length >= a.length + b.length && s.startsWith(a) && s.endsWith(b);
  }
  // Only literals and '*': greedy left-to-right search, linear in the input (a regex of several .* could backtrack
  // polynomially on long command lines).
  if (parts.every((x) => x.t === 'lit' || x.t === 'any')) {
    const anchoredStart = first.t === 'lit';
    const anchoredEnd = last.t === 'lit';
    const lits = parts.filter((x) => x.t === 'lit').map((x) => norm((x as { s: string }).s));
    return (s) => {
      let pos = 0;
      let from = 0;
      let to = lits.length;
      if (anchoredStart) {
        if (!s.startsWith(lits[0]!)) return false;
        pos = lits[0]!.length;
        from = 1;
      }
      let end = s.length;
      if (anchoredEnd && to > from) {
        const tail = lits[to - 1]!;
        if (!s.endsWith(tail) || s.length - tail.length < pos) return false;
        end = s.length - tail.length;
        to--;
      } else if (anchoredEnd && anchoredStart && lits.length === 1) return s.length === pos;
      for (let i = from; i < to; i++) {
        const at = s.indexOf(lits[i]!, pos);
        if (at < 0 || at + lits[i]!.length > end) return false;
        pos = at + lits[i]!.length;
      }
      return pos <= end;
    };
  }
  const src = patternToRegexSource(
    lower ? { parts: parts.map((x) => (x.t === 'lit' ? { t: 'lit', s: x.s.toLowerCase() } : x)) } : p,
  );
  const re = new RegExp(`^${src}$`, 's');
  return (s) => re.test(s.length > REGEX_INPUT_CAP ? s.slice(0, REGEX_INPUT_CAP) : s);
}

/** The longest literal run of a pattern, lower-cased: a substring every match must contain. */
export function longestLiteral(p: Pattern): string {
  let best = '';
  for (const x of p.parts) if (x.t === 'lit' && x.s.length > best.length) best = x.s;
  return best.toLowerCase();
}
