// Contract tests of the SOAR side of the SIEM -> SOAR hop: no SOAR runs here, so local HTTP servers answer in each
// product's documented formats (test/fixtures/products/splunk-soar, shuffle): Splunk SOAR's paginated `/rest/asset`
// and `/rest/app` (`{count, num_pages, data}`, `{"failed": true, "message"}` on refusal), Shuffle's
// `/api/v1/workflows` (webhook triggers with their state and URL), 401, 403, a list the server capped (paging) and a
// rate limit. The requests go through the real API source; the last test runs a real `socready scan` of a Kibana SIEM
// and a Shuffle SOAR and reads the loop's hop from both sides in the report.
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/checks/catalog.js';
import { ApiProbeSource } from '../../src/collect/api-source.js';
import { assessTarget } from '../../src/collect/assess-target.js';
import { EvidenceStore } from '../../src/collect/evidence-store.js';
import type { Finding, Target } from '../../src/model.js';
import { runCli } from '../helpers/cli.js';
import { FIXTURES_DIR } from '../helpers/paths.js';
import { soarIntegrationParserModules } from '../../src/parsers/products/soar-integrations.js';
import type { ProbeResult } from '../../src/transport/types.js';

const fixture = (p: string) => readFileSync(join(FIXTURES_DIR, 'products', p), 'utf8');
const catalog = loadCatalog();
const CHECK = 'products.soar.siem-integration';
const ASSETS = '/rest/asset?page=0&page_size=0';
const APPS = '/rest/app?page=0&page_size=0';
const WORKFLOWS = '/api/v1/workflows';
const TOKEN = 'Bearer 6b1f3a54-shuffle-key-0000';
const HOOK_ID = 'b4d2a5c1-0f1e-4c55-9a57-3f1a7b1c9e11';
const HOOK = `/api/v1/hooks/webhook_${HOOK_ID}`;
/** A webhook id is a secret: facts and reports hold a fingerprint of it (sha256, 16 hex digits). */
const hooked = (id: string) => `/api/v1/hooks/webhook_~${createHash('sha256').update(id).digest('hex').slice(0, 16)}`;

type Answer = { status: number; body: string; headers?: Record<string, string> };
const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** A SOAR impersonation: answers by path (a list of answers is used in turn), records every request. */
async function serve(routes: Record<string, Answer | Answer[]>): Promise<{ url: string; seen: string[] }> {
  const seen: string[] = [];
  const used = new Map<string, number>();
  const server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    const r = routes[req.url!];
    const n = used.get(req.url!) ?? 0;
    used.set(req.url!, n + 1);
    const a = (Array.isArray(r) ? r[Math.min(n, r.length - 1)] : r) ?? { status: 404, body: '{"failed":true}' };
    res.writeHead(a.status, { 'content-type': 'application/json', ...(a.headers ?? {}) });
    res.end(a.body);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, seen };
}

async function assess(product: string, url: string): Promise<{ finding: Finding; runDir: string }> {
  const runDir = mkdtempSync(join(tmpdir(), 'socready-soar-api-'));
  const target: Target = {
    id: 'soar',
    kind: 'soar',
    address: '127.0.0.1',
    tags: [],
    transport: 'http',
    api: { url, product, token_env: 'T' },
  };
  const a = await assessTarget(target, new ApiProbeSource(target, { env: { T: TOKEN } }), catalog, {
    store: new EvidenceStore(runDir),
    only: [CHECK],
  });
  return { finding: a.findings.find((f) => f.check === CHECK)!, runDir };
}

const files = (d: string): string[] =>
  readdirSync(d, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(d, e.name)) : [join(d, e.name)],
  );
const evidenceText = (runDir: string): string =>
  files(runDir)
    .map((f) => readFileSync(f, 'utf8'))
    .join('\n');
/** `file: secret` for every written file (evidence, report.json, report.html…) that holds one of the secrets. */
const secretsWritten = (runDir: string, secrets: string[]): string[] =>
  files(runDir).flatMap((f) => {
    const text = readFileSync(f, 'utf8');
    return secrets.filter((x) => text.includes(x)).map((x) => `${f.slice(runDir.length + 1)}: ${x}`);
  });

