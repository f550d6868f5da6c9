// Issue 20: the scan's alert-volume estimate pushed down into the SIEM. An inventory whose `estimate:` names a SIEM
// target makes the scan convert its rules to that SIEM's language and count them per day there (read-only), against
// local servers answering like Elasticsearch `_search` and Splunk's search export (test/fixtures/siem-search/).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SiemEstimate } from '../../src/detect/siem-estimate.js';
import { loadInventory } from '../../src/inventory/load.js';
import type { Report } from '../../src/model.js';
import { renderHtml } from '../../src/report/html.js';
import { runScan } from '../../src/scan.js';
import { FIXTURES_DIR } from '../helpers/paths.js';

const FIX = join(FIXTURES_DIR, 'siem-search');
const fixture = (p: string) => readFileSync(join(FIX, p), 'utf8');
const TOKEN = `ApiKey scan-estimate-${process.pid}`;
const requests: { method: string; url: string; body: string }[] = [];
let server: Server;
let base: string;
let dir: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      const url = req.url ?? '/';
      requests.push({ method: req.method ?? '?', url, body });
      if (req.headers.authorization !== TOKEN) return void res.writeHead(401).end('{}');
      const json = (status: number, text: string) =>
        res.writeHead(status, { 'content-type': 'application/json' }).end(text);
      if (req.method === 'GET' && (url === '/es/' || url === '/splunk/' || url === '/es-403/'))
        return json(200, '{"version":{"number":"8.15.0"}}');
      if (req.method === 'POST' && url.startsWith('/es/') && url.endsWith('/_search'))
        return json(200, fixture('elasticsearch/search-per-day.json'));
      if (req.method === 'POST' && url === '/es/_query') return json(200, fixture('elasticsearch/esql-per-day.json'));
      if (req.method === 'POST' && url.startsWith('/es-403/'))
        return json(403, fixture('elasticsearch/forbidden.json'));
      if (req.method === 'POST' && url === '/splunk/services/search/v2/jobs/export')
        return json(200, fixture('splunk/export-per-day.ndjson'));
      json(404, '{}');
    });
  });
  // The scan reads the target's product API first, then counts: on a loaded machine more than Node's default 5 s of
  // keep-alive can pass between the two, and a socket the server closed meanwhile would be reused (ECONNRESET).
  server.keepAliveTimeout = 120_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  dir = mkdtempSync(join(tmpdir(), 'socready-scan-siem-'));
});

afterAll(() => server.close());

async function scanWith(siem: string, path: string, product: string): Promise<Report> {
  const file = join(dir, `inventory-${siem}.yaml`);
  writeFileSync(
    file,
    `version: 1
organization: Estimate Corp
targets:
  - id: ${siem}
    kind: siem
    address: 127.0.0.1
    api: { url: "${base}${path}", product: ${product}, token_env: SR_SIEM_TOKEN }
rules: [${join(FIX, 'rules')}]
estimate: { siem: ${siem}, days: 3 }
`,
  );
  const { report } = await runScan({
    inventory: loadInventory(file),
    outDir: join(dir, `out-${siem}`),
    only: ['none'],
    now: () => new Date('2026-11-30T09:00:00Z'),
    env: { SR_SIEM_TOKEN: TOKEN },
  });
  return report;
}

const estimateOf = (r: Report) => (r.analyses.detections!.details as { siem_estimate: SiemEstimate }).siem_estimate;

describe('scan with estimate: { siem } pushes the rules down into the SIEM', () => {
  it('Elasticsearch: counts per rule per day, unconvertible rules with reasons, alerts/day scored', async () => {
    const report = await scanWith('es', '/es', 'elasticsearch');
    const est = estimateOf(report);
    expect(est).toMatchObject({ target: 'es', product: 'elasticsearch', language: 'dsl', counted: 3, failed: 0 });
    expect(est.window).toEqual({ start: '2026-11-27T00:00:00.000Z', end: '2026-11-30T00:00:00.000Z', days: 3 });
    const whoami = est.rules.find((r) => r.title === 'Whoami Execution')!;
    expect(whoami.counts?.per_day.map((d) => d.count)).toEqual([2, 0, 7]);
    expect(whoami.alerts_per_day).toBe(3);
    // The correlation rule is counted too, with ES|QL (groups meeting the condition per day).
    expect(est.rules.find((r) => r.title === 'Whoami Burst')).toMatchObject({ language: 'esql', alerts_per_day: 3 });
    expect(est.rules.find((r) => r.title === 'Passwd Read')!.unsupported?.kind).toBe('logsource');
    for (const r of est.rules.filter((x) => !x.counts)) expect(r.unsupported?.reason ?? r.error).toBeTruthy();
    // What scoring and the SOAR gate read: the SIEM's count, the three counted rules at 3 per day each.
    expect(report.analyses.detections!.summary.estimated_alerts_per_day).toBe(9);
    const searches = requests.filter((q) => q.url.startsWith('/es/') && q.url.endsWith('/_search'));
    expect(searches.length).toBe(2);
    for (const s of searches) expect(JSON.parse(s.body).size).toBe(0);
    const html = renderHtml(report, { lang: 'en' });
    expect(html).toContain('Alerts per rule counted in the SIEM');
    // The rule that did not convert is listed with its reason (kind: reason).
    expect(html).toMatch(/Passwd Read<div class="dt-meta">[^<]*<\/div><\/td><td>[^<]*<\/td><td><\/td><td>logsource: /);
  }, 60_000);

  it('Splunk: the same rules as SPL through the search export endpoint', async () => {
    const est = estimateOf(await scanWith('splunk', '/splunk', 'splunk'));
    expect(est.rules.filter((r) => r.error).map((r) => `${r.title}: ${r.error}`)).toEqual([]);
    expect(est).toMatchObject({ product: 'splunk', language: 'spl', failed: 0 });
    expect(est.rules.find((r) => r.title === 'Whoami Execution')!.counts?.per_day.map((d) => d.count)).toEqual([
      3, 0, 5,
    ]);
    expect(est.rules.find((r) => r.title === 'Failed Network Logon')!.query).toContain('EventCode=4625');
  }, 60_000);

  it('a SIEM that refuses the searches is a named problem of the estimate, not a silent zero', async () => {
    const report = await scanWith('es-403', '/es-403', 'elasticsearch');
    const est = estimateOf(report);
    expect(est.counted).toBe(0);
    expect(est.failed).toBe(3);
    expect(report.analyses.detections!.summary.estimated_alerts_per_day).toBeUndefined();
    expect(report.analyses.detections!.problems.map((p) => p.error).join('\n')).toMatch(/3 of 3 counts failed.*403/);
  }, 60_000);

  it('an estimate naming no SIEM target is an inventory error naming the field', () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'version: 1\ntargets: []\nestimate: { siem: nowhere }\n');
    expect(() => loadInventory(file)).toThrow(/bad\.yaml:3:\d+: estimate\.siem: estimate\.siem names no target/);
  });
});
