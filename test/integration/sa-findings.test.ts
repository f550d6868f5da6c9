// Contract tests: OpenSearch Security Analytics findings counted per rule over the 30 whole days before the scan's day,
// by the real API source against a local server answering the documented Get findings shape
// (test/fixtures/products/opensearch/sa-findings-search.json): one GET chain per enabled detector (the disabled one is
// never asked), startIndex pages until total_findings, a finding naming two rules, 401/403, a 429 with Retry-After,
// a chain cut at the page cap reported inconclusive (never zero), and the counts in siem_alerts and the SOAR gate.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/checks/catalog.js';
import { ApiProbeSource, MAX_PAGES, searchAllowed } from '../../src/collect/api-source.js';
import { assessTarget } from '../../src/collect/assess-target.js';
import { EvidenceStore } from '../../src/collect/evidence-store.js';
import { loadInventory } from '../../src/inventory/load.js';
import type { Target } from '../../src/model.js';
import { type SaFindingsDocument, siemAlertSection } from '../../src/rules/siem-alerts.js';
import { runScan } from '../../src/scan.js';
import { FIXTURES_DIR } from '../helpers/paths.js';
import { closeRouteServers, type RouteAnswer, type RouteRequest, serveRoutes } from '../helpers/route-server.js';

afterEach(closeRouteServers);

const fixture = (p: string) => readFileSync(join(FIXTURES_DIR, 'products', p), 'utf8');
const catalog = loadCatalog();
const VOLUME_CHECK = 'products.siem.alert-volume';
const SA = '/_plugins/_security_analytics';
const FINDINGS = `${SA}/findings/_search`;
const WAZUH_ALERTS = catalog.probes.get('wazuh-alert-counts')!.path!;
/** The scan's clock: the window is 2026-10-31T00:00Z .. 2026-11-30T00:00Z. */
const NOW = new Date('2026-11-30T09:00:00Z');
const START = Date.parse('2026-10-31T00:00:00Z');
const END = Date.parse('2026-11-30T00:00:00Z');
const DAY = 86_400_000;
// sa-detectors-search.json: windows-endpoints is enabled, linux-servers disabled.
const WINDOWS = 'x-dwFIYBT6_n8WeuQjo4';
const LINUX = 'J1RX1IMByX0LvTiGTddR';
const LSASS = ['847def9e-924d-4e90-b7c4-5f581395a2b4', 'Credential Dumping via LSASS access'] as const;
const VPN = ['bc2RB4QBrbtylUb_1Pbm', 'Brute force on the VPN portal'] as const;
const ENV = { T: 'auditor:pw-1234' };

/** One finding exactly as the documented example (FindingDto): every field, each query a rule of the detector. */
function finding(n: number, at: number, rules: (readonly [string, string])[]) {
  const doc = fixture('opensearch/sa-findings-search.json');
  const example = (JSON.parse(doc) as { findings: Record<string, unknown>[] }).findings[0]!;
  return {
    ...example,
    detectorId: WINDOWS,
    id: `finding-${n}`,
    related_doc_ids: [String(n)],
    queries: rules.map(([id, name]) => ({ id, name, query: 'winlog.event_id:"4625"', tags: ['high', 'windows'] })),
    timestamp: at,
  };
}

/**
 * The enabled detector's findings: the VPN rule 52 times a day for 30 days, the LSASS rule 59 times, and one finding
 * on 2026-11-12 naming both: 1,620 findings, four pages of 500.
 */
const FINDINGS_OF_WINDOWS = [
  ...Array.from({ length: 1560 }, (_, i) => finding(i, START + (i % 30) * DAY + 3_600_000 + i, [VPN])),
  ...Array.from({ length: 59 }, (_, i) => finding(2000 + i, START + (i % 30) * DAY + 7_200_000, [LSASS])),
  finding(9999, Date.parse('2026-11-12T15:00:00Z'), [VPN, LSASS]),
].sort((a, b) => a.timestamp - b.timestamp);

