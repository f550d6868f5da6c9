// Waivers: accepted risks with an expiry. A waived finding keeps its status and stays visible, marked with
// `finding.waiver`; scoring leaves it out of the pass rate while the waiver holds. Past its expiry date a waiver
// stops applying and says so (`expired: true`), so forgotten exceptions surface instead of hiding problems.
import type { Finding } from '../model.js';
import { compileSchema, readYamlFile, validateDoc } from '../util/validate.js';
import { nameMatches } from '../util/glob.js';
import schema from './waivers.schema.json' with { type: 'json' };

export interface Waiver {
  check: string;
  target: string;
  justification: string;
  /** YYYY-MM-DD: the last day the waiver applies (UTC). */
  expires: string;
  owner?: string;
}

export interface WaiversFile {
  version?: 1;
  waivers: Waiver[];
}

/** Reads and validates a waivers file; errors name the file, line and field. */
export function loadWaivers(file: string): Waiver[] {
  const parsed = readYamlFile(file);
  if (parsed.docs.length === 0 || parsed.docs[0]!.contents === null) return [];
  return validateDoc<WaiversFile>(parsed, 0, compileSchema(schema)).waivers;
}

/** A waiver holds through the whole of its expiry day, in UTC. */
export function isExpired(w: Pick<Waiver, 'expires'>, now: Date): boolean {
  return now.toISOString().slice(0, 10) > w.expires;
}

/**
 * Marks the findings that waivers cover. Passing findings need no waiver and are left alone. When several waivers
 * match, one still in force wins over expired ones, then the first in the file.
 */
export function markWaivers(findings: Finding[], waivers: Waiver[], file: string, now: Date = new Date()): Finding[] {
  if (waivers.length === 0) return findings;
  return findings.map((f) => {
    if (f.status === 'pass' || f.status === 'not-applicable') return f;
    const matching = waivers.filter((w) => nameMatches(w.check, f.check) && nameMatches(w.target, f.target));
    if (matching.length === 0) return f;
    const w = matching.find((m) => !isExpired(m, now)) ?? matching[0]!;
    return { ...f, waiver: { justification: w.justification, expires: w.expires, expired: isExpired(w, now), file } };
  });
}

/** Loads the waivers file and applies it to the findings. */
export function applyWaivers(findings: Finding[], file: string, now: Date = new Date()): Finding[] {
  return markWaivers(findings, loadWaivers(file), file, now);
}

/** The commented waivers file `socready init` writes (valid as written; its one example waiver is commented out). */
export function exampleWaiversYaml(): string {
  return (
    `# socready waivers: accepted risks / 例外（リスク受容）の一覧
# A waived finding keeps its status and stays visible as waived; it leaves the maturity pass rate until the waiver
# expires. From the day after "expires" the waiver stops applying and the report says it expired.
# 例外を適用した検出結果も「例外適用」として表示され続けます。期限の翌日からは適用されず、期限切れと表示されます。
version: 1
waivers: []
#  - check: linux.audit.immutable          # check id, or a glob with * and ? / チェック ID（* と ? のワイルドカード可）
#    target: "web-*"                       # glob over target ids / 対象 ID のパターン
#    justification: "Immutable audit rules block the weekly rule deployment; compensating control: the SIEM ` +
    `monitors the rule hash."
#    expires: 2027-03-31                   # last day it applies (UTC) / 適用最終日（UTC）
#    owner: "infrastructure lead"          # optional / 任意
`
  );
}
