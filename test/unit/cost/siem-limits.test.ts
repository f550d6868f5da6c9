// The cost forecast against the SIEM's own limits, on fixed figures and a fixed clock (the fixtures' server Date,
// 2026-11-23T17:00:00Z): Splunk's licensed bytes per index and sourcetype over 30 days (squashed rows counted, an
// empty answer not zero), the licence and disk headroom arithmetic, and the retention of indices holding security
// sources against the year the report recommends.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../src/checks/catalog.js';
import { evaluateCheck } from '../../../src/checks/evaluate.js';
import { InconclusiveError } from '../../../src/checks/types.js';
import { nodeHeadroom, storedGrowth } from '../../../src/cost/es-headroom.js';
import { headroomOf } from '../../../src/cost/headroom.js';
import { analyseCost } from '../../../src/cost/index.js';
import { esSecurityRetentionOf, splunkSecurityRetention } from '../../../src/cost/security-retention.js';
import { RECOMMENDED_RETENTION_DAYS, securityFamily } from '../../../src/cost/security-sources.js';
import {
  licenceHeadroomFacts,
  licenceUsageRows,
  sourcetypesByIndex,
  splunkIngestFacts,
} from '../../../src/cost/splunk-ingest.js';
import type { Finding, Report } from '../../../src/model.js';
import { costView } from '../../../src/report/cost-view.js';
import { costMarkdown } from '../../../src/report/formats/cost-md.js';
import { fixtureOutputs, loadRegistry } from '../../fixtures/catalog/fixtures.js';
import { FIXTURES_DIR } from '../../helpers/paths.js';

const fixture = (p: string) => readFileSync(join(FIXTURES_DIR, 'products', p), 'utf8');
const NOW = Date.parse('2026-11-23T17:00:00Z');
const usage = () => licenceUsageRows(fixture('splunk/license-usage-30d.ndjson'));
const licenser = () => JSON.parse(fixture('splunk/license-usage.json')) as unknown;

type Volume = Record<string, unknown> & { sources: Record<string, unknown>[] };
const volumeOf = (facts: Record<string, unknown>) => facts.volume as Volume;

describe('Splunk licensed ingest per index and sourcetype over 30 whole days', () => {
  it('sums b per index and sourcetype, per day over every licence day, with the busiest day', () => {
    const v = volumeOf(splunkIngestFacts(usage()));
    expect([v.days, v.peak_day, v.peak_bytes_per_day]).toEqual([30, '2026-11-17', 11.1e9]);
    expect(v.mean_bytes_per_day).toBeCloseTo((29 * 7.6e9 + 11.1e9) / 30, 0);
    const win = v.sources.find((s) => s.source === 'wineventlog / XmlWinEventLog')!;
    expect(win.bytes).toBe(29 * 5e9 + 8.5e9);
    expect(win.bytes_per_day).toBeCloseTo((29 * 5e9 + 8.5e9) / 30, 0);
    expect([win.peak_bytes_per_day, win.security, win.first, win.last]).toEqual([
      8.5e9,
      'Windows event logs',
      '2026-10-24',
      '2026-11-22',
    ]);
    expect(v.sources.map((s) => s.source)).toEqual([
      'wineventlog / XmlWinEventLog',
      'firewall / pan:traffic',
      'main / access_combined',
      'linux / linux_secure',
    ]);
  });

  it('counts bytes reported with host and source squashed, and keeps them in their index and sourcetype', () => {
    const v = volumeOf(splunkIngestFacts(usage()));
    expect(v.squashed_bytes).toBe(4 * 2e9);
    const fw = v.sources.find((s) => s.index === 'firewall')!;
    expect([fw.bytes, fw.squashed_bytes]).toEqual([30 * 2e9, 8e9]);
  });

  it('a sourcetype a quiet day did not see is 0 that day, not left out of the mean', () => {
    const rows = licenceUsageRows(
      [
        { _time: '2026-11-20T00:00:00.000+09:00', pool: 'p', idx: 'main', st: 'syslog', b: '300', squashed_b: '0' },
        { _time: '2026-11-21T00:00:00.000+09:00', pool: 'p', idx: 'web', st: 'access_combined', b: '100' },
        { _time: '2026-11-22T00:00:00.000+09:00', pool: 'p', idx: 'web', st: 'access_combined', b: '200' },
      ]
        .map((result) => JSON.stringify({ preview: false, result }))
        .join('\n'),
    );
    const v = volumeOf(splunkIngestFacts(rows));
    // The licence day is the search head's: the date part of _time, whatever its offset.
    expect(v.daily).toEqual([
      { day: '2026-11-20', bytes: 300 },
      { day: '2026-11-21', bytes: 100 },
      { day: '2026-11-22', bytes: 200 },
    ]);
    expect(v.sources.find((s) => s.index === 'web')!.bytes_per_day).toBe(100);
  });

  it('does not depend on the order the rows arrive in', () => {
    const rows = usage();
    expect(splunkIngestFacts([...rows].reverse())).toEqual(splunkIngestFacts(rows));
  });

  it('an empty answer is inconclusive and says the role may not read _internal, never zero bytes', () => {
    expect(() => splunkIngestFacts(licenceUsageRows(''))).toThrow(InconclusiveError);
    expect(() => splunkIngestFacts(licenceUsageRows(''))).toThrow(/not zero bytes: the role may not search _internal/);
  });

  it('a FATAL message and a row without a day are inconclusive', () => {
    expect(() =>
      licenceUsageRows('{"preview":false,"messages":[{"type":"FATAL","text":"Search auto-canceled"}]}\n'),
    ).toThrow('splunk-license-usage-30d: the search failed: Search auto-canceled');
    expect(() => licenceUsageRows('{"result":{"b":"5"}}')).toThrow(/line 1 has no _time day/);
  });

  it('which sourcetypes each index received (bytes > 0)', () => {
    expect([...sourcetypesByIndex(usage()).get('firewall')!]).toEqual(['pan:traffic']);
  });
});

