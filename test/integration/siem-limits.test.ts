// Contract tests: the SIEM's own limits read through the products' REST APIs from a local server answering their
// documented formats (test/fixtures/products): Splunk's licence usage log per index and sourcetype through a GET
// search export (squashed rows, an empty answer, 401/403), its licence headroom and index retention; Elasticsearch's
// disk headroom and lifecycle policies; OpenSearch's ISM explain. Every request is a GET; the server's Date is fixed.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/checks/catalog.js';
import { ApiProbeSource } from '../../src/collect/api-source.js';
import { assessTarget } from '../../src/collect/assess-target.js';
import { EvidenceStore } from '../../src/collect/evidence-store.js';
import type { Finding, Target } from '../../src/model.js';
import { FIXTURES_DIR } from '../helpers/paths.js';
import { closeRouteServers, type RouteAnswer, serveRoutes } from '../helpers/route-server.js';

const fixture = (p: string) => readFileSync(join(FIXTURES_DIR, p), 'utf8');
const catalog = loadCatalog();
const path = (id: string) => catalog.probes.get(id)!.path!;
const DATE = { date: 'Mon, 23 Nov 2026 17:00:00 GMT' };
afterEach(closeRouteServers);

const ok = (file: string): RouteAnswer => ({ status: 200, body: fixture(file) });
const splunkRoot = { '/': ok('products/splunk/root.xml') };
const FORBIDDEN: RouteAnswer = {
  status: 403,
  body: '{"messages":[{"type":"ERROR","text":"You do not have permission to run this search."}]}',
};

async function assess(url: string, product: string, checks: string[]): Promise<Map<string, Finding>> {
  const target: Target = {
    id: product,
    kind: 'siem',
    address: '127.0.0.1',
    tags: [],
    transport: 'http',
    api: { url, product, token_env: 'T' },
  };
  const secret = product === 'splunk' ? 'Splunk abcdef123456' : 'reader:pw';
  const a = await assessTarget(target, new ApiProbeSource(target, { env: { T: secret } }), catalog, {
    store: new EvidenceStore(mkdtempSync(join(tmpdir(), 'socready-limits-'))),
    only: checks,
  });
  return new Map(a.findings.map((f) => [f.check, f]));
}

const SPLUNK_CHECKS = ['products.splunk.ingest-by-sourcetype', 'products.splunk.licence-headroom'];

