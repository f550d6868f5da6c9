// What Splunk licensed per index and sourcetype over the last 30 whole days, from its licence usage log
// (splunk-license-usage-30d: `type=Usage` events of license_usage.log, bytes `b` per pool, index `idx`, sourcetype
// `st`, host `h` and source `s`, summed per day), and the licence headroom: the daily quota (licenser/usage) minus the
// busiest of those days. Splunk squashes `h` and `s` (blank) when an indexer reports too many distinct values; `st`
// and `idx` are kept, so the split by index and sourcetype stays exact and squashed bytes are only counted, not lost.
// No row at all is not zero bytes: the role may not search _internal, or the search head may not see the licence
// manager's _internal; the parser says so and the checks are inconclusive.
import { type Facts, InconclusiveError } from '../checks/types.js';
import { defineParser, type ParserModule } from '../parsers/define.js';
import { splunkExportRows } from '../parsers/products/splunk-export.js';
import { asRecord, type Outputs, otherProduct, readJson } from '../parsers/products/util.js';
import type { SourceVolume } from './logstat.js';
import { securityFamily } from './security-sources.js';
import { basis } from './basis.js';

const PROBE = 'splunk-license-usage-30d';
export const LICENCE_WINDOW_DAYS = 30;

export interface UsageRow {
  /** The licence day as the search head's clock bins it (YYYY-MM-DD of the bucket's _time). */
  day: string;
  pool: string;
  index: string;
  sourcetype: string;
  bytes: number;
  squashed: number;
}

/** The export stream (one `{ result }` or `{ messages }` object per line); a FATAL/ERROR message fails the read. */
export function licenceUsageRows(text: string): UsageRow[] {
  const rows: UsageRow[] = [];
  for (const { line, result: r } of splunkExportRows(text, PROBE)) {
    const day = /^(\d{4}-\d{2}-\d{2})/.exec(String(r._time ?? ''))?.[1];
    const bytes = Number(r.b);
    if (!day || !Number.isFinite(bytes)) {
      throw new InconclusiveError(`${PROBE}: line ${line} has no _time day or no numeric b`);
    }
    const squashed = Number(r.squashed_b);
    rows.push({
      day,
      pool: String(r.pool ?? '(unknown)'),
      index: String(r.idx ?? '(unknown)'),
      sourcetype: String(r.st ?? '(unknown)'),
      bytes,
      squashed: Number.isFinite(squashed) ? squashed : 0,
    });
  }
  return rows;
}

const NO_ROWS =
  `${PROBE}: no licence usage event in index=_internal over the last ${LICENCE_WINDOW_DAYS} whole days. This is ` +
  'not zero bytes: the role may not search _internal (srchIndexesAllowed), or this search head does not see the ' +
  "licence manager's _internal; give the read-only role _internal or point the target at the licence manager";

export interface DailyUsage {
  days: { day: string; bytes: number }[];
  peak: { day: string; bytes: number };
  mean: number;
}

/** Bytes per licence day over every pool, index and sourcetype; the busiest day and the mean over the days seen. */
export function dailyUsage(rows: UsageRow[]): DailyUsage {
  if (rows.length === 0) throw new InconclusiveError(NO_ROWS);
  const byDay = new Map<string, number>();
  for (const r of rows) byDay.set(r.day, (byDay.get(r.day) ?? 0) + r.bytes);
  const days = [...byDay.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([day, bytes]) => ({ day, bytes }));
  // The first of the busiest days: ties keep the earlier one, so the answer does not depend on row order.
  const peak = days.reduce((p, d) => (d.bytes > p.bytes ? d : p), days[0]!);
  return { days, peak, mean: days.reduce((s, d) => s + d.bytes, 0) / days.length };
}

type SourcetypeVolume = SourceVolume & {
  index: string;
  sourcetype: string;
  security: string | null;
  peak_bytes_per_day: number;
  squashed_bytes: number;
};

