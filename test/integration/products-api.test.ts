// Security products through their REST APIs, end to end: local HTTP and HTTPS servers on 127.0.0.1 impersonate
// Elasticsearch, OpenSearch, Splunk and Wazuh with answers in their real formats; a real `socready scan` audits them.
// The servers record every request, so the test proves what socready sent (only GET/HEAD, the credential only in
// Authorization) as well as what it concluded.
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProbeDef } from '../../src/checks/types.js';
import { ApiProbeSource, authorizationFor } from '../../src/collect/api-source.js';
import type { Finding, Report, Target } from '../../src/model.js';
import { runCli } from '../helpers/cli.js';
import { FIXTURES_DIR } from '../helpers/paths.js';

const SERVER_DATE = 'Mon, 23 Nov 2026 17:00:00 GMT';
// Credentials that no redaction pattern would recognise by shape: only socready's own handling keeps them out.
const ES_API_KEY = `VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw${process.pid}`;
const SPLUNK_TOKEN = `sq7Kx2-splunk-${process.pid}-Zr9vQmLw4tPn`;
const WAZUH_TOKEN = `wz-${process.pid}-b1d4f0c8a9e2`;
const OS_USER = 'socready_ro';
const OS_PASSWORD = `Pw-${process.pid}-q8Lz!x`;
const BAD_TOKEN = `not-the-right-key-${process.pid}`;

interface Seen {
  server: string;
  method: string;
  url: string;
  authorization?: string;
}

const seen: Seen[] = [];
const servers: Server[] = [];
let dir: string;

function fixture(path: string): string {
  return readFileSync(join(FIXTURES_DIR, 'products', path), 'utf8');
}

type Route = (url: URL) => { status?: number; body: string; type?: string } | undefined;

/** A server that answers like a product when the expected Authorization comes, and like it refuses otherwise. */
function handler(name: string, expectedAuth: string, route: Route, unauthorized: string, date: string = SERVER_DATE) {
  return (req: IncomingMessage, res: ServerResponse) => {
    seen.push({
      server: name,
      method: req.method ?? '?',
      url: req.url ?? '',
      authorization: req.headers.authorization,
    });
    // Every server answers with an injected clock: the fixtures' event times are relative to SERVER_DATE, and the
    // certificate checks are judged against a clock pinned to the throwaway certificate's own issue time.
    res.setHeader('Date', date);
    if (req.headers.authorization !== expectedAuth) {
      res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Bearer realm="security"' });
      res.end(unauthorized);
      return;
    }
    const answer = route(new URL(req.url ?? '/', 'http://x'));
    if (!answer) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"error":"no handler"}');
      return;
    }
    res.writeHead(answer.status ?? 200, { 'content-type': answer.type ?? 'application/json; charset=UTF-8' });
    res.end(req.method === 'HEAD' ? undefined : answer.body);
  };
}

const ES_UNAUTHORIZED = JSON.stringify({
  error: {
    root_cause: [
      {
        type: 'security_exception',
        reason: 'unable to authenticate with provided credentials and anonymous access is not allowed for this request',
      },
    ],
    type: 'security_exception',
    reason: 'unable to authenticate with provided credentials and anonymous access is not allowed for this request',
  },
  status: 401,
});

/** Elasticsearch at /, OpenSearch below /opensearch (an api.url with a path prefix). */
const searchRoutes: Route = (url) => {
  const p = url.pathname;
  if (p === '/') {
    // A server that echoes the credential back: the source must scrub it before anything is stored.
    const root = JSON.parse(fixture('elasticsearch/root.json')) as Record<string, unknown>;
    return { body: JSON.stringify({ ...root, name: `es-hot-01 (key ${ES_API_KEY})` }) };
  }
  if (p === '/_cluster/health') return { body: fixture('elasticsearch/cluster-health-green.json') };
  if (p === '/_cat/allocation' && url.searchParams.get('format') === 'json')
    return { body: fixture('elasticsearch/allocation.json') };
  if (p === '/_cluster/settings') return { body: fixture('elasticsearch/disk-settings-defaults.json') };
  if (p === '/_data_stream') return { body: fixture('elasticsearch/data-streams.json') };
  if (p === '/_ilm/policy') return { body: fixture('elasticsearch/ilm-policies.json') };
  // _cat/indices in JSON with sizes in bytes: anything else would be unreadable to the cost forecast.
  if (p === '/_cat/indices' && url.searchParams.get('format') === 'json' && url.searchParams.get('bytes') === 'b')
    return { body: fixture('elasticsearch/indices-volume.json') };
  if (p.endsWith('/_search')) {
    const source = JSON.parse(url.searchParams.get('source') ?? '{}') as { size?: number; aggs?: unknown };
    if (source.size !== 0 || !source.aggs) return { status: 400, body: '{"error":"expected a size-0 aggregation"}' };
    return { body: fixture('elasticsearch/ingest-search.json') };
  }
  return undefined;
};

