/**
 * The two kinds of wildcard pattern socready reads, each with one documented behaviour.
 *
 * Name patterns (check ids in `--only` and waivers, Sigma search identifiers in `1 of sel*`, known_hosts host
 * patterns): `*` is any run of characters and `?` any one character; nothing else is special. Names have no path
 * structure, so `*` matches `.` and `/` alike.
 *
 * Path patterns (include directives of the configurations socready reads: sshd `Include`, nginx `include`, rsyslog
 * `$IncludeConfig` and `include(file=)`, Apache `Include`/`IncludeOptional`, ModSecurity `Include`): fnmatch(3) with
 * FNM_PATHNAME | FNM_PERIOD, which is what each server gets from glob(3) (sshd, nginx, rsyslog) or apr_fnmatch with
 * APR_FNM_PERIOD per directory entry (Apache):
 * - `*` is any run of characters and `?` any one character, neither crossing `/` (there is no `**`);
 * - `[abc]`, `[a-z]`, `[!a-z]` and `[^a-z]` match one character of (or not of) a set, never `/`; a `]` right after
 *   the opening `[` (or `[!`) is part of the set; a `[` without its `]` is a literal `[`;
 * - `\` makes the next character literal;
 * - a name starting with `.` is matched only by a pattern component that starts with a literal `.` (so `*.conf`
 *   does not read `.hidden.conf`, as none of the servers does).
 * Where the servers differ, callers decide: Apache reads every file below a directory named without wildcards
 * (and nginx, sshd, rsyslog treat such a name as one file); the servers sort the matches byte-wise (glob(3) without
 * GLOB_NOSORT, Apache's own qsort), so callers sort too.
 */

const nameCache = new Map<string, RegExp>();
const nameCacheI = new Map<string, RegExp>();

/** A name pattern (`linux.audit.*`, `sel*`) as an anchored regular expression. */
export function namePatternToRegExp(pattern: string, ignoreCase = false): RegExp {
  const cache = ignoreCase ? nameCacheI : nameCache;
  let re = cache.get(pattern);
  if (!re) {
    const body = pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.');
    re = new RegExp(`^${body}$`, ignoreCase ? 'i' : '');
    cache.set(pattern, re);
  }
  return re;
}

/** True when `value` matches the name pattern. */
export function nameMatches(pattern: string, value: string): boolean {
  return namePatternToRegExp(pattern).test(value);
}

/** True when `id` matches any of the name patterns; no patterns (or none given) selects everything. */
export function matchesAny(id: string, patterns: string[] | undefined): boolean {
  if (!patterns || patterns.length === 0) return true;
  return patterns.some((p) => nameMatches(p, id));
}

const escapeRe = (c: string) => c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
const pathCache = new Map<string, RegExp>();

/** A path pattern (`/etc/nginx/conf.d/*.conf`) as a regular expression over whole paths, with fnmatch semantics. */
export function pathPatternToRegExp(glob: string): RegExp {
  let re = pathCache.get(glob);
  if (re) return re;
  let src = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    // A wildcard that opens a path component may not match the leading '.' of a hidden name.
    const opens = i === 0 || glob[i - 1] === '/';
    if (c === '*') src += opens ? '(?!\\.)[^/]*' : '[^/]*';
    else if (c === '?') src += opens ? '[^/.]' : '[^/]';
    else if (c === '\\' && i + 1 < glob.length) src += escapeRe(glob[++i]!);
    else if (c === '[') {
      const set = bracket(glob, i);
      if (!set) src += '\\[';
      else {
        src += opens ? `(?!\\.)${set.re}` : set.re;
        i = set.end;
      }
    } else src += escapeRe(c);
  }
  re = new RegExp(`^${src}$`);
  pathCache.set(glob, re);
  return re;
}

/** A character as a literal member of a regular-expression class. */
const classChar = (c: string) => (c === '\\' || c === ']' || c === '[' || c === '^' || c === '-' ? `\\${c}` : c);

/** The bracket expression opening at `start` as a regular-expression class, and where it ends; null when unclosed. */
function bracket(glob: string, start: number): { re: string; end: number } | null {
  let i = start + 1;
  const negate = glob[i] === '!' || glob[i] === '^';
  if (negate) i++;
  let body = '';
  // A ']' first in the set is a member, not the end.
  for (let first = true; i < glob.length; i++, first = false) {
    const c = glob[i]!;
    if (c === ']' && !first) return { re: `[${negate ? '^' : ''}${body}${negate ? '/' : ''}]`, end: i };
    if (c === '/') return null;
    if (c === '\\' && i + 1 < glob.length) body += classChar(glob[++i]!);
    else if (c === '-' && !first && glob[i + 1] !== ']') body += '-';
    else body += classChar(c);
  }
  return null;
}

/** True when `path` matches the path pattern. */
export function pathMatches(pattern: string, path: string): boolean {
  return pathPatternToRegExp(pattern).test(path);
}

/** True when the string holds a wildcard of a path pattern. */
export const hasPathWildcard = (s: string) => /[*?[]/.test(s);
