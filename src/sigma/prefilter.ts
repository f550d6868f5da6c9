// Literal prefilter: most rules can only match when some literals appear in some fields (Image ends with
// "\rundll32.exe" implies the lower-cased Image ends with "\rundll32.exe"). Per field, one Aho-Corasick automaton
// compiled to a dense DFA over a small alphabet finds, in one pass over the value, every literal present; a rule is
// a candidate when each of its clauses had a literal found (and in place, for anchored ones). Only candidates run
// their full matchers. Collapsing characters into one class and cutting literals to MAX_LITERAL characters only
// adds candidates, never loses a match.
import type { Need, SigmaEvent } from './types.js';

const MAX_LITERAL = 12;
/** Needs of keyword searches: the literal may be in any value. */
const ANY_FIELD = '\u0000any';

// The alphabet: letters (upper case folded onto lower case, so values are scanned as they are, with no lower-cased
// copy), digits and the punctuation common in paths and command lines each get a class; other ASCII punctuation
// shares one, controls share class 0, other characters share NON_ASCII. A small alphabet keeps the DFA rows short
// (cache-friendly); a shared class can only add candidates, never lose one. Characters whose lower case is longer
// than one unit (U+0130) are SPECIAL: a value holding one is scanned lower-cased instead, as the matchers see it.
const SPECIAL = 255;
const CLASS = new Uint8Array(65_536);
const ALPHABET = (() => {
  let n = 1;
  for (let c = 97; c <= 122; c++) CLASS[c] = n++;
  for (let c = 48; c <= 57; c++) CLASS[c] = n++;
  for (const ch of '\\/.- :_"=%$\'^`|,;(){}[]<>') CLASS[ch.charCodeAt(0)] = n++;
  const punct = n++;
  for (let c = 33; c < 127; c++) if (CLASS[c] === 0) CLASS[c] = punct;
  for (let c = 65; c <= 90; c++) CLASS[c] = CLASS[c + 32]!;
  const nonAscii = n++;
  for (let c = 127; c < 65_536; c++) {
    const low = String.fromCharCode(c).toLowerCase();
    // Kelvin sign lower-cases to ASCII "k": fold it as the matchers' lower-casing does.
    CLASS[c] = low.length !== 1 ? SPECIAL : low.charCodeAt(0) < 127 ? CLASS[low.charCodeAt(0)]! : nonAscii;
  }
  return n;
})();
const NON_ASCII = ALPHABET - 1;

const FINE = CLASS;
const FINE_ALPHABET = ALPHABET;

// A coarser alphabet for the small per-rule automata of long "contains" lists, which only pick literals to verify:
// digits share one class, and so does the punctuation outside the common path and command-line characters.
const COARSE = new Uint8Array(65_536);
const COARSE_ALPHABET = (() => {
  const map = new Uint8Array(256);
  let n = 1;
  for (let c = 97; c <= 122; c++) map[CLASS[c]!] = n++;
  const digit = n++;
  for (let c = 48; c <= 57; c++) map[CLASS[c]!] = digit;
  for (const ch of '\\/.- :_"=%$\'') map[CLASS[ch.charCodeAt(0)]!] = n++;
  const punct = n++;
  for (let c = 33; c < 127; c++) if (map[CLASS[c]!] === 0) map[CLASS[c]!] = punct;
  map[NON_ASCII] = n++;
  map[SPECIAL] = SPECIAL;
  for (let c = 0; c < 65_536; c++) COARSE[c] = map[CLASS[c]!]!;
  return n;
})();

export class Automaton {
  /** Transition table in 16 bits while the automaton is small enough (nearly always), else 32. */
  readonly delta16?: Uint16Array;
  readonly delta32?: Uint32Array;
  readonly out: (Int32Array | null)[];
  /** 1 where a state has outputs: a byte test per character instead of loading an object. */
  readonly hasOut: Uint8Array;
  readonly states: number;
  private readonly classes: Uint8Array;
  private readonly width: number;