describe('Splunk SOAR: assets and apps (GET /rest/asset, /rest/app)', () => {
  it('lists the enabled SIEM asset and the server it points at; disabled, non-SIEM assets do not count', async () => {
    const s = await serve({
      '/': { status: 200, body: '<html>Splunk SOAR</html>' },
      [ASSETS]: { status: 200, body: fixture('splunk-soar/assets.json') },
      [APPS]: { status: 200, body: fixture('splunk-soar/apps.json') },
    });
    const { finding, runDir } = await assess('splunk-soar', s.url);
    expect(finding.status).toBe('pass');
    expect(finding.reason).toBe('Splunk SOAR: splunk_es_prod (asset -> splunk.corp.example:8089)');
    expect(finding.observed?.integrations).toEqual([
      {
        name: 'splunk_es_prod',
        kind: 'asset',
        product: 'Splunk Splunk Enterprise',
        hosts: ['splunk.corp.example:8089'],
        siem: true,
      },
    ]);
    // Read-only lists only, every record asked at once; the assets' stored passwords and keys never reach evidence.
    expect(s.seen.filter((x) => x !== 'GET /')).toEqual([`GET ${ASSETS}`, `GET ${APPS}`]);
    const stored = evidenceText(runDir);
    expect(stored).toContain('splunk_es_prod');
    expect(stored).not.toContain('kP0-invented-not-real');
    expect(stored).not.toContain('v-invented-not-real');
    expect(stored).not.toContain('6b1f3a54-shuffle-key-0000');
  });

  it('no asset for a SIEM is a fail that says how many were listed', async () => {
    const s = await serve({
      '/': { status: 200, body: '{}' },
      [ASSETS]: { status: 200, body: fixture('splunk-soar/assets-no-siem.json') },
      [APPS]: { status: 200, body: fixture('splunk-soar/apps.json') },
    });
    const { finding } = await assess('splunk-soar', s.url);
    expect(finding.status).toBe('fail');
    expect(finding.reason).toBe('Splunk SOAR: none of the 1 listed integrations is for a SIEM');
  });

  it('a Splunk Attack Analyzer asset alone is no SIEM integration: the product decides, not the vendor', async () => {
    const analyzer = {
      id: 9,
      name: 'splunk_attack_analyzer',
      app: 31,
      disabled: false,
      product_vendor: 'Splunk',
      product_name: 'Attack Analyzer',
      configuration: { base_url: 'https://api.twinwave.io' },
    };
    const s = await serve({
      '/': { status: 200, body: '{}' },
      [ASSETS]: { status: 200, body: JSON.stringify({ count: 1, num_pages: 1, data: [analyzer] }) },
      [APPS]: { status: 200, body: fixture('splunk-soar/apps.json') },
    });
    const { finding } = await assess('splunk-soar', s.url);
    expect(finding.status).toBe('fail');
    expect(finding.observed?.integrations).toEqual([]);
    expect(finding.reason).toBe('Splunk SOAR: none of the 1 listed integrations is for a SIEM');
  });

  it('a list the server capped (count 250 on 2 pages, 1 row returned) is inconclusive, never a fail', async () => {
    const s = await serve({
      '/': { status: 200, body: '{}' },
      [ASSETS]: { status: 200, body: fixture('splunk-soar/assets-paged.json') },
      [APPS]: { status: 200, body: fixture('splunk-soar/apps.json') },
    });
    const { finding } = await assess('splunk-soar', s.url);
    expect(finding.status).toBe('inconclusive');
    expect(finding.reason).toMatch(/the list is incomplete \(soar-splunk-assets: 1 of 250 on 2 pages were returned\)/);
  });

  it('401 and 403 leave the check inconclusive with the reason; a 429 with Retry-After is waited out', async () => {
    const refused = await serve({ '/': { status: 401, body: fixture('splunk-soar/unauthorized.json') } });
    const a = await assess('splunk-soar', refused.url);
    expect(a.finding.status).toBe('inconclusive');
    expect(a.finding.reason).toMatch(/auth-failed: .*HTTP 401.*Authentication failed/);
    const forbidden = await serve({
      '/': { status: 200, body: '{}' },
      [ASSETS]: { status: 403, body: fixture('splunk-soar/forbidden.json') },
      [APPS]: { status: 200, body: fixture('splunk-soar/apps.json') },
    });
    const b = await assess('splunk-soar', forbidden.url);
    expect(b.finding.status).toBe('inconclusive');
    expect(b.finding.reason).toMatch(/soar-splunk-assets: permission-denied: HTTP 403.*permission to view assets/);
    const limited = await serve({
      '/': { status: 200, body: '{}' },
      [ASSETS]: [
        { status: 429, body: '{"failed":true,"message":"Too many requests"}', headers: { 'retry-after': '1' } },
        { status: 200, body: fixture('splunk-soar/assets.json') },
      ],
      [APPS]: { status: 200, body: fixture('splunk-soar/apps.json') },
    });
    const c = await assess('splunk-soar', limited.url);
    expect(c.finding.status).toBe('pass');
    expect(limited.seen.filter((x) => x === `GET ${ASSETS}`)).toHaveLength(2);
  });
});

