// Parsers of the live web probes (kind live in checks/probes/web.yaml): what the TLS handshakes from outside showed
// and where the canary POST and the WAF probe landed. They normalise each URL's result into facts and write one line
// per URL explaining it; the checks in checks/web/live.yaml decide pass, warn, fail or inconclusive over those facts.
import { type Facts, InconclusiveError } from '../../checks/types.js';
import type { ProbeResult } from '../../transport/types.js';
import { firstCut } from '../../util/canary-text.js';
import type { LiveProbeResult } from '../../web/canary.js';
import type { TlsInspection } from '../../web/tls.js';
import { defineParser, type ParserModule } from '../define.js';
import { siemArrivalText } from '../linux/canary.js';

export type CertOwner = 'this-server' | 'interception-ca' | 'elsewhere' | 'unknown';
export type TlsResult = TlsInspection & { owner: CertOwner };

/** The document the tls-handshake live probe answers. */
export interface TlsDocument {
  urls: TlsResult[];
}

/** The document the body-canary and waf-probe live probes answer. */
export interface LandingDocument {
  /** A host (web.host) was reachable to read the logs from. */
  has_host: boolean;
  probes: LiveProbeResult[];
  /** body-canary only: the long canaries (over 8 KB) sent after the short ones. */
  long?: LiveProbeResult[];
  /** body-canary only: the places the canaries were followed to (the web host's syslog collector and SIEM). */
  trace?: { collector: string; siem?: string; max_wait_ms: number; errors: string[] };
}

function documentOf<T>(outputs: Record<string, ProbeResult>, id: string): T {
  const r = outputs[id];
  if (!r || r.data === undefined) throw new InconclusiveError(`${id}: not sent`);
  return r.data as T;
}

function ownerText(owner: CertOwner): string {
  switch (owner) {
    case 'this-server':
      return 'is one this server is configured with';
    case 'interception-ca':
      return 'is issued by the TLS-interception CA';
    case 'elsewhere':
      return 'is not one this server is configured with (TLS ends elsewhere)';
    default:
      return 'could not be compared with the configuration (no host access or no certificate paths)';
  }
}

function tlsFacts(outputs: Record<string, ProbeResult>): Facts {
  const { urls } = documentOf<TlsDocument>(outputs, 'tls-handshake');
  const why = { handshake: [] as string[], trust: [] as string[], owner: [] as string[] };
  const facts = urls.map((r) => {
    const expired = (r.days_left ?? 0) < 0;
    const selfSigned = r.leaf?.self_signed === true;
    if (!r.ok) {
      why.handshake.push(`${r.url}: ${r.error}`);
      why.trust.push(`${r.url}: no handshake`);
      why.owner.push(`${r.url}: no handshake`);
    } else {
      why.handshake.push(`${r.url}: ${r.protocol} ${r.cipher ?? ''}`.trim());
      why.trust.push(
        `${r.url}: ` +
          (`${r.authorized ? 'trusted' : `untrusted (${r.authorization_error ?? 'unknown'})`}` +
            `${selfSigned ? ', self-signed' : ''}`) +
          `${expired ? ', expired' : ''}; subject ${r.leaf?.subject}; issuer ${r.leaf?.issuer}`,
      );
      why.owner.push(`${r.url}: certificate ${ownerText(r.owner)}`);
    }
    return {
      url: r.url,
      ok: r.ok,
      protocol: r.protocol ?? null,
      modern: r.ok && /^TLSv1\.[23]$/.test(r.protocol ?? ''),
      authorized: r.authorized === true,
      self_signed: selfSigned,
      expired,
      days_left: r.days_left ?? null,
      // A certificate without a known end date is not reported as expiring.
      expires_soon: (r.days_left ?? 99) < 14,
      owner: r.ok ? r.owner : 'unknown',
      subject: r.leaf?.subject ?? null,
      issuer: r.leaf?.issuer ?? null,
      error: r.error ?? null,
      // The handshake's answer for this URL, in one line: what decided its verdict.
      at: {
        probe: 'tls-handshake',
        text: r.ok
          ? `${r.url}: ${r.protocol ?? 'unknown protocol'}; ` +
            `${r.authorized ? 'trusted' : `untrusted (${r.authorization_error ?? 'unknown'})`}` +
            `${selfSigned ? ', self-signed' : ''}${expired ? ', expired' : ''}` +
            `${r.days_left !== undefined ? `, ${r.days_left} day(s) left` : ''}; certificate ${ownerText(r.owner)}`
          : `${r.url}: no handshake (${r.error})`,
      },
    };
  });
  return {
    urls: facts,
    why: { handshake: why.handshake.join('; '), trust: why.trust.join('; '), owner: why.owner.join('; ') },
  };
}

