// Contract tests: the rules Wazuh, OpenSearch Security Analytics and Microsoft Sentinel run, pulled by the real API
// source from local servers answering in each product's documented formats (test/fixtures/products): every page,
// 401/403, a rate limit (429 + Retry-After) and a timeout; disabled rules absent from coverage; alert counts per rule
// in the SOAR gate; Sentinel's automation rules as the SIEM -> SOAR hop. Sentinel's two APIs run on two servers here,
// so the test also proves which token goes where.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
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
import { siemAlertSection } from '../../src/rules/siem-alerts.js';
import { siemRules } from '../../src/scan.js';
import { runCli } from '../helpers/cli.js';
import { FIXTURES_DIR } from '../helpers/paths.js';

const fixture = (p: string) => readFileSync(join(FIXTURES_DIR, 'products', p), 'utf8');
const catalog = loadCatalog();
const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((r) => s.close(() => r()))));
});

interface Seen {
  method: string;
  url: string;
  auth?: string;
  body: string;
}
type Answer = { status: number; body: string; headers?: Record<string, string> } | 'hang';

/** A local server answering by method + path (and query); every request is recorded with its Authorization. */
async function serve(answer: (req: Seen) => Answer | undefined): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      const r: Seen = { method: req.method!, url: req.url!, auth: req.headers.authorization, body };
      seen.push(r);
      const a = answer(r) ?? { status: 404, body: '{"error":"not found"}' };
      if (a === 'hang') return; // never answers: the probe's deadline must end it
      res.writeHead(a.status, { 'content-type': 'application/json', ...a.headers });
      res.end(a.body);
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, seen };
}

const target = (product: string, url: string, api: Partial<NonNullable<Target['api']>> = {}): Target => ({
  id: product,
  kind: 'siem',
  address: '127.0.0.1',
  tags: [],
  transport: 'http',
  api: { url, product, token_env: 'T', ...api },
});

async function assess(
  t: Target,
  only: string[],
  env: Record<string, string> = { T: 'auditor:pw-1234' },
  cat = catalog,
) {
  const runDir = mkdtempSync(join(tmpdir(), 'socready-siem-rules-more-'));
  const a = await assessTarget(t, new ApiProbeSource(t, { env }), cat, { store: new EvidenceStore(runDir), only });
  return { ...a, runDir, finding: (id: string) => a.findings.find((f) => f.check === id)! };
}

const RULES_CHECK = 'products.siem.detection-rules-enabled';
const VOLUME_CHECK = 'products.siem.alert-volume';
const HOP_CHECK = 'products.siem.alerts-to-soar';

// ---------------------------------------------------------------------------------------------------- Wazuh

const wazuhRules =
  (page2: Answer = { status: 200, body: fixture('wazuh/rules-page2.json') }) =>
  (r: Seen): Answer | undefined => {
    if (r.url === '/') return { status: 200, body: fixture('wazuh/root.json') };
    if (r.url === '/rules?status=enabled&limit=500&offset=0')
      return { status: 200, body: fixture('wazuh/rules-page1.json') };
    if (r.url === '/rules?status=enabled&limit=500&offset=2') return page2;
    return undefined;
  };

