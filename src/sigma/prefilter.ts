// Literal prefilter: most rules can only match when some literal appears in some field (Image ends with
// "\rundll32.exe" implies the lower-cased Image contains "\rundll3"). Per field, one Aho-Corasick automaton compiled
// to a dense DFA over a small alphabet finds, in one pass over the value, every rule that still has a chance; only
// those rules run their full matchers. Collapsing rare characters into one class and cutting literals to
// MAX_LITERAL characters only adds candidates, never loses a match.

const MAX_LITERAL = 12;
/** Needs of keyword searches: the literal may be in any value. */
const ANY_FIELD = '\u0000any';

// A small alphabet keeps the DFA tables compact (cache-friendly): a-z each get a class, digits share one, the
// punctuation common in paths and command lines gets its own, everything else shares class 0. A shared class can
// only add candidates, never lose one.
const CLASS = new Uint8Array(65_536);
let ALPHABET = 1;
for (let c = 97; c <= 122; c++) CLASS[c] = ALPHABET++;
const DIGIT = ALPHABET++;
for (let c = 48; c <= 57; c++) CLASS[c] = DIGIT;
for (const ch of '\\/.- :_"=%$\'') CLASS[ch.charCodeAt(0)] = ALPHABET++;
// Non-ASCII characters (emoji, homoglyphs) must not share a class with ASCII punctuation, or a one-emoji literal
// would hit every "{" or "(".
const NON_ASCII = ALPHABET++;
CLASS.fill(NON_ASCII, 128);

export class Automaton {
  /** Transition table in 16 bits while the automaton is small enough (nearly always), else 32. */
  private delta16?: Uint16Array;
  private delta32?: Uint32Array;
  private out: (Int32Array | null)[];
  /** 1 where a state has outputs: a byte test per character instead of loading an object. */
  private hasOut: Uint8Array;

  constructor(literals: { literal: string; rule: number }[]) {
    // Trie.
    const children: Map<number, number>[] = [new Map()];
    const own: number[][] = [[]];
    for (const { literal, rule } of literals) {
      let s = 0;
      // The tail: paths differ most at the file name, and "c:\\windows\\..." prefixes match almost everything.
      const lit = literal.length > MAX_LITERAL ? literal.slice(-MAX_LITERAL) : literal;
      for (let k = 0; k < lit.length; k++) {
        const c = CLASS[lit.charCodeAt(k)]!;
        let n = children[s]!.get(c);
        if (n === undefined) {
          n = children.length;
          children.push(new Map());
          own.push([]);
          children[s]!.set(c, n);
        }
        s = n;
      }
      own[s]!.push(rule);
    }
    const n = children.length;
    const delta = new Int32Array(n * ALPHABET);
    const fail = new Int32Array(n);
    const outSets: Set<number>[] = own.map((o) => new Set(o));
    // BFS builds the DFA: a missing edge follows the failure state's edge.
    const queue: number[] = [];
    for (let c = 0; c < ALPHABET; c++) {
      const child = children[0]!.get(c);
      if (child !== undefined) {
        delta[c] = child;
        fail[child] = 0;
        queue.push(child);
      }
    }
    for (let qi = 0; qi < queue.length; qi++) {
      const s = queue[qi]!;
      for (const r of outSets[fail[s]!]!) outSets[s]!.add(r);
      for (let c = 0; c < ALPHABET; c++) {
        const child = children[s]!.get(c);
        if (child !== undefined) {
          delta[s * ALPHABET + c] = child;
          fail[child] = delta[fail[s]! * ALPHABET + c]!;
          queue.push(child);
        } else delta[s * ALPHABET + c] = delta[fail[s]! * ALPHABET + c]!;
      }
    }
    if (n <= 0xffff) this.delta16 = Uint16Array.from(delta);
    else this.delta32 = Uint32Array.from(delta);
    this.out = outSets.map((o) => (o.size ? Int32Array.from(o) : null));
    this.hasOut = Uint8Array.from(outSets, (o) => (o.size ? 1 : 0));
  }

  private emit(s: number, hit: (rule: number) => void): void {
    const o = this.out[s]!;
    for (let k = 0; k < o.length; k++) hit(o[k]!);
  }

  /** True as soon as `accept` says yes to an id found in the text (ids are candidates, `accept` verifies). */
  some(text: string, accept: (id: number) => boolean): boolean {
    let found = false;
    this.scan(text, (id) => {
      if (!found && accept(id)) found = true;
    });
    return found;
  }

  scan(text: string, hit: (rule: number) => void): void {
    const has = this.hasOut;
    let s = 0;
    const d16 = this.delta16;
    const n = text.length;
    if (d16) {
      for (let i = 0; i < n; i++) {
        s = d16[s * ALPHABET + CLASS[text.charCodeAt(i)]!]!;
        if (has[s] === 1) this.emit(s, hit);
      }
      return;
    }
    const d32 = this.delta32!;
    for (let i = 0; i < n; i++) {
      s = d32[s * ALPHABET + CLASS[text.charCodeAt(i)]!]!;
      if (has[s] === 1) this.emit(s, hit);
    }
  }
}

export interface PrefilterRule {
  need: { field: string | null; literal: string }[] | null;
}

/** Candidate selection for one group of rules (one log-source bucket). */
export class Prefilter {
  /** Rules without usable literals: always candidates. */
  readonly always: number[] = [];
  private readonly fields: { field: string; automaton: Automaton }[] = [];
  private readonly stamp: Uint32Array;
  private seq = 0;

  constructor(rules: PrefilterRule[]) {
    const byField = new Map<string, { literal: string; rule: number }[]>();
    rules.forEach((r, i) => {
      if (!r.need) {
        this.always.push(i);
        return;
      }
      for (const { field, literal } of r.need) {
        const key = field ?? ANY_FIELD;
        let list = byField.get(key);
        if (!list) {
          list = [];
          byField.set(key, list);
        }
        list.push({ literal, rule: i });
      }
    });
    for (const [field, literals] of byField) this.fields.push({ field, automaton: new Automaton(literals) });
    this.stamp = new Uint32Array(rules.length);
  }

  /** Indices of the rules worth running; `lowered` gives a field's lower-cased string values. */
  candidates(lowered: (field: string) => string[] | null, allValues: () => string[]): number[] {
    const seq = ++this.seq;
    if (seq === 0xffffffff) {
      this.stamp.fill(0);
      this.seq = 1;
    }
    const stamp = this.stamp;
    const s = this.seq;
    const out = this.always.slice();
    const hit = (rule: number) => {
      if (stamp[rule] !== s) {
        stamp[rule] = s;
        out.push(rule);
      }
    };
    for (const { field, automaton } of this.fields) {
      const vs = field === ANY_FIELD ? allValues() : lowered(field);
      if (vs) for (const v of vs) automaton.scan(v, hit);
    }
    return out;
  }
}
