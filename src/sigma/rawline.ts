// The raw-line prefilter: decides from an NDJSON line's text, before JSON.parse, that no rule can match it. Most
// lines of a log match no rule, and parsing them is most of the engine's cost.
//
// Soundness rests on two proofs, and a line that fails either is parsed as before:
// 1. Routing: `evtxLineShape` proves that the line parses to an evtx_dump record (Event.System an object) and reads
//    System.Channel and System.EventID as routeWindows will, so the line's bucket of rules is known. Duplicate keys
//    that JSON.parse would resolve differently, escaped keys, arrays, objects outside the few the System part holds,
//    numbers that String() would write differently (fractions, exponents, 16+ digits) all stop the proof.
// 2. Literals: every value a rule reads (EventData fields, System scalars, keyword values) is then one of the
//    line's scalar values with its JSON escapes decoded, under a key the field reads (`readersOf`). The bucket's
//    prefilter scans those values in place (Prefilter.rawCandidates), as it scans a parsed event's values, and the
//    line is parsed only for its candidates. Buckets holding a rule that reads one of System's objects (compared as
//    JSON text) or a dotted path are never scanned raw.
import { EvtxEvent, SECURITY_4688_FIELDS } from './events/windows.js';
import type { CompiledDetectionRule, EventLogSource, SigmaEvent } from './types.js';

// Kinds of the containers and keys the shape proof follows.
const K_OTHER = 0;
const K_TOP = 1;
const K_EVENT = 2;
const K_SYSTEM = 3;
const K_EVENTDATA = 4;
const K_TIMECREATED = 5;
const K_TIMEATTR = 6;
const K_CHANNEL = 7;
const K_EVENTID = 8;
const K_SYSTEMTIME = 9;
// System's objects read through their #attributes (EvtxEvent.get's Provider_Name, Security_UserID, ...).
const K_PROVIDER = 10;
const K_SECURITY = 11;
const K_EXECUTION = 12;
const K_CORRELATION = 13;
const K_ATTR = 14; // + the object's kind - K_PROVIDER
/** Event's own #attributes (xmlns): EvtxEvent reads nothing there. */
const K_EVENTATTR = 18;
const MAX_DEPTH = 6;
/** Scalar values a line may hold and still be proven (an event of more is parsed). */
const MAX_VALUES = 512;

/** Where a scalar value sits: the containers EvtxEvent.get reads. */
export const IN_OTHER = 0;
export const IN_DATA = 1;
export const IN_SYSTEM = 2;
/** IN_ATTR + (K_PROVIDER..K_CORRELATION - K_PROVIDER): #attributes of Provider, Security, Execution, Correlation. */
export const IN_ATTR = 3;
/** Value types. */
export const V_STRING = 0;
export const V_ESCAPED = 1;
export const V_NUMBER = 2;
export const V_TRUE = 3;
export const V_FALSE = 4;
export const V_NULL = 5;

/** System's members that hold objects; a rule reading one compares its JSON text, which the raw scan does not see. */
const SYSTEM_OBJECTS = ['Provider', 'TimeCreated', 'Security', 'Execution', 'Correlation'];

const S_OPEN = 0;
const S_KEY = 1;
const S_COLON = 2;
const S_VALUE = 3;
const S_AFTER = 4;
const ESCAPES = new Set([...'"\\/bfnrtu'].map((ch) => ch.charCodeAt(0)));
const KINDS = new Uint8Array(MAX_DEPTH + 1);
const isDigit = (c: number) => c >= 48 && c <= 57;

/** What `evtxLineShape` found: routing inputs, the scalar values with their keys, and System's SystemTime. */
export class EvtxLineShape {
  channel: string | undefined;
  eventId: number | undefined;
  timeStart = -1;
  timeEnd = -1;
  line = '';
  /** Some EventData key holds a space (EvtxEvent reads it under its spaceless name too). */
  spaced = false;
  count = 0;
  readonly keyStart = new Int32Array(MAX_VALUES);
  readonly keyEnd = new Int32Array(MAX_VALUES);
  readonly valStart = new Int32Array(MAX_VALUES);
  readonly valEnd = new Int32Array(MAX_VALUES);
  /** V_STRING, V_ESCAPED (a string holding escapes), V_NUMBER, V_TRUE, V_FALSE, V_NULL. */
  readonly type = new Uint8Array(MAX_VALUES);
  /** IN_DATA, IN_SYSTEM, IN_ATTR + n, or IN_OTHER. */
  readonly where = new Uint8Array(MAX_VALUES);