describe('Shuffle: workflows (GET /api/v1/workflows)', () => {
  it('a SIEM app action counts; webhooks are listed with their URL and status but prove nothing', async () => {
    const s = await serve({
      '/': { status: 200, body: '<html>Shuffle</html>' },
      [WORKFLOWS]: { status: 200, body: fixture('shuffle/workflows.json') },
    });
    const { finding } = await assess('shuffle', s.url);
    expect(finding.status).toBe('pass');
    expect(finding.observed?.integrations).toEqual([
      {
        name: 'Kibana alerts',
        kind: 'webhook',
        product: 'Shuffle webhook',
        hosts: ['shuffle.corp.example'],
        siem: false,
        url: `https://shuffle.corp.example${hooked(HOOK_ID)}`,
        status: 'running',
        workflow: 'Elastic alert triage',
      },
      {
        name: 'Get alert context',
        kind: 'app',
        product: 'Elasticsearch',
        hosts: ['es01.corp.example:9200'],
        siem: true,
        workflow: 'Elastic alert triage',
      },
      {
        name: 'Mail gateway',
        kind: 'webhook',
        product: 'Shuffle webhook',
        hosts: ['shuffle.corp.example'],
        siem: false,
        url: `https://shuffle.corp.example${hooked('2b1d')}`,
        status: 'stopped',
        workflow: 'Phishing (draft)',
      },
    ]);
    expect(s.seen).toEqual(['GET /', `GET ${WORKFLOWS}`]);
  });

  it('only a running mail-gateway webhook: no SIEM integration, inconclusive (anything may post to it)', async () => {
    const mailOnly = JSON.parse(fixture('shuffle/workflows-stopped.json')) as Record<string, unknown>[];
    const wf = mailOnly[0] as { name: string; triggers: Record<string, unknown>[] };
    wf.name = 'Phishing';
    wf.triggers[0] = { ...wf.triggers[0], label: 'Mail gateway', status: 'running' };
    const s = await serve({
      '/': { status: 200, body: '{}' },
      [WORKFLOWS]: { status: 200, body: JSON.stringify(mailOnly) },
    });
    const { finding } = await assess('shuffle', s.url);
    expect(finding.status).toBe('inconclusive');
    expect(finding.observed?.integrations).toMatchObject([{ name: 'Mail gateway', siem: false, status: 'running' }]);
    expect(finding.reason).toBe(
      'Shuffle: none of the 1 listed integrations is for a SIEM; webhooks (not proof of a SIEM integration until ' +
        "the SIEM's connector is seen posting to one): Mail gateway (webhook at " +
        `https://shuffle.corp.example${hooked('2b1d')})`,
    );
  });

  it('only a stopped webhook: fail; a refused API key (401 {"success": false}): inconclusive', async () => {
    const s = await serve({
      '/': { status: 200, body: '{}' },
      [WORKFLOWS]: { status: 200, body: fixture('shuffle/workflows-stopped.json') },
    });
    expect((await assess('shuffle', s.url)).finding.status).toBe('fail');
    const refused = await serve({
      '/': { status: 200, body: '<html></html>' },
      [WORKFLOWS]: { status: 401, body: fixture('shuffle/unauthorized.json') },
    });
    const r = await assess('shuffle', refused.url);
    expect(r.finding.status).toBe('inconclusive');
    expect(r.finding.reason).toMatch(/soar-shuffle-workflows: auth-failed: HTTP 401/);
  });
});

