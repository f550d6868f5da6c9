// The Sigma condition grammar: or < and < not < "x of" < parentheses, with `1 of`/`all of`/`any of` over identifier
// patterns (wildcards) or `them` (every identifier not starting with "_").
import { RuleError } from './types.js';
import { nameMatches } from '../util/glob.js';

export type CondNode =
  | { op: 'id'; name: string }
  | { op: 'and' | 'or'; args: CondNode[] }
  | { op: 'not'; arg: CondNode }
  | { op: 'of'; min: number | 'all'; names: string[] };

type Tok = { k: 'lp' | 'rp' | 'and' | 'or' | 'not' | 'of' | 'word'; v: string; at: number };

function tokenize(src: string): Tok[] {
  const toks: Tok[] = [];
  const re = /\s*(\(|\)|[^\s()]+)/y;
  re.lastIndex = 0;
  while (re.lastIndex < src.length) {
    const m = re.exec(src);
    if (!m) break;
    const v = m[1]!;
    const at = m.index + m[0].length - v.length;
    const low = v.toLowerCase();
    if (v === '(') toks.push({ k: 'lp', v, at });
    else if (v === ')') toks.push({ k: 'rp', v, at });
    else if (low === 'and' || low === 'or' || low === 'not' || low === 'of') toks.push({ k: low, v, at });
    else toks.push({ k: 'word', v, at });
  }
  if (src.slice(re.lastIndex).trim()) throw new RuleError(`condition: cannot read "${src.slice(re.lastIndex)}"`);
  return toks;
}

/** Parses a condition; identifiers are checked against the detection's search identifiers. */
export function parseCondition(src: string, identifiers: string[]): CondNode {
  const toks = tokenize(src);
  const known = new Set(identifiers);
  let pos = 0;
  const fail = (msg: string): never => {
    const t = toks[pos];
    throw new RuleError(`condition "${src}": ${msg}${t ? ` at "${t.v}" (column ${t.at + 1})` : ' at end'}`);
  };
  const peek = () => toks[pos];

  const parseOr = (): CondNode => {
    const args = [parseAnd()];
    while (peek()?.k === 'or') {
      pos++;
      args.push(parseAnd());
    }
    return args.length === 1 ? args[0]! : { op: 'or', args };
  };
  const parseAnd = (): CondNode => {
    const args = [parseNot()];
    while (peek()?.k === 'and') {
      pos++;
      args.push(parseNot());
    }
    return args.length === 1 ? args[0]! : { op: 'and', args };
  };
  const parseNot = (): CondNode => {
    if (peek()?.k === 'not') {
      pos++;
      return { op: 'not', arg: parseNot() };
    }
    return parseAtom();
  };
  const parseAtom = (): CondNode => {
    const t = peek();
    if (!t) return fail('expression expected');
    if (t.k === 'lp') {
      pos++;
      const inner = parseOr();
      if (peek()?.k !== 'rp') fail('")" expected');
      pos++;
      return inner;
    }
    if (t.k !== 'word') return fail('identifier expected');
    const next = toks[pos + 1];
    if (next?.k === 'of') {
      const q = t.v.toLowerCase();
      let min: number | 'all';
      if (q === 'all') min = 'all';
      else if (q === 'any') min = 1;
      else if (/^\d+$/.test(q) && Number(q) >= 1) min = Number(q);
      else return fail('"1", "all" or a number expected before "of"');
      pos += 2;
      const target = peek();
      if (target?.k !== 'word') return fail('identifier pattern or "them" expected after "of"');
      pos++;
      const names =
        target.v === 'them'
          ? identifiers.filter((n) => !n.startsWith('_'))
          : identifiers.filter((n) => nameMatches(target.v, n));
      if (names.length === 0) throw new RuleError(`condition "${src}": "${target.v}" matches no search identifier`);
      return { op: 'of', min, names };
    }
    pos++;
    if (!known.has(t.v)) throw new RuleError(`condition "${src}": unknown search identifier "${t.v}"`);
    return { op: 'id', name: t.v };
  };

  if (toks.length === 0) throw new RuleError('condition is empty');
  const node = parseOr();
  if (pos < toks.length) fail('unexpected token');
  return node;
}

export type Evaluator<T> = (name: string, ctx: T) => boolean;

// Plain loops: a callback per test would be a closure allocated per event.
function every<T>(fs: ((c: T) => boolean)[]): (c: T) => boolean {
  return (c) => {
    for (let i = 0; i < fs.length; i++) if (!fs[i]!(c)) return false;
    return true;
  };
}
function some<T>(fs: ((c: T) => boolean)[]): (c: T) => boolean {
  if (fs.length === 2) {
    const [a, b] = fs as [(c: T) => boolean, (c: T) => boolean];
    return (c) => a(c) || b(c);
  }
  return (c) => {
    for (let i = 0; i < fs.length; i++) if (fs[i]!(c)) return true;
    return false;
  };
}

/** Turns a condition tree into one closure; identifier lookups are bound at compile time. */
export function compileCondition<T>(
  node: CondNode,
  lookup: (name: string) => (ctx: T) => boolean,
): (ctx: T) => boolean {
  switch (node.op) {
    case 'id':
      return lookup(node.name);
    case 'not': {
      const a = compileCondition(node.arg, lookup);
      return (c) => !a(c);
    }
    case 'and': {
      const fs = node.args.map((a) => compileCondition(a, lookup));
      if (fs.length === 2) {
        const [a, b] = fs as [(c: T) => boolean, (c: T) => boolean];
        return (c) => a(c) && b(c);
      }
      return every(fs);
    }
    case 'or': {
      const fs = node.args.map((a) => compileCondition(a, lookup));
      return some(fs);
    }
    case 'of': {
      const fs = node.names.map((n) => lookup(n));
      if (node.min === 'all') return every(fs);
      if (node.min === 1) return some(fs);
      const min = node.min;
      return (c) => {
        let n = 0;
        for (const f of fs) if (f(c) && ++n >= min) return true;
        return false;
      };
    }
  }
}
