// A rule the SIEM runs is blind when the indices or sourcetypes it searches receive no events: its index patterns
// match no index, or only indices whose newest event is older than the freshness window, or its sourcetypes have no
// event in the window. The join reads the rules' own `reads` (src/rules) and the source health the scan measured
// through the SIEM's read-only APIs (Elasticsearch `_search` per index, `_cat/indices`; Splunk data/indexes and a
// `| tstats` per index and sourcetype), so the coverage analysis does not count such a rule and a check names it.
import type { Bilingual } from '../../model.js';
import type { DetectionRule } from '../../rules/model.js';

/** Freshness window: an index or sourcetype whose newest event is older than this receives no events. */
export const BLIND_WINDOW_HOURS = 24;

export interface IndexHealth {
  name: string;
  /** Events held (all time); null when the answer did not say. */
  docs: number | null;
  newest: string | null;
  age_minutes: number | null;
  /** True when the newest-event search could not measure this index (its aggregation was cut): freshness unknown. */
  unmeasured?: boolean;
}

export interface SourcetypeHealth {
  index: string;
  sourcetype: string;
  /** Events in the window. */
  events: number;
  newest: string | null;
}

/** What one SIEM target's answers say about where events arrive. */
export interface SourceHealth {
  target: string;
  siem: 'elastic' | 'splunk';
  indices: IndexHealth[];
  /** Splunk only: events per index and sourcetype over the window (absent: not measured). */
  sourcetypes?: SourcetypeHealth[];
  window_hours: number;
}

export type BlindReason = 'no-index' | 'no-recent-events' | 'sourcetype-silent';

export interface BlindRule {
  rule_id: string;
  title: string;
  format: string;
  file: string;
  /** The SIEM target whose source health decided. */
  target: string;
  reason: BlindReason;
  patterns: string[];
  sourcetypes: string[];
  /** The indices (or index/sourcetype pairs) the patterns matched, with what they hold. */
  matched: { name: string; docs: number | null; newest: string | null }[];
  explain: Bilingual;
}

