// What the SIEM's rules really raised: alert counts per rule over the last 30 whole days, read from the SIEM's own
// read-only answers (Elastic Security's alerts index and the Wazuh indexer's wazuh-alerts-* through a count
// aggregation; Splunk's audit index of fired alerts; Sentinel's SecurityAlert table through the Log Analytics query
// API; OpenSearch Security Analytics findings per detector, src/collect/sa-findings.ts). These are the measured
// alert-volume and noisy-rule figures the SOAR gate prefers over an estimate.

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

function counts(
  source: string,
  total: number,
  pairs: [string, number][],
  other: number,
  busiest = new Map<string, { day: string; alerts: number }>(),
): AlertCounts {
  const rules = pairs
    .filter(([, n]) => n > 0)
    .map(([rule, alerts]) => {
      const peak = busiest.get(rule);
      return { rule, alerts, per_day: perDay(alerts), ...(peak ? { busiest_day: peak } : {}) };
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

/** Reads one probe's answer (raw or as stored evidence); throws with the reason when it cannot be read. */
export function readAlertCounts(probe: string, text: string): AlertCounts {
  const b = evidenceBody(text);
  if (probe === 'es-security-alert-counts') return readEs(b, 'Elastic Security alerts index');
  if (probe === 'wazuh-alert-counts') return readEs(b, 'Wazuh indexer (wazuh-alerts-*)');
  if (probe === 'sentinel-alert-counts') return readSentinel(b);
  if (probe === 'splunk-alert-history') return readSplunk(b);
  if (probe === 'os-sa-finding-counts') return readSaFindings(b);
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
      const c = readAlertCounts(a.probe, a.text);
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