describe('Wazuh: the rules the manager runs (GET /rules?status=enabled, every page)', () => {
  it('reads both pages with GETs only, keeps level 1+ rules, and maps their MITRE ids into coverage', async () => {
    const s = await serve(wazuhRules());
    const a = await assess(target('wazuh', s.url), [RULES_CHECK]);
    const f = a.finding(RULES_CHECK);
    expect(f.status, f.reason).toBe('pass');
    expect(f.reason).toBe(
      'Wazuh rules (status=enabled, level 1 and above): 3 detection rules read, 3 enabled, 0 disabled ' +
        '(counted as absent in coverage)',
    );
    expect(s.seen.every((r) => r.method === 'GET')).toBe(true);
    expect(s.seen.map((r) => r.url)).toContain('/rules?status=enabled&limit=500&offset=2');
    const file = join(a.runDir, a.evidence.find((e) => e.probe === 'wazuh-rules')!.file!);
    const rules = await loadRules([file]);
    expect(rules.problems).toEqual([]);
    expect(rules.rules.map((r) => [r.id, r.level, r.techniques, r.logsource])).toEqual([
      ['5710', 'medium', ['T1110.001', 'T1021.004'], { product: 'linux', service: 'sshd' }],
      ['1002', 'low', [], { product: 'linux' }],
      ['92052', 'low', ['T1059.003'], { product: 'windows', service: 'sysmon' }],
    ]);
    const coverage = await analyseCoverage({ rulePaths: [file], findings: [] });
    const techniques = (coverage.details as CoverageDetails).techniques;
    expect(techniques.find((t) => t.id === 'T1110.001')?.rules.map((r) => r.title)).toEqual([
      'sshd: Attempt to login using a non-existent user',
    ]);
  });

  it('a 429 with Retry-After on the second page is waited out and the list is whole', async () => {
    let limited = 0;
    const s = await serve((r) => {
      if (r.url.endsWith('offset=2') && limited++ === 0)
        return { status: 429, body: fixture('wazuh/error-429.json'), headers: { 'retry-after': '1' } };
      return wazuhRules()(r);
    });
    const f = (await assess(target('wazuh', s.url), [RULES_CHECK])).finding(RULES_CHECK);
    expect(f.status, f.reason).toBe('pass');
    expect(s.seen.filter((r) => r.url.endsWith('offset=2'))).toHaveLength(2);
  });

  it('a page that fails (403) leaves the check inconclusive, never a pass on the first page alone', async () => {
    const s = await serve(wazuhRules({ status: 403, body: fixture('wazuh/error-403.json') }));
    const f = (await assess(target('wazuh', s.url), [RULES_CHECK])).finding(RULES_CHECK);
    expect(f.status).toBe('inconclusive');
    expect(f.reason).toMatch(/permission-denied: HTTP 403.*Permission denied: Resource type/);
  });

  it('401 at the root stops the target; a rules API that never answers times out inconclusive', async () => {
    const denied = await serve(() => ({ status: 401, body: fixture('wazuh/error-401.json') }));
    expect((await assess(target('wazuh', denied.url), [RULES_CHECK])).finding(RULES_CHECK).status).toBe('inconclusive');
    // The probe's own deadline (60 s in the catalog) shortened for the test: a copy of the catalog, not the shipped
    // one.
    const quick = loadCatalog();
    quick.probes.set('wazuh-rules', { ...quick.probes.get('wazuh-rules')!, timeout: 1 });
    const s = await serve(wazuhRules('hang'));
    const f = (await assess(target('wazuh', s.url), [RULES_CHECK], undefined, quick)).finding(RULES_CHECK);
    expect(f.status).toBe('inconclusive');
    expect(f.reason).toMatch(/timeout: page 2: GET .*\/rules did not answer within 1000 ms/);
  });
});

describe('Wazuh alerts per rule over 30 days, from the Wazuh indexer (wazuh-alerts-*)', () => {
  const WAZUH_ALERTS = catalog.probes.get('wazuh-alert-counts')!.path!;

  it('counts alerts per rule id with its description, and sends a 30-whole-day size-0 aggregation', async () => {
    const s = await serve((r) =>
      r.url === '/'
        ? { status: 200, body: fixture('opensearch/root.json') }
        : r.url === WAZUH_ALERTS
          ? { status: 200, body: fixture('wazuh/indexer-alert-counts.json') }
          : undefined,
    );
    const a = await assess(target('opensearch', s.url), [VOLUME_CHECK]);
    const f = a.finding(VOLUME_CHECK);
    expect(f.status).toBe('fail');
    expect(f.reason).toBe(
      'Wazuh indexer (wazuh-alerts-*): 4630 alerts in 30 days (154.33/day) from 2 rules; noisiest: 5710 sshd: ' +
        'Attempt to login using a non-existent user 140/day, 92052 Windows command prompt started by an abnormal ' +
        'process 13.33/day',
    );
    const source = JSON.parse(new URL(WAZUH_ALERTS, 'http://x').searchParams.get('source')!);
    expect(source).toMatchObject({
      size: 0,
      query: { range: { timestamp: { gte: 'now-30d/d', lt: 'now/d' } } },
      aggs: { rules: { terms: { field: 'rule.id' } } },
    });
  });

  it('a cluster without wazuh-alerts-* is not applicable, and adds nothing to the SOAR gate', async () => {
    const s = await serve((r) =>
      r.url === '/'
        ? { status: 200, body: fixture('opensearch/root.json') }
        : r.url === WAZUH_ALERTS
          ? { status: 200, body: fixture('wazuh/indexer-no-alert-index.json') }
          : undefined,
    );
    const a = await assess(target('opensearch', s.url), [VOLUME_CHECK]);
    expect(a.finding(VOLUME_CHECK).status).toBe('not-applicable');
    const e = a.evidence.find((x) => x.probe === 'wazuh-alert-counts')!;
    const section = siemAlertSection([
      { target: 'os', probe: e.probe, text: readFileSync(join(a.runDir, e.file!), 'utf8') },
    ]);
    expect(section.details).toEqual([]);
    expect(section.problems).toEqual([]);
  });
});

