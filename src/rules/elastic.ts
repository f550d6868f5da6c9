// Elastic detection-rules TOML files ([metadata] + [rule] with [[rule.threat]] ATT&CK mappings).
import { owaspFromExplicitTag } from '../attack/owasp.js';
import type { LogSourceRef } from '../model.js';
import {
  type DetectionRule,
  normaliseLevel,
  normaliseTechniqueId,
  type RuleProblem,
  tacticShortname,
  uniq,
} from './model.js';
import { SYSMON_CATEGORY } from './sysmon.js';
import { parseToml, type TomlTable, TomlError, type TomlValue } from './toml.js';

const EQL_CATEGORY: Record<string, string> = {
  process: 'process_creation',
  network: 'network_connection',
  file: 'file_event',
  registry: 'registry_event',
  library: 'image_load',
  dns: 'dns_query',
  authentication: 'authentication',
  driver: 'driver_load',
};

function asTable(v: TomlValue | undefined): TomlTable | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) ? v : undefined;
}
function asTables(v: TomlValue | undefined): TomlTable[] {
  return Array.isArray(v)
    ? v.filter((x): x is TomlTable => typeof x === 'object' && x !== null && !Array.isArray(x))
    : [];
}
function asStrings(v: TomlValue | undefined): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : [];
}

/** ECS field names a KQL/EQL/ES|QL query reads (dotted lower-case names outside string literals). */
export function queryFields(query: string): string[] {
  const noStrings = query.replace(/"""[\s\S]*?"""|"(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*'/g, ' ');
  const out = new Set<string>();
  for (const m of noStrings.matchAll(/(?<![\w.@])([a-z_@][a-z0-9_]*(?:\.[a-z0-9_]+)+)(?![\w(])/g)) out.add(m[1]!);
  return [...out].sort();
}

function logSourceOf(rule: TomlTable, metadata: TomlTable | undefined, tags: string[], query: string): LogSourceRef {
  const ls: LogSourceRef = {};
  const os = tags.find((t) => /^os:\s*/i.test(t));
  if (os)
    ls.product = os
      .replace(/^os:\s*/i, '')
      .trim()
      .toLowerCase();
  else {
    const integ = asStrings(metadata?.integration)[0];
    if (integ) ls.product = integ.toLowerCase();
  }
  const eql = /^\s*(?:sequence[\s\S]*?\[\s*)?([a-z_]+)\s+where\b/i.exec(query);
  const kql = /event\.category\s*[:=]{1,2}\s*\(?\s*"?([a-z_]+)/i.exec(query);
  const cat = (eql?.[1] ?? kql?.[1])?.toLowerCase();
  // Sysmon events carry their event ID; it names the Sigma category more precisely than the ECS category does.
  const sysmonId = /event\.code\s*(?:==|:)\s*\(?\s*"?(\d+)"?/.exec(query);
  const sysmon = tags.some((t) => /sysmon/i.test(t)) || asStrings(rule.index).some((i) => /sysmon/i.test(i));
  if (sysmon && sysmonId && SYSMON_CATEGORY[Number(sysmonId[1])]) ls.category = SYSMON_CATEGORY[Number(sysmonId[1])];
  else if (cat && EQL_CATEGORY[cat]) ls.category = EQL_CATEGORY[cat];
  else if (typeof rule.type === 'string' && rule.type === 'machine_learning') ls.category = 'machine_learning';
  return ls;
}

/** Reads one Elastic rule file; an unreadable file becomes a problem naming line and column. */
export function readElasticText(text: string, file: string): { rules: DetectionRule[]; problems: RuleProblem[] } {
  let doc: TomlTable;
  try {
    doc = parseToml(text);
  } catch (e) {
    const msg = e instanceof TomlError ? `${file}:${e.message}` : `${file}: ${(e as Error).message}`;
    return { rules: [], problems: [{ path: file, error: `TOML syntax: ${msg}` }] };
  }
  const rule = asTable(doc.rule);
  const metadata = asTable(doc.metadata);
  if (!rule) return { rules: [], problems: [{ path: file, error: `${file}: missing [rule] table` }] };
  return elasticRule(rule, metadata, file);
}

/**
 * One Elastic rule from its fields: the [rule] table of a detection-rules TOML file, or one element of Kibana's
 * detection engine API (`GET /api/detection_engine/rules/_find`), which carries the same fields plus `enabled`.
 */
export function elasticRule(
  rule: TomlTable,
  metadata: TomlTable | undefined,
  file: string,
): { rules: DetectionRule[]; problems: RuleProblem[] } {
  const name = typeof rule.name === 'string' ? rule.name : undefined;
  const id = typeof rule.rule_id === 'string' ? rule.rule_id : undefined;
  if (!name || !id)
    return {
      rules: [],
      problems: [{ path: file, error: `${file}: rule.${name ? 'rule_id' : 'name'}: missing required field` }],
    };
  const techniques: string[] = [];
  const tactics: string[] = [];
  for (const threat of asTables(rule.threat)) {
    if (typeof threat.framework === 'string' && !/att&ck/i.test(threat.framework)) continue;
    const tactic = asTable(threat.tactic);
    if (tactic && typeof tactic.name === 'string') tactics.push(tacticShortname(tactic.name));
    for (const tech of asTables(threat.technique)) {
      const t = typeof tech.id === 'string' ? normaliseTechniqueId(tech.id) : undefined;
      if (t) techniques.push(t);
      for (const sub of asTables(tech.subtechnique)) {
        const s = typeof sub.id === 'string' ? normaliseTechniqueId(sub.id) : undefined;
        if (s) techniques.push(s);
      }
    }
  }
  const tags = asStrings(rule.tags);
  const query = typeof rule.query === 'string' ? rule.query : '';
  const required = asTables(rule.required_fields)
    .map((f) => f.name)
    .filter((n): n is string => typeof n === 'string');
  const fields = required.length > 0 ? required : queryFields(query);
  const maturity = typeof metadata?.maturity === 'string' ? metadata.maturity : undefined;
  const indices = asStrings(rule.index);
  const dataView = typeof rule.data_view_id === 'string' ? rule.data_view_id : undefined;
  return {
    rules: [
      {
        file,
        format: 'elastic',
        id,
        title: name,
        level: normaliseLevel(rule.severity),
        logsource: logSourceOf(rule, metadata, tags, query),
        fields: uniq(fields).sort(),
        techniques: uniq(techniques),
        tactics: uniq(tactics),
        owasp: uniq(tags.flatMap(owaspFromExplicitTag)),
        correlation: rule.type === 'threshold' || (rule.type === 'eql' && /^\s*sequence\b/i.test(query)),
        disabled: maturity === 'deprecated' || rule.enabled === false,
        tags,
        ...(indices.length > 0 || dataView
          ? { reads: { indices, sourcetypes: [], ...(dataView ? { data_view: dataView } : {}) } }
          : {}),
      },
    ],
    problems: [],
  };
}