  add(ks: number, ke: number, vs: number, ve: number, type: number, where: number): boolean {
    const k = this.count;
    if (k === MAX_VALUES) return false;
    this.keyStart[k] = ks;
    this.keyEnd[k] = ke;
    this.valStart[k] = vs;
    this.valEnd[k] = ve;
    this.type[k] = type;
    this.where[k] = where;
    this.count = k + 1;
    return true;
  }

  /** The event's time as EvtxEvent reads it (SystemTime, parsed on demand). */
  time(): number | undefined {
    return timeOf(this.line, this.timeStart, this.timeEnd);
  }

  /** The event this line holds, read in place (the shape is reused for the next line; the event keeps a copy). */
  event(logsource: EventLogSource): RawEvtxEvent {
    return new RawEvtxEvent(this, logsource);
  }
}

function timeOf(line: string, start: number, end: number): number | undefined {
  if (start < 0) return undefined;
  const t = Date.parse(line.slice(start, end));
  return Number.isNaN(t) ? undefined : t;
}

/** Names every object answers to (constructor, toString...): EvtxEvent.get returns the prototype's for them. */
const PROTOTYPE_NAMES = new Set(Object.getOwnPropertyNames(Object.prototype));

/**
 * The evtx_dump record of a proven line, read in place without JSON.parse: each field is decoded when a matcher
 * asks for it, exactly as EvtxEvent.get answers. The rare reads it does not follow (fields with spaced names, keyword
 * searches over every value, System objects, dotted paths) parse the line once and ask an EvtxEvent.
 */
export class RawEvtxEvent implements SigmaEvent {
  private readonly line: string;
  /** Per value: key start, key end, value start, value end, type << 8 | where (one copy of the shape's arrays). */
  private readonly at: Int32Array;
  private readonly timeStart: number;
  private readonly timeEnd: number;
  private timeCache: number | undefined | null = null;
  private readonly is4688: boolean;
  private readonly spacedKeys: boolean;
  private full: SigmaEvent | undefined;

  constructor(
    shape: EvtxLineShape,
    readonly logsource: EventLogSource,
  ) {
    const n = shape.count;
    this.line = shape.line;
    const at = new Int32Array(n * 5);
    for (let k = 0, o = 0; k < n; k++, o += 5) {
      at[o] = shape.keyStart[k]!;
      at[o + 1] = shape.keyEnd[k]!;
      at[o + 2] = shape.valStart[k]!;
      at[o + 3] = shape.valEnd[k]!;
      at[o + 4] = (shape.type[k]! << 8) | shape.where[k]!;
    }
    this.at = at;
    this.timeStart = shape.timeStart;
    this.timeEnd = shape.timeEnd;
    this.is4688 = shape.eventId === 4688 && shape.channel === 'Security';
    this.spacedKeys = shape.spaced;
  }

  /** Parsed on first use, as EvtxEvent does: only correlations and estimates need it. */
  get time(): number | undefined {
    if (this.timeCache === null) this.timeCache = timeOf(this.line, this.timeStart, this.timeEnd);
    return this.timeCache;
  }

  /** The last value stored under `name` in `where` (JSON.parse keeps the last of repeated keys), or -1. */
  private find(where: number, name: string): number {
    const line = this.line;
    const at = this.at;
    for (let o = at.length - 5; o >= 0; o -= 5) {
      if ((at[o + 4]! & 255) !== where) continue;
      const s = at[o]!;
      if (at[o + 1]! - s === name.length && line.startsWith(name, s)) return o;
    }
    return -1;
  }

