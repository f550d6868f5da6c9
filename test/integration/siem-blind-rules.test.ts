// Contract tests: rules the SIEM runs joined with where its events arrive. A local server answers Splunk's
// documented REST formats (saved/searches, data/indexes, search/jobs/export of a `| tstats` per index and
// sourcetype; test/fixtures/products/splunk); the check names the blind searches and the scan's coverage section
// does not count them. 401/403, a timed-out search and a partial page stay visible as such.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type Catalog, loadCatalog } from '../../src/checks/catalog.js';
import { ApiProbeSource } from '../../src/collect/api-source.js';
import { assessTarget } from '../../src/collect/assess-target.js';
import { EvidenceStore } from '../../src/collect/evidence-store.js';
import type { CoverageDetails } from '../../src/coverage/types.js';
import type { Target } from '../../src/model.js';
import { runCli } from '../helpers/cli.js';
import { FIXTURES_DIR } from '../helpers/paths.js';
import { closeRouteServers, type RouteAnswer, serveRoutes } from '../helpers/route-server.js';

const fixture = (p: string) => readFileSync(join(FIXTURES_DIR, 'products', p), 'utf8');
const catalog = loadCatalog();
const path = (id: string) => catalog.probes.get(id)!.path!;
/** The Splunk fixtures were answered at 17:00 UTC on 2026-11-23: the server's Date header says so. */
const SERVER_DATE = 'Mon, 23 Nov 2026 17:00:00 GMT';
afterEach(closeRouteServers);

type Answer = RouteAnswer;

const serve = (routes: Record<string, Answer>) => serveRoutes(routes, { date: SERVER_DATE });

function splunkRoutes(over: Record<string, Answer> = {}): Record<string, Answer> {
  return {
    '/': { status: 200, body: fixture('splunk/root.xml') },
    [path('splunk-saved-searches')]: { status: 200, body: fixture('splunk/saved-searches-blind.json') },
    [path('splunk-indexes')]: { status: 200, body: fixture('splunk/indexes.json') },
    [path('splunk-sourcetypes')]: { status: 200, body: fixture('splunk/sourcetypes-export.ndjson') },
    ...over,
  };
}

async function blindCheck(url: string, cat: Catalog = catalog) {
  const target: Target = {
    id: 'splunk',
    kind: 'siem',
    address: '127.0.0.1',
    tags: [],
    transport: 'http',
    api: { url, product: 'splunk', token_env: 'T' },
  };
  const a = await assessTarget(target, new ApiProbeSource(target, { env: { T: 'Splunk abcdef123456' } }), cat, {
    store: new EvidenceStore(mkdtempSync(join(tmpdir(), 'socready-blind-'))),
    only: ['products.siem.blind-rules'],
  });
  return a.findings.find((f) => f.check === 'products.siem.blind-rules')!;
}

