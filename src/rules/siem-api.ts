// The rules a SIEM really runs, read from its own read-only APIs (saved as JSON by a scan's probes, or exported by
// hand): Kibana's detection engine (`GET /api/detection_engine/rules/_find`) and Splunk's saved searches
// (`GET /servicesNS/-/-/saved/searches?output_mode=json`). A disabled rule is kept but marked disabled, so coverage
// counts it as absent.
import { elasticRule } from './elastic.js';
import type { DetectionRule, RuleProblem } from './model.js';
import { type ConfStanza, savedSearchRule } from './splunk.js';
import type { TomlTable } from './toml.js';

type Read = { rules: DetectionRule[]; problems: RuleProblem[] };

/** socready's evidence files append the response metadata after this line (src/collect/evidence-store.ts). */
const EVIDENCE_STDERR = '\n--- stderr ---\n';

function parse(text: string, file: string): { value?: unknown; problem?: RuleProblem } {
  const at = text.lastIndexOf(EVIDENCE_STDERR);
  const body = at >= 0 && /^HTTP \d{3}/.test(text.slice(at + EVIDENCE_STDERR.length)) ? text.slice(0, at) : text;
  try {
    return { value: JSON.parse(body) as unknown };
  } catch (e) {
    return { problem: { path: file, error: `${file}: not JSON (${(e as Error).message})` } };
  }
}

/** Whether a JSON text is a Kibana rules `_find` answer or a Splunk saved/searches answer. */
export function siemApiFormat(text: string): 'kibana-rules' | 'splunk-saved-searches' | undefined {
  const head = text.slice(0, 4096);
  if (/"data"\s*:/.test(text) && /"rule_id"\s*:/.test(text) && /"perPage"|"per_page"|"total"/.test(head))
    return 'kibana-rules';
  if (/"entry"\s*:/.test(head) && /"content"\s*:/.test(text) && /"search"\s*:/.test(text))
    return 'splunk-saved-searches';
  return undefined;
}

/** Kibana `_find`: `{ page, perPage, total, data: [rule...] }`; every rule, enabled or not (disabled = absent). */
export function readKibanaRules(text: string, file: string): Read {
  const { value, problem } = parse(text, file);
  if (problem) return { rules: [], problems: [problem] };
  const data = (value as { data?: unknown }).data;
  if (!Array.isArray(data)) return { rules: [], problems: [{ path: file, error: `${file}: no "data" list of rules` }] };
  const out: Read = { rules: [], problems: [] };
  data.forEach((r, i) => {
    if (!r || typeof r !== 'object') return;
    const read = elasticRule(r as TomlTable, undefined, `${file}#data[${i}]`);
    out.rules.push(...read.rules);
    out.problems.push(...read.problems);
  });
  const page = value as { total?: number; perPage?: number; page?: number };
  if (typeof page.total === 'number' && page.total > data.length) {
    out.problems.push({
      path: file,
      error:
        `${file}: ${data.length} of ${page.total} rules read (page ${page.page ?? 1}, perPage ` +
        `${page.perPage ?? '?'}): the rest are not in this answer`,
    });
  }
  return out;
}

/** Splunk saved/searches: `{ entry: [{ name, content: { search, disabled, ... } }], paging: { total, ... } }`. */
export function readSplunkSavedSearches(text: string, file: string): Read {
  const { value, problem } = parse(text, file);
  if (problem) return { rules: [], problems: [problem] };
  const entries = (value as { entry?: unknown }).entry;
  if (!Array.isArray(entries))
    return { rules: [], problems: [{ path: file, error: `${file}: no "entry" list of saved searches` }] };
  const out: Read = { rules: [], problems: [] };
  entries.forEach((e, i) => {
    const entry = e as { name?: unknown; content?: Record<string, unknown> };
    if (typeof entry?.name !== 'string' || !entry.content) return;
    const keys = new Map<string, string>();
    for (const [k, v] of Object.entries(entry.content)) {
      if (v === null || v === undefined) continue;
      keys.set(k, typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v));
    }
    const st: ConfStanza = { name: entry.name, line: i + 1, keys };
    const rule = savedSearchRule(st, `${file}#entry[${i}]`, out.problems, true);
    if (rule) out.rules.push(rule);
  });
  const paging = (value as { paging?: { total?: number } }).paging;
  if (typeof paging?.total === 'number' && paging.total > entries.length) {
    out.problems.push({
      path: file,
      error: `${file}: ${entries.length} of ${paging.total} saved searches read: the rest are not in this answer`,
    });
  }
  return out;
}