  private value(o: number): unknown {
    if (o < 0) return undefined;
    const at = this.at;
    const s = at[o + 2]!;
    const e = at[o + 3]!;
    switch (at[o + 4]! >> 8) {
      case V_STRING:
        return this.line.slice(s, e);
      case V_ESCAPED:
        return JSON.parse(this.line.slice(s - 1, e + 1)) as string;
      case V_NUMBER:
        return Number(this.line.slice(s, e));
      case V_TRUE:
        return true;
      case V_FALSE:
        return false;
      default:
        return null;
    }
  }
  /** The same record parsed, for the reads this view does not follow. */
  private parsed(): SigmaEvent {
    this.full ??= new EvtxEvent(JSON.parse(this.line) as { Event: Record<string, unknown> }, this.logsource);
    return this.full;
  }

  get(field: string): unknown {
    const d = this.find(IN_DATA, field);
    if (d >= 0) return this.value(d);
    if (this.spacedKeys || PROTOTYPE_NAMES.has(field)) return this.parsed().get(field);
    if (this.is4688) {
      const mapped = SECURITY_4688_FIELDS[field];
      if (mapped) return this.value(this.find(IN_DATA, mapped));
    }
    switch (field) {
      case 'Provider_Name':
        return this.value(this.find(IN_ATTR, 'Name'));
      case 'Provider_Guid':
        return this.value(this.find(IN_ATTR, 'Guid'));
      case 'Security_UserID':
        return this.value(this.find(IN_ATTR + 1, 'UserID'));
      case 'ProcessID':
        return this.value(this.find(IN_ATTR + 2, 'ProcessID'));
      case 'ThreadID':
        return this.value(this.find(IN_ATTR + 2, 'ThreadID'));
    }
    const sys = this.find(IN_SYSTEM, field);
    if (sys >= 0) return this.value(sys);
    if (field.includes('.') || SYSTEM_OBJECTS.includes(field)) return this.parsed().get(field);
    return undefined;
  }

  values(): unknown[] {
    return this.parsed().values();
  }
}

function whereOf(container: number): number {
  if (container === K_EVENTDATA) return IN_DATA;
  if (container === K_SYSTEM) return IN_SYSTEM;
  if (container >= K_ATTR && container < K_EVENTATTR) return IN_ATTR + container - K_ATTR;
  return IN_OTHER;
}

/**
 * True when `line` provably parses to an object whose wrapJson view is an EvtxEvent with a plain System part and
 * scalar EventData; fills `out`. False means "not proven", never "not an evtx record".
 */
