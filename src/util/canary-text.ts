// A long canary's text and how much of it a copy holds: one pattern and one measure for every place a canary is read
// back (the host's own log, the collector, the SIEM), so "cut at 8,192 of 20,000 characters" means the same
// everywhere. The text is `<marker> <label> of <N> chars `, then filler in 16-character blocks each ending with
// `:` and the 7-digit count of characters up to there, then ` <marker>-END`. A cut copy therefore shows its own
// length (the last `:0008176` it holds), and a copy found anywhere is measured against the text regenerated from
// its header, whatever trails it (a JSON line, an XML element). Only `[A-Za-z0-9 .:_-]`: nothing to escape in
// JSON, XML, syslog or PowerShell, nothing a tokenizer splits the marker on.

const BLOCK = 16;
const DIGITS = 7;

/** The canary's text: exactly `chars` characters (at least the header and the end token), ending with the token. */
export function lengthMarkedCanary(marker: string, chars: number, label: string): string {
  const head = `${marker} ${label} of ${chars} chars `;
  const tail = ` ${marker}-END`;
  let text = head;
  const fillTo = chars - tail.length;
  while (text.length < fillTo) {
    const end = Math.min(fillTo, text.length + BLOCK);
    const mark = `:${String(end).padStart(DIGITS, '0')}`;
    const room = end - text.length;
    // A block ends with its mark when the mark fits; the last, shorter block is dots only.
    text += room >= BLOCK ? '.'.repeat(room - mark.length) + mark : '.'.repeat(room);
  }
  return text + tail;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** What a copy holds of a length-marked canary: characters from its marker on that match the text, of how many. */
export interface CanaryLength {
  chars: number;
  of: number;
  whole: boolean;
}

/**
 * Measures a copy (any text holding the marker) against the canary its header announces; undefined when the copy
 * holds no length-marked canary for this marker (a short canary, a plain filler, only the end token).
 */
export function measureCanary(copy: string, marker: string): CanaryLength | undefined {
  const re = new RegExp(`${escapeRe(marker)} ([a-z][a-z ]*?) of (\\d{1,7}) chars `, 'g');
  let best: CanaryLength | undefined;
  for (const m of copy.matchAll(re)) {
    const of = Number(m[2]);
    const expected = lengthMarkedCanary(marker, of, m[1]!);
    const from = copy.slice(m.index, m.index + of);
    let n = 0;
    while (n < from.length && from.charCodeAt(n) === expected.charCodeAt(n)) n++;
    // Several copies (a rendered message and its insertion string): the most complete one counts.
    if (!best || n > best.chars) best = { chars: n, of, whole: n === of };
  }
  return best;
}

/** One place along a canary's path and what it held. */
export interface CanaryStop {
  place: string;
  /** The place was read and held the marker. */
  seen: boolean;
  whole?: boolean;
  chars?: number;
}

/**
 * The first place along the path (in path order) that holds the canary cut: everything after it can only hold less.
 * Undefined when every place that holds it holds it whole (or says nothing about wholeness).
 */
export function firstCut<T extends CanaryStop>(stops: T[]): T | undefined {
  return stops.find((s) => s.seen && s.whole === false);
}
