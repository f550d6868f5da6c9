import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { TLSSocket } from 'node:tls';
import type { ProbeDef } from '../checks/types.js';
import type { Target, TargetKind, TransportError } from '../model.js';
import { PRODUCTS, productNamed } from '../products/index.js';
import { failedResult } from '../transport/shell.js';
import type { HostInfo, ProbeResult } from '../transport/types.js';
import { collectSaFindings } from './sa-findings.js';
import type { ProbeSource } from './source.js';

/**
 * Security products reached through their own REST APIs, read-only: every probe is one GET or HEAD to
 * `api.url + probe.path`. The credential comes from the environment variable named by `api.token_env` and goes only
 * into the Authorization header: it is never part of what is recorded, and it is scrubbed from answers that echo it.
 *
 * A probe's stdout is the response body (capped); its stderr holds response metadata that parsers may read:
 *   HTTP <status> <reason>
 *   date: <server Date header>            (the server's clock: data ages are measured against it, not ours)
 *   content-type: <type>
 *   tls: verified|unverified|none [<protocol>] [not_after=<date>]
 */

/** Target kinds whose checks come from a product API. */
export const API_KINDS: ReadonlySet<TargetKind> = new Set<TargetKind>(['siem', 'soar', 'edr', 'waf', 'ips', 'ndr']);

/** api.product values the product checks know; probes say which of them they are asked of. */
/** The products with a module in src/products (their `api.product` names). */
export const API_PRODUCTS: readonly string[] = PRODUCTS.map((p) => p.name);

export const API_DEFAULT_TIMEOUT_MS = 20_000;
/** Product answers (ILM policies, index lists) are bigger than most command outputs but never need more than this. */
export const API_DEFAULT_MAX_BYTES = 8 * 1024 * 1024;
const MAX_REDIRECTS = 3;
const MASK = '[REDACTED]';

export interface ApiSourceOptions {
  /** Where token_env is looked up (tests pass their own). */
  env?: NodeJS.ProcessEnv;
  /** The scan's clock: the day whose start ends the findings window (tests inject one). */
  now?: () => Date;
}

/**
 * The only requests other than GET/HEAD socready ever sends: read-only searches (detect --siem), one POST endpoint
 * shape per product, matched against the whole path below api.url. Elasticsearch/OpenSearch `<indices>/_search` and
 * ES|QL `_query` read documents; Splunk's search export runs a search and streams its results (the search string is
 * built by socready and starts with `search`); the Log Analytics query API (Sentinel) runs one KQL query.
 */
export const SEARCH_ENDPOINTS: Readonly<Record<string, readonly RegExp[]>> = {
  elasticsearch: [/^\/[A-Za-z0-9*.,:_-]+\/_search$/, /^\/_query$/],
  // Security Analytics answers its detector and rule searches on POST only (RestSearchDetectorAction, ...RuleAction).
  opensearch: [/^\/[A-Za-z0-9*.,:_-]+\/_search$/, /^\/_plugins\/_security_analytics\/(detectors|rules)\/_search$/],
  splunk: [/^\/services\/search\/v2\/jobs\/export$/],
  sentinel: [/^\/query$/],
};
/**
 * Searches that may be sent a second time when a kept-alive connection the server had already closed reset the first
 * (see ApiProbeSource.follow): they only read, and a second one leaves nothing behind. Splunk's search export is left
 * out: each one starts a search job (its quota, its audit record), so a reset export is reported, not repeated.
 */
export const RETRY_SAFE_SEARCHES: Readonly<Record<string, readonly RegExp[]>> = {
  elasticsearch: SEARCH_ENDPOINTS.elasticsearch!,
  opensearch: SEARCH_ENDPOINTS.opensearch!,
  sentinel: SEARCH_ENDPOINTS.sentinel!,
};

/** Codes of a request written onto a kept-alive socket the server had closed (the race of its idle timeout). */
const STALE_SOCKET_CODES = new Set(['ECONNRESET', 'EPIPE']);

/** once(): the request failed on a reused socket before any answer; the error it would otherwise be. */
interface StaleSocket {
  stale: TransportError;
}

/** Products reached only for searches (no product checks yet). */
export const SEARCH_ONLY_PRODUCTS = ['sentinel'] as const;