describe('products.siem.blind-rules against Splunk REST answers', () => {
  it('fails naming the searches on a silent index, a disabled index and a silent sourcetype; only GETs', async () => {
    const s = await serve(splunkRoutes());
    const f = await blindCheck(s.url);
    expect(f.status).toBe('fail');
    expect(f.reason).toMatch(/^3 of 4 enabled rules are blind: /);
    expect(f.reason).toContain('"Linux - Sudo To Root Shell" is blind: index pattern linux matches only indices');
    expect(f.reason).toContain('"Proxy - Web Shell Download" is blind: index pattern old_proxy matches no index');
    expect(f.reason).toContain(
      '"Windows - Sysmon Process Injection" is blind: sourcetype ' +
        'XmlWinEventLog:Microsoft-Windows-Sysmon/Operational had no event in the last 24 h',
    );
    expect(f.reason).not.toContain('PowerShell');
    expect(s.seen.every((r) => r.startsWith('GET '))).toBe(true);
    // The tstats search travels in the query string with its window: nothing is created in Splunk.
    const sent = s.seen.find((r) => r.includes('/services/search/jobs/export'))!;
    const q = new URL(sent.slice(4), 'http://x').searchParams;
    expect(q.get('search')).toBe('| tstats count max(_time) as newest where index=* by index, sourcetype');
    expect(q.get('earliest_time')).toBe('-24h');
  });

  it('passes when every search reads a fed index and sourcetype', async () => {
    const fed = JSON.parse(fixture('splunk/saved-searches-blind.json')) as { entry: unknown[]; paging: object };
    fed.entry = fed.entry.slice(0, 1);
    fed.paging = { total: 1, perPage: 0, offset: 0 };
    const s = await serve(
      splunkRoutes({ [path('splunk-saved-searches')]: { status: 200, body: JSON.stringify(fed) } }),
    );
    const f = await blindCheck(s.url);
    expect(f.status).toBe('pass');
    expect(f.reason).toBe('1 of 1 enabled rules name their indices or sourcetypes; each receives events');
  });

  it('a partial page of saved searches is said, and keeps a clean join from passing', async () => {
    const fed = JSON.parse(fixture('splunk/saved-searches-blind.json')) as { entry: unknown[]; paging: object };
    fed.entry = fed.entry.slice(0, 1);
    fed.paging = { total: 30, perPage: 1, offset: 0 };
    const s = await serve(
      splunkRoutes({ [path('splunk-saved-searches')]: { status: 200, body: JSON.stringify(fed) } }),
    );
    const f = await blindCheck(s.url);
    expect(f.status).toBe('warn');
    expect(f.reason).toMatch(/1 of 30 saved searches read: the rest are not in this answer$/);
  });

  it('401 at the root stops the target; 403 on the index list leaves the check inconclusive', async () => {
    const denied = await serve({
      '/': { status: 401, body: '{"messages":[{"type":"WARN","text":"call not properly authenticated"}]}' },
    });
    expect((await blindCheck(denied.url)).status).toBe('inconclusive');
    await closeRouteServers();
    const forbidden = await serve(
      splunkRoutes({
        [path('splunk-indexes')]: {
          status: 403,
          body:
            '{"messages":[{"type":"ERROR","text":"You (user=auditor) do not have permission to perform ' +
            'this operation."}]}',
        },
      }),
    );
    const f = await blindCheck(forbidden.url);
    expect(f.status).toBe('inconclusive');
    expect(f.reason).toMatch(/splunk-indexes: permission-denied: HTTP 403/);
  });

  it(
    'a tstats search that times out or is forbidden is inconclusive; one Splunk cancels leaves only the ' +
      'sourcetypes unmeasured',
    async () => {
      const quick: Catalog = {
        ...catalog,
        probes: new Map(catalog.probes).set('splunk-sourcetypes', {
          ...catalog.probes.get('splunk-sourcetypes')!,
          timeout: 0.5,
        }),
      };
      const hung = await serve(splunkRoutes({ [path('splunk-sourcetypes')]: 'hang' }));
      const f = await blindCheck(hung.url, quick);
      expect(f.status).toBe('inconclusive');
      expect(f.reason).toMatch(/^splunk-sourcetypes: timeout: .* did not answer within 500 ms/);
      await closeRouteServers();
      const cancelled = await serve(
        splunkRoutes({
          [path('splunk-sourcetypes')]: {
            status: 200,
            body: '{"preview":false,"messages":[{"type":"FATAL","text":"Search auto-canceled"}]}\n',
          },
        }),
      );
      const c = await blindCheck(cancelled.url);
      expect(c.status).toBe('fail');
      expect(c.reason).toMatch(/^2 of 4 enabled rules are blind: /);
      expect(c.reason).toMatch(/\(not measured: splunk-sourcetypes: the search failed: Search auto-canceled\)/);
      await closeRouteServers();
      const noSearch = await serve(
        splunkRoutes({
          [path('splunk-sourcetypes')]: {
            status: 403,
            body: '{"messages":[{"type":"ERROR","text":"You do not have the capability to run searches."}]}',
          },
        }),
      );
      const n = await blindCheck(noSearch.url);
      expect(n.status).toBe('inconclusive');
      expect(n.reason).toMatch(/^splunk-sourcetypes: permission-denied: HTTP 403/);
    },
  );
});

