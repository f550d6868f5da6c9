// The query as an Elasticsearch/OpenSearch query_string (Lucene syntax). Values are escaped term by term; wildcards
// stay wildcards; regular expressions are rewritten into Lucene's whole-term RegExp flavour.
import type { Pattern } from '../sigma/pattern.js';
import { type Q, Unconvertible } from './ir.js';
import { toLuceneRegex } from './regex-flavour.js';

const RESERVED = new Set([...'+-=&|><!(){}[]^"~*?:\\/ ']);

export function luceneEscape(s: string): string {
  let out = '';
  for (const c of s) out += RESERVED.has(c) || /\s/.test(c) ? `\\${c}` : c;
  return out;
}

function luceneRegexLiteral(s: string): string {
  let out = '';
  for (const c of s) out += /[A-Za-z0-9_]/.test(c) || c.charCodeAt(0) > 127 ? c : `\\${c}`;
  return out;
}

function patternTerm(p: Pattern): string {
  if (p.parts.length === 0) return '""';
  if (p.parts.some((x) => x.t === 'cls')) {
    // A windash class has no wildcard form: a whole-term regular expression says it exactly.
    const re = p.parts
      .map((x) =>
        x.t === 'lit'
          ? luceneRegexLiteral(x.s)
          : x.t === 'any'
            ? '.*'
            : x.t === 'one'
              ? '.'
              : `[${[...x.chars].map((c) => `\\${c}`).join('')}]`,
      )
      .join('');
    return `/${re}/`;
  }
  return p.parts.map((x) => (x.t === 'lit' ? luceneEscape(x.s) : x.t === 'any' ? '*' : '?')).join('');
}

const fieldName = (f: string) => luceneEscape(f);
const prefix = (f: string | null) => (f === null ? '' : `${fieldName(f)}:`);

function render(q: Q, parent: 'and' | 'or' | 'not' | 'top'): string {
  switch (q.t) {
    case 'true':
      return '*:*';
    case 'false':
      return 'NOT *:*';
    case 'and':
    case 'or': {
      const s = q.args.map((a) => render(a, q.t as 'and' | 'or')).join(q.t === 'and' ? ' AND ' : ' OR ');
      return parent === 'top' || parent === q.t ? s : `(${s})`;
    }
    case 'not':
      return parent === 'top' ? `NOT ${render(q.arg, 'not')}` : `(NOT ${render(q.arg, 'not')})`;
    case 'str':
      return `${prefix(q.field)}${q.num !== undefined ? String(q.num) : patternTerm(q.p)}`;
    case 're':
      return `${prefix(q.field)}/${toLuceneRegex(q.re, q).replace(/\//g, '\\/')}/`;
    case 'cmp':
      return `${fieldName(q.field)}:${{ lt: '<', lte: '<=', gt: '>', gte: '>=' }[q.op]}${q.n}`;
    case 'exists':
      return `_exists_:${fieldName(q.field)}`;
    case 'cidr':
      return `${fieldName(q.field)}:${luceneEscape(q.cidr)}`;
    case 'fieldref':
      throw new Unconvertible('modifier', `${q.field}|fieldref: Lucene query strings cannot compare two fields`);
  }
}

export function toLucene(q: Q): string {
  return render(q, 'top');
}
