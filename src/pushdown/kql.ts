// The query as a Microsoft Sentinel KQL `where` expression: =~ / contains / startswith / endswith compare
// case-insensitively (their _cs forms when the rule says cased); other wildcard shapes become `matches regex` (RE2).
import type { Pattern } from '../sigma/pattern.js';
import { type Q, Unconvertible } from './ir.js';
import { toRe2 } from './regex-flavour.js';

const str = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
const fieldName = (f: string) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(f) ? f : `['${f.replace(/'/g, "\\'")}']`);
const reEscape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function strMatch(f: string, p: Pattern, cased: boolean): string {
  const parts = p.parts;
  const lits = parts.filter((x) => x.t === 'lit').map((x) => (x as { s: string }).s);
  const onlyAnyLit = parts.every((x) => x.t === 'lit' || x.t === 'any');
  const cs = cased ? '_cs' : '';
  if (parts.length === 0) return `${f} == ""`;
  if (onlyAnyLit && lits.length <= 1) {
    const lit = str(lits[0] ?? '');
    const lead = parts[0]!.t === 'any';
    const tail = parts[parts.length - 1]!.t === 'any';
    if (lits.length === 0) return `isnotnull(${f})`;
    if (lead && tail) return `${f} contains${cs} ${lit}`;
    if (lead) return `${f} endswith${cs} ${lit}`;
    if (tail) return `${f} startswith${cs} ${lit}`;
    return cased ? `${f} == ${lit}` : `${f} =~ ${lit}`;
  }
  const re = parts
    .map((x) => (x.t === 'lit' ? reEscape(x.s) : x.t === 'any' ? '.*' : x.t === 'one' ? '.' : `[${reEscape(x.chars)}]`))
    .join('');
  return `${f} matches regex ${str(`${cased ? '' : '(?i)'}^${re}$`)}`;
}

function render(q: Q, parent: string): string {
  switch (q.t) {
    case 'true':
      return 'true';
    case 'false':
      return 'false';
    case 'and':
    case 'or': {
      const s = q.args.map((a) => render(a, q.t)).join(` ${q.t} `);
      return parent === 'top' || parent === q.t ? s : `(${s})`;
    }
    case 'not':
      return `not(${render(q.arg, 'not')})`;
    case 'str':
      if (q.field === null) throw new Unconvertible('value', 'keyword searches (any column) are not converted to KQL');
      if (q.num !== undefined) return `${fieldName(q.field)} == ${q.num}`;
      return strMatch(fieldName(q.field), q.p, q.cased);
    case 're':
      if (q.field === null) throw new Unconvertible('regex', 'keyword regular expressions are not converted to KQL');
      return `${fieldName(q.field)} matches regex ${str(toRe2(q.re, q))}`;
    case 'cmp':
      return `${fieldName(q.field)} ${{ lt: '<', lte: '<=', gt: '>', gte: '>=' }[q.op]} ${q.n}`;
    case 'exists':
      return `isnotempty(${fieldName(q.field)})`;
    case 'cidr':
      return `${q.cidr.includes(':') ? 'ipv6_is_in_range' : 'ipv4_is_in_range'}(${fieldName(q.field)}, ${str(q.cidr)})`;
    case 'fieldref':
      return `${fieldName(q.field)} =~ ${fieldName(q.other)}`;
  }
}

export function toKqlWhere(q: Q): string {
  return render(q, 'top');
}