/** Splunk and Elasticsearch wildcards (`*`) as an anchored, case-insensitive (Splunk) or exact (Elastic) test. */
function wildcard(pattern: string, caseless: boolean): RegExp {
  const body = pattern
    .split('*')
    .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}$`, caseless ? 'i' : '');
}

/** The data stream a backing index belongs to (`.ds-logs-x-2026.01.01-000001` -> `logs-x`). */
function streamOf(index: string): string | undefined {
  return /^\.ds-(.+)-\d{4}\.\d{2}\.\d{2}-\d{6}$/.exec(index)?.[1];
}

/**
 * The names under which an Elastic pattern can select an index: its own name and, for a data stream's backing index,
 * the stream's. Elasticsearch wildcards do not match hidden indices (backing `.ds-` indices are hidden) or
 * `.`-prefixed names unless the pattern itself starts with `.`; a data stream that matches resolves to its backing
 * indices. So `logs-*` selects `.ds-logs-x-...` through the stream `logs-x` only, and `*-2026.11.20*` does not.
 */
function selectableNames(index: string, pattern: string): string[] {
  const dotted = pattern.startsWith('.');
  return [index, streamOf(index)].filter((n): n is string => n !== undefined && (dotted || !n.startsWith('.')));
}

/**
 * Indices an Elastic rule's patterns select: comma lists, `-exclusions` (they remove what a pattern selected, by the
 * name it was selected under: `*,-.ds-*` keeps the stream `logs-x`, so its backing indices stay). Unknown
 * (undefined): a remote (`cluster:`) pattern, and a `.`-prefixed one other than `.ds-` (`.alerts-security.*`,
 * Elastic's higher-order rules), because es-ingest-recency and the health read leave hidden and system indices out:
 * they are never measured.
 */
function elasticMatch(patterns: string[], indices: IndexHealth[]): IndexHealth[] | undefined {
  const parts = patterns.flatMap((p) => p.split(',')).map((p) => p.trim());
  if (parts.some((p) => p.includes(':'))) return undefined;
  if (parts.some((p) => p.startsWith('.') && !p.startsWith('.ds-'))) return undefined;
  const include = parts.filter((p) => p && !p.startsWith('-')).map((p) => ({ p, re: wildcard(p, false) }));
  const exclude = parts.filter((p) => p.startsWith('-')).map((p) => wildcard(p.slice(1), false));
  const excluded = (n: string) => exclude.some((re) => re.test(n));
  return indices.filter((i) =>
    include.some((inc) => selectableNames(i.name, inc.p).some((n) => inc.re.test(n) && !excluded(n))),
  );
}

/** Splunk's own indexes: a search without `index=` does not read them. */
const INTERNAL = /^_/;

function fresh(i: { docs: number | null; age_minutes: number | null }, windowHours: number): boolean {
  return (i.docs === null || i.docs > 0) && i.age_minutes !== null && i.age_minutes <= windowHours * 60;
}

function describe(m: { name: string; docs: number | null; newest: string | null }[]): string {
  if (m.length === 0) return 'none';
  const shown = m.slice(0, 5).map((i) => `${i.name} (${i.docs ?? '?'} events, newest ${i.newest ?? 'never'})`);
  return shown.join(', ') + (m.length > 5 ? ` and ${m.length - 5} more` : '');
}

function blind(
  rule: DetectionRule,
  target: string,
  reason: BlindReason,
  matched: BlindRule['matched'],
  windowHours: number,
): BlindRule {
  const patterns = rule.reads?.indices ?? [];
  const sourcetypes = rule.reads?.sourcetypes ?? [];
  const what = patterns.length > 0 ? `index pattern ${patterns.join(', ')}` : 'its indexes';
  const en =
    reason === 'no-index'
      ? `${what} matches no index with events on ${target}`
      : reason === 'no-recent-events'
        ? `${what} matches only indices with no event in the last ${windowHours} h on ${target}: ${describe(matched)}`
        : `sourcetype ${sourcetypes.join(', ')} had no event in the last ${windowHours} h on ${target}` +
          (patterns.length > 0 ? ` (in ${patterns.join(', ')})` : '');
  const ja =
    reason === 'no-index'
      ? `${what} に一致し、イベントを持つインデックスが ${target} にありません`
      : reason === 'no-recent-events'
        ? `${what} に一致するインデックスは直近 ${windowHours} 時間イベントを受け取っていません（${target}: ${describe(matched)}）`
        : `ソースタイプ ${sourcetypes.join(', ')} のイベントが直近 ${windowHours} 時間 ${target} に届いていません`;
  return {
    rule_id: rule.id,
    title: rule.title,
    format: rule.format,
    file: rule.file,
    target,
    reason,
    patterns,
    sourcetypes,
    matched,
    explain: { en: `"${rule.title}" is blind: ${en}.`, ja: `「${rule.title}」は機能しません: ${ja}。` },
  };
}

const pick = (i: IndexHealth) => ({ name: i.name, docs: i.docs, newest: i.newest });

function judgeElastic(rule: DetectionRule, h: SourceHealth): BlindRule | undefined {
  const patterns = rule.reads?.indices ?? [];
  // A data view is not resolved to index patterns here: such a rule is not judged.
  if (patterns.length === 0) return undefined;
  const matched = elasticMatch(patterns, h.indices);
  if (matched === undefined) return undefined;
  if (matched.length === 0 || matched.every((i) => i.docs === 0))
    return blind(rule, h.target, 'no-index', matched.map(pick), h.window_hours);
  // Blind only when every matched index is known empty or stale: one that holds events unmeasured may be fresh.
  if (matched.some((i) => i.unmeasured && i.docs !== 0)) return undefined;
  if (!matched.some((i) => fresh(i, h.window_hours)))
    return blind(rule, h.target, 'no-recent-events', matched.map(pick), h.window_hours);
  return undefined;
}

function judgeSplunk(rule: DetectionRule, h: SourceHealth): BlindRule | undefined {
  const patterns = rule.reads?.indices ?? [];
  const sourcetypes = rule.reads?.sourcetypes ?? [];
  const indexRes = patterns.map((p) => wildcard(p, true));
  const inScope = (name: string) =>
    patterns.length === 0 ? !INTERNAL.test(name) : indexRes.some((re) => re.test(name));
  if (patterns.length > 0) {
    const matched = h.indices.filter((i) => inScope(i.name));
    if (matched.length === 0 || matched.every((i) => i.docs === 0))
      return blind(rule, h.target, 'no-index', matched.map(pick), h.window_hours);
    // The tstats counts cover the window by Splunk's own clock: where they were measured they decide freshness.
    const counted = h.sourcetypes;
    const live = counted
      ? (i: IndexHealth) => counted.some((r) => r.index === i.name && r.events > 0)
      : (i: IndexHealth) => fresh(i, h.window_hours);
    if (!matched.some(live)) return blind(rule, h.target, 'no-recent-events', matched.map(pick), h.window_hours);
  }
  if (sourcetypes.length === 0 || !h.sourcetypes) return undefined;
  const stRes = sourcetypes.map((s) => wildcard(s, true));
  const rows = h.sourcetypes.filter((r) => inScope(r.index) && stRes.some((re) => re.test(r.sourcetype)));
  if (rows.some((r) => r.events > 0)) return undefined;
  const seen = h.sourcetypes
    .filter((r) => inScope(r.index))
    .map((r) => ({ name: `${r.index}/${r.sourcetype}`, docs: r.events, newest: r.newest }));
  return blind(rule, h.target, 'sourcetype-silent', seen, h.window_hours);
}

/** Which SIEM a rule runs in, by the format it was read in. */
function siemOf(rule: DetectionRule): SourceHealth['siem'] | undefined {
  if (rule.format === 'elastic') return 'elastic';
  if (rule.format === 'splunk-conf') return 'splunk';
  return undefined;
}

/**
 * The enabled rules whose indices or sourcetypes receive no events. A rule is judged against the health of every
 * measured SIEM of its kind and is blind only when it is blind in all of them (with several clusters, the rule may
 * run in any); rules without `reads`, correlation rules and rules of a SIEM with no measured health are not judged.
 */
export function blindRules(rules: DetectionRule[], health: SourceHealth[]): BlindRule[] {
  const out: BlindRule[] = [];
  for (const rule of rules) {
    if (rule.disabled || rule.correlation || !rule.reads) continue;
    const siem = siemOf(rule);
    const mine = health.filter((h) => h.siem === siem);
    if (mine.length === 0) continue;
    const verdicts = mine.map((h) => (siem === 'elastic' ? judgeElastic(rule, h) : judgeSplunk(rule, h)));
    if (verdicts.every((v) => v !== undefined)) out.push(verdicts[0]!);
  }
  return out;
}