export function evtxLineShape(line: string, out: EvtxLineShape): boolean {
  const n = line.length;
  const kinds = KINDS;
  let depth = 0;
  // The grammar position: after '{' (a key or '}'), after ',' (a key), after a key (':'), after ':' (a value),
  // after a value (',' or '}'). Strict, so a line the raw path reads is a line JSON.parse reads.
  let state = S_VALUE;
  let key = K_OTHER;
  let keyS = 0;
  let keyE = 0;
  // Keys whose repetition JSON.parse would resolve to a different event than the one proven: one bit each.
  let seen = 0;
  let eventOpen = false;
  let systemOpen = false;
  // The next backslash at or after the current string's start (strings are searched natively, not char by char).
  let nextBackslash = line.indexOf('\\');
  if (nextBackslash < 0) nextBackslash = n;
  out.channel = undefined;
  out.eventId = undefined;
  out.timeStart = -1;
  out.timeEnd = -1;
  out.line = line;
  out.count = 0;
  out.spaced = false;
  let nextSpace = -1;
  let i = 0;
  while (i < n) {
    const c = line.charCodeAt(i);
    if (c === 34) {
      if (state !== S_OPEN && state !== S_KEY && state !== S_VALUE) return false;
      let j = line.indexOf('"', i + 1);
      let esc = false;
      if (nextBackslash < i) {
        nextBackslash = line.indexOf('\\', i);
        if (nextBackslash < 0) nextBackslash = n;
      }
      if (j < 0) return false;
      if (nextBackslash < j) {
        // Escapes inside: walk them, so an escaped quote does not end the string.
        esc = true;
        j = nextBackslash;
        for (;;) {
          const d = line.charCodeAt(j);
          if (d === 92) {
            // JSON's escapes only: JSON.parse refuses "\x".
            if (!ESCAPES.has(line.charCodeAt(j + 1))) return false;
            j += 2;
          } else if (d === 34) break;
          else if (j >= n) return false;
          else j++;
        }
        nextBackslash = line.indexOf('\\', j);
        if (nextBackslash < 0) nextBackslash = n;
      }
      if (state !== S_VALUE) {
        // A key: escapes could spell a tracked name, so they end the proof.
        if (esc) return false;
        key = classifyKey(kinds[depth]!, line, i + 1, j);
        keyS = i + 1;
        keyE = j;
        if (kinds[depth] === K_EVENTDATA && nextSpace < j) {
          if (nextSpace < keyS) nextSpace = line.indexOf(' ', keyS);
          if (nextSpace < 0) nextSpace = n;
          if (nextSpace < j) out.spaced = true;
        }
        if (key !== K_OTHER) {
          const bit = 1 << key;
          if ((seen & bit) !== 0) return false;
          seen |= bit;
        }
        state = S_COLON;
      } else {
        if (key === K_CHANNEL) {
          if (esc) return false;
          out.channel = line.slice(i + 1, j);
        } else if (key === K_EVENTID) {
          // Number("12") is 12; other strings (" 1", "0x1", "") route by other ids: not proven.
          if (j === i + 1 || j - i - 1 > 15) return false;
          for (let k = i + 1; k < j; k++) if (!isDigit(line.charCodeAt(k))) return false;
          out.eventId = Number(line.slice(i + 1, j));
        } else if (key === K_SYSTEMTIME) {
          if (esc) return false;
          out.timeStart = i + 1;
          out.timeEnd = j;
        } else if (key !== K_OTHER && key < K_TIMECREATED) return false;
        if (!out.add(keyS, keyE, i + 1, j, esc ? V_ESCAPED : V_STRING, whereOf(kinds[depth]!))) return false;
        key = K_OTHER;
        state = S_AFTER;
      }
      i = j + 1;
      continue;
    }
    if (c === 32 || c === 9 || c === 10 || c === 13) {
      i++;
      continue;
    }
    if (c === 44) {
      if (state !== S_AFTER) return false;
      state = S_KEY;
      i++;
      continue;
    }
    if (c === 58) {
      if (state !== S_COLON) return false;
      state = S_VALUE;
      i++;
      continue;
    }
    if (state !== S_VALUE && !(c === 125 && (state === S_OPEN || state === S_AFTER))) return false;
    if (c === 123) {
      let kind: number;
      if (depth === 0) kind = K_TOP;
      else if (key === K_EVENT || key === K_SYSTEM || key === K_EVENTDATA || key === K_TIMECREATED) kind = key;
      else if (key === K_TIMEATTR || key === K_EVENTATTR || key >= K_PROVIDER) kind = key;
      // Any other object is a value some rule may read as JSON text.
      else return false;
      if (kind === K_EVENT) eventOpen = true;
      else if (kind === K_SYSTEM) systemOpen = true;
      if (++depth > MAX_DEPTH) return false;
      kinds[depth] = kind;
      state = S_OPEN;
      key = K_OTHER;
      i++;
      continue;
    }
    if (c === 125) {
      if (depth === 0) return false;
      depth--;
      key = K_OTHER;
      state = S_AFTER;
      i++;
      // Anything after the top-level object makes the line invalid JSON: not worth proving.
      if (depth === 0) {
        while (i < n) {
          const t = line.charCodeAt(i++);
          if (t !== 32 && t !== 9 && t !== 10 && t !== 13) return false;
        }
        return eventOpen && systemOpen;
      }
      continue;
    }
    if (isDigit(c) || c === 45) {
      let j = i + 1;
      while (j < n && isDigit(line.charCodeAt(j))) j++;
      const next = j < n ? line.charCodeAt(j) : 0;
      // String(1e3) is "1000" and String(1.50) is "1.5": only integers print as written.
      if (next === 46 || next === 101 || next === 69 || j - i > 15 || (c === 45 && j === i + 1)) return false;
      if (key === K_EVENTID) {
        if (c === 45) return false;
        out.eventId = Number(line.slice(i, j));
      } else if (key !== K_OTHER && key < K_TIMECREATED) return false;
      if (!out.add(keyS, keyE, i, j, V_NUMBER, whereOf(kinds[depth]!))) return false;
      key = K_OTHER;
      state = S_AFTER;
      i = j;
      continue;
    }
    if (c === 116 || c === 102 || c === 110) {
      // true, false, null: as routing or container values they change the event (Number(null) is 0). A null
      // EventData is read as {}.
      if (key === K_EVENTID || key === K_CHANNEL) return false;
      if (key !== K_OTHER && key < K_TIMECREATED && !(key === K_EVENTDATA && c === 110)) return false;
      const type = c === 116 ? V_TRUE : c === 102 ? V_FALSE : V_NULL;
      if (!line.startsWith(type === V_TRUE ? 'true' : type === V_FALSE ? 'false' : 'null', i)) return false;
      const j = i + (c === 102 ? 5 : 4);
      if (!out.add(keyS, keyE, i, j, type, whereOf(kinds[depth]!))) return false;
      key = K_OTHER;
      state = S_AFTER;
      i = j;
      continue;
    }
    // Arrays, and anything that is not JSON.
    return false;
  }
  return false;
}

