// Ingest already in the SIEM (issue 19): Elasticsearch/OpenSearch primary store per log source over the time since its
// oldest index was created (_cat/indices), and Splunk's licence quota and today's indexed bytes (licenser/usage).
// Stored bytes are compressed and indexed, not the raw bytes a licence counts: the basis says so.
import { type Facts, ParseError } from '../checks/types.js';
import { defineParser, type ParserModule } from '../parsers/define.js';
import { sourceOfIndex } from '../parsers/products/elastic.js';
import { asRecord, type Outputs, otherProduct, readJson, serverNow } from '../parsers/products/util.js';
import { MIN_SPAN_MS, type SourceVolume } from './logstat.js';
import { basis } from './basis.js';

interface CatIndex {
  index?: string;
  status?: string;
  'docs.count'?: string | number | null;
  'pri.store.size'?: string | number | null;
  'creation.date'?: string | number | null;
}

const num = (v: unknown) => (v === null || v === undefined || v === '' ? Number.NaN : Number(v));

export function esIngestVolume(rows: unknown, now: number): Facts {
  if (!Array.isArray(rows)) throw new ParseError('es-indices-volume: the answer of _cat/indices is not a list');
  const bySource = new Map<string, { bytes: number; docs: number; oldest: number; indices: string[] }>();
  for (const r of rows as CatIndex[]) {
    const index = String(r?.index ?? '');
    // Kibana, security and task indices are the SIEM's own state, not ingested logs.
    if (!index || (index.startsWith('.') && !index.startsWith('.ds-'))) continue;
    const bytes = num(r['pri.store.size']);
    const created = num(r['creation.date']);
    if (!Number.isFinite(bytes) || !Number.isFinite(created)) continue;
    const name = sourceOfIndex(index);
    const prev = bySource.get(name) ?? { bytes: 0, docs: 0, oldest: created, indices: [] };
    prev.bytes += bytes;
    prev.docs += Number.isFinite(num(r['docs.count'])) ? num(r['docs.count']) : 0;
    prev.oldest = Math.min(prev.oldest, created);
    prev.indices.push(index);
    bySource.set(name, prev);
  }
  const sources: (SourceVolume & { docs: number; docs_per_day: number | null })[] = [...bySource.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([source, s]) => {
      const span = now - s.oldest;
      const ok = span >= MIN_SPAN_MS;
      return {
        source,
        files: s.indices.length,
        paths: s.indices.slice(0, 20),
        bytes: s.bytes,
        first: new Date(s.oldest).toISOString(),
        last: new Date(now).toISOString(),
        span_hours: span / 3_600_000,
        bytes_per_day: ok ? (s.bytes * 86_400_000) / span : null,
        docs: s.docs,
        docs_per_day: ok ? (s.docs * 86_400_000) / span : null,
        basis: ok
          ? basis(
              `primary store of ${s.indices.length} index(es) (compressed and indexed, not raw ingest) since the ` +
                'oldest was created; deleted older indices are not counted',
              `最古の作成以降の ${s.indices.length} インデックスのプライマリーストア（圧縮・インデックス化後で、取り込み時の` +
                '生データ量ではない）。削除済みの古いインデックスは含まない',
            )
          : basis('the oldest index was created under an hour ago', '最古のインデックスの作成が 1 時間以内'),
      };
    });
  return { applicable: true, volume: { sources, measured: sources.filter((s) => s.bytes_per_day !== null).length } };
}

export function splunkLicenseUsage(json: unknown): Facts {
  const entry = asRecord((asRecord(json).entry as unknown[] | undefined)?.[0]);
  const c = asRecord(entry.content);
  const quota = num(c.quota);
  const used = num(c.slaves_usage_bytes ?? c.peers_usage_bytes);
  if (!Number.isFinite(quota) || !Number.isFinite(used)) {
    throw new ParseError('splunk-license-usage: no quota or slaves_usage_bytes in licenser/usage');
  }
  const source: SourceVolume = {
    source: 'licence pool (indexed today)',
    files: 0,
    paths: [],
    bytes: used,
    first: null,
    last: null,
    span_hours: null,
    bytes_per_day: null,
    basis: basis(
      `${used} bytes indexed so far today against a daily quota of ${quota} bytes ` +
        '(the licence day is not over: no per-day rate is extrapolated)',
      `1 日の割り当て ${quota} バイトに対し、本日これまでに ${used} バイトをインデックス化` +
        '（ライセンス日が終わっていないため 1 日あたりの値は外挿しない）',
    ),
  };
  return {
    applicable: true,
    volume: { sources: [source], quota_bytes_per_day: quota, used_today_bytes: used, measured: 1 },
  };
}

/** Elasticsearch and OpenSearch (src/products/elastic.ts). */
export const esVolumeParsers: readonly ParserModule[] = [
  defineParser({
    name: 'es-ingest-volume',
    probes: ['api-root', 'es-indices-volume'],
    facts: ['applicable', 'volume', 'volume.sources', 'volume.measured'],
    parse: (outputs: Outputs) =>
      otherProduct(outputs, ['es-indices-volume']) ??
      esIngestVolume(
        readJson(outputs, 'es-indices-volume'),
        serverNow(outputs['es-indices-volume'], outputs['api-root']),
      ),
  }),
];

/** Splunk (src/products/splunk.ts). */
export const splunkVolumeParsers: readonly ParserModule[] = [
  defineParser({
    name: 'splunk-license-usage',
    probes: ['api-root', 'splunk-license-usage'],
    facts: [
      'applicable',
      'volume',
      'volume.sources',
      'volume.quota_bytes_per_day',
      'volume.used_today_bytes',
      'volume.measured',
    ],
    parse: (outputs: Outputs) =>
      otherProduct(outputs, ['splunk-license-usage']) ?? splunkLicenseUsage(readJson(outputs, 'splunk-license-usage')),
  }),
];
