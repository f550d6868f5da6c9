// The live probes behind --active: a body-logging canary POST and a WAF detection probe. Each request carries unique
// tokens; afterwards the server's logs are read (tail only, capped) through the host transport to see where they
// landed.
import { createHash, randomBytes } from 'node:crypto';
import type { Transport } from '../transport/types.js';
import { type ProbeResponse, type RateLimiter, sendProbe } from './http.js';
import { findMarker, type MarkerHit, type ProbeTokens } from './logs.js';
import type { CanaryMarkerTrace } from '../model.js';
import { lengthMarkedCanary, measureCanary } from '../util/canary-text.js';

/**
 * Body bytes of the long canary: above rsyslog's 8096-byte maxMessageSize, nginx's 16k client_body_buffer_size
 * (64-bit default), Splunk's TRUNCATE=10000 and syslog-ng's 64 KiB log-msg-size is not reached on purpose (a
 * request that large may trip upload limits); Elasticsearch's ignore_above 256 is crossed by any body.
 */
export const WEB_LONG_CANARY_BYTES = 20_000;

export interface LogSource {
  path: string;
  /** Where the path came from: the inventory, or the configuration directive that names it. */
  origin: string;
}

export interface LogLanding {
  path: string;
  origin: string;
  read_error?: string;
  /** Only the last `bytes_read` bytes were read. */
  truncated: boolean;
  bytes_read: number;
  hits: MarkerHit[];
  /** From sending the request to first seeing the marker in this log. */
  latency_ms?: number;
  /** A long canary's end token was in this log too: its body was logged whole. */
  whole?: boolean;
  /** A long canary (length-marked, src/util/canary-text.ts): how many of its characters this log holds. */
  chars?: number;
}

/** One request socready sent, listed in the report so the blue team can find it in their own tools. */
export interface ProbeRecord {
  kind: 'canary' | 'waf';
  time: string;
  method: string;
  url: string;
  marker: string;
  status: number | null;
  duration_ms: number;
  error?: string;
  redirect?: { location: string; other_host: boolean };
}

export interface LiveProbeResult {
  kind: 'canary' | 'waf';
  marker: string;
  request: ProbeRecord;
  logs: LogLanding[];
  found_in: string[];
  request_logged: boolean;
  body_logged: boolean;
  username_logged: boolean;
  /** What became of the fake password: in clear, masked, not logged, or unknown (nothing found). */
  fake_credential: 'clear' | 'masked' | 'absent' | 'unknown';
  rule_ids: string[];
  /** 403 from the server or an audit record saying "Intercepted". */
  blocked: boolean;
  /** Some rule (other than CRS 920350, numeric Host header) matched the request in a log that was read. */
  detected: boolean;
  first_seen_ms?: number;
  /**
   * The long body canary: bytes of the POST body sent, the characters of its length-marked field, whether some log
   * read holds it whole, and the most of its characters a server log holds.
   */
  long?: { sent_bytes: number; sent_chars?: number; whole_in_log: boolean; log_chars?: number };
  /** Where the canary was followed after the server's own logs: its collector and its SIEM (collect/trace.ts). */
  trace?: CanaryMarkerTrace;
}

export interface LiveProbeOptions {
  transport?: Transport;
  sources: LogSource[];
  limiter: RateLimiter;
  timeoutMs: number;
  /** How long to wait for the marker to show in the logs. */
  logWaitMs: number;
  pollMs: number;
  maxLogBytes: number;
  sudo?: boolean;
}

