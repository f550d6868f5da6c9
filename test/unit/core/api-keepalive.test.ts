// A product API that closes idle keep-alive connections: the next request written onto the kept socket meets a reset
// (ECONNRESET) before any answer. The API client sends GET/HEAD and retry-safe searches once more on a new
// connection; a search that starts server-side work (Splunk's export) and a reset on a new connection are reported.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiProbeSource } from '../../../src/collect/api-source.js';

interface Served {
  port: number;
  /** Per request line, how many times it reached the server (reset or answered). */
  seen: Map<string, number>;
  /** Connections the server accepted. */
  connections: () => number;
  close: () => Promise<void>;
}

/**
 * Answers the first request on each connection and resets the connection on any later one (`resetFirst`: every
 * request), as a server whose idle timeout fired just as the client reused the socket.
 */
async function closingServer(opts: { resetFirst?: boolean } = {}): Promise<Served> {
  const seen = new Map<string, number>();
  const perSocket = new WeakMap<Socket, number>();
  let connections = 0;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const line = `${req.method} ${req.url}`;
    seen.set(line, (seen.get(line) ?? 0) + 1);
    const n = (perSocket.get(req.socket) ?? 0) + 1;
    perSocket.set(req.socket, n);
    if (n > 1 || opts.resetFirst) {
      req.socket.resetAndDestroy();
      return;
    }
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json', connection: 'keep-alive' });
      res.end(JSON.stringify({ ok: line }));
    });
  });
  server.on('connection', () => connections++);
  // Long enough that the client, not the server's timer, decides when a socket is reused.
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    seen,
    connections: () => connections,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

const source = (port: number, product: string) =>
  new ApiProbeSource(
    {
      id: 'siem',
      kind: 'siem',
      address: '127.0.0.1',
      tags: [],
      transport: 'http',
      api: { url: `http://127.0.0.1:${port}`, product },
    },
    { env: {}, search: true },
  );

const probe = (path: string) =>
  ({ id: 'es-health', platform: 'api', kind: 'http', path, products: ['elasticsearch', 'splunk'] }) as never;

let server: Served | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('API client on a keep-alive socket the server closed', () => {
  it('sends a GET once more on a new connection after a reset on the reused socket', async () => {
    server = await closingServer();
    const s = source(server.port, 'elasticsearch');
    expect(await s.open()).toBeUndefined(); // GET / on a new socket, kept alive afterwards
    const r = await s.collect(probe('/_cluster/health'));
    expect(r.error).toBeUndefined();
    expect(JSON.parse(r.stdout)).toEqual({ ok: 'GET /_cluster/health' });
    // Reset once on the kept socket, answered on the new one.
    expect(server.seen.get('GET /_cluster/health')).toBe(2);
    expect(server.connections()).toBe(2);
  });

  it('sends a retry-safe search (Elasticsearch _search) once more, but not a Splunk export', async () => {
    server = await closingServer();
    const es = source(server.port, 'elasticsearch');
    await es.open();
    const body = JSON.stringify({ size: 0 });
    const searched = await es.search({ path: '/logs-*/_search', contentType: 'application/json', body });
    expect(searched.error).toBeUndefined();
    expect(searched.status).toBe(200);
    expect(server.seen.get('POST /logs-*/_search')).toBe(2);

    const splunk = source(server.port, 'splunk');
    await splunk.search({
      path: '/services/search/v2/jobs/export',
      contentType: 'application/x-www-form-urlencoded',
      body: 'search=search%20index%3Dmain',
    });
    const exported = await splunk.search({
      path: '/services/search/v2/jobs/export',
      contentType: 'application/x-www-form-urlencoded',
      body: 'search=search%20index%3Dmain',
    });
    expect(exported.error?.kind).toBe('unreachable');
    expect(exported.error?.message).toMatch(/ECONNRESET/);
    expect(server.seen.get('POST /services/search/v2/jobs/export')).toBe(2); // one answered, one reset: no third
  });

  it('never re-sends a GET Splunk export (a probe like splunk-sourcetypes): each one starts a search job', async () => {
    server = await closingServer();
    const s = source(server.port, 'splunk');
    expect(await s.open()).toBeUndefined(); // the kept socket the export is then written onto
    const path = '/services/search/v2/jobs/export?search=%7C%20tstats%20count&output_mode=json';
    const r = await s.collect(probe(path));
    expect(r.error?.kind).toBe('unreachable');
    expect(r.error?.message).toMatch(/ECONNRESET/);
    expect(server.seen.get(`GET ${path}`)).toBe(1);
    // An ordinary GET on the same client is still sent once more.
    const ok = await s.collect(probe('/services/server/info?output_mode=json'));
    expect(ok.error).toBeUndefined();
  });

  it('retries once only: a reset on a new connection is the answer', async () => {
    server = await closingServer({ resetFirst: true });
    const s = source(server.port, 'elasticsearch');
    const opened = await s.open();
    expect(opened?.kind).toBe('unreachable');
    expect(server.seen.get('GET /')).toBe(1);
  });
});