describe('Splunk licence headroom: the quota minus the busiest of the last 30 days', () => {
  it('10 GiB quota against an 11.1 GB day: negative headroom, the day over quota named', () => {
    const v = volumeOf(licenceHeadroomFacts(licenser(), usage()));
    expect(v.headroom_bytes_per_day).toBe(10_737_418_240 - 11.1e9);
    expect([v.peak_share, v.days_over_quota]).toEqual([1.034, ['2026-11-17']]);
  });

  it('a licenser answer without a quota is inconclusive', () => {
    expect(() => licenceHeadroomFacts({ entry: [{ content: {} }] }, usage())).toThrow(/no daily quota/);
  });
});

describe('Elasticsearch disk headroom before the high watermark', () => {
  const allocation = JSON.parse(fixture('elasticsearch/allocation.json')) as unknown;

  it('a percentage watermark keeps (100 - p)% free, capped by high.max_headroom (8.5+ defaults)', () => {
    const { nodes } = nodeHeadroom(allocation, JSON.parse(fixture('elasticsearch/disk-settings-defaults.json')));
    const warm = nodes.find((n) => n.node === 'es-warm-01')!;
    // 10% of 4.5 TB is 450 GB; max_headroom 150GB (GiB) caps what must stay free.
    expect(warm.reserved_bytes).toBe(150 * 1024 ** 3);
    expect(warm.headroom_bytes).toBe(3_002_847_539_200 - 150 * 1024 ** 3);
    const hot = nodes.find((n) => n.node === 'es-hot-02')!;
    expect(hot.reserved_bytes).toBeCloseTo(536_575_156_224 * 0.1, 0);
    expect(nodes.map((n) => n.node)).toEqual(['es-hot-01', 'es-hot-02', 'es-warm-01']);
  });

  it('an absolute watermark (flat settings) keeps that many bytes free; a disabled decider keeps none', () => {
    const flat = { persistent: { 'cluster.routing.allocation.disk.watermark.high': '50gb' } };
    expect(nodeHeadroom(allocation, flat).nodes[0]!.headroom_bytes).toBe(94_855_651_328 - 50 * 1024 ** 3);
    const off = { transient: { 'cluster.routing.allocation.disk.threshold_enabled': 'false' } };
    const r = nodeHeadroom(allocation, off);
    expect(r.nodes[0]!.headroom_bytes).toBe(94_855_651_328);
    expect(r.basis.en).toMatch(/disabled/);
    expect(r.basis.ja).toMatch(/無効/);
  });

  it('an explicit percentage without max_headroom keeps the whole percentage free', () => {
    const set = { persistent: { cluster: { routing: { allocation: { disk: { watermark: { high: '80%' } } } } } } };
    expect(nodeHeadroom(allocation, set).nodes[2]!.reserved_bytes).toBeCloseTo(4_498_299_076_608 * 0.2, 0);
  });

  it("today's stored growth: store.size of the log indices (replicas in) since the oldest was created", () => {
    const g = storedGrowth(JSON.parse(fixture('elasticsearch/indices-volume.json')), NOW);
    expect(g.per_day).toBeCloseTo((10.6e9 * 86_400_000) / (NOW - 1_794_528_000_000), 0);
    expect(g.replica_factor).toBe(2);
  });
});

