// The words and the lines behind a verdict, for every check: a check's own `explain_text` and `decisive` paths when
// the catalog gives them, otherwise computed from the facts its condition read and the source locations the parser
// attached to them (an `at` on the fact's object, or on an element of a list the condition walked). Nothing here is
// canned per check: what a finding says it observed is always the facts as they were.
import type { Bilingual, Lang, SourceLine } from '../model.js';
import { evaluate, getFact } from './condition.js';
import { labelFor } from './labels.js';
import type { CheckDef, Condition, Facts, ProbeDef } from './types.js';
import type { ProbeResult } from '../transport/types.js';
import { keptOutput } from '../parsers/evidence-kept.js';

/** Where a parser read a fact: a file line, or a line of a probe's output (resolved to the file or command). */
export interface Located extends SourceLine {
  /** The probe whose output held the line: its file path or its command fills `file`/`command` when unset. */
  probe?: string;
}

/** One fact the condition read at its top level, or a list it walked with `some/every/none/count`. */
interface Read {
  path: string;
  list?: { how: 'some' | 'every' | 'none' | 'count'; where?: Condition };
}

export function reads(cond: Condition, out: Read[] = []): Read[] {
  if ('all' in cond) for (const c of cond.all) reads(c, out);
  else if ('any' in cond) for (const c of cond.any) reads(c, out);
  else if ('not' in cond) reads(cond.not, out);
  else if ('fact' in cond) out.push({ path: cond.fact });
  else {
    const how = (['some', 'every', 'none', 'count'] as const).find((k) => k in cond)!;
    const c = cond as Record<string, unknown>;
    out.push({ path: c[how] as string, list: { how, where: c.where as Condition | undefined } });
  }
  const seen = new Set<string>();
  return out.filter((r) => !seen.has(r.path) && seen.add(r.path));
}

const STATE_KEYS = new Set(['state', 'value', 'setting', 'status']);
const words = (s: string) => s.replace(/[_-]+/g, ' ').trim();

/** The name of the nearest object along the path that names itself (an audit subcategory, an event log). */
function ownerName(facts: Facts, segs: string[]): { name: string; at: number } | undefined {
  for (let i = segs.length - 1; i > 0; i--) {
    const owner = getFact(facts, segs.slice(0, i).join('.')) as Record<string, unknown> | undefined;
    if (owner && typeof owner === 'object' && typeof owner.name === 'string' && owner.name !== '')
      return { name: owner.name, at: i };
  }
  return undefined;
}

/**
 * The words naming a fact: the catalog's label for the parser's fact (checks/labels, `{name}` filled with the owner's
 * name), else the owner's name and the rest of the path ("Credential Validation: ..."), else the path in words.
 */
function label(check: CheckDef, facts: Facts, path: string, lang: Lang): string {
  const segs = path.split('.');
  const owner = ownerName(facts, segs);
  const given = labelFor(check.fact_labels, path);
  if (given) return given[lang].replace('{name}', owner?.name ?? '');
  if (owner) {
    const rest = segs.slice(owner.at).filter((s) => !STATE_KEYS.has(s));
    return rest.length ? `${owner.name} ${words(rest.join(' '))}` : owner.name;
  }
  return words(segs.join(' '));
}

function valueWords(v: unknown, lang: Lang): string {
  if (v === undefined || v === null || v === '') return lang === 'en' ? 'not set' : '未設定';
  if (typeof v === 'boolean') return lang === 'en' ? (v ? 'yes' : 'no') : v ? 'はい' : 'いいえ';
  if (Array.isArray(v)) {
    if (v.length === 0) return lang === 'en' ? 'none' : 'なし';
    if (v.length > 8) return lang === 'en' ? `${v.length} entries` : `${v.length} 件`;
    return v.map((x) => valueWords(x, lang)).join(', ');
  }
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (typeof o.name === 'string') return o.name;
    const s = JSON.stringify(v);
    return s.length > 120 ? `${s.slice(0, 119)}…` : s;
  }
  return String(v);
}