describe('the SIEM -> SOAR hop confirmed from both sides in a scan', () => {
  it("Kibana's webhook connector points at Shuffle, whose running webhook receives there: both hops ok", async () => {
    // The webhook URL Shuffle reports names its own host: the route is filled in once the port is known.
    const routes: Record<string, Answer> = { '/': { status: 200, body: '<html>Shuffle</html>' } };
    const soar = await serve(routes);
    const soarHost = new URL(soar.url).host;
    routes[WORKFLOWS] = {
      status: 200,
      body: fixture('shuffle/workflows.json').replaceAll('shuffle.corp.example', soarHost),
    };
    const kibana = await serve({
      '/': { status: 200, body: '{}' },
      '/api/detection_engine/rules/_find?page=1&per_page=10000': {
        status: 200,
        body: fixture('kibana/detection-rules-find-actions.json'),
      },
      // The connector posts to the running webhook's own URL; its query string holds a secret that must stay out.
      '/api/actions/connectors': {
        status: 200,
        body: fixture('kibana/connectors.json').replaceAll(
          'https://soar.example.test:8443/api/v1/alerts',
          `https://${soarHost}${HOOK}?token=hook-s3cret`,
        ),
      },
    });
    const dir = mkdtempSync(join(tmpdir(), 'socready-soar-loop-'));
    writeFileSync(
      join(dir, 'inventory.yaml'),
      'version: 1\norganization: Loop Org\ntargets:\n' +
        '  - { id: kibana, kind: siem, address: 127.0.0.1, transport: http, ' +
        `api: { url: "${kibana.url}", product: kibana, token_env: KIBANA_TOKEN } }\n` +
        '  - { id: shuffle, kind: soar, address: 127.0.0.1, transport: http, ' +
        `api: { url: "${soar.url}", product: shuffle, token_env: SHUFFLE_KEY } }\n`,
    );
    const r = await runCli(['scan', '-i', join(dir, 'inventory.yaml'), '-o', join(dir, 'reports'), '--json'], {
      env: { KIBANA_TOKEN: 'ApiKey abc123def456', SHUFFLE_KEY: TOKEN },
      timeoutMs: 120_000,
    });
    expect(r.code, r.stderr).toBe(0);
    const runDir = JSON.parse(r.stdout).run_dir as string;
    const report = JSON.parse(readFileSync(join(runDir, 'report.json'), 'utf8')) as {
      findings: Finding[];
      analyses: { playbooks: { details: { loop: { id: string; status: string; detail: string }[] } } };
    };
    expect(report.findings.find((f) => f.check === CHECK && f.target === 'shuffle')?.status).toBe('pass');
    const loop = report.analyses.playbooks.details.loop;
    expect(loop[0]).toMatchObject({ id: 'siem-to-soar', status: 'ok' });
    expect(loop[1]).toMatchObject({ id: 'soar-knows-siem', status: 'ok' });
    expect(loop[1]!.detail).toBe(
      `confirmed from both sides: shuffle: Kibana alerts (webhook at https://${soarHost}${hooked(HOOK_ID)})`,
    );
    // The facts and the loop keep no query-string secret and no webhook id (raw evidence is redaction's business).
    const facts = JSON.stringify([
      report.findings.map((f) => [f.observed, f.reason]),
      report.analyses.playbooks.details.loop,
    ]);
    expect(facts).toContain('/api/v1/hooks/webhook_~');
    expect(facts).not.toContain('hook-s3cret');
    expect(facts).not.toContain(HOOK_ID);
    const html = readFileSync(join(runDir, 'report.html'), 'utf8');
    expect(html).toContain('The SOAR lists an integration for the SIEM (its own list API)');
  }, 150_000);
});

/** Secrets as Shuffle and Splunk SOAR store them: under a key named `value` or an app-chosen configuration key. */
const SECRETS = ['AKIAQWERTYUIOPASSECRET1', 'SECRET4', 'SECRET5', 'SECRET8', 'SECRET9', 'S3hdr'];

/** The Shuffle fixture with an API key parameter, a workflow variable and webhook auth headers filled in. */
function shuffleWithSecrets(host = 'shuffle.corp.example'): string {
  const w = JSON.parse(fixture('shuffle/workflows.json').replaceAll('shuffle.corp.example', host));
  w[0].triggers[0].parameters[2].value = 'X-Api-Key=S3hdr\nAuthorization=Basic SECRET4';
  w[0].actions[0].parameters.push({ name: 'apikey', value: 'AKIAQWERTYUIOPASSECRET1' });
  w[0].workflow_variables = [{ name: 'password', value: 'SECRET5', description: 'ES service account' }];
  return JSON.stringify(w);
}

/** The Splunk SOAR fixture with secrets under the keys apps choose (`key`, `ph_0`). */
function assetsWithSecrets(): string {
  const a = JSON.parse(fixture('splunk-soar/assets.json'));
  Object.assign(a.data[0].configuration, { key: 'SECRET8', ph_0: 'SECRET9' });
  return JSON.stringify(a);
}

/** The parser's facts from stored evidence files, as a replay reads them. */
function parseStored(runDir: string, probes: string[]): Record<string, unknown> {
  const outputs = Object.fromEntries(
    probes.map((p) => [
      p,
      {
        // The file holds the answer, then the request's notes after the stderr marker.
        stdout: readFileSync(join(runDir, 'evidence', 'soar', `${p}.txt`), 'utf8').split('\n--- stderr ---\n')[0]!,
        stderr: '',
        exitCode: 0,
        durationMs: 1,
        truncated: false,
      } as ProbeResult,
    ]),
  );
  return soarIntegrationParserModules[0]!.parse(outputs, { targetId: 'soar', kind: 'soar' }) as Record<string, unknown>;
}

