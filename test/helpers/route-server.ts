// A local HTTP server answering a product's documented responses by exact request URL (contract tests): every
// request is recorded as "METHOD url"; an unknown URL is Splunk's 404 answer; 'hang' never answers, so the probe's
// own deadline must end it.
import { createServer, type Server } from 'node:http';

export type RouteAnswer = { status: number; body: string } | 'hang';

const open: Server[] = [];

export async function serveRoutes(
  routes: Record<string, RouteAnswer>,
  headers: Record<string, string> = {},
): Promise<{ url: string; seen: string[] }> {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    const a = routes[req.url!] ?? { status: 404, body: '{"messages":[{"type":"ERROR","text":"Not Found"}]}' };
    if (a === 'hang') return;
    res.writeHead(a.status, { 'content-type': 'application/json', ...headers });
    res.end(a.body);
  });
  open.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, seen };
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
