// Splunk detections: security_content (ESCU) detection YAML, and savedsearches.conf stanzas whose correlation-search
// annotations or ESCU mappings carry ATT&CK IDs.
import { isMap } from 'yaml';
import { owaspFromExplicitTag } from '../attack/owasp.js';
import type { LogSourceRef } from '../model.js';
import { type ParsedYaml, parseYaml } from '../util/validate.js';
import { type DetectionRule, normaliseLevel, normaliseTechniqueId, type RuleProblem, uniq } from './model.js';
import { SYSMON_CATEGORY } from './sysmon.js';

const DATAMODEL_CATEGORY: [RegExp, string][] = [
  [/Endpoint\.Processes/i, 'process_creation'],
  [/Endpoint\.Filesystem/i, 'file_event'],
  [/Endpoint\.Registry/i, 'registry_event'],
  [/Endpoint\.Services/i, 'service'],
  [/Network_Traffic/i, 'network_connection'],
  [/Network_Resolution/i, 'dns'],
  [/datamodel[=\s]+Web\b|\bWeb\.Web\b/i, 'webserver'],
  [/Authentication/i, 'authentication'],
];

/** Maps an ESCU data_source name (e.g. "Sysmon EventID 10") or SPL text to a Sigma-style log source. */
export function splunkLogSource(dataSources: string[], search: string, assetType?: string): LogSourceRef {
  const ls: LogSourceRef = {};
  for (const ds of dataSources) {
    const sysmon = /sysmon(?:\s+for\s+(linux))?\s+event\s*(?:id|code)?\s*(\d+)/i.exec(ds);
    if (sysmon) {
      ls.product = sysmon[1] ? 'linux' : 'windows';
      const c = SYSMON_CATEGORY[Number(sysmon[2])];
      if (c) ls.category = c;
      return ls;
    }
    if (/powershell.*4104/i.test(ds)) return { product: 'windows', category: 'ps_script' };
    const winlog = /windows event log (security|system|application)/i.exec(ds);
    if (winlog) {
      if (/security\s+4688/i.test(ds)) return { product: 'windows', category: 'process_creation' };
      return { product: 'windows', service: winlog[1]!.toLowerCase() };
    }
    if (/auditd|linux audit/i.test(ds)) return { product: 'linux', service: 'auditd' };
    if (/nginx|apache|iis/i.test(ds)) return { category: 'webserver' };
  }
  const eventCode = /`sysmon`[\s\S]*?EventCode\s*=\s*(\d+)/i.exec(search);
  if (eventCode) {
    const c = SYSMON_CATEGORY[Number(eventCode[1])];
    return c ? { product: 'windows', category: c } : { product: 'windows', service: 'sysmon' };
  }
  for (const [re, c] of DATAMODEL_CATEGORY) {
    if (re.test(search)) {
      ls.category = c;
      break;
    }
  }
  if (assetType && /windows/i.test(assetType)) ls.product = 'windows';
  else if (assetType && /linux/i.test(assetType)) ls.product = 'linux';
  return ls;
}

function strings(v: unknown): string[] {
  return Array.isArray(v)
    ? v.filter((x) => typeof x === 'string' || typeof x === 'number').map(String)
    : typeof v === 'string'
      ? [v]
      : [];
}

function techniquesOf(ids: string[]): string[] {
  return uniq(ids.map((x) => normaliseTechniqueId(x)).filter((x): x is string => x !== undefined));
}

const SPL_KEYWORDS = new RegExp(
  '^(index|sourcetype|source|host|earliest|latest|count|as|by|' +
    'where|eval|datamodel|summariesonly|allow_old_summaries)$',
  'i',
);

/** Splunk fields the SPL names explicitly: `by a, b`, `field=value`, `Processes.process_name`. */
export function splFields(search: string): string[] {
  const noStrings = search.replace(/"(?:\\.|[^"\\])*"/g, '""');
  const out = new Set<string>();
  for (const m of noStrings.matchAll(/\b([A-Za-z_][A-Za-z0-9_.]*)\s*(?:!=|=|\s+IN\s*\()/g)) {
    const f = m[1]!;
    if (!SPL_KEYWORDS.test(f)) out.add(f);
  }
  return [...out].sort();
}

