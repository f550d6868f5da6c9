// The only network client the playbook dry-run has. By construction it can send nothing but a GET or HEAD, with no
// body, to a URL on its allow-list (the configured health or identity endpoints); anything else is refused before a
// socket is opened, and the refusal is recorded. Redirects are not followed (a redirect would be a new, unlisted URL).
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

export type ReadOnlyMethod = 'GET' | 'HEAD';

export interface AllowedProbe {
  url: string;
  method: ReadOnlyMethod;
  /** Name of the environment variable with a bearer token (the token is never recorded). */
  token_env?: string;
}

export interface ProbeOutcome {
  url: string;
  method: string;
  status: 'ok' | 'auth-failed' | 'http-error' | 'unreachable' | 'timeout' | 'refused' | 'missing-credentials';
  http_status?: number;
  detail?: string;
}

const normalise = (u: string) => {
  try {
    return new URL(u).href;
  } catch {
    return undefined;
  }
};

/** A URL as it may be shown: user and password replaced. */
function redactUserinfo(u: string): string {
  return u.replace(/\/\/[^/@\s]*@/, '//[REDACTED]@');
}

export class ReadOnlyProbe {
  private readonly allowed = new Map<string, AllowedProbe>();
  readonly log: ProbeOutcome[] = [];

  constructor(
    allow: AllowedProbe[],
    private readonly timeoutMs = 5000,
  ) {
    for (const a of allow) {
      const key = normalise(a.url);
      // The first entry for a URL wins: a later one cannot swap in another credential for the same endpoint.
      if (key && (a.method === 'GET' || a.method === 'HEAD') && !this.allowed.has(`${a.method} ${key}`))
        this.allowed.set(`${a.method} ${key}`, a);
    }
  }

  /** Sends the probe if (and only if) method and URL are on the allow-list. Never throws. */
  async probe(url: string, method: string): Promise<ProbeOutcome> {
    const outcome = await this.send(url, method);
    this.log.push(outcome);
    return outcome;
  }

  private async send(url: string, method: string): Promise<ProbeOutcome> {
    const m = method.toUpperCase();
    if (m !== 'GET' && m !== 'HEAD')
      return { url, method: m, status: 'refused', detail: 'only GET and HEAD are allowed in a dry-run' };
    const key = normalise(url);
    const entry = key ? this.allowed.get(`${m} ${key}`) : undefined;
    if (!key || !entry) return { url, method: m, status: 'refused', detail: 'URL is not a configured health endpoint' };
    const target = new URL(key);
    if (target.protocol !== 'http:' && target.protocol !== 'https:')
      return { url, method: m, status: 'refused', detail: 'only http(s) is probed' };
    if (target.username || target.password)
      return {
        url: redactUserinfo(url),
        method: m,
        status: 'refused',
        detail: 'credentials in the URL are not sent; use token_env',
      };
    const headers: Record<string, string> = { accept: 'application/json, */*', 'user-agent': 'socready-dry-run' };
    if (entry.token_env) {
      const token = process.env[entry.token_env];
      if (!token)
        return {
          url,
          method: m,
          status: 'missing-credentials',
          detail: `environment variable ${entry.token_env} is not set`,
        };
      if (/[\r\n\0]/.test(token))
        return {
          url,
          method: m,
          status: 'missing-credentials',
          detail: `environment variable ${entry.token_env} holds a line break`,
        };
      headers.authorization = `Bearer ${token}`;
    }
    const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise<ProbeOutcome>((resolve) => {
      let settled = false;
      const finish = (o: ProbeOutcome) => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        resolve(o);
      };
      // A whole-request deadline: an idle timeout alone lets a server that trickles bytes hold the dry-run forever.
      const deadline = setTimeout(() => {
        req?.destroy();
        finish({ url, method: m, status: 'timeout', detail: `no complete answer within ${this.timeoutMs} ms` });
      }, this.timeoutMs);
      let req: ReturnType<typeof request> | undefined;
      try {
        req = request(target, { method: m, headers, timeout: this.timeoutMs, rejectUnauthorized: true }, (res) => {
          // The status is all readiness needs: the body is never read, and nothing of it reaches a report.
          const code = res.statusCode ?? 0;
          res.destroy();
          const status = code >= 200 && code < 300 ? 'ok' : code === 401 || code === 403 ? 'auth-failed' : 'http-error';
          finish({ url, method: m, status, http_status: code });
        });
        req.on('timeout', () => {
          req?.destroy();
          finish({ url, method: m, status: 'timeout', detail: `no answer within ${this.timeoutMs} ms` });
        });
        req.on('error', (e) => finish({ url, method: m, status: 'unreachable', detail: e.message }));
        req.end();
      } catch (e) {
        finish({ url, method: m, status: 'unreachable', detail: (e as Error).message });
      }
    });
  }
}
