// Contract tests of the SIEM end of the host canary: no SIEM runs here, so a local HTTP server answers in each
// product's documented formats (test/fixtures/products): Elasticsearch URI search, Splunk search export, 401/403,
// a search that times out. The host and collector are fakes; the SIEM requests go through the real API source.
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ProbeDef } from '../../src/checks/types.js';
import { ApiProbeSource } from '../../src/collect/api-source.js';
import type { HostCanaryDocument } from '../../src/collect/host-canary.js';
import { TransportProbeSource } from '../../src/collect/source.js';
import type { Target } from '../../src/model.js';
import type { ProbeResult, Transport } from '../../src/transport/types.js';
import { FIXTURES_DIR } from '../helpers/paths.js';

const fixture = (p: string) => readFileSync(join(FIXTURES_DIR, 'products', p), 'utf8');
const ok = (stdout: string): ProbeResult => ({ stdout, stderr: '', exitCode: 0, truncated: false, durationMs: 1 });
const PROBE: ProbeDef = { id: 'host-canary', platform: 'linux', kind: 'live', live: 'host-canary', active: true };

interface Seen {
  method: string;
  url: string;
  authorization?: string;
  bodyBytes: number;
}

let server: Server | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

/** A product impersonation: answers the root and the search by the handler; records every request. */
async function serve(
  handler: (
    req: IncomingMessage,
    marker: string,
  ) => { status: number; body: string; type?: string; headers?: Record<string, string> } | 'hang',
): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  server = createServer((req, res) => {
    let bytes = 0;
    req.on('data', (c: Buffer) => (bytes += c.length));
    req.on('end', () => {
      seen.push({
        method: req.method!,
        url: req.url!,
        ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
        bodyBytes: bytes,
      });
      const u = new URL(req.url!, 'http://x');
      const q = u.searchParams.get('q') ?? u.searchParams.get('search') ?? '';
      const marker = /socready-canary-[\w.-]+?-[12](?=")/.exec(q)?.[0] ?? '';
      const a = handler(req, marker);
      if (a === 'hang') return;
      res.writeHead(a.status, { 'content-type': a.type ?? 'application/json', ...(a.headers ?? {}) });
      res.end(a.body.replaceAll('__MARKER__', marker));
    });
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server!.address() as { port: number }).port}`, seen };
}

/** A host whose logger lines reach a fake collector at once. */
function hostAndCollector(): { host: Transport; collector: Transport } {
  const planted: string[] = [];
  const host: Transport = {
    name: 'fake-host',
    open: async () => undefined,
    run: async (c: string) => {
      if (c.startsWith('logger ')) planted.push(c.slice(c.indexOf(" -- '") + 5, -1));
      return ok(c.startsWith('logger ') ? '' : '==> /var/log/syslog <==\n');
    },
    readFile: async () => ok(''),
    describe: async () => ({ platform: 'linux' }),
    close: async () => undefined,
  };
  const collector: Transport = {
    ...host,
    run: async () =>
      ok(`==> /var/log/remote/web1.log <==\n${planted.map((b) => `Nov 23 web1 socready: ${b}`).join('\n')}\n`),
  };
  return { host, collector };
}

async function trace(
  url: string,
  product: string,
  o: { index?: string; timeoutS?: number; token?: string; maxWait?: number } = {},
): Promise<HostCanaryDocument> {
  const siemTarget: Target = {
    id: 'siem',
    kind: 'siem',
    address: '127.0.0.1',
    tags: [],
    transport: 'http',
    api: { url, product, token_env: 'SIEM_TOKEN' },
  };
  const { host, collector } = hostAndCollector();
  const source = new TransportProbeSource(host, {
    sudo: false,
    canary: {
      active: true,
      runId: 'r1',
      targetId: 'web1',
      settings: { collector: 'logs', max_wait: o.maxWait ?? 1 },
      collectorId: 'logs',
      collectorPaths: ['/var/log/remote/*.log'],
      collector,
      siem: {
        id: 'siem',
        product,
        ...(o.index ? { index: o.index } : {}),
        ...(o.timeoutS ? { timeoutS: o.timeoutS } : {}),
        source: new ApiProbeSource(siemTarget, { env: { SIEM_TOKEN: o.token ?? 'auditor:s3cret-pass' } }),
      },
    },
  });
  const r = await source.collect(PROBE);
  expect(r.error).toBeUndefined();
  expect(r.stdout).not.toContain('s3cret-pass');
  return r.data as HostCanaryDocument;
}

describe('host canary searched in Elasticsearch / OpenSearch (contract: _search URI search)', () => {
  it(
    'finds both canaries with their fields and sends nothing but ' + 'GET / and GET <index>/_search, without a body',
    async () => {
      const s = await serve((req) =>
        req.url === '/'
          ? { status: 200, body: fixture('elasticsearch/root.json') }
          : { status: 200, body: fixture('elasticsearch/canary-search-hit.json') },
      );
      const doc = await trace(s.url, 'elasticsearch', { index: 'logs-*' });
      const short = doc.canaries[0]!;
      expect(short.siem).toMatchObject({ target: 'siem', arrived: true, whole: true, searches: 1 });
      expect(short.siem!.fields).toEqual(
        expect.arrayContaining(['host.hostname', 'log.syslog.appname', 'message', 'process.name']),
      );
      expect(short.summary).toMatch(/; in SIEM siem after \d+ ms \(fields: .*host\.hostname/);
      expect(s.seen.map((r) => r.method)).toEqual(['GET', 'GET', 'GET']);
      expect(s.seen[0]!.url).toBe('/');
      for (const r of s.seen.slice(1))
        expect(r.url).toMatch(
          /^\/logs-\*\/_search\?size=5&timeout=24s&q=%22socready-canary-r1-web1-[0-9a-f]{8}-[12]%22$/,
        );
      expect(
        s.seen.every(
          (r) =>
            r.bodyBytes === 0 && r.authorization === `Basic ${Buffer.from('auditor:s3cret-pass').toString('base64')}`,
        ),
      ).toBe(true);
    },
  );

  it(
    'a search that finds nothing is polled with backoff until the ' + 'stated wait ends, then reported not found',
    async () => {
      const s = await serve((req) =>
        req.url === '/'
          ? { status: 200, body: fixture('elasticsearch/root.json') }
          : { status: 200, body: fixture('elasticsearch/canary-search-empty.json') },
      );
      const doc = await trace(s.url, 'opensearch', { maxWait: 0.6 });
      const short = doc.canaries[0]!;
      expect(short.siem).toMatchObject({ arrived: false });
      expect(short.siem!.searches).toBeGreaterThan(1);
      expect(short.siem!.searches).toBeLessThan(6);
      expect(short.summary).toMatch(/; not found in SIEM siem \(\d+ searches\)/);
    },
  );

  it(
    '401 at the root: the SIEM could not be searched (auth-failed), asked once, and the credential is not ' + 'echoed',
    async () => {
      const s = await serve(() => ({ status: 401, body: fixture('elasticsearch/security-401.json') }));
      const doc = await trace(s.url, 'elasticsearch');
      expect(doc.canaries[0]!.siem!.error).toMatch(/^auth-failed: .*HTTP 401/);
      expect(doc.canaries[0]!.siem!.searches).toBe(1);
      expect(s.seen.map((r) => r.url)).toEqual(['/']);
    },
  );

  it('403 on _search (a monitoring role without index read): permission-denied, not retried', async () => {
    const s = await serve((req) =>
      req.url === '/'
        ? { status: 200, body: fixture('elasticsearch/root.json') }
        : { status: 403, body: fixture('elasticsearch/security-403-search.json') },
    );
    const doc = await trace(s.url, 'elasticsearch', { maxWait: 2 });
    expect(doc.canaries[0]!.siem!.error).toMatch(/^permission-denied: HTTP 403.*indices:data\/read\/search/);
    expect(s.seen.filter((r) => r.url.includes('_search'))).toHaveLength(2);
  });

  it('a search that does not answer in time, and one the cluster marks timed_out, decide nothing', async () => {
    const hang = await serve((req) =>
      req.url === '/' ? { status: 200, body: fixture('elasticsearch/root.json') } : 'hang',
    );
    const started = Date.now();
    const doc = await trace(hang.url, 'elasticsearch', { timeoutS: 0.3, maxWait: 0.2 });
    expect(doc.canaries[0]!.siem!.error).toMatch(/^timeout: GET .*_search did not answer within 300 ms/);
    expect(Date.now() - started).toBeLessThan(5000);
    server!.closeAllConnections();
    await new Promise<void>((r) => server!.close(() => r()));
    const slow = await serve((req) =>
      req.url === '/'
        ? { status: 200, body: fixture('elasticsearch/root.json') }
        : { status: 200, body: fixture('elasticsearch/canary-search-timed-out.json') },
    );
    const doc2 = await trace(slow.url, 'elasticsearch', { maxWait: 0.2 });
    expect(doc2.canaries[0]!.siem!.error).toBe('the search timed out on the cluster (timed_out: true)');
  });
});

describe('host canary searched in Splunk (contract: search/jobs/export, output_mode=json)', () => {
  it('finds the event with its fields through a GET export search scoped to the index', async () => {
    const s = await serve((req) =>
      req.url === '/'
        ? { status: 200, body: fixture('splunk/root.xml'), type: 'text/xml' }
        : { status: 200, body: fixture('splunk/canary-export-hit.ndjson') },
    );
    const doc = await trace(s.url, 'splunk', { index: 'syslog', token: 'Splunk abcd1234efgh' });
    expect(doc.canaries[0]!.siem).toMatchObject({ arrived: true, whole: true });
    expect(doc.canaries[0]!.siem!.fields).toEqual(expect.arrayContaining(['host', 'index', 'source', 'sourcetype']));
    const search = s.seen.find((r) => r.url.startsWith('/services/search/jobs/export'))!;
    expect(search.method).toBe('GET');
    expect(new URL(search.url, 'http://x').searchParams.get('search')).toMatch(
      /^search index=syslog "socready-canary-r1-web1-[0-9a-f]{8}-[12]" earliest=-24h \| head 5$/,
    );
    expect(
      s.seen.every((r) => r.method === 'GET' && r.bodyBytes === 0 && r.authorization === 'Splunk abcd1234efgh'),
    ).toBe(true);
  });

  it('a FATAL search message is an error, not "not found"', async () => {
    const s = await serve((req) =>
      req.url === '/'
        ? { status: 200, body: fixture('splunk/root.xml'), type: 'text/xml' }
        : { status: 200, body: fixture('splunk/canary-export-fatal.ndjson') },
    );
    const doc = await trace(s.url, 'splunk');
    expect(doc.canaries[0]!.siem!.error).toMatch(/^search failed: Error in 'search' command/);
  });
});

describe('rate limits (429): Retry-After honoured, bounded', () => {
  it('a 429 with Retry-After: 1 is waited out and the search is retried, then finds the canary', async () => {
    let limited = 0;
    const s = await serve((req) => {
      if (req.url === '/') return { status: 200, body: fixture('elasticsearch/root.json') };
      if (limited++ < 1) return { status: 429, body: '{"error":"too_many_requests"}', headers: { 'retry-after': '1' } };
      return { status: 200, body: fixture('elasticsearch/canary-search-hit.json') };
    });
    const started = Date.now();
    const doc = await trace(s.url, 'elasticsearch', { maxWait: 5 });
    expect(doc.canaries[0]!.siem).toMatchObject({ arrived: true });
    // The first search waited ~1 s as asked before it was sent again.
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(s.seen.filter((r) => r.url.includes('_search')).length).toBeGreaterThanOrEqual(3);
  }, 30_000);

  it('a Retry-After beyond the 10 s cap is not waited: an error naming the rate limit, at once', async () => {
    const s = await serve((req) =>
      req.url === '/'
        ? { status: 200, body: fixture('elasticsearch/root.json') }
        : { status: 429, body: '{"error":"too_many_requests"}', headers: { 'retry-after': '3600' } },
    );
    const started = Date.now();
    const doc = await trace(s.url, 'elasticsearch', { maxWait: 1 });
    expect(doc.canaries[0]!.siem!.arrived).toBe(false);
    expect(doc.canaries[0]!.siem!.error).toMatch(/HTTP 429: rate limited \(Retry-After 3600 s; 0 retries/);
    expect(Date.now() - started).toBeLessThan(10_000);
  }, 30_000);
});
