// `detect --siem` against local servers on 127.0.0.1 that answer like Elasticsearch `_search`/`_query`, Splunk's
// search export and the Log Analytics (Sentinel) query API, from fixtures in their documented formats. The server
// records every request: the test proves that only GET of the API root and the allow-listed read-only searches left
// socready, with the credential only in the Authorization header.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiProbeSource, SEARCH_ENDPOINTS, searchAllowed } from '../../src/collect/api-source.js';
import { loadInventory } from '../../src/inventory/load.js';
import { type PushdownOutput, runPushdown } from '../../src/pushdown/run.js';
import { runCli } from '../helpers/cli.js';
import { FIXTURES_DIR } from '../helpers/paths.js';

const ES_KEY = `ApiKey c29jcmVhZHk6cm8tJ${process.pid}`;
const SPLUNK_TOKEN = `Splunk sq-${process.pid}-ro-token`;
const SENTINEL_TOKEN = `Bearer eyJ0eXAi.${process.pid}.sig`;
const WORKSPACE = '/sentinel/v1/workspaces/4f2b1c9e-0d7a-4b1e-9c3f-2a6e5d8b7c10';
const FIX = join(FIXTURES_DIR, 'siem-search');
const RULES = join(FIX, 'rules');
const fixture = (p: string) => readFileSync(join(FIX, p), 'utf8');

interface Seen {
  method: string;
  url: string;
  authorization?: string;
  body: string;
}
const seen: Seen[] = [];
let server: Server;
let dir: string;
let inventoryFile: string;

/** prefix -> expected Authorization and what a search there answers. */
const PREFIXES: Record<
  string,
  { auth: string; search: (url: string) => { status: number; body: string; type?: string } | 'hang' }
> = {
  '/es-ok': {
    auth: ES_KEY,
    search: (u) => ({
      status: 200,
      body: fixture(u.endsWith('/_query') ? 'elasticsearch/esql-per-day.json' : 'elasticsearch/search-per-day.json'),
    }),
  },
  '/es-partial': {
    auth: ES_KEY,
    search: () => ({ status: 200, body: fixture('elasticsearch/search-timed-out.json') }),
  },
  '/es-forbidden': { auth: ES_KEY, search: () => ({ status: 403, body: fixture('elasticsearch/forbidden.json') }) },
  '/es-buckets': {
    auth: ES_KEY,
    search: () => ({ status: 400, body: fixture('elasticsearch/too-many-buckets.json') }),
  },
  '/es-slow': { auth: ES_KEY, search: () => 'hang' },
  '/splunk': {
    auth: SPLUNK_TOKEN,
    search: () => ({ status: 200, body: fixture('splunk/export-per-day.ndjson'), type: 'application/json' }),
  },
  '/splunk-bad': {
    auth: SPLUNK_TOKEN,
    search: () => ({ status: 200, body: fixture('splunk/export-fatal.ndjson'), type: 'application/json' }),
  },
  [WORKSPACE]: { auth: SENTINEL_TOKEN, search: () => ({ status: 200, body: fixture('sentinel/query-per-day.json') }) },
};

function handle(req: IncomingMessage, res: ServerResponse): void {
  let body = '';
  req.on('data', (d) => (body += d));
  req.on('end', () => {
    const url = req.url ?? '/';
    seen.push({ method: req.method ?? '?', url, authorization: req.headers.authorization, body });
    const prefix = Object.keys(PREFIXES)
      .sort((a, b) => b.length - a.length)
      .find((p) => url === p || url.startsWith(`${p}/`));
    const route = prefix ? PREFIXES[prefix]! : undefined;
    if (!route) {
      res.writeHead(404).end('{}');
      return;
    }
    if (req.headers.authorization !== route.auth) {
      res.writeHead(401, { 'content-type': 'application/json' }).end(fixture('elasticsearch/unauthorized.json'));
      return;
    }
    if (req.method === 'GET') {
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end('{"name":"node-1","cluster_name":"test","version":{"number":"8.15.0"}}');
      return;
    }
    const answer = route.search(url);
    if (answer === 'hang') return; // never answers: the client's deadline must end the search
    res.writeHead(answer.status, { 'content-type': answer.type ?? 'application/json' }).end(answer.body);
  });
}

const target = (id: string, path: string, product: string, env: string) =>
  `  - id: ${id}\n    kind: siem\n    address: 127.0.0.1\n    api: { url: "BASE${path}", product: ` +
  `${product}, token_env: ${env} }\n`;
