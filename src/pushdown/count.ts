// The read-only count path: per rule, one search asking the SIEM how many events matched per day over a window, built
// in the SIEM's own language, and the parsing of each product's documented answer. No events are fetched.
import type { SearchAnswer, SearchRequest } from '../collect/api-source.js';
import type { Language } from './targets.js';

const DAY_MS = 86_400_000;

export interface CountWindow {
  /** Inclusive start and exclusive end, both at 00:00 UTC: whole days only. */
  start: Date;
  end: Date;
  days: number;
}

/** The last `days` complete UTC days before `now` (an injected clock). */
export function countWindow(now: Date, days: number): CountWindow {
  const end = new Date(Math.floor(now.getTime() / DAY_MS) * DAY_MS);
  return { start: new Date(end.getTime() - days * DAY_MS), end, days };
}

export interface DayCount {
  day: string;
  count: number;
}

export interface Counts {
  per_day: DayCount[];
  total: number;
  /** Set when the SIEM answered but said the answer is incomplete (timed out, failed shards, partial error). */
  partial?: string;
}

/** Every day of the window, with the SIEM's counts filled in (days it did not list had no matches). */
function fillDays(window: CountWindow, got: Map<string, number>): DayCount[] {
  const out: DayCount[] = [];
  for (let t = window.start.getTime(); t < window.end.getTime(); t += DAY_MS) {
    const day = new Date(t).toISOString().slice(0, 10);
    out.push({ day, count: got.get(day) ?? 0 });
  }
  return out;
}

function counts(window: CountWindow, got: Map<string, number>, partial?: string): Counts {
  const per_day = fillDays(window, got);
  const inWindow = new Set(per_day.map((d) => d.day));
  const outside = [...got.keys()].filter((d) => !inWindow.has(d));
  if (outside.length)
    throw new SiemAnswerError(`the answer has days outside the window asked for: ${outside.slice(0, 3).join(', ')}`);
  return { per_day, total: per_day.reduce((n, d) => n + d.count, 0), ...(partial ? { partial } : {}) };
}

export class SiemAnswerError extends Error {
  override name = 'SiemAnswerError';
}

function json(body: string, what: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    throw new SiemAnswerError(`${what} answer is not JSON: ${body.slice(0, 120)}`);
  }
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

// ---------- Elasticsearch / OpenSearch ----------

/**
 * `_search` with size 0: the rule's query (Query DSL, or Lucene as query_string), a range on @timestamp and a daily
 * date_histogram (UTC).
 */
export function elasticSearchRequest(
  query: { dsl: string } | { lucene: string },
  index: string,
  window: CountWindow,
  timeoutMs: number,
): SearchRequest {
  const start = window.start.toISOString();
  const end = window.end.toISOString();
  const body = {
    size: 0,
    track_total_hits: true,
    timeout: `${Math.max(1, Math.floor(timeoutMs / 1000))}s`,
    query: {
      bool: {
        filter: [
          'dsl' in query
            ? JSON.parse(query.dsl)
            : { query_string: { query: query.lucene, analyze_wildcard: true, allow_leading_wildcard: true } },
          { range: { '@timestamp': { gte: start, lt: end, format: 'strict_date_optional_time' } } },
        ],
      },
    },
    aggs: {
      per_day: {
        date_histogram: {
          field: '@timestamp',
          calendar_interval: '1d',
          time_zone: 'UTC',
          min_doc_count: 0,
          extended_bounds: { min: start, max: new Date(window.end.getTime() - 1).toISOString() },
        },
      },
    },
  };
  return {
    path: `/${index}/_search`,
    contentType: 'application/json',
    body: JSON.stringify(body),
    timeoutMs: timeoutMs + Math.min(5_000, timeoutMs),
  };
}

