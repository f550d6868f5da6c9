// The query as an ES|QL `where` expression. ES|QL compares strings case-sensitively, `like` takes * and ? wildcards,
// `rlike` takes a whole-value Lucene RegExp; it has no search across every field, so keyword rules are refused.
import { type Pattern, patternToRegexSource } from '../sigma/pattern.js';
import { type Q, Unconvertible } from './ir.js';
import { toLuceneRegex } from './regex-flavour.js';

const str = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
const fieldName = (f: string) => (/^[A-Za-z_@][A-Za-z0-9_.@]*$/.test(f) ? f : `\`${f.replace(/`/g, '``')}\``);

function likePattern(p: Pattern): string {
  return p.parts
    .map((x) =>
      x.t === 'any' ? '*' : x.t === 'one' ? '?' : x.t === 'lit' ? x.s.replace(/[\\*?]/g, '\\$&') : `[${x.chars}]`,
    )
    .join('');
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
      // ES|QL's logic has three values: a test on a missing field is null and `not null` is null, which would drop
      // the events Sigma's `not` keeps. COALESCE makes the unknown false first.
      return `not coalesce(${render(q.arg, 'top')}, false)`;
    case 'str': {
      if (q.field === null) throw new Unconvertible('value', 'keyword searches (any field) have no ES|QL form');
      const f = fieldName(q.field);
      if (q.num !== undefined) return `${f}==${q.num}`;
      if (q.p.parts.some((x) => x.t === 'cls')) {
        const body = patternToRegexSource(q.p);
        return `${f} rlike ${str(toLuceneRegex(`^${body}$`, { i: false, m: false, s: true }))}`;
      }
      if (q.p.parts.every((x) => x.t === 'lit'))
        return `${f}==${str(q.p.parts.map((x) => (x as { s: string }).s).join(''))}`;
      // ES|QL's like treats a backslash as an escape, so literal * and ? stay literal.
      return `${f} like ${str(likePattern(q.p))}`;
    }
    case 're':
      if (q.field === null) throw new Unconvertible('regex', 'keyword regular expressions have no ES|QL form');
      return `${fieldName(q.field)} rlike ${str(toLuceneRegex(q.re, q))}`;
    case 'cmp':
      return `${fieldName(q.field)}${{ lt: '<', lte: '<=', gt: '>', gte: '>=' }[q.op]}${q.n}`;
    case 'exists':
      return `${fieldName(q.field)} is not null`;
    case 'cidr':
      return `cidr_match(${fieldName(q.field)}, ${str(q.cidr)})`;
    case 'fieldref':
      return `${fieldName(q.field)}==${fieldName(q.other)}`;
  }
}

export function toEsqlWhere(q: Q): string {
  return render(q, 'top');
}