/** Why a landing cannot be decided from the logs, when it cannot. */
function unreadable(r: LiveProbeResult, hasHost: boolean): string | undefined {
  if (!hasHost) return 'no host to read the logs from: set `web.host` to the ssh/local target that holds them';
  if (r.logs.length === 0) return 'no log file known: set `web.log_paths` or let socready read the configuration';
  if (r.logs.every((l) => l.read_error))
    return `no log could be read: ${r.logs.map((l) => `${l.path}: ${l.read_error}`).join('; ')}`;
  return undefined;
}

function landingSummary(r: LiveProbeResult) {
  return {
    marker: r.marker,
    status: r.request.status,
    found_in: r.found_in,
    body_logged: r.body_logged,
    username_logged: r.username_logged,
    fake_credential: r.fake_credential,
    rule_ids: r.rule_ids,
    blocked: r.blocked,
    first_seen_ms: r.first_seen_ms ?? null,
    fields: r.logs.flatMap((l) => l.hits.flatMap((h) => h.fields.map((f) => `${l.path}: ${f}`))),
    unreadable: r.logs.filter((l) => l.read_error).map((l) => `${l.path}: ${l.read_error}`),
  };
}

/** What became of one canary's fake password, in words (the password itself is never quoted). */
function passwordReason(r: LiveProbeResult, failed: boolean, unreadableWhy: string | undefined): string {
  const where = (state: string) =>
    r.logs
      .filter((l) => l.hits.some((h) => h.fake_credential === state))
      .map((l) => l.path)
      .join(', ');
  if (failed) return `${r.request.url}: request failed: ${r.request.error}`;
  if (r.fake_credential === 'clear') return `${r.marker}: the test password is in clear text in ${where('clear')}`;
  if (r.fake_credential === 'masked') return `${r.marker}: the password field is masked in ${where('masked')}`;
  if (r.fake_credential === 'absent')
    return `${r.marker}: the lines that carry the canary (${r.found_in.join(', ')}) do not hold the password`;
  return (
    `${r.marker}: ` +
    (unreadableWhy ??
      `found in no log read (${r.logs.map((l) => l.path).join(', ') || 'none'}), so the ` +
        "password's fate cannot be seen")
  );
}

/** Every log that was read for the markers. */
function readLogs(results: LiveProbeResult[]): string[] {
  return [...new Set(results.flatMap((r) => r.logs.map((l) => l.path)))];
}

/**
 * The log lines that carried the markers, each with the log it was read from (the line number of a tail is unknown).
 */
function landingLines(results: LiveProbeResult[]): { file: string; text: string }[] {
  return results
    .flatMap((r) => r.logs.flatMap((l) => l.hits.map((h) => ({ file: l.path, text: h.excerpt }))))
    .slice(0, 12);
}

function canaryFacts(outputs: Record<string, ProbeResult>): Facts {
  const doc = documentOf<LandingDocument>(outputs, 'body-canary');
  const reasons: string[] = [];
  const passwords: string[] = [];
  const probes = doc.probes.map((r) => {
    const failed = Boolean(r.request.error && r.request.status === null);
    const u = unreadable(r, doc.has_host);
    // Nothing found and nothing readable: the logs cannot say whether the request landed.
    const undecided = failed || (r.found_in.length === 0 && u !== undefined);
    if (failed) reasons.push(`${r.request.url}: request failed: ${r.request.error}`);
    else if (undecided) reasons.push(`${r.marker}: ${u}`);
    else if (!r.request_logged)
      reasons.push(`${r.marker}: not found in any log read (${r.logs.map((l) => l.path).join(', ')})`);
    else if (!r.body_logged)
      reasons.push(`${r.marker}: the request was logged in ${r.found_in.join(', ')} but not its body`);
    else reasons.push(`${r.marker}: body logged in ${r.found_in.join(', ')} after ${r.first_seen_ms} ms`);
    passwords.push(passwordReason(r, failed, undecided ? u : undefined));
    return { ...landingSummary(r), request_failed: failed, undecided, request_logged: r.request_logged };
  });
  const sent = doc.probes.map((r) => `${r.request.method} ${r.request.url} (${r.marker})`);
  const shortBody = doc.probes.some((r) => r.body_logged);
  const long = (doc.long ?? []).map((r) => {
    const cut = longCut(r, shortBody);
    const failed = Boolean(r.request.error && r.request.status === null);
    return {
      marker: r.marker,
      sent_bytes: r.long?.sent_bytes ?? null,
      body_logged: r.body_logged,
      whole_in_log: r.long?.whole_in_log ?? false,
      cut_at: cut.cut_at,
      cut: cut.cut_at !== null,
      // Whole along the path that was read: nothing cut and the body seen somewhere whole.
      whole: cut.cut_at === null && r.body_logged && r.long?.whole_in_log === true,
      undecided: failed || !r.request_logged || (!r.body_logged && !shortBody),
      why: cut.why,
    };
  });
  const arrival = [...doc.probes, ...(doc.long ?? [])].map(arrivalFacts);
  const traceErrors = doc.trace?.errors.length ? `; ${doc.trace.errors.join('; ')}` : '';
  return {
    long,
    why_long: long.map((l) => l.why).join('; ') || 'no long canary was sent',
    traced: doc.trace !== undefined,
    trace_collector: doc.trace?.collector ?? null,
    trace_siem: doc.trace?.siem ?? null,
    max_wait_ms: doc.trace?.max_wait_ms ?? null,
    arrival,
    why_arrival: arrival.map((a) => a.why).join('; ') + traceErrors,
    probes,
    why: reasons.join('; '),
    why_password: passwords.join('; '),
    lines: landingLines(doc.probes),
    sent,
    read: readLogs(doc.probes),
  };
}