// ------------------------------------------------------------------------------- OpenSearch Security Analytics

const SA = '/_plugins/_security_analytics';
const securityAnalytics = (r: Seen): Answer | undefined => {
  if (r.url === '/') return { status: 200, body: fixture('opensearch/root.json') };
  if (r.method !== 'POST') return undefined;
  if (r.url === `${SA}/detectors/_search`) return { status: 200, body: fixture('opensearch/sa-detectors-search.json') };
  if (r.url === `${SA}/rules/_search?pre_packaged=true`)
    return { status: 200, body: fixture('opensearch/sa-rules-prepackaged.json') };
  if (r.url === `${SA}/rules/_search?pre_packaged=false`)
    return { status: 200, body: fixture('opensearch/sa-rules-custom.json') };
  return undefined;
};

describe('OpenSearch Security Analytics: only the rules of an enabled detector count', () => {
  it('POSTs the three read-only searches; a disabled detector rule is absent, library rules not read', async () => {
    const s = await serve(securityAnalytics);
    const a = await assess(target('opensearch', s.url), [RULES_CHECK]);
    const f = a.finding(RULES_CHECK);
    expect(f.status, f.reason).toBe('pass');
    expect(f.reason).toBe(
      'OpenSearch Security Analytics (rules of its detectors): 3 detection rules read, 2 enabled, 1 disabled ' +
        '(counted as absent in coverage)',
    );
    // Only the search endpoints are POSTed, each with its JSON query; everything else is a GET.
    const posts = s.seen.filter((r) => r.method === 'POST');
    expect(posts.map((r) => r.url).sort()).toEqual([
      `${SA}/detectors/_search`,
      `${SA}/rules/_search?pre_packaged=false`,
      `${SA}/rules/_search?pre_packaged=true`,
    ]);
    expect(posts.every((r) => JSON.parse(r.body).query.match_all !== undefined)).toBe(true);
    expect(s.seen.filter((r) => r.method !== 'POST').every((r) => r.method === 'GET')).toBe(true);
    // The scan joins the three answers into one file the rule reader reads (siemRules), like coverage does.
    const { siemRulePaths } = siemRules(
      { evidence: a.evidence, analyses: {} } as unknown as Parameters<typeof siemRules>[0],
      a.runDir,
    );
    expect(siemRulePaths).toHaveLength(1);
    const rules = await loadRules(siemRulePaths!);
    expect(rules.problems).toEqual([]);
    expect(rules.rules.map((r) => [r.title, r.disabled, r.techniques])).toEqual([
      ['Credential Dumping via LSASS access', false, ['T1003.001']],
      ['Brute force on the VPN portal', false, ['T1110.001']],
      ['Linux Reverse Shell via Bash', true, ['T1059.004']],
    ]);
    const techniques = ((await analyseCoverage({ rulePaths: siemRulePaths!, findings: [] })).details as CoverageDetails)
      .techniques;
    expect(techniques.find((t) => t.id === 'T1003.001')?.grade).not.toBe('none');
    expect(techniques.find((t) => t.id === 'T1059.004')?.grade ?? 'none').toBe('none');
    expect(techniques.find((t) => t.id === 'T1105')?.grade ?? 'none').toBe('none');
  });

  it('no detector index (404) or no plugin (400) is not applicable; a 403 on rule search is inconclusive', async () => {
    const none = await serve((r) =>
      r.url === `${SA}/detectors/_search`
        ? { status: 404, body: fixture('opensearch/sa-no-detector-index.json') }
        : securityAnalytics(r),
    );
    const f = (await assess(target('opensearch', none.url), [RULES_CHECK])).finding(RULES_CHECK);
    expect(f.status).toBe('not-applicable');
    // A cluster without the plugin reads `_plugins` as an index name: not applicable either, saying why.
    const absent = await serve((r) =>
      r.url === `${SA}/detectors/_search`
        ? {
            status: 400,
            body:
              '{"error":{"root_cause":[{"type":"invalid_index_name_exception","reason":"Invalid index name ' +
              '[_plugins], must not start with \'_\'."}],"type":"invalid_index_name_exception"},"status":400}',
          }
        : securityAnalytics(r),
    );
    const n = (await assess(target('opensearch', absent.url), [RULES_CHECK])).finding(RULES_CHECK);
    expect(n.status, n.reason).toBe('not-applicable');
    const denied = await serve((r) =>
      r.url.startsWith(`${SA}/rules/_search`)
        ? { status: 403, body: fixture('elasticsearch/security-403-search.json') }
        : securityAnalytics(r),
    );
    const g = (await assess(target('opensearch', denied.url), [RULES_CHECK])).finding(RULES_CHECK);
    expect(g.status).toBe('inconclusive');
    expect(g.reason).toMatch(/os-sa-rules-prepackaged: permission-denied: HTTP 403/);
  });
});

