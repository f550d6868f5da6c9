// Contract tests: the rules the SIEM runs, pulled from Kibana's detection engine and Splunk's saved searches by the
// real API source against a local server answering the documented formats (test/fixtures/products), stored as
// evidence like a scan stores them, and read into the coverage analysis: disabled rules count as absent.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/checks/catalog.js';
import { ApiProbeSource } from '../../src/collect/api-source.js';
import { assessTarget } from '../../src/collect/assess-target.js';
import { EvidenceStore } from '../../src/collect/evidence-store.js';
import { analyseCoverage } from '../../src/coverage/analyse.js';
import type { CoverageDetails } from '../../src/coverage/types.js';
import type { Target } from '../../src/model.js';
import { loadRules } from '../../src/rules/load.js';
import { runCli } from '../helpers/cli.js';
import { FIXTURES_DIR } from '../helpers/paths.js';

const fixture = (p: string) => readFileSync(join(FIXTURES_DIR, 'products', p), 'utf8');
const catalog = loadCatalog();
let server: Server | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

async function serve(
  routes: Record<string, { status: number; body: string }>,
): Promise<{ url: string; seen: string[] }> {
  const seen: string[] = [];
  server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    const a = routes[req.url!] ?? { status: 404, body: '{"error":"not found"}' };
    res.writeHead(a.status, { 'content-type': 'application/json' });
    res.end(a.body);
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server!.address() as { port: number }).port}`, seen };
}

async function pull(product: string, url: string) {
  const runDir = mkdtempSync(join(tmpdir(), 'socready-siem-rules-'));
  const target: Target = {
    id: 'siem',
    kind: 'siem',
    address: '127.0.0.1',
    tags: [],
    transport: 'http',
    api: { url, product, token_env: 'T' },
  };
  const a = await assessTarget(target, new ApiProbeSource(target, { env: { T: 'auditor:pw-1234' } }), catalog, {
    store: new EvidenceStore(runDir),
    only: ['products.siem.*'],
  });
  const finding = a.findings.find((f) => f.check === 'products.siem.detection-rules-enabled');
  const files = a.evidence
    .filter((e) => ['kibana-detection-rules', 'splunk-saved-searches'].includes(e.probe) && !e.error && e.file)
    .map((e) => join(runDir, e.file!));
  return { finding, files };
}

const KIBANA_FIND = '/api/detection_engine/rules/_find?page=1&per_page=10000';
const SPLUNK_SAVED = '/servicesNS/-/-/saved/searches?output_mode=json&count=0';

describe('rules pulled from Kibana (Elastic Security detection engine)', () => {
  it('counts enabled and disabled rules, sends only GETs, and coverage counts only the enabled rule', async () => {
    const s = await serve({
      '/': { status: 200, body: '{}' },
      [KIBANA_FIND]: { status: 200, body: fixture('kibana/detection-rules-find.json') },
    });
    const { finding, files } = await pull('kibana', s.url);
    expect(finding?.status, finding?.reason).toBe('pass');
    expect(finding?.reason).toBe(
      'Kibana detection engine: 2 detection rules read, 1 enabled, 1 disabled (counted as absent in coverage)',
    );
    // The API source opens with GET / and the api-root probe reads it again: nothing but GETs of these two paths.
    // (The connectors API, asked for the SIEM -> SOAR hop, answers 404 here.)
    expect([...new Set(s.seen)].sort()).toEqual(['GET /', 'GET /api/actions/connectors', `GET ${KIBANA_FIND}`]);
    const rules = await loadRules(files);
    expect(rules.rules.map((r) => [r.title, r.disabled])).toEqual([
      ['Potential SSH Brute Force Detected', false],
      ['Linux Reverse Shell via Netcat', true],
    ]);
    const coverage = await analyseCoverage({ rulePaths: files, findings: [] });
    const techniques = (coverage.details as CoverageDetails).techniques;
    expect(coverage.summary.rules_total).toBe(2);
    expect(techniques.find((t) => t.id === 'T1110.001')?.grade).not.toBe('none');
    expect(techniques.find((t) => t.id === 'T1059.004')?.grade ?? 'none').toBe('none');
  });

  it('a partial page is a warn naming the paging, and the rule reader reports the rules it did not get', async () => {
    const partial = fixture('kibana/detection-rules-find.json').replace('"total": 2', '"total": 250');
    const s = await serve({ '/': { status: 200, body: '{}' }, [KIBANA_FIND]: { status: 200, body: partial } });
    const { finding, files } = await pull('kibana', s.url);
    expect(finding?.status).toBe('warn');
    expect(finding?.reason).toMatch(/the API reported 250, so the rest were not read \(paging\)/);
    expect((await loadRules(files)).problems[0]?.error).toMatch(/2 of 250 rules read/);
  });

  it(
    '401 stops the target and 403 on the rules API leaves the check ' + 'inconclusive, never a pass or a fail',
    async () => {
      const denied = await serve({ '/': { status: 401, body: fixture('elasticsearch/security-401.json') } });
      expect((await pull('kibana', denied.url)).finding?.status).toBe('inconclusive');
      server!.close();
      const forbidden = await serve({
        '/': { status: 200, body: '{}' },
        [KIBANA_FIND]: {
          status: 403,
          body:
            '{"statusCode":403,"error":"Forbidden","message":"API [GET /api/detection_engine/rules/_find] is ' +
            'unauthorized for user, this action is granted by the Kibana privileges [securitySolution]"}',
        },
      });
      const f = (await pull('kibana', forbidden.url)).finding;
      expect(f?.status).toBe('inconclusive');
      expect(f?.reason).toMatch(/permission-denied: HTTP 403/);
    },
  );
});

describe('rules pulled from Splunk (saved/searches)', () => {
  it('keeps correlation searches, drops plain reports, and a disabled search is absent from coverage', async () => {
    const s = await serve({
      '/': { status: 200, body: '{}' },
      [SPLUNK_SAVED]: { status: 200, body: fixture('splunk/saved-searches.json') },
    });
    const { finding, files } = await pull('splunk', s.url);
    expect(finding?.reason).toBe(
      'Splunk saved searches: 2 detection rules read, 1 enabled, 1 disabled (counted as absent in coverage)',
    );
    expect(finding?.status).toBe('pass');
    expect(s.seen.every((r) => r.startsWith('GET '))).toBe(true);
    const rules = await loadRules(files);
    expect(rules.rules.map((r) => [r.title, r.disabled, r.techniques])).toEqual([
      ['Brute Force Access Behavior Detected', false, ['T1110']],
      ['Linux Reverse Shell', true, ['T1059.004']],
    ]);
  });
});

describe("scan: the rules pulled from the SIEM are the coverage section's rules", () => {
  it("a scan of a Kibana target without rule files reports coverage over the SIEM's rules, as " +
    "the organisation's", async () => {
    const s = await serve({
      '/': { status: 200, body: '{}' },
      [KIBANA_FIND]: { status: 200, body: fixture('kibana/detection-rules-find.json') },
    });
    const dir = mkdtempSync(join(tmpdir(), 'socready-siem-rules-scan-'));
    writeFileSync(
      join(dir, 'inventory.yaml'),
      'version: 1\norganization: Rules Org\ntargets:\n  - { id: kibana, kind: siem, address: 127.0.0.1, ' +
        `transport: http, api: { url: "${s.url}", product: kibana, token_env: KIBANA_TOKEN } }\n`,
    );
    const r = await runCli(
      ['scan', '-i', join(dir, 'inventory.yaml'), '-o', join(dir, 'reports'), '--no-html', '--json'],
      { env: { KIBANA_TOKEN: 'ApiKey abc123def456' }, timeoutMs: 120_000 },
    );
    const runDir = JSON.parse(r.stdout).run_dir as string;
    const report = JSON.parse(readFileSync(join(runDir, 'report.json'), 'utf8')) as {
      analyses: { coverage?: { content: string; summary: { rules_total: number }; details: CoverageDetails } };
    };
    const coverage = report.analyses.coverage!;
    expect(coverage.content).toBe('organisation');
    expect(coverage.summary.rules_total).toBe(2);
    expect(coverage.details.techniques.find((t) => t.id === 'T1110.001')?.rules.map((x) => x.title)).toEqual([
      'Potential SSH Brute Force Detected',
    ]);
  }, 150_000);
});

describe('alert counts per rule over 30 days: the SOAR gate measures the alert volume in the SIEM', () => {
  const ES_ALERTS = catalog.probes.get('es-security-alert-counts')!.path!;
  const SPLUNK_ALERTS = catalog.probes.get('splunk-alert-history')!.path!;

  it('an Elasticsearch scan reads alerts per rule, names the noisy rule, the gate prefers this figure', async () => {
    const s = await serve({
      '/': { status: 200, body: fixture('elasticsearch/root.json') },
      [ES_ALERTS]: { status: 200, body: fixture('elasticsearch/security-alert-counts.json') },
    });
    const dir = mkdtempSync(join(tmpdir(), 'socready-siem-alerts-scan-'));
    writeFileSync(
      join(dir, 'inventory.yaml'),
      'version: 1\norganization: Alerts Org\ntargets:\n' +
        '  - { id: es, kind: siem, address: 127.0.0.1, transport: http, ' +
        `api: { url: "${s.url}", product: elasticsearch, token_env: ES_TOKEN } }\n`,
    );
    const r = await runCli(
      ['scan', '-i', join(dir, 'inventory.yaml'), '-o', join(dir, 'reports'), '--no-html', '--json'],
      { env: { ES_TOKEN: 'ApiKey abc123def456' }, timeoutMs: 120_000 },
    );
    expect(r.code, r.stderr).toBe(0);
    const runDir = JSON.parse(r.stdout).run_dir as string;
    const report = JSON.parse(readFileSync(join(runDir, 'report.json'), 'utf8')) as {
      findings: { check: string; status: string; reason?: string }[];
      analyses: { siem_alerts?: { summary: Record<string, number>; details: { rules: unknown[] }[] } };
      score: { soar: { capacity: Record<string, unknown> } };
    };
    // The request is a GET whose body travels in `source`: a size-0 count aggregation over 30 whole days.
    const sent = s.seen.find((x) => x.includes('.alerts-security.alerts-'))!;
    expect(sent.startsWith('GET ')).toBe(true);
    const source = JSON.parse(new URL(sent.slice(4), 'http://x').searchParams.get('source')!);
    expect(source).toMatchObject({ size: 0, query: { range: { '@timestamp': { gte: 'now-30d/d', lt: 'now/d' } } } });
    expect(report.analyses.siem_alerts!.summary).toEqual({
      targets: 1,
      window_days: 30,
      alerts: 4530,
      alerts_per_day: 151,
      rules_alerting: 4,
    });
    const volume = report.findings.find((f) => f.check === 'products.siem.alert-volume')!;
    expect(volume.status).toBe('fail');
    expect(volume.reason).toMatch(/4530 alerts in 30 days \(151\/day\).*noisiest: Multiple Logon Failure .* 130\/day/);
    expect(report.score.soar.capacity).toMatchObject({
      alerts_per_day: 151,
      alerts_basis: 'siem-alert-history',
      alerts_source: 'es (Elastic Security alerts index), last 30 days',
      noisy_rules: [
        { target: 'es', rule: 'Multiple Logon Failure from the same Source Address', per_day: 130 },
        { target: 'es', rule: 'Suspicious PowerShell Engine ImageLoad', per_day: 16 },
        { target: 'es', rule: 'Potential SSH Brute Force Detected', per_day: 4 },
        { target: 'es', rule: 'Web Shell Detection: Script Process Child of Common Web Processes', per_day: 1 },
      ],
    });
  }, 150_000);

  it("Splunk's fired-alert history (index=_audit) is read the same way; 403 on it decides nothing", async () => {
    const s = await serve({
      '/': { status: 200, body: '{}' },
      [SPLUNK_ALERTS]: { status: 200, body: fixture('splunk/alert-history.ndjson') },
    });
    const runDir = mkdtempSync(join(tmpdir(), 'socready-splunk-alerts-'));
    const target: Target = {
      id: 'splunk',
      kind: 'siem',
      address: '127.0.0.1',
      tags: [],
      transport: 'http',
      api: { url: s.url, product: 'splunk', token_env: 'T' },
    };
    const a = await assessTarget(target, new ApiProbeSource(target, { env: { T: 'auditor:pw-1234' } }), catalog, {
      store: new EvidenceStore(runDir),
      only: ['products.siem.alert-volume'],
    });
    const f = a.findings.find((x) => x.check === 'products.siem.alert-volume')!;
    expect(f.status).toBe('fail');
    expect(f.reason).toMatch(/Splunk _audit \(action=alert_fired\): 3000 alerts in 30 days \(100\/day\) from 3 rules/);
    expect(f.reason).toMatch(/noisiest: ESCU - Excessive Failed Logins - Rule 80\/day, Threat - Port Scan/);
    server!.close();
    const denied = await serve({
      '/': { status: 200, body: '{}' },
      [SPLUNK_ALERTS]: { status: 403, body: '{"messages":[{"type":"ERROR","text":"Unauthorized"}]}' },
    });
    const t2 = { ...target, api: { ...target.api!, url: denied.url } };
    const b = await assessTarget(t2, new ApiProbeSource(t2, { env: { T: 'auditor:pw-1234' } }), catalog, {
      store: new EvidenceStore(mkdtempSync(join(tmpdir(), 'socready-splunk-alerts-'))),
      only: ['products.siem.alert-volume'],
    });
    expect(b.findings.find((x) => x.check === 'products.siem.alert-volume')!.status).toBe('inconclusive');
  });
});

describe('the SIEM -> SOAR hop, from Kibana connectors and rule actions, shown in the playbook section', () => {
  it('an enabled rule with a webhook connector to the SOAR: the hop is ok in the JSON and the HTML', async () => {
    const s = await serve({
      '/': { status: 200, body: '{}' },
      [KIBANA_FIND]: { status: 200, body: fixture('kibana/detection-rules-find-actions.json') },
      '/api/actions/connectors': { status: 200, body: fixture('kibana/connectors.json') },
    });
    const dir = mkdtempSync(join(tmpdir(), 'socready-siem-loop-'));
    writeFileSync(
      join(dir, 'inventory.yaml'),
      'version: 1\norganization: Loop Org\ntargets:\n' +
        '  - { id: kibana, kind: siem, address: 127.0.0.1, transport: http, ' +
        `api: { url: "${s.url}", product: kibana, token_env: KIBANA_TOKEN } }\n`,
    );
    const r = await runCli(['scan', '-i', join(dir, 'inventory.yaml'), '-o', join(dir, 'reports'), '--json'], {
      env: { KIBANA_TOKEN: 'ApiKey abc123def456' },
      timeoutMs: 120_000,
    });
    expect(r.code, r.stderr).toBe(0);
    const runDir = JSON.parse(r.stdout).run_dir as string;
    const report = JSON.parse(readFileSync(join(runDir, 'report.json'), 'utf8')) as {
      findings: { check: string; status: string; reason?: string }[];
      analyses: { playbooks: { details: { loop: { id: string; status: string; detail: string }[] } } };
    };
    const f = report.findings.find((x) => x.check === 'products.siem.alerts-to-soar')!;
    expect(f.status).toBe('pass');
    // The disabled rule's action does not count; the connector's URL is named, path included.
    expect(f.reason).toBe(
      'Kibana rule actions: 1 enabled rules hand their alerts to https://soar.example.test:8443/api/v1/alerts',
    );
    const loop = report.analyses.playbooks.details.loop;
    expect(loop.map((h) => h.id)).toEqual(['siem-to-soar', 'soar-knows-siem', 'waf-block-api', 'waf-logs-in-siem']);
    expect(loop[0]).toMatchObject({ status: 'ok' });
    expect(loop[0]!.detail).toMatch(/no SOAR target declared to compare the endpoint with/);
    const html = readFileSync(join(runDir, 'report.html'), 'utf8');
    expect(html).toContain('loop-table');
    expect(html).toMatch(/SIEM hands its alerts to the SOAR<\/th><td><span class="st st-ok">ok<\/span>/);
  }, 150_000);

  it('connectors but no rule action: the hop fails, naming that no enabled rule forwards', async () => {
    const s = await serve({
      '/': { status: 200, body: '{}' },
      [KIBANA_FIND]: { status: 200, body: fixture('kibana/detection-rules-find.json') },
      '/api/actions/connectors': { status: 200, body: fixture('kibana/connectors.json') },
    });
    const runDir = mkdtempSync(join(tmpdir(), 'socready-siem-loop-'));
    const target: Target = {
      id: 'kibana',
      kind: 'siem',
      address: '127.0.0.1',
      tags: [],
      transport: 'http',
      api: { url: s.url, product: 'kibana', token_env: 'T' },
    };
    const a = await assessTarget(target, new ApiProbeSource(target, { env: { T: 'ApiKey x' } }), catalog, {
      store: new EvidenceStore(runDir),
      only: ['products.siem.alerts-to-soar'],
    });
    const f = a.findings.find((x) => x.check === 'products.siem.alerts-to-soar')!;
    expect(f.status).toBe('fail');
    expect(f.reason).toBe(
      'Kibana rule actions: no enabled detection rule hands its alerts to a webhook or a SOAR connector',
    );
  });
});
