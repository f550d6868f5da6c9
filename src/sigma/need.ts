// Literal hints for the prefilter: which literals a matching event must hold, combined over and/or of searches.
import type { Pattern } from './pattern.js';
import type { Need, NeedClause } from './types.js';

/** Shortest literal of a clause; the prefilter prefers clauses whose every literal is long (rarely present). */
function strength(c: NeedClause): number {
  let min = Number.POSITIVE_INFINITY;
  for (const x of c) min = Math.min(min, x.literal.length);
  return min * 1_000_000 - c.length;
}
const MIN_LITERAL = 3;
/** Clauses kept per need: each one more that must hold cuts candidates, each costs a little per hit. */
const MAX_CLAUSES = 4;
/**
 * A literal worth indexing: three characters, any non-ASCII character (emoji, homoglyphs are rare in logs), or two
 * with a character rare in logs (the prefilter gives those classes of their own: '^^' of cmd obfuscation).
 */
export const usable = (l: string) =>
  l.length >= MIN_LITERAL || /[^\x00-\x7f]/.test(l) || (l.length === 2 && /[\^`|~{}<>]/.test(l));

const byStrength = (a: NeedClause, b: NeedClause) => strength(b) - strength(a);
export function strongest(c: NeedClause[]): Need | null {
  if (c.length === 0) return null;
  return c.length <= MAX_CLAUSES ? c : [...c].sort(byStrength).slice(0, MAX_CLAUSES);
}
/** Every part must hold: so must every clause of every part (the strongest few are kept). */
export function andOf(needs: (Need | null)[]): Need | null {
  const all: NeedClause[] = [];
  for (const n of needs) if (n) all.push(...n);
  return strongest(all);
}
/** One part must hold: each clause of the result takes one clause of every part (all combinations while few). */
export function orOf(needs: (Need | null)[]): Need | null {
  if (needs.length === 0 || needs.some((n) => !n)) return null;
  const ns = needs as Need[];
  const combos = ns.reduce((p, n) => p * n.length, 1);
  if (combos <= MAX_CLAUSES) {
    // Combination k picks clause (k / radix) % length of each part, and is built once: copying a growing clause per
    // part made a condition of 100,000 `or` terms quadratic. The last part varies fastest, as in nested loops.
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
export function anchoredLiteral(p: Pattern): { literal: string; anchor: number } {
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