const ENV = {
  SR_ES: ES_KEY,
  SR_SPLUNK: SPLUNK_TOKEN,
  SR_SENTINEL: SENTINEL_TOKEN,
  SR_WRONG: `ApiKey wrong-${process.pid}`,
};

beforeAll(async () => {
  server = createServer(handle);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  dir = mkdtempSync(join(tmpdir(), 'socready-pushdown-'));
  inventoryFile = join(dir, 'inventory.yaml');
  const targets = [
    target('es', '/es-ok', 'elasticsearch', 'SR_ES'),
    target('es-partial', '/es-partial', 'elasticsearch', 'SR_ES'),
    target('es-forbidden', '/es-forbidden', 'elasticsearch', 'SR_ES'),
    target('es-buckets', '/es-buckets', 'elasticsearch', 'SR_ES'),
    target('es-slow', '/es-slow', 'elasticsearch', 'SR_ES'),
    target('es-wrong-key', '/es-ok', 'elasticsearch', 'SR_WRONG'),
    target('splunk', '/splunk', 'splunk', 'SR_SPLUNK'),
    target('splunk-bad', '/splunk-bad', 'splunk', 'SR_SPLUNK'),
    target('sentinel', WORKSPACE, 'sentinel', 'SR_SENTINEL'),
  ].join('');
  writeFileSync(inventoryFile, `version: 1\norganization: Contract\ntargets:\n${targets.replaceAll('BASE', base)}`);
});