function matching(facts: Facts, r: Read): { all: unknown[]; hits: unknown[] } {
  const v = getFact(facts, r.path);
  const all = Array.isArray(v) ? v : [];
  const where = r.list?.where;
  return { all, hits: where ? all.filter((el) => evaluate(where, el)) : all };
}

function readWords(check: CheckDef, facts: Facts, r: Read, lang: Lang): string {
  const name = label(check, facts, r.path, lang);
  // A parser may give a word fact in Japanese too, beside it (`state` and `state_ja`).
  const ja = lang === 'ja' ? getFact(facts, `${r.path}_ja`) : undefined;
  if (!r.list) return `${name}: ${typeof ja === 'string' ? ja : valueWords(getFact(facts, r.path), lang)}`;
  const { all, hits } = matching(facts, r);
  if (!r.list.where) return lang === 'en' ? `${name}: ${all.length} entries` : `${name}: ${all.length} 件`;
  return lang === 'en'
    ? `${name}: ${hits.length} of ${all.length} match`
    : `${name}: ${all.length} 件中 ${hits.length} 件が該当`;
}

/** Observed, from the facts: each fact the condition read, named and valued; expected, the check's desired state. */
export function genericExplanation(check: CheckDef, facts: Facts): { observed: Bilingual; expected: Bilingual } {
  const read = reads(check.condition);
  const observed = (lang: Lang) =>
    read.map((r) => readWords(check, facts, r, lang)).join(lang === 'en' ? '; ' : '、') || valueWords(undefined, lang);
  return { observed: { en: observed('en'), ja: observed('ja') }, expected: check.title };
}

function isLocated(v: unknown): v is Located {
  return typeof v === 'object' && v !== null && typeof (v as Located).text === 'string';
}

function locatedIn(v: unknown): Located[] {
  return (Array.isArray(v) ? v : [v]).filter(isLocated);
}

/** The `at` nearest to a fact: the fact itself, its object's `at` (keyed by the next segment, or whole). */
function nearestAt(facts: Facts, path: string): Located[] {
  const segs = path.split('.');
  const self = getFact(facts, path);
  if (isLocated(self)) return [self];
  if (self && typeof self === 'object' && !Array.isArray(self)) {
    const own = locatedIn((self as Record<string, unknown>).at);
    if (own.length) return own;
  }
  for (let i = segs.length - 1; i >= 0; i--) {
    const owner = i === 0 ? facts : getFact(facts, segs.slice(0, i).join('.'));
    if (!owner || typeof owner !== 'object' || Array.isArray(owner)) continue;
    const at = (owner as Record<string, unknown>).at;
    const keyed = at && typeof at === 'object' && !Array.isArray(at) && !isLocated(at);
    const map = at as Record<string, unknown>;
    const lines = locatedIn(keyed ? (map[segs.slice(i).join('.')] ?? map[segs[i]!]) : at);
    if (lines.length) return lines;
  }
  return [];
}

/**
 * The elements of a walked list that decided: the offending ones for every/none, the matching ones otherwise. A
 * `some` that none matched was decided by the candidates it looked at: those its first clause selects (`reads_body`
 * in a list of locations), else every element.
 */
function deciders(facts: Facts, r: Read): unknown[] {
  const { all, hits } = matching(facts, r);
  if (r.list!.how === 'every') return all.filter((el) => !hits.includes(el));
  if (r.list!.how !== 'some' || hits.length > 0) return hits;
  const where = r.list!.where;
  const first = where && 'all' in where ? where.all[0] : undefined;
  const candidates = first ? all.filter((el) => evaluate(first, el)) : [];
  return candidates.length > 0 ? candidates : all;
}