const opensearchRoutes: Route = (url) => {
  const p = url.pathname.replace(/^\/opensearch/, '') || '/';
  if (p === '/') return { body: fixture('opensearch/root.json') };
  if (p === '/_cluster/health') return { body: fixture('elasticsearch/cluster-health-green.json') };
  if (p === '/_cat/allocation') return { body: fixture('elasticsearch/allocation.json') };
  if (p === '/_cluster/settings') return { body: fixture('elasticsearch/disk-settings-defaults.json') };
  if (p === '/_plugins/_ism/policies') return { body: fixture('opensearch/ism-policies.json') };
  if (p.endsWith('/_search')) return { body: fixture('elasticsearch/ingest-search.json') };
  return undefined;
};

const splunkRoutes: Route = (url) => {
  const json = url.searchParams.get('output_mode') === 'json';
  if (url.pathname === '/') return { body: fixture('splunk/root.xml'), type: 'text/xml; charset=UTF-8' };
  if (!json)
    return {
      status: 400,
      body: '<response><messages><msg type="ERROR">output_mode</msg></messages></response>',
      type: 'text/xml',
    };
  if (url.pathname === '/services/server/health/splunkd') return { body: fixture('splunk/health-red.json') };
  if (url.pathname === '/services/data/indexes') return { body: fixture('splunk/indexes.json') };
  if (url.pathname === '/services/licenser/messages') return { body: fixture('splunk/license-messages.json') };
  if (url.pathname === '/services/licenser/usage') return { body: fixture('splunk/license-usage.json') };
  return undefined;
};

const wazuhRoutes: Route = (url) => {
  if (url.pathname === '/') return { body: fixture('wazuh/root.json') };
  if (url.pathname === '/agents/summary/status') return { body: fixture('wazuh/agents-summary.json') };
  if (url.pathname === '/manager/status') return { body: fixture('wazuh/manager-status.json') };
  return undefined;
};

function listen(server: Server): Promise<number> {
  servers.push(server);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

async function freePort(): Promise<number> {
  const s = createHttpServer();
  const port = await new Promise<number>((resolve) =>
    s.listen(0, '127.0.0.1', () => resolve((s.address() as AddressInfo).port)),
  );
  await new Promise((r) => s.close(r));
  return port;
}

/** A throwaway CA and a server certificate for 127.0.0.1 signed by it, plus a self-signed certificate. */
function makeCertificates(at: string): {
  ca: string;
  key: string;
  cert: string;
  selfKey: string;
  selfCert: string;
  issuedAt: number;
} {
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  const f = (n: string) => join(at, n);
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      ...ec,
      '-keyout',
      f('ca.key'),
      '-out',
      f('ca.pem'),
      '-days',
      '2',
      '-subj',
      '/CN=socready test CA',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ],
    { stdio: 'ignore' },
  );
  execFileSync('openssl', ['req', ...ec, '-keyout', f('srv.key'), '-out', f('srv.csr'), '-subj', '/CN=127.0.0.1'], {
    stdio: 'ignore',
  });
  writeFileSync(f('srv.ext'), 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n');
  execFileSync(
    'openssl',
    [
      'x509',
      '-req',
      '-in',
      f('srv.csr'),
      '-CA',
      f('ca.pem'),
      '-CAkey',
      f('ca.key'),
      '-CAcreateserial',
      '-out',
      f('srv.pem'),
      '-days',
      '2',
      '-extfile',
      f('srv.ext'),
    ],
    { stdio: 'ignore' },
  );
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      ...ec,
      '-keyout',
      f('self.key'),
      '-out',
      f('self.pem'),
      '-days',
      '2',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  const r = (n: string) => readFileSync(f(n), 'utf8');
  const cert = r('srv.pem');
  return {
    ca: f('ca.pem'),
    key: r('srv.key'),
    cert,
    selfKey: r('self.key'),
    selfCert: r('self.pem'),
    issuedAt: Date.parse(new X509Certificate(cert).validFrom),
  };
}