describe('scan: blind SIEM rules are listed in the coverage section and not counted', () => {
  it('a Splunk scan reports each blind rule with its reason in JSON, HTML and Markdown', async () => {
    const s = await serve(splunkRoutes());
    const dir = mkdtempSync(join(tmpdir(), 'socready-blind-scan-'));
    writeFileSync(
      join(dir, 'inventory.yaml'),
      'version: 1\norganization: Blind Org\ntargets:\n  - { id: splunk, kind: siem, address: 127.0.0.1, ' +
        `transport: http, api: { url: "${s.url}", product: splunk, token_env: SPLUNK_TOKEN } }\n`,
    );
    const r = await runCli(['scan', '-i', join(dir, 'inventory.yaml'), '-o', join(dir, 'reports'), '--json'], {
      env: { SPLUNK_TOKEN: 'Splunk abcdef123456' },
      timeoutMs: 150_000,
    });
    const runDir = JSON.parse(r.stdout).run_dir as string;
    const report = JSON.parse(readFileSync(join(runDir, 'report.json'), 'utf8')) as {
      analyses: {
        coverage: {
          problems: unknown[];
          summary: { rules_total: number; rules_blind: number };
          details: CoverageDetails;
        };
      };
    };
    const cov = report.analyses.coverage;
    expect(cov.problems).toEqual([]);
    expect(cov.details.blind_rules?.map((b) => [b.title, b.reason, b.target])).toEqual([
      ['Linux - Sudo To Root Shell', 'no-recent-events', 'splunk'],
      ['Proxy - Web Shell Download', 'no-index', 'splunk'],
      ['Windows - Sysmon Process Injection', 'sourcetype-silent', 'splunk'],
    ]);
    expect(cov.details.blind_rules![0]!.matched).toEqual([
      { name: 'linux', docs: 88213112, newest: '2026-11-21T16:30:00.000Z' },
    ]);
    expect(cov.summary.rules_blind).toBe(3);
    // The Sysmon search is counted as blind under T1055; the fed PowerShell search stays visible under T1059.001.
    const refs = (id: string) => cov.details.techniques.find((t) => t.id === id)?.rules.map((x) => x.visibility);
    expect(refs('T1055')).toEqual(['blind']);
    expect(refs('T1059.001')).not.toContain('blind');
    const html = readFileSync(join(runDir, 'report.html'), 'utf8');
    expect(html).toContain('SIEM rules that search where no events arrive');
    expect(html).toContain('<code>sourcetype=XmlWinEventLog:Microsoft-Windows-Sysmon/Operational</code>');
    const md = await runCli(['report', join(runDir, 'report.json'), '--format', 'md']);
    expect(md.stdout).toContain('### SIEM rules searching where no events arrive (3, not counted)');
    expect(md.stdout).toContain(
      '- "Proxy - Web Shell Download" is blind: index pattern old\\_proxy matches no index with events on splunk. ' +
        '(`no-index`, splunk)',
    );
  }, 180_000);
});

describe('scan: Kibana rules joined with the Elasticsearch target that holds their indices', () => {
  it('an enabled Kibana rule whose index pattern matches no index is blind in the coverage section', async () => {
    const find = JSON.parse(fixture('kibana/detection-rules-find.json')) as { data: { enabled: boolean }[] };
    find.data[1]!.enabled = true;
    const s = await serve({
      '/': { status: 200, body: fixture('elasticsearch/root.json') },
      [catalog.probes.get('kibana-detection-rules')!.path!]: { status: 200, body: JSON.stringify(find) },
      [path('es-ingest-recency')]: { status: 200, body: fixture('elasticsearch/ingest-search.json') },
    });
    const dir = mkdtempSync(join(tmpdir(), 'socready-blind-es-'));
    writeFileSync(
      join(dir, 'inventory.yaml'),
      'version: 1\norganization: Blind Elastic Org\ntargets:\n' +
        `  - { id: kibana, kind: siem, address: 127.0.0.1, transport: http, api: { url: "${s.url}", ` +
        'product: kibana, token_env: T } }\n' +
        `  - { id: es, kind: siem, address: 127.0.0.1, transport: http, api: { url: "${s.url}", ` +
        'product: elasticsearch, token_env: T } }\n',
    );
    const r = await runCli(
      ['scan', '-i', join(dir, 'inventory.yaml'), '-o', join(dir, 'reports'), '--no-html', '--json'],
      { env: { T: 'ApiKey abc123def456' }, timeoutMs: 150_000 },
    );
    const runDir = JSON.parse(r.stdout).run_dir as string;
    const report = JSON.parse(readFileSync(join(runDir, 'report.json'), 'utf8')) as {
      findings: { check: string; target: string; status: string }[];
      analyses: { coverage: { details: CoverageDetails } };
    };
    // The SSH rule reads logs-system.auth*, fed two minutes before the server's clock: not blind.
    expect(report.analyses.coverage.details.blind_rules?.map((b) => [b.title, b.reason, b.target, b.patterns])).toEqual(
      [['Linux Reverse Shell via Netcat', 'no-index', 'es', ['logs-endpoint.events.process-*']]],
    );
    // On the Kibana target alone there is no index health: the check is not applicable there.
    expect(report.findings.filter((f) => f.check === 'products.siem.blind-rules').map((f) => f.status)).toEqual([
      'not-applicable',
      'not-applicable',
    ]);
  }, 180_000);
});