  /** `coarse`: the smaller alphabet, for automata that only pick literals to verify (not the prefilter's). */
  constructor(literals: { literal: string; rule: number }[], coarse = false) {
    const CLASS = coarse ? COARSE : FINE;
    const ALPHABET = coarse ? COARSE_ALPHABET : FINE_ALPHABET;
    const NON_ASCII = CLASS[0x80]!;
    this.classes = CLASS;
    this.width = ALPHABET;
    // Trie.
    const children: Map<number, number>[] = [new Map()];
    const own: number[][] = [[]];
    for (const { literal, rule } of literals) {
      let s = 0;
      // The tail: paths differ most at the file name, and "c:\\windows\\..." prefixes match almost everything.
      const lit = literal.length > MAX_LITERAL ? literal.slice(-MAX_LITERAL) : literal;
      for (let k = 0; k < lit.length; k++) {
        const cls = CLASS[lit.charCodeAt(k)]!;
        const c = cls === SPECIAL ? NON_ASCII : cls;
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
    this.states = n;
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

  /** True as soon as `accept` says yes to an id found in the text (ids are candidates, `accept` verifies). */
  some(text: string, accept: (id: number) => boolean): boolean {
    let found = false;
    this.scan(text, (id) => {
      if (!found && accept(id)) found = true;
    });
    return found;
  }

  /** Reports the ids of the literals found in `text` (any case), once per occurrence. */
  scan(text: string, hit: (rule: number, end: number, text: string) => void): void {
    const has = this.hasOut;
    const d16 = this.delta16;
    const d32 = this.delta32;
    const classes = this.classes;
    const width = this.width;
    const n = text.length;
    let s = 0;
    for (let i = 0; i < n; i++) {
      const c = classes[text.charCodeAt(i)]!;
      if (c === SPECIAL) {
        this.scan(text.toLowerCase(), hit);
        return;
      }
      s = d16 ? d16[s * width + c]! : d32![s * width + c]!;
      if (has[s] === 1) {
        const o = this.out[s]!;
        for (let k = 0; k < o.length; k++) hit(o[k]!, i, text);
      }
    }
  }
}

export interface PrefilterRule {
  need: Need | null;
}

/** Values longer than this are scanned every time (rarely repeated, costly to keep). */
const CACHE_MAX_LENGTH = 256;
const CACHE_MIN_LENGTH = 6;
/** Characters of remembered values per field, before that field's memory starts over. */
const CACHE_CHARS = 65_536;
/** The same for the keyword pass, which keeps one memory per key of the event (of at most KEYWORD_KEYS keys). */
const KEYWORD_CACHE_CHARS = 16_384;
const KEYWORD_KEYS = 64;
/** Lookups between checks of how often a field's values repeat. */
const CACHE_WINDOW = 4_096;
/** Lookups a field goes without memory once its values proved not to repeat (random ids, hashes). */
const CACHE_PAUSE = 65_536;
const NO_HITS = new Int32Array(0);

interface FieldScan {
  field: string;
  automaton: Automaton;
  /** Clauses found in a value, by value: field values repeat (images, parents, companies, users). */
  memo: Map<string | number, Int32Array>;
  memoChars: number;
  memoBudget: number;
  lookups: number;
  found: number;
  paused: number;
}

function fieldScan(field: string, automaton: Automaton, memoBudget: number): FieldScan {
  return { field, automaton, memo: new Map(), memoChars: 0, memoBudget, lookups: 0, found: 0, paused: 0 };
}

/** Candidate selection for one group of rules (one log-source bucket). */
export class Prefilter {
  /** Rules without usable literals: always candidates. */
  readonly always: number[] = [];
  private readonly fields: FieldScan[] = [];
  private readonly any: FieldScan | undefined;
  /** Keyword pass, per key of the event: its own memory, or SKIP for fields whose pass holds the keyword literals. */
  private readonly anyByKey = new Map<string, FieldScan>();
  // Per literal entry (the automata's output ids): its clause, anchor bits and full length.
  private readonly entClause: Int32Array;
  private readonly entAnchor: Uint8Array;
  private readonly entLen: Int32Array;
  // Per clause: its rule, the event it last held for, and the value it was last found in.
  private readonly clauseRule: Int32Array;
  private readonly clauseStamp: Uint32Array;
  private readonly clauseScan: Uint32Array;
  // Per rule: clauses to hold, clauses held so far in the current event, and that event.
  private readonly ruleNeed: Uint8Array;
  private readonly ruleCount: Uint8Array;
  private readonly ruleStamp: Uint32Array;
  private seq = 0;
  private scanSeq = 0;
  /** Clauses found in the value being scanned (each at most once, so never more than there are clauses). */
  private readonly hitsBuf: Int32Array;
  private readonly res: number[] = [];
  private busy = false;

  constructor(rules: PrefilterRule[]) {
    const byField = new Map<string, { literal: string; rule: number }[]>();
    const clauseRule: number[] = [];
    const entClause: number[] = [];
    const entAnchor: number[] = [];
    const entLen: number[] = [];
    this.ruleNeed = new Uint8Array(rules.length);
    rules.forEach((r, i) => {
      if (!r.need || r.need.length === 0 || r.need.length > 255) {
        this.always.push(i);
        return;
      }
      this.ruleNeed[i] = r.need.length;
      for (const clause of r.need) {
        const c = clauseRule.length;
        clauseRule.push(i);
        for (const { field, literal, anchor } of clause) {
          const key = field ?? ANY_FIELD;
          let list = byField.get(key);
          if (!list) {
            list = [];
            byField.set(key, list);
          }
          list.push({ literal, rule: entClause.length });
          entClause.push(c);
          entAnchor.push(anchor);
          entLen.push(literal.length);
        }
      }
    });
    const anyLiterals = byField.get(ANY_FIELD);
    for (const [field, literals] of byField) {
      if (field === ANY_FIELD) continue;
      // Keyword literals ride along in every field's pass, so values read by field need no second pass.
      this.fields.push(
        fieldScan(field, new Automaton(anyLiterals ? [...literals, ...anyLiterals] : literals), CACHE_CHARS),
      );
      if (anyLiterals) this.anyByKey.set(field, SKIP);
    }
    this.any = anyLiterals ? fieldScan(ANY_FIELD, new Automaton(anyLiterals), KEYWORD_CACHE_CHARS) : undefined;
    this.entClause = Int32Array.from(entClause);
    this.entAnchor = Uint8Array.from(entAnchor);
    this.entLen = Int32Array.from(entLen);
    this.clauseRule = Int32Array.from(clauseRule);
    this.clauseStamp = new Uint32Array(clauseRule.length);
    this.clauseScan = new Uint32Array(clauseRule.length);
    this.hitsBuf = new Int32Array(clauseRule.length);
    this.ruleCount = new Uint8Array(rules.length);
    this.ruleStamp = new Uint32Array(rules.length);
  }

  /** Indices of the rules worth running on `event`, in rule order. */
  candidates(event: SigmaEvent): number[] {
    if (++this.seq === 0xffffffff) {
      this.clauseStamp.fill(0);
      this.ruleStamp.fill(0);
      this.seq = 1;
    }
    // A listener that feeds events back in while the last list is still read gets a list of its own.
    const res = this.busy ? [] : this.res;
    res.length = 0;
    const fields = this.fields;
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i]!;
      this.value(f, event.get(f.field), res);
    }
    if (this.any) this.keywords(this.any, event, res);
    for (let i = 0; i < this.always.length; i++) res.push(this.always[i]!);
    // Rule order (insertion sort: the list is short).
    for (let i = 1; i < res.length; i++) {
      const x = res[i]!;
      let j = i - 1;
      while (j >= 0 && res[j]! > x) {
        res[j + 1] = res[j]!;
        j--;
      }
      res[j + 1] = x;
    }
    return res;
  }

  /** The fields this prefilter reads from every event, and whether it also reads every other value (keywords). */
  reads(): { fields: string[]; everyValue: boolean } {
    return { fields: this.fields.map((f) => f.field), everyValue: this.any !== undefined };
  }

  /** Held while the engine reads the last candidate list. */
  lock(on: boolean): void {
    this.busy = on;
  }

  /** The keyword pass: every value of the event, as MatchContext.keywordValues reads them. */
  private keywords(any: FieldScan, event: SigmaEvent, res: number[]): void {
    const record = event.valueRecord?.();
    if (!record) {
      const vs = event.values();
      for (let i = 0; i < vs.length; i++) {
        const v = vs[i];
        if (typeof v === 'string' || typeof v === 'number') this.memoText(any, v, res);
        else this.text(any, typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v), res);
      }
      return;
    }
    // Leaves of the record are the event's values; a plain value under a field name was just scanned by field.
    for (const k of Object.keys(record)) {
      const v = record[k];
      if (v === undefined || v === null) continue;
      if (typeof v === 'object') {
        this.leaf(any, v, res);
        continue;
      }
      let f = this.anyByKey.get(k);
      if (f === undefined) {
        // One memory per key: the repeating values (users, versions) stay remembered when others (ids) do not.
        if (this.anyByKey.size >= KEYWORD_KEYS) f = any;
        else {
          f = fieldScan(k, any.automaton, KEYWORD_CACHE_CHARS);
          this.anyByKey.set(k, f);
        }
      }
      if (f === SKIP) continue;
      if (typeof v === 'string' || typeof v === 'number') this.memoText(f, v, res);
      else this.text(f, String(v), res);
    }
  }