export interface SearchRequest {
  /** Path below api.url; must match SEARCH_ENDPOINTS for the target's product. */
  path: string;
  /** application/json or application/x-www-form-urlencoded */
  contentType: string;
  body: string;
  timeoutMs?: number;
  maxBytes?: number;
}

/** A search's body, and whether it may be sent again after a reset keep-alive socket (RETRY_SAFE_SEARCHES). */
interface SearchPayload {
  type: string;
  body: string;
  retrySafe?: boolean;
}

export interface SearchAnswer {
  status: number;
  body: string;
  truncated: boolean;
  error?: TransportError;
}

export function searchAllowed(product: string, path: string): boolean {
  if (path.split('/').some((seg) => seg === '.' || seg === '..')) return false;
  return (SEARCH_ENDPOINTS[product] ?? []).some((re) => re.test(path));
}

/** How the secret in token_env becomes an Authorization header value. */
export function authorizationFor(secret: string): string {
  const s = secret.trim();
  // An explicit scheme is used as given: "ApiKey <b64>" (Elasticsearch), "Splunk <token>", "Basic ...", "Bearer ...".
  if (/^(Bearer|Basic|ApiKey|Splunk|Token)\s+\S/i.test(s)) return s;
  // user:password is HTTP basic authentication (OpenSearch and Elasticsearch native realms).
  if (/^[^:\s]+:.+$/.test(s)) return `Basic ${Buffer.from(s, 'utf8').toString('base64')}`;
  return `Bearer ${s}`;
}

/** Node's TLS error codes that mean "the certificate is not trusted", not "the network is down". */
const TLS_TRUST_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REVOKED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);

/** Maps a request failure (no HTTP answer) to a transport error kind with a message a reader can act on. */
export function classifyRequestError(e: NodeJS.ErrnoException, url: URL): TransportError {
  const code = e.code ?? '';
  const where = `${url.protocol}//${url.host}`;
  if (TLS_TRUST_CODES.has(code)) {
    return {
      kind: 'unreachable',
      message:
        `TLS certificate of ${where} is not trusted (${code}: ${e.message}); add its CA through ` +
        'NODE_EXTRA_CA_CERTS, or set api.insecure_tls: true only for a lab',
    };
  }
  if (code === 'ECONNREFUSED') return { kind: 'unreachable', message: `connection refused by ${where}` };
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return { kind: 'unreachable', message: `cannot resolve ${url.hostname}` };
  if (NETWORK_CODES.has(code)) return { kind: 'unreachable', message: `${where}: ${code}: ${e.message}` };
  if (/^ERR_SSL|^ERR_TLS|SSL/.test(code) || /ssl|tls/i.test(e.message))
    return { kind: 'unreachable', message: `TLS handshake with ${where} failed: ${e.message}` };
  return { kind: 'other', message: `${where}: ${code ? `${code}: ` : ''}${e.message}` };
}

/** Maps an HTTP status that is not a success to a transport error (undefined: a success). */
export function classifyStatus(status: number, statusText: string, body: string): TransportError | undefined {
  if (status >= 200 && status < 300) return undefined;
  const detail = body.replace(/\s+/g, ' ').trim().slice(0, 200);
  const message = `HTTP ${status}${statusText ? ` ${statusText}` : ''}${detail ? `: ${detail}` : ''}`;
  if (status === 401) return { kind: 'auth-failed', message };
  if (status === 403) return { kind: 'permission-denied', message };
  if (status === 404 || status === 405 || status === 501) return { kind: 'not-found', message };
  // Elasticsearch/OpenSearch answer an endpoint no plugin serves with 400: "no handler found for uri", or (a path
  // under _plugins read as an index name) invalid_index_name_exception. The endpoint does not exist there.
  if (status === 400 && /no handler found for uri|invalid_index_name_exception[\s\S]*\[_plugins\]/.test(body))
    return { kind: 'not-found', message };
  if (status === 408 || status === 504) return { kind: 'timeout', message };
  return { kind: 'other', message };
}

/** A rate-limited request is retried this many times at most, and only for a Retry-After of at most 10 s. */
export const RATE_LIMIT_RETRIES = 2;
export const MAX_RETRY_WAIT_MS = 10_000;

/** Splunk's streaming search export: each request starts a search job, so it is never sent twice. */
const SEARCH_EXPORT = /\/search\/(?:v2\/)?jobs\/export(?:\/|$)/;