function filesUnder(root: string): string[] {
  return readdirSync(root).flatMap((n) => {
    const p = join(root, n);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

let report: Report;
let runDir: string;
let cli: { code: number | null; stdout: string; stderr: string };
const basicOs = `Basic ${Buffer.from(`${OS_USER}:${OS_PASSWORD}`).toString('base64')}`;

function findingsOf(target: string): Map<string, Finding> {
  return new Map(report.findings.filter((f) => f.target === target).map((f) => [f.check, f]));
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'socready-products-'));
  const certs = makeCertificates(dir);
  // The Wazuh manager's clock: one hour after the 2-day certificate was issued, whatever day the test runs.
  const wazuhClock = new Date(certs.issuedAt + 3_600_000).toUTCString();
  const searchAuth = `ApiKey ${ES_API_KEY}`;
  const esPort = await listen(
    createHttpServer((req, res) => {
      const isOs = (req.url ?? '').startsWith('/opensearch');
      return handler(
        isOs ? 'opensearch' : 'elasticsearch',
        isOs ? basicOs : searchAuth,
        isOs ? opensearchRoutes : searchRoutes,
        ES_UNAUTHORIZED,
      )(req, res);
    }),
  );
  const splunkPort = await listen(
    createHttpsServer(
      { key: certs.key, cert: certs.cert },
      handler(
        'splunk',
        `Bearer ${SPLUNK_TOKEN}`,
        splunkRoutes,
        '{"messages":[{"type":"WARN","text":"call not properly authenticated"}]}',
      ),
    ),
  );
  const wazuhPort = await listen(
    createHttpsServer(
      { key: certs.key, cert: certs.cert },
      handler(
        'wazuh',
        `Bearer ${WAZUH_TOKEN}`,
        wazuhRoutes,
        '{"title":"Unauthorized","detail":"The server could not verify that you are authorized to access the ' +
          'URL requested."}',
        wazuhClock,
      ),
    ),
  );
  const selfSignedPort = await listen(
    createHttpsServer(
      { key: certs.selfKey, cert: certs.selfCert },
      handler('self-signed', `Bearer ${SPLUNK_TOKEN}`, splunkRoutes, '{}'),
    ),
  );
  const refusedPort = await freePort();

  const inventory = join(dir, 'inventory.yaml');
  writeFileSync(
    inventory,
    `version: 1
organization: Product API test
targets:
  - id: es-siem
    kind: siem
    address: 127.0.0.1
    api: { url: "http://127.0.0.1:${esPort}", token_env: SRT_ES_KEY, product: elasticsearch }
  - id: os-indexer
    kind: siem
    address: 127.0.0.1
    api: { url: "http://127.0.0.1:${esPort}/opensearch/", token_env: SRT_OS_CRED, product: opensearch }
  - id: splunk-idx
    kind: siem
    address: 127.0.0.1
    api: { url: "https://127.0.0.1:${splunkPort}", token_env: SRT_SPLUNK_TOKEN, product: splunk, insecure_tls: true }
  - id: wazuh-mgr
    kind: edr
    address: 127.0.0.1
    api: { url: "https://127.0.0.1:${wazuhPort}", token_env: SRT_WAZUH_TOKEN, product: wazuh }
  - id: es-wrong-key
    kind: siem
    address: 127.0.0.1
    api: { url: "http://127.0.0.1:${esPort}", token_env: SRT_BAD_KEY, product: elasticsearch }
  - id: es-refused
    kind: siem
    address: 127.0.0.1
    api: { url: "http://127.0.0.1:${refusedPort}", token_env: SRT_ES_KEY, product: elasticsearch }
  - id: splunk-self-signed
    kind: siem
    address: 127.0.0.1
    api: { url: "https://127.0.0.1:${selfSignedPort}", token_env: SRT_SPLUNK_TOKEN, product: splunk }
  - id: es-unset-token
    kind: siem
    address: 127.0.0.1
    api: { url: "http://127.0.0.1:${esPort}", token_env: SRT_UNSET_TOKEN_VARIABLE, product: elasticsearch }
`,
  );
  const out = join(dir, 'reports');
  cli = await runCli(['scan', '-i', inventory, '-o', out, '--hosts-only', '--no-html', '--json'], {
    env: {
      SRT_ES_KEY: `ApiKey ${ES_API_KEY}`,
      SRT_OS_CRED: `${OS_USER}:${OS_PASSWORD}`,
      SRT_SPLUNK_TOKEN: SPLUNK_TOKEN,
      SRT_WAZUH_TOKEN: WAZUH_TOKEN,
      SRT_BAD_KEY: `ApiKey ${BAD_TOKEN}`,
      SRT_UNSET_TOKEN_VARIABLE: undefined,
      // The Wazuh server's certificate is trusted through the CA, as an operator would do; Splunk's is not.
      NODE_EXTRA_CA_CERTS: certs.ca,
    },
  });
  const summary = JSON.parse(cli.stdout) as { run_dir: string };
  runDir = summary.run_dir;
  report = JSON.parse(readFileSync(join(runDir, 'report.json'), 'utf8')) as Report;
}, 180_000);

afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('socready scan of security products through their APIs', () => {
  it('runs to the end and reports every target', () => {
    expect(cli.code, cli.stderr).toBe(0);
    expect(report.targets.map((t) => t.id).sort()).toEqual(
      [
        'es-refused',
        'es-siem',
        'es-unset-token',
        'es-wrong-key',
        'os-indexer',
        'splunk-idx',
        'splunk-self-signed',
        'wazuh-mgr',
      ].sort(),
    );
  });

  it('sends only GET or HEAD requests, and POST only to the read-only Security Analytics searches', () => {
    expect(seen.length).toBeGreaterThan(20);
    const posts = seen.filter((s) => s.method !== 'GET' && s.method !== 'HEAD');
    expect([...new Set(posts.map((s) => `${s.method} ${s.server} ${s.url.split('?')[0]}`))].sort()).toEqual([
      'POST opensearch /opensearch/_plugins/_security_analytics/detectors/_search',
      'POST opensearch /opensearch/_plugins/_security_analytics/rules/_search',
    ]);
  });

  it('asks each product only its own endpoints', () => {
    const paths = (server: string) => seen.filter((s) => s.server === server).map((s) => s.url.split('?')[0]);
    // /servicesNS/-/-/ is Splunk's every-app, every-owner namespace (saved searches shared in any app).
    expect(
      paths('splunk').every((p) => p === '/' || p!.startsWith('/services/') || p!.startsWith('/servicesNS/-/-/')),
    ).toBe(true);
    expect(paths('wazuh').every((p) => p === '/' || p === '/rules' || /^\/(agents|manager)\//.test(p!))).toBe(true);
    expect(paths('elasticsearch').some((p) => p!.startsWith('/_plugins'))).toBe(false);
    expect(paths('opensearch')).toContain('/opensearch/_plugins/_ism/policies');
    expect(paths('opensearch').some((p) => p!.includes('/_ilm/'))).toBe(false);
  });

  it('decides the Elasticsearch SIEM from its answers', () => {
    const f = findingsOf('es-siem');
    expect(f.get('products.es.cluster-health')?.status).toBe('pass');
    expect(f.get('products.es.disk-watermark')?.status).toBe('warn');
    expect(f.get('products.es.retention')?.status).toBe('fail');
    expect(JSON.stringify(f.get('products.es.retention')?.observed)).toContain('logs-nginx.access-default');
    expect(f.get('products.es.ingest-current')?.status).toBe('pass');
    expect(f.get('products.es.sources-reporting')?.status).toBe('fail');
    expect(f.get('products.es.windows-security-received')).toMatchObject({
      status: 'pass',
      provides: [{ product: 'windows', service: 'security' }],
    });
    expect(f.get('products.api.tls-verified')?.status).toBe('fail');
    expect(f.get('products.splunk.health')?.status).toBe('not-applicable');
    expect(report.targets.find((t) => t.id === 'es-siem')?.host?.os).toBe('Elasticsearch 8.15.3');
  });

  it('measures the SIEM ingest per log source (_cat/indices) and Splunk licence usage for the cost forecast', () => {
    const es = findingsOf('es-siem').get('products.es.ingest-volume')!;
    expect(es.status).toBe('pass');
    const today = report.analyses.cost!.details.today;
    const win = today.find((t) => t.target === 'es-siem' && t.source === 'winlogbeat')!;
    // 1.7 GB of primary store since 2026-11-22T00:00Z, read at the server's Date (2026-11-23T17:00Z): 41 hours.
    expect(win.span_hours).toBe(41);
    expect(win.bytes_per_day).toBeCloseTo((1.7e9 * 24) / 41, 0);
    expect(today.some((t) => t.target === 'es-siem' && t.source.startsWith('.kibana'))).toBe(false);
    const splunk = findingsOf('splunk-idx').get('products.splunk.license-usage')!;
    expect(splunk.status).toBe('pass');
    const pool = today.find((t) => t.target === 'splunk-idx')!;
    expect(pool.bytes).toBe(6442450944);
    expect(pool.bytes_per_day).toBeNull();
    expect(pool.basis.en).toMatch(/daily quota of 10737418240 bytes/);
    expect(findingsOf('es-siem').get('products.splunk.license-usage')?.status).toBe('not-applicable');
  });

  it('decides OpenSearch below a path prefix with HTTP basic credentials', () => {
    const f = findingsOf('os-indexer');
    expect(f.get('products.es.cluster-health')?.status).toBe('pass');
    expect(f.get('products.es.retention')?.status).toBe('warn');
    expect(seen.filter((s) => s.server === 'opensearch').every((s) => s.authorization === basicOs)).toBe(true);
  });

  it('decides Splunk over HTTPS with verification disabled, and says so', () => {
    const f = findingsOf('splunk-idx');
    expect(f.get('products.splunk.health')?.status).toBe('fail');
    expect(JSON.stringify(f.get('products.splunk.health')?.observed)).toContain('Ingestion Latency');
    expect(f.get('products.splunk.retention')?.status).toBe('warn');
    expect(f.get('products.splunk.size-cap')?.status).toBe('fail');
    expect(f.get('products.splunk.license')?.status).toBe('warn');
    expect(f.get('products.api.tls-verified')).toMatchObject({ status: 'warn', observed: { tls: 'unverified' } });
  });

  it('decides Wazuh over HTTPS verified against the CA the operator trusts', () => {
    const f = findingsOf('wazuh-mgr');
    expect(f.get('products.wazuh.agents-connected')?.status).toBe('fail');
    expect(f.get('products.wazuh.manager-daemons')?.status).toBe('pass');
    expect(f.get('products.api.tls-verified')?.status).toBe('pass');
    // The throwaway certificate expires 2 days after issue; the server's clock reads one hour after issue: too soon.
    const lifetime = f.get('products.api.cert-lifetime');
    expect(lifetime?.status).toBe('fail');
    expect(lifetime?.observed?.cert_days_left).toBeCloseTo(2 - 1 / 24, 1);
  });

  it('a refused credential (HTTP 401) makes the findings inconclusive with the reason', () => {
    const f = [...findingsOf('es-wrong-key').values()];
    expect(f.length).toBeGreaterThan(5);
    for (const x of f) {
      expect(x.status).toBe('inconclusive');
      expect(x.reason).toMatch(/auth-failed: .*HTTP 401/);
    }
    expect(seen.some((s) => s.authorization === `ApiKey ${BAD_TOKEN}`)).toBe(true);
  });

  it('a refused port makes the findings inconclusive: unreachable, never failed', () => {
    const f = [...findingsOf('es-refused').values()];
    expect(f.length).toBeGreaterThan(5);
    for (const x of f)
      expect(x).toMatchObject({
        status: 'inconclusive',
        reason: expect.stringMatching(/unreachable: connection refused/),
      });
    expect(report.targets.find((t) => t.id === 'es-refused')?.status).toBe('unreachable');
  });

  it('a self-signed certificate without insecure_tls is refused, and the findings say why', () => {
    const f = [...findingsOf('splunk-self-signed').values()];
    expect(f.length).toBeGreaterThan(5);
    for (const x of f)
      expect(x).toMatchObject({
        status: 'inconclusive',
        reason: expect.stringMatching(/not trusted \(DEPTH_ZERO_SELF_SIGNED_CERT/),
      });
    // Nothing was sent over the untrusted connection: no request (and no token) reached that server.
    expect(seen.filter((s) => s.server === 'self-signed')).toEqual([]);
  });

  it('an unset token variable is a configuration error that names the variable', () => {
    const t = report.targets.find((x) => x.id === 'es-unset-token');
    expect(t).toMatchObject({ status: 'error', error: { kind: 'config' } });
    expect(t?.error?.message).toContain('SRT_UNSET_TOKEN_VARIABLE');
    for (const x of findingsOf('es-unset-token').values()) expect(x.status).toBe('inconclusive');
  });

  it('sends the credentials to the servers in Authorization and writes them nowhere', () => {
    expect(seen.some((s) => s.server === 'elasticsearch' && s.authorization === `ApiKey ${ES_API_KEY}`)).toBe(true);
    expect(seen.some((s) => s.server === 'splunk' && s.authorization === `Bearer ${SPLUNK_TOKEN}`)).toBe(true);
    expect(seen.some((s) => s.server === 'wazuh' && s.authorization === `Bearer ${WAZUH_TOKEN}`)).toBe(true);
    const files = filesUnder(runDir);
    expect(files.some((f) => f.includes('evidence'))).toBe(true);
    const secrets = [ES_API_KEY, SPLUNK_TOKEN, WAZUH_TOKEN, OS_PASSWORD, basicOs.split(' ')[1]!, BAD_TOKEN];
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      for (const s of secrets) expect(text.includes(s), `${s.slice(0, 6)}… in ${file}`).toBe(false);
      expect(text).not.toMatch(/authorization:\s*(bearer|apikey|basic)\s+[^[\s]/i);
    }
    // The echoed key was in the root answer: it was scrubbed there, not dropped with the answer.
    const root = readFileSync(join(runDir, report.evidence.find((e) => e.id === 'es-siem/api-root')!.file!), 'utf8');
    expect(root).toContain('es-hot-01 (key [REDACTED])');
    expect(cli.stdout + cli.stderr).not.toContain(ES_API_KEY);
  });

  it('records each request as method and URL, as evidence of kind http', () => {
    const e = report.evidence.find((x) => x.id === 'es-siem/es-cluster-health');
    expect(e).toMatchObject({ kind: 'http', exit_code: 200 });
    expect(e?.what).toMatch(/^GET http:\/\/127\.0\.0\.1:\d+\/_cluster\/health$/);
  });
});

describe('ApiProbeSource safeguards', () => {
  let port: number;
  let otherPort: number;
  const probe = (path: string, extra: Partial<ProbeDef> = {}): ProbeDef => ({
    id: 'p',
    platform: 'api',
    kind: 'http',
    path,
    products: ['elasticsearch'],
    ...extra,
  });
  const target = (url: string, env = 'SRT_DIRECT'): Target => ({
    id: 'direct',
    kind: 'siem',
    address: '127.0.0.1',
    transport: 'http',
    tags: [],
    api: { url, token_env: env, product: 'elasticsearch' },
  });

  beforeAll(async () => {
    otherPort = await listen(
      createHttpServer((req, res) => {
        seen.push({
          server: 'elsewhere',
          method: req.method ?? '?',
          url: req.url ?? '',
          authorization: req.headers.authorization,
        });
        res.end('{}');
      }),
    );
    port = await listen(
      createHttpServer((req, res) => {
        seen.push({
          server: 'direct',
          method: req.method ?? '?',
          url: req.url ?? '',
          authorization: req.headers.authorization,
        });
        if (req.url === '/elsewhere') {
          res.writeHead(302, { location: `http://localhost:${otherPort}/steal` });
          return res.end();
        }
        if (req.url === '/moved') {
          res.writeHead(301, { location: '/_cluster/health' });
          return res.end();
        }
        if (req.url === '/big') return res.end('x'.repeat(200_000));
        if (req.url === '/cut') {
          // Promises 1000 bytes, sends 10, then drops the connection.
          res.writeHead(200, { 'content-length': '1000' });
          res.write('{"status":');
          setTimeout(() => res.socket?.destroy(), 20);
          return;
        }
        if (req.url === '/hang') return; // never answers
        if (req.url === '/forbidden') {
          res.writeHead(403);
          return res.end('{"error":"action [cluster:monitor/health] is unauthorized"}');
        }
        res.setHeader('content-type', 'application/json');
        res.end('{"status":"green"}');
      }),
    );
  });

  async function collect(path: string, extra: Partial<ProbeDef> = {}) {
    const source = new ApiProbeSource(target(`http://127.0.0.1:${port}`), { env: { SRT_DIRECT: 'tok-direct-123' } });
    expect(await source.open()).toBeUndefined();
    return source.collect(probe(path, extra));
  }

  it('follows a redirect on the same origin but never to another host', async () => {
    expect((await collect('/moved')).stdout).toBe('{"status":"green"}');
    const r = await collect('/elsewhere');
    expect(r.error).toMatchObject({
      kind: 'other',
      message: expect.stringMatching(/redirect to another origin .* refused/),
    });
    expect(seen.filter((s) => s.server === 'elsewhere')).toEqual([]);
  });

  it('caps the answer size and times out a server that never answers', async () => {
    const big = await collect('/big', { max_bytes: 1000 });
    expect(big).toMatchObject({ truncated: true });
    expect(big.stdout.length).toBe(1000);
    const hang = await collect('/hang', { timeout: 0.5 });
    expect(hang.error?.kind).toBe('timeout');
  });

  it('does not take an answer cut by a dropped connection for a complete one', async () => {
    const r = await collect('/cut');
    expect(r.error).toMatchObject({ kind: expect.stringMatching(/^(other|unreachable)$/) });
  });

  it('refuses a credential with a line break (header injection) as a configuration error', async () => {
    expect(
      await new ApiProbeSource(target(`http://127.0.0.1:${port}`), { env: { SRT_DIRECT: 'tok\r\nX-Evil: 1' } }).open(),
    ).toMatchObject({ kind: 'config' });
  });

  it('maps 403 to permission-denied and refuses methods other than GET and HEAD', async () => {
    expect((await collect('/forbidden')).error?.kind).toBe('permission-denied');
    const posts = seen.filter((s) => s.method === 'POST').length;
    const r = await collect('/', { method: 'POST' as never });
    expect(r.error).toMatchObject({ kind: 'config' });
    // A POST with a body to a path that is not a read-only search of the product is refused before it is sent.
    const w = await collect('/logs/_doc', { method: 'POST', body: '{"a":1}', products: ['elasticsearch'] });
    expect(w.error?.message).toMatch(/POST \/logs\/_doc refused: product probes only read/);
    expect(seen.filter((s) => s.method === 'POST').length).toBe(posts);
    expect((await collect('/_cluster/health', { method: 'HEAD' })).exitCode).toBe(200);
  });

  it('answers another product\u2019s probe with "unsupported" without asking the server', async () => {
    const before = seen.length;
    const source = new ApiProbeSource(target(`http://127.0.0.1:${port}`), { env: { SRT_DIRECT: 'tok-direct-123' } });
    await source.open();
    const asked = seen.length;
    const r = await source.collect(probe('/services/server/health/splunkd', { products: ['splunk'] }));
    expect(r.error?.kind).toBe('unsupported');
    expect(seen.length).toBe(asked);
    expect(asked).toBe(before + 1);
  });

  it('refuses credentials in the URL and names a missing variable', async () => {
    expect(
      await new ApiProbeSource(target(`http://user:secret@127.0.0.1:${port}`), { env: { SRT_DIRECT: 'x' } }).open(),
    ).toMatchObject({ kind: 'config' });
    expect(
      await new ApiProbeSource(target(`http://127.0.0.1:${port}`, 'SRT_MISSING'), { env: {} }).open(),
    ).toMatchObject({
      kind: 'config',
      message: expect.stringContaining('SRT_MISSING'),
    });
  });

  it('builds the Authorization header from the variable: scheme kept, user:password as basic, else bearer', () => {
    expect(authorizationFor('ApiKey abc==')).toBe('ApiKey abc==');
    expect(authorizationFor('Splunk 0a1b')).toBe('Splunk 0a1b');
    expect(authorizationFor('admin:pw:with:colons')).toBe(
      `Basic ${Buffer.from('admin:pw:with:colons').toString('base64')}`,
    );
    expect(authorizationFor('eyJhbGciOi.x.y')).toBe('Bearer eyJhbGciOi.x.y');
  });
});
