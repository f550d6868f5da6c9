// Where events arrive in a SIEM, per index (and for Splunk per index and sourcetype), read from the answers the scan
// already collects: Elasticsearch's per-index newest-event search (es-ingest-recency) and `_cat/indices`
// (es-indices-volume); Splunk's data/indexes (splunk-indexes) and a `| tstats` count per index and sourcetype over
// the freshness window (splunk-sourcetypes). The blind-rule join (src/parsers/products/rule-blindness.ts) reads these.
import { BLIND_WINDOW_HOURS, type IndexHealth, type SourceHealth, type SourcetypeHealth } from './rule-blindness.js';
import { splunkExportRows } from './splunk-export.js';
import { asRecord, round } from './util.js';

const ageOf = (nowMs: number, t: number) => round(Math.max(0, nowMs - t) / 60_000);

/** The `size` of es-ingest-recency's `_index` terms aggregation (checks/probes/products.yaml). */
export const INGEST_INDEX_BUCKETS = 1000;

/**
 * Elasticsearch: each non-hidden index with its doc count and newest @timestamp; `_cat/indices` adds the others.
 * When the terms aggregation was cut (other documents left out, or as many buckets as its size), an index only
 * `_cat/indices` lists may hold recent events the search did not show: it is marked unmeasured, not stale.
 */
