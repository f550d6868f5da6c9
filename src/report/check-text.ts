// The check-text section of report.json. Every finding of a check repeats the check's title, rationale, remediation
// and mappings: for 5,000 replayed hosts that text was 40% of an 812 MB report (486 MB without). report.json carries
// it once per check, in `check_text` (after the findings, so it can be gathered while they stream out), and a finding
// leaves out each of those fields that is the same as its check's entry. Reading puts them back (sharing one object per
// check), so every renderer sees the finding it always saw; a report without the section (older) reads unchanged.
import type { Finding, Report } from '../model.js';
import { StreamedArray } from '../util/write-json.js';

/** The finding fields a check fixes: the same in every finding of the check (src/checks/evaluate.ts baseFinding). */
export const CHECK_TEXT_FIELDS = ['title', 'fail_title', 'rationale', 'remediation', 'maps'] as const;
type TextField = (typeof CHECK_TEXT_FIELDS)[number];
export type CheckText = NonNullable<Report['check_text']>[string];

/**
 * Gathers one entry per check from the first finding of it and strips what a finding shares with its entry. A finding
 * that lacks a field its entry has (nothing can say "absent" once the field is left out) is kept whole and marked
 * `own_text`, so the round trip never adds a field.
 */
export class CheckTextWriter {
  readonly entries: Record<string, CheckText> = {};
  /** Each entry's fields as JSON, for comparison. */
  private readonly json = new Map<string, Map<TextField, string>>();

  compact(f: Finding): Finding {
    let json = this.json.get(f.check);
    if (!json) {
      json = new Map();
      const entry: CheckText = {};
      for (const k of CHECK_TEXT_FIELDS) {
        if (f[k] === undefined) continue;
        (entry as Record<string, unknown>)[k] = f[k];
        json.set(k, JSON.stringify(f[k]));
      }
      Object.defineProperty(this.entries, f.check, { value: entry, enumerable: true, configurable: true });
      this.json.set(f.check, json);
    }
    if (CHECK_TEXT_FIELDS.some((k) => f[k] === undefined && json.has(k))) return { ...f, own_text: true };
    const out: Partial<Finding> = { ...f };
    for (const k of CHECK_TEXT_FIELDS) if (f[k] !== undefined && JSON.stringify(f[k]) === json.get(k)) delete out[k];
    return out as Finding;
  }
}

/**
 * The report as report.json holds it: findings without their check's text and the `check_text` section after them,
 * filled while the findings are written (jsonPieces reads a field's value only when it reaches it).
 */
export function withCheckText(report: Report): Report {
  const writer = new CheckTextWriter();
  const findings = report.findings as unknown;
  const items = findings instanceof StreamedArray ? (findings as StreamedArray<Finding>).items : () => report.findings;
  const { check_text: _old, ...rest } = report;
  return {
    ...rest,
    findings: new StreamedArray(function* () {
      for (const f of items()) yield writer.compact(f);
    }) as unknown as Finding[],
    check_text: writer.entries,
  };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A finding's leading fields in the order a scan writes them (baseFinding), so `report -f json` keeps that order. */
const LEADING = [
  'check',
  'target',
  'status',
  'area',
  'severity',
  'weight',
  ...CHECK_TEXT_FIELDS.slice(0, 4),
  'evidence',
];

/**
 * Puts each finding's check text back from `check_text`, in the parsed document before the schema check (which then
 * sees every finding whole, and names a finding whose title or mappings are in neither place). Tolerant of any
 * shape: whatever is malformed is left for the schema check to name. The findings of one check share its entry's
 * objects (one copy in memory, as in the file): treat a finding's text as read-only, replace it rather than edit it.
 */
export function expandCheckText(doc: unknown): void {
  if (!isObject(doc) || !isObject(doc.check_text) || !Array.isArray(doc.findings)) return;
  const texts = doc.check_text;
  doc.findings.forEach((f: unknown, i: number, all: unknown[]) => {
    if (!isObject(f) || f.own_text !== undefined || typeof f.check !== 'string' || !Object.hasOwn(texts, f.check))
      return;
    const entry = texts[f.check];
    if (!isObject(entry) || CHECK_TEXT_FIELDS.every((k) => f[k] !== undefined || entry[k] === undefined)) return;
    const whole: Record<string, unknown> = {};
    const put = (k: string, v: unknown) => {
      // defineProperty: an own "__proto__" field of the file stays a field, as JSON.parse made it.
      if (v !== undefined && !Object.hasOwn(whole, k))
        Object.defineProperty(whole, k, { value: v, enumerable: true, writable: true, configurable: true });
    };
    for (const k of LEADING) put(k, f[k] ?? entry[k]);
    put('maps', f.maps ?? entry.maps);
    for (const [k, v] of Object.entries(f)) put(k, v);
    all[i] = whole;
  });
}

/** After the schema check: the report as it is held in memory, without the file's own bookkeeping. */
export function dropCheckText(report: Report): Report {
  delete report.check_text;
  for (const f of report.findings) if (f.own_text) delete f.own_text;
  return report;
}
