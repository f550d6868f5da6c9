// A local HTTP server answering a product's documented responses by exact request URL (contract tests): every
// request is recorded as "METHOD url"; an unknown URL is Splunk's 404 answer; 'hang' never answers, so the probe's
// own deadline must end it. Routes may also be a function of the request (paged answers built from its query).
import { createServer, type Server } from 'node:http';

export type RouteAnswer = { status: number; body: string; headers?: Record<string, string> } | 'hang';
export interface RouteRequest {
  method: string;
  url: string;
  authorization?: string;
}

const open: Server[] = [];

export async function serveRoutes(
  routes: Record<string, RouteAnswer> | ((req: RouteRequest) => RouteAnswer | undefined),
  headers: Record<string, string> = {},
): Promise<{ url: string; seen: string[]; requests: RouteRequest[] }> {
  const seen: string[] = [];
  const requests: RouteRequest[] = [];
  const server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    const r: RouteRequest = { method: req.method!, url: req.url!, authorization: req.headers.authorization };
    requests.push(r);
    const a = (typeof routes === 'function' ? routes(r) : routes[req.url!]) ?? {
      status: 404,
      body: '{"messages":[{"type":"ERROR","text":"Not Found"}]}',
    };
    if (a === 'hang') return;
    res.writeHead(a.status, { 'content-type': 'application/json', ...headers, ...a.headers });
    res.end(a.body);
  });
  open.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, seen, requests };
}

/** For afterEach: closes every server opened since the last call (hanging requests included). */
export async function closeRouteServers(): Promise<void> {
  await Promise.all(
    open.splice(0).map((s) => {
      s.closeAllConnections();
      return new Promise<void>((r) => s.close(() => r()));
    }),
  );
}