  /** Scans a field value the way the matchers read it (toStrings): lists item by item, objects as JSON. */
  private value(f: FieldScan, v: unknown, res: number[]): void {
    if (v === undefined || v === null) return;
    if (typeof v === 'string' || typeof v === 'number') this.memoText(f, v, res);
    else if (Array.isArray(v)) for (let i = 0; i < v.length; i++) this.value(f, v[i], res);
    else this.text(f, typeof v === 'object' ? JSON.stringify(v) : String(v), res);
  }

  /** Scans the leaf values under `v` (as `leaves` collects them for keyword searches). */
  private leaf(f: FieldScan, v: unknown, res: number[]): void {
    if (v === undefined || v === null) return;
    if (typeof v === 'string' || typeof v === 'number') this.memoText(f, v, res);
    else if (Array.isArray(v)) for (let i = 0; i < v.length; i++) this.leaf(f, v[i], res);
    else if (typeof v === 'object') for (const x of Object.values(v)) this.leaf(f, x, res);
    else this.text(f, String(v), res);
  }

  /** Scans a value (a number as String() writes it), remembering what it held while the field's values repeat. */
  private memoText(f: FieldScan, key: string | number, res: number[]): void {
    if (f.paused > 0) {
      f.paused--;
      this.text(f, typeof key === 'string' ? key : String(key), res);
      return;
    }
    // Very short values scan faster than they hash; long ones rarely repeat.
    if (typeof key === 'string' && (key.length > CACHE_MAX_LENGTH || key.length <= CACHE_MIN_LENGTH)) {
      this.text(f, key, res);
      return;
    }
    if (++f.lookups === CACHE_WINDOW) {
      // Values that do not repeat (random ids, hashes) only cost memory: stop remembering them for a while.
      if (f.found * 4 < f.lookups) {
        f.paused = CACHE_PAUSE;
        f.memo.clear();
        f.memoChars = 0;
      }
      f.lookups = 0;
      f.found = 0;
    }
    const known = f.memo.get(key);
    if (known !== undefined) {
      f.found++;
      if (known.length > 0) this.apply(known, known.length, res);
      return;
    }
    const text = typeof key === 'string' ? key : String(key);
    const n = this.scanText(f.automaton, text);
    if (f.memoChars + text.length > f.memoBudget) {
      f.memo.clear();
      f.memoChars = 0;
    }
    f.memo.set(key, n === 0 ? NO_HITS : this.hitsBuf.slice(0, n));
    f.memoChars += text.length;
    if (n > 0) this.apply(this.hitsBuf, n, res);
  }

