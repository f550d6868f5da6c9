// The only HTTP client of the live web probes: one request at a time per limiter, hard timeouts, a response cap,
// and no redirect is ever followed (a Location to another host is reported, not visited).
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface ProbeRequest {
  method: 'GET' | 'POST' | 'HEAD';
  url: URL;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs: number;
  /** Bytes of response body kept (the rest is drained and dropped). */
  maxBytes?: number;
}

export interface ProbeResponse {
  status: number | null;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  durationMs: number;
  /** Where a 3xx pointed, and whether that is another host (never followed either way). */
  redirect?: { location: string; other_host: boolean };
  error?: string;
}

/** Spaces requests at least `minIntervalMs` apart so probes never look like a flood. */
export class RateLimiter {
  private next = 0;
  constructor(private readonly minIntervalMs: number) {}
  async wait(): Promise<void> {
    const now = Date.now();
    const at = Math.max(now, this.next);
    this.next = at + this.minIntervalMs;
    if (at > now) await new Promise((r) => setTimeout(r, at - now));
  }
}

/** Sends one request; TLS certificates are not verified here (the TLS inspection reports on them separately). */
export function sendProbe(req: ProbeRequest): Promise<ProbeResponse> {
  const started = Date.now();
  const maxBytes = req.maxBytes ?? 64 * 1024;
  return new Promise((resolve) => {
    let settled = false;
    const done = (r: Omit<ProbeResponse, 'durationMs'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      resolve({ ...r, durationMs: Date.now() - started });
    };
    // A whole-request deadline: the idle timeout alone lets a server that trickles bytes hold the scan forever.
    const deadline = setTimeout(() => {
      r.destroy();
      done({ status: null, headers: {}, body: '', error: `no complete answer within ${req.timeoutMs} ms` });
    }, req.timeoutMs);
    const isHttps = req.url.protocol === 'https:';
    const body = req.body !== undefined ? Buffer.from(req.body) : undefined;
    const options = {
      method: req.method,
      headers: {
        ...(req.headers ?? {}),
        ...(body ? { 'content-length': String(body.length) } : {}),
        connection: 'close',
      },
      timeout: req.timeoutMs,
      ...(isHttps
        ? { rejectUnauthorized: false, servername: isIpLiteral(req.url.hostname) ? undefined : req.url.hostname }
        : {}),
    };
    const r = (isHttps ? httpsRequest : httpRequest)(req.url, options, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const finish = () => {
        const status = res.statusCode ?? null;
        const location = typeof res.headers.location === 'string' ? res.headers.location : undefined;
        let redirect: ProbeResponse['redirect'];
        if (status !== null && status >= 300 && status < 400 && location) {
          let other = true;
          try {
            other = new URL(location, req.url).origin !== req.url.origin;
          } catch {
            // unparsable Location: treat as foreign
          }
          redirect = { location, other_host: other };
        }
        done({
          status,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          ...(redirect ? { redirect } : {}),
        });
      };
      res.on('data', (c: Buffer) => {
        if (size < maxBytes) chunks.push(c.subarray(0, maxBytes - size));
        size += c.length;
        // Enough read: a huge answer is cut, not downloaded.
        if (size >= maxBytes) {
          finish();
          res.destroy();
        }
      });
      res.on('end', finish);
      res.on('error', (e) =>
        done({ status: res.statusCode ?? null, headers: res.headers, body: '', error: e.message }),
      );
    });
    r.setTimeout(req.timeoutMs, () => {
      r.destroy(new Error(`no answer within ${req.timeoutMs} ms`));
    });
    r.on('error', (e: NodeJS.ErrnoException) =>
      done({ status: null, headers: {}, body: '', error: e.code ? `${e.code}: ${e.message}` : e.message }),
    );
    if (body) r.write(body);
    r.end();
  });
}

export function isIpLiteral(host: string): boolean {
  return /^\d+\.\d+\.\d+\.\d+$/.test(host) || host.includes(':');
}