const headroomFinding = (check: string, target: string, volume: Record<string, unknown>): Finding => ({
  check,
  target,
  status: 'pass',
  area: 'infrastructure',
  severity: 'medium',
  weight: 2,
  title: { en: check, ja: check },
  evidence: [],
  maps: {},
  observed: { volume },
});

describe('the forecast against the headroom', () => {
  const licence = headroomFinding('products.splunk.licence-headroom', 'splunk', {
    quota_bytes_per_day: 10e9,
    peak_bytes_per_day: 8e9,
    peak_day: '2026-11-17',
    days: 30,
  });
  const disk = headroomFinding('products.es.disk-headroom', 'es', {
    headroom_bytes: 100e9,
    replica_factor: 2,
    basis: 'free disk above the high watermark 90%',
  });

  it('licence: fits on the expected figure, the high one named when it does not', () => {
    const [h] = headroomOf([licence], { low: 1e9, expected: 1.5e9, high: 3e9 });
    expect([h!.headroom_bytes, h!.verdict, h!.high_fits, h!.over_bytes_per_day]).toEqual([2e9, 'fits', false, null]);
  });

  it('licence: exceeds by the expected added volume minus the headroom per day', () => {
    const [h] = headroomOf([licence], { low: 2e9, expected: 2.5e9, high: 3e9 });
    expect([h!.verdict, h!.over_bytes_per_day]).toEqual(['exceeds', 0.5e9]);
  });

  it('disk: added × replica factor × the recommended 365 days; fills the disk in headroom / stored per day', () => {
    const [h] = headroomOf([disk], { low: 0.1e9, expected: 0.2e9, high: 0.4e9 });
    expect(h!.added).toEqual({ low: 0.2e9, expected: 0.4e9, high: 0.8e9 });
    expect([h!.retention_days, h!.needed!.expected, h!.verdict, h!.days_to_fill]).toEqual([
      365,
      0.4e9 * 365,
      'exceeds',
      250,
    ]);
  });

  it("disk: the price table's stored_per_ingested and hot + warm retention replace the defaults", () => {
    const prices = { source: 't', stored_per_ingested: 0.5, retention_days: { hot: 30, warm: 60 } };
    const [h] = headroomOf([disk], { low: 0.1e9, expected: 0.2e9, high: 0.4e9 }, prices);
    expect([h!.retention_days, h!.needed!.expected, h!.verdict, h!.high_fits, h!.days_to_fill]).toEqual([
      90,
      0.1e9 * 90,
      'fits',
      true,
      null,
    ]);
  });

  it('nothing quantified is unknown, not a fit', () => {
    expect(headroomOf([licence, disk], null).map((h) => h.verdict)).toEqual(['unknown', 'unknown']);
  });
});

