// Contract tests: Splunk's TRUNCATE read through REST (configs/conf-props) and its field extraction through a
// search export that samples each source family and counts its fields per sourcetype, against a local server
// answering the documented formats (test/fixtures/products/splunk). Paging, 401/403, a search that times out and
// one Splunk cancels are covered.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type Catalog, loadCatalog } from '../../src/checks/catalog.js';
import { ApiProbeSource } from '../../src/collect/api-source.js';
import { assessTarget } from '../../src/collect/assess-target.js';
import { EvidenceStore } from '../../src/collect/evidence-store.js';
import type { Target } from '../../src/model.js';
import { FIXTURES_DIR } from '../helpers/paths.js';
import { closeRouteServers, type RouteAnswer, serveRoutes } from '../helpers/route-server.js';

const fixture = (p: string) => readFileSync(join(FIXTURES_DIR, 'products', p), 'utf8');
const catalog = loadCatalog();
const path = (id: string) => catalog.probes.get(id)!.path!;
afterEach(closeRouteServers);

type Answer = RouteAnswer;

const serve = (routes: Record<string, Answer>) => serveRoutes(routes);

const root = { '/': { status: 200, body: fixture('splunk/root.xml') } };

async function finding(url: string, check: string, cat: Catalog = catalog) {
  const target: Target = {
    id: 'splunk',
    kind: 'siem',
    address: '127.0.0.1',
    tags: [],
    transport: 'http',
    api: { url, product: 'splunk', token_env: 'T' },
  };
  const a = await assessTarget(target, new ApiProbeSource(target, { env: { T: 'Splunk abcdef123456' } }), cat, {
    store: new EvidenceStore(mkdtempSync(join(tmpdir(), 'socready-splunk-'))),
    only: [check],
  });
  return a.findings.find((f) => f.check === check)!;
}

describe('products.splunk.truncate through configs/conf-props', () => {
  it('fails naming the web sourcetype at the 10000-byte default and the REST entry; only GETs', async () => {
    const s = await serve({
      ...root,
      [path('splunk-props')]: { status: 200, body: fixture('splunk/conf-props.json') },
    });
    const f = await finding(s.url, 'products.splunk.truncate');
    expect(f.status).toBe('fail');
    expect(f.reason).toBe(
      'Splunk props (REST): cut at parsing: access_combined (web access/body log): TRUNCATE = 10000 at REST ' +
        'conf-props entry[1] [access_combined] (app system), events up to 20000 bytes are cut',
    );
    expect(s.seen.every((r) => r.startsWith('GET '))).toBe(true);
  });

  it('a sourcetype receiving events without its own stanza is judged by [default] (tstats join)', async () => {
    const props = JSON.parse(fixture('splunk/conf-props.json')) as { entry: { name: string }[]; paging: object };
    props.entry = props.entry.filter((e) => e.name !== 'access_combined');
    props.paging = { total: props.entry.length, perPage: 0, offset: 0 };
    const s = await serve({
      ...root,
      [path('splunk-props')]: { status: 200, body: JSON.stringify(props) },
      [path('splunk-sourcetypes')]: { status: 200, body: fixture('splunk/sourcetypes-export.ndjson') },
    });
    expect((await finding(s.url, 'products.splunk.truncate')).reason).toMatch(
      /access_combined \(web access\/body log\): TRUNCATE = 10000 at \[default\] REST conf-props entry\[0\]/,
    );
  });

  it('passes once TRUNCATE is raised (0 = unlimited)', async () => {
    const body = fixture('splunk/conf-props.json').replace(
      /("name": "access_combined",[\s\S]*?"TRUNCATE": )"10000"/,
      '$1"0"',
    );
    const s = await serve({ ...root, [path('splunk-props')]: { status: 200, body } });
    const f = await finding(s.url, 'products.splunk.truncate');
    expect(f.status, f.reason).toBe('pass');
  });

  it('a partial page of stanzas is inconclusive: the missing stanza may be the one that cuts', async () => {
    const body = fixture('splunk/conf-props.json').replace('"total": 6', '"total": 900');
    const s = await serve({ ...root, [path('splunk-props')]: { status: 200, body } });
    const f = await finding(s.url, 'products.splunk.truncate');
    expect([f.status, f.reason]).toEqual(['inconclusive', 'splunk-props: 6 of 900 props stanzas read (paging)']);
  });

  it('403 on conf-props and a 401 root are inconclusive, never a pass', async () => {
    const forbidden = await serve({
      ...root,
      [path('splunk-props')]: {
        status: 403,
        body: '{"messages":[{"type":"ERROR","text":"You do not have permission to read conf-props."}]}',
      },
    });
    const f = await finding(forbidden.url, 'products.splunk.truncate');
    expect(f.status).toBe('inconclusive');
    expect(f.reason).toMatch(/splunk-props: permission-denied: HTTP 403/);
    await closeRouteServers();
    const denied = await serve({ '/': { status: 401, body: '{"messages":[{"type":"WARN","text":"unauthorized"}]}' } });
    expect((await finding(denied.url, 'products.splunk.truncate')).status).toBe('inconclusive');
  });
});