export function elasticIndexHealth(ingest: unknown, nowMs: number, catIndices?: unknown): IndexHealth[] {
  const agg = asRecord(asRecord(asRecord(ingest).aggregations).indices);
  const buckets = agg.buckets;
  if (!Array.isArray(buckets)) throw new Error('es-ingest-recency: no "aggregations.indices.buckets" in the answer');
  const other = Number(agg.sum_other_doc_count);
  const cut = (Number.isFinite(other) && other > 0) || buckets.length >= INGEST_INDEX_BUCKETS;
  const out = new Map<string, IndexHealth>();
  for (const raw of buckets) {
    const b = asRecord(raw);
    if (typeof b.key !== 'string') continue;
    const t = asRecord(b.newest).value;
    const newest = typeof t === 'number' ? t : null;
    out.set(b.key, {
      name: b.key,
      docs: typeof b.doc_count === 'number' ? b.doc_count : null,
      newest: newest === null ? null : new Date(newest).toISOString(),
      age_minutes: newest === null ? null : ageOf(nowMs, newest),
    });
  }
  for (const raw of Array.isArray(catIndices) ? catIndices : []) {
    const r = asRecord(raw);
    const name = typeof r.index === 'string' ? r.index : undefined;
    if (!name || out.has(name) || (name.startsWith('.') && !name.startsWith('.ds-'))) continue;
    const docs = Number(r['docs.count']);
    const known = { name, docs: Number.isFinite(docs) ? docs : null, newest: null, age_minutes: null };
    out.set(name, cut ? { ...known, unmeasured: true } : known);
  }
  return [...out.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** Splunk data/indexes: totalEventCount and maxTime per index (disabled indexes receive nothing). */
export function splunkIndexHealth(indexes: unknown, nowMs: number): IndexHealth[] {
  const entries = asRecord(indexes).entry;
  if (!Array.isArray(entries)) throw new Error('splunk-indexes: no "entry" list in the answer');
  return entries.map((raw) => {
    const e = asRecord(raw);
    const c = asRecord(e.content);
    const off = c.disabled === true || c.disabled === '1' || c.disabled === 1;
    const docs = Number(c.totalEventCount);
    const t = typeof c.maxTime === 'string' && c.maxTime ? Date.parse(c.maxTime) : Number.NaN;
    return {
      name: String(e.name ?? '?'),
      docs: off ? 0 : Number.isFinite(docs) ? docs : null,
      newest: Number.isNaN(t) ? null : new Date(t).toISOString(),
      age_minutes: Number.isNaN(t) ? null : ageOf(nowMs, t),
    };
  });
}

/**
 * Splunk search export (output_mode=json: one `{ result: {...} }` object per line) of
 * `| tstats count max(_time) as newest where index=* by index, sourcetype`; a FATAL/ERROR message fails the read.
 */
export function splunkSourcetypeHealth(text: string): SourcetypeHealth[] {
  const out: SourcetypeHealth[] = [];
  for (const { result: r } of splunkExportRows(text, 'splunk-sourcetypes', (m) => new Error(m))) {
    if (typeof r.index !== 'string' || typeof r.sourcetype !== 'string') continue;
    const events = Number(r.count);
    const newest = Number(r.newest);
    out.push({
      index: r.index,
      sourcetype: r.sourcetype,
      events: Number.isFinite(events) ? events : 0,
      newest: Number.isFinite(newest) && newest > 0 ? new Date(newest * 1000).toISOString() : null,
    });
  }
  return out;
}

/** The probes whose stored answers carry source health. */
export const SOURCE_HEALTH_PROBES: ReadonlySet<string> = new Set([
  'es-ingest-recency',
  'es-indices-volume',
  'splunk-indexes',
  'splunk-sourcetypes',
]);

/** One target's health from its answers (probe -> body text), or undefined when none of them is readable. */
export function sourceHealthOf(
  target: string,
  bodies: Record<string, string>,
  nowMs: number,
): SourceHealth | undefined {
  const json = (p: string) => (bodies[p] === undefined ? undefined : (JSON.parse(bodies[p]!) as unknown));
  if (bodies['es-ingest-recency'] !== undefined) {
    const cat = bodies['es-indices-volume'] !== undefined ? json('es-indices-volume') : undefined;
    const indices = elasticIndexHealth(json('es-ingest-recency'), nowMs, cat);
    return { target, siem: 'elastic', indices, window_hours: BLIND_WINDOW_HOURS };
  }
  if (bodies['splunk-indexes'] !== undefined) {
    const indices = splunkIndexHealth(json('splunk-indexes'), nowMs);
    const st = bodies['splunk-sourcetypes'];
    return {
      target,
      siem: 'splunk',
      indices,
      ...(st !== undefined ? { sourcetypes: splunkSourcetypeHealth(st) } : {}),
      window_hours: BLIND_WINDOW_HOURS,
    };
  }
  return undefined;
}

/** socready's evidence files append the response metadata after this line (src/collect/evidence-store.ts). */
const EVIDENCE_STDERR = '\n--- stderr ---\n';

/**
 * Every SIEM target's source health from the stored answers of SOURCE_HEALTH_PROBES (body, then the HTTP metadata
 * with the server's Date, which ages are measured against); an unreadable answer is a problem, not a guess.
 */
export function sourceHealthFromEvidence(answers: { target: string; probe: string; text: string }[]): {
  health: SourceHealth[];
  problems: { path: string; error: string }[];
} {
  const byTarget = new Map<string, { bodies: Record<string, string>; meta: string[] }>();
  for (const a of answers) {
    const at = a.text.lastIndexOf(EVIDENCE_STDERR);
    const meta = at >= 0 ? a.text.slice(at + EVIDENCE_STDERR.length) : '';
    const t = byTarget.get(a.target) ?? { bodies: {}, meta: [] };
    t.bodies[a.probe] = /^HTTP \d{3}/.test(meta) ? a.text.slice(0, at) : a.text;
    t.meta.push(meta);
    byTarget.set(a.target, t);
  }
  const health: SourceHealth[] = [];
  const problems: { path: string; error: string }[] = [];
  for (const [target, t] of byTarget) {
    const date = t.meta.map((m) => /^date:\s*(.+)$/im.exec(m)?.[1]).find((d) => d && !Number.isNaN(Date.parse(d)));
    try {
      const h = sourceHealthOf(target, t.bodies, date ? Date.parse(date) : Date.now());
      if (h) health.push(h);
    } catch (e) {
      problems.push({ path: `${target} source health`, error: (e as Error).message });
    }
  }
  return { health, problems };
}
