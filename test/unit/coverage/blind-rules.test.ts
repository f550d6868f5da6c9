import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../src/checks/catalog.js';
import { blindRules, type SourceHealth } from '../../../src/parsers/products/rule-blindness.js';
import {
  elasticIndexHealth,
  INGEST_INDEX_BUCKETS,
  sourceHealthOf,
  splunkIndexHealth,
  splunkSourcetypeHealth,
} from '../../../src/parsers/products/source-health.js';
import type { DetectionRule } from '../../../src/rules/model.js';
import { readKibanaRules, readSplunkSavedSearches } from '../../../src/rules/siem-api.js';
import { splReads } from '../../../src/rules/splunk.js';
import { FIXTURES_DIR } from '../../helpers/paths.js';

const fixture = (p: string) => readFileSync(join(FIXTURES_DIR, 'products', p), 'utf8');
/** The Splunk fixtures' clock: the indexes answer was taken at 17:00 on 2026-11-23. */
const NOW = Date.parse('2026-11-23T17:00:00Z');

function rule(over: Partial<DetectionRule>): DetectionRule {
  return {
    file: 'api',
    format: 'elastic',
    id: 'r',
    title: 'R',
    logsource: {},
    fields: [],
    techniques: [],
    tactics: [],
    owasp: [],
    correlation: false,
    tags: [],
    ...over,
  };
}

describe('splReads: the indexes and sourcetypes an SPL search names', () => {
  it('reads index=, quoted sourcetypes and IN lists, and ignores negated terms and dotted fields', () => {
    expect(
      splReads(
        'index=win* sourcetype="XmlWinEventLog:Security" NOT index=test index!=dev Processes.index=x ' +
          '| search sourcetype IN (a, "b")',
      ),
    ).toEqual({ indices: ['win*'], sourcetypes: ['XmlWinEventLog:Security', 'a', 'b'] });
  });
  it('a data-model search names neither, so it has no reads', () => {
    expect(splReads('| tstats count from datamodel=Endpoint.Processes by Processes.dest')).toEqual({
      indices: [],
      sourcetypes: [],
    });
  });
});

describe('rules pulled from the SIEM carry where they search', () => {
  it('Kibana rules keep their index patterns; Splunk saved searches their index= and sourcetype= terms', () => {
    const kibana = readKibanaRules(fixture('kibana/detection-rules-find.json'), 'k').rules;
    expect(kibana[0]!.reads).toEqual({ indices: ['logs-system.auth*', 'auditbeat-*'], sourcetypes: [] });
    const splunk = readSplunkSavedSearches(fixture('splunk/saved-searches-blind.json'), 's').rules;
    expect(splunk[1]!.reads).toEqual({ indices: ['linux'], sourcetypes: ['linux_secure'] });
  });
});

describe('source health read from the SIEM answers', () => {
  it('Splunk data/indexes: a disabled index holds no events; ages run from the given clock', () => {
    const h = splunkIndexHealth(JSON.parse(fixture('splunk/indexes.json')), NOW);
    expect(h.find((i) => i.name === 'old_proxy')?.docs).toBe(0);
    expect(h.find((i) => i.name === 'linux')).toMatchObject({ docs: 88213112, age_minutes: 2 * 24 * 60 + 30 });
  });
  it('the tstats export gives events per index and sourcetype; a FATAL message is an error, not empty', () => {
    expect(splunkSourcetypeHealth(fixture('splunk/sourcetypes-export.ndjson'))[0]).toEqual({
      index: 'wineventlog',
      sourcetype: 'XmlWinEventLog',
      events: 118220,
      newest: '2026-11-23T16:59:00.000Z',
    });
    expect(() =>
      splunkSourcetypeHealth('{"messages":[{"type":"FATAL","text":"Error in \'tstats\' command"}]}\n'),
    ).toThrow(/the search failed: Error in 'tstats' command/);
  });
  it('Elasticsearch: buckets give docs and newest, _cat/indices adds indices with no document', () => {
    const h = elasticIndexHealth(
      {
        aggregations: {
          indices: { buckets: [{ key: 'winlogbeat-2026.11.23', doc_count: 5, newest: { value: NOW } }] },
        },
      },
      NOW,
      [
        { index: 'auditbeat-8.1-2026.11.01', 'docs.count': '0' },
        { index: '.kibana_1', 'docs.count': '12' },
      ],
    );
    expect(h.map((i) => [i.name, i.docs])).toEqual([
      ['auditbeat-8.1-2026.11.01', 0],
      ['winlogbeat-2026.11.23', 5],
    ]);
  });
});

