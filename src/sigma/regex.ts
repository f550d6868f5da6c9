// Regular expressions from rules must never hang the engine (ReDoS). The guard, in this order:
// 1. A static scan finds the shapes that can backtrack exponentially: a repeated group that itself holds a quantifier
//    or an alternation, such as (a+)+, (a|aa)*, (\w+\s?)*. Regexes without them run on V8's backtracking engine, which
//    is then at worst polynomial.
// 2. A risky regex is compiled for V8's linear-time engine (the `l` flag; it has no case-insensitive mode, so `i` is
//    rewritten into explicit [xX] classes). If V8 cannot run it in linear time (back-references, lookaround, large
//    counted repeats), the rule is rejected with that reason instead of being run.
// 3. Every regex sees at most REGEX_INPUT_CAP characters of a value, which bounds the polynomial cases (.*a.*b.*c).
import v8 from 'node:v8';
import { RuleError } from './types.js';

let linearEngine = false;
try {
  v8.setFlagsFromString('--enable-experimental-regexp-engine');
  new RegExp('a', 'l' as string);
  linearEngine = true;
} catch {
  linearEngine = false;
}

export const REGEX_INPUT_CAP = 65_536;

/** True when the pattern has a repeated group that contains a quantifier or an alternation. */
export function hasNestedQuantifier(src: string): boolean {
  // Stack of open groups: does the group's content hold a quantifier or an alternation?
  const stack: { risky: boolean }[] = [];
  let lastGroupRisky = false; // the group that just closed, in case a quantifier follows it
  let i = 0;
  const quantAt = (j: number): number => {
    // Length of an unbounded-ish quantifier at j (*, +, {n,}, {n,m} with m > 1), 0 if none.
    const c = src[j];
    if (c === '*' || c === '+') return 1;
    if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(src.slice(j));
      if (m && m[2] !== undefined && (m[3] === '' || Number(m[3]) > 1)) return m[0].length;
      if (m) return -m[0].length; // a fixed count: consumed but not a repetition worth worrying about
    }
    return 0;
  };
  while (i < src.length) {
    const c = src[i]!;
    if (c === '\\') {
      i += 2;
      lastGroupRisky = false;
      continue;
    }
    if (c === '[') {
      // Skip a character class.
      i++;
      if (src[i] === '^') i++;
      if (src[i] === ']') i++;
      while (i < src.length && src[i] !== ']') i += src[i] === '\\' ? 2 : 1;
      i++;
      lastGroupRisky = false;
      continue;
    }
    if (c === '(') {
      stack.push({ risky: false });
      i++;
      if (src[i] === '?') {
        // (?:  (?=  (?!  (?<name>  (?<=  (?<!
        i++;
        if (src[i] === '<' && src[i + 1] !== '=' && src[i + 1] !== '!') {
          const end = src.indexOf('>', i);
          i = end < 0 ? i + 1 : end + 1;
        } else i++;
      }
      lastGroupRisky = false;
      continue;
    }
    if (c === ')') {
      const g = stack.pop();
      lastGroupRisky = g?.risky ?? false;
      i++;
      const q = quantAt(i);
      if (q > 0) {
        if (lastGroupRisky) return true;
        if (stack.length) stack[stack.length - 1]!.risky = true;
        i += q;
        if (src[i] === '?' || src[i] === '+') i++;
      } else if (q < 0) {
        i -= q;
        if (lastGroupRisky && stack.length) stack[stack.length - 1]!.risky = true;
      } else if (lastGroupRisky && stack.length) stack[stack.length - 1]!.risky = true;
      continue;
    }
    if (c === '|') {
      if (stack.length) stack[stack.length - 1]!.risky = true;
      i++;
      continue;
    }
    const q = quantAt(i);
    if (q > 0) {
      if (stack.length) stack[stack.length - 1]!.risky = true;
      i += q;
      if (src[i] === '?' || src[i] === '+') i++;
      continue;
    }
    if (q < 0) {
      i -= q;
      continue;
    }
    if (c === '?') {
      i++;
      continue;
    }
    i++;
  }
  return false;
}

/** Rewrites letters into [xX] classes so the linear engine (which has no `i` flag) matches case-insensitively. */
export function caseFold(src: string): string {
  let out = '';
  let i = 0;
  let inClass = false;
  while (i < src.length) {
    const c = src[i]!;
    if (c === '\\') {
      out += src.slice(i, i + 2);
      i += 2;
      continue;
    }
    if (!inClass && c === '[') inClass = true;
    else if (inClass && c === ']') inClass = false;
    else if (!inClass && c === '{') {
      // Keep counted repeats and named group syntax intact.
      const m = /^\{\d+(,\d*)?\}/.exec(src.slice(i));
      if (m) {
        out += m[0];
        i += m[0].length;
        continue;
      }
    } else if (!inClass && c === '(' && src[i + 1] === '?' && src[i + 2] === '<' && /[A-Za-z]/.test(src[i + 3] ?? '')) {
      const end = src.indexOf('>', i);
      out += src.slice(i, end + 1);
      i = end + 1;
      continue;
    }
    const lo = c.toLowerCase();
    const up = c.toUpperCase();
    if (lo !== up && lo.length === 1 && up.length === 1) {
      if (inClass) {
        // a-z inside a class: add the other case's range as well.
        if (src[i + 1] === '-' && src[i + 2] && src[i + 2] !== ']') {
          const e = src[i + 2]!;
          out += `${lo}-${e.toLowerCase()}${up}-${e.toUpperCase()}`;
          i += 3;
          continue;
        }
        out += lo + up;
      } else out += `[${lo}${up}]`;
    } else out += c;
    i++;
  }
  return out;
}