/** One value or an `IN (a, b)` list after a field name, quotes removed. */
function termValues(search: string, field: string): string[] {
  const out: string[] = [];
  const eq = new RegExp(`(?<![\\w.])${field}\\s*=\\s*("(?:\\\\.|[^"\\\\])*"|[^\\s|()]+)`, 'gi');
  for (const m of search.matchAll(eq)) out.push(m[1]!.replace(/^"|"$/g, ''));
  const list = new RegExp(`(?<![\\w.])${field}\\s+IN\\s*\\(([^)]*)\\)`, 'gi');
  for (const m of search.matchAll(list))
    for (const v of m[1]!.split(/[\s,]+/)) if (v) out.push(v.replace(/^"|"$/g, ''));
  return uniq(out.filter((v) => v !== ''));
}

/**
 * The indexes and sourcetypes an SPL search names (`index=win*`, `sourcetype="XmlWinEventLog"`, `index IN (a, b)`).
 * Negated terms (`index!=x`, `NOT index=x`) are not sources; macros and data models are not expanded, so a search
 * that names neither has no reads and is never judged blind.
 */
export function splReads(search: string): { indices: string[]; sourcetypes: string[] } {
  const positive = search.replace(/\bNOT\s+(?:index|sourcetype)\s*=\s*\S+/gi, ' ');
  return { indices: termValues(positive, 'index'), sourcetypes: termValues(positive, 'sourcetype') };
}

export function readSplunkYamlText(text: string, file: string): { rules: DetectionRule[]; problems: RuleProblem[] } {
  let parsed: ParsedYaml;
  try {
    parsed = parseYaml(text, file);
  } catch (e) {
    return { rules: [], problems: [{ path: file, error: (e as Error).message }] };
  }
  const doc = parsed.docs[0];
  if (!doc || !isMap(doc.contents))
    return { rules: [], problems: [{ path: file, error: `${file}: not a YAML mapping` }] };
  const v = parsed.values[0] as Record<string, unknown>;
  const name = typeof v.name === 'string' ? v.name : undefined;
  const search = typeof v.search === 'string' ? v.search : undefined;
  if (!name || !search)
    return {
      rules: [],
      problems: [{ path: file, error: `${file}: ${name ? 'search' : 'name'}: missing required field` }],
    };
  const tags = (v.tags && typeof v.tags === 'object' ? v.tags : {}) as Record<string, unknown>;
  const required = strings(tags.required_fields);
  const fields = required.length > 0 ? required.filter((f) => f !== '_time') : splFields(search);
  const rawTags = [...strings(tags.analytic_story).map((s) => `analytic_story:${s}`), ...strings(tags.mitre_attack_id)];
  const status = typeof v.status === 'string' ? v.status : undefined;
  // Older detections carry tags.risk_score; newer ones score each risk object under rba.
  const rba = (v.rba && typeof v.rba === 'object' ? v.rba : {}) as { risk_objects?: { score?: unknown }[] };
  const rbaScores = (Array.isArray(rba.risk_objects) ? rba.risk_objects : [])
    .map((o) => o?.score)
    .filter((x): x is number => typeof x === 'number');
  const riskScore =
    typeof tags.risk_score === 'number' ? tags.risk_score : rbaScores.length ? Math.max(...rbaScores) : undefined;
  return {
    rules: [
      {
        file,
        format: 'splunk-yaml',
        id: typeof v.id === 'string' ? v.id : name,
        title: name,
        level:
          riskScore === undefined
            ? undefined
            : riskScore >= 80
              ? 'critical'
              : riskScore >= 60
                ? 'high'
                : riskScore >= 40
                  ? 'medium'
                  : 'low',
        logsource: splunkLogSource(
          strings(v.data_source),
          search,
          typeof tags.asset_type === 'string' ? tags.asset_type : undefined,
        ),
        fields: uniq(fields).sort(),
        techniques: techniquesOf(strings(tags.mitre_attack_id)),
        tactics: [],
        owasp: uniq(strings(tags.owasp).concat(strings(tags.cis20)).flatMap(owaspFromExplicitTag)),
        correlation: typeof v.type === 'string' && v.type.toLowerCase() === 'correlation',
        disabled: status === 'deprecated' || status === 'removed',
        tags: rawTags,
      },
    ],
    problems: [],
  };
}

export interface ConfStanza {
  name: string;
  line: number;
  keys: Map<string, string>;
  /** The line each key was set on (parsed files only). */
  keyLines?: Map<string, number>;
}

/**
 * Splunk .conf syntax: [stanza] headers, key = value lines, a trailing backslash continues the value. Settings before
 * the first header belong to [default]; a stanza named twice in one file is one stanza whose later settings win, as
 * Splunk merges them (so the pre-header settings and a later [default] header are one [default]).
 */
