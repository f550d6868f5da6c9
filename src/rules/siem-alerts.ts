// What the SIEM's rules really raised: alert counts per rule over the last 30 whole days, read from the SIEM's own
// read-only answers (Elastic Security's alerts index and the Wazuh indexer's wazuh-alerts-* through a count
// aggregation; Splunk's audit index of fired alerts; Sentinel's SecurityAlert table through the Log Analytics query
// API; OpenSearch Security Analytics findings per detector, src/collect/sa-findings.ts). These are the measured
// alert-volume and noisy-rule figures the SOAR gate prefers over an estimate.

import type { AlertCounts, SiemAlertDetail, SiemAlertSummary } from '../model.js';
import { evidenceBody, readSentinelAlertRules } from './siem-api.js';

export type { AlertCounts, RuleAlertCount, SiemAlertDetail, SiemAlertSummary } from '../model.js';

/** Every alert-count query covers the 30 whole days before the day of the scan (now-30d/d .. now/d; -30d@d .. @d). */
export const ALERT_WINDOW_DAYS = 30;

/** The probes whose stored answers hold alert counts per rule. */
export const SIEM_ALERT_PROBES: ReadonlySet<string> = new Set([
  'es-security-alert-counts',
  'splunk-alert-history',
  'wazuh-alert-counts',
  'sentinel-alert-counts',
  'os-sa-finding-counts',
]);

/** One Security Analytics detector's findings over the window, per rule and day (src/collect/sa-findings.ts). */
export interface SaDetectorCount {
  id: string;
  name: string;
  /** The first page's request line. */
  request: string;
  /** counted: every finding read; capped: pages or size cap reached first; failed: a page was not answered. */
  status: 'counted' | 'capped' | 'failed';
  reason?: string;
  total_findings?: number;
  findings_read?: number;
  /** Findings raised inside the window (older versions answer every finding). */
  findings_counted?: number;
  rules: { id: string; name: string; findings: number; days: Record<string, number> }[];
}

/** The fan-out probe's document: what each enabled detector raised; disabled detectors are named, not asked. */
export interface SaFindingsDocument {
  security_analytics_findings: {
    window: { start: string; end: string; days: number };
    detectors: SaDetectorCount[];
    disabled_detectors: string[];
  };
}

/** The answer holds no alert index at all (a plain OpenSearch cluster asked for wazuh-alerts-*): nothing to count. */
export class NoAlertIndexError extends Error {}

const perDay = (n: number) => Math.round((n / ALERT_WINDOW_DAYS) * 100) / 100;

/** A rule's label, its alert count and, when the answer names it, the SIEM's id of the rule. */
type RulePair = [string, number, string?];

function counts(
  source: string,
  total: number,
  pairs: RulePair[],
  other: number,
  busiest = new Map<string, { day: string; alerts: number }>(),
): AlertCounts {
  const rules = pairs
    .filter(([, n]) => n > 0)
    .map(([rule, alerts, id]) => {
      const peak = busiest.get(rule);
      return {
        rule,
        ...(id ? { rule_id: id } : {}),
        alerts,
        per_day: perDay(alerts),
        ...(peak ? { busiest_day: peak } : {}),
      };
    })
    .sort((a, b) => b.alerts - a.alerts || a.rule.localeCompare(b.rule));
  return { source, window_days: ALERT_WINDOW_DAYS, total, per_day: perDay(total), rules, other_alerts: other };
}

interface EsBucket {
  key?: unknown;
  doc_count?: unknown;
  title?: { buckets?: { key?: unknown }[] };
}

/**
 * Elasticsearch/OpenSearch `_search` with `aggregations.rules.buckets` ({ key, doc_count }) and hits.total. Wazuh
 * buckets are rule ids with the rule's description in a `title` sub-aggregation: "5710 sshd: Attempt to login ...".
 */
function readEs(text: string, source: string): AlertCounts {
  const j = JSON.parse(text) as {
    timed_out?: boolean;
    _shards?: { total?: number };
    hits?: { total?: number | { value?: number } };
    aggregations?: { rules?: { buckets?: EsBucket[]; sum_other_doc_count?: number } };
  };
  if (j.timed_out === true) throw new Error('the alert count search timed out on the cluster (timed_out: true)');
  if (j._shards?.total === 0) throw new NoAlertIndexError(`${source}: no such index on this cluster`);
  const agg = j.aggregations?.rules;
  if (!agg || !Array.isArray(agg.buckets)) throw new Error('the answer has no aggregations.rules.buckets');
  const label = (b: EsBucket) => {
    const title = b.title?.buckets?.[0]?.key;
    return typeof title === 'string' && title ? `${String(b.key)} ${title}` : String(b.key);
  };
  const pairs = agg.buckets
    .filter((b) => (typeof b.key === 'string' || typeof b.key === 'number') && typeof b.doc_count === 'number')
    .map((b): [string, number] => [label(b), b.doc_count as number]);
  const t = j.hits?.total;
  const total =
    typeof t === 'number' ? t : typeof t?.value === 'number' ? t.value : pairs.reduce((s, [, n]) => s + n, 0);
  return counts(source, total, pairs, agg.sum_other_doc_count ?? 0);
}