describe('Splunk licence usage per index and sourcetype over 30 whole days (search export, GET)', () => {
  it('measures each index/sourcetype, fails the headroom on the 11.1 GB day; one GET search of _internal', async () => {
    const s = await serveRoutes(
      {
        ...splunkRoot,
        [path('splunk-license-usage')]: ok('products/splunk/license-usage.json'),
        [path('splunk-license-usage-30d')]: ok('products/splunk/license-usage-30d.ndjson'),
      },
      DATE,
    );
    const f = await assess(s.url, 'splunk', SPLUNK_CHECKS);
    const ingest = f.get('products.splunk.ingest-by-sourcetype')!;
    expect(ingest.status).toBe('pass');
    const volume = ingest.observed!.volume as { sources: { source: string }[]; squashed_bytes: number };
    expect(volume.sources.map((x) => x.source)).toEqual([
      'wineventlog / XmlWinEventLog',
      'firewall / pan:traffic',
      'main / access_combined',
      'linux / linux_secure',
    ]);
    expect(volume.squashed_bytes).toBe(8e9);
    const headroom = f.get('products.splunk.licence-headroom')!;
    expect(headroom.status).toBe('fail');
    expect(headroom.explanation!.observed.en).toBe(
      'busiest day 2026-11-17: 11100000000 bytes of a 10737418240-byte quota (share 1.034)',
    );
    expect(s.seen.every((r) => r.startsWith('GET '))).toBe(true);
    const sent = s.seen.find((r) => r.includes('/services/search/jobs/export'))!;
    const q = new URL(sent.slice(4), 'http://x').searchParams;
    expect([q.get('earliest_time'), q.get('latest_time'), q.get('output_mode')]).toEqual(['-30d@d', '@d', 'json']);
    expect(q.get('search')).toMatch(/^search index=_internal source=\*license_usage\.log\* type=Usage /);
    expect(q.get('search')).toMatch(
      /\| bin _time span=1d \| stats sum\(b\) as b sum\(squashed\) as squashed_b by _time, pool, idx, st$/,
    );
  });

  it('an empty answer (the role cannot read _internal) is inconclusive, never zero bytes', async () => {
    const s = await serveRoutes(
      {
        ...splunkRoot,
        [path('splunk-license-usage')]: ok('products/splunk/license-usage.json'),
        [path('splunk-license-usage-30d')]: { status: 200, body: '' },
      },
      DATE,
    );
    const f = await assess(s.url, 'splunk', SPLUNK_CHECKS);
    for (const id of SPLUNK_CHECKS) {
      expect(f.get(id)!.status).toBe('inconclusive');
      expect(f.get(id)!.reason).toMatch(/not zero bytes: the role may not search _internal/);
    }
  });

  it('403 on the export and a 401 root are inconclusive', async () => {
    const s = await serveRoutes({ ...splunkRoot, [path('splunk-license-usage-30d')]: FORBIDDEN }, DATE);
    const f = await assess(s.url, 'splunk', ['products.splunk.ingest-by-sourcetype']);
    expect(f.get('products.splunk.ingest-by-sourcetype')!.reason).toMatch(
      /^splunk-license-usage-30d: permission-denied: HTTP 403/,
    );
    await closeRouteServers();
    const denied = await serveRoutes({
      '/': { status: 401, body: '{"messages":[{"type":"WARN","text":"unauthorized"}]}' },
    });
    const g = await assess(denied.url, 'splunk', SPLUNK_CHECKS);
    expect(SPLUNK_CHECKS.map((id) => g.get(id)!.status)).toEqual(['inconclusive', 'inconclusive']);
  });

  it('rows reported with host and source squashed stay in their index and sourcetype', async () => {
    const row = (st: string, b: number, squashed: number) =>
      `${JSON.stringify({
        preview: false,
        result: { _time: '2026-11-22T00:00Z', pool: 'p', idx: 'web', st, b: String(b), squashed_b: String(squashed) },
      })}\n`;
    const s = await serveRoutes(
      {
        ...splunkRoot,
        [path('splunk-license-usage-30d')]: {
          status: 200,
          body: row('access_combined', 700, 700) + row('(unknown)', 300, 300),
        },
      },
      DATE,
    );
    const f = (await assess(s.url, 'splunk', ['products.splunk.ingest-by-sourcetype'])).get(
      'products.splunk.ingest-by-sourcetype',
    )!;
    const v = f.observed!.volume as { squashed_bytes: number; sources: { source: string; bytes: number }[] };
    expect(v.squashed_bytes).toBe(1000);
    expect(v.sources.map((x) => [x.source, x.bytes])).toEqual([
      ['web / access_combined', 700],
      ['web / (unknown)', 300],
    ]);
  });
});

describe('Splunk retention of indexes holding security sources (data/indexes + the licence log or tstats)', () => {
  it('fails naming the firewall index kept 90 days; the licence log empty, tstats names its sourcetype', async () => {
    const s = await serveRoutes(
      {
        ...splunkRoot,
        [path('splunk-indexes')]: ok('products/splunk/indexes.json'),
        [path('splunk-license-usage-30d')]: ok('products/splunk/license-usage-30d.ndjson'),
      },
      DATE,
    );
    const f = (await assess(s.url, 'splunk', ['products.splunk.security-retention'])).get(
      'products.splunk.security-retention',
    )!;
    expect([f.status, f.explanation!.observed.en]).toEqual([
      'fail',
      'kept less than 365 days: firewall (firewall): 90 days, frozenTimePeriodInSecs 7776000',
    ]);
    await closeRouteServers();
    const t = await serveRoutes(
      {
        ...splunkRoot,
        [path('splunk-indexes')]: ok('products/splunk/indexes.json'),
        [path('splunk-license-usage-30d')]: { status: 200, body: '' },
        [path('splunk-sourcetypes')]: ok('products/splunk/sourcetypes-export.ndjson'),
      },
      DATE,
    );
    const g = (await assess(t.url, 'splunk', ['products.splunk.security-retention'])).get(
      'products.splunk.security-retention',
    )!;
    const sets = g.observed!.security_sets as { name: string; sourcetypes: string[] }[];
    expect(sets.find((x) => x.name === 'firewall')!.sourcetypes).toEqual(['pan:traffic']);
    expect(g.status).toBe('fail');
  });
});