/** Retry-After in ms: delta-seconds or an HTTP-date (RFC 9110 §10.2.3); undefined when absent or unreadable. */
export function retryAfterMs(value: string | string[] | undefined, now: number): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return undefined;
  if (/^\s*\d+\s*$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Where a request goes and the credential it carries: api.url, or (Sentinel) api.management_url. */
interface Endpoint {
  base: URL;
  authorization?: string;
  /** The inventory field named in errors. */
  field: 'api.url' | 'api.management_url';
}

/** One HTTP request the source sends: where and how, the limits of its answer, and whose credential it carries. */
interface RequestSpec {
  url: URL;
  method: 'GET' | 'HEAD' | 'POST';
  accept: string;
  timeoutMs: number;
  maxBytes: number;
  /** A read-only search's body (POST only). */
  payload?: SearchPayload;
  /** The endpoint the URL belongs to: its credential goes to its origin only (api.url, or api.management_url). */
  endpoint: Endpoint;
}

/** Pages a paged probe reads at most (Wazuh's 500-item pages: 50,000 rules; Azure's pages of ~100 rules). */
export const MAX_PAGES = 100;

interface RawAnswer {
  status: number;
  statusText: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
  truncated: boolean;
  tls: string;
  location?: string;
}

function tlsNote(res: IncomingMessage, insecure: boolean): string {
  const socket = res.socket as TLSSocket | undefined;
  if (!socket || typeof socket.getPeerCertificate !== 'function') return 'none';
  const cert = socket.getPeerCertificate();
  // OpenSSL prints "Bad time value" for an unreadable date: that must not throw inside the response callback.
  const expiry = cert?.valid_to ? new Date(cert.valid_to) : undefined;
  const notAfter = expiry && !Number.isNaN(expiry.getTime()) ? ` not_after=${expiry.toISOString()}` : '';
  const verified = !insecure && socket.authorized;
  return `${verified ? 'verified' : 'unverified'} ${socket.getProtocol?.() ?? ''}${notAfter}`
    .replace(/\s+/g, ' ')
    .trim();
}

/** Replaces every occurrence of the secret (and of the header built from it) in text the server sent back. */
function scrub(text: string, secrets: string[]): string {
  let out = text;
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join(MASK);
  return out;
}

export class ApiProbeSource implements ProbeSource {
  readonly label = 'http';
  private readonly env: NodeJS.ProcessEnv;
  private authorization: string | undefined;
  private secrets: string[] = [];
  private base: URL | undefined;
  private management: Endpoint | undefined;
  private identity: HostInfo | undefined;
  /** What each probe answered, for the probes that read another's answer (`needs`, collected before them). */
  private readonly answered = new Map<string, ProbeResult>();

  constructor(
    private readonly target: Target,
    private readonly options: ApiSourceOptions & { search?: boolean } = {},
  ) {
    this.env = options.env ?? process.env;
  }

  private get product(): string {
    return (this.target.api?.product ?? '').toLowerCase();
  }

  /** Settles the configuration (URL, product, credential); asks nothing of the server. */
  private configure(): TransportError | undefined {
    const api = this.target.api;
    if (!api)
      return { kind: 'config', message: `target ${this.target.id} has no api: { url, token_env, product } settings` };
    let url: URL;
    try {
      url = new URL(api.url);
    } catch {
      return { kind: 'config', message: `api.url "${api.url}" is not a URL` };
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:')
      return { kind: 'config', message: `api.url must be http(s), not ${url.protocol}` };
    // Credentials in the URL would end up in every evidence record that names the request.
    if (url.username || url.password)
      return {
        kind: 'config',
        message: 'api.url must not carry credentials; put them in the variable named by api.token_env',
      };
    if (!this.product)
      return {
        kind: 'config',
        message: `api.product is not set; socready's product checks know: ${API_PRODUCTS.join(', ')}`,
      };
    if (
      !productNamed(this.product) &&
      !(this.options.search && (SEARCH_ONLY_PRODUCTS as readonly string[]).includes(this.product))
    ) {
      return {
        kind: 'config',
        message: `api.product "${api.product}" has no checks in this version; supported: ${API_PRODUCTS.join(', ')}`,
      };
    }
    if (api.token_env) {
      const secret = this.env[api.token_env];
      if (secret === undefined)
        return { kind: 'config', message: `environment variable ${api.token_env} (api.token_env) is not set` };
      if (secret.trim() === '')
        return { kind: 'config', message: `environment variable ${api.token_env} (api.token_env) is empty` };
      // A line break would let the value inject headers; it is never valid in a credential.
      if (/[\u0000-\u001f\u007f]/.test(secret.trim()))
        return {
          kind: 'config',
          message: `environment variable ${api.token_env} (api.token_env) contains a control character`,
        };
      this.authorization = authorizationFor(secret);
      const parts = this.authorization.split(/\s+/);
      this.secrets = [secret.trim(), this.authorization, parts.slice(1).join(' ')];
      const userPass = /^[^:\s]+:(.+)$/.exec(secret.trim());
      if (userPass) this.secrets.push(userPass[1]!);
    }
    url.hash = '';
    url.search = '';
    this.base = url;
    return this.configureManagement();
  }

  /** A secret from the environment, refused when unset, empty or carrying control characters. */
  private secretFrom(name: string, field: string): string | TransportError {
    const secret = this.env[name];
    if (secret === undefined) return { kind: 'config', message: `environment variable ${name} (${field}) is not set` };
    if (secret.trim() === '') return { kind: 'config', message: `environment variable ${name} (${field}) is empty` };
    // A line break would let the value inject headers; it is never valid in a credential.
    if (/[\u0000-\u001f\u007f]/.test(secret.trim()))
      return { kind: 'config', message: `environment variable ${name} (${field}) contains a control character` };
    return secret;
  }

  /**
   * Sentinel's rules live in Azure Resource Manager: another host and token audience than the Log Analytics API in
   * api.url. Its own token goes to that origin only; api.token_env is never sent there (nor the other way round).
   */
  private configureManagement(): TransportError | undefined {
    const api = this.target.api!;
    if (!api.management_url) return undefined;
    let url: URL;
    try {
      url = new URL(api.management_url);
    } catch {
      return { kind: 'config', message: `api.management_url "${api.management_url}" is not a URL` };
    }
    if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.username || url.password)
      return { kind: 'config', message: 'api.management_url must be http(s) without credentials' };
    url.hash = '';
    url.search = '';
    const endpoint: Endpoint = { base: url, field: 'api.management_url' };
    if (api.management_token_env) {
      const secret = this.secretFrom(api.management_token_env, 'api.management_token_env');
      if (typeof secret !== 'string') return secret;
      endpoint.authorization = authorizationFor(secret);
      this.secrets.push(secret.trim(), endpoint.authorization, endpoint.authorization.split(/\s+/).slice(1).join(' '));
    }
    this.management = endpoint;
    return undefined;
  }

  private get main(): Endpoint {
    return { base: this.base!, ...(this.authorization ? { authorization: this.authorization } : {}), field: 'api.url' };
  }

  /** Checks the configuration and that the API answers this credential: its root, read once. */
  /**
   * Everything a server sent back (status line, headers, body, error texts) can echo the credential or carry
   * terminal control characters: one chokepoint cleans whatever leaves this source.
   */
  private cleanText(text: string): string {
    return scrub(text, this.secrets).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g, '\uFFFD');
  }

  private cleanError(e: TransportError | undefined): TransportError | undefined {
    return e ? { kind: e.kind, message: this.cleanText(e.message) } : undefined;
  }

  async open(): Promise<TransportError | undefined> {
    return this.cleanError(await this.openRaw());
  }

  async collect(probe: ProbeDef): Promise<ProbeResult> {
    const r =
      probe.fan_out === 'sa-detectors'
        ? await collectSaFindings(probe, {
            answered: (id) => this.answered.get(id),
            now: (this.options.now ?? (() => new Date()))(),
            send: (p) => this.collectRaw(p),
            describe: (p) => this.what(p),
            maxPages: MAX_PAGES,
          })
        : await this.collectRaw(probe);
    const out: ProbeResult = { ...r, stdout: scrub(r.stdout, this.secrets), stderr: this.cleanText(r.stderr) };
    if (r.error) out.error = this.cleanError(r.error)!;
    this.answered.set(probe.id, out);
    return out;
  }

  /** One read-only search (see SEARCH_ENDPOINTS); anything else is refused before a byte is sent. */
  async search(req: SearchRequest): Promise<SearchAnswer> {
    if (!this.base) {
      const e = this.configure();
      if (e) return { status: 0, body: '', truncated: false, error: e };
    }
    if (!searchAllowed(this.product, req.path)) {
      return {
        status: 0,
        body: '',
        truncated: false,
        error: {
          kind: 'config',
          message:
            `POST ${req.path} refused: not a read-only search endpoint socready allows for ` +
            `${this.product || 'this product'}`,
        },
      };
    }
    const answer = await this.request({
      url: this.urlFor(req.path),
      method: 'POST',
      accept: 'application/json',
      timeoutMs: req.timeoutMs ?? API_DEFAULT_TIMEOUT_MS,
      maxBytes: req.maxBytes ?? API_DEFAULT_MAX_BYTES,
      payload: {
        type: req.contentType,
        body: req.body,
        retrySafe: (RETRY_SAFE_SEARCHES[this.product] ?? []).some((re) => re.test(req.path)),
      },
      endpoint: this.main,
    });
    if ('kind' in answer) return { status: 0, body: '', truncated: false, error: this.cleanError(answer)! };
    const body = this.cleanText(answer.body.toString('utf8'));
    const out: SearchAnswer = { status: answer.status, body, truncated: answer.truncated };
    const error = classifyStatus(answer.status, answer.statusText, body);
    if (error) out.error = this.cleanError(error)!;
    return out;
  }

  private async openRaw(): Promise<TransportError | undefined> {
    const configError = this.configure();
    if (configError) return configError;
    const answer = await this.request({
      url: this.urlFor('/'),
      method: 'GET',
      accept: 'application/json',
      timeoutMs: API_DEFAULT_TIMEOUT_MS,
      maxBytes: 256 * 1024,
      endpoint: this.main,
    });
    if ('kind' in answer) return answer;
    const body = scrub(answer.body.toString('utf8'), this.secrets);
    const error = classifyStatus(answer.status, answer.statusText, body);
    // A refused credential, a broken server or a timeout stops the target here; a root that is absent (404) or
    // forbidden to this role (403) is not fatal: each probe then answers for itself.
    if (error && (error.kind === 'auth-failed' || error.kind === 'other' || error.kind === 'timeout')) {
      return { kind: error.kind, message: `${this.base!.origin}: ${error.message}` };
    }
    this.identity = identify(this.product, body, this.base!);
    return undefined;
  }

  /** The request line recorded as evidence: method and URL, never a credential. */
  what(probe: ProbeDef): string {
    if (probe.kind !== 'http') return probe.command ?? probe.path ?? probe.id;
    const base = probe.base === 'management' ? this.management?.base : this.base;
    const url = base ? this.urlFor(probe.path!, base) : probe.path!;
    if (probe.fan_out === 'sa-detectors')
      return (
        `GET ${url.toString()}?detector_id=<each enabled detector>&startTime=<30 days before today 00:00 UTC>` +
        '&endTime=<today 00:00 UTC> (every page)'
      );
    return `${probe.method ?? 'GET'} ${url.toString()}${probe.paging ? ' (every page)' : ''}`;
  }

  private async collectRaw(probe: ProbeDef): Promise<ProbeResult> {
    if (probe.kind !== 'http')
      return failedResult({
        kind: 'unsupported',
        message: `${probe.kind} probes are not collected from a product API`,
      });
    if (!this.base) return failedResult(this.configure() ?? { kind: 'other', message: 'source not opened' });
    if (probe.products && !probe.products.includes(this.product)) {
      return failedResult({
        kind: 'unsupported',
        message: `asked only of ${probe.products.join(', ')}; this target's api.product is ${this.product}`,
      });
    }
    const method = probe.method ?? 'GET';
    // Read-only by construction: GET and HEAD, or a POST to one of the product's read-only search endpoints.
    const pathOnly = probe.path!.split('?')[0]!;
    if (
      method === 'POST' ? !probe.body || !searchAllowed(this.product, pathOnly) : method !== 'GET' && method !== 'HEAD'
    )
      return failedResult({
        kind: 'config',
        message: `${String(method)} ${pathOnly} refused: product probes only read (GET, HEAD, or a read-only search)`,
      });
    let endpoint = this.main;
    if (probe.base === 'management') {
      if (!this.management)
        return failedResult({
          kind: 'config',
          message:
            `${probe.id} is read from Azure Resource Manager: set api.management_url (the workspace resource URL) ` +
            'and api.management_token_env (a token for https://management.azure.com)',
        });
      endpoint = this.management;
    }
    const timeoutMs = (probe.timeout ?? API_DEFAULT_TIMEOUT_MS / 1000) * 1000;
    const maxBytes = probe.max_bytes ?? API_DEFAULT_MAX_BYTES;
    const started = Date.now();
    const url = this.urlFor(probe.path!, endpoint.base);
    const payload: SearchPayload | undefined =
      method === 'POST'
        ? {
            type: 'application/json',
            body: probe.body!,
            retrySafe: (RETRY_SAFE_SEARCHES[this.product] ?? []).some((re) => re.test(pathOnly)),
          }
        : undefined;
    const accept = probe.accept ?? 'application/json';
    const first = await this.request({ url, method, accept, timeoutMs, maxBytes, payload, endpoint });
    const answer =
      probe.paging && !('kind' in first) && first.status >= 200 && first.status < 300
        ? await this.readPages(probe.paging, url, first, { accept, timeoutMs, maxBytes, endpoint })
        : first;
    const durationMs = Date.now() - started;
    if ('kind' in answer) return failedResult(answer, durationMs);
    const body = scrub(answer.body.toString('utf8'), this.secrets);
    const meta = [`HTTP ${answer.status} ${answer.statusText}`.trim()];
    for (const h of ['date', 'content-type']) {
      const v = answer.headers[h];
      if (typeof v === 'string') meta.push(`${h}: ${v}`);
    }
    meta.push(`tls: ${answer.tls}`);
    const result: ProbeResult = {
      stdout: body,
      stderr: meta.join('\n'),
      exitCode: answer.status,
      truncated: answer.truncated,
      durationMs,
    };
    const error = classifyStatus(answer.status, answer.statusText, body);
    if (error) result.error = error;
    return result;
  }

  /**
   * Every page of a paged list, joined into one answer of the same shape: Wazuh's `offset`/`limit` pages until
   * data.total_affected_items; Security Analytics findings' `startIndex` pages until total_findings; Azure's
   * `nextLink` (followed only within the endpoint's origin). A failed page fails the probe; a list cut at MAX_PAGES
   * or the size cap keeps what says so (the total, the last nextLink).
   */
  private async readPages(
    paging: NonNullable<ProbeDef['paging']>,
    url: URL,
    first: RawAnswer,
    opts: { accept: string; timeoutMs: number; maxBytes: number; endpoint: Endpoint },
  ): Promise<RawAnswer | TransportError> {
    let doc: Record<string, unknown>;
    try {
      doc = JSON.parse(first.body.toString('utf8')) as Record<string, unknown>;
    } catch {
      return first;
    }
    const listOf = (d: Record<string, unknown>) =>
      paging === 'offset'
        ? (d.data as { affected_items?: unknown } | undefined)?.affected_items
        : paging === 'start-index'
          ? d.findings
          : d.value;
    const items = listOf(doc);
    if (!Array.isArray(items)) return first;
    const all: unknown[] = [...items];
    let bytes = first.body.length;
    let truncated = first.truncated;
    let next: string | undefined =
      paging === 'next-link' && typeof doc.nextLink === 'string' ? doc.nextLink : undefined;
    const total =
      paging === 'start-index'
        ? doc.total_findings
        : (doc.data as { total_affected_items?: unknown } | undefined)?.total_affected_items;
    for (let page = 1; page < MAX_PAGES && !truncated; page++) {
      let pageUrl: URL;
      if (paging !== 'next-link') {
        if (typeof total !== 'number' || all.length >= total) break;
        pageUrl = new URL(url.toString());
        pageUrl.searchParams.set(paging === 'offset' ? 'offset' : 'startIndex', String(all.length));
      } else {
        if (!next) break;
        try {
          pageUrl = new URL(next);
        } catch {
          return { kind: 'other', message: `nextLink "${next.slice(0, 200)}" is not a URL` };
        }
        if (pageUrl.origin !== opts.endpoint.base.origin)
          return {
            kind: 'other',
            message:
              `nextLink points at another origin (${pageUrl.origin}): refused; the credential is sent to ` +
              `${opts.endpoint.base.origin} (${opts.endpoint.field}) only`,
          };
      }
      const answer = await this.request({ ...opts, url: pageUrl, method: 'GET' });
      if ('kind' in answer) return { kind: answer.kind, message: `page ${page + 1}: ${answer.message}` };
      if (answer.status < 200 || answer.status >= 300) return answer;
      let d: Record<string, unknown>;
      try {
        d = JSON.parse(answer.body.toString('utf8')) as Record<string, unknown>;
      } catch (e) {
        return { kind: 'other', message: `page ${page + 1} is not JSON (${(e as Error).message})` };
      }
      const more = listOf(d);
      if (!Array.isArray(more) || more.length === 0) break;
      all.push(...more);
      bytes += answer.body.length;
      truncated = answer.truncated || bytes > opts.maxBytes;
      next = paging === 'next-link' && typeof d.nextLink === 'string' ? d.nextLink : undefined;
    }
    const joined =
      paging === 'offset'
        ? { ...doc, data: { ...(doc.data as object), affected_items: all } }
        : paging === 'start-index'
          ? { ...doc, findings: all }
          : { ...doc, value: all, ...(next ? { nextLink: next } : { nextLink: undefined }) };
    return { ...first, body: Buffer.from(JSON.stringify(joined), 'utf8'), truncated };
  }

  async describe(): Promise<HostInfo> {
    return this.identity ?? { platform: 'unknown', hostname: this.base?.hostname };
  }

  async close(): Promise<void> {
    // The answers kept for later probes (`needs`) are not held past the target.
    this.answered.clear();
  }

  private urlFor(path: string, base: URL = this.base!): URL {
    // The probe path (and its query) is appended to the base path, so an api.url with a prefix (/api) keeps it.
    const prefix = base.pathname.replace(/\/+$/, '');
    const url = new URL(base.toString());
    const [p, q] = path.split(/\?(.*)/s, 2) as [string, string | undefined];
    url.pathname = `${prefix}${p.startsWith('/') ? p : `/${p}`}`;
    url.search = q ? `?${q}` : '';
    return url;
  }

  /**
   * One request; a 429 (rate limited) is retried after the server's Retry-After, at most RATE_LIMIT_RETRIES times
   * and only when the wait it asks for is at most MAX_RETRY_WAIT_MS: a scan never hammers a product nor stalls on it.
   */
  private async request(spec: RequestSpec): Promise<RawAnswer | TransportError> {
    for (let attempt = 0; ; attempt++) {
      const answer = await this.follow(spec);
      if ('kind' in answer || answer.status !== 429) return answer;
      const wait = retryAfterMs(answer.headers['retry-after'], Date.now());
      if (attempt >= RATE_LIMIT_RETRIES || wait === undefined || wait > MAX_RETRY_WAIT_MS) {
        const after = wait === undefined ? 'no usable Retry-After' : `Retry-After ${Math.ceil(wait / 1000)} s`;
        return {
          kind: 'other',
          message:
            `HTTP 429: rate limited (${after}; ${attempt} retries, ` + `waits capped at ${MAX_RETRY_WAIT_MS / 1000} s)`,
        };
      }
      await new Promise((r) => setTimeout(r, wait));
    }
  }

  /**
   * One request, following redirects only to the same origin (never to another host, never https -> http). A request
   * that a reused keep-alive socket reset before any answer (the server closed the idle connection as it was sent) is
   * sent once more on a new connection when it is a GET or HEAD or a search marked retry-safe, never when it is a
   * Splunk export; a second failure is the answer.
   */
  private async follow(spec: RequestSpec): Promise<RawAnswer | TransportError> {
    const { method, payload, endpoint } = spec;
    let current = spec.url;
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      let answer = await this.once({ ...spec, url: current }, false);
      if ('stale' in answer) {
        // A Splunk export starts a search job on any method (GET probes too): a reset one is reported, not repeated.
        const retry = !SEARCH_EXPORT.test(current.pathname) && (method !== 'POST' || payload?.retrySafe === true);
        answer = retry ? await this.once({ ...spec, url: current }, true) : answer;
        if ('stale' in answer) answer = answer.stale;
      }
      if ('kind' in answer) return answer;
      if (answer.status < 300 || answer.status >= 400 || answer.status === 304 || !answer.location) return answer;
      // A search is never re-sent elsewhere: the allow-list was checked for this path only.
      if (method === 'POST')
        return {
          kind: 'other',
          message:
            `HTTP ${answer.status}: the search endpoint redirected; socready does not follow redirects for ` +
            'searches',
        };
      let next: URL;
      try {
        next = new URL(answer.location, current);
      } catch {
        return { kind: 'other', message: `HTTP ${answer.status}: unusable redirect` };
      }
      if (next.origin !== endpoint.base.origin) {
        return {
          kind: 'other',
          message:
            `HTTP ${answer.status}: redirect to another origin (${next.protocol}//${next.host}) refused; the ` +
            `credential is sent to ${endpoint.base.origin} only`,
        };
      }
      current = next;
    }
    return { kind: 'other', message: `more than ${MAX_REDIRECTS} redirects` };
  }

  /** One request; `fresh`: on a connection of its own, never a kept-alive one. */
  private once(spec: RequestSpec, fresh: boolean): Promise<RawAnswer | TransportError | StaleSocket> {
    const { url, method, accept, timeoutMs, maxBytes, payload, endpoint } = spec;
    const insecure = Boolean(this.target.api?.insecure_tls);
    const headers: Record<string, string> = { accept, 'user-agent': 'socready (read-only audit)' };
    // The credential of the endpoint the URL belongs to, and only to that origin.
    if (endpoint.authorization && url.origin === endpoint.base.origin) headers.authorization = endpoint.authorization;
    if (payload) {
      headers['content-type'] = payload.type;
      headers['content-length'] = String(Buffer.byteLength(payload.body));
    }
    const options = {
      method,
      headers,
      timeout: timeoutMs,
      ...(url.protocol === 'https:' ? { rejectUnauthorized: !insecure } : {}),
      // agent: false is a one-off agent, so a new connection (Node's global agent keeps connections alive).
      ...(fresh ? { agent: false as const } : {}),
    };
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve) => {
      let settled = false;
      let answered = false;
      const done = (v: RawAnswer | TransportError | StaleSocket) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(v);
      };
      const req = send(url, options, (res) => {
        answered = true;
        const chunks: Buffer[] = [];
        let size = 0;
        let truncated = false;
        const tls = tlsNote(res, insecure);
        res.on('data', (chunk: Buffer) => {
          if (truncated) return;
          const room = maxBytes - size;
          if (chunk.length > room) {
            chunks.push(chunk.subarray(0, room));
            size = maxBytes;
            truncated = true;
            // The cap is reached: stop reading instead of downloading the rest.
            finish();
            res.destroy();
            return;
          }
          chunks.push(chunk);
          size += chunk.length;
        });
        const finish = () =>
          done({
            status: res.statusCode ?? 0,
            statusText: res.statusMessage ?? '',
            headers: res.headers,
            body: Buffer.concat(chunks),
            truncated,
            tls,
            ...(typeof res.headers.location === 'string' ? { location: res.headers.location } : {}),
          });
        res.on('end', finish);
        res.on('error', (e: NodeJS.ErrnoException) => (truncated ? finish() : done(classifyRequestError(e, url))));
        // A connection that closes mid-answer must not pass for a complete (shorter) answer.
        res.on('close', () =>
          truncated || res.complete
            ? finish()
            : done({ kind: 'other', message: `${url.origin}: the connection closed before the answer was complete` }),
        );
      });
      // A whole-request deadline: the socket timeout alone restarts on every trickled byte.
      const timer = setTimeout(() => {
        done({
          kind: 'timeout',
          message: `${method} ${url.origin}${url.pathname} did not answer within ${timeoutMs} ms`,
        });
        req.destroy();
      }, timeoutMs);
      req.on('timeout', () => {
        done({
          kind: 'timeout',
          message: `${method} ${url.origin}${url.pathname} did not answer within ${timeoutMs} ms`,
        });
        req.destroy();
      });
      req.on('error', (e: NodeJS.ErrnoException) => {
        const error = classifyRequestError(e, url);
        const stale = req.reusedSocket && !answered && STALE_SOCKET_CODES.has(e.code ?? '');
        done(stale ? { stale: error } : error);
      });
      req.end(payload?.body);
    });
  }
}

/** What the API root says about the product, for the report's target line (best effort, never an error). */
export function identify(product: string, body: string, base: URL): HostInfo {
  const found = productNamed(product)?.identify(body) ?? {};
  return { platform: 'unknown', hostname: found.hostname ?? base.hostname, ...(found.os ? { os: found.os } : {}) };
}