function is(line: string, start: number, end: number, name: string): boolean {
  return end - start === name.length && line.startsWith(name, start);
}

function classifyKey(parent: number, line: string, s: number, e: number): number {
  switch (parent) {
    case K_TOP:
      return is(line, s, e, 'Event') ? K_EVENT : K_OTHER;
    case K_EVENT:
      if (is(line, s, e, 'System')) return K_SYSTEM;
      if (is(line, s, e, '#attributes')) return K_EVENTATTR;
      // UserData and classic Data objects are merged into the fields: not followed (their objects stop the proof).
      return is(line, s, e, 'EventData') ? K_EVENTDATA : K_OTHER;
    case K_SYSTEM:
      if (is(line, s, e, 'Channel')) return K_CHANNEL;
      if (is(line, s, e, 'EventID')) return K_EVENTID;
      if (is(line, s, e, 'TimeCreated')) return K_TIMECREATED;
      if (is(line, s, e, 'Provider')) return K_PROVIDER;
      if (is(line, s, e, 'Security')) return K_SECURITY;
      if (is(line, s, e, 'Execution')) return K_EXECUTION;
      if (is(line, s, e, 'Correlation')) return K_CORRELATION;
      return K_OTHER;
    case K_PROVIDER:
    case K_SECURITY:
    case K_EXECUTION:
    case K_CORRELATION:
      return is(line, s, e, '#attributes') ? K_ATTR + parent - K_PROVIDER : K_OTHER;
    case K_TIMECREATED:
      return is(line, s, e, '#attributes') ? K_TIMEATTR : K_OTHER;
    case K_TIMEATTR:
      return is(line, s, e, 'SystemTime') ? K_SYSTEMTIME : K_OTHER;
    default:
      return K_OTHER;
  }
}

/** Whether the raw scan can stand in for a rule: it reads no value the scan cannot see (System objects, paths). */
export function rawSafe(r: CompiledDetectionRule): boolean {
  for (const f of r.fields) if (f.includes('.') || SYSTEM_OBJECTS.includes(f)) return false;
  return true;
}

/** Names a value stored under `key` can be read by: the key, without its spaces, and the views' other names. */
export function readersOf(key: string): string[] {
  const out = [key];
  if (key.includes(' ')) out.push(key.replace(/ +/g, ''));
  const other = ALIASES.get(key);
  if (other) out.push(...other);
  return out;
}

/** Raw keys that EvtxEvent.get reads under another name (Security 4688 names, System attributes). */
const ALIASES = new Map<string, string[]>([
  ...Object.entries(SECURITY_4688_FIELDS).map(([sigma, raw]) => [raw, [sigma]] as [string, string[]]),
  ['Name', ['Provider_Name']],
  ['Guid', ['Provider_Guid']],
  ['UserID', ['Security_UserID']],
]);
