// The rules a SIEM really runs, read from its own read-only APIs (saved as JSON by a scan's probes, or exported by
// hand): Kibana's detection engine (`GET /api/detection_engine/rules/_find`), Splunk's saved searches
// (`GET /servicesNS/-/-/saved/searches?output_mode=json`), Wazuh's rules (`GET /rules?status=enabled`, every page),
// Sentinel's analytics rules (Azure `.../providers/Microsoft.SecurityInsights/alertRules`, every page) and OpenSearch
// Security Analytics (detectors joined with their Sigma rules). A disabled rule is kept but marked disabled, so
// coverage counts it as absent.
import type { LogSourceRef } from '../model.js';
import { elasticRule } from './elastic.js';
import {
  type DetectionRule,
  normaliseLevel,
  normaliseTechniqueId,
  type RuleProblem,
  tacticShortname,
  uniq,
} from './model.js';
import { readSigmaText } from './sigma-meta.js';
import { type ConfStanza, savedSearchRule } from './splunk.js';
import type { TomlTable } from './toml.js';

type Read = { rules: DetectionRule[]; problems: RuleProblem[] };

/** socready's evidence files append the response metadata after this line (src/collect/evidence-store.ts). */
const EVIDENCE_STDERR = '\n--- stderr ---\n';

/** The answer's body of a stored evidence file (the response metadata after it cut off), or the text as given. */
export function evidenceBody(text: string): string {
  const at = text.lastIndexOf(EVIDENCE_STDERR);
  return at >= 0 && /^HTTP \d{3}/.test(text.slice(at + EVIDENCE_STDERR.length)) ? text.slice(0, at) : text;
}

function parse(text: string, file: string): { value?: unknown; problem?: RuleProblem } {
  const body = evidenceBody(text);
  try {
    return { value: JSON.parse(body) as unknown };
  } catch (e) {
    return { problem: { path: file, error: `${file}: not JSON (${(e as Error).message})` } };
  }
}

export type SiemApiFormat =
  | 'kibana-rules'
  | 'splunk-saved-searches'
  | 'wazuh-rules'
  | 'sentinel-alert-rules'
  | 'opensearch-security-analytics';