export function splunkIngestFacts(rows: UsageRow[]): Facts {
  const daily = dailyUsage(rows);
  const span = daily.days.length;
  const groups = new Map<string, { index: string; sourcetype: string; days: Map<string, number>; squashed: number }>();
  for (const r of rows) {
    const key = `${r.index}\u0000${r.sourcetype}`;
    const g = groups.get(key) ?? { index: r.index, sourcetype: r.sourcetype, days: new Map(), squashed: 0 };
    g.days.set(r.day, (g.days.get(r.day) ?? 0) + r.bytes);
    g.squashed += r.squashed;
    groups.set(key, g);
  }
  const sources: SourcetypeVolume[] = [...groups.values()]
    .map((g) => {
      const bytes = [...g.days.values()].reduce((s, b) => s + b, 0);
      const seen = [...g.days.keys()].sort();
      return {
        source: `${g.index} / ${g.sourcetype}`,
        index: g.index,
        sourcetype: g.sourcetype,
        security: securityFamily(g.sourcetype) ?? securityFamily(g.index) ?? null,
        files: 0,
        paths: [],
        bytes,
        // Licence days of the search head's clock (no time zone is claimed).
        first: seen[0]!,
        last: seen[seen.length - 1]!,
        span_hours: span * 24,
        // Over every licence day the log shows, not only the days this sourcetype arrived: a quiet day is 0 bytes.
        bytes_per_day: bytes / span,
        peak_bytes_per_day: Math.max(...g.days.values()),
        squashed_bytes: g.squashed,
        basis: basis(
          `licensed bytes (license_usage.log type=Usage, sum of b) over ${span} licence day(s), ` +
            `${seen[0]} to ${seen[seen.length - 1]}`,
          `ライセンス計上バイト数（license_usage.log type=Usage の b の合計）、ライセンス日 ${span} 日分` +
            `（${seen[0]}〜${seen[seen.length - 1]}）`,
        ),
      };
    })
    .sort((a, b) => b.bytes - a.bytes || a.source.localeCompare(b.source));
  return {
    applicable: true,
    volume: {
      window_days: LICENCE_WINDOW_DAYS,
      days: span,
      sources,
      daily: daily.days,
      mean_bytes_per_day: daily.mean,
      peak_day: daily.peak.day,
      peak_bytes_per_day: daily.peak.bytes,
      squashed_bytes: rows.reduce((s, r) => s + r.squashed, 0),
      pools: [...new Set(rows.map((r) => r.pool))].sort(),
      // Rows of 0 bytes are not a measurement of ingest.
      measured: sources.filter((x) => x.bytes > 0).length,
    },
  };
}

/** The licence quota (licenser/usage) against the busiest day of the last 30. */
export function licenceHeadroomFacts(licenserUsage: unknown, rows: UsageRow[]): Facts {
  const c = asRecord(asRecord((asRecord(licenserUsage).entry as unknown[] | undefined)?.[0]).content);
  const quota = Number(c.quota);
  if (!Number.isFinite(quota) || quota <= 0) {
    throw new InconclusiveError('splunk-license-usage: no daily quota in licenser/usage');
  }
  const daily = dailyUsage(rows);
  return {
    applicable: true,
    volume: {
      quota_bytes_per_day: quota,
      days: daily.days.length,
      peak_day: daily.peak.day,
      peak_bytes_per_day: daily.peak.bytes,
      mean_bytes_per_day: daily.mean,
      headroom_bytes_per_day: quota - daily.peak.bytes,
      peak_share: Math.round((daily.peak.bytes / quota) * 1000) / 1000,
      days_over_quota: daily.days.filter((d) => d.bytes > quota).map((d) => d.day),
    },
  };
}

function rowsOf(outputs: Outputs): UsageRow[] {
  const r = outputs[PROBE];
  if (!r) throw new InconclusiveError(`${PROBE}: not collected`);
  if (r.error) throw new InconclusiveError(`${PROBE}: ${r.error.kind}: ${r.error.message}`);
  if (r.truncated) throw new InconclusiveError(`${PROBE}: the answer was cut at the size cap`);
  return licenceUsageRows(r.stdout);
}

/** The sourcetypes each index received over the licence window (for the security retention check). */
export function sourcetypesByIndex(rows: UsageRow[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const r of rows) {
    if (r.bytes <= 0) continue;
    if (!out.has(r.index)) out.set(r.index, new Set());
    out.get(r.index)!.add(r.sourcetype);
  }
  return out;
}

export const splunkIngestParsers: readonly ParserModule[] = [
  defineParser({
    name: 'splunk-ingest-30d',
    probes: ['api-root', PROBE],
    facts: ['applicable', 'volume', 'volume.sources', 'volume.measured', 'volume.days', 'volume.peak_bytes_per_day'],
    parse: (outputs: Outputs) => otherProduct(outputs, [PROBE]) ?? splunkIngestFacts(rowsOf(outputs)),
  }),
  defineParser({
    name: 'splunk-licence-headroom',
    probes: ['api-root', 'splunk-license-usage', PROBE],
    facts: [
      'applicable',
      'volume',
      'volume.quota_bytes_per_day',
      'volume.peak_bytes_per_day',
      'volume.peak_day',
      'volume.headroom_bytes_per_day',
      'volume.peak_share',
      'volume.days_over_quota',
    ],
    parse: (outputs: Outputs) =>
      otherProduct(outputs, [PROBE, 'splunk-license-usage']) ??
      licenceHeadroomFacts(readJson(outputs, 'splunk-license-usage'), rowsOf(outputs)),
  }),
];