export function parseElasticSearch(body: string, window: CountWindow): Counts {
  const j = json(body, 'Elasticsearch _search');
  if (!isObj(j)) throw new SiemAnswerError('Elasticsearch _search answer is not an object');
  const buckets = (j.aggregations as { per_day?: { buckets?: unknown } } | undefined)?.per_day?.buckets;
  if (!Array.isArray(buckets))
    throw new SiemAnswerError('Elasticsearch _search answer has no aggregations.per_day.buckets');
  const got = new Map<string, number>();
  for (const b of buckets) {
    if (
      !isObj(b) ||
      typeof b.doc_count !== 'number' ||
      (typeof b.key !== 'number' && typeof b.key_as_string !== 'string')
    )
      throw new SiemAnswerError('a date_histogram bucket lacks key or doc_count');
    const day =
      typeof b.key === 'number' ? new Date(b.key).toISOString().slice(0, 10) : String(b.key_as_string).slice(0, 10);
    got.set(day, (got.get(day) ?? 0) + b.doc_count);
  }
  const shards = j._shards as { failed?: number; total?: number } | undefined;
  const partial =
    j.timed_out === true
      ? 'the search timed out on the cluster: counts are partial'
      : shards?.failed
        ? `${shards.failed} of ${shards.total} shard(s) failed: counts are partial`
        : undefined;
  return counts(window, got, partial);
}

/** ES|QL `_query`: the rule's WHERE, a time filter and STATS count BY BUCKET(@timestamp, 1 day). */
export function esqlRequest(esql: string, window: CountWindow, timeoutMs: number, correlation = false): SearchRequest {
  const [from, ...rest] = esql.split(' | WHERE ');
  const where = rest.join(' | WHERE ');
  // A correlation's rows are its groups that met the condition, each at the start of its time bucket.
  const time = correlation ? 'timebucket' : '@timestamp';
  const query =
    `${from} | WHERE @timestamp >= "${window.start.toISOString()}" AND @timestamp < "${window.end.toISOString()}"` +
    ` | WHERE ${where} | STATS count = COUNT(*) BY day = BUCKET(${time}, 1 day)`;
  return { path: '/_query', contentType: 'application/json', body: JSON.stringify({ query }), timeoutMs };
}

export function parseEsql(body: string, window: CountWindow): Counts {
  const j = json(body, 'ES|QL');
  if (!isObj(j) || !Array.isArray(j.columns) || !Array.isArray(j.values))
    throw new SiemAnswerError('ES|QL answer has no columns/values');
  const names = (j.columns as { name?: string }[]).map((c) => c.name);
  const ci = names.indexOf('count');
  const di = names.indexOf('day');
  if (ci < 0 || di < 0) throw new SiemAnswerError('ES|QL answer lacks the count or day column');
  const got = new Map<string, number>();
  for (const row of j.values as unknown[][]) got.set(String(row[di]).slice(0, 10), Number(row[ci]));
  return counts(window, got, j.is_partial === true ? 'ES|QL says the answer is partial' : undefined);
}

// ---------- Splunk ----------

/**
 * Search export (output_mode=json): `search <spl> | bin _time span=1d | stats count by _time` over earliest..latest.
 */
export function splunkExportRequest(
  spl: string,
  window: CountWindow,
  index: string | undefined,
  timeoutMs: number,
): SearchRequest {
  const [first, ...pipes] = spl.split('\n');
  const where = index ? `index=${JSON.stringify(index)} ` : '';
  // A temporal correlation starts with `| multisearch [ search ... ]`: the index goes into each subsearch.
  const lines = first!.startsWith('|')
    ? [first!, ...pipes.map((l) => (l.startsWith('[ search ') ? `[ search ${where}${l.slice(9)}` : l))]
    : [`search ${where}${first}`, ...pipes];
  const search = [...lines, '| bin _time span=1d', '| stats count by _time'].join('\n');
  const form = new URLSearchParams({
    search,
    earliest_time: window.start.toISOString(),
    latest_time: window.end.toISOString(),
    // The user's time zone would shift day boundaries: epoch seconds are unambiguous.
    time_format: '%s',
    output_mode: 'json',
    max_time: String(Math.max(1, Math.floor(timeoutMs / 1000))),
  });
  return {
    path: '/services/search/v2/jobs/export',
    contentType: 'application/x-www-form-urlencoded',
    body: form.toString(),
    timeoutMs: timeoutMs + Math.min(5_000, timeoutMs),
  };
}