describe('SOAR secrets never reach evidence; evidence keeps what the parser reads', () => {
  it('Shuffle: API key parameter, workflow variable, webhook auth headers and webhook id are not stored', async () => {
    const s = await serve({
      '/': { status: 200, body: '<html>Shuffle</html>' },
      [WORKFLOWS]: { status: 200, body: shuffleWithSecrets() },
    });
    const { finding, runDir } = await assess('shuffle', s.url);
    expect(finding.status).toBe('pass');
    expect(secretsWritten(runDir, [...SECRETS, 'b4d2a5c1-0f1e-4c55-9a57-3f1a7b1c9e11'])).toEqual([]);
    const stored = evidenceText(runDir);
    expect(stored).toContain(`https://shuffle.corp.example${hooked(HOOK_ID)}`);
    // The stored answer parses to the same integrations as the live one.
    const replayed = parseStored(runDir, ['soar-shuffle-workflows']);
    expect(replayed.integrations).toEqual(finding.observed?.integrations);
    expect(replayed.listed).toBe(2);
  });

  it('Splunk SOAR: asset configuration values but the server are masked; the stored list parses the same', async () => {
    const s = await serve({
      '/': { status: 200, body: '<html>Splunk SOAR</html>' },
      [ASSETS]: { status: 200, body: assetsWithSecrets() },
      [APPS]: { status: 200, body: fixture('splunk-soar/apps.json') },
    });
    const { finding, runDir } = await assess('splunk-soar', s.url);
    expect(finding.status).toBe('pass');
    expect(secretsWritten(runDir, [...SECRETS, 'soar_svc'])).toEqual([]);
    const stored = evidenceText(runDir);
    expect(stored).toContain('"device": "splunk.corp.example:8089"');
    expect(stored).toContain('"verify_server_cert": true');
    const replayed = parseStored(runDir, ['soar-splunk-assets', 'soar-splunk-apps']);
    expect(replayed.integrations).toEqual(finding.observed?.integrations);
    expect(replayed.listed).toBe(3);
  });

  it('a scan of Shuffle and Splunk SOAR writes none of the secrets to evidence, report.json, report.html', async () => {
    const shuffleRoutes: Record<string, Answer> = { '/': { status: 200, body: '<html>Shuffle</html>' } };
    const shuffleSrv = await serve(shuffleRoutes);
    shuffleRoutes[WORKFLOWS] = { status: 200, body: shuffleWithSecrets(new URL(shuffleSrv.url).host) };
    const soar = await serve({
      '/': { status: 200, body: '<html>Splunk SOAR</html>' },
      [ASSETS]: { status: 200, body: assetsWithSecrets() },
      [APPS]: { status: 200, body: fixture('splunk-soar/apps.json') },
    });
    const dir = mkdtempSync(join(tmpdir(), 'socready-soar-secrets-'));
    writeFileSync(
      join(dir, 'inventory.yaml'),
      'version: 1\norganization: Secret Org\ntargets:\n' +
        '  - { id: shuffle, kind: soar, address: 127.0.0.1, transport: http, ' +
        `api: { url: "${shuffleSrv.url}", product: shuffle, token_env: SHUFFLE_KEY } }\n` +
        '  - { id: phantom, kind: soar, address: 127.0.0.1, transport: http, ' +
        `api: { url: "${soar.url}", product: splunk-soar, token_env: SOAR_TOKEN } }\n`,
    );
    const r = await runCli(['scan', '-i', join(dir, 'inventory.yaml'), '-o', join(dir, 'reports'), '--json'], {
      env: { SHUFFLE_KEY: TOKEN, SOAR_TOKEN: TOKEN },
      timeoutMs: 120_000,
    });
    expect(r.code, r.stderr).toBe(0);
    const runDir = JSON.parse(r.stdout).run_dir as string;
    const report = readFileSync(join(runDir, 'report.json'), 'utf8');
    const findings = (JSON.parse(report) as { findings: Finding[] }).findings.filter((f) => f.check === CHECK);
    expect(findings.map((f) => `${f.target} ${f.status}`).sort()).toEqual(['phantom pass', 'shuffle pass']);
    expect(evidenceText(runDir)).toContain('"trigger_type": "WEBHOOK"');
    expect(secretsWritten(runDir, [...SECRETS, 'b4d2a5c1-0f1e-4c55-9a57-3f1a7b1c9e11'])).toEqual([]);
  }, 150_000);
});