/** One export row of the per-sourcetype field counts: sampled events and the events carrying each field. */
const countsRow = (sourcetype: string, events: number, fields: Record<string, number>) =>
  `${JSON.stringify({ preview: false, result: { sourcetype, events: String(events), ...fields } })}\n`;

describe('products.splunk.detection-fields-parsed through per-family samples counted by sourcetype', () => {
  it('fails naming the field each family leaves in _raw; one GET export samples each family', async () => {
    const s = await serve({
      ...root,
      [path('splunk-field-summary')]: { status: 200, body: fixture('splunk/field-summary.ndjson') },
    });
    const f = await finding(s.url, 'products.splunk.detection-fields-parsed');
    expect(f.status).toBe('fail');
    expect(f.reason).toBe(
      'sampled Windows (XmlWinEventLog:Security), WAF (modsec_audit), web access (access_combined); parsed: ' +
        'Windows user (user, TargetUserName, SubjectUserName), Windows source IP (IpAddress), WAF source IP (src), ' +
        'web access user (user), web access source IP (clientip); not extracted (left inside _raw): Windows ' +
        'command line (none of process, CommandLine, Process_Command_Line, cmdline, proctitle), WAF request body ' +
        '(none of http_request_body, request_body, form_data)',
    );
    const sent = s.seen.find((r) => r.includes('/services/search/jobs/export'))!;
    expect(sent.startsWith('GET ')).toBe(true);
    const search = new URL(sent.slice(4), 'http://x').searchParams.get('search')!;
    // Each family has its own head, so a loud family cannot crowd out a quiet one.
    expect(search.match(/\| head 2000 /g)).toHaveLength(4);
    expect(search).toMatch(/\| stats count as events count\(user\) as user .* by sourcetype$/);
  });

  it('a Windows-only estate with user, source IP and CommandLine extracted passes (no body asked)', async () => {
    const body = countsRow('XmlWinEventLog:Microsoft-Windows-Sysmon/Operational', 2000, {
      User: 2000,
      SourceIp: 300,
      CommandLine: 1200,
      form_data: 0,
    });
    const s = await serve({ ...root, [path('splunk-field-summary')]: { status: 200, body } });
    const f = await finding(s.url, 'products.splunk.detection-fields-parsed');
    expect([f.status, f.reason]).toEqual([
      'pass',
      'sampled Windows (XmlWinEventLog:Microsoft-Windows-Sysmon/Operational); parsed: Windows user (User), ' +
        'Windows source IP (SourceIp), Windows command line (CommandLine)',
    ]);
  });

  it('a web access-only estate is not failed for a missing request body or command line', async () => {
    const body = countsRow('access_combined', 2000, { user: 2000, clientip: 2000, request_body: 0, process: 0 });
    const s = await serve({ ...root, [path('splunk-field-summary')]: { status: 200, body } });
    expect((await finding(s.url, 'products.splunk.detection-fields-parsed')).status).toBe('pass');
  });

  it('no sampled event, a cancelled search and a timed-out one are inconclusive with the reason', async () => {
    const empty = await serve({ ...root, [path('splunk-field-summary')]: { status: 200, body: '' } });
    expect((await finding(empty.url, 'products.splunk.detection-fields-parsed')).reason).toMatch(
      /no web, Windows or Linux audit event in the last 24 hours to sample/,
    );
    await closeRouteServers();
    const cancelled = await serve({
      ...root,
      [path('splunk-field-summary')]: {
        status: 200,
        body: '{"preview":false,"messages":[{"type":"FATAL","text":"Search auto-canceled"}]}\n',
      },
    });
    const c = await finding(cancelled.url, 'products.splunk.detection-fields-parsed');
    expect([c.status, c.reason]).toEqual([
      'inconclusive',
      'splunk-field-summary: the search failed: Search auto-canceled',
    ]);
    await closeRouteServers();
    const quick: Catalog = {
      ...catalog,
      probes: new Map(catalog.probes).set('splunk-field-summary', {
        ...catalog.probes.get('splunk-field-summary')!,
        timeout: 0.5,
      }),
    };
    const hung = await serve({ ...root, [path('splunk-field-summary')]: 'hang' });
    const h = await finding(hung.url, 'products.splunk.detection-fields-parsed', quick);
    expect(h.status).toBe('inconclusive');
    expect(h.reason).toMatch(/did not answer within 500 ms/);
  });
});