describe('blindRules: the join of the rules the SIEM runs with where its events arrive', () => {
  const splunk = (): SourceHealth =>
    sourceHealthOf(
      'splunk',
      {
        'splunk-indexes': fixture('splunk/indexes.json'),
        'splunk-sourcetypes': fixture('splunk/sourcetypes-export.ndjson'),
      },
      NOW,
    )!;

  it('names each blind Splunk search with its reason and what the patterns matched; fed sources are not blind', () => {
    const rules = readSplunkSavedSearches(fixture('splunk/saved-searches-blind.json'), 's').rules;
    const blind = blindRules(rules, [splunk()]);
    expect(blind.map((b) => [b.title, b.reason])).toEqual([
      ['Linux - Sudo To Root Shell', 'no-recent-events'],
      ['Proxy - Web Shell Download', 'no-index'],
      ['Windows - Sysmon Process Injection', 'sourcetype-silent'],
    ]);
    expect(blind[0]!.matched).toEqual([{ name: 'linux', docs: 88213112, newest: '2026-11-21T16:30:00.000Z' }]);
    expect(blind[0]!.explain.en).toBe(
      '"Linux - Sudo To Root Shell" is blind: index pattern linux matches only indices with no event in the last ' +
        '24 h on splunk: linux (88213112 events, newest 2026-11-21T16:30:00.000Z).',
    );
    expect(blind[1]!.matched).toEqual([{ name: 'old_proxy', docs: 0, newest: '2025-01-01T00:00:00.000Z' }]);
    expect(blind[2]!.explain.en).toMatch(
      /sourcetype XmlWinEventLog:Microsoft-Windows-Sysmon\/Operational had no event in the last 24 h/,
    );
  });

  it("where the tstats counts were measured they decide an index's freshness (Splunk's clock), not maxTime", () => {
    const h = splunk();
    const linux = rule({ format: 'splunk-conf', reads: { indices: ['linux'], sourcetypes: [] } });
    const win = rule({ format: 'splunk-conf', reads: { indices: ['wineventlog'], sourcetypes: [] } });
    // Even with a clock that makes every maxTime old, wineventlog has events in the window by the tstats answer.
    const later = { ...h, indices: h.indices.map((i) => ({ ...i, age_minutes: 99_999 })) };
    expect(blindRules([linux, win], [later]).map((b) => b.title && b.reason)).toEqual(['no-recent-events']);
    expect(blindRules([win], [{ ...later, sourcetypes: [] }]).map((b) => b.reason)).toEqual(['no-recent-events']);
  });

  it('without the sourcetype counts only the index-level join is made (no sourcetype verdict)', () => {
    const h = { ...splunk(), sourcetypes: undefined };
    const rules = readSplunkSavedSearches(fixture('splunk/saved-searches-blind.json'), 's').rules;
    expect(blindRules(rules, [h]).map((b) => b.reason)).toEqual(['no-recent-events', 'no-index']);
  });

  it('Elastic patterns: wildcards, streams by name, exclusions; a remote pattern or data view is not judged', () => {
    const h: SourceHealth = {
      target: 'es',
      siem: 'elastic',
      window_hours: 24,
      indices: [
        { name: '.ds-logs-system.auth-default-2026.11.20-000001', docs: 10, newest: null, age_minutes: 30 },
        { name: 'auditbeat-8.1-2026.11.01', docs: 100, newest: '2026-11-01T00:00:00.000Z', age_minutes: 31_000 },
        { name: 'filebeat-old', docs: 0, newest: null, age_minutes: null },
      ],
    };
    const judge = (indices: string[], extra: Partial<DetectionRule> = {}) =>
      blindRules([rule({ reads: { indices, sourcetypes: [] }, ...extra })], [h]).map((b) => b.reason);
    expect(judge(['logs-system.auth*'])).toEqual([]);
    expect(judge(['auditbeat-*'])).toEqual(['no-recent-events']);
    expect(judge(['filebeat-*'])).toEqual(['no-index']);
    expect(judge(['packetbeat-*'])).toEqual(['no-index']);
    expect(judge(['logs-*', '-logs-system.*'])).toEqual(['no-index']);
    expect(judge(['remote:logs-*'])).toEqual([]);
    expect(blindRules([rule({ reads: { indices: [], sourcetypes: [], data_view: 'dv' } })], [h])).toEqual([]);
    // Disabled rules are absent already; a rule of a SIEM with no measured health is not judged.
    expect(judge(['packetbeat-*'], { disabled: true })).toEqual([]);
    expect(blindRules([rule({ reads: { indices: ['x'], sourcetypes: [] } })], [])).toEqual([]);
  });

  it('Elastic wildcards select hidden .ds- backing indices through their stream, by name only with a . pattern', () => {
    const h: SourceHealth = {
      target: 'es',
      siem: 'elastic',
      window_hours: 24,
      indices: [
        { name: '.ds-logs-system.auth-default-2026.11.20-000001', docs: 10, newest: null, age_minutes: 30 },
        { name: '.ds-.fleet-actions-results-2026.11.20-000001', docs: 3, newest: null, age_minutes: 30 },
        { name: 'filebeat-old', docs: 0, newest: null, age_minutes: null },
      ],
    };
    const judge = (indices: string[]) =>
      blindRules([rule({ reads: { indices, sourcetypes: [] } })], [h]).map((b) => b.reason);
    // A plain pattern never matches the hidden backing index by its own name; the stream name does resolve.
    expect(judge(['*-2026.11.20-*'])).toEqual(['no-index']);
    expect(judge(['logs-*'])).toEqual([]);
    // Nor a `.`-named (hidden) stream: `*` reaches it only when the pattern starts with `.`.
    expect(judge(['*fleet*'])).toEqual(['no-index']);
    expect(judge(['.ds-.fleet-*'])).toEqual([]);
    // A `.ds-` pattern selects backing indices by name; an exclusion removes what was selected under that name.
    expect(judge(['.ds-logs-*'])).toEqual([]);
    expect(judge(['.ds-logs-*', '-.ds-logs-system.*'])).toEqual(['no-index']);
    // `*,-.ds-*` keeps the stream logs-system.auth-default (the exclusion never matched its name).
    expect(judge(['*', '-.ds-*'])).toEqual([]);
    expect(judge(['*', '-logs-*'])).toEqual(['no-index']);
  });

  it('a rule on a .-prefixed pattern (.alerts-security.*) is not judged: hidden indices are never measured', () => {
    const ingest = { aggregations: { indices: { buckets: [] } } };
    const cat = [{ index: '.internal.alerts-security.alerts-default-000001', 'docs.count': '40' }];
    const h = sourceHealthOf(
      'es',
      { 'es-ingest-recency': JSON.stringify(ingest), 'es-indices-volume': JSON.stringify(cat) },
      NOW,
    )!;
    const judge = (indices: string[]) =>
      blindRules([rule({ reads: { indices, sourcetypes: [] } })], [h]).map((b) => b.reason);
    expect(judge(['.alerts-security.*'])).toEqual([]);
    expect(judge(['.alerts-security.*', 'logs-*'])).toEqual([]);
    expect(judge(['.siem-signals-*'])).toEqual([]);
    // A `.ds-` backing index is measured, and a plain pattern that matches nothing is still blind.
    expect(judge(['.ds-logs-x-*'])).toEqual(['no-index']);
    expect(judge(['logs-*'])).toEqual(['no-index']);
  });

  it('es-ingest-recency keeps the freshest indices first, in as many buckets as the cut detection assumes', () => {
    const path = loadCatalog().probes.get('es-ingest-recency')!.path!;
    const source = JSON.parse(new URL(path, 'http://es').searchParams.get('source')!);
    expect(source.aggs.indices.terms).toEqual({
      field: '_index',
      size: INGEST_INDEX_BUCKETS,
      order: { newest: 'desc' },
    });
  });

  it('an index left out of a cut _index aggregation has unknown freshness: its rule is not judged blind', () => {
    const stale = Date.parse('2026-11-01T00:00:00Z');
    const buckets = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ key: `big-${i}`, doc_count: 1e6, newest: { value: stale } }));
    const cat = [
      { index: 'winlogbeat-8.11.0-2026.12.03', 'docs.count': '5000' },
      { index: 'winlogbeat-empty', 'docs.count': '0' },
    ];
    const health = (agg: Record<string, unknown>) =>
      sourceHealthOf(
        'es',
        {
          'es-ingest-recency': JSON.stringify({ aggregations: { indices: agg } }),
          'es-indices-volume': JSON.stringify(cat),
        },
        NOW,
      )!;
    const judge = (h: SourceHealth, indices = ['winlogbeat-*']) =>
      blindRules([rule({ reads: { indices, sourcetypes: [] } })], [h]).map((b) => b.reason);
    // Cut by other documents left out, or by as many buckets as the aggregation's size.
    const byOther = health({ buckets: buckets(3), sum_other_doc_count: 5000 });
    expect(byOther.indices.find((i) => i.name === 'winlogbeat-8.11.0-2026.12.03')?.unmeasured).toBe(true);
    expect(judge(byOther)).toEqual([]);
    expect(judge(health({ buckets: buckets(1000), sum_other_doc_count: 0 }))).toEqual([]);
    // Known empty stays blind even when cut; a measured stale index next to nothing unknown stays blind.
    expect(judge(byOther, ['winlogbeat-empty'])).toEqual(['no-index']);
    expect(judge(byOther, ['big-1'])).toEqual(['no-recent-events']);
    // Not cut: the search covered every index, so a _cat-only index with documents has no event with a time.
    expect(judge(health({ buckets: buckets(3), sum_other_doc_count: 0 }))).toEqual(['no-recent-events']);
  });

  it('with two clusters measured, a rule is blind only when no cluster feeds its patterns', () => {
    const one = (name: string): SourceHealth => ({
      target: name,
      siem: 'elastic',
      window_hours: 24,
      indices: name === 'b' ? [{ name: 'winlogbeat-1', docs: 1, newest: null, age_minutes: 5 }] : [],
    });
    const r = rule({ reads: { indices: ['winlogbeat-*'], sourcetypes: [] } });
    expect(blindRules([r], [one('a'), one('b')])).toEqual([]);
    expect(blindRules([r], [one('a')]).map((b) => b.target)).toEqual(['a']);
  });
});
