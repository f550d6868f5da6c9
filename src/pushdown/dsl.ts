// The query as Elasticsearch/OpenSearch Query DSL. Unlike query_string, term, wildcard and regexp queries take
// `case_insensitive`, so a keyword field compares case-insensitively as Sigma does (unless the rule says |cased).
import { type Pattern, patternToRegexSource } from '../sigma/pattern.js';
import { type Q, Unconvertible } from './ir.js';
import { luceneEscape } from './lucene.js';
import { toLuceneRegex } from './regex-flavour.js';

type Dsl = Record<string, unknown>;

const wildcardValue = (p: Pattern) =>
  p.parts
    .map((x) => (x.t === 'any' ? '*' : x.t === 'one' ? '?' : x.t === 'lit' ? x.s.replace(/[\\*?]/g, '\\$&') : ''))
    .join('');

function strQuery(field: string, p: Pattern, cased: boolean, num: number | undefined): Dsl {
  if (num !== undefined) return { term: { [field]: num } };
  const ci = cased ? {} : { case_insensitive: true };
  if (p.parts.every((x) => x.t === 'lit'))
    return { term: { [field]: { value: p.parts.map((x) => (x as { s: string }).s).join(''), ...ci } } };
  if (p.parts.some((x) => x.t === 'cls')) {
    const src = patternToRegexSource(p);
    return { regexp: { [field]: { value: toLuceneRegex(`^${src}$`, { i: false, m: false, s: true }), ...ci } } };
  }
  return { wildcard: { [field]: { value: wildcardValue(p), ...ci } } };
}

export function toQueryDsl(q: Q): Dsl {
  switch (q.t) {
    case 'true':
      return { match_all: {} };
    case 'false':
      return { bool: { must_not: [{ match_all: {} }] } };
    case 'and':
      return { bool: { filter: q.args.map(toQueryDsl) } };
    case 'or':
      return { bool: { should: q.args.map(toQueryDsl), minimum_should_match: 1 } };
    case 'not':
      return { bool: { must_not: [toQueryDsl(q.arg)] } };
    case 'str':
      if (q.field === null) {
        // A keyword: any field, as query_string's default field (*) searches.
        return {
          query_string: {
            query: q.p.parts.map((x) => (x.t === 'lit' ? luceneEscape(x.s) : x.t === 'any' ? '*' : '?')).join(''),
            analyze_wildcard: true,
            allow_leading_wildcard: true,
          },
        };
      }
      return strQuery(q.field, q.p, q.cased, q.num);
    case 're':
      if (q.field === null)
        throw new Unconvertible('regex', 'keyword regular expressions (any field) have no Query DSL form');
      // Case folding is already spelled into the expression for |i; Sigma regexes are case-sensitive otherwise.
      return { regexp: { [q.field]: { value: toLuceneRegex(q.re, q), flags: 'ALL' } } };
    case 'cmp':
      return { range: { [q.field]: { [q.op]: q.n } } };
    case 'exists':
      return { exists: { field: q.field } };
    case 'cidr':
      return { term: { [q.field]: q.cidr } };
    case 'fieldref':
      throw new Unconvertible(
        'modifier',
        `${q.field}|fieldref: the Query DSL cannot compare two fields without a script`,
      );
  }
}
