// The SIEM end of a canary in Microsoft Sentinel: a read-only KQL `search` through the Log Analytics query API (GET
// <workspace>/query), against a local server answering in the documented shape (tables/columns/rows; a failed or
// partial query carries `error`). No Sentinel workspace here: contract-tested only.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiProbeSource } from '../../src/collect/api-source.js';
import { readSiemSearch, siemSearchProbe } from '../../src/collect/siem-search.js';
import type { Target } from '../../src/model.js';
import { FIXTURES_DIR } from '../helpers/paths.js';

const MARKER = 'socready-canary-r1-web01-1a2b3c4d';
const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((r) => s.close(() => r()))));
});

async function workspace(
  status: number,
  body: string,
): Promise<{ url: string; seen: { method: string; url: string }[] }> {
  const seen: { method: string; url: string }[] = [];
  const server = createServer((req, res) => {
    seen.push({ method: req.method!, url: req.url! });
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(body);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, seen };
}

const sentinel = (url: string): Target => ({
  id: 'sentinel',
  kind: 'siem',
  address: '127.0.0.1',
  tags: [],
  transport: 'http',
  api: { url: `${url}/v1/workspaces/ws-1234`, product: 'sentinel', token_env: 'T' },
});

async function search(status: number, body: string, tables?: string) {
  const ws = await workspace(status, body);
  const source = new ApiProbeSource(sentinel(ws.url), { env: { T: 'token-x' } });
  expect(await source.open()).toBeUndefined();
  const r = await source.collect(siemSearchProbe('sentinel', MARKER, tables, 10));
  return { answer: readSiemSearch('sentinel', r, MARKER), seen: ws.seen };
}

describe('canary search in Microsoft Sentinel (Log Analytics query API, contract)', () => {
  it('finds the marker with one GET KQL search over the named tables and lists the fields Sentinel holds', async () => {
    const body = readFileSync(join(FIXTURES_DIR, 'products/sentinel/canary-search.json'), 'utf8').replaceAll(
      '__MARKER__',
      MARKER,
    );
    const { answer, seen } = await search(200, body, 'Syslog, Event,bad table');
    // open() reads the API root first; the search itself is one GET.
    const queries = seen.filter((r) => r.url.includes('/query'));
    expect(queries).toHaveLength(1);
    expect(queries[0]!.method).toBe('GET');
    const url = new URL(queries[0]!.url, 'http://x');
    expect(url.pathname).toBe('/v1/workspaces/ws-1234/query');
    // A table name that is not an identifier is dropped, never put into the query.
    expect(url.searchParams.get('query')).toBe(`search in (Syslog, Event) "${MARKER}" | take 5`);
    expect(url.searchParams.get('timespan')).toBe('P1D');
    expect(answer).toMatchObject({ answered: true, found: true, whole: true });
    expect(answer.fields).toEqual(expect.arrayContaining(['SyslogMessage', 'HostName', 'HostIP', 'ProcessName']));
    // Empty columns of other tables and the search's own $table are not the event's fields.
    expect(answer.fields).not.toContain('RenderedDescription');
    expect(answer.fields).not.toContain('EventID');
    expect(answer.fields).not.toContain('$table');
  });

  it('an empty result is answered and not found', async () => {
    const body = JSON.stringify({
      tables: [{ name: 'PrimaryResult', columns: [{ name: 'TimeGenerated' }], rows: [] }],
    });
    expect((await search(200, body)).answer).toEqual({ answered: true, found: false, fields: [] });
  });

  it('a partial or failed query does not decide, naming the error; a 403 is an error too', async () => {
    const partial = JSON.stringify({
      tables: [{ name: 'PrimaryResult', columns: [], rows: [] }],
      error: { code: 'PartialError', message: 'There were some errors when processing your query.' },
    });
    const p = (await search(200, partial)).answer;
    expect(p.answered).toBe(false);
    expect(p.error).toMatch(/^the query failed \(PartialError: There were some errors/);
    const denied = (await search(403, '{"error":{"code":"InsufficientAccessError","message":"denied"}}')).answer;
    expect(denied.answered).toBe(false);
    expect(denied.error).toMatch(/403/);
  });
});
