// Disk headroom of an Elasticsearch/OpenSearch cluster: per data node, the bytes it can still take before the high
// watermark (`_cat/allocation` disk.avail and disk.total against cluster.routing.allocation.disk.watermark.high from
// `_cluster/settings?include_defaults=true`, capped by high.max_headroom where Elasticsearch 8.5+ sets one), and how
// many days of today's stored growth that is (_cat/indices: store.size, replicas included, since the oldest log index
// was created). Past the high watermark shards move away and none are allocated: new daily indices stop.
import { type Basis, basis } from './basis.js';
import { type Facts, InconclusiveError, ParseError } from '../checks/types.js';
import { defineParser, type ParserModule } from '../parsers/define.js';
import { clusterSetting, parseWatermark } from '../parsers/products/elastic.js';
import { asRecord, type Outputs, otherProduct, readJson, serverNow } from '../parsers/products/util.js';
import { MIN_SPAN_MS } from './logstat.js';

const num = (v: unknown) => (v === null || v === undefined || v === '' ? Number.NaN : Number(v));

export interface NodeHeadroom {
  node: string;
  total_bytes: number;
  avail_bytes: number;
  /** Free bytes the high watermark keeps. */
  reserved_bytes: number;
  headroom_bytes: number;
}

export function nodeHeadroom(allocation: unknown, settings: unknown): { nodes: NodeHeadroom[]; basis: Basis } {
  if (!Array.isArray(allocation)) throw new ParseError('es-allocation: expected a JSON array from _cat/allocation');
  const enabled =
    String(clusterSetting(settings, 'cluster.routing.allocation.disk.threshold_enabled') ?? 'true') !== 'false';
  const high = parseWatermark(clusterSetting(settings, 'cluster.routing.allocation.disk.watermark.high') ?? '90%')!;
  const cap = parseWatermark(clusterSetting(settings, 'cluster.routing.allocation.disk.watermark.high.max_headroom'));
  const nodes = allocation
    .map(asRecord)
    .filter(
      (r) => r.node !== 'UNASSIGNED' && Number.isFinite(num(r['disk.total'])) && Number.isFinite(num(r['disk.avail'])),
    )
    .map((r) => {
      const total = num(r['disk.total']);
      const avail = num(r['disk.avail']);
      let reserved = 0;
      if (enabled && high.percent !== undefined) {
        reserved = (total * (100 - high.percent)) / 100;
        if (cap?.free_bytes !== undefined) reserved = Math.min(reserved, cap.free_bytes);
      } else if (enabled && high.free_bytes !== undefined) reserved = high.free_bytes;
      return {
        node: String(r.node ?? r.host ?? '?'),
        total_bytes: total,
        avail_bytes: avail,
        reserved_bytes: reserved,
        headroom_bytes: Math.max(0, avail - reserved),
      };
    });
  if (nodes.length === 0) throw new InconclusiveError('es-allocation: no data node reported its disk');
  const capText = cap?.free_bytes !== undefined ? ` (max_headroom ${cap.raw})` : '';
  const why = !enabled
    ? basis('disk threshold decider disabled: free disk up to full', 'ディスクしきい値判定が無効: 満杯までの空き')
    : basis(
        `free disk above the high watermark ${high.raw}${capText}`,
        `high ウォーターマーク ${high.raw}${capText} までの空き`,
      );
  return { nodes, basis: why };
}

/** Stored bytes per day (replicas included) of the log indices since the oldest was created, and the replica factor. */
export function storedGrowth(
  catIndices: unknown,
  now: number,
): { per_day: number | null; replica_factor: number | null } {
  if (!Array.isArray(catIndices)) throw new ParseError('es-indices-volume: the answer of _cat/indices is not a list');
  let store = 0;
  let pri = 0;
  let oldest = Number.POSITIVE_INFINITY;
  for (const r of catIndices.map(asRecord)) {
    const index = String(r.index ?? '');
    if (!index || (index.startsWith('.') && !index.startsWith('.ds-'))) continue;
    const s = num(r['store.size']);
    const p = num(r['pri.store.size']);
    const created = num(r['creation.date']);
    if (!Number.isFinite(s) || !Number.isFinite(p) || !Number.isFinite(created)) continue;
    store += s;
    pri += p;
    oldest = Math.min(oldest, created);
  }
  const span = now - oldest;
  return {
    per_day: Number.isFinite(span) && span >= MIN_SPAN_MS ? (store * 86_400_000) / span : null,
    replica_factor: pri > 0 ? Math.round((store / pri) * 1000) / 1000 : null,
  };
}

export function diskHeadroomFacts(allocation: unknown, settings: unknown, catIndices: unknown, now: number): Facts {
  const { nodes, basis: why } = nodeHeadroom(allocation, settings);
  const growth = storedGrowth(catIndices, now);
  if (!growth.per_day) {
    throw new InconclusiveError(
      'es-indices-volume: no log index created an hour or more ago, or none stores bytes: no growth per day',
    );
  }
  const headroom = nodes.reduce((s, n) => s + n.headroom_bytes, 0);
  return {
    applicable: true,
    volume: {
      nodes,
      headroom_bytes: headroom,
      stored_bytes_per_day: Math.round(growth.per_day),
      replica_factor: growth.replica_factor,
      days_of_growth_left: Math.round((headroom / growth.per_day) * 10) / 10,
      basis: basis(
        `${why.en}, summed over ${nodes.length} data node(s); growth: store.size of the log indices (replicas ` +
          'included) since the oldest was created',
        `${why.ja}、データノード ${nodes.length} 台の合計；増加量: 最古のインデックス作成以降のログインデックスの ` +
          'store.size（レプリカ込み）',
      ),
    },
  };
}

export const esHeadroomParsers: readonly ParserModule[] = [
  defineParser({
    name: 'es-disk-headroom',
    probes: ['api-root', 'es-allocation', 'es-disk-settings', 'es-indices-volume'],
    facts: [
      'applicable',
      'volume',
      'volume.headroom_bytes',
      'volume.stored_bytes_per_day',
      'volume.days_of_growth_left',
      'volume.replica_factor',
    ],
    parse: (outputs: Outputs) =>
      otherProduct(outputs, ['es-allocation', 'es-indices-volume']) ??
      diskHeadroomFacts(
        readJson(outputs, 'es-allocation'),
        outputs['es-disk-settings']?.error ? {} : readJson(outputs, 'es-disk-settings'),
        readJson(outputs, 'es-indices-volume'),
        serverNow(outputs['es-indices-volume'], outputs['api-root']),
      ),
  }),
];