/** Where along the path a long canary's body was cut, or null when it stayed whole or nothing can be said. */
function longCut(r: LiveProbeResult, shortBodyLogged: boolean): { cut_at: string | null; why: string } {
  const sent = `${r.marker} (${r.long?.sent_bytes ?? '?'}-byte body)`;
  if (r.request.error && r.request.status === null) return { cut_at: null, why: `${sent}: request failed` };
  if (!r.request_logged) return { cut_at: null, why: `${sent}: not found in any log read` };
  if (!r.body_logged) {
    if (!shortBodyLogged) return { cut_at: null, why: `${sent}: no body is logged at all (see the short canary)` };
    return {
      cut_at: 'server-log-empty-body',
      why:
        `${sent}: the short canary's body was logged but this one's was not: a body larger than nginx's ` +
        'client_body_buffer_size is read to a temporary file and $request_body is logged empty',
    };
  }
  if (!r.long?.whole_in_log)
    return {
      cut_at: 'server-log',
      why: `${sent}: the body was cut in the server's own log (${r.found_in.join(', ')})`,
    };
  const c = r.trace?.collector;
  const s = r.trace?.siem;
  // Past the server's log, the same first-cut rule as every canary's path (src/util/canary-text.ts).
  const cut = firstCut([
    { place: 'collector', seen: c?.arrived === true, ...(c?.whole !== undefined ? { whole: c.whole } : {}) },
    { place: 'siem', seen: s?.arrived === true, ...(s?.whole !== undefined ? { whole: s.whole } : {}) },
  ]);
  if (c && cut?.place === 'collector')
    return {
      cut_at: 'collector',
      why: `${sent}: whole in the server's log, cut on collector ${c.id} (${c.bytes} bytes from the marker on)`,
    };
  if (s && cut?.place === 'siem')
    return {
      cut_at: 'siem',
      why:
        `${sent}: whole up to ${c?.arrived ? `collector ${c.id}` : "the server's log"}, cut in SIEM ${s.target} ` +
        '(no value holding the marker ends with its end token: Splunk TRUNCATE, an ingest limit or ignore_above)',
    };
  const upTo = s?.arrived ? `SIEM ${s.target}` : c?.arrived ? `collector ${c.id}` : "the server's log";
  return { cut_at: null, why: `${sent}: whole up to ${upTo}` };
}

/** A canary's path past the server's log: on the collector and in the SIEM, or where it was last seen. */
function arrivalFacts(r: LiveProbeResult) {
  const c = r.trace?.collector;
  const s = r.trace?.siem;
  const failed = Boolean(r.request.error && r.request.status === null);
  const parts: string[] = [];
  if (failed) parts.push('request failed');
  if (c)
    parts.push(c.arrived ? `on collector ${c.id} in ${c.where} after ${c.latency_ms} ms` : `not on collector ${c.id}`);
  if (s) parts.push(siemArrivalText(s));
  const traced = r.trace && r.trace.last_seen !== 'planted' ? r.trace.last_seen : undefined;
  const lastSeen = traced ?? (r.request_logged ? `server log ${r.found_in.join(', ')}` : 'sent, in no log read');
  return {
    marker: r.marker,
    request_failed: failed,
    collector_declared: c !== undefined,
    collector_arrived: c?.arrived ?? null,
    collector_latency_ms: c?.latency_ms ?? null,
    siem_declared: s !== undefined,
    siem_arrived: s?.arrived ?? null,
    siem_decided: s ? s.arrived || !s.error : null,
    siem_latency_ms: s?.latency_ms ?? null,
    siem_fields: s?.fields ?? [],
    last_seen: lastSeen,
    why: `${r.marker}: ${parts.join('; ')}; last seen: ${lastSeen}`,
  };
}

