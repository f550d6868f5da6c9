// The query as a Splunk SPL search. Splunk's search command compares case-insensitively with * as its only
// wildcard; regular expressions and field comparisons become `| regex` / `| where` after the search, which is only
// the same meaning when they sit in the query's top-level AND, so elsewhere they are refused.
import { type Pattern, patternToRegexSource } from '../sigma/pattern.js';
import { type Q, Unconvertible } from './ir.js';
import { toPcre } from './regex-flavour.js';

const quote = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

function fieldName(f: string): string {
  return /^[A-Za-z_][A-Za-z0-9_.\-:]*$/.test(f) ? f : quote(f);
}

function patternValue(p: Pattern, field: string | null): string {
  let s = '';
  for (const x of p.parts) {
    if (x.t === 'any') s += '*';
    else if (x.t === 'lit') {
      if (x.s.includes('*'))
        throw new Unconvertible(
          'value',
          `${field ?? 'keyword'}: a literal * cannot be written in a Splunk search (it is always a wildcard)`,
        );
      s += x.s;
    } else
      throw new Unconvertible(
        'value',
        `${field ?? 'keyword'}: ${x.t === 'one' ? 'the ? wildcard' : 'a windash class'} has no Splunk search form`,
      );
  }
  return quote(s);
}

function term(q: Q, parent: string): string {
  switch (q.t) {
    case 'true':
      return '*';
    case 'false':
      return 'NOT *';
    case 'and':
    case 'or': {
      const s = q.args.map((a) => term(a, q.t)).join(q.t === 'and' ? ' ' : ' OR ');
      return parent === 'top' || parent === q.t ? s : `(${s})`;
    }
    case 'not':
      return `NOT ${term(q.arg, 'not')}`;
    case 'str': {
      const v = q.num !== undefined ? String(q.num) : patternValue(q.p, q.field);
      const val = q.cased && q.num === undefined ? `CASE(${v})` : v;
      return q.field === null ? patternValue(q.p, null) : `${fieldName(q.field)}=${val}`;
    }
    case 'cmp':
      return `${fieldName(q.field)}${{ lt: '<', lte: '<=', gt: '>', gte: '>=' }[q.op]}${q.n}`;
    case 'exists':
      return `${fieldName(q.field)}=*`;
    case 'cidr':
      return `${fieldName(q.field)}=${quote(q.cidr)}`;
    case 're':
    case 'fieldref':
      throw new Unconvertible(
        q.t === 're' ? 'regex' : 'modifier',
        `${q.field ?? 'keyword'}: a ${q.t === 're' ? 'regular expression' : 'field reference'} under OR or ` +
          'NOT has no Splunk search form (only as a filter of the whole search)',
      );
  }
}

const evalField = (f: string | null) => (f === null ? '_raw' : `'${f.replace(/'/g, "\\'")}'`);

/** The eval test of a regex or field reference, true/false as an eval expression. */
function evalTest(x: Q): string {
  if (x.t === 're') return `match(${evalField(x.field)}, ${quote(toPcre(x.re, x))})`;
  if (x.t === 'fieldref') return `lower(${evalField(x.field)})==lower(${evalField(x.other)})`;
  throw new Error('not an eval test');
}

const needsEval = (q: Q): boolean =>
  q.t === 're' ||
  q.t === 'fieldref' ||
  ((q.t === 'and' || q.t === 'or') && q.args.some(needsEval)) ||
  (q.t === 'not' && needsEval(q.arg));

/**
 * The search command cannot test a regex or compare two fields. At the top of the query they filter the whole search
 * (`| regex`, `| where`); under OR/NOT each becomes a flag computed by `| eval` and the rest of the condition is
 * tested by a later `| search` over those flags, so the boolean structure is kept exactly.
 */
/** A value the search command cannot spell (? wildcard, literal *, windash class) as the equivalent anchored regex. */
function searchable(q: Q): Q {
  if (q.t === 'and' || q.t === 'or') return { t: q.t, args: q.args.map(searchable) };
  if (q.t === 'not') return { t: 'not', arg: searchable(q.arg) };
  if (q.t !== 'str' || q.num !== undefined) return q;
  const plain = q.p.parts.every((x) => x.t === 'any' || (x.t === 'lit' && !x.s.includes('*')));
  if (plain) return q;
  return { t: 're', field: q.field, re: `^${patternToRegexSource(q.p)}$`, i: !q.cased, m: false, s: true };
}

export function toSpl(query: Q): string {
  const q = searchable(query);
  const conj = q.t === 'and' ? q.args : [q];
  const pipes: string[] = [];
  const terms: Q[] = [];
  const later: Q[] = [];
  for (const c of conj) {
    const neg = c.t === 'not';
    const x = neg ? c.arg : c;
    if (x.t === 're')
      pipes.push(
        `| regex ${x.field === null ? '_raw' : fieldName(x.field)}${neg ? '!=' : '='}${quote(toPcre(x.re, x))}`,
      );
    else if (x.t === 'fieldref') pipes.push(`| where ${neg ? 'NOT ' : ''}${evalTest(x)}`);
    else if (needsEval(c)) later.push(c);
    else terms.push(c);
  }
  const search =
    terms.length === 0 ? '*' : terms.length === 1 ? term(terms[0]!, 'top') : term({ t: 'and', args: terms }, 'top');
  if (later.length) {
    const evals: string[] = [];
    const flag = (x: Q): Q => {
      if (x.t === 're' || x.t === 'fieldref') {
        const name = `socready_t${evals.length}`;
        evals.push(`| eval ${name}=if(${evalTest(x)}, "1", "0")`);
        return { t: 'str', field: name, p: { parts: [{ t: 'lit', s: '1' }] }, cased: false };
      }
      if (x.t === 'and' || x.t === 'or') return { t: x.t, args: x.args.map(flag) };
      if (x.t === 'not') return { t: 'not', arg: flag(x.arg) };
      return x;
    };
    const rest = later.map(flag);
    pipes.unshift(...evals, `| search ${term(rest.length === 1 ? rest[0]! : { t: 'and', args: rest }, 'top')}`);
  }
  return [search, ...pipes].join('\n');
}
