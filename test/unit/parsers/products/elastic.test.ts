import { describe, expect, it } from 'vitest';
import { InconclusiveError, ParseError } from '../../../../src/checks/types.js';
import {
  clusterSetting,
  elasticParsers,
  ismPolicyRetention,
  parseDisk,
  parseIngest,
  parseWatermark,
  sourceOfIndex,
} from '../../../../src/parsers/products/elastic.js';
import { answered, failed, fixture, fromFixture, otherProductProbe, SERVER_NOW } from './helpers.js';

const json = (p: string) => JSON.parse(fixture(p)) as unknown;

describe('Elasticsearch cluster health', () => {
  it('reads status and unassigned shards from GET /_cluster/health', () => {
    const facts = elasticParsers['es-cluster-health']({
      'es-cluster-health': fromFixture('elasticsearch/cluster-health-red.json'),
    });
    expect(facts).toMatchObject({
      applicable: true,
      status: 'red',
      unassigned_shards: 125,
      number_of_data_nodes: 2,
      active_shards_percent: 70.32710280373831,
    });
  });

  it('is not applicable when the target is another product', () => {
    expect(
      elasticParsers['es-cluster-health']({ 'api-root': answered('{}'), 'es-cluster-health': otherProductProbe() }),
    ).toEqual({ applicable: false });
  });

  it('is inconclusive when the API refused the request, and an error when the answer is not JSON', () => {
    expect(() =>
      elasticParsers['es-cluster-health']({ 'es-cluster-health': failed('permission-denied', 'HTTP 403 Forbidden') }),
    ).toThrow(InconclusiveError);
    expect(() =>
      elasticParsers['es-cluster-health']({ 'es-cluster-health': answered('<html>proxy error</html>') }),
    ).toThrow(ParseError);
    expect(() =>
      elasticParsers['es-cluster-health']({ 'es-cluster-health': answered('{"cluster_name":"x"}') }),
    ).toThrow(/no "status"/);
  });
});

describe('disk watermarks', () => {
  it('parses percentages, ratios and absolute free-space watermarks', () => {
    expect(parseWatermark('85%')).toEqual({ raw: '85%', percent: 85 });
    expect(parseWatermark('0.9')).toEqual({ raw: '0.9', percent: 90 });
    expect(parseWatermark('50gb')).toEqual({ raw: '50gb', free_bytes: 50 * 1024 ** 3 });
    expect(parseWatermark('nonsense')).toBeUndefined();
  });

  it('reads nested settings, including keys that Elasticsearch prints with dots inside', () => {
    const settings = json('elasticsearch/disk-settings-defaults.json');
    expect(clusterSetting(settings, 'cluster.routing.allocation.disk.watermark.high')).toBe('90%');
    expect(clusterSetting(settings, 'cluster.routing.allocation.disk.watermark.flood_stage')).toBe('95%');
    expect(
      clusterSetting(
        { persistent: { 'cluster.routing.allocation.disk.watermark.low': '70%' } },
        'cluster.routing.allocation.disk.watermark.low',
      ),
    ).toBe('70%');
  });

  it('flags the node past the low watermark with the default watermarks and skips the UNASSIGNED row', () => {
    const facts = parseDisk(json('elasticsearch/allocation.json'), json('elasticsearch/disk-settings-defaults.json'));
    const nodes = facts.nodes as { node: string; over_low: boolean; over_high: boolean }[];
    expect(nodes.map((n) => n.node)).toEqual(['es-hot-01', 'es-hot-02', 'es-warm-01']);
    expect(nodes.filter((n) => n.over_low).map((n) => n.node)).toEqual(['es-hot-02']);
    expect(nodes.some((n) => n.over_high)).toBe(false);
    expect(facts.max_disk_percent).toBe(88);
  });

  it('applies absolute watermarks (free bytes) set persistently over the defaults', () => {
    const facts = parseDisk(json('elasticsearch/allocation.json'), json('elasticsearch/disk-settings-absolute.json'));
    const nodes = facts.nodes as { node: string; over_low: boolean; over_high: boolean; over_flood_stage: boolean }[];
    expect(facts.watermark_high).toBe('60gb');
    expect(nodes.find((n) => n.node === 'es-hot-01')).toMatchObject({ over_low: true, over_high: false });
    expect(nodes.find((n) => n.node === 'es-hot-02')).toMatchObject({
      over_low: true,
      over_high: true,
      over_flood_stage: false,
    });
    expect(nodes.find((n) => n.node === 'es-warm-01')).toMatchObject({ over_low: false });
  });

  it('falls back to the default watermarks when the settings probe was refused', () => {
    const facts = elasticParsers['es-disk']({
      'es-allocation': fromFixture('elasticsearch/allocation.json'),
      'es-disk-settings': failed('permission-denied'),
    });
    expect(facts.watermark_low).toBe('85%');
  });
});