/** Reads each log's tail until every one shows the marker or the wait is over; latency is measured per log. */
export async function watchLogs(tokens: ProbeTokens, sentAt: number, o: LiveProbeOptions): Promise<LogLanding[]> {
  const landings = new Map<string, LogLanding>(
    o.sources.map((s) => [s.path, { path: s.path, origin: s.origin, truncated: false, bytes_read: 0, hits: [] }]),
  );
  if (!o.transport || o.sources.length === 0) return [...landings.values()];
  const deadline = sentAt + o.logWaitMs;
  for (;;) {
    const pending = [...landings.values()].filter((l) => l.hits.length === 0 && !l.read_error);
    for (const l of pending) {
      const r = await o.transport.readFile(l.path, {
        tail: true,
        maxBytes: o.maxLogBytes,
        timeoutMs: o.timeoutMs,
        sudo: o.sudo,
      });
      if (r.error) {
        l.read_error = `${r.error.kind}: ${r.error.message}`;
        continue;
      }
      l.bytes_read = Buffer.byteLength(r.stdout);
      l.truncated = r.truncated;
      const hits = findMarker(r.stdout, tokens);
      if (hits.length > 0) {
        l.hits = hits;
        l.latency_ms = Date.now() - sentAt;
        if (tokens.end) {
          // A length-marked body is measured against its own text; the end token alone decides otherwise.
          const measured = measureCanary(r.stdout, tokens.marker);
          l.whole = measured ? measured.whole : r.stdout.includes(tokens.end);
          if (measured) l.chars = measured.chars;
        }
      }
    }
    const still = [...landings.values()].some((l) => l.hits.length === 0 && !l.read_error);
    if (!still || Date.now() >= deadline) break;
    await new Promise((r) => setTimeout(r, o.pollMs));
  }
  return [...landings.values()];
}

function record(
  kind: ProbeRecord['kind'],
  method: string,
  url: URL,
  marker: string,
  sentAt: number,
  res: ProbeResponse,
): ProbeRecord {
  return {
    kind,
    time: new Date(sentAt).toISOString(),
    method,
    url: url.toString(),
    marker,
    status: res.status,
    duration_ms: res.durationMs,
    ...(res.error ? { error: res.error } : {}),
    ...(res.redirect ? { redirect: res.redirect } : {}),
  };
}

function summarise(
  kind: LiveProbeResult['kind'],
  marker: string,
  req: ProbeRecord,
  logs: LogLanding[],
  hasPassword: boolean,
): LiveProbeResult {
  const hits = logs.flatMap((l) => l.hits);
  const passwords = hits.map((h) => h.fake_credential);
  const rule = new Set(hits.flatMap((h) => h.rule_ids));
  const latencies = logs.map((l) => l.latency_ms).filter((x): x is number => x !== undefined);
  return {
    kind,
    marker,
    request: req,
    logs,
    found_in: logs.filter((l) => l.hits.length > 0).map((l) => l.path),
    request_logged: hits.length > 0,
    body_logged: hits.some((h) => h.carried.body),
    username_logged: hits.some((h) => h.carried.username),
    fake_credential:
      !hasPassword || hits.length === 0
        ? 'unknown'
        : passwords.includes('clear')
          ? 'clear'
          : passwords.includes('masked')
            ? 'masked'
            : 'absent',
    rule_ids: [...rule].sort(),
    blocked: req.status === 403 || hits.some((h) => h.intercepted === true),
    // A rule must have matched; CRS 920350 only says the probe was sent to a numeric Host, which is our doing.
    detected: [...rule].some((id) => id !== '920350'),
    ...(latencies.length > 0 ? { first_seen_ms: Math.min(...latencies) } : {}),
  };
}

/**
 * The part of every marker that names the target: a run sends the same numbered requests to each target, and
 * several targets may write into one log (`other_vhosts_access.log`, a shared body log), so a marker must say whose
 * request a line is, or one target's line is credited to another. Hex of fixed length: safe in a URL path and a regex.
 */
export function targetTag(targetId: string): string {
  return createHash('sha256').update(targetId).digest('hex').slice(0, 8);
}

/** A probe marker, unique per run, per target and per request. */
export function probeMarker(kind: 'canary' | 'waf', runId: string, targetId: string, n: number): string {
  return `socready-${kind}-${runId}-${targetTag(targetId)}-${n}`;
}

export interface CanaryTarget {
  base: URL;
  /** Login endpoint declared in the inventory; otherwise a path that does not exist is used. */
  login?: { path: string; username_field: string; password_field?: string };
}

