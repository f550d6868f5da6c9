// Sigma regular expressions (PCRE-like, unanchored search) into the flavours SIEMs run. Lucene's RegExp (query_string
// /re/, ES|QL rlike) matches whole terms and lacks look-around, back-references, lazy quantifiers and inline flags, so
// such expressions are refused with the construct named rather than approximated.
import { caseFold } from '../sigma/regex.js';
import { Unconvertible } from './ir.js';

// Lucene's RegExp has no \\d, \\w, \\s and reads \\t as a plain "t": classes are spelled out with the characters
// themselves (real tab, newline... characters, not escapes).
const CLASS_BODY: Record<string, string> = { d: '0-9', w: 'A-Za-z0-9_', s: ' \t\n\r\f\u000b' };
const SHORTHAND: Record<string, string> = {
  d: `[${CLASS_BODY.d}]`,
  w: `[${CLASS_BODY.w}]`,
  s: `[${CLASS_BODY.s}]`,
  D: `[^${CLASS_BODY.d}]`,
  W: `[^${CLASS_BODY.w}]`,
  S: `[^${CLASS_BODY.s}]`,
};

function refuse(construct: string, flavour: string): never {
  throw new Unconvertible(
    'regex',
    `regular expression uses ${construct}, which ${flavour} regular expressions do not support`,
  );
}

/** PCRE-like `src` (search semantics) as a Lucene RegExp matching whole values. */
export function toLuceneRegex(source: string, flags: { i: boolean; m: boolean; s: boolean }): string {
  const flavour = 'Lucene';
  let src = source;
  const inline = /^\(\?([ims]+)\)/.exec(src);
  let i = flags.i;
  if (inline) {
    if (inline[1]!.includes('i')) i = true;
    src = src.slice(inline[0].length);
  }
  if (flags.m || (inline && inline[1]!.includes('m'))) refuse("the multi-line flag 'm'", flavour);
  let start = '.*';
  let end = '.*';
  if (src.startsWith('^')) {
    start = '';
    src = src.slice(1);
  }
  if (/(^|[^\\])(\\\\)*\$$/.test(src)) {
    end = '';
    src = src.slice(0, -1);
  }
  // A top-level alternation must stay inside the anchors: a|b becomes .*(a|b).*
  let out = '';
  let inClass = false;
  for (let k = 0; k < src.length; k++) {
    const c = src[k]!;
    if (c === '\\') {
      const n = src[k + 1];
      if (n === undefined) refuse('a trailing backslash', flavour);
      k++;
      if (/[1-9]/.test(n!)) refuse('back-references', flavour);
      if (/[bBAzZGQEpPk]/.test(n!)) refuse(`\\${n}`, flavour);
      if (n === 'x' || n === 'u') refuse(`\\${n} escapes`, flavour);
      if (n === 'n') out += '\n';
      else if (n === 't') out += '\t';
      else if (n === 'r') out += '\r';
      else if (inClass && CLASS_BODY[n!]) out += CLASS_BODY[n!];
      else if (inClass && /[DWS]/.test(n!)) refuse(`\\${n} inside a character class`, flavour);
      else if (SHORTHAND[n!]) out += SHORTHAND[n!];
      else out += `\\${n}`;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      else if (c === '[') refuse('nested character classes', flavour);
      out += /[A-Za-z0-9\]\-^ ]/.test(c) ? c : `\\${c}`;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      if (src[k + 1] === '^') {
        out += '^';
        k++;
      }
      if (src[k + 1] === ']') {
        out += '\\]';
        k++;
      }
      continue;
    }
    if (c === '(') {
      if (src[k + 1] === '?') {
        if (src[k + 2] === ':') {
          out += '(';
          k += 2;
          continue;
        }
        refuse('look-around, named groups or inline flags', flavour);
      }
      out += c;
      continue;
    }
    if (c === '^' || c === '$') refuse(`an anchor '${c}' inside the expression`, flavour);
    if (
      (c === '*' || c === '+' || c === '?' || c === '}') &&
      (src[k + 1] === '?' || src[k + 1] === '+') &&
      !(c === '?' && out.endsWith('('))
    ) {
      refuse('lazy or possessive quantifiers', flavour);
    }
    if (c === '.' && !flags.s) {
      // PCRE's . stops at line ends; Lucene's does not.
      out += '[^\n]';
      continue;
    }
    // Lucene gives these meaning (optional operators, quoting); in PCRE they are plain characters.
    if ('"#@&<>~'.includes(c)) {
      out += `\\${c}`;
      continue;
    }
    out += c;
  }
  if (inClass) refuse('an unclosed character class', flavour);
  const body = i ? caseFold(out) : out;
  return `${start}${start || end ? `(${body})` : body}${end}`;
}

/** RE2 (Sentinel KQL `matches regex`): no look-around, no back-references. */
export function toRe2(source: string, flags: { i: boolean; m: boolean; s: boolean }): string {
  if (/\(\?<?[=!]/.test(source)) refuse('look-around', 'RE2 (KQL)');
  if (/\\[1-9]/.test(source)) refuse('back-references', 'RE2 (KQL)');
  const f = `${flags.i ? 'i' : ''}${flags.m ? 'm' : ''}${flags.s ? 's' : ''}`;
  return f ? `(?${f})${source}` : source;
}

/** PCRE (Splunk `regex`): Sigma's own flavour; flags become inline. */
export function toPcre(source: string, flags: { i: boolean; m: boolean; s: boolean }): string {
  const f = `${flags.i ? 'i' : ''}${flags.m ? 'm' : ''}${flags.s ? 's' : ''}`;
  return f ? `(?${f})${source}` : source;
}