export function parseSplunkExport(body: string, window: CountWindow): Counts {
  const got = new Map<string, number>();
  let partial: string | undefined;
  for (const line of body.split('\n')) {
    if (!line.trim()) continue;
    const j = json(line, 'Splunk export');
    if (!isObj(j)) continue;
    if (Array.isArray(j.messages)) {
      for (const m of j.messages as { type?: string; text?: string }[]) {
        if (m.type === 'FATAL' || m.type === 'ERROR') throw new SiemAnswerError(`Splunk: ${m.text ?? m.type}`);
        if (m.type === 'WARN' && /auto-finaliz|time limit|max_time|truncat/i.test(m.text ?? ''))
          partial = `Splunk: ${m.text}`;
      }
    }
    // Export streams previews before the final results; only final rows count.
    if (j.preview === true || !isObj(j.result)) continue;
    const r = j.result as Record<string, unknown>;
    const t = Number(r._time);
    const n = Number(r.count);
    if (!Number.isFinite(t) || !Number.isFinite(n))
      throw new SiemAnswerError(`Splunk result row without numeric _time/count: ${line.slice(0, 120)}`);
    const day = new Date(t * 1000).toISOString().slice(0, 10);
    got.set(day, (got.get(day) ?? 0) + n);
  }
  return counts(window, got, partial);
}

// ---------- Microsoft Sentinel (Log Analytics query API) ----------

export function sentinelRequest(kql: string, window: CountWindow, timeoutMs: number): SearchRequest {
  const start = window.start.toISOString();
  const end = window.end.toISOString();
  const query =
    `${kql}\n| where TimeGenerated >= datetime(${start}) and TimeGenerated < datetime(${end})\n| summarize ` +
    'count_ = count() by bin(TimeGenerated, 1d)';
  return {
    path: '/query',
    contentType: 'application/json',
    body: JSON.stringify({ query, timespan: `${start}/${end}` }),
    timeoutMs,
  };
}

export function parseSentinel(body: string, window: CountWindow): Counts {
  const j = json(body, 'Log Analytics');
  if (!isObj(j) || !Array.isArray(j.tables) || !isObj(j.tables[0]))
    throw new SiemAnswerError('Log Analytics answer has no tables');
  const t = j.tables[0] as { columns?: { name?: string }[]; rows?: unknown[][] };
  const names = (t.columns ?? []).map((c) => c.name);
  const ti = names.indexOf('TimeGenerated');
  const ci = names.indexOf('count_');
  if (ti < 0 || ci < 0) throw new SiemAnswerError('Log Analytics answer lacks the TimeGenerated or count_ column');
  const got = new Map<string, number>();
  for (const row of t.rows ?? []) got.set(String(row[ti]).slice(0, 10), Number(row[ci]));
  const err = isObj(j.error)
    ? 'Log Analytics partial error: ' +
      `${String((j.error as { message?: unknown }).message ?? (j.error as { code?: unknown }).code)}`
    : undefined;
  return counts(window, got, err);
}

// ---------- dispatch ----------

export interface CountPlan {
  language: Language;
  request: SearchRequest;
  parse: (body: string, window: CountWindow) => Counts;
}

export function planCount(
  language: Language,
  query: string,
  window: CountWindow,
  opts: { index: string; splunkIndex?: string; timeoutMs: number; correlation?: boolean },
): CountPlan {
  switch (language) {
    case 'dsl':
      return {
        language,
        request: elasticSearchRequest({ dsl: query }, opts.index, window, opts.timeoutMs),
        parse: parseElasticSearch,
      };
    case 'lucene':
      return {
        language,
        request: elasticSearchRequest({ lucene: query }, opts.index, window, opts.timeoutMs),
        parse: parseElasticSearch,
      };
    case 'esql':
      return {
        language,
        request: esqlRequest(query, window, opts.timeoutMs, opts.correlation),
        parse: parseEsql,
      };
    case 'spl':
      return {
        language,
        request: splunkExportRequest(query, window, opts.splunkIndex, opts.timeoutMs),
        parse: parseSplunkExport,
      };
    case 'kql':
      return { language, request: sentinelRequest(query, window, opts.timeoutMs), parse: parseSentinel };
  }
}

/** Reads a search answer into counts, or says why there are none (HTTP error, refused, unreadable). */
export function readAnswer(plan: CountPlan, answer: SearchAnswer, window: CountWindow): Counts | { error: string } {
  if (answer.error) return { error: `${answer.error.kind}: ${answer.error.message}` };
  if (answer.truncated) return { error: 'the answer exceeded the size cap and was cut: counts not read' };
  try {
    return plan.parse(answer.body, window);
  } catch (e) {
    if (e instanceof SiemAnswerError) return { error: e.message };
    throw e;
  }
}
