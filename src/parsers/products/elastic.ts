// Elasticsearch and OpenSearch through their REST APIs: cluster health, disk watermarks, retention of log data
// (ILM, data stream lifecycle, ISM) and how recent the newest event of each log source is.
import { defineParser, type ParserModule } from '../define.js';
import { type Facts, InconclusiveError, ParseError } from '../../checks/types.js';
import { asRecord, durationDays, isNotFound, type Outputs, otherProduct, readJson, round, serverNow } from './util.js';

// ---- cluster health (GET /_cluster/health)

export function parseClusterHealth(json: unknown): Facts {
  const h = asRecord(json);
  if (typeof h.status !== 'string')
    throw new ParseError('es-cluster-health: no "status" in the answer of /_cluster/health');
  return {
    cluster_name: h.cluster_name ?? null,
    status: h.status,
    timed_out: h.timed_out === true,
    number_of_nodes: h.number_of_nodes ?? null,
    number_of_data_nodes: h.number_of_data_nodes ?? null,
    active_shards: h.active_shards ?? null,
    unassigned_shards: h.unassigned_shards ?? null,
    initializing_shards: h.initializing_shards ?? null,
    relocating_shards: h.relocating_shards ?? null,
    delayed_unassigned_shards: h.delayed_unassigned_shards ?? null,
    active_shards_percent: h.active_shards_percent_as_number ?? null,
  };
}

// ---- disk watermarks (GET /_cat/allocation?format=json&bytes=b, GET /_cluster/settings?include_defaults=true)

export interface Watermark {
  raw: string;
  /** Used-disk percentage at or above which the watermark is crossed. */
  percent?: number;
  /** Or: free bytes at or below which it is crossed (absolute watermarks such as "50gb"). */
  free_bytes?: number;
}

const BYTE_UNITS: Record<string, number> = {
  b: 1,
  kb: 1024,
  mb: 1024 ** 2,
  gb: 1024 ** 3,
  tb: 1024 ** 4,
  pb: 1024 ** 5,
};

export function parseWatermark(value: unknown): Watermark | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const raw = String(value).trim();
  let m = /^(\d+(?:\.\d+)?)%$/.exec(raw);
  if (m) return { raw, percent: Number(m[1]) };
  m = /^(0(?:\.\d+)?|1(?:\.0+)?)$/.exec(raw);
  if (m) return { raw, percent: Number(m[1]) * 100 };
  m = /^(\d+(?:\.\d+)?)\s*(b|kb|mb|gb|tb|pb)$/i.exec(raw);
  if (m) return { raw, free_bytes: Number(m[1]) * BYTE_UNITS[m[2]!.toLowerCase()]! };
  return undefined;
}

/**
 * A value under a dotted key in a settings tree whose own keys may hold dots at any level: the nested answer keeps
 * `"high": "90%"` and `"high.max_headroom": "150GB"` side by side under `watermark`.
 */
function settingIn(tree: unknown, parts: string[]): unknown {
  const t = asRecord(tree);
  for (let i = parts.length; i >= 1; i--) {
    const head = parts.slice(0, i).join('.');
    if (!(head in t)) continue;
    if (i === parts.length) return t[head];
    const v = settingIn(t[head], parts.slice(i));
    if (v !== undefined) return v;
  }
  return undefined;
}

/** A setting from a GET _cluster/settings answer, nested or flat, with transient > persistent > defaults. */
export function clusterSetting(settings: unknown, key: string): unknown {
  const s = asRecord(settings);
  for (const scope of ['transient', 'persistent', 'defaults']) {
    const v = settingIn(s[scope], key.split('.'));
    if (v !== undefined && (typeof v === 'string' || typeof v === 'number')) return v;
  }
  return undefined;
}

const DEFAULT_WATERMARKS = { low: '85%', high: '90%', flood_stage: '95%' };

function crossed(node: { disk_percent: number | null; avail_bytes: number | null }, w: Watermark): boolean {
  if (w.percent !== undefined) return node.disk_percent !== null && node.disk_percent >= w.percent;
  return node.avail_bytes !== null && w.free_bytes !== undefined && node.avail_bytes <= w.free_bytes;
}

