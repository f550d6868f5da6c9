import type { Parser } from '../../checks/types.js';
import { InconclusiveError, ParseError } from '../../checks/types.js';
import type { ProbeResult } from '../../transport/types.js';
import { SUBCATEGORY_BY_GUID } from './subcategories.js';

export interface AuditSetting {
  guid: string;
  /** The name as this host printed it (may be localised). */
  printed_name: string;
  name: string;
  success: boolean;
  failure: boolean;
  /** The inclusion text as printed ("Success and Failure", "成功および失敗"). */
  setting: string;
  /** The setting in English words, naming a missing half: "Success only (Failure is not audited)". */
  state: string;
  /** The same in Japanese. */
  state_ja: string;
  /** The row auditpol printed for it. */
  at: { probe: string; text: string };
}

/** Splits one CSV line (auditpol quotes nothing today, but machine names and localised texts may need quotes). */
export function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

/**
 * Reads the inclusion setting in English or Japanese. "No Auditing"/"監査なし" has neither; the others name success
 * (成功) and failure (失敗) explicitly, so the test is by word, not by whole string. A text with none of these words
 * (another display language, or mojibake from a wrong code page) is unknown: never read as "No Auditing".
 */
export function readInclusion(text: string): { success: boolean; failure: boolean } | undefined {
  const t = text.trim().toLowerCase();
  if (/no auditing|監査なし/.test(t)) return { success: false, failure: false };
  const success = /success|成功/.test(t);
  const failure = /failure|失敗/.test(t);
  if (!success && !failure) return undefined;
  return { success, failure };
}

/** The setting in words, saying which half is missing ("Success only (Failure is not audited)"). */
export function inclusionState(s: { success: boolean; failure: boolean }): string {
  if (s.success && s.failure) return 'Success and Failure';
  if (s.success) return 'Success only (Failure is not audited)';
  if (s.failure) return 'Failure only (Success is not audited)';
  return 'No Auditing';
}

/** The setting in Japanese words ("成功のみ（失敗は監査されない）"). */
export function inclusionStateJa(s: { success: boolean; failure: boolean }): string {
  if (s.success && s.failure) return '成功および失敗';
  if (s.success) return '成功のみ（失敗は監査されない）';
  if (s.failure) return '失敗のみ（成功は監査されない）';
  return '監査なし';
}

/**
 * Parses `auditpol /get /category:* /r`: a CSV whose header and texts are localised. Columns are read by position
 * (Machine Name, Policy Target, Subcategory, Subcategory GUID, Inclusion Setting, Exclusion Setting) and rows are
 * keyed by the GUID column.
 */
export function parseAuditpolCsv(text: string): AuditSetting[] {
  const settings: AuditSetting[] = [];
  const unreadable: string[] = [];
  const guidRe = /^\{([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\}$/;
  for (const raw of text.replace(/^\uFEFF/, '').split(/\r?\n/)) {
    if (raw.trim() === '') continue;
    const cols = splitCsvLine(raw);
    const guidCol = cols.findIndex((c) => guidRe.test(c.trim()));
    if (guidCol < 0) continue; // header or noise
    const guid = guidRe.exec(cols[guidCol]!.trim())![1]!.toLowerCase();
    const setting = cols[guidCol + 1] ?? '';
    // An empty cell says nothing about this subcategory (it stays unknown) and nothing about the decoding of the rest.
    if (setting.trim() === '') continue;
    const inclusion = readInclusion(setting);
    if (!inclusion) {
      unreadable.push(setting.trim());
      continue;
    }
    settings.push({
      guid,
      printed_name: (cols[guidCol - 1] ?? '').trim(),
      name: SUBCATEGORY_BY_GUID.get(guid)?.name ?? (cols[guidCol - 1] ?? '').trim(),
      setting: setting.trim(),
      ...inclusion,
      state: inclusionState(inclusion),
      state_ja: inclusionStateJa(inclusion),
      at: { probe: 'win-auditpol', text: raw.trim() },
    });
  }
  if (unreadable.length > 0) {
    const sample = [...new Set(unreadable)]
      .slice(0, 3)
      .map((t) => JSON.stringify(t))
      .join(', ');
    throw new InconclusiveError(
      `auditpol printed ${unreadable.length} inclusion setting(s) that are neither English nor Japanese ` +
        `audit settings (${sample}): ` +
        'another display language, or text decoded in the wrong code page; no subcategory is judged on it',
    );
  }
  return settings;
}

export function requireOk(out: ProbeResult | undefined, probe: string): ProbeResult {
  if (!out) throw new InconclusiveError(`${probe} was not collected`);
  if (out.error) throw new InconclusiveError(`${probe}: ${out.error.kind}: ${out.error.message}`);
  // U+FFFD is what a decoder leaves for bytes it could not read: the collecting shell read the program's output in
  // another code page than it was written in, and any verdict on that text would be a guess.
  const bad = out.stdout.indexOf('\uFFFD');
  if (bad >= 0) {
    const line = out.stdout
      .slice(out.stdout.lastIndexOf('\n', bad) + 1, bad + 40)
      .split(/\r?\n/)[0]!
      .trim();
    throw new InconclusiveError(
      `${probe}: the output holds undecodable characters (U+FFFD), e.g. "${line}": it was read in the wrong code page`,
    );
  }
  return out;
}

/** Facts: `by_guid.<guid>.success|failure`, and the list. auditpol needs an elevated shell. */
export const auditpolParser: Parser = (outputs) => {
  const out = requireOk(outputs['win-auditpol'], 'win-auditpol');
  if (
    /0x00000522|A required privilege is not held|必要な特権がクライアントにありません/i.test(out.stdout + out.stderr)
  ) {
    throw new InconclusiveError(
      'auditpol needs an elevated (administrator) session: "A required privilege is not held by the client"',
    );
  }
  const settings = parseAuditpolCsv(out.stdout);
  if (settings.length === 0) {
    if (out.exitCode !== 0)
      throw new InconclusiveError(`auditpol failed (exit ${out.exitCode}): ${out.stderr.trim().slice(0, 200)}`);
    throw new ParseError('auditpol /r printed no subcategory rows');
  }
  return { subcategories: settings, by_guid: Object.fromEntries(settings.map((s) => [s.guid, s])) };
};