/** Which SIEM rule API answered this JSON text (Kibana, Splunk, Wazuh, Sentinel, OpenSearch Security Analytics). */
export function siemApiFormat(text: string): SiemApiFormat | undefined {
  const head = text.slice(0, 4096);
  if (/^\s*\{\s*"security_analytics"\s*:/.test(head)) return 'opensearch-security-analytics';
  if (/"type"\s*:\s*"Microsoft\.SecurityInsights\/alertRules"/i.test(text)) return 'sentinel-alert-rules';
  if (/"affected_items"\s*:/.test(head) && /"groups"\s*:/.test(text) && /"level"\s*:/.test(text)) return 'wazuh-rules';
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

/** Wazuh levels 0..15 in the one severity scale: 12+ is Wazuh's "high importance", 8+ "first-time/high" events. */
function wazuhLevel(level: number): string {
  if (level >= 12) return 'critical';
  if (level >= 8) return 'high';
  if (level >= 5) return 'medium';
  return 'low';
}

const WAZUH_GROUP_SOURCE: [RegExp, LogSourceRef][] = [
  [/^sysmon/, { product: 'windows', service: 'sysmon' }],
  [/^windows|^win_|^ms_/, { product: 'windows' }],
  [/^sshd$/, { product: 'linux', service: 'sshd' }],
  [/^audit(d)?$/, { product: 'linux', service: 'auditd' }],
  [/^(web|accesslog|apache|nginx|web_scan|attack)$/, { category: 'webserver' }],
  [/^(syslog|pam|sudo|linux)$/, { product: 'linux' }],
  [/^(firewall|iptables|pfsense|fortigate)$/, { category: 'firewall' }],
];

function wazuhLogSource(groups: string[]): LogSourceRef {
  for (const [re, ls] of WAZUH_GROUP_SOURCE) if (groups.some((g) => re.test(g.toLowerCase()))) return { ...ls };
  return {};
}

/** Wazuh's MITRE field: `["T1110"]` in the server API, `{ id: [...] }` in alerts and some versions. */
function wazuhMitre(m: unknown): string[] {
  const ids = Array.isArray(m) ? m : Array.isArray((m as { id?: unknown })?.id) ? (m as { id: unknown[] }).id : [];
  return ids.map((x) => (typeof x === 'string' ? normaliseTechniqueId(x) : undefined)).filter((x) => x !== undefined);
}

/**
 * Wazuh `GET /rules`: `{ data: { affected_items: [{ id, level, status, description, groups, mitre }],
 * total_affected_items } }`. A level-0 rule raises no alert (it silences or groups others): not a detection.
 */
export function readWazuhRules(text: string, file: string): Read {
  const { value, problem } = parse(text, file);
  if (problem) return { rules: [], problems: [problem] };
  const data = (value as { data?: { affected_items?: unknown; total_affected_items?: unknown } }).data;
  const items = data?.affected_items;
  if (!Array.isArray(items))
    return { rules: [], problems: [{ path: file, error: `${file}: no "data.affected_items" list of rules` }] };
  const out: Read = { rules: [], problems: [] };
  items.forEach((r, i) => {
    const rule = r as Record<string, unknown>;
    const level = Number(rule?.level);
    if (rule?.id === undefined || !Number.isFinite(level) || level <= 0) return;
    const groups = Array.isArray(rule.groups) ? rule.groups.filter((g): g is string => typeof g === 'string') : [];
    out.rules.push({
      file: `${file}#data.affected_items[${i}]`,
      format: 'wazuh',
      id: String(rule.id),
      title: typeof rule.description === 'string' && rule.description ? rule.description : `Wazuh rule ${rule.id}`,
      level: wazuhLevel(level),
      logsource: wazuhLogSource(groups),
      fields: [],
      techniques: uniq(wazuhMitre(rule.mitre)),
      tactics: [],
      owasp: [],
      correlation: rule.frequency !== undefined || rule.if_matched_sid !== undefined,
      disabled: rule.status !== undefined && rule.status !== 'enabled',
      tags: groups,
    });
  });
  const total = data?.total_affected_items;
  if (typeof total === 'number' && total > items.length)
    out.problems.push({
      path: file,
      error: `${file}: ${items.length} of ${total} Wazuh rules read: the rest are not in this answer (paging)`,
    });
  return out;
}

/** Sentinel tables (the KQL query's first word) as the log source their rule reads. */
const SENTINEL_TABLE_SOURCE: Record<string, LogSourceRef> = {
  SecurityEvent: { product: 'windows', service: 'security' },
  WindowsEvent: { product: 'windows' },
  Event: { product: 'windows', service: 'system' },
  Syslog: { product: 'linux' },
  SigninLogs: { product: 'azure', service: 'signinlogs' },
  AuditLogs: { product: 'azure', service: 'auditlogs' },
  AzureActivity: { product: 'azure', service: 'activitylogs' },
  OfficeActivity: { product: 'm365' },
  CommonSecurityLog: { category: 'firewall' },
  DeviceProcessEvents: { product: 'windows', category: 'process_creation' },
  DeviceNetworkEvents: { product: 'windows', category: 'network_connection' },
  DeviceFileEvents: { product: 'windows', category: 'file_event' },
  W3CIISLog: { category: 'webserver' },
};

function sentinelLogSource(query: string): LogSourceRef {
  const table = /^\s*(?:(?:let\s[^;]*;|\/\/[^\n]*\n)\s*)*([A-Za-z_][A-Za-z0-9_]*)/.exec(query)?.[1];
  return table && SENTINEL_TABLE_SOURCE[table] ? { ...SENTINEL_TABLE_SOURCE[table]! } : {};
}

/** "LateralMovement", "PreAttack" -> "lateral-movement". */
const pascalTactic = (t: string) => tacticShortname(t.replace(/([a-z])([A-Z])/g, '$1 $2'));

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/**
 * Sentinel `alertRules` list: `{ value: [{ name, kind, properties: { displayName, enabled, severity, tactics,
 * techniques, subTechniques, query, queryFrequency } }], nextLink? }`. Every kind is a rule the workspace runs;
 * Fusion correlates other alerts. A disabled rule is kept marked disabled (absent in coverage).
 */
export function readSentinelAlertRules(text: string, file: string): Read {
  const { value, problem } = parse(text, file);
  if (problem) return { rules: [], problems: [problem] };
  const list = (value as { value?: unknown }).value;
  if (!Array.isArray(list))
    return { rules: [], problems: [{ path: file, error: `${file}: no "value" list of rules` }] };
  const out: Read = { rules: [], problems: [] };
  list.forEach((r, i) => {
    const rule = r as { name?: unknown; kind?: unknown; properties?: Record<string, unknown> };
    const p = rule?.properties;
    if (typeof rule?.name !== 'string' || !p) return;
    const query = typeof p.query === 'string' ? p.query : '';
    const techniques = [...strings(p.techniques), ...strings(p.subTechniques)]
      .map(normaliseTechniqueId)
      .filter((t) => t !== undefined);
    out.rules.push({
      file: `${file}#value[${i}]`,
      format: 'sentinel',
      id: rule.name,
      title: typeof p.displayName === 'string' && p.displayName ? p.displayName : rule.name,
      level: normaliseLevel(p.severity),
      logsource: sentinelLogSource(query),
      fields: [],
      techniques: uniq(techniques),
      tactics: uniq(strings(p.tactics).map(pascalTactic)),
      owasp: [],
      correlation: rule.kind === 'Fusion',
      disabled: p.enabled !== true,
      tags: [`sentinel.kind.${String(rule.kind ?? 'unknown')}`],
    });
  });
  const next = (value as { nextLink?: unknown }).nextLink;
  if (typeof next === 'string' && next)
    out.problems.push({
      path: file,
      error: `${file}: ${list.length} Sentinel rules read; the answer has a nextLink, so the rest were not read`,
    });
  return out;
}

interface SearchHits {
  hits?: { total?: number | { value?: number }; hits?: { _id?: unknown; _source?: Record<string, unknown> }[] };
}

const totalOf = (a: SearchHits) =>
  typeof a.hits?.total === 'number' ? a.hits.total : (a.hits?.total as { value?: number } | undefined)?.value;

/**
 * OpenSearch Security Analytics, as a scan joins it: `{ security_analytics: { detectors: <detectors/_search>,
 * rules: { pre_packaged: <rules/_search?pre_packaged=true>, custom: <...=false> } } }`. Only rules a detector runs
 * are the organisation's: enabled when an enabled detector runs them, disabled (absent) otherwise; the library's
 * other rules are not read.
 */
export function readOpenSearchSecurityAnalytics(text: string, file: string): Read {
  const { value, problem } = parse(text, file);
  if (problem) return { rules: [], problems: [problem] };
  const sa = (value as { security_analytics?: Record<string, unknown> }).security_analytics ?? {};
  const detectors = (sa.detectors ?? {}) as SearchHits;
  const out: Read = { rules: [], problems: [] };
  const used = new Map<string, { enabled: boolean; type?: string; detectors: string[] }>();
  const dHits = detectors.hits?.hits ?? [];
  for (const h of dHits) {
    const src = (h._source?.detector as Record<string, unknown> | undefined) ?? h._source ?? {};
    const name = typeof src.name === 'string' ? src.name : String(h._id);
    const enabled = src.enabled === true;
    const inputs = Array.isArray(src.inputs) ? src.inputs : [];
    for (const input of inputs) {
      const di = (input as { detector_input?: Record<string, unknown> })?.detector_input ?? {};
      for (const key of ['pre_packaged_rules', 'custom_rules'] as const) {
        for (const r of Array.isArray(di[key]) ? di[key] : []) {
          const id = (r as { id?: unknown })?.id;
          if (typeof id !== 'string') continue;
          const u = used.get(id) ?? { enabled: false, detectors: [] };
          u.enabled ||= enabled;
          if (typeof src.detector_type === 'string') u.type ??= src.detector_type.toLowerCase();
          u.detectors.push(name);
          used.set(id, u);
        }
      }
    }
  }
  const dTotal = totalOf(detectors);
  if (dTotal !== undefined && dTotal > dHits.length)
    out.problems.push({ path: file, error: `${file}: ${dHits.length} of ${dTotal} detectors read` });
  const rulesBy = new Map<string, Record<string, unknown>>();
  const answers = (sa.rules ?? {}) as Record<string, SearchHits>;
  for (const [kind, answer] of Object.entries(answers)) {
    const hits = answer?.hits?.hits ?? [];
    for (const h of hits) if (typeof h._id === 'string' && h._source) rulesBy.set(h._id, h._source);
    const t = totalOf(answer ?? {});
    if (t !== undefined && t > hits.length)
      out.problems.push({ path: file, error: `${file}: ${hits.length} of ${t} ${kind} rules read` });
  }
  for (const [id, u] of used) {
    const src = rulesBy.get(id);
    const where = `${file}#rule:${id}`;
    if (!src) {
      out.problems.push({
        path: file,
        error: `${file}: detector ${u.detectors.join(', ')} runs rule ${id}, which the rule searches did not return`,
      });
      continue;
    }
    const read = typeof src.rule === 'string' ? readSigmaText(src.rule, where) : { rules: [], problems: [] };
    out.problems.push(...read.problems);
    for (const r of read.rules) {
      if (!r.logsource.product && u.type) r.logsource = { ...r.logsource, product: u.type };
      out.rules.push({ ...r, id, disabled: !u.enabled || r.disabled === true });
    }
  }
  return out;
}