function num(v: unknown): number | null {
  if (v === null || v === undefined || v === '') return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

export function parseDisk(allocation: unknown, settings: unknown): Facts {
  if (!Array.isArray(allocation))
    throw new ParseError('es-allocation: expected a JSON array from /_cat/allocation?format=json');
  const marks = Object.fromEntries(
    (Object.keys(DEFAULT_WATERMARKS) as (keyof typeof DEFAULT_WATERMARKS)[]).map((k) => {
      const w =
        parseWatermark(clusterSetting(settings, `cluster.routing.allocation.disk.watermark.${k}`)) ??
        parseWatermark(DEFAULT_WATERMARKS[k])!;
      return [k, w];
    }),
  ) as Record<keyof typeof DEFAULT_WATERMARKS, Watermark>;
  const thresholdEnabled =
    String(clusterSetting(settings, 'cluster.routing.allocation.disk.threshold_enabled') ?? 'true') !== 'false';
  const nodes = allocation
    .map(asRecord)
    // The UNASSIGNED row counts shards with no node; it has no disk.
    .filter((r) => r.node !== 'UNASSIGNED' && r['disk.percent'] !== null && r['disk.percent'] !== undefined)
    .map((r) => {
      const node = {
        node: String(r.node ?? r.host ?? '?'),
        disk_percent: num(r['disk.percent']),
        avail_bytes: num(r['disk.avail']),
        total_bytes: num(r['disk.total']),
      };
      return {
        ...node,
        over_low: crossed(node, marks.low),
        over_high: crossed(node, marks.high),
        over_flood_stage: crossed(node, marks.flood_stage),
      };
    });
  if (nodes.length === 0) throw new InconclusiveError('es-allocation: no data node reported its disk');
  return {
    applicable: true,
    threshold_enabled: thresholdEnabled,
    watermark_low: marks.low.raw,
    watermark_high: marks.high.raw,
    watermark_flood_stage: marks.flood_stage.raw,
    max_disk_percent: Math.max(...nodes.map((n) => n.disk_percent ?? 0)),
    nodes,
  };
}

// ---- retention (ILM policies + data streams on Elasticsearch, ISM policies on OpenSearch)

export interface RetentionSet {
  /** Data stream, or the index patterns an ISM policy applies to. */
  name: string;
  managed_by: 'ilm' | 'data-stream-lifecycle' | 'ism' | 'none';
  policy: string | null;
  /** Earliest age at which the data is deleted; null: never deleted by policy. */
  retention_days: number | null;
  /** How long data stays in the hot and warm tiers (fast search); null: it never leaves them. */
  hot_warm_days: number | null;
  note?: string;
}

/** Data that is not a log (metrics, traces, product internals) has its own retention needs. */
const NOT_LOGS = /^(\.|metrics-|traces-|synthetics-|profiling-|apm-|ilm-history|slm-history|\.?kibana|\.?fleet)/;

export function ilmPolicyRetention(policy: unknown): { retention: number | null; hotWarm: number | null } {
  const phases = asRecord(asRecord(asRecord(policy).policy).phases);
  const age = (phase: string): number | undefined => {
    if (!(phase in phases)) return undefined;
    return durationDays(asRecord(phases[phase]).min_age ?? '0ms') ?? 0;
  };
  const del = age('delete');
  // Leaving hot+warm: the first of cold, frozen or delete.
  const leaves = [age('cold'), age('frozen'), del].filter((d): d is number => d !== undefined);
  return { retention: del ?? null, hotWarm: leaves.length ? Math.min(...leaves) : null };
}

interface IsmState {
  name?: string;
  actions?: Record<string, unknown>[];
  transitions?: { state_name?: string; conditions?: Record<string, unknown> }[];
}

/**
 * Earliest index age at which an ISM policy deletes (and leaves hot/warm): a walk of its states from default_state.
 * min_index_age counts from index creation, so along a path the age is the largest condition met so far; size, doc
 * count or cron conditions can be met at any age, so they add nothing to the lower bound.
 */
export function ismPolicyRetention(policy: unknown): { retention: number | null; hotWarm: number | null } {
  const p = asRecord(asRecord(policy).policy);
  const states = new Map<string, IsmState>(
    (Array.isArray(p.states) ? (p.states as IsmState[]) : []).map((s) => [String(s.name), s]),
  );
  let retention: number | null = null;
  let hotWarm: number | null = null;
  const best = new Map<string, number>();
  const visit = (name: string, age: number) => {
    const state = states.get(name);
    if (!state) return;
    if ((best.get(name) ?? Number.POSITIVE_INFINITY) <= age) return;
    best.set(name, age);
    if (!/hot|warm/i.test(name) && (hotWarm === null || age < hotWarm)) hotWarm = age;
    if ((state.actions ?? []).some((a) => 'delete' in asRecord(a))) {
      if (retention === null || age < retention) retention = age;
      return;
    }
    for (const t of state.transitions ?? []) {
      const c = asRecord(t.conditions);
      const minAge = durationDays(c.min_index_age) ?? durationDays(c.min_rollover_age) ?? 0;
      visit(String(t.state_name), Math.max(age, minAge));
    }
  };
  visit(String(p.default_state ?? ''), 0);
  return { retention, hotWarm };
}

interface DataStream {
  name?: string;
  ilm_policy?: string;
  hidden?: boolean;
  system?: boolean;
  prefer_ilm?: boolean;
  next_generation_managed_by?: string;
  lifecycle?: { enabled?: boolean; data_retention?: string; effective_retention?: string };
}

export function elasticsearchRetention(dataStreams: unknown, ilmPolicies: unknown): RetentionSet[] {
  const policies = asRecord(ilmPolicies);
  const streams = (
    Array.isArray(asRecord(dataStreams).data_streams) ? (asRecord(dataStreams).data_streams as DataStream[]) : []
  ).filter((d) => d.name && !d.hidden && !d.system && !NOT_LOGS.test(d.name));
  const sets: RetentionSet[] = streams.map((d) => {
    const managedBy =
      d.next_generation_managed_by ??
      (d.ilm_policy && d.prefer_ilm !== false
        ? 'Index Lifecycle Management'
        : d.lifecycle && d.lifecycle.enabled !== false
          ? 'Data stream lifecycle'
          : 'Unmanaged');
    if (/Index Lifecycle/i.test(managedBy) && d.ilm_policy) {
      const policy = policies[d.ilm_policy];
      if (!policy)
        return {
          name: d.name!,
          managed_by: 'ilm',
          policy: d.ilm_policy,
          retention_days: null,
          hot_warm_days: null,
          note: 'ILM policy not found: data is never deleted',
        };
      const { retention, hotWarm } = ilmPolicyRetention(policy);
      return {
        name: d.name!,
        managed_by: 'ilm',
        policy: d.ilm_policy,
        retention_days: retention,
        hot_warm_days: hotWarm,
      };
    }
    if (/Data stream lifecycle/i.test(managedBy)) {
      const days = durationDays(d.lifecycle?.effective_retention ?? d.lifecycle?.data_retention) ?? null;
      // The data stream lifecycle has no tiers: all data stays searchable until it is deleted.
      return {
        name: d.name!,
        managed_by: 'data-stream-lifecycle',
        policy: null,
        retention_days: days,
        hot_warm_days: days,
      };
    }
    return { name: d.name!, managed_by: 'none', policy: null, retention_days: null, hot_warm_days: null };
  });
  if (sets.length > 0) return sets;
  // Classic indices (logstash-*, filebeat-*) without data streams: the ILM policies in use by log indices.
  return Object.entries(policies).flatMap(([name, policy]) => {
    const inUse = asRecord(asRecord(policy).in_use_by);
    const indices = (Array.isArray(inUse.indices) ? (inUse.indices as string[]) : []).filter((i) => !NOT_LOGS.test(i));
    if (indices.length === 0) return [];
    const { retention, hotWarm } = ilmPolicyRetention(policy);
    return [
      {
        name: `${name} (${indices.length} indices)`,
        managed_by: 'ilm' as const,
        policy: name,
        retention_days: retention,
        hot_warm_days: hotWarm,
      },
    ];
  });
}

export function opensearchRetention(ismPolicies: unknown): RetentionSet[] {
  const list = asRecord(ismPolicies).policies;
  if (!Array.isArray(list))
    throw new ParseError('os-ism-policies: no "policies" list in the answer of /_plugins/_ism/policies');
  return list.flatMap((entry) => {
    const e = asRecord(entry);
    const policy = asRecord(e.policy);
    const id = String(e._id ?? policy.policy_id ?? '?');
    const templates = Array.isArray(policy.ism_template)
      ? policy.ism_template
      : policy.ism_template
        ? [policy.ism_template]
        : [];
    const patterns = templates.flatMap((t) =>
      Array.isArray(asRecord(t).index_patterns) ? (asRecord(t).index_patterns as string[]) : [],
    );
    // Policies for product internals (.opendistro-*, .kibana) are not about logs; manual ones (no template) may be.
    if (patterns.length > 0 && patterns.every((p) => NOT_LOGS.test(p))) return [];
    const { retention, hotWarm } = ismPolicyRetention(e);
    return [
      {
        name: patterns.length ? patterns.join(',') : `${id} (attached by hand)`,
        managed_by: 'ism' as const,
        policy: id,
        retention_days: retention,
        hot_warm_days: hotWarm,
      },
    ];
  });
}

export function retentionFacts(sets: RetentionSet[], engine: 'ilm' | 'ism'): Facts {
  const rounded = sets.map((s) => ({
    ...s,
    retention_days: s.retention_days === null ? null : round(s.retention_days),
    hot_warm_days: s.hot_warm_days === null ? null : round(s.hot_warm_days),
  }));
  const finite = rounded.map((s) => s.retention_days).filter((d): d is number => d !== null);
  return {
    applicable: true,
    engine,
    log_sets: rounded,
    shortest_retention_days: finite.length ? Math.min(...finite) : null,
    unmanaged: rounded.filter((s) => s.managed_by === 'none').map((s) => s.name),
  };
}

// ---- ingest recency (GET /<logs>/_search?size=0 with a terms aggregation on _index and max @timestamp)

/** The log source an index belongs to: its data stream, or the index name without its date/generation suffix. */
export function sourceOfIndex(index: string): string {
  const ds = /^\.ds-(.+)-\d{4}\.\d{2}\.\d{2}-\d{6}$/.exec(index);
  if (ds) return ds[1]!;
  return index.replace(/(?:[-_.](?:\d{4}[.-]\d{2}(?:[.-]\d{2})?|\d{6}))+$/, '') || index;
}

interface Bucket {
  key?: string;
  doc_count?: number;
  newest?: { value?: number | null; value_as_string?: string };
}

export function parseIngest(json: unknown, nowMs: number): Facts {
  const r = asRecord(json);
  const agg = asRecord(asRecord(r.aggregations).indices);
  if (!Array.isArray(agg.buckets))
    throw new ParseError('es-ingest-recency: no "aggregations.indices.buckets" in the search answer');
  const bySource = new Map<string, { newest: number; docs: number }>();
  for (const b of agg.buckets as Bucket[]) {
    if (typeof b.key !== 'string' || typeof b.newest?.value !== 'number') continue;
    const name = sourceOfIndex(b.key);
    if (name.startsWith('.') && !b.key.startsWith('.ds-')) continue;
    const prev = bySource.get(name);
    bySource.set(name, {
      newest: Math.max(prev?.newest ?? 0, b.newest.value),
      docs: (prev?.docs ?? 0) + (b.doc_count ?? 0),
    });
  }
  const sources = [...bySource.entries()]
    .map(([name, s]) => ({
      name,
      newest: new Date(s.newest).toISOString(),
      age_minutes: round(Math.max(0, nowMs - s.newest) / 60_000),
      docs: s.docs,
    }))
    .sort((a, b) => a.age_minutes - b.age_minutes || a.name.localeCompare(b.name));
  const shards = asRecord(r._shards);
  // Windows channels seen in the last 24 hours (winlog.channel): what a Winlogbeat index holds is not in its name.
  const channels = asRecord(asRecord(asRecord(r.aggregations).recent).channels).buckets;
  const windowsChannels = Array.isArray(channels)
    ? (channels as Bucket[])
        .filter((b) => typeof b.key === 'string' && (b.doc_count ?? 0) > 0)
        .map((b) => b.key as string)
    : [];
  return {
    applicable: true,
    sources,
    windows_channels_24h: windowsChannels,
    newest_age_minutes: sources.length ? sources[0]!.age_minutes : null,
    stale_sources: sources.filter((s) => s.age_minutes > 24 * 60).map((s) => s.name),
    shards_failed: typeof shards.failed === 'number' ? shards.failed : 0,
    timed_out: r.timed_out === true,
  };
}

// ---- parsers by catalog name

export const elasticParsers = {
  'es-cluster-health': (outputs: Outputs): Facts =>
    otherProduct(outputs, ['es-cluster-health']) ?? {
      applicable: true,
      ...parseClusterHealth(readJson(outputs, 'es-cluster-health')),
    },

  'es-disk': (outputs: Outputs): Facts =>
    otherProduct(outputs, ['es-allocation']) ??
    parseDisk(
      readJson(outputs, 'es-allocation'),
      outputs['es-disk-settings']?.error ? {} : readJson(outputs, 'es-disk-settings'),
    ),

  'es-retention': (outputs: Outputs): Facts => {
    const gate = otherProduct(outputs, ['es-ilm-policies', 'os-ism-policies']);
    if (gate) return gate;
    if (outputs['os-ism-policies'] && !outputs['os-ism-policies'].error) {
      return retentionFacts(opensearchRetention(readJson(outputs, 'os-ism-policies')), 'ism');
    }
    if (isNotFound(outputs, 'os-ism-policies'))
      throw new InconclusiveError('os-ism-policies: the Index State Management plugin does not answer (HTTP 404)');
    if (outputs['os-ism-policies']?.error && outputs['os-ism-policies'].error.kind !== 'unsupported')
      readJson(outputs, 'os-ism-policies');
    // Elasticsearch: data streams are optional (older clusters use classic indices), ILM policies are not.
    const streams = isNotFound(outputs, 'es-data-streams') ? {} : readJson(outputs, 'es-data-streams');
    const sets = elasticsearchRetention(streams, readJson(outputs, 'es-ilm-policies'));
    if (sets.length === 0)
      throw new InconclusiveError('no log data stream and no ILM policy in use by log indices was found');
    return retentionFacts(sets, 'ilm');
  },

  'es-ingest': (outputs: Outputs): Facts =>
    otherProduct(outputs, ['es-ingest-recency']) ??
    parseIngest(readJson(outputs, 'es-ingest-recency'), serverNow(outputs['es-ingest-recency'], outputs['api-root'])),
};

/** Parser modules (see src/parsers/define.ts), by the name catalog checks use in `parser`. */
export const elasticParserModules: readonly ParserModule[] = [
  defineParser({
    name: 'es-cluster-health',
    probes: ['api-root', 'es-cluster-health'],
    facts: [
      'applicable',
      'cluster_name',
      'status',
      'timed_out',
      'number_of_nodes',
      'number_of_data_nodes',
      'active_shards',
      'unassigned_shards',
      'initializing_shards',
      'relocating_shards',
      'delayed_unassigned_shards',
      'active_shards_percent',
    ],
    parse: elasticParsers['es-cluster-health'],
  }),
  defineParser({
    name: 'es-disk',
    probes: ['api-root', 'es-allocation', 'es-disk-settings'],
    facts: [
      'applicable',
      'threshold_enabled',
      'watermark_low',
      'watermark_high',
      'watermark_flood_stage',
      'max_disk_percent',
      'nodes',
    ],
    parse: elasticParsers['es-disk'],
  }),
  defineParser({
    name: 'es-retention',
    probes: ['api-root', 'es-data-streams', 'es-ilm-policies', 'os-ism-policies'],
    facts: ['applicable', 'engine', 'log_sets', 'shortest_retention_days', 'unmanaged'],
    parse: elasticParsers['es-retention'],
  }),
  defineParser({
    name: 'es-ingest',
    probes: ['api-root', 'es-ingest-recency'],
    facts: [
      'applicable',
      'sources',
      'windows_channels_24h',
      'newest_age_minutes',
      'stale_sources',
      'shards_failed',
      'timed_out',
    ],
    parse: elasticParsers['es-ingest'],
  }),
];