// ----------------------------------------------------------------------------------------- Microsoft Sentinel

const WS =
  '/subscriptions/d0cfe6b2-9ac0-4464-9919-dccaee2e48c0/resourceGroups/myRg/providers/Microsoft.OperationalInsights/' +
  'workspaces/myWorkspace';
const RULES_PATH = `${WS}/providers/Microsoft.SecurityInsights/alertRules?api-version=2023-11-01`;
const AUTOMATION_PATH = `${WS}/providers/Microsoft.SecurityInsights/automationRules?api-version=2023-11-01`;
const SENTINEL_ALERTS = catalog.probes.get('sentinel-alert-counts')!.path!;
const ENV = { T: 'Bearer la-token-1234', M: 'Bearer arm-token-5678' };

/** Azure Resource Manager: the rule list in two pages joined by nextLink (`__BASE__` is this server's origin). */
async function arm(over: (r: Seen) => Answer | undefined = () => undefined) {
  let base = '';
  const s = await serve(
    (r) =>
      over(r) ??
      (r.url === RULES_PATH
        ? { status: 200, body: fixture('sentinel/alert-rules-page1.json').replace('__BASE__', base) }
        : r.url === `${RULES_PATH}&%24skipToken=page2`
          ? { status: 200, body: fixture('sentinel/alert-rules-page2.json') }
          : r.url === AUTOMATION_PATH
            ? { status: 200, body: fixture('sentinel/automation-rules.json') }
            : undefined),
  );
  base = s.url;
  return s;
}

async function logAnalytics() {
  return serve((r) =>
    r.url === '/v1/workspaces/ws-1234/query?' + SENTINEL_ALERTS.split('?')[1]
      ? { status: 200, body: fixture('sentinel/alert-counts.json') }
      : undefined,
  );
}

const sentinelTarget = (la: string, management: string) =>
  target('sentinel', `${la}/v1/workspaces/ws-1234`, {
    management_url: `${management}${WS}`,
    management_token_env: 'M',
  });

