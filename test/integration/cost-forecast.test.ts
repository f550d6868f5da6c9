// Issue 19, "Done when": a scan of the integration estate (this machine as a Linux host, a real nginx on it as a web
// target) shows today's volume per source, the added GB/day of each recommended change with its inputs, and a phased
// plan within a given budget, in JSON, HTML and PDF. The nginx access log has 36 hours of history (a rotated file and
// a gzip-compressed one, seeded with known sizes and times) and a live request mix sent by this test and measured.
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/checks/catalog.js';
import type { Report } from '../../src/model.js';
import { findBrowser } from '../../src/report/pdf.js';
import { runCli } from '../helpers/cli.js';
import { FIXTURES_DIR } from '../helpers/paths.js';
import { closeRouteServers, serveRoutes } from '../helpers/route-server.js';
import { type Daemon, makeTree, removeTree, startNginx, type Tree } from '../fixtures/web/servers.js';

const isRoot = process.getuid?.() === 0;
const hasBrowser = (() => {
  try {
    findBrowser();
    return true;
  } catch {
    return false;
  }
})();

const HOUR = 3_600_000;
const MIX = { gets: 45, posts: 15, body: 500, spacingMs: 200 };

/** One JSON access-log line as the fixture's log_format writes it. */
function seedLine(t: number, i: number): string {
  const time = `${new Date(t).toISOString().slice(0, 19)}+00:00`;
  const post = i % 4 === 0;
  return (
    `{"time":"${time}","remote":"10.0.0.${i % 200}","req":"${post ? 'POST /login' : 'GET /shop'} HTTP/1.1",` +
    `"status":200,"content_length":"${post ? 300 : ''}","body_bytes_sent":1200}\n`
  );
}

function seed(from: number, to: number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += seedLine(from + ((to - from) * i) / (n - 1), i);
  return s;
}