describe('retention of indices holding security sources', () => {
  const indexes = () => JSON.parse(fixture('splunk/indexes.json')) as { entry: { name: string; content: object }[] };

  it('the recommended year is the one the retention checks fail under', () => {
    const catalog = loadCatalog();
    for (const id of ['products.es.retention', 'products.splunk.retention']) {
      const c = catalog.checks.find((x) => x.id === id)!;
      expect(JSON.stringify(c.condition)).toContain(`"lt":${RECOMMENDED_RETENTION_DAYS}`);
    }
    expect(RECOMMENDED_RETENTION_DAYS).toBe(365);
  });

  it('Splunk: the firewall index (pan:traffic) is frozen after 90 days; internal and other indexes left out', () => {
    const f = splunkSecurityRetention(indexes(), sourcetypesByIndex(usage()));
    const sets = f.security_sets as { name: string; effective_days: number; limited_by: string }[];
    expect(sets.map((s) => s.name)).toEqual(['firewall', 'linux', 'main', 'wineventlog']);
    expect(f.short).toEqual(['firewall (firewall): 90 days, frozenTimePeriodInSecs 7776000']);
  });

  it('Splunk: a size cap reached before the age limit decides, with the stored rate', () => {
    const json = indexes();
    const win = json.entry.find((e) => e.name === 'wineventlog')!;
    win.content = { ...win.content, currentDBSizeMB: 490000, maxTotalDataSizeMB: 250000 };
    const f = splunkSecurityRetention(json, sourcetypesByIndex(usage()));
    const set = (f.security_sets as { name: string; effective_days: number; limited_by: string }[]).find(
      (s) => s.name === 'wineventlog',
    )!;
    expect(set.effective_days).toBeCloseTo(186.2, 0);
    expect(set.limited_by).toMatch(/^maxTotalDataSizeMB 250000 at 1342\.5 MB stored per day$/);
  });

  it('Splunk: no security sourcetype or index name is inconclusive, not a pass', () => {
    const json = indexes();
    json.entry = json.entry.filter((e) => e.name === 'main');
    expect(() => splunkSecurityRetention(json, new Map([['main', new Set(['syslog'])]]))).toThrow(
      /no index holds a known security source/,
    );
  });

  it('names families by sourcetype and index name; unknown names are not guessed', () => {
    expect(securityFamily('XmlWinEventLog:Microsoft-Windows-Sysmon/Operational')).toBe('Sysmon');
    expect(securityFamily('logs-system.auth-default')).toBe('Linux authentication');
    expect(securityFamily('pan:traffic')).toBe('firewall');
    expect(securityFamily('metrics-system.cpu-default')).toBeUndefined();
  });
});

describe('the cost section shows the forecast against the limits (JSON, view in both languages, Markdown)', () => {
  const execve = (): Finding[] => [
    {
      ...headroomFinding('linux.volume.measured', 'host1', {
        sources: [],
        process_starts_per_day: { value: 1_000_000, basis: '/proc/stat' },
        measured: 0,
      }),
      area: 'log-collection',
    },
    { ...headroomFinding('linux.audit.rules.execve', 'host1', {}), status: 'fail', severity: 'high' },
  ];
  const report = (findings: Finding[]) => ({ findings, analyses: {} }) as unknown as Report;
  const targets = [{ id: 'host1', kind: 'linux' as const, address: 'h', tags: [], transport: 'ssh' as const }];

  it('execve auditing (0.6–2.5 GB a day) exceeds a 0.5 GB/day licence headroom; the disk fills in days', () => {
    const r = report([
      ...execve(),
      headroomFinding('products.splunk.licence-headroom', 'splunk', {
        quota_bytes_per_day: 10e9,
        peak_bytes_per_day: 9.5e9,
        peak_day: '2026-11-17',
        days: 30,
      }),
      headroomFinding('products.es.disk-headroom', 'es', { headroom_bytes: 50e9, replica_factor: 2, basis: 'b' }),
    ]);
    const c = analyseCost(r, { inventory: { targets } });
    const added = c.summary.added_bytes_per_day!;
    expect(added).toEqual({ low: 0.6e9, expected: 1.2e9, high: 2.5e9 });
    const [licence, disk] = [c.details.headroom![1]!, c.details.headroom![0]!];
    expect([licence.target, licence.verdict, licence.over_bytes_per_day]).toEqual(['splunk', 'exceeds', 0.7e9]);
    expect([disk.target, disk.verdict, disk.days_to_fill]).toEqual(['es', 'exceeds', 20.8]);
    r.analyses.cost = c;
    const en = costView(r, 'en')!.headroom;
    expect(en.map((h) => h.verdict)).toEqual([
      'the recommended changes fill the disk to the high watermark in 20.8 days (876 GB needed for 365 days)',
      'the recommended changes exceed the licence by 0.7 GB/day',
    ]);
    expect(costView(r, 'ja')!.headroom[1]!.verdict).toBe('推奨変更はライセンスを 0.7 GB／日 超えます');
    // Each basis in the page's language: no English sentence on the Japanese page.
    for (const h of costView(r, 'ja')!.headroom) expect(h.basis).not.toMatch(/free before|minus the busiest|assumed/);
    expect(costView(r, 'ja')!.headroom[1]!.basis).toContain('直近 30 日で最大のライセンス日');
    expect(en[0]!.basis).toContain('free before the high watermark');
    const md = costMarkdown(r, 'en', (s) => s).join('\n');
    expect(md).toContain('| splunk | Licence: quota minus the busiest of 30 days | 0.5 GB/day | the recommended ');
  });

  it('a licence with room says the changes fit', () => {
    const r = report([
      ...execve(),
      headroomFinding('products.splunk.licence-headroom', 'splunk', {
        quota_bytes_per_day: 10e9,
        peak_bytes_per_day: 6e9,
        peak_day: '2026-11-17',
        days: 30,
      }),
    ]);
    r.analyses.cost = analyseCost(r, { inventory: { targets } });
    expect(costView(r, 'en')!.headroom[0]!.verdict).toBe('the recommended changes fit: 1.2 GB/day added');
    expect(costView(r, 'ja')!.headroom[0]!.verdict).toBe('推奨変更は収まります: 追加 1.2 GB／日');
  });
});