/** GET findings/_search as the plugin answers it: the detector's findings in the asked window, from startIndex. */
function findingsPage(r: RouteRequest, all = FINDINGS_OF_WINDOWS, total?: number): RouteAnswer {
  const q = new URL(r.url, 'http://x').searchParams;
  const from = Number(q.get('startIndex') ?? 0);
  const size = Number(q.get('size') ?? 20);
  const [start, end] = [Number(q.get('startTime')), Number(q.get('endTime'))];
  const inWindow = all.filter((f) => f.timestamp >= start && f.timestamp <= end);
  const body = { total_findings: total ?? inWindow.length, findings: inWindow.slice(from, from + size) };
  return { status: 200, body: JSON.stringify(body) };
}

type Over = (r: RouteRequest) => RouteAnswer | undefined;
const securityAnalytics =
  (over: Over = () => undefined) =>
  (r: RouteRequest): RouteAnswer | undefined => {
    const o = over(r);
    if (o) return o;
    if (r.url === '/') return { status: 200, body: fixture('opensearch/root.json') };
    if (r.method === 'GET' && r.url === WAZUH_ALERTS)
      return { status: 200, body: fixture('wazuh/indexer-no-alert-index.json') };
    if (r.method === 'POST' && r.url === `${SA}/detectors/_search`)
      return { status: 200, body: fixture('opensearch/sa-detectors-search.json') };
    if (r.method === 'POST' && r.url === `${SA}/rules/_search?pre_packaged=true`)
      return { status: 200, body: fixture('opensearch/sa-rules-prepackaged.json') };
    if (r.method === 'POST' && r.url === `${SA}/rules/_search?pre_packaged=false`)
      return { status: 200, body: fixture('opensearch/sa-rules-custom.json') };
    if (r.method === 'GET' && r.url.startsWith(`${FINDINGS}?`)) {
      const q = new URL(r.url, 'http://x').searchParams;
      return q.get('detector_id') === WINDOWS
        ? findingsPage(r)
        : { status: 200, body: '{"total_findings":0,"findings":[]}' };
    }
    return undefined;
  };

const target = (url: string): Target => ({
  id: 'os',
  kind: 'siem',
  address: '127.0.0.1',
  tags: [],
  transport: 'http',
  api: { url, product: 'opensearch', token_env: 'T' },
});

async function assess(url: string) {
  const runDir = mkdtempSync(join(tmpdir(), 'socready-sa-findings-'));
  const t = target(url);
  const a = await assessTarget(t, new ApiProbeSource(t, { env: ENV, now: () => NOW }), catalog, {
    store: new EvidenceStore(runDir),
    only: [VOLUME_CHECK],
  });
  const e = a.evidence.find((x) => x.probe === 'os-sa-finding-counts')!;
  const text = e.file ? readFileSync(join(runDir, e.file), 'utf8') : '';
  return { ...a, evidence: e, text, finding: a.findings.find((f) => f.check === VOLUME_CHECK)! };
}

const findingsRequests = (requests: RouteRequest[]) => requests.filter((r) => r.url.startsWith(FINDINGS));
const startIndexes = (requests: RouteRequest[]) =>
  findingsRequests(requests).map((r) => new URL(r.url, 'http://x').searchParams.get('startIndex'));