/**
 * Body-logging canary: one form POST whose username, an extra field and the query string each carry a distinct token,
 * and whose password field holds a random fake password. Nothing else is sent; redirects are not followed.
 */
export async function runCanary(
  t: CanaryTarget,
  marker: string,
  o: LiveProbeOptions,
  /** Total body bytes for the long canary: a filler field ends the body with `<marker>-END`. */
  longBytes?: number,
): Promise<LiveProbeResult> {
  const userField = t.login?.username_field ?? 'username';
  const passField = t.login?.password_field ?? 'password';
  const tokens: ProbeTokens = {
    marker,
    request: `${marker}-url`,
    username: `${marker}-user`,
    body: `${marker}-body`,
    password: `SrFake-${randomBytes(6).toString('hex')}`,
    passwordField: passField,
    ...(longBytes ? { end: `${marker}-END` } : {}),
  };
  const declared = new URL(t.login?.path ?? marker, t.base);
  // The canary goes to the target itself and nowhere else, whatever the inventory's path says.
  const url = declared.origin === new URL(t.base).origin ? declared : new URL(marker, t.base);
  url.searchParams.set('socready_probe', tokens.request);
  const form = new URLSearchParams({
    [userField]: tokens.username!,
    [passField]: tokens.password!,
    socready_canary: tokens.body!,
  }).toString();
  const pad = longBytes ? longField(form, marker, longBytes) : undefined;
  const body = pad ? `${form}${pad.field}` : form;
  await o.limiter.wait();
  const sentAt = Date.now();
  const res = await sendProbe({
    method: 'POST',
    url,
    body,
    timeoutMs: o.timeoutMs,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'user-agent': `socready-canary (${marker})`,
      accept: '*/*',
    },
  });
  const req = record('canary', 'POST', url, marker, sentAt, res);
  const logs = await watchLogs(tokens, sentAt, o);
  const result = summarise('canary', marker, req, logs, true);
  if (pad) {
    const held = logs.map((l) => l.chars).filter((n): n is number => n !== undefined);
    result.long = {
      sent_bytes: Buffer.byteLength(body),
      sent_chars: pad.chars,
      whole_in_log: logs.some((l) => l.whole === true),
      ...(held.length > 0 ? { log_chars: Math.max(...held) } : {}),
    };
  }
  return result;
}

/**
 * The long canary's last form field, making the body `bytes` long in all: a length-marked canary (its spaces as `+`,
 * URL-safe), so a cut copy anywhere along the path shows how many of its characters it holds, ending with the token.
 */
export function longField(form: string, marker: string, bytes: number): { field: string; chars: number } {
  const name = '&socready_pad=';
  const chars = Math.max(0, bytes - form.length - name.length);
  return { field: `${name}${lengthMarkedCanary(marker, chars, 'web body canary', '+')}`, chars };
}

/**
 * WAF detection probe: a GET to a path that does not exist with a SQL-injection-shaped query value that the OWASP CRS
 * flags (libinjection, rule 942100) but that no application ever receives as a real query.
 */
export async function runWafProbe(base: URL, marker: string, o: LiveProbeOptions): Promise<LiveProbeResult> {
  const tokens: ProbeTokens = { marker, request: `${marker}-url` };
  const url = new URL(marker.replace('socready-waf-', 'socready-waf-probe-'), base);
  url.searchParams.set('socready_probe', tokens.request);
  url.searchParams.set('id', "1' OR '1'='1");
  await o.limiter.wait();
  const sentAt = Date.now();
  const res = await sendProbe({
    method: 'GET',
    url,
    timeoutMs: o.timeoutMs,
    headers: { 'user-agent': `socready-waf-probe (${marker})`, accept: '*/*' },
  });
  const req = record('waf', 'GET', url, marker, sentAt, res);
  const logs = await watchLogs(tokens, sentAt, o);
  return summarise('waf', marker, req, logs, false);
}