describe('retention', () => {
  it('reads ILM and data stream lifecycle per log data stream, leaving metrics and hidden streams out', () => {
    const facts = elasticParsers['es-retention']({
      'es-data-streams': fromFixture('elasticsearch/data-streams.json'),
      'es-ilm-policies': fromFixture('elasticsearch/ilm-policies.json'),
      'os-ism-policies': otherProductProbe(),
    });
    expect(facts.engine).toBe('ilm');
    expect(facts.log_sets).toEqual([
      {
        name: 'logs-system.auth-default',
        managed_by: 'ilm',
        policy: 'logs-siem',
        retention_days: 400,
        hot_warm_days: 90,
      },
      {
        name: 'logs-system.security-default',
        managed_by: 'ilm',
        policy: 'logs-siem',
        retention_days: 400,
        hot_warm_days: 90,
      },
      {
        name: 'logs-nginx.access-default',
        managed_by: 'data-stream-lifecycle',
        policy: null,
        retention_days: 30,
        hot_warm_days: 30,
      },
    ]);
    expect(facts.shortest_retention_days).toBe(30);
  });

  it(
    'judges the ILM policies of classic log indices when there are ' + 'no data streams (older clusters answer 404)',
    () => {
      const facts = elasticParsers['es-retention']({
        'es-data-streams': failed('not-found', 'HTTP 404'),
        'es-ilm-policies': fromFixture('elasticsearch/ilm-policies-classic.json'),
        'os-ism-policies': otherProductProbe(),
      });
      expect(facts.log_sets).toEqual([
        { name: 'filebeat (2 indices)', managed_by: 'ilm', policy: 'filebeat', retention_days: 30, hot_warm_days: 30 },
      ]);
    },
  );

  it('walks ISM states: min_index_age counts from creation, so delete happens at the largest age on the path', () => {
    const facts = elasticParsers['es-retention']({
      'es-data-streams': otherProductProbe(),
      'es-ilm-policies': otherProductProbe(),
      'os-ism-policies': fromFixture('opensearch/ism-policies.json'),
    });
    expect(facts.engine).toBe('ism');
    expect(facts.log_sets).toEqual([
      {
        name: 'wazuh-alerts-*',
        managed_by: 'ism',
        policy: 'wazuh-alerts-retention',
        retention_days: 180,
        hot_warm_days: 180,
      },
      {
        name: 'wazuh-archives-*',
        managed_by: 'ism',
        policy: 'archives-retention',
        retention_days: 400,
        hot_warm_days: 120,
      },
    ]);
  });

  it('treats an ISM policy that never reaches a delete action as keeping data forever', () => {
    const policy = {
      policy: {
        default_state: 'hot',
        states: [
          { name: 'hot', actions: [], transitions: [{ state_name: 'warm', conditions: { min_doc_count: 1000 } }] },
          { name: 'warm', actions: [], transitions: [] },
        ],
      },
    };
    expect(ismPolicyRetention(policy)).toEqual({ retention: null, hotWarm: null });
  });

  it('is inconclusive when OpenSearch has no ISM plugin', () => {
    expect(() =>
      elasticParsers['es-retention']({
        'es-data-streams': otherProductProbe(),
        'es-ilm-policies': otherProductProbe(),
        'os-ism-policies': failed('not-found', 'HTTP 404'),
      }),
    ).toThrow(InconclusiveError);
  });
});

describe('ingest recency', () => {
  it('maps backing and dated indices back to their source', () => {
    expect(sourceOfIndex('.ds-logs-system.auth-default-2026.11.23-000002')).toBe('logs-system.auth-default');
    expect(sourceOfIndex('fortigate-2026.11.23')).toBe('fortigate');
    expect(sourceOfIndex('wazuh-alerts-4.x-2026.11.23')).toBe('wazuh-alerts-4.x');
    expect(sourceOfIndex('filebeat-7.17.9-2026.11.22-000041')).toBe('filebeat-7.17.9');
    expect(sourceOfIndex('assets')).toBe('assets');
  });

  it('takes the newest event per source against the server clock and lists sources silent for a day', () => {
    const facts = parseIngest(json('elasticsearch/ingest-search.json'), SERVER_NOW);
    const sources = facts.sources as { name: string; age_minutes: number; docs: number }[];
    expect(sources.map((s) => [s.name, s.age_minutes])).toEqual([
      ['fortigate', 0.5],
      ['logs-system.auth-default', 2],
      ['logs-system.security-default', 5],
      ['logs-nginx.access-default', 4332],
    ]);
    expect(sources.find((s) => s.name === 'logs-system.auth-default')!.docs).toBe(1288391 + 20311);
    expect(facts.newest_age_minutes).toBe(0.5);
    expect(facts.stale_sources).toEqual(['logs-nginx.access-default']);
    expect(facts.windows_channels_24h).toEqual([
      'Security',
      'Microsoft-Windows-Sysmon/Operational',
      'System',
      'Microsoft-Windows-PowerShell/Operational',
    ]);
  });

  it('reports no Windows channel when the cluster holds none (the aggregation answers no buckets)', () => {
    const answer = json('elasticsearch/ingest-search.json') as {
      aggregations: { recent: { channels: { buckets: unknown[] } } };
    };
    answer.aggregations.recent.channels.buckets = [];
    expect(parseIngest(answer, SERVER_NOW).windows_channels_24h).toEqual([]);
  });

  it('uses the Date header recorded with the answer, so re-reading old evidence gives the same ages', () => {
    const probe = fromFixture('elasticsearch/ingest-search.json');
    const later = elasticParsers['es-ingest']({ 'es-ingest-recency': probe });
    expect(later.newest_age_minutes).toBe(0.5);
    const dayLater = elasticParsers['es-ingest']({
      'es-ingest-recency': fromFixture('elasticsearch/ingest-search.json', { date: 'Tue, 24 Nov 2026 17:00:00 GMT' }),
    });
    expect(dayLater.newest_age_minutes).toBe(1440.5);
  });

  it('is an error, not a pass, when the answer has no aggregation', () => {
    expect(() => parseIngest({ hits: { hits: [] } }, SERVER_NOW)).toThrow(ParseError);
  });
});