describe('OpenSearch Security Analytics findings per rule over 30 whole days', () => {
  it('reads every page of the enabled detector only, and counts per rule and day (two rules: both count)', async () => {
    const s = await serveRoutes(securityAnalytics());
    const a = await assess(s.url);
    expect(a.finding.status, a.finding.reason).toBe('fail');
    expect(a.finding.reason).toBe(
      'OpenSearch Security Analytics findings: 1620 alerts in 30 days (54/day) from 2 rules; noisiest: ' +
        'bc2RB4QBrbtylUb_1Pbm Brute force on the VPN portal 52.03/day, 847def9e-924d-4e90-b7c4-5f581395a2b4 ' +
        'Credential Dumping via LSASS access 2/day',
    );
    // One chain for the enabled detector, GET only, over the window of the injected clock, paged by startIndex.
    const asked = findingsRequests(s.requests);
    expect(asked.every((r) => r.method === 'GET' && r.authorization === 'Basic YXVkaXRvcjpwdy0xMjM0')).toBe(true);
    expect(startIndexes(s.requests)).toEqual(['0', '500', '1000', '1500']);
    for (const r of asked)
      expect(Object.fromEntries(new URL(r.url, 'http://x').searchParams)).toMatchObject({
        detector_id: WINDOWS,
        startTime: String(START),
        endTime: String(END),
        sortOrder: 'asc',
        size: '500',
      });
    expect(s.requests.some((r) => r.url.includes(LINUX))).toBe(false);
    // The evidence is the counts per rule and day (not the findings, which carry the matched log documents).
    expect(a.evidence.what).toMatch(
      /^GET http:\/\/127\.0\.0\.1:\d+\/_plugins\/_security_analytics\/findings\/_search\?/,
    );
    const doc = JSON.parse(a.text) as SaFindingsDocument;
    expect(doc.security_analytics_findings.disabled_detectors).toEqual(['linux-servers']);
    const [d] = doc.security_analytics_findings.detectors;
    expect(d).toMatchObject({ id: WINDOWS, status: 'counted', total_findings: 1620, findings_counted: 1620 });
    expect(d!.request).toContain('startIndex=0');
    expect(d!.rules.map((r) => [r.id, r.name, r.findings, r.days['2026-11-12']])).toEqual([
      [VPN[0], VPN[1], 1561, 53],
      [LSASS[0], LSASS[1], 60, 3],
    ]);
    expect(a.text).not.toContain('document_list');
    const section = siemAlertSection([{ target: 'os', probe: 'os-sa-finding-counts', text: a.text }]);
    expect(section.problems).toEqual([]);
    expect(section.details[0]!.rules[0]).toEqual({
      rule: `${VPN[0]} ${VPN[1]}`,
      alerts: 1561,
      per_day: 52.03,
      busiest_day: { day: '2026-11-12', alerts: 53 },
    });
  });

  it('401 and 403 on the findings search make the check inconclusive, saying which detector and why', async () => {
    for (const [status, kind] of [
      [401, 'auth-failed'],
      [403, 'permission-denied'],
    ] as const) {
      const s = await serveRoutes(
        securityAnalytics((r) =>
          r.url.startsWith(FINDINGS)
            ? { status, body: fixture('elasticsearch/security-403-search.json').replace(/403/g, String(status)) }
            : undefined,
        ),
      );
      const a = await assess(s.url);
      expect(a.finding.status).toBe('inconclusive');
      expect(a.finding.reason).toMatch(
        new RegExp(`detector windows-endpoints \\(${WINDOWS}\\) failed: ${kind}: HTTP ${status}`),
      );
      expect(a.text).not.toContain('pw-1234');
    }
  });

  it('a 429 with Retry-After is waited for and the page asked again: the counts are whole', async () => {
    let throttled = 0;
    const s = await serveRoutes(
      securityAnalytics((r) =>
        r.url.includes('startIndex=500') && throttled++ === 0
          ? { status: 429, body: '{"error":"Too Many Requests"}', headers: { 'retry-after': '1' } }
          : undefined,
      ),
    );
    const a = await assess(s.url);
    expect(startIndexes(s.requests)).toEqual(['0', '500', '500', '1000', '1500']);
    expect(a.finding.status).toBe('fail');
    const doc = JSON.parse(a.text) as SaFindingsDocument;
    expect(doc.security_analytics_findings.detectors[0]).toMatchObject({ status: 'counted', findings_counted: 1620 });
  });

  it('a chain cut at the page cap is inconclusive for its detector, never a zero', async () => {
    // The server says 100,000 findings but hands out one per page: the cap of pages is reached first.
    const s = await serveRoutes(
      securityAnalytics((r) =>
        r.url.startsWith(FINDINGS)
          ? findingsPage({ ...r, url: r.url.replace(/size=\d+/, 'size=1') }, FINDINGS_OF_WINDOWS, 100_000)
          : undefined,
      ),
    );
    const a = await assess(s.url);
    expect(findingsRequests(s.requests)).toHaveLength(MAX_PAGES);
    expect(a.finding.status).toBe('inconclusive');
    expect(a.finding.reason).toMatch(
      new RegExp(
        `detector windows-endpoints \\(${WINDOWS}\\) capped: ${MAX_PAGES} of 100000 findings read ` +
          `\\(at most ${MAX_PAGES} pages of 500\\)`,
      ),
    );
    const doc = JSON.parse(a.text) as SaFindingsDocument;
    expect(doc.security_analytics_findings.detectors[0]).toMatchObject({ status: 'capped', rules: [] });
    // Nothing measured reaches the SOAR gate: the section has no detail, and says why.
    const section = siemAlertSection([{ target: 'os', probe: 'os-sa-finding-counts', text: a.text }]);
    expect(section.details).toEqual([]);
    expect(section.problems[0]!.error).toMatch(/no detector's findings could be counted: detector windows-endpoints/);
  });

  it('a cluster without Security Analytics (no detector index) adds nothing and asks for no findings', async () => {
    const s = await serveRoutes(
      securityAnalytics((r) =>
        r.url === `${SA}/detectors/_search`
          ? { status: 404, body: fixture('opensearch/sa-no-detector-index.json') }
          : undefined,
      ),
    );
    const a = await assess(s.url);
    expect(a.finding.status).toBe('not-applicable');
    expect(findingsRequests(s.requests)).toEqual([]);
  });

  it('the findings search is read with GET only: a POST to it is not an allowed search', () => {
    expect(searchAllowed('opensearch', FINDINGS)).toBe(false);
    expect(catalog.probes.get('os-sa-finding-counts')).toMatchObject({ fan_out: 'sa-detectors' });
    expect(catalog.probes.get('os-sa-finding-counts')!.method ?? 'GET').toBe('GET');
  });
});

describe('scan: Security Analytics findings in analyses.siem_alerts and the SOAR gate', () => {
  it('the report lists alerts per day per rule and the noisiest rules; the gate reads them as measured', async () => {
    const s = await serveRoutes(securityAnalytics());
    const dir = mkdtempSync(join(tmpdir(), 'socready-sa-findings-scan-'));
    const file = join(dir, 'inventory.yaml');
    writeFileSync(
      file,
      'version: 1\norganization: Findings Org\ntargets:\n' +
        '  - { id: os, kind: siem, address: 127.0.0.1, transport: http, ' +
        `api: { url: "${s.url}", product: opensearch, token_env: T } }\n`,
    );
    const { report } = await runScan({
      inventory: loadInventory(file),
      outDir: join(dir, 'reports'),
      only: [VOLUME_CHECK],
      now: () => NOW,
      env: ENV,
    });
    const alerts = report.analyses.siem_alerts!;
    expect(alerts.summary).toEqual({
      targets: 1,
      window_days: 30,
      alerts: 1620,
      alerts_per_day: 54,
      rules_alerting: 2,
    });
    expect(alerts.details[0]!.rules.map((r) => [r.rule, r.per_day, r.busiest_day?.day])).toEqual([
      [`${VPN[0]} ${VPN[1]}`, 52.03, '2026-11-12'],
      [`${LSASS[0]} ${LSASS[1]}`, 2, '2026-11-12'],
    ]);
    expect(report.score?.soar.capacity).toMatchObject({
      alerts_per_day: 54,
      alerts_basis: 'siem-alert-history',
      alerts_source: 'os (OpenSearch Security Analytics findings), last 30 days',
      noisy_rules: [
        { target: 'os', rule: `${VPN[0]} ${VPN[1]}`, per_day: 52.03 },
        { target: 'os', rule: `${LSASS[0]} ${LSASS[1]}`, per_day: 2 },
      ],
    });
  }, 60_000);
});
