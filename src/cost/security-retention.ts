// How long the SIEM keeps each index that holds a security source, against the year the report recommends
// (RECOMMENDED_RETENTION_DAYS). Splunk: frozenTimePeriodInSecs and, sooner when the index fills, maxTotalDataSizeMB
// (data/indexes, already read for the retention and blind-rule checks), with the sourcetypes each index received from
// the licence usage log (or the 24-hour tstats when that is unreadable). Elasticsearch: the ILM delete phase min_age of
// the policy each data stream or index uses (_data_stream, _ilm/policy in_use_by); OpenSearch: the ISM policy each
// index is managed by (_plugins/_ism/explain) walked to its delete state.
import { type Facts, InconclusiveError, ParseError } from '../checks/types.js';
import { defineParser, type ParserModule } from '../parsers/define.js';
import { ilmPolicyRetention, ismPolicyRetention, sourceOfIndex } from '../parsers/products/elastic.js';
import { splunkEntries } from '../parsers/products/splunk.js';
import { splunkSourcetypeHealth } from '../parsers/products/source-health.js';
import { asRecord, durationDays, type Outputs, otherProduct, readJson, round } from '../parsers/products/util.js';
import { type Basis, basis, verbatim } from './basis.js';
import { RECOMMENDED_RETENTION_DAYS, securityFamily, securityFamilyJa } from './security-sources.js';
import { licenceUsageRows, sourcetypesByIndex } from './splunk-ingest.js';

export interface SecurityRetention {
  /** Index, data stream, or index family (an index name without its date suffix). */
  name: string;
  families: string[];
  /** The security sourcetypes seen in it (Splunk). */
  sourcetypes?: string[];
  policy: string | null;
  /** Days until deletion by age; null: no policy deletes it. */
  retention_days: number | null;
  /** Splunk: days until maxTotalDataSizeMB freezes the oldest buckets at today's stored rate; null: not known. */
  size_cap_days?: number | null;
  /** The sooner of the two; null: kept until someone deletes it. */
  effective_days: number | null;
  limited_by: string;
}

const DAY_MS = 86_400_000;

/** A retention set and what limits it in both report languages (`limited_by` is the English one). */
interface Limited {
  set: SecurityRetention;
  why: Basis;
}

function retentionFacts(rows: Limited[], what: string): Facts {
  if (rows.length === 0) {
    throw new InconclusiveError(`${what}: no index holds a known security source (by sourcetype or index name)`);
  }
  const sorted = [...rows].sort((a, b) => a.set.name.localeCompare(b.set.name));
  const short = sorted.filter(
    ({ set }) => set.effective_days !== null && set.effective_days < RECOMMENDED_RETENTION_DAYS,
  );
  return {
    applicable: true,
    recommended_days: RECOMMENDED_RETENTION_DAYS,
    security_sets: sorted.map((r) => r.set),
    short: short.map(({ set: s, why }) => `${s.name} (${s.families.join(', ')}): ${s.effective_days} days, ${why.en}`),
    // The same list on the Japanese page (checks/products/siem-limits.yaml observed.ja).
    short_ja: short.map(
      ({ set: s, why }) =>
        `${s.name}（${s.families.map(securityFamilyJa).join('、')}）: ${s.effective_days} 日、${why.ja}`,
    ),
  };
}

/** Which sourcetypes each index received: the licence usage log (30 days) or else the tstats probe (24 hours). */
function splunkSourcetypes(outputs: Outputs): Map<string, Set<string>> | undefined {
  const usage = outputs['splunk-license-usage-30d'];
  if (usage && !usage.error && !usage.truncated) {
    try {
      const rows = licenceUsageRows(usage.stdout);
      if (rows.length > 0) return sourcetypesByIndex(rows);
    } catch {
      // An unreadable licence answer leaves the tstats below; that check reports the failure itself.
    }
  }
  const tstats = outputs['splunk-sourcetypes'];
  if (tstats && !tstats.error && !tstats.truncated) {
    const out = new Map<string, Set<string>>();
    for (const r of splunkSourcetypeHealth(tstats.stdout)) {
      if (!out.has(r.index)) out.set(r.index, new Set());
      out.get(r.index)!.add(r.sourcetype);
    }
    return out;
  }
  return undefined;
}

const INTERNAL = /^(_|history$|summary$|splunklogger$)/;

