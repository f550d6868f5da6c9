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
 * (成功) and failure (失敗) explicitly, so the test is by word, not by whole string.
 */
export function readInclusion(text: string): { success: boolean; failure: boolean } {
  const t = text.trim().toLowerCase();
  if (t === '' || /no auditing|監査なし/.test(t)) return { success: false, failure: false };
  return { success: /success|成功/.test(t), failure: /failure|失敗/.test(t) };
}

/**
 * Parses `auditpol /get /category:* /r`: a CSV whose header and texts are localised. Columns are read by position
 * (Machine Name, Policy Target, Subcategory, Subcategory GUID, Inclusion Setting, Exclusion Setting) and rows are
 * keyed by the GUID column.
 */
export function parseAuditpolCsv(text: string): AuditSetting[] {
  const settings: AuditSetting[] = [];
  const guidRe = /^\{([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\}$/;
  for (const raw of text.replace(/^\uFEFF/, '').split(/\r?\n/)) {
    if (raw.trim() === '') continue;
    const cols = splitCsvLine(raw);
    const guidCol = cols.findIndex((c) => guidRe.test(c.trim()));
    if (guidCol < 0) continue; // header or noise
    const guid = guidRe.exec(cols[guidCol]!.trim())![1]!.toLowerCase();
    const setting = cols[guidCol + 1] ?? '';
    settings.push({
      guid,
      printed_name: (cols[guidCol - 1] ?? '').trim(),
      name: SUBCATEGORY_BY_GUID.get(guid)?.name ?? (cols[guidCol - 1] ?? '').trim(),
      setting: setting.trim(),
      ...readInclusion(setting),
    });
  }
  return settings;
}

export function requireOk(out: ProbeResult | undefined, probe: string): ProbeResult {
  if (!out) throw new InconclusiveError(`${probe} was not collected`);
  if (out.error) throw new InconclusiveError(`${probe}: ${out.error.kind}: ${out.error.message}`);
  return out;
}

/** Facts: `by_guid.<guid>.success|failure`, and the list. auditpol needs an elevated shell. */
export const auditpolParser: Parser = (outputs) => {
  const out = requireOk(outputs['win-auditpol'], 'win-auditpol');
  if (/0x00000522|A required privilege is not held|必要な特権がクライアントにありません/i.test(out.stdout + out.stderr)) {
    throw new InconclusiveError('auditpol needs an elevated (administrator) session: "A required privilege is not held by the client"');
  }
  const settings = parseAuditpolCsv(out.stdout);
  if (settings.length === 0) {
    if (out.exitCode !== 0) throw new InconclusiveError(`auditpol failed (exit ${out.exitCode}): ${out.stderr.trim().slice(0, 200)}`);
    throw new ParseError('auditpol /r printed no subcategory rows');
  }
  return { subcategories: settings, by_guid: Object.fromEntries(settings.map((s) => [s.guid, s])) };
};