  private text(f: FieldScan, text: string, res: number[]): void {
    const n = this.scanText(f.automaton, text);
    if (n > 0) this.apply(this.hitsBuf, n, res);
  }

  /** Counts found clauses towards their rules. */
  private apply(hits: Int32Array, n: number, res: number[]): void {
    const seq = this.seq;
    for (let k = 0; k < n; k++) {
      const c = hits[k]!;
      if (this.clauseStamp[c] === seq) continue;
      this.clauseStamp[c] = seq;
      const r = this.clauseRule[c]!;
      let held: number;
      if (this.ruleStamp[r] !== seq) {
        this.ruleStamp[r] = seq;
        held = 1;
      } else held = this.ruleCount[r]! + 1;
      this.ruleCount[r] = held;
      if (held === this.ruleNeed[r]) res.push(r);
    }
  }

  /** Clauses with a literal present in `text` (in place for anchored ones), each once, into hitsBuf; their count. */
  private scanText(a: Automaton, text: string): number {
    if (++this.scanSeq === 0xffffffff) {
      this.clauseScan.fill(0);
      this.scanSeq = 1;
    }
    const has = a.hasOut;
    const d16 = a.delta16;
    const width = ALPHABET;
    const classes = CLASS;
    const n = text.length;
    let s = 0;
    let found = 0;
    if (d16 !== undefined) {
      for (let i = 0; i < n; i++) {
        const c = classes[text.charCodeAt(i)]!;
        if (c === SPECIAL) return this.rescan(a, text);
        s = d16[s * width + c]!;
        if (has[s] === 1) found = this.found(a.out[s]!, i, n, found);
      }
      return found;
    }
    const d32 = a.delta32!;
    for (let i = 0; i < n; i++) {
      const c = classes[text.charCodeAt(i)]!;
      if (c === SPECIAL) return this.rescan(a, text);
      s = d32[s * width + c]!;
      if (has[s] === 1) found = this.found(a.out[s]!, i, n, found);
    }
    return found;
  }

  /** A character lower-cases to more than one: scan the value lower-cased, exactly as the matchers read it. */
  private rescan(a: Automaton, text: string): number {
    return this.scanText(a, text.toLowerCase());
  }

  private found(o: Int32Array, end: number, n: number, found: number): number {
    const stamp = this.scanSeq;
    const hits = this.hitsBuf;
    for (let k = 0; k < o.length; k++) {
      const e = o[k]!;
      const anchor = this.entAnchor[e]!;
      if (anchor !== 0) {
        // A cut literal still ends where the full one would, and starts at 0 only if it is as long as the prefix.
        if ((anchor & 1) !== 0 && end + 1 !== this.entLen[e]) continue;
        if ((anchor & 2) !== 0 && end !== n - 1) continue;
      }
      const c = this.entClause[e]!;
      if (this.clauseScan[c] === stamp) continue;
      this.clauseScan[c] = stamp;
      hits[found++] = c;
    }
    return found;
  }
}

/** Marks keys whose values the field passes already scanned with the keyword literals. */
const SKIP: FieldScan = fieldScan('', new Automaton([]), 0);