export function splunkSecurityRetention(indexes: unknown, sourcetypes: Map<string, Set<string>> | undefined): Facts {
  const sets: Limited[] = [];
  for (const e of splunkEntries(indexes, 'splunk-indexes')) {
    const c = asRecord(e.content);
    const name = String(e.name ?? '?');
    const off = c.disabled === true || c.disabled === '1' || c.disabled === 1;
    if (INTERNAL.test(name) || off || !(Number(c.totalEventCount) > 0)) continue;
    const sts = [...(sourcetypes?.get(name) ?? [])].filter((st) => securityFamily(st)).sort();
    const families = [...new Set([...sts.map((st) => securityFamily(st)!), securityFamily(name)])]
      .filter((f): f is string => Boolean(f))
      .sort();
    if (families.length === 0) continue;
    const frozen = Number(c.frozenTimePeriodInSecs);
    const retention = Number.isFinite(frozen) && frozen > 0 ? round(frozen / 86_400) : null;
    // Stored MB per day over the events' time span; the cap freezes the oldest buckets when the index reaches it.
    const size = Number(c.currentDBSizeMB);
    const cap = Number(c.maxTotalDataSizeMB);
    const spanDays = (Date.parse(String(c.maxTime ?? '')) - Date.parse(String(c.minTime ?? ''))) / DAY_MS;
    const sizeDays =
      size > 0 && cap > 0 && Number.isFinite(spanDays) && spanDays >= 1 ? round((spanDays * cap) / size) : null;
    const bySize = sizeDays !== null && (retention === null || sizeDays < retention);
    const rate = round(size / spanDays);
    const why = bySize
      ? basis(
          `maxTotalDataSizeMB ${cap} at ${rate} MB stored per day`,
          `maxTotalDataSizeMB ${cap}（1 日あたり ${rate} MB 保存のペース）`,
        )
      : verbatim(`frozenTimePeriodInSecs ${Number.isFinite(frozen) ? frozen : '?'}`);
    sets.push({
      set: {
        name,
        families,
        sourcetypes: sts,
        policy: null,
        retention_days: retention,
        size_cap_days: sizeDays,
        effective_days: bySize ? sizeDays : retention,
        limited_by: why.en,
      },
      why,
    });
  }
  return retentionFacts(sets, 'splunk-indexes');
}

interface IndexRetention {
  policy: string | null;
  retention: number | null;
  how: Basis;
}

/** Elasticsearch: each index's ILM policy (its stream's, or in_use_by) and delete phase, or the stream lifecycle. */
function elasticIndexRetention(dataStreams: unknown, ilmPolicies: unknown): Map<string, IndexRetention> {
  const policies = asRecord(ilmPolicies);
  const out = new Map<string, IndexRetention>();
  const byPolicy = (policy: string): IndexRetention => {
    const p = policies[policy];
    if (!p) {
      const how = basis(
        `ILM policy ${policy} not found: never deleted`,
        `ILM ポリシー ${policy} が見つからない: 削除されない`,
      );
      return { policy, retention: null, how };
    }
    const r = ilmPolicyRetention(p).retention;
    return {
      policy,
      retention: r,
      how:
        r === null
          ? basis(`ILM ${policy}: no delete phase`, `ILM ${policy}: delete フェーズなし`)
          : basis(`ILM ${policy} delete min_age`, `ILM ${policy} の delete min_age`),
    };
  };
  for (const [name, p] of Object.entries(policies)) {
    const used = asRecord(asRecord(p).in_use_by);
    for (const i of Array.isArray(used.indices) ? (used.indices as string[]) : []) out.set(i, byPolicy(name));
  }
  const streams = asRecord(dataStreams).data_streams;
  for (const d of Array.isArray(streams) ? streams.map(asRecord) : []) {
    const life = asRecord(d.lifecycle);
    // "Index Lifecycle Management" also says lifecycle: only "Data stream lifecycle" means the stream's own.
    const next = String(d.next_generation_managed_by ?? '');
    const viaLifecycle =
      /data stream lifecycle/i.test(next) ||
      (!/index lifecycle/i.test(next) && (!d.ilm_policy || d.prefer_ilm === false));
    const r: IndexRetention =
      viaLifecycle && Object.keys(life).length > 0 && life.enabled !== false
        ? {
            policy: null,
            retention: durationDays(life.effective_retention ?? life.data_retention) ?? null,
            how: basis('data stream lifecycle retention', 'データストリームのライフサイクルの保持期間'),
          }
        : d.ilm_policy
          ? byPolicy(String(d.ilm_policy))
          : { policy: null, retention: null, how: basis('unmanaged data stream', '管理されていないデータストリーム') };
    out.set(String(d.name), r);
  }
  return out;
}