/** Fills file or command from the probe the line came from. */
function resolve(l: Located, probes?: ReadonlyMap<string, ProbeDef>): SourceLine {
  const def = l.probe ? probes?.get(l.probe) : undefined;
  let file = l.file;
  let command = l.command;
  if (!file && !command && l.probe) {
    if (def?.kind === 'file' || def?.kind === 'glob') file = def.path;
    else if (def?.kind === 'command') command = def.command;
    else if (def?.kind === 'query') command = def.query;
    else if (def?.kind === 'http') command = `${def.method ?? 'GET'} ${def.path}`;
    else command = def?.live ? `live probe ${def.id} (${def.live})` : `probe ${l.probe}`;
  }
  return {
    ...(file ? { file } : {}),
    ...(l.line && file ? { line: l.line } : {}),
    ...(command ? { command } : {}),
    text: l.text.length > 300 ? `${l.text.slice(0, 299)}…` : l.text,
  };
}

const MAX_LINES = 12;

/** The lines at the fact paths a check names in `decisive` (a line or a list of lines each). */
export function explicitDecisive(paths: string[], facts: Facts, probes?: ReadonlyMap<string, ProbeDef>): SourceLine[] {
  return dedupe(paths.flatMap((p) => locatedIn(getFact(facts, p)).map((l) => resolve(l, probes))));
}

/**
 * The decisive lines from the facts: the located facts the condition read. When the parser located none, the lines
 * of the probes' outputs that show a value the condition read (strings and numbers only), with their line number
 * for files; an absent setting has no line, and then the source that was read is named with what it lacked.
 */
export function genericDecisive(
  check: CheckDef,
  facts: Facts,
  outputs: Record<string, ProbeResult>,
  probes?: ReadonlyMap<string, ProbeDef>,
): SourceLine[] {
  const found: Located[] = [];
  for (const r of reads(check.condition)) {
    if (r.list) {
      const els = deciders(facts, r).flatMap((el) => locatedIn((el as Record<string, unknown> | null)?.at ?? el));
      found.push(...(els.length ? els : nearestAt(facts, r.path)));
    } else found.push(...nearestAt(facts, r.path));
  }
  const lines = dedupe(found.map((l) => resolve(l, probes)));
  if (lines.length) return lines.slice(0, MAX_LINES);
  const stated = fromOutputs(check, facts, outputs, probes);
  return stated.length ? stated : absent(check, outputs, probes);
}

/**
 * What was asked when no line states the fact (a rule, a file or a setting that is not there): each probe the
 * check read, with how much it held. The absence is the evidence; the full output stays in the evidence store.
 */
export function absent(
  check: CheckDef,
  outputs: Record<string, ProbeResult>,
  probes?: ReadonlyMap<string, ProbeDef>,
): SourceLine[] {
  return check.probes.flatMap((probe) => {
    const r = outputs[probe];
    if (!r || r.error?.kind === 'unsupported') return [];
    const rows = r.stdout.split(/\r?\n/).filter((x) => x.trim()).length;
    const glob = probes?.get(probe)?.kind === 'glob';
    const text = r.error
      ? `(${r.error.kind}: ${r.error.message})`
      : r.data !== undefined
        ? '(structured answer: see the evidence)'
        : rows === 0
          ? r.exitCode === 127
            ? '(command not found: exit 127, empty output)'
            : glob && !r.exitCode
              ? '(no file matches)'
              : `(empty output${r.exitCode ? `, exit ${r.exitCode}` : ''})`
          : `(no line states it among ${rows} line(s) read)`;
    return [resolve({ probe, text }, probes)];
  });
}

function dedupe(lines: SourceLine[]): SourceLine[] {
  const seen = new Set<string>();
  return lines.filter((l) => {
    const k = `${l.file}\u0000${l.line}\u0000${l.command}\u0000${l.text}`;
    return !seen.has(k) && seen.add(k);
  });
}