export function parseSplunkConf(text: string): ConfStanza[] {
  const byName = new Map<string, ConfStanza>();
  const stanza = (name: string, line: number) => {
    const seen = byName.get(name);
    if (seen) return seen;
    const st: ConfStanza = { name, line, keys: new Map(), keyLines: new Map() };
    byName.set(name, st);
    return st;
  };
  let current: ConfStanza | undefined;
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  for (let n = 0; n < lines.length; n++) {
    let line = lines[n]!;
    const start = n + 1;
    while (line.endsWith('\\') && n + 1 < lines.length) {
      n++;
      line = `${line.slice(0, -1)}\n${lines[n]}`;
    }
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const header = /^\[(.*)\]$/.exec(trimmed);
    if (header) {
      current = stanza(header[1]!, start);
      continue;
    }
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    current ??= stanza('default', start);
    const key = line.slice(0, eq).trim();
    current.keys.set(key, line.slice(eq + 1).trim());
    current.keyLines!.set(key, start);
  }
  return [...byName.values()];
}

function jsonObject(raw: string | undefined): Record<string, unknown> | undefined {
  if (!raw) return undefined;
  try {
    const v = JSON.parse(raw) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const URGENCY: Record<string, string> = {
  informational: 'informational',
  low: 'low',
  medium: 'medium',
  high: 'high',
  critical: 'critical',
};

export function readSavedSearchesText(text: string, file: string): { rules: DetectionRule[]; problems: RuleProblem[] } {
  const rules: DetectionRule[] = [];
  const problems: RuleProblem[] = [];
  for (const st of parseSplunkConf(text)) {
    const rule = savedSearchRule(st, file, problems);
    if (rule) rules.push(rule);
  }
  return { rules, problems };
}

/**
 * One saved search as a detection rule, or undefined when it is not one: a correlation search, an annotated search,
 * or (with `scheduledAlerts`, for the REST API's saved/searches) a scheduled search with an alert action or tracking.
 */
export function savedSearchRule(
  st: ConfStanza,
  file: string,
  problems: RuleProblem[],
  scheduledAlerts = false,
): DetectionRule | undefined {
  {
    const search = st.keys.get('search');
    if (!search) return undefined;
    const annRaw = st.keys.get('action.correlationsearch.annotations');
    const mapRaw = st.keys.get('action.escu.mappings');
    const ann = jsonObject(annRaw);
    const map = jsonObject(mapRaw);
    if ((annRaw && !ann) || (mapRaw && !map)) {
      problems.push({ path: file, error: `${file}:${st.line}: [${st.name}]: annotations are not valid JSON` });
      return undefined;
    }
    const on = (k: string) => ['1', 'true'].includes((st.keys.get(k) ?? '').toLowerCase());
    const alerting =
      scheduledAlerts && on('is_scheduled') && (on('alert.track') || (st.keys.get('actions') ?? '').trim() !== '');
    const isDetection =
      st.keys.get('action.correlationsearch.enabled') === '1' || ann !== undefined || map !== undefined || alerting;
    if (!isDetection) return undefined;
    const attackIds = [...strings(ann?.mitre_attack), ...strings(map?.mitre_attack)];
    const dataModels = jsonObject(`{"d":${st.keys.get('action.escu.data_models') ?? '[]'}}`)?.d;
    const severity = st.keys.get('action.notable.param.severity') ?? st.keys.get('alert.severity');
    const disabled = st.keys.get('disabled');
    const reads = splReads(search);
    return {
      file,
      line: st.line,
      format: 'splunk-conf',
      id: st.name,
      title: st.keys.get('action.correlationsearch.label') ?? st.name,
      level: severity ? (URGENCY[severity.toLowerCase()] ?? normaliseLevel(severity)) : undefined,
      logsource: splunkLogSource(
        strings(ann?.data_source),
        `${search} ${strings(dataModels)
          .map((d) => `datamodel=${d}`)
          .join(' ')}`,
      ),
      fields: splFields(search),
      techniques: techniquesOf(attackIds),
      tactics: [],
      owasp: uniq([...strings(ann?.owasp), ...strings(map?.owasp)].flatMap(owaspFromExplicitTag)),
      correlation: /datamodel[=\s:]+"?Risk/i.test(search),
      disabled: disabled === '1' || disabled === 'true',
      tags: attackIds,
      ...(reads.indices.length > 0 || reads.sourcetypes.length > 0 ? { reads } : {}),
    };
  }
}
