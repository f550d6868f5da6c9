// What the SIEM's rules really raised: alert counts per rule over the last 30 whole days, read from the SIEM's own
// read-only answers (Elastic Security's alerts index and the Wazuh indexer's wazuh-alerts-* through a count
// aggregation; Splunk's audit index of fired alerts; Sentinel's SecurityAlert table through the Log Analytics query
// API). These are the measured alert-volume and noisy-rule figures the SOAR gate prefers over an estimate.

import type { AlertCounts, SiemAlertDetail, SiemAlertSummary } from '../model.js';
import { evidenceBody } from './siem-api.js';

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

function counts(source: string, total: number, pairs: [string, number][], other: number): AlertCounts {
  const rules = pairs
    .filter(([, n]) => n > 0)
    .map(([rule, alerts]) => ({ rule, alerts, per_day: perDay(alerts) }))
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

/**
 * Log Analytics query API: `{ tables: [{ name, columns: [{ name, type }], rows: [[...]] }] }`; a failed or partial
 * query carries `error` (a partial answer is refused: its counts would be too low).
 */
function readSentinel(text: string): AlertCounts {
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
  const nameAt = cols.indexOf('AlertName');
  const countAt = cols.findIndex((c) => c === 'count' || c === 'count_');
  if (!table || !Array.isArray(table.rows) || nameAt < 0 || countAt < 0)
    throw new Error('the answer has no table with AlertName and count columns');
  const pairs = table.rows
    .map((r): [string, number] => [String(r[nameAt]), Number(r[countAt])])
    .filter(([, n]) => Number.isFinite(n));
  return counts(
    'Sentinel SecurityAlert (Log Analytics)',
    pairs.reduce((s, [, n]) => s + n, 0),
    pairs,
    0,
  );
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

/** Reads one probe's answer (raw or as stored evidence); throws with the reason when it cannot be read. */
export function readAlertCounts(probe: string, text: string): AlertCounts {
  const b = evidenceBody(text);
  if (probe === 'es-security-alert-counts') return readEs(b, 'Elastic Security alerts index');
  if (probe === 'wazuh-alert-counts') return readEs(b, 'Wazuh indexer (wazuh-alerts-*)');
  if (probe === 'sentinel-alert-counts') return readSentinel(b);
  if (probe === 'splunk-alert-history') return readSplunk(b);
  throw new Error(`${probe} is not an alert-count probe`);
}

/** The analyses.siem_alerts section: per SIEM target its counts, summed; unreadable answers are problems. */
export function siemAlertSection(answers: { target: string; probe: string; text: string }[]): {
  summary: SiemAlertSummary;
  details: SiemAlertDetail[];
  problems: { path: string; error: string }[];
} {
  const details: SiemAlertDetail[] = [];
  const problems: { path: string; error: string }[] = [];
  for (const a of answers) {
    try {
      details.push({ target: a.target, probe: a.probe, ...readAlertCounts(a.probe, a.text) });
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