/** Sentinel analytics rule id (lower-cased) -> display name, from the Azure alertRules answer (`name` is the id). */
export function sentinelRuleNames(rulesText: string | undefined): ReadonlyMap<string, string> {
  if (!rulesText) return new Map();
  const { rules } = readSentinelAlertRules(rulesText, 'sentinel-alert-rules');
  return new Map(rules.map((r) => [r.id.toLowerCase(), r.title]));
}

/**
 * The analytics rule ids of one SecurityAlert group: ExtendedProperties' "Analytic Rule Ids" is a JSON array string
 * (`["73e01a99-..."]`); the query falls back to AlertType for scheduled alerts, `<workspace id>_<rule id>`.
 */
function sentinelRuleIds(value: string): string[] {
  const text = value.trim();
  if (text.startsWith('[')) {
    try {
      const ids = JSON.parse(text) as unknown;
      return Array.isArray(ids) ? ids.filter((i): i is string => typeof i === 'string' && i !== '') : [];
    } catch {
      return [];
    }
  }
  const m = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}_(.+)$/i.exec(text);
  return m ? [m[1]!] : [];
}

/**
 * Log Analytics query API: `{ tables: [{ name, columns: [{ name, type }], rows: [[...]] }] }`; a failed or partial
 * query carries `error` (a partial answer is refused: its counts would be too low). Alerts are counted per analytics
 * rule id (the `RuleIds` column): an alert's name can differ from its rule's (alert details override, dynamic names).
 * A rule is named from the Azure alertRules list when it was read, else by ExtendedProperties' "Analytic Rule Name"
 * (`RuleName`), else by an alert's name. Alerts without a rule id (ingested from other products) and answers stored
 * before the query carried `RuleIds` are counted per AlertName, and the basis says so.
 */
function readSentinel(text: string, ruleNames: ReadonlyMap<string, string>): AlertCounts {
  const j = JSON.parse(text) as {
    error?: { code?: string; message?: string; details?: { message?: string }[] };
    tables?: { columns?: { name?: string }[]; rows?: unknown[][] }[];
  };
  if (j.error) {
    const why = j.error.details?.[0]?.message ?? j.error.message ?? '';
    throw new Error(`the query failed (${j.error.code ?? 'error'}${why ? `: ${why}` : ''})`);
  }
  const table = j.tables?.[0];
  const cols = (table?.columns ?? []).map((c) => c.name);
  const at = (name: string) => cols.indexOf(name);
  const countAt = cols.findIndex((c) => c === 'count' || c === 'count_');
  if (!table || !Array.isArray(table.rows) || at('AlertName') < 0 || countAt < 0)
    throw new Error('the answer has no table with AlertName and count columns');
  const cell = (r: unknown[], col: string): string => {
    const v = at(col) >= 0 ? r[at(col)] : undefined;
    return typeof v === 'string' ? v : '';
  };
  const perRule = new Map<string, RulePair>();
  let total = 0;
  let byName = 0;
  for (const r of table.rows) {
    const n = Number(r[countAt]);
    if (!Number.isFinite(n)) continue;
    total += n;
    const alertName = String(r[at('AlertName')]);
    const ids = sentinelRuleIds(cell(r, 'RuleIds'));
    if (ids.length === 0) {
      byName += n;
      const seen = perRule.get(`name:${alertName}`);
      perRule.set(`name:${alertName}`, [alertName, (seen?.[1] ?? 0) + n]);
    }
    // An alert that names two rules counts for each of them; the total counts it once.
    for (const id of ids) {
      const seen = perRule.get(`id:${id.toLowerCase()}`);
      const name = ruleNames.get(id.toLowerCase()) || cell(r, 'RuleName') || seen?.[0] || alertName;
      perRule.set(`id:${id.toLowerCase()}`, [name, (seen?.[1] ?? 0) + n, id]);
    }
  }
  const basis =
    at('RuleIds') < 0
      ? 'per alert name (the answer has no RuleIds column, so alerts are not joined to their analytics rules)'
      : `per analytics rule id${ruleNames.size > 0 ? ', named from the Azure alertRules list' : ''}` +
        (byName > 0 ? `; ${byName} alerts without a rule id (ingested from other products) per alert name` : '');
  return { ...counts('Sentinel SecurityAlert (Log Analytics)', total, [...perRule.values()], 0), basis };
}

/** Splunk search export: one JSON object per line, `result: { ss_name, count }`; a failed search carries messages. */
function readSplunk(text: string): AlertCounts {
  const pairs: [string, number][] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const row = JSON.parse(line) as {
      result?: { ss_name?: unknown; count?: unknown };
      messages?: { type: string; text: string }[];
    };
    const fatal = row.messages?.find((m) => m.type === 'FATAL' || m.type === 'ERROR');
    if (fatal) throw new Error(`search failed: ${fatal.text}`);
    const r = row.result;
    const n = Number(r?.count);
    if (r && typeof r.ss_name === 'string' && Number.isFinite(n)) pairs.push([r.ss_name, n]);
  }
  return counts(
    'Splunk _audit (action=alert_fired)',
    pairs.reduce((s, [, n]) => s + n, 0),
    pairs,
    0,
  );
}