function wafFacts(outputs: Record<string, ProbeResult>): Facts {
  const doc = documentOf<LandingDocument>(outputs, 'waf-probe');
  const reasons: string[] = [];
  const probes = doc.probes.map((r) => {
    const failed = Boolean(r.request.error && r.request.status === null);
    const u = unreadable(r, doc.has_host);
    const rules = r.rule_ids.length > 0 ? `rules ${r.rule_ids.join(', ')}` : 'no rule ids';
    if (failed) reasons.push(`${r.request.url}: request failed: ${r.request.error}`);
    else if (r.blocked && r.detected)
      reasons.push(`${r.marker}: blocked (HTTP ${r.request.status}) and logged with ${rules}`);
    else if (r.blocked)
      reasons.push(
        `${r.marker}: blocked (HTTP ${r.request.status}) but ${u ?? 'no audit record with the marker was found'}`,
      );
    else if (r.detected)
      reasons.push(`${r.marker}: detected (${rules}) but not blocked (HTTP ${r.request.status}): detection only`);
    else {
      reasons.push(
        `${r.marker}: not blocked (HTTP ${r.request.status}) and ` +
          `${u ?? `no WAF record (${r.found_in.length > 0 ? `only in ${r.found_in.join(', ')}` : 'in no log'})`}`,
      );
    }
    return { ...landingSummary(r), request_failed: failed, detected: r.detected, logs_unreadable: u !== undefined };
  });
  const sent = doc.probes.map((r) => `${r.request.method} ${r.request.url} → HTTP ${r.request.status ?? 'no answer'}`);
  return { probes, why: reasons.join('; '), lines: landingLines(doc.probes), sent, read: readLogs(doc.probes) };
}

const TLS_URL_FACTS = [
  'url',
  'ok',
  'protocol',
  'modern',
  'authorized',
  'self_signed',
  'expired',
  'days_left',
  'expires_soon',
  'owner',
  'subject',
  'issuer',
  'error',
];
const LANDING_FACTS = [
  'marker',
  'status',
  'found_in',
  'body_logged',
  'username_logged',
  'fake_credential',
  'rule_ids',
  'blocked',
  'first_seen_ms',
  'fields',
  'unreadable',
  'request_failed',
];

export const liveParserModules: readonly ParserModule[] = [
  defineParser({
    name: 'web-tls',
    probes: ['tls-handshake'],
    facts: [...TLS_URL_FACTS.map((f) => `urls[].${f}`), 'why.handshake', 'why.trust', 'why.owner'],
    parse: tlsFacts,
  }),
  defineParser({
    name: 'web-body-canary',
    probes: ['body-canary'],
    facts: [
      ...LANDING_FACTS.map((f) => `probes[].${f}`),
      'probes[].undecided',
      'probes[].request_logged',
      ...['marker', 'sent_bytes', 'body_logged', 'whole_in_log', 'cut_at', 'cut', 'whole', 'undecided', 'why'].map(
        (f) => `long[].${f}`,
      ),
      'why_long',
      'traced',
      'trace_collector',
      'trace_siem',
      'max_wait_ms',
      ...[
        'marker',
        'request_failed',
        'collector_declared',
        'collector_arrived',
        'collector_latency_ms',
        'siem_declared',
        'siem_arrived',
        'siem_decided',
        'siem_latency_ms',
        'siem_fields',
        'last_seen',
        'why',
      ].map((f) => `arrival[].${f}`),
      'why_arrival',
      'why',
      'why_password',
      'lines',
      'sent',
      'read',
    ],
    parse: canaryFacts,
  }),
  defineParser({
    name: 'web-waf-probe',
    probes: ['waf-probe'],
    facts: [
      ...LANDING_FACTS.map((f) => `probes[].${f}`),
      'probes[].detected',
      'probes[].logs_unreadable',
      'why',
      'lines',
      'sent',
      'read',
    ],
    parse: wafFacts,
  }),
];