afterAll(() => {
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

const UNTIL = new Date('2026-11-30T00:00:00Z');
function push(siem: string, extra: Partial<Parameters<typeof runPushdown>[0]> = {}): Promise<PushdownOutput> {
  return runPushdown({
    rulePaths: [RULES],
    inventory: loadInventory(inventoryFile),
    siem,
    days: 3,
    now: UNTIL,
    timeoutMs: 5_000,
    env: ENV,
    ...extra,
  });
}
const byTitle = (o: PushdownOutput, title: string) => o.results.find((r) => r.title === title)!;
const since = (n: number) => seen.slice(n);

describe('detect --siem against contract servers', () => {
  it(
    'Elasticsearch: one size-0 _search per converted rule, counts per day from the date_histogram, reasons for ' +
      'the rest',
    async () => {
      const before = seen.length;
      const out = await push('es');
      const whoami = byTitle(out, 'Whoami Execution');
      expect(whoami.counts).toEqual({
        per_day: [
          { day: '2026-11-27', count: 2 },
          { day: '2026-11-28', count: 0 },
          { day: '2026-11-29', count: 7 },
        ],
        total: 9,
      });
      expect(whoami.alerts_per_day).toBe(3);
      expect(whoami.language).toBe('dsl');
      expect(whoami.queries?.lucene).toContain('winlog.event_data.Image:*\\\\whoami.exe');
      // Query DSL compares keyword values case-insensitively, as Sigma does; query_string could not.
      expect(whoami.query).toContain(
        '{"wildcard":{"winlog.event_data.Image":{"value":"*\\\\\\\\whoami.exe","case_insensitive":true}}}',
      );
      // The correlation (5 whoami per host in 10 minutes) cannot be Query DSL: it is counted with ES|QL STATS.
      const burst = byTitle(out, 'Whoami Burst');
      expect(burst.language).toBe('esql');
      expect(burst.query).toContain('STATS event_count = COUNT(*) BY timebucket, Computer');
      expect(burst.counts?.total).toBe(9);
      expect(byTitle(out, 'Passwd Read').unsupported?.kind).toBe('logsource');
      expect(byTitle(out, 'Encoded Command Not Followed By Space').unsupported?.kind).toBe('regex');
      expect(out).toMatchObject({ rules_loaded: 5, converted: 3, unsupported: 2, counted: 3, rules_failed: [] });
      const sent = since(before);
      expect(sent.map((s) => `${s.method} ${s.url}`)).toEqual([
        'GET /es-ok/',
        'POST /es-ok/logs-*,winlogbeat-*/_search',
        'POST /es-ok/logs-*,winlogbeat-*/_search',
        'POST /es-ok/_query',
      ]);
      // Counted per day over the groups that met the condition, each at the start of its bucket.
      expect(JSON.parse(sent[3]!.body).query).toMatch(
        /\| WHERE event_count >= 5 \| STATS count = COUNT\(\*\) BY day = BUCKET\(timebucket, 1 day\)$/,
      );
      const body = JSON.parse(sent[1]!.body);
      expect(body.size).toBe(0);
      expect(body.query.bool.filter[1]).toEqual({
        range: {
          '@timestamp': {
            gte: '2026-11-27T00:00:00.000Z',
            lt: '2026-11-30T00:00:00.000Z',
            format: 'strict_date_optional_time',
          },
        },
      });
      expect(body.aggs.per_day.date_histogram).toMatchObject({
        field: '@timestamp',
        calendar_interval: '1d',
        time_zone: 'UTC',
      });
      const whoamiBody = JSON.parse(sent.find((x) => x.body.includes('whoami'))!.body);
      expect(whoamiBody.query.bool.filter[0]).toEqual(JSON.parse(whoami.query!));
    },
  );

  it('Elasticsearch with --language lucene: the same count through a query_string query', async () => {
    const before = seen.length;
    const out = await push('es', { language: 'lucene' });
    expect(byTitle(out, 'Whoami Execution').counts?.total).toBe(9);
    const body = JSON.parse(since(before).find((x) => x.body.includes('whoami'))!.body);
    expect(body.query.bool.filter[0].query_string.query).toBe(byTitle(out, 'Whoami Execution').queries?.lucene);
  });

  it('Elasticsearch ES|QL: POST /_query with STATS count BY BUCKET(@timestamp, 1 day)', async () => {
    const before = seen.length;
    const out = await push('es', { language: 'esql' });
    expect(byTitle(out, 'Whoami Execution').counts?.total).toBe(9);
    const q = JSON.parse(since(before)[1]!.body).query as string;
    expect(q).toMatch(
      new RegExp(
        String.raw`^FROM logs-\*,winlogbeat-\* \| WHERE @timestamp >= "2026-11-27T00:00:00.000Z" AND @timestamp <` +
          String.raw` "2026-11-30T00:00:00.000Z" \| WHERE .* \| STATS count = COUNT\(\*\) BY day = BUCKET\(@timesta` +
          String.raw`mp, 1 day\)$`,
      ),
    );
  });

  it(
    'says when a count is partial (timed out on the cluster, failed ' + 'shard) or refused (401, 403, bucket limit)',
    async () => {
      expect(byTitle(await push('es-partial'), 'Whoami Execution').counts?.partial).toBe(
        'the search timed out on the cluster: counts are partial',
      );
      expect(byTitle(await push('es-forbidden'), 'Whoami Execution').error).toMatch(
        /^permission-denied: HTTP 403.*indices:data\/read\/search/,
      );
      expect(byTitle(await push('es-buckets'), 'Whoami Execution').error).toMatch(
        /^other: HTTP 400.*too_many_buckets_exception/,
      );
      const before = seen.length;
      const wrong = await push('es-wrong-key');
      expect(wrong.results.filter((r) => r.query).every((r) => r.error?.startsWith('auth-failed'))).toBe(true);
      // A refused credential stops at the API root: no search is sent with it.
      expect(since(before).map((s) => s.method)).toEqual(['GET']);
    },
  );

  it('ends a search the SIEM never answers at the time limit', async () => {
    const started = Date.now();
    const out = await push('es-slow', { timeoutMs: 300 });
    expect(byTitle(out, 'Whoami Execution').error).toMatch(/^timeout: POST .* did not answer within \d+ ms/);
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it(
    'Splunk: search export with earliest/latest, final rows only ' + '(previews ignored), FATAL messages reported',
    async () => {
      const before = seen.length;
      const out = await push('splunk');
      const whoami = byTitle(out, 'Whoami Execution');
      expect(whoami.counts?.per_day).toEqual([
        { day: '2026-11-27', count: 3 },
        { day: '2026-11-28', count: 0 },
        { day: '2026-11-29', count: 5 },
      ]);
      expect(byTitle(out, 'Failed Network Logon').query).toContain(
        'EventCode=4625 LogonType=3 NOT TargetUserName="*$"',
      );
      const post = since(before).find((s) => s.method === 'POST')!;
      expect(post.url).toBe('/splunk/services/search/v2/jobs/export');
      const form = new URLSearchParams(post.body);
      expect(form.get('search')).toMatch(/^search .*\n\| bin _time span=1d\n\| stats count by _time$/s);
      expect([
        form.get('earliest_time'),
        form.get('latest_time'),
        form.get('output_mode'),
        form.get('time_format'),
      ]).toEqual(['2026-11-27T00:00:00.000Z', '2026-11-30T00:00:00.000Z', 'json', '%s']);
      expect(byTitle(await push('splunk-bad'), 'Whoami Execution').error).toContain(
        "Splunk: Error in 'search' command",
      );
    },
  );

  it(
    'Sentinel: one KQL query per rule through the Log Analytics ' + 'query API, summarised by bin(TimeGenerated, 1d)',
    async () => {
      const before = seen.length;
      const out = await push('sentinel');
      const logon = byTitle(out, 'Failed Network Logon');
      expect(logon.query).toBe(
        'SecurityEvent | where EventID == 4625 and LogonType == 3 and not(TargetUserName endswith "$")',
      );
      expect(logon.counts?.total).toBe(5);
      const post = since(before).find((s) => s.method === 'POST')!;
      expect(post.url).toBe(`${WORKSPACE}/query`);
      const sent = JSON.parse(post.body);
      expect(sent.timespan).toBe('2026-11-27T00:00:00.000Z/2026-11-30T00:00:00.000Z');
      expect(sent.query).toContain('| summarize count_ = count() by bin(TimeGenerated, 1d)');
    },
  );

  it('the CLI prints JSON per rule (query, counts per day, alerts/day or reason) and the table', async () => {
    const env = { ...ENV };
    const json = await runCli(
      [
        'detect',
        '--rules',
        RULES,
        '--siem',
        'es',
        '-i',
        inventoryFile,
        '--days',
        '3',
        '--until',
        '2026-11-30',
        '--format',
        'json',
      ],
      { env },
    );
    expect(json.stderr).toBe('');
    expect(json.code).toBe(0);
    const out = JSON.parse(json.stdout) as PushdownOutput;
    expect(byTitle(out, 'Whoami Execution').alerts_per_day).toBe(3);
    const table = await runCli(
      [
        'detect',
        '--rules',
        RULES,
        '--siem',
        'es-forbidden',
        '-i',
        inventoryFile,
        '--days',
        '3',
        '--until',
        '2026-11-30',
      ],
      { env },
    );
    expect(table.code).toBe(1);
    expect(table.stdout).toContain('rules not converted (why):');
    expect(table.stdout).toContain('[logsource] log source product=linux service=auditd has no routing');
  }, 60_000);

  it(
    'only GET of the API root and allow-listed searches ever reached the servers, the credential only in ' +
      'Authorization',
    () => {
      expect(seen.length).toBeGreaterThan(10);
      for (const s of seen) {
        const path = s.url.replace(/^\/(es-[a-z-]+|es|splunk-bad|splunk|sentinel\/v1\/workspaces\/[0-9a-f-]+)/, '');
        const product = s.url.startsWith('/splunk')
          ? 'splunk'
          : s.url.startsWith('/sentinel')
            ? 'sentinel'
            : 'elasticsearch';
        if (s.method === 'GET') expect(path).toBe('/');
        else {
          expect(s.method).toBe('POST');
          expect(searchAllowed(product, path)).toBe(true);
        }
        for (const secret of [ES_KEY, SPLUNK_TOKEN, SENTINEL_TOKEN])
          expect(s.body + s.url).not.toContain(secret.split(' ')[1]);
      }
    },
  );

  it('refuses, without sending it, any POST outside the allow-list', async () => {
    const inv = loadInventory(inventoryFile);
    const source = new ApiProbeSource(inv.targets.find((t) => t.id === 'es')!, { env: ENV, search: true });
    expect(await source.open()).toBeUndefined();
    const before = seen.length;
    for (const path of [
      '/_bulk',
      '/logs/_delete_by_query',
      '/logs/_doc',
      '/_search/template',
      '/logs/_search?scroll=1m',
      '/../_bulk/_search',
      '/_security/api_key',
    ]) {
      const answer = await source.search({ path, contentType: 'application/json', body: '{}' });
      expect(answer.error?.message).toContain('refused: not a read-only search endpoint');
    }
    expect(seen.length).toBe(before);
    expect(Object.keys(SEARCH_ENDPOINTS).sort()).toEqual(['elasticsearch', 'opensearch', 'sentinel', 'splunk']);
  });
});