/**
 * Security Analytics findings per rule ("<rule id> <title>", like Wazuh's), summed over the detectors that were read
 * whole; a rule two detectors run counts in both. The total is the findings themselves (a finding naming two rules
 * is one alert). A detector whose chain was cut or failed is listed as inconclusive, never counted as zero; when no
 * detector could be counted, nothing is.
 */
function readSaFindings(text: string): AlertCounts {
  const doc = (JSON.parse(text) as Partial<SaFindingsDocument>).security_analytics_findings;
  if (!doc || !Array.isArray(doc.detectors))
    throw new Error('the answer is not a security_analytics_findings document');
  if (doc.detectors.length === 0)
    throw new NoAlertIndexError('no enabled Security Analytics detector: nothing raises findings');
  const counted = doc.detectors.filter((d) => d.status === 'counted');
  const inconclusive = doc.detectors
    .filter((d) => d.status !== 'counted')
    .map((d) => `detector ${d.name} (${d.id}) ${d.status}: ${d.reason ?? 'no reason given'}`);
  if (counted.length === 0) throw new Error(`no detector's findings could be counted: ${inconclusive.join('; ')}`);
  const perRule = new Map<string, { alerts: number; days: Map<string, number> }>();
  for (const d of counted)
    for (const r of d.rules) {
      const label = r.name && r.name !== r.id ? `${r.id} ${r.name}` : r.id;
      const e = perRule.get(label) ?? { alerts: 0, days: new Map<string, number>() };
      e.alerts += r.findings;
      for (const [day, n] of Object.entries(r.days)) e.days.set(day, (e.days.get(day) ?? 0) + n);
      perRule.set(label, e);
    }
  const busiest = new Map<string, { day: string; alerts: number }>();
  for (const [label, e] of perRule) {
    const [day, alerts] = [...e.days].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0] ?? ['', 0];
    if (alerts > 0) busiest.set(label, { day, alerts });
  }
  const c = counts(
    'OpenSearch Security Analytics findings',
    counted.reduce((s, d) => s + (d.findings_counted ?? 0), 0),
    [...perRule].map(([label, e]): [string, number] => [label, e.alerts]),
    0,
    busiest,
  );
  return inconclusive.length > 0 ? { ...c, inconclusive } : c;
}

/**
 * Reads one probe's answer (raw or as stored evidence); throws with the reason when it cannot be read. `rulesText` is
 * the same SIEM's rule list where alerts are keyed by rule id (Sentinel's alertRules), to name the rules.
 */
export function readAlertCounts(probe: string, text: string, rulesText?: string): AlertCounts {
  const b = evidenceBody(text);
  if (probe === 'es-security-alert-counts') return readEs(b, 'Elastic Security alerts index');
  if (probe === 'wazuh-alert-counts') return readEs(b, 'Wazuh indexer (wazuh-alerts-*)');
  if (probe === 'sentinel-alert-counts') return readSentinel(b, sentinelRuleNames(rulesText));
  if (probe === 'splunk-alert-history') return readSplunk(b);
  if (probe === 'os-sa-finding-counts') return readSaFindings(b);
  throw new Error(`${probe} is not an alert-count probe`);
}

/**
 * The analyses.siem_alerts section: per SIEM target its counts, summed; unreadable answers are problems. `rulesText`
 * is the target's rule list where the counts are keyed by rule id (see readAlertCounts).
 */
export function siemAlertSection(answers: { target: string; probe: string; text: string; rulesText?: string }[]): {
  summary: SiemAlertSummary;
  details: SiemAlertDetail[];
  problems: { path: string; error: string }[];
} {
  const details: SiemAlertDetail[] = [];
  const problems: { path: string; error: string }[] = [];
  for (const a of answers) {
    try {
      const c = readAlertCounts(a.probe, a.text, a.rulesText);
      details.push({ target: a.target, probe: a.probe, ...c });
      // Counted in part: the detail holds what was read, the problems say what was not (never a zero).
      for (const why of c.inconclusive ?? []) problems.push({ path: `${a.target}/${a.probe}`, error: why });
    } catch (e) {
      if (e instanceof NoAlertIndexError) continue;
      problems.push({ path: `${a.target}/${a.probe}`, error: (e as Error).message });
    }
  }
  const alerts = details.reduce((s, d) => s + d.total, 0);
  return {
    summary: {
      targets: details.length,
      window_days: ALERT_WINDOW_DAYS,
      alerts,
      alerts_per_day: perDay(alerts),
      rules_alerting: details.reduce((s, d) => s + d.rules.length, 0),
    },
    details,
    problems,
  };
}