/** OpenSearch: each managed index's ISM policy (explain) walked to its delete state. */
function opensearchIndexRetention(explain: unknown, ismPolicies: unknown): Map<string, IndexRetention> {
  const e = asRecord(explain);
  const total = Number(e.total_managed_indices);
  const entries = Object.entries(e).filter(([k, v]) => k !== 'total_managed_indices' && typeof v === 'object');
  if (Number.isFinite(total) && total > entries.length) {
    throw new InconclusiveError(`os-ism-explain: ${entries.length} of ${total} managed indices listed (paging)`);
  }
  const list = asRecord(ismPolicies).policies;
  if (!Array.isArray(list)) throw new ParseError('os-ism-policies: no "policies" list in the answer');
  const policies = new Map(list.map(asRecord).map((p) => [String(p._id ?? asRecord(p.policy).policy_id), p]));
  const out = new Map<string, IndexRetention>();
  for (const [index, raw] of entries) {
    const v = asRecord(raw);
    const id = v.policy_id ?? v['index.plugins.index_state_management.policy_id'];
    if (typeof id !== 'string' || !id) continue;
    const p = policies.get(id);
    const r = p ? ismPolicyRetention(p).retention : null;
    out.set(index, {
      policy: id,
      retention: r,
      how: !p
        ? basis(`ISM policy ${id} not found`, `ISM ポリシー ${id} が見つからない`)
        : r === null
          ? basis(`ISM ${id}: no delete state`, `ISM ${id}: delete ステートなし`)
          : basis(`ISM ${id} delete age`, `ISM ${id} の delete までの経過日数`),
    });
  }
  return out;
}

export function esSecurityRetention(catIndices: unknown, perIndex: Map<string, IndexRetention>): Facts {
  if (!Array.isArray(catIndices)) throw new ParseError('es-indices-volume: the answer of _cat/indices is not a list');
  const bySource = new Map<string, { indices: string[]; r: IndexRetention[] }>();
  for (const row of catIndices.map(asRecord)) {
    const index = String(row.index ?? '');
    if (!index || (index.startsWith('.') && !index.startsWith('.ds-'))) continue;
    const source = sourceOfIndex(index);
    if (!securityFamily(source)) continue;
    const g = bySource.get(source) ?? { indices: [], r: [] };
    g.indices.push(index);
    g.r.push(
      perIndex.get(index) ??
        perIndex.get(source) ?? { policy: null, retention: null, how: basis('unmanaged', '管理されていない') },
    );
    bySource.set(source, g);
  }
  const sets = [...bySource.entries()].map(([name, g]): Limited => {
    // The shortest-lived index decides: its events are the first to go.
    const deleting = g.r.filter((r) => r.retention !== null).sort((a, b) => a.retention! - b.retention!);
    const first = deleting[0] ?? g.r[0]!;
    const days = first.retention === null ? null : round(first.retention);
    const n = g.indices.length;
    const why = basis(`${first.how.en} (${n} index(es))`, `${first.how.ja}（インデックス ${n} 個）`);
    return {
      set: {
        name,
        families: [securityFamily(name)!],
        policy: first.policy,
        retention_days: days,
        effective_days: days,
        limited_by: why.en,
      },
      why,
    };
  });
  return retentionFacts(sets, 'es-indices-volume');
}

/** Elasticsearch: _cat/indices, _data_stream and _ilm/policy answers into the retention facts. */
export function esSecurityRetentionOf(catIndices: unknown, dataStreams: unknown, ilmPolicies: unknown): Facts {
  return esSecurityRetention(catIndices, elasticIndexRetention(dataStreams, ilmPolicies));
}

function esParse(outputs: Outputs): Facts {
  const gate = otherProduct(outputs, ['es-indices-volume']);
  if (gate) return gate;
  const cat = readJson(outputs, 'es-indices-volume');
  if (outputs['os-ism-explain'] && outputs['os-ism-explain'].error?.kind !== 'unsupported') {
    return esSecurityRetention(
      cat,
      opensearchIndexRetention(readJson(outputs, 'os-ism-explain'), readJson(outputs, 'os-ism-policies')),
    );
  }
  const streams = outputs['es-data-streams']?.error ? {} : readJson(outputs, 'es-data-streams');
  return esSecurityRetentionOf(cat, streams, readJson(outputs, 'es-ilm-policies'));
}

const FACTS = ['applicable', 'recommended_days', 'security_sets', 'short', 'short_ja'];

export const securityRetentionParsers: readonly ParserModule[] = [
  defineParser({
    name: 'splunk-security-retention',
    probes: ['api-root', 'splunk-indexes', 'splunk-license-usage-30d', 'splunk-sourcetypes'],
    facts: FACTS,
    parse: (outputs: Outputs) =>
      otherProduct(outputs, ['splunk-indexes']) ??
      splunkSecurityRetention(readJson(outputs, 'splunk-indexes'), splunkSourcetypes(outputs)),
  }),
  defineParser({
    name: 'es-security-retention',
    probes: [
      'api-root',
      'es-indices-volume',
      'es-data-streams',
      'es-ilm-policies',
      'os-ism-policies',
      'os-ism-explain',
    ],
    facts: FACTS,
    parse: esParse,
  }),
];