describe.skipIf(!isRoot)('cost forecast: a scan of this host and a live nginx with a measured request mix', () => {
  let tree: Tree;
  let daemon: Daemon | undefined;
  let report: Report;
  let html: string;
  let runDir: string;
  let code: number | null;
  let stderr: string;
  let seededBytes = 0;
  let startMs = 0;
  let sentSpanS = 0;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'socready-cost-'));
    tree = await makeTree('nginx', 'volume', ['PORT', 'UPSTREAM']);
    // 36 hours of history before the live requests: access.log.2.gz (36 h..24 h ago) and access.log.1 (24 h..12 h).
    const now = Date.now();
    startMs = now - 36 * HOUR;
    const old = seed(startMs, now - 24 * HOUR, 400);
    const rotated = seed(now - 24 * HOUR + 1000, now - 12 * HOUR, 400);
    writeFileSync(join(tree.root, 'logs', 'access.log.2.gz'), gzipSync(old));
    writeFileSync(join(tree.root, 'logs', 'access.log.1'), rotated);
    seededBytes = old.length + rotated.length;
    daemon = await startNginx(tree);
    // The live mix: 45 GETs and 15 POSTs of exactly 500 bytes, one every 200 ms (12 s).
    const base = `http://127.0.0.1:${tree.ports.PORT}`;
    const t0 = Date.now();
    for (let i = 0; i < MIX.gets + MIX.posts; i++) {
      const post = i % 4 === 3;
      await fetch(`${base}${post ? '/api/order' : '/shop'}`, {
        method: post ? 'POST' : 'GET',
        ...(post ? { body: 'x'.repeat(MIX.body), headers: { 'content-type': 'text/plain' } } : {}),
      }).then((r) => r.text());
      await new Promise((r) => setTimeout(r, MIX.spacingMs));
    }
    sentSpanS = (Date.now() - MIX.spacingMs - t0) / 1000;
    // A Splunk SIEM answering in its documented formats (contract fixtures): its licence, the busiest of 30 days.
    const probePath = (id: string) => loadCatalog().probes.get(id)!.path!;
    const product = (p: string) => ({ status: 200, body: readFileSync(join(FIXTURES_DIR, 'products', p), 'utf8') });
    const splunk = await serveRoutes(
      {
        '/': product('splunk/root.xml'),
        [probePath('splunk-license-usage')]: product('splunk/license-usage.json'),
        [probePath('splunk-license-usage-30d')]: product('splunk/license-usage-30d.ndjson'),
        [probePath('splunk-indexes')]: product('splunk/indexes.json'),
      },
      { date: 'Mon, 23 Nov 2026 17:00:00 GMT' },
    );
    writeFileSync(
      join(dir, 'inventory.yaml'),
      `version: 1
organization: Cost Test Org
targets:
  - { id: web-host, kind: linux, address: localhost, transport: local }
  - id: shop
    kind: web
    web:
      urls: ["${base}/"]
      server: nginx
      host: web-host
      config_path: ${tree.config}
  - id: splunk
    kind: siem
    address: 127.0.0.1
    api: { url: "${splunk.url}", product: splunk, token_env: SR_SPLUNK_TOKEN }
costs:
  currency: JPY
  ingest_per_gb_day: 100000
  storage_per_gb_month: { hot: 50, warm: 5 }
  retention_days: { hot: 30, warm: 335 }
budget: { gb_per_day: 0.5 }
`,
    );
    const r = await runCli(
      [
        'scan',
        '-i',
        join(dir, 'inventory.yaml'),
        '-o',
        join(dir, 'reports'),
        '--json',
        ...(hasBrowser ? ['--pdf'] : []),
      ],
      { timeoutMs: 280_000, env: { SR_SPLUNK_TOKEN: 'Splunk abcdef123456' } },
    );
    code = r.code;
    stderr = r.stderr;
    runDir = JSON.parse(r.stdout).run_dir as string;
    report = JSON.parse(readFileSync(join(runDir, 'report.json'), 'utf8')) as Report;
    html = readFileSync(join(runDir, 'report.html'), 'utf8');
  }, 300_000);

  afterAll(async () => {
    await closeRouteServers();
    await daemon?.stop();
    removeTree(tree);
  });

  it("measures today's access-log volume over the 36 hours its rotated and compressed files span", () => {
    expect(code, stderr).not.toBeNull();
    const today = report.analyses.cost!.details.today.find((t) => t.target === 'shop')!;
    expect(today.files).toBe(3);
    const liveBytes = statSync(join(tree.root, 'logs', 'access.log')).size;
    expect(today.bytes).toBe(seededBytes + liveBytes);
    // The span runs from the first seeded line to the last live request (a few seconds of scan set-up later).
    expect(today.span_hours!).toBeGreaterThan(35.99);
    expect(today.span_hours!).toBeLessThan(36.2);
    expect(today.bytes_per_day!).toBeCloseTo(((seededBytes + liveBytes) * 24) / today.span_hours!, 0);
    expect(report.findings.find((f) => f.check === 'web.volume.measured')?.status).toBe('pass');
  });

  it('measures the live request mix: rate within 20%, POST share and Content-Length exactly', () => {
    const rates = new Map(
      report.analyses.cost!.details.rates.filter((r) => r.target === 'shop').map((r) => [r.name, r.value]),
    );
    const n = MIX.gets + MIX.posts;
    const expectedPerDay = ((n - 1) * 86_400) / sentSpanS;
    const perDay = report.analyses.cost!.details.rates.find(
      (r) => r.target === 'shop' && r.name === 'web.requests_per_day',
    );
    expect(rates.get('web.requests_per_day'), JSON.stringify(perDay)).toBeGreaterThan(expectedPerDay * 0.8);
    expect(rates.get('web.requests_per_day')!).toBeLessThan(expectedPerDay * 1.2);
    expect(rates.get('web.body_share')).toBe(MIX.posts / n);
    expect(rates.get('web.mean_request_body_bytes')).toBe(MIX.body);
    expect(rates.get('web.login_api_body_share')).toBe(1);
  });

  it('forecasts body logging from the measured rates (POST rate × mean body × overhead), inputs listed', () => {
    const c = report.analyses.cost!.details.changes.find((x) => x.id === 'web-request-body@shop')!;
    expect(c.findings).toContain('finding:web.nginx.request-body-logged@shop');
    const postsPerDay = (((MIX.gets + MIX.posts - 1) * 86_400) / sentSpanS) * (MIX.posts / (MIX.gets + MIX.posts));
    const expected = postsPerDay * MIX.body * 1.3;
    expect(c.bytes_per_day!.expected).toBeGreaterThan(expected * 0.8);
    expect(c.bytes_per_day!.expected).toBeLessThan(expected * 1.2);
    expect(c.inputs.map((i) => i.source)).toEqual(['measured', 'measured', 'assumed']);
    expect(c.monthly_cost!.parts.ingest).toBeCloseTo((c.bytes_per_day!.expected / 1e9) * 100_000, 6);
    expect(c.stored_gb!.hot.expected).toBeCloseTo((c.bytes_per_day!.expected / 1e9) * 30, 9);
  });

  it(
    'plans phases within the 0.5 GB/day budget: critical findings first, each phase within it ' + 'or one change alone',
    () => {
      const cost = report.analyses.cost!;
      expect(cost.summary.budget).toEqual({ gb_per_day: 0.5 });
      const planned = cost.details.phases.flatMap((p) => p.changes);
      const byId = new Map(cost.details.changes.map((c) => [c.id, c]));
      const critical = planned.filter((id) => byId.get(id)!.severity === 'critical');
      expect(planned.slice(0, critical.length)).toEqual(critical);
      for (const p of cost.details.phases) {
        if (!p.over_budget) expect(p.bytes_per_day.expected).toBeLessThanOrEqual(0.5e9);
        else expect(p.changes).toHaveLength(1);
      }
      const body = cost.details.phases.find((p) => p.changes.includes('web-request-body@shop'))!;
      expect(body.over_budget).toBe(false);
      if (cost.summary.added_bytes_per_day!.expected > 0.5e9)
        expect(cost.details.phases.length).toBeGreaterThanOrEqual(2);
      // What the phases buy, from a what-if score: body logging moves log collection up.
      const last = cost.details.phases.at(-1)!;
      expect(last.maturity.overall[1]).not.toBeNull();
      // Changes without a measured input (no syslog on this machine) are listed apart, with the reason.
      for (const id of cost.details.unquantified) expect(byId.get(id)!.reason?.en).toMatch(/not measured/);
      expect(cost.summary.currency).toBe('JPY');
    },
  );

  it("holds the forecast against Splunk's licence: the busiest day already over the quota, so it exceeds", () => {
    const cost = report.analyses.cost!;
    const today = cost.details.today.filter((t) => t.target === 'splunk' && t.bytes_per_day !== null);
    expect(today.map((t) => t.source)).toContain('wineventlog / XmlWinEventLog');
    const licence = cost.details.headroom!.find((h) => h.target === 'splunk' && h.kind === 'licence')!;
    expect(licence.headroom_bytes).toBe(10_737_418_240 - 11.1e9);
    expect(licence.added).toEqual(cost.summary.added_bytes_per_day);
    expect(licence.verdict).toBe('exceeds');
    expect(licence.over_bytes_per_day).toBeCloseTo(
      cost.summary.added_bytes_per_day!.expected + 11.1e9 - 10_737_418_240,
      0,
    );
    expect(html).toContain('Against the SIEM&#x27;s own limits');
    expect(html).toMatch(/the recommended changes exceed the licence by [\d.,]+ GB\/day/);
    const retention = report.findings.find(
      (f) => f.check === 'products.splunk.security-retention' && f.target === 'splunk',
    );
    expect(retention?.status).toBe('fail');
  });

  it('renders the CISO page and the appendix in HTML (inline SVG chart, no script), and the PDF', () => {
    expect(html).toContain('id="cost"');
    expect(html).toMatch(/<svg[^>]*class="cost-chart"/);
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('sec-cost-appendix');
    expect(html).toContain('web-request-body@shop'.split('@')[1]!);
    if (hasBrowser) expect(statSync(join(runDir, 'report.pdf')).size).toBeGreaterThan(10_000);
  });
});