const esRoutes = (over: Record<string, RouteAnswer> = {}) => ({
  '/': ok('products/elasticsearch/root.json'),
  [path('es-allocation')]: ok('products/elasticsearch/allocation.json'),
  [path('es-disk-settings')]: ok('products/elasticsearch/disk-settings-defaults.json'),
  [path('es-indices-volume')]: ok('catalog/products/es-indices-security.json'),
  [path('es-data-streams')]: ok('products/elasticsearch/data-streams.json'),
  [path('es-ilm-policies')]: ok('products/elasticsearch/ilm-policies.json'),
  ...over,
});

describe('Elasticsearch disk headroom and lifecycle retention', () => {
  it('2.9 TB above the high watermark holds years of growth; the 30-day nginx stream fails retention', async () => {
    const s = await serveRoutes(esRoutes(), DATE);
    const f = await assess(s.url, 'elasticsearch', ['products.es.disk-headroom', 'products.es.security-retention']);
    const disk = f.get('products.es.disk-headroom')!;
    expect(disk.status).toBe('pass');
    const v = disk.observed!.volume as { headroom_bytes: number; replica_factor: number };
    expect(v.headroom_bytes).toBeCloseTo(
      94_855_651_328 - 53_657_515_622.4 + (59_121_508_352 - 53_657_515_622.4) + (3_002_847_539_200 - 150 * 1024 ** 3),
      0,
    );
    expect(v.replica_factor).toBe(2);
    const ret = f.get('products.es.security-retention')!;
    expect([ret.status, ret.explanation!.observed.en]).toEqual([
      'fail',
      'deleted before 365 days: logs-nginx.access-default (web access): 30 days, data stream lifecycle retention ' +
        '(1 index(es))',
    ]);
    expect(s.seen.every((r) => r.startsWith('GET '))).toBe(true);
  });

  it('403 on _cat/allocation makes the headroom inconclusive', async () => {
    const s = await serveRoutes(
      esRoutes({ [path('es-allocation')]: ok('products/elasticsearch/security-403-search.json') }),
      DATE,
    );
    s.seen.length = 0;
    await closeRouteServers();
    const t = await serveRoutes(
      esRoutes({ [path('es-allocation')]: { status: 403, body: fixture('products/elasticsearch/security-401.json') } }),
      DATE,
    );
    const f = (await assess(t.url, 'elasticsearch', ['products.es.disk-headroom'])).get('products.es.disk-headroom')!;
    expect(f.status).toBe('inconclusive');
    expect(f.reason).toMatch(/es-allocation: permission-denied: HTTP 403/);
  });
});

const osRoutes = (explain: RouteAnswer) => ({
  '/': ok('products/opensearch/root.json'),
  [path('es-indices-volume')]: ok('products/opensearch/indices-volume.json'),
  [path('os-ism-policies')]: ok('products/opensearch/ism-policies.json'),
  [path('os-ism-explain')]: explain,
});

describe('OpenSearch retention by the ISM policy each index is managed by (explain, GET)', () => {
  it('the Wazuh alert indices are deleted at 180 days; the unmanaged archives are not judged short', async () => {
    const s = await serveRoutes(osRoutes(ok('products/opensearch/ism-explain.json')), DATE);
    const f = (await assess(s.url, 'opensearch', ['products.es.security-retention'])).get(
      'products.es.security-retention',
    )!;
    expect([f.status, f.explanation!.observed.en]).toEqual([
      'fail',
      'deleted before 365 days: wazuh-alerts-4.x (EDR / SIEM alerts): 180 days, ISM wazuh-alerts-retention delete ' +
        'age (2 index(es))',
    ]);
    expect(s.seen).toContain('GET /_plugins/_ism/explain?size=1000');
    expect(s.seen.every((r) => r.startsWith('GET '))).toBe(true);
  });

  it('a cut explain list (more managed indices than listed) is inconclusive', async () => {
    const body = fixture('products/opensearch/ism-explain.json').replace(
      '"total_managed_indices": 2',
      '"total_managed_indices": 1500',
    );
    const s = await serveRoutes(osRoutes({ status: 200, body }), DATE);
    const f = (await assess(s.url, 'opensearch', ['products.es.security-retention'])).get(
      'products.es.security-retention',
    )!;
    expect([f.status, f.reason]).toEqual(['inconclusive', 'os-ism-explain: 2 of 1500 managed indices listed (paging)']);
  });
});
