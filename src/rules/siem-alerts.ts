// What the SIEM's rules really raised: alert counts per rule over the last 30 whole days, read from the SIEM's own
// read-only answers (Elastic Security's alerts index and the Wazuh indexer's wazuh-alerts-* through a count
// aggregation; Splunk's audit index of fired alerts; Sentinel's SecurityAlert table through the Log Analytics query
// API). These are the measured alert-volume and noisy-rule figures the SOAR gate prefers over an estimate.

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
]);

/** The answer holds no alert index at all (a plain OpenSearch cluster asked for wazuh-alerts-*): nothing to count. */
export class NoAlertIndexError extends Error {}

const perDay = (n: number) => Math.round((n / ALERT_WINDOW_DAYS) * 100) / 100;

/** A rule's label, its alert count and, when the answer names it, the SIEM's id of the rule. */
type RulePair = [string, number, string?];

function counts(source: string, total: number, pairs: RulePair[], other: number): AlertCounts {
  const rules = pairs
    .filter(([, n]) => n > 0)
    .map(([rule, alerts, id]) => ({ rule, ...(id ? { rule_id: id } : {}), alerts, per_day: perDay(alerts) }))
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
 * Reads one probe's answer (raw or as stored evidence); throws with the reason when it cannot be read. `rulesText` is
 * the same SIEM's rule list where alerts are keyed by rule id (Sentinel's alertRules), to name the rules.
 */
export function readAlertCounts(probe: string, text: string, rulesText?: string): AlertCounts {
  const b = evidenceBody(text);
  if (probe === 'es-security-alert-counts') return readEs(b, 'Elastic Security alerts index');
  if (probe === 'wazuh-alert-counts') return readEs(b, 'Wazuh indexer (wazuh-alerts-*)');
  if (probe === 'sentinel-alert-counts') return readSentinel(b, sentinelRuleNames(rulesText));
  if (probe === 'splunk-alert-history') return readSplunk(b);
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
      details.push({ target: a.target, probe: a.probe, ...readAlertCounts(a.probe, a.text, a.rulesText) });
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
