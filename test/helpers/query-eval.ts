// Small parsers for the Lucene query_string and Splunk search subsets Sigma conversions produce, into one boolean AST,
// and an evaluator over flat events: two queries mean the same when they agree on every generated event.

export type Val = { t: 'any' } | { t: 'one' } | { t: 'lit'; s: string };
export type Node =
  | { op: 'and' | 'or'; args: Node[] }
  | { op: 'not'; arg: Node }
  /** ES|QL COALESCE(x, false): a null (unknown) condition counts as false. */
  | { op: 'coalesce'; arg: Node }
  | { op: 'all' }
  /** field null: any value of the event. */
  /** nullable: a missing field makes the test null (unknown), as in ES|QL's three-valued logic, not false. */
  | { op: 'term'; field: string | null; val: Val[]; cased: boolean; nullable?: boolean }
  | { op: 're'; field: string | null; re: RegExp; nullable?: boolean }
  | { op: 'exists'; field: string }
  | { op: 'cmp'; field: string; cmp: string; n: number; nullable?: boolean }
  | { op: 'fieldref'; a: string; b: string; cased: boolean };

export type Event = Record<string, string>;

export class QueryParseError extends Error {}

// ---------- Lucene ----------
export function parseLucene(src: string): Node {
  let i = 0;
  const ws = () => {
    while (i < src.length && /\s/.test(src[i]!)) i++;
  };
  const kw = (w: string) => {
    ws();
    if (src.startsWith(w, i) && (i + w.length >= src.length || /[\s(]/.test(src[i + w.length]!))) {
      i += w.length;
      return true;
    }
    return false;
  };
  /** A word with escapes; stops at whitespace, parentheses and (when stopAtColon) an unescaped colon. */
  const word = (stopAtColon: boolean): { val: Val[]; text: string; colon: boolean } => {
    const val: Val[] = [];
    let text = '';
    let lit = '';
    const flush = () => {
      if (lit) val.push({ t: 'lit', s: lit });
      lit = '';
    };
    while (i < src.length) {
      const c = src[i]!;
      if (c === '\\') {
        lit += src[i + 1] ?? '';
        text += src[i + 1] ?? '';
        i += 2;
        continue;
      }
      if (/\s/.test(c) || c === '(' || c === ')') break;
      if (c === ':' && stopAtColon) {
        flush();
        i++;
        return { val, text, colon: true };
      }
      if (c === '*' || c === '?') {
        flush();
        val.push({ t: c === '*' ? 'any' : 'one' });
      } else lit += c;
      text += c;
      i++;
    }
    flush();
    return { val, text, colon: false };
  };
  const value = (field: string | null): Node => {
    const c = src[i];
    if (c === '(') {
      i++;
      const n = orExpr(field);
      ws();
      if (src[i] !== ')') throw new QueryParseError(`")" expected at ${i}`);
      i++;
      return n;
    }
    if (c === '/') {
      let k = i + 1;
      let re = '';
      while (k < src.length && src[k] !== '/') {
        if (src[k] === '\\') {
          re += src[k + 1] === '/' ? '/' : src.slice(k, k + 2);
          k += 2;
        } else re += src[k++];
      }
      i = k + 1;
      return { op: 're', field, re: new RegExp(`^(?:${re})$`, 's') };
    }
    if (c === '"') {
      let k = i + 1;
      let s = '';
      while (k < src.length && src[k] !== '"') {
        if (src[k] === '\\') {
          s += src[k + 1];
          k += 2;
        } else s += src[k++];
      }
      i = k + 1;
      return { op: 'term', field, val: s ? [{ t: 'lit', s }] : [], cased: true };
    }
    const cmp = /^(>=|<=|>|<)(-?\d+(\.\d+)?)/.exec(src.slice(i));
    if (cmp && field) {
      i += cmp[0].length;
      return { op: 'cmp', field, cmp: cmp[1]!, n: Number(cmp[2]) };
    }
    const w = word(false);
    if (field === null && w.text === '*') return { op: 'all' };
    return { op: 'term', field, val: w.val, cased: true };
  };
  const atom = (field: string | null): Node => {
    ws();
    if (src[i] === '(') return value(field);
    if (field === null) {
      const save = i;
      const w = word(true);
      if (w.colon) {
        const name = w.text;
        if (name === '_exists_') {
          const f = word(false);
          return { op: 'exists', field: f.text };
        }
        if (name === '*' && src[i] === '*') {
          i++;
          return { op: 'all' };
        }
        return value(name);
      }
      i = save;
    }
    return value(field);
  };
  const notExpr = (field: string | null): Node => (kw('NOT') ? { op: 'not', arg: notExpr(field) } : atom(field));
  const andExpr = (field: string | null): Node => {
    const args = [notExpr(field)];
    while (kw('AND')) args.push(notExpr(field));
    return args.length === 1 ? args[0]! : { op: 'and', args };
  };
  function orExpr(field: string | null): Node {
    const args = [andExpr(field)];
    for (;;) {
      ws();
      if (i >= src.length || src[i] === ')') break;
      kw('OR'); // query_string's default operator is OR: adjacent clauses are alternatives too
      args.push(andExpr(field));
    }
    return args.length === 1 ? args[0]! : { op: 'or', args };
  }
  const n = orExpr(null);
  ws();
  if (i < src.length) throw new QueryParseError(`unexpected "${src.slice(i, i + 10)}"`);
  return n;
}

// ---------- Splunk SPL ----------
function parseSearch(s: string): Node {
  let i = 0;
  const ws = () => {
    while (i < s.length && /\s/.test(s[i]!)) i++;
  };
  const kw = (w: string) => {
    ws();
    if (s.startsWith(w, i) && (i + w.length >= s.length || /[\s(]/.test(s[i + w.length]!))) {
      i += w.length;
      return true;
    }
    return false;
  };
  const quoted = (): string => {
    let k = i + 1;
    let out = '';
    while (k < s.length && s[k] !== '"') {
      if (s[k] === '\\') {
        out += s[k + 1];
        k += 2;
      } else out += s[k++];
    }
    i = k + 1;
    return out;
  };
  const bare = (): string => {
    const m = /^[^\s()=!<>,"]+/.exec(s.slice(i));
    if (!m) throw new QueryParseError(`term expected at ${i}: "${s.slice(i, i + 15)}"`);
    i += m[0].length;
    return m[0];
  };
  const toVal = (x: string): Val[] => {
    const out: Val[] = [];
    let lit = '';
    for (const c of x) {
      if (c === '*') {
        if (lit) out.push({ t: 'lit', s: lit });
        lit = '';
        out.push({ t: 'any' });
      } else lit += c;
    }
    if (lit) out.push({ t: 'lit', s: lit });
    return out;
  };
  const valueTerm = (field: string, neg: boolean): Node => {
    ws();
    let cased = false;
    let raw: string;
    if (s.startsWith('CASE(', i)) {
      i += 5;
      cased = true;
      raw = s[i] === '"' ? quoted() : bare();
      if (s[i] !== ')') throw new QueryParseError('CASE( not closed');
      i++;
    } else raw = s[i] === '"' ? quoted() : bare();
    const t: Node = raw === '*' ? { op: 'exists', field } : { op: 'term', field, val: toVal(raw), cased };
    return neg
      ? {
          op: 'and',
          args: [
            { op: 'exists', field },
            { op: 'not', arg: t },
          ],
        }
      : t;
  };
  const atom = (): Node => {
    ws();
    if (s[i] === '(') {
      i++;
      const n = andExpr();
      ws();
      if (s[i] !== ')') throw new QueryParseError('")" expected');
      i++;
      return n;
    }
    const name = s[i] === '"' ? quoted() : bare();
    ws();
    if (s.startsWith('!=', i)) {
      i += 2;
      return valueTerm(name, true);
    }
    if (s[i] === '=') {
      i++;
      return valueTerm(name, false);
    }
    const cmp = /^(>=|<=|>|<)\s*(-?\d+(\.\d+)?)/.exec(s.slice(i));
    if (cmp) {
      i += cmp[0].length;
      return { op: 'cmp', field: name, cmp: cmp[1]!, n: Number(cmp[2]) };
    }
    if (kw('IN')) {
      ws();
      if (s[i] !== '(') throw new QueryParseError('IN ( expected');
      i++;
      const vals: Node[] = [];
      for (;;) {
        ws();
        if (s[i] === ')') {
          i++;
          break;
        }
        if (s[i] === ',') {
          i++;
          continue;
        }
        vals.push(valueTerm(name, false));
      }
      return { op: 'or', args: vals };
    }
    if (name === '*') return { op: 'all' };
    return { op: 'term', field: null, val: [{ t: 'any' }, ...toVal(name), { t: 'any' }], cased: false };
  };
  const notExpr = (): Node => (kw('NOT') ? { op: 'not', arg: notExpr() } : atom());
  // Splunk's search command binds OR tighter than AND: `a OR b c` is `(a OR b) AND c`.
  const orExpr = (): Node => {
    const args = [notExpr()];
    while (kw('OR')) args.push(notExpr());
    return args.length === 1 ? args[0]! : { op: 'or', args };
  };
  function andExpr(): Node {
    const args = [orExpr()];
    for (;;) {
      ws();
      if (i >= s.length || s[i] === ')') break;
      kw('AND');
      args.push(orExpr());
    }
    return args.length === 1 ? args[0]! : { op: 'and', args };
  }
  if (s.trim() === '' || s.trim() === '*') return { op: 'all' };
  const node = andExpr();
  ws();
  if (i < s.length) throw new QueryParseError(`unexpected "${s.slice(i, i + 10)}"`);
  return node;
}

const unquote = (q: string) => q.slice(1, -1).replace(/\\"/g, '"').replace(/\\\\/g, '\\');
function splRegex(field: string, quotedRe: string): Node {
  const re = unquote(quotedRe);
  const inline = /^\(\?([ims]+)\)/.exec(re);
  return {
    op: 're',
    field: field === '_raw' ? null : field,
    re: new RegExp(inline ? re.slice(inline[0].length) : re, inline?.[1] ?? ''),
  };
}

/**
 * A search, then pipes on their own lines: regex, rex + eval flags (pySigma), eval if(match()) (socready), search,
 * where a=b.
 */
export function parseSpl(src: string): Node {
  const [search, ...pipes] = src.split(/\n\|\s*/);
  let node = parseSearch(search!);
  const defs = new Map<string, { cond: Node; yes: string }>();
  const captures = new Map<string, Node>();
  const Q = '"(?:[^"\\\\]|\\\\.)*"';
  const FIELD = `(?:'[^']+'|[A-Za-z_][\\w.]*)`;
  const bare = (f: string) => f.replace(/^'|'$/g, '');
  const substitute = (n: Node): Node => {
    if (n.op === 'and' || n.op === 'or') return { op: n.op, args: n.args.map(substitute) };
    if (n.op === 'not') return { op: 'not', arg: substitute(n.arg) };
    if (n.op === 'term' && n.field && defs.has(n.field)) {
      const d = defs.get(n.field)!;
      const lit = n.val.length === 1 && n.val[0]!.t === 'lit' ? n.val[0]!.s : '';
      return lit === d.yes ? d.cond : { op: 'not', arg: d.cond };
    }
    return n;
  };
  const handlers: [RegExp, (m: RegExpExecArray) => void][] = [
    [
      new RegExp(`^regex\\s+("[^"]+"|[^\\s!=]+)\\s*(!?=)\\s*(${Q})$`, 's'),
      (m) => {
        const r = splRegex(m[1]!.replace(/^"|"$/g, ''), m[3]!);
        node = { op: 'and', args: [node, m[2] === '!=' ? { op: 'not', arg: r } : r] };
      },
    ],
    [
      new RegExp(`^rex\\s+field=(\\S+)\\s+(${Q})$`, 's'),
      (m) => {
        const g = /^\(\?<(\w+)>(.*)\)$/s.exec(unquote(m[2]!));
        if (!g) throw new QueryParseError('rex without one named group');
        captures.set(g[1]!, splRegex(m[1]!, `"${g[2]!.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`));
      },
    ],
    [
      /^eval\s+(\w+)=if\(isnotnull\((\w+)\),\s*"(\w+)",\s*"\w+"\)$/,
      (m) => defs.set(m[1]!, { cond: captures.get(m[2]!)!, yes: m[3]! }),
    ],
    [
      new RegExp(`^eval\\s+(\\w+)=if\\(match\\((${FIELD}),\\s*(${Q})\\),\\s*"(\\w+)",\\s*"\\w+"\\)$`, 's'),
      (m) => defs.set(m[1]!, { cond: splRegex(bare(m[2]!), m[3]!), yes: m[4]! }),
    ],
    [
      new RegExp(`^eval\\s+(\\w+)=if\\(lower\\((${FIELD})\\)==lower\\((${FIELD})\\),\\s*"(\\w+)",\\s*"\\w+"\\)$`),
      (m) => defs.set(m[1]!, { cond: { op: 'fieldref', a: bare(m[2]!), b: bare(m[3]!), cased: false }, yes: m[4]! }),
    ],
    [
      new RegExp(`^where\\s+(NOT\\s+)?(?:lower\\((${FIELD})\\)==lower\\((${FIELD})\\)|(${FIELD})=(${FIELD}))$`),
      (m) => {
        const r: Node = { op: 'fieldref', a: bare(m[2] ?? m[4]!), b: bare(m[3] ?? m[5]!), cased: m[4] !== undefined };
        node = { op: 'and', args: [node, m[1] ? { op: 'not', arg: r } : r] };
      },
    ],
    [
      /^search\s+(.*)$/s,
      (m) => {
        node = { op: 'and', args: [node, substitute(parseSearch(m[1]!))] };
      },
    ],
  ];
  for (const raw of pipes) {
    const p = raw.trim();
    const hit = handlers.map(([re, f]) => [re.exec(p), f] as const).find(([m]) => m !== null);
    if (!hit) throw new QueryParseError(`pipe "${p.split(/\s/)[0]}" is not evaluated by this harness`);
    hit[1](hit[0]!);
  }
  return node;
}

// ---------- evaluation ----------
function valMatch(val: Val[], s: string, cased: boolean): boolean {
  const esc = (x: string) => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = val.map((v) => (v.t === 'any' ? '.*' : v.t === 'one' ? '.' : esc(v.s))).join('');
  return new RegExp(`^${re}$`, cased ? 's' : 'si').test(s);
}

function cidrMatch(cidr: string, ip: string): boolean | undefined {
  const m = /^(\d+\.\d+\.\d+\.\d+)\/(\d+)$/.exec(cidr);
  if (!m) return undefined;
  const toN = (a: string) => a.split('.').reduce((n, x) => n * 256 + Number(x), 0);
  if (!/^\d+\.\d+\.\d+\.\d+$/.test(ip)) return false;
  const bits = Number(m[2]);
  const mask = bits === 0 ? 0 : 2 ** 32 - 2 ** (32 - bits);
  return Math.floor(toN(ip) / 2 ** (32 - bits)) === Math.floor(toN(m[1]!) / 2 ** (32 - bits)) && mask >= 0;
}

/** Whether the query selects the event (an unknown condition selects nothing). */
export function evaluate(n: Node, ev: Event): boolean {
  return evaluate3(n, ev) === true;
}

/** Kleene three-valued evaluation; only nullable leaves (ES|QL) ever give null. */
function evaluate3(n: Node, ev: Event): boolean | null {
  const missing = (f: string | null) => f !== null && ev[f] === undefined && 'nullable' in n && n.nullable === true;
  switch (n.op) {
    case 'and': {
      const vs = n.args.map((a) => evaluate3(a, ev));
      return vs.includes(false) ? false : vs.includes(null) ? null : true;
    }
    case 'or': {
      const vs = n.args.map((a) => evaluate3(a, ev));
      return vs.includes(true) ? true : vs.includes(null) ? null : false;
    }
    case 'not': {
      const v = evaluate3(n.arg, ev);
      return v === null ? null : !v;
    }
    case 'coalesce':
      return evaluate3(n.arg, ev) ?? false;
    case 'all':
      return true;
    case 'fieldref': {
      const a = ev[n.a];
      const b = ev[n.b];
      return a !== undefined && b !== undefined && (n.cased ? a === b : a.toLowerCase() === b.toLowerCase());
    }
    case 'exists':
      return ev[n.field] !== undefined;
    case 'cmp': {
      if (missing(n.field)) return null;
      const v = ev[n.field];
      if (v === undefined || v.trim() === '' || Number.isNaN(Number(v))) return false;
      const x = Number(v);
      return n.cmp === '>' ? x > n.n : n.cmp === '>=' ? x >= n.n : n.cmp === '<' ? x < n.n : x <= n.n;
    }
    case 'term': {
      if (missing(n.field)) return null;
      const vs = n.field === null ? Object.values(ev) : ev[n.field] === undefined ? [] : [ev[n.field]!];
      const lit = n.val.length === 1 && n.val[0]!.t === 'lit' ? n.val[0]!.s : undefined;
      return vs.some((v) => {
        const c = lit !== undefined ? cidrMatch(lit, v) : undefined;
        return c ?? valMatch(n.val, v, n.cased);
      });
    }
    case 're': {
      if (missing(n.field)) return null;
      const vs = n.field === null ? Object.values(ev) : ev[n.field] === undefined ? [] : [ev[n.field]!];
      return vs.some((v) => n.re.test(v));
    }
  }
}

// ---------- ES|QL (the WHERE expression) ----------
export function parseEsqlWhere(src: string): Node {
  const m = /^from\s+\S+(?:\s+metadata\s+[\w, ]+?)?\s*\|\s*where\s+/is.exec(src);
  const s = m ? src.slice(m[0].length) : src;
  if (/\n\||\|\s*(eval|stats)/.test(s))
    throw new QueryParseError('ES|QL pipes after WHERE are not evaluated by this harness');
  let i = 0;
  const ws = () => {
    while (i < s.length && /\s/.test(s[i]!)) i++;
  };
  const kw = (w: string) => {
    ws();
    const re = new RegExp(`^${w}\\b`, 'i');
    if (re.test(s.slice(i))) {
      i += w.length;
      return true;
    }
    return false;
  };
  const str = (): string => {
    ws();
    if (s[i] !== '"') throw new QueryParseError(`string expected at ${i}: ${s.slice(i, i + 12)}`);
    let k = i + 1;
    let out = '';
    while (k < s.length && s[k] !== '"') {
      if (s[k] === '\\') {
        const n = s[k + 1]!;
        out += n === 'n' ? '\n' : n === 't' ? '\t' : n;
        k += 2;
      } else out += s[k++];
    }
    i = k + 1;
    return out;
  };
  const field = (): string => {
    ws();
    if (s[i] === '`') {
      const end = s.indexOf('`', i + 1);
      const f = s.slice(i + 1, end);
      i = end + 1;
      return f;
    }
    const mm = /^[A-Za-z_@][\w.@]*/.exec(s.slice(i));
    if (!mm) throw new QueryParseError(`field expected at ${i}: ${s.slice(i, i + 12)}`);
    i += mm[0].length;
    return mm[0];
  };
  const likeVal = (p: string): Val[] => {
    const out: Val[] = [];
    let lit = '';
    for (let k = 0; k < p.length; k++) {
      const c = p[k]!;
      if (c === '\\') {
        lit += p[k + 1] ?? '';
        k++;
      } else if (c === '*' || c === '?') {
        if (lit) out.push({ t: 'lit', s: lit });
        lit = '';
        out.push({ t: c === '*' ? 'any' : 'one' });
      } else lit += c;
    }
    if (lit) out.push({ t: 'lit', s: lit });
    return out;
  };
  const lit = (f: string, v: string): Node => ({
    op: 'term',
    field: f,
    val: v ? [{ t: 'lit', s: v }] : [],
    cased: true,
    nullable: true,
  });
  const scalar = (): string => {
    ws();
    if (s[i] === '"') return str();
    const mm = /^-?\d+(\.\d+)?/.exec(s.slice(i));
    if (!mm) throw new QueryParseError(`value expected at ${i}`);
    i += mm[0].length;
    return mm[0];
  };
  const atom = (): Node => {
    ws();
    if (s[i] === '(') {
      i++;
      const n = orExpr();
      ws();
      if (s[i] !== ')') throw new QueryParseError('")" expected');
      i++;
      return n;
    }
    if (kw('true')) return { op: 'all' };
    if (kw('false')) return { op: 'not', arg: { op: 'all' } };
    const fn = /^(starts_with|ends_with|cidr_match|coalesce)\s*\(/i.exec(s.slice(i));
    if (fn) {
      i += fn[0].length;
      const name = fn[1]!.toLowerCase();
      let n: Node;
      if (name === 'coalesce') {
        const inner = orExpr();
        ws();
        if (!s.startsWith(',', i)) throw new QueryParseError('coalesce(x, false) expected');
        i++;
        if (!kw('false')) throw new QueryParseError('coalesce(x, false) expected');
        n = { op: 'coalesce', arg: inner };
      } else {
        const f = field();
        const vals: string[] = [];
        for (ws(); s[i] === ','; ws()) {
          i++;
          vals.push(str());
        }
        n =
          name === 'cidr_match'
            ? { op: 'or', args: vals.map((v) => lit(f, v)) }
            : {
                op: 'term',
                field: f,
                val:
                  name === 'starts_with'
                    ? [{ t: 'lit', s: vals[0]! }, { t: 'any' }]
                    : [{ t: 'any' }, { t: 'lit', s: vals[0]! }],
                cased: true,
                nullable: true,
              };
      }
      ws();
      if (s[i] !== ')') throw new QueryParseError(`")" expected after ${name}`);
      i++;
      return n;
    }
    const f = field();
    ws();
    if (kw('is not null')) return { op: 'exists', field: f };
    if (kw('is null')) return { op: 'not', arg: { op: 'exists', field: f } };
    if (kw('not like'))
      return { op: 'not', arg: { op: 'term', field: f, val: likeVal(str()), cased: true, nullable: true } };
    if (kw('rlike')) return { op: 're', field: f, re: new RegExp(`^(?:${str()})$`, 's'), nullable: true };
    if (kw('like')) return { op: 'term', field: f, val: likeVal(str()), cased: true, nullable: true };
    if (kw('in')) {
      ws();
      if (s[i] !== '(') throw new QueryParseError('in ( expected');
      i++;
      const vals: Node[] = [];
      for (;;) {
        ws();
        if (s[i] === ')') {
          i++;
          break;
        }
        if (s[i] === ',') {
          i++;
          continue;
        }
        vals.push(lit(f, scalar()));
      }
      return { op: 'or', args: vals };
    }
    const op = /^(==|!=|>=|<=|>|<)/.exec(s.slice(i));
    if (!op) throw new QueryParseError(`operator expected at ${i}: ${s.slice(i, i + 12)}`);
    i += op[0].length;
    const v = scalar();
    if (op[1] === '==') return lit(f, v);
    if (op[1] === '!=')
      return {
        op: 'and',
        args: [
          { op: 'exists', field: f },
          { op: 'not', arg: lit(f, v) },
        ],
      };
    return { op: 'cmp', field: f, cmp: op[1]!, n: Number(v), nullable: true };
  };
  const notExpr = (): Node => (kw('not') ? { op: 'not', arg: notExpr() } : atom());
  const andExpr = (): Node => {
    const args = [notExpr()];
    while (kw('and')) args.push(notExpr());
    return args.length === 1 ? args[0]! : { op: 'and', args };
  };
  function orExpr(): Node {
    const args = [andExpr()];
    while (kw('or')) args.push(andExpr());
    return args.length === 1 ? args[0]! : { op: 'or', args };
  }
  const n = orExpr();
  ws();
  if (i < s.length) throw new QueryParseError(`unexpected "${s.slice(i, i + 10)}"`);
  return n;
}

function collect(n: Node, out: Map<string | null, Set<string>>): void {
  const add = (f: string | null, s: string) => {
    if (!out.has(f)) out.set(f, new Set());
    out.get(f)!.add(s);
  };
  switch (n.op) {
    case 'and':
    case 'or':
      for (const a of n.args) collect(a, out);
      return;
    case 'not':
    case 'coalesce':
      collect(n.arg, out);
      return;
    case 'all':
      return;
    case 'fieldref':
      for (const f of [n.a, n.b]) for (const v of ['Ref', 'ref', 'other']) add(f, v);
      return;
    case 'exists':
      add(n.field, 'x');
      return;
    case 'cmp':
      for (const d of [-1, 0, 1]) add(n.field, String(n.n + d));
      return;
    case 'term': {
      const lits = n.val.map((v) => (v.t === 'lit' ? v.s : ''));
      const joined = lits.join('');
      for (const s of [
        joined,
        n.val.map((v) => (v.t === 'lit' ? v.s : v.t === 'one' ? 'q' : 'zz')).join(''),
        `a${joined}`,
        `${joined}b`,
        joined.toUpperCase(),
        joined.toLowerCase(),
      ])
        add(n.field, s);
      const c = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(joined);
      if (c) {
        add(n.field, `${c[1]}.${c[2]}.${c[3]}.${Number(c[4]) + 1}`);
        add(n.field, `${Number(c[1]) ^ 1}.${c[2]}.9.9`);
      }
      return;
    }
    case 're': {
      const chunks = n.re.source
        .replace(/\\d\{?\d*\}?/g, '1234')
        .replace(/\\(.)/g, '$1')
        .split(/[.*+?^$(){}|[\]]+/)
        .filter(Boolean);
      add(n.field, chunks.join(''));
      add(n.field, chunks.join('x'));
      add(n.field, `a${chunks.join('')}b`);
      return;
    }
  }
}

/** Events built from the literals of both queries (present, absent, case variants), deterministic. */
export function sampleEvents(a: Node, b: Node, count = 600): Event[] {
  const pools = new Map<string | null, Set<string>>();
  collect(a, pools);
  collect(b, pools);
  const keywordValues = [...(pools.get(null) ?? [])];
  pools.delete(null);
  const fields = [...pools.keys()] as string[];
  let seed = 12345;
  const rnd = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const events: Event[] = [{}];
  // A base event with every field at its first literal, then every one- and two-field variation of it (absent
  // included), then random mixes: a difference that needs two fields set just so is still found.
  const choices = (f: string) => [...pools.get(f)!, undefined];
  const base: Event = {};
  for (const f of fields) base[f] = [...pools.get(f)!][0]!;
  const withValues = (e: Event, pairs: [string, string | undefined][]) => {
    const out = { ...e };
    for (const [f, v] of pairs) {
      if (v === undefined) delete out[f];
      else out[f] = v;
    }
    return out;
  };
  events.push(base);
  for (const f of fields) for (const v of choices(f)) events.push(withValues(base, [[f, v]]), withValues({}, [[f, v]]));
  for (let x = 0; x < fields.length && events.length < 20_000; x++) {
    for (let y = x + 1; y < fields.length; y++) {
      for (const a of choices(fields[x]!))
        for (const b of choices(fields[y]!))
          events.push(
            withValues(base, [
              [fields[x]!, a],
              [fields[y]!, b],
            ]),
          );
    }
  }
  for (let k = 0; k < count; k++) {
    const e: Event = {};
    for (const f of fields) {
      const vs = [...pools.get(f)!, ''];
      if (rnd(3) > 0) e[f] = vs[rnd(vs.length)]!;
    }
    if (keywordValues.length && rnd(2)) e.message = keywordValues[rnd(keywordValues.length)]!;
    events.push(e);
  }
  for (const v of keywordValues) events.push({ message: v }, { ...base, message: v });
  return events;
}

/** The first event on which the two queries disagree, or undefined when they agree on every sample. */
export function disagreement(a: Node, b: Node): Event | undefined {
  return sampleEvents(a, b).find((e) => evaluate(a, e) !== evaluate(b, e));
}