describe('Elasticsearch: the policy that manages each data stream decides', () => {
  const cat = [
    {
      index: '.ds-logs-windows.sysmon_operational-default-2026.11.20-000001',
      'pri.store.size': '1',
      'creation.date': '1',
    },
  ];
  const ilm = { 'logs-siem': { policy: { phases: { delete: { min_age: '400d' } } }, in_use_by: {} } };
  const stream = (extra: Record<string, unknown>) => ({
    data_streams: [{ name: 'logs-windows.sysmon_operational-default', ilm_policy: 'logs-siem', ...extra }],
  });
  const lifecycle = { enabled: true, data_retention: '7d' };

  it('ILM managing the next generation wins over a lifecycle block the stream also carries', () => {
    const f = esSecurityRetentionOf(
      cat,
      stream({ next_generation_managed_by: 'Index Lifecycle Management', lifecycle }),
      ilm,
    );
    expect((f.security_sets as { effective_days: number }[])[0]!.effective_days).toBe(400);
  });

  it('the data stream lifecycle, when it manages the stream, keeps its data_retention', () => {
    const f = esSecurityRetentionOf(
      cat,
      stream({ next_generation_managed_by: 'Data stream lifecycle', lifecycle }),
      ilm,
    );
    expect(f.short).toEqual([
      'logs-windows.sysmon_operational-default (Sysmon): 7 days, data stream lifecycle retention (1 index(es))',
    ]);
  });
});

describe('the retention checks speak the report language', () => {
  const catalog = loadCatalog();
  const registry = loadRegistry();
  const decide = (id: string) => {
    const spec = registry.checks[id]!;
    return evaluateCheck(catalog.checks.find((c) => c.id === id)!, fixtureOutputs(spec, catalog.probes), {
      targetId: 'fixture',
      kind: 'siem',
      parsers: catalog.parsers,
      probes: catalog.probes,
    });
  };

  it('the Japanese observed text names the short-lived indices, their families and limits in Japanese', () => {
    const es = decide('products.es.security-retention').explanation!.observed;
    expect(es.en).toBe(
      'deleted before 365 days: logs-nginx.access-default (web access): 30 days, data stream lifecycle retention ' +
        '(1 index(es))',
    );
    expect(es.ja).toBe(
      '365 日より前に削除: logs-nginx.access-default（Web アクセス）: 30 日、データストリームのライフサイクルの保持期間' +
        '（インデックス 1 個）',
    );
    const splunk = decide('products.splunk.security-retention').explanation!.observed;
    expect(splunk.en).toBe('kept less than 365 days: firewall (firewall): 90 days, frozenTimePeriodInSecs 7776000');
    expect(splunk.ja).toBe('365 日未満の保持: firewall（ファイアウォール）: 90 日、frozenTimePeriodInSecs 7776000');
  });

  it('a size cap is explained in Japanese too', () => {
    const indexes = {
      entry: [
        {
          name: 'wineventlog',
          content: {
            totalEventCount: 10,
            frozenTimePeriodInSecs: 31_536_000,
            currentDBSizeMB: 1000,
            maxTotalDataSizeMB: 2000,
            minTime: '2026-10-24T00:00:00+00:00',
            maxTime: '2026-11-23T00:00:00+00:00',
          },
        },
      ],
    };
    const facts = splunkSecurityRetention(indexes, undefined);
    expect(facts.short).toEqual([
      'wineventlog (Windows event logs): 60 days, maxTotalDataSizeMB 2000 at 33.3 MB stored per day',
    ]);
    expect(facts.short_ja).toEqual([
      'wineventlog（Windows イベントログ）: 60 日、maxTotalDataSizeMB 2000（1 日あたり 33.3 MB 保存のペース）',
    ]);
  });
});
