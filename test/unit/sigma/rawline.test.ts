// The raw-line prefilter may only skip a line that no rule can match, and its in-place event must answer like the
// parsed one: every SigmaHQ regression event (as one NDJSON line), and many variants of it (escaped and unicode-
// escaped strings, mixed case, repeated and reordered keys, odd numbers), must raise exactly the same rules with the
// raw path on as with every line parsed.
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SigmaEngine } from '../../../src/sigma/engine.js';
import { EvtxLineShape, evtxLineShape } from '../../../src/sigma/rawline.js';
import { loadRules } from '../../../src/sigma/loader.js';
import { SHARED_DIR } from '../../helpers/paths.js';

const SIGMA = join(SHARED_DIR, 'sigma');
const present = existsSync(join(SIGMA, 'regression_data'));

function splitDocs(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = -1;
  let inStr = false;
  let esc = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inStr) {
      if (esc) esc = false;
      else if (c === '\\') esc = true;
      else if (c === '"') inStr = false;
    } else if (c === '"') inStr = true;
    else if (c === '{') {
      if (depth++ === 0) start = i;
    } else if (c === '}' && --depth === 0) out.push(text.slice(start, i + 1));
  }
  return out;
}

function regressionLines(): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const n of readdirSync(d).sort()) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (n.endsWith('.json')) for (const doc of splitDocs(readFileSync(p, 'utf8'))) out.push(doc);
    }
  };
  walk(join(SIGMA, 'regression_data'));
  return out.map((d) => JSON.stringify(JSON.parse(d)));
}

let seed = 7;
const rnd = () => {
  seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff;
  return seed / 0x7fffffff;
};

/** JSON text of a string with some characters written as \uXXXX and some slashes as \/ (still the same value). */
function escapeOddly(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (ch === '/' && rnd() < 0.5) out += '\\/';
    else if (c < 0x20 || rnd() < 0.15)
      out += `\\u${c
        .toString(16)
        .padStart(4, rnd() < 0.5 ? '0' : '0')
        .toUpperCase()}`;
    else out += ch;
  }
  return `${out}"`;
}

/** Rewrites one string value's JSON text (escapes, case) or adds an oddity the proof must refuse or follow. */
function variant(line: string): string {
  try {
    return mutate(line);
  } catch {
    // An earlier variant made the line invalid JSON (a re-cased "null" or escape): it stays as it is.
    return line;
  }
}

function mutate(line: string): string {
  const strings = [...line.matchAll(/"((?:[^"\\]|\\.)*)"/g)];
  const r = rnd();
  if (r < 0.45 && strings.length > 0) {
    const m = strings[Math.floor(rnd() * strings.length)]!;
    const value = JSON.parse(m[0]) as string;
    const changed = rnd() < 0.3 ? (rnd() < 0.5 ? value.toUpperCase() : value.toLowerCase()) : value;
    return line.slice(0, m.index) + escapeOddly(changed) + line.slice(m.index! + m[0].length);
  }
  const obj = JSON.parse(line) as { Event?: { EventData?: Record<string, unknown> } };
  const data = obj.Event?.EventData ?? {};
  const keys = Object.keys(data);
  if (r < 0.6 && keys.length > 0) {
    // A repeated key: JSON.parse keeps the last value.
    const k = keys[Math.floor(rnd() * keys.length)]!;
    return line.replace(/"EventData":\{/, `"EventData":{${JSON.stringify(k)}:"c:\\\\windows\\\\system32\\\\cmd.exe",`);
  }
  if (r < 0.7) return line.replace(/"EventID":(\d+)/, '"EventID":"$1"');
  if (r < 0.75) return line.replace(/"EventID":(\d+)/, '"EventID":$1.0');
  if (r < 0.8 && keys.length > 0) {
    const k = keys[Math.floor(rnd() * keys.length)]!;
    return line.replace(/"EventData":\{/, `"EventData":{${JSON.stringify(`${k.slice(0, 2)} ${k.slice(2)}`)}:"x",`);
  }
  if (r < 0.85) return line.replace(/"Channel":"([^"]*)"/, (_m, c: string) => `"Channel":"${c.toUpperCase()}"`);
  if (r < 0.9) return line.replace(/\}\}$/, ',"EventData":{"Image":"C:\\\\x.exe"}}}').replace(/\}\}\}\}$/, '}}}');
  // Mixed case across the whole line: values change, keys too (then the proof must give up or still agree).
  return rnd() < 0.5 ? line.toLowerCase() : line.replace(/[a-z]/g, (c) => (rnd() < 0.2 ? c.toUpperCase() : c));
}

function outcome(engine: SigmaEngine, line: string): string {
  const ids: string[] = [];
  try {
    engine.processLine(line, (r) => ids.push(r.id));
  } catch {
    return 'not JSON';
  }
  return ids.sort().join(',');
}

describe.skipIf(!present)('raw-line prefilter', () => {
  const loaded = present ? loadRules([join(SIGMA, 'rules')]) : { rules: [] };
  const raw = new SigmaEngine(loaded.rules);
  const parsed = new SigmaEngine(loaded.rules);
  parsed.rawPrefilter = false;
  const lines = present ? regressionLines() : [];

  it('proves the shape of the regression events, so the raw path is what runs on them', () => {
    const shape = new EvtxLineShape();
    const proven = lines.filter((l) => evtxLineShape(l, shape)).length;
    expect(lines.length).toBeGreaterThan(100);
    expect(proven / lines.length).toBeGreaterThan(0.5);
  });

  it('raises the same rules as the fully parsed path on every regression event', () => {
    const differ = lines.filter((l) => outcome(raw, l) !== outcome(parsed, l));
    expect(differ).toEqual([]);
  });

  it('raises the same rules on 6,000 escaped, re-cased and repeated-key variants of them', () => {
    const differ: string[] = [];
    for (let i = 0; i < 6_000; i++) {
      let line = lines[i % lines.length]!;
      for (let k = 1 + Math.floor(rnd() * 3); k > 0; k--) line = variant(line);
      if (outcome(raw, line) !== outcome(parsed, line)) differ.push(line);
    }
    expect(differ.slice(0, 3)).toEqual([]);
  });

  it('skips a benign line unparsed and reads its time as the parsed event would', () => {
    const line = JSON.stringify({
      Event: {
        System: {
          EventID: 4624,
          Channel: 'Security',
          TimeCreated: { '#attributes': { SystemTime: '2026-06-01T10:00:00Z' } },
        },
        EventData: { TargetUserName: 'alice', LogonType: 2 },
      },
    });
    expect(raw.processLine(line, () => undefined)).toBeNull();
    expect(raw.lineTime()).toBe(Date.parse('2026-06-01T10:00:00Z'));
    expect(parsed.processLine(line, () => undefined)).not.toBeNull();
  });
});