const squash = (s: string) => s.toLowerCase().replace(/[\s_\-.]+/g, '');
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A probe output's lines with the file and line each came from (`==> path <==` sections of a glob probe). */
function numbered(text: string, probe: string, def?: ProbeDef): Located[] {
  const out: Located[] = [];
  let file: string | undefined = def?.kind === 'file' ? def.path : undefined;
  let line = 0;
  for (const row of text.split(/\r?\n/)) {
    const header = def?.kind === 'glob' ? /^==> (.+) <==$/.exec(row) : null;
    if (header) {
      file = header[1];
      line = 0;
      continue;
    }
    line++;
    if (row.trim()) out.push(file ? { file, line, text: row.trim() } : { probe, text: row.trim() });
  }
  return out;
}

/** Members of a JSON answer (an API's, or PowerShell's ConvertTo-Json) whose key and value state a fact read. */
function jsonLines(
  text: string,
  probe: string,
  wanted: { key: string; value: RegExp | undefined }[],
): Located[] | undefined {
  const t = text.trim();
  if (!/^[[{]/.test(t)) return undefined;
  let doc: unknown;
  try {
    doc = JSON.parse(t);
  } catch {
    return undefined;
  }
  const out: Located[] = [];
  const walk = (v: unknown, path: string, depth: number) => {
    if (out.length >= MAX_LINES || depth > 12) return;
    if (Array.isArray(v)) for (const [i, x] of v.entries()) walk(x, `${path}[${i}]`, depth + 1);
    else if (v && typeof v === 'object')
      for (const [k, x] of Object.entries(v)) {
        const here = path ? `${path}.${k}` : k;
        if (x === null || typeof x !== 'object') {
          const shown = `${here}: ${JSON.stringify(x)}`;
          if (wanted.some((w) => squash(k).includes(w.key) && (w.value ? w.value.test(String(x)) : w.key.length >= 8)))
            out.push({ probe, text: shown });
        } else walk(x, here, depth + 1);
      }
  };
  walk(doc, '', 0);
  return out;
}

/**
 * Lines of the outputs that state a fact the condition read: the fact's key and its value on one line
 * (`max_log_file_action = ROTATE`, `loglevel INFO`, `ProcessCreationIncludeCmdLine_Enabled REG_DWORD 0x1`).
 */
function fromOutputs(
  check: CheckDef,
  facts: Facts,
  outputs: Record<string, ProbeResult>,
  probes?: ReadonlyMap<string, ProbeDef>,
): SourceLine[] {
  const wanted = reads(check.condition)
    .filter((r) => !r.list)
    .map((r) => ({ key: squash(r.path.split('.').at(-1)!), value: getFact(facts, r.path) }))
    .filter((w) => ['string', 'number', 'boolean'].includes(typeof w.value))
    // A word or number is found beside its key; a yes/no fact only by a line that starts with its (long) key, since
    // settings print it in many spellings (`log_connections|off`, `DumpIOInput On`).
    .map((w) => ({
      key: w.key,
      value:
        typeof w.value === 'boolean'
          ? undefined
          : new RegExp(`(^|[^\\w.])${escapeRe(String(w.value))}($|[^\\w.])`, 'i'),
    }));
  const out: SourceLine[] = [];
  for (const probe of check.probes) {
    const result = outputs[probe];
    if (!result?.stdout || result.error) continue;
    // The text as the evidence file holds it, so line numbers point into that file and nothing else is quoted.
    const stdout = keptOutput(probe, result);
    const json = jsonLines(stdout, probe, wanted);
    if (json) {
      out.push(...json.slice(0, MAX_LINES - out.length).map((l) => resolve(l, probes)));
      continue;
    }
    for (const l of numbered(stdout, probe, probes?.get(probe))) {
      if (out.length >= MAX_LINES) break;
      if (/^\s*[#;]/.test(l.text) && wanted.length) continue;
      const line = squash(l.text);
      const states = (w: (typeof wanted)[number]) =>
        w.value
          ? w.key.length > 1 && line.includes(w.key) && w.value.test(l.text)
          : w.key.length >= 8 && line.startsWith(w.key);
      if (wanted.some(states)) out.push(resolve(l, probes));
    }
  }
  return dedupe(out);
}