describe('Microsoft Sentinel: analytics rules from Azure Resource Manager, counts from Log Analytics', () => {
  it('reads every page of alertRules; disabled rules are absent; each token goes to its own host only', async () => {
    const la = await logAnalytics();
    const mg = await arm();
    const a = await assess(sentinelTarget(la.url, mg.url), [RULES_CHECK, VOLUME_CHECK, HOP_CHECK], ENV);
    const f = a.finding(RULES_CHECK);
    expect(f.status, f.reason).toBe('pass');
    expect(f.reason).toBe(
      'Microsoft Sentinel analytics rules: 5 detection rules read, 3 enabled, 2 disabled (counted as absent in ' +
        'coverage)',
    );
    expect(mg.seen.map((r) => r.url)).toContain(`${RULES_PATH}&%24skipToken=page2`);
    // The management token never reaches the Log Analytics host, nor the query token the management host.
    expect(new Set(mg.seen.map((r) => r.auth))).toEqual(new Set(['Bearer arm-token-5678']));
    expect(new Set(la.seen.map((r) => r.auth))).toEqual(new Set(['Bearer la-token-1234']));
    expect([...mg.seen, ...la.seen].every((r) => r.method === 'GET')).toBe(true);
    const file = join(a.runDir, a.evidence.find((e) => e.probe === 'sentinel-alert-rules')!.file!);
    const rules = await loadRules([file]);
    expect(rules.rules.map((r) => [r.title, r.disabled, r.techniques, r.tactics])).toEqual([
      ['My scheduled rule', false, ['T1098'], ['persistence', 'lateral-movement']],
      ['testing displayname', false, [], []],
      [
        'Advanced Multi-Stage Attack Detection',
        true,
        [],
        ['persistence', 'lateral-movement', 'exfiltration', 'command-and-control'],
      ],
      ['Sign-in from a disabled account', false, ['T1078', 'T1078.004'], ['initial-access']],
      ['Linux reverse shell', true, ['T1059', 'T1059.004'], ['execution']],
    ]);
    const techniques = ((await analyseCoverage({ rulePaths: [file], findings: [] })).details as CoverageDetails)
      .techniques;
    expect(techniques.find((t) => t.id === 'T1078.004')?.grade).not.toBe('none');
    expect(techniques.find((t) => t.id === 'T1059.004')?.grade ?? 'none').toBe('none');

    // SecurityAlert per analytics rule id over 30 days, named by the alerts' "Analytic Rule Name" (the check reads
    // only Log Analytics; the scan's section names rules from alertRules): the noisy rule is one rule, not many names.
    const v = a.finding(VOLUME_CHECK);
    expect(v.status).toBe('fail');
    expect(v.reason).toBe(
      'Sentinel SecurityAlert (Log Analytics): 1836 alerts in 30 days (61.2/day) from 3 rules (per analytics rule ' +
        'id; 6 alerts without a rule id (ingested from other products) per alert name); noisiest: ' +
        'Heartbeat gap (v1) 60/day, Sign-in from a disabled account 1/day, Impossible travel activity 0.2/day',
    );
    // Automation rules: the enabled RunPlaybook rule is the SIEM -> SOAR hop; the expired and the disabled are not.
    const h = a.finding(HOP_CHECK);
    expect(h.status).toBe('pass');
    expect(h.reason).toBe(
      'Sentinel automation rules: 1 enabled rules hand their alerts to logic-app:mail-notify-suspicious-alerts; ' +
        '2 automation rules that run a playbook are disabled or expired',
    );
  });

  it('without management_url the rule checks say what to set; the Log Analytics counts still come', async () => {
    const la = await logAnalytics();
    const a = await assess(target('sentinel', `${la.url}/v1/workspaces/ws-1234`), [RULES_CHECK, VOLUME_CHECK], ENV);
    const f = a.finding(RULES_CHECK);
    expect(f.status).toBe('inconclusive');
    expect(f.reason).toMatch(/set api\.management_url \(the workspace resource URL\) and api\.management_token_env/);
    expect(a.finding(VOLUME_CHECK).status).toBe('fail');
  });

  it('a nextLink to another host is refused: the management token is sent to management_url only', async () => {
    const other = await serve(() => ({ status: 200, body: fixture('sentinel/alert-rules-page2.json') }));
    const la = await logAnalytics();
    const mg = await arm((r) =>
      r.url === RULES_PATH
        ? { status: 200, body: fixture('sentinel/alert-rules-page1.json').replace('__BASE__', other.url) }
        : undefined,
    );
    const f = (await assess(sentinelTarget(la.url, mg.url), [RULES_CHECK], ENV)).finding(RULES_CHECK);
    expect(f.status).toBe('inconclusive');
    expect(f.reason).toMatch(
      /nextLink points at another origin .* refused; the credential is sent to .* \(api\.management_url\) only/,
    );
    expect(other.seen).toEqual([]);
  });

  it('401 and 403 from Azure are inconclusive; a 429 with Retry-After is retried; a long throttle is not', async () => {
    const la = await logAnalytics();
    for (const [status, file, kind] of [
      [401, 'arm-error-401', 'auth-failed'],
      [403, 'arm-error-403', 'permission-denied'],
    ] as const) {
      const mg = await arm((r) =>
        r.url === RULES_PATH ? { status, body: fixture(`sentinel/${file}.json`) } : undefined,
      );
      const f = (await assess(sentinelTarget(la.url, mg.url), [RULES_CHECK], ENV)).finding(RULES_CHECK);
      expect(f.status).toBe('inconclusive');
      expect(f.reason).toContain(`sentinel-alert-rules: ${kind}: HTTP ${status}`);
    }
    let n = 0;
    const retried = await arm((r) =>
      r.url === RULES_PATH && n++ === 0
        ? { status: 429, body: fixture('sentinel/arm-error-429.json'), headers: { 'retry-after': '1' } }
        : undefined,
    );
    expect((await assess(sentinelTarget(la.url, retried.url), [RULES_CHECK], ENV)).finding(RULES_CHECK).status).toBe(
      'pass',
    );
    const throttled = await arm((r) =>
      r.url === RULES_PATH
        ? { status: 429, body: fixture('sentinel/arm-error-429.json'), headers: { 'retry-after': '300' } }
        : undefined,
    );
    const t = (await assess(sentinelTarget(la.url, throttled.url), [RULES_CHECK], ENV)).finding(RULES_CHECK);
    expect(t.status).toBe('inconclusive');
    expect(t.reason).toMatch(/HTTP 429: rate limited \(Retry-After 300 s; 0 retries/);
  });
});

describe('scan: Wazuh, OpenSearch Security Analytics and Sentinel rules in coverage, counts in the SOAR gate', () => {
  it('one scan of the three SIEMs: coverage is the organisation rules, the gate reads the alert history', async () => {
    const wz = await serve(wazuhRules());
    const os = await serve(securityAnalytics);
    const la = await logAnalytics();
    const mg = await arm();
    const dir = mkdtempSync(join(tmpdir(), 'socready-siem-rules-more-scan-'));
    writeFileSync(
      join(dir, 'inventory.yaml'),
      'version: 1\norganization: Rules Org\ntargets:\n' +
        '  - { id: wazuh, kind: siem, address: 127.0.0.1, transport: http, ' +
        `api: { url: "${wz.url}", product: wazuh, token_env: T } }\n` +
        '  - { id: os, kind: siem, address: 127.0.0.1, transport: http, ' +
        `api: { url: "${os.url}", product: opensearch, token_env: T } }\n` +
        '  - id: sentinel\n    kind: siem\n    address: 127.0.0.1\n    transport: http\n    api:\n' +
        `      url: "${la.url}/v1/workspaces/ws-1234"\n` +
        `      product: sentinel\n      token_env: T\n      management_url: "${mg.url}${WS}"\n` +
        '      management_token_env: M\n',
    );
    const r = await runCli(
      ['scan', '-i', join(dir, 'inventory.yaml'), '-o', join(dir, 'reports'), '--no-html', '--json'],
      {
        env: ENV,
        timeoutMs: 150_000,
      },
    );
    expect(r.code, r.stderr).toBe(0);
    const runDir = JSON.parse(r.stdout).run_dir as string;
    const report = JSON.parse(readFileSync(join(runDir, 'report.json'), 'utf8')) as {
      analyses: {
        coverage: { content: string; summary: { rules_total: number }; details: CoverageDetails };
        siem_alerts: { details: { target: string; total: number; rules: { rule: string; rule_id?: string }[] }[] };
      };
      score: { soar: { capacity: Record<string, unknown> } };
    };
    const coverage = report.analyses.coverage;
    expect(coverage.content).toBe('organisation');
    // Wazuh 3 + Security Analytics 3 (one disabled) + Sentinel 5 (two disabled): disabled ones are kept, not counted.
    expect(coverage.summary.rules_total).toBe(11);
    const titles = (id: string) => coverage.details.techniques.find((t) => t.id === id)?.rules.map((x) => x.title);
    expect(titles('T1110.001')).toEqual(
      expect.arrayContaining(['sshd: Attempt to login using a non-existent user', 'Brute force on the VPN portal']),
    );
    expect(titles('T1078.004')).toEqual(['Sign-in from a disabled account']);
    expect(report.analyses.siem_alerts.details.map((d) => [d.target, d.total])).toEqual([['sentinel', 1836]]);
    // The counts join the target's analytics rules by id: the busiest is named as Azure lists the rule today.
    expect(report.analyses.siem_alerts.details[0]!.rules[0]).toMatchObject({
      rule: 'My scheduled rule',
      rule_id: '73e01a99-5cd7-4139-a149-9f2736ff2ab5',
    });
    expect(report.score.soar.capacity).toMatchObject({
      alerts_basis: 'siem-alert-history',
      alerts_source: 'sentinel (Sentinel SecurityAlert (Log Analytics)), last 30 days',
    });
  }, 200_000);
});