/**
 * The longest run of literal characters every match of the regex must contain, or '' when there is none (a top-level
 * alternation, or only classes). Used as a prefilter hint, so it may be short, never wrong.
 */
export function regexLiteral(source: string): string {
  const src = source.replace(/^\(\?[ims]+\)/, '');
  // A top-level | means no single literal is required.
  let depth = 0;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === '\\') i++;
    else if (c === '[') {
      i++;
      while (i < src.length && src[i] !== ']') i += src[i] === '\\' ? 2 : 1;
    } else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) return '';
  }
  let best = '';
  let run = '';
  const end = () => {
    if (run.length > best.length) best = run;
    run = '';
  };
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    let lit: string | undefined;
    let next = i + 1;
    if (c === '\\') {
      const e = src[i + 1] ?? '';
      next = i + 2;
      if (/[.*+?^${}()|[\]\\/-]/.test(e)) lit = e;
      // Escapes with a payload (\x41, \u0041, \u{41}, \cJ, \k<name>, \101) stand for another character or a
      // back-reference: their payload is no literal text.
      else if (e === 'x') next = i + 4;
      else if (e === 'u') next = src[i + 2] === '{' ? src.indexOf('}', i) + 1 || src.length : i + 6;
      else if (e === 'c') next = i + 3;
      else if (e === 'k' && src[i + 2] === '<') next = src.indexOf('>', i) + 1 || src.length;
      // \1 and \12 are back-references, \101 a legacy octal escape: the digits after the backslash are no text.
      else if (e >= '0' && e <= '9') {
        next = i + 2;
        while (next < src.length && src[next]! >= '0' && src[next]! <= '9') next++;
      }
    } else if (c === '[') {
      let j = i + 1;
      while (j < src.length && src[j] !== ']') j += src[j] === '\\' ? 2 : 1;
      next = j + 1;
    } else if (c === '(') {
      let d = 1;
      let j = i + 1;
      while (j < src.length && d > 0) {
        if (src[j] === '\\') j++;
        else if (src[j] === '(') d++;
        else if (src[j] === ')') d--;
        j++;
      }
      next = j;
    } else if (c === '{') {
      const m = /^\{\d*(,\d*)?\}/.exec(src.slice(i));
      next = i + (m ? m[0].length : 1);
    } else if (!'.^$*+?}|)'.includes(c)) lit = c;
    // A quantifier after the atom: optional atoms end the run; + keeps one copy, then ends it.
    const q = src[next];
    const optional = q === '?' || q === '*' || (q === '{' && /^\{0[,}]/.test(src.slice(next)));
    if (lit !== undefined && !optional) {
      run += lit;
      if (q === '+' || q === '{') end();
    } else end();
    i = next - 1;
  }
  end();
  return best;
}

export interface CompiledRegex {
  test(s: string): boolean;
  engine: 'backtracking' | 'linear';
}

/** Compiles a Sigma `re` value with its i/m/s sub-modifiers under the ReDoS guard. */
export function compileRegex(src: string, given: { i?: boolean; m?: boolean; s?: boolean }): CompiledRegex {
  // PCRE's leading inline flags, (?i) and friends, are common in rules; JavaScript on node 20 lacks them.
  const flags = { ...given };
  const inline = /^\(\?([ims]+)\)/.exec(src);
  if (inline) {
    for (const f of inline[1]!) flags[f as 'i' | 'm' | 's'] = true;
    src = src.slice(inline[0].length);
  }
  const f = `${flags.m ? 'm' : ''}${flags.s ? 's' : ''}`;
  let re: RegExp;
  let engine: CompiledRegex['engine'] = 'backtracking';
  if (!hasNestedQuantifier(src)) {
    try {
      re = new RegExp(src, `${f}${flags.i ? 'i' : ''}`);
    } catch (e) {
      throw new RuleError(`invalid regular expression /${src}/: ${(e as Error).message}`);
    }
  } else {
    if (!linearEngine)
      throw new RuleError(
        `regular expression /${src}/ has nested quantifiers (catastrophic backtracking risk) and no ` +
          'linear-time engine is available',
      );
    try {
      re = new RegExp(flags.i ? caseFold(src) : src, `${f}l`);
      engine = 'linear';
    } catch (e) {
      throw new RuleError(
        `regular expression /${src}/ has nested quantifiers (catastrophic backtracking risk) and cannot run ` +
          `in linear time: ${(e as Error).message.replace(/^Invalid regular expression: /, '')}`,
      );
    }
  }
  // Every match holds the regex's literal run: a native substring search rules most values out before the regex
  // runs. Under `i`, only a run without letters is searched as is.
  const lit = regexLiteral(src);
  if (lit && (!flags.i || /^[\x00-\x40\x5b-\x60\x7b-\x7f]+$/.test(lit))) {
    return {
      engine,
      test: (s: string) => s.includes(lit) && re.test(s.length > REGEX_INPUT_CAP ? s.slice(0, REGEX_INPUT_CAP) : s),
    };
  }
  return {
    engine,
    test: (s: string) => re.test(s.length > REGEX_INPUT_CAP ? s.slice(0, REGEX_INPUT_CAP) : s),
  };
}
