// Facts of the `web-log-sample` probe: per log file of a web target (as its configuration names them) the volume of
// its rotation family, and from a bounded tail of each access log the rates that drive growth: requests per day, the
// share with a body (POST/PUT/PATCH), mean logged request body and response sizes, and the share of body requests on
// login and API paths (what logging bodies only there would keep). The sampled lines never leave this module.
import { InconclusiveError } from '../checks/types.js';
import type { ProbeResult } from '../transport/types.js';
import { type SourceVolume, volumesBySource } from './logstat.js';
import type { Rate } from './linux-volume.js';
import { lineTime } from './timestamps.js';
import { type Basis, basis, joinBases, verbatim } from './basis.js';

/** The live probe's answer (src/web/source.ts): per log, the LOG_STAT_SH records and a bounded tail. */
export interface LogSampleDocument {
  has_host: boolean;
  logs: { path: string; origin: string; stat: string; sample: string; error?: string }[];
}

export interface RequestLine {
  time?: number;
  method: string;
  path: string;
  /** Logged request body length, request length or Content-Length, when the format records one. */
  request_bytes?: number;
  request_bytes_kind?: 'body' | 'request_length' | 'content_length';
  response_bytes?: number;
}

const COMBINED = /^\S+ \S+ \S+ \[[^\]]+\] "([A-Z]+) (\S+)[^"]*" (\d{3}) (\d+|-)/;
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);
/** Paths where credentials and API payloads arrive: the bodies detection needs most. */
export const LOGIN_API_PATH = /\/(login|signin|sign-in|logon|auth|oauth|session|token|api)(\/|\?|$|\.|-)/i;

const num = (v: unknown): number | undefined => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : Number.NaN;
  return Number.isFinite(n) ? n : undefined;
};

/** One access-log line (combined/common format, or a JSON line with the usual nginx/Apache field names). */
export function parseRequestLine(line: string): RequestLine | undefined {
  const text = line.trim();
  if (text.startsWith('{')) {
    let o: Record<string, unknown>;
    try {
      o = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return undefined;
    }
    const req = String(o.request ?? o.req ?? '');
    const method = String(o.method ?? o.request_method ?? req.split(' ')[0] ?? '');
    const path = String(o.uri ?? o.request_uri ?? o.path ?? req.split(' ')[1] ?? '');
    if (!/^[A-Z]+$/.test(method)) return undefined;
    const body = o.body ?? o.request_body ?? o.req_body;
    const out: RequestLine = { method, path, time: lineTime(text) };
    if (typeof body === 'string' && body !== '-') {
      out.request_bytes = Buffer.byteLength(body);
      out.request_bytes_kind = 'body';
    } else if (num(o.content_length ?? o.http_content_length) !== undefined) {
      out.request_bytes = num(o.content_length ?? o.http_content_length);
      out.request_bytes_kind = 'content_length';
    } else if (num(o.request_length) !== undefined) {
      out.request_bytes = num(o.request_length);
      out.request_bytes_kind = 'request_length';
    }
    const sent = num(o.body_bytes_sent ?? o.bytes_sent ?? o.bytes ?? o.response_bytes);
    if (sent !== undefined) out.response_bytes = sent;
    return out;
  }
  const m = COMBINED.exec(text);
  if (!m) return undefined;
  return {
    method: m[1]!,
    path: m[2]!,
    time: lineTime(text),
    ...(m[4] !== '-' ? { response_bytes: Number(m[4]) } : { response_bytes: 0 }),
  };
}

export interface RequestRates {
  sampled: number;
  sample_span_seconds: number | null;
  requests_per_day: Rate;
  body_requests_per_day: Rate;
  body_share: Rate;
  mean_request_body_bytes: Rate;
  mean_response_bytes: Rate;
  login_api_body_share: Rate;
}

/** The shortest sample a request rate is extrapolated from. */
const MIN_SAMPLE = { requests: 20, seconds: 10 };

const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
const fmt = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(1));

/** Rates of one access log's sampled lines; null with the reason where the sample cannot say. */
export function requestRates(lines: RequestLine[]): RequestRates {
  const none = (why: Basis): Rate => ({ value: null, basis: why });
  const noLine = basis('no request line in the sampled tail', 'サンプルした末尾にリクエスト行がない');
  const noBody = basis(
    'no POST/PUT/PATCH request in the sampled tail',
    'サンプルした末尾に POST/PUT/PATCH リクエストがない',
  );
  const times = lines.map((l) => l.time).filter((t): t is number => t !== undefined);
  const span = times.length > 1 ? (Math.max(...times) - Math.min(...times)) / 1000 : null;
  const bodies = lines.filter((l) => BODY_METHODS.has(l.method));
  const share = lines.length > 0 ? bodies.length / lines.length : null;
  const perDay =
    span !== null && span >= MIN_SAMPLE.seconds && times.length >= MIN_SAMPLE.requests
      ? ((times.length - 1) * 86_400) / span
      : null;
  const why =
    lines.length === 0
      ? noLine
      : basis(
          `${times.length} timed requests over ${span === null ? 'no' : fmt(span)} s: ` +
            `at least ${MIN_SAMPLE.requests} over ${MIN_SAMPLE.seconds} s are needed`,
          `時刻のあるリクエストが ${span === null ? '0' : fmt(span)} 秒で ${times.length} 件: ` +
            `${MIN_SAMPLE.seconds} 秒以上で ${MIN_SAMPLE.requests} 件以上が必要`,
        );
  const sized = bodies.filter((l) => l.request_bytes !== undefined);
  const kinds = [...new Set(sized.map((l) => l.request_bytes_kind))].join(', ');
  const responses = lines.filter((l) => l.response_bytes !== undefined).map((l) => l.response_bytes!);
  const loginApi = bodies.filter((l) => LOGIN_API_PATH.test(l.path)).length;
  return {
    sampled: lines.length,
    sample_span_seconds: span,
    requests_per_day:
      perDay !== null
        ? {
            value: perDay,
            basis: basis(
              `${times.length} requests in the sampled tail over ${fmt(span!)} s`,
              `サンプルした末尾の ${fmt(span!)} 秒に ${times.length} リクエスト`,
            ),
          }
        : none(why),
    body_requests_per_day:
      perDay !== null && share !== null
        ? {
            value: perDay * share,
            basis: basis(
              `requests per day × POST/PUT/PATCH share ${fmt(share * 100)}%`,
              `1 日あたりのリクエスト数 × POST/PUT/PATCH の割合 ${fmt(share * 100)}%`,
            ),
          }
        : none(why),
    body_share:
      share !== null
        ? {
            value: share,
            basis: basis(
              `${bodies.length} of ${lines.length} sampled requests are POST/PUT/PATCH`,
              `サンプルした ${lines.length} リクエストのうち ${bodies.length} 件が POST/PUT/PATCH`,
            ),
          }
        : none(noLine),
    mean_request_body_bytes:
      sized.length > 0
        ? {
            value: mean(sized.map((l) => l.request_bytes!)),
            basis: basis(
              `mean ${kinds} of ${sized.length} body requests`,
              `ボディを持つ ${sized.length} リクエストの ${kinds} の平均`,
            ),
          }
        : none(
            bodies.length === 0
              ? noBody
              : basis(
                  'the log format records no body, request length or Content-Length',
                  'ログ形式がボディ、リクエスト長、Content-Length のいずれも記録しない',
                ),
          ),
    mean_response_bytes:
      responses.length > 0
        ? {
            value: mean(responses),
            basis: basis(
              `mean bytes sent of ${responses.length} sampled responses`,
              `サンプルした ${responses.length} レスポンスの送信バイト数の平均`,
            ),
          }
        : none(basis('the log format records no response size', 'ログ形式がレスポンスサイズを記録しない')),
    login_api_body_share:
      bodies.length > 0
        ? {
            value: loginApi / bodies.length,
            basis: basis(
              `${loginApi} of ${bodies.length} body requests go to login/auth/API paths`,
              `ボディを持つ ${bodies.length} リクエストのうち ${loginApi} 件がログイン／認証／API のパス宛て`,
            ),
          }
        : none(noBody),
  };
}

const NO_LOG = basis('no access log sampled', 'アクセスログをサンプルしていない');

/** Sum of per-log rates (a request lands in one access log), shares weighted by each log's sample. */
function combine(all: RequestRates[]): RequestRates {
  if (all.length === 1) return all[0]!;
  const sum = (pick: (r: RequestRates) => Rate): Rate => {
    const known = all.map(pick).filter((r) => r.value !== null);
    if (known.length === 0) return all.map(pick)[0] ?? { value: null, basis: NO_LOG };
    return { value: known.reduce((s, r) => s + r.value!, 0), basis: joinBases(known.map((r) => r.basis)) };
  };
  const weighted = (pick: (r: RequestRates) => Rate): Rate => {
    const known = all.filter((r) => pick(r).value !== null && r.sampled > 0);
    if (known.length === 0) return all.map(pick)[0] ?? { value: null, basis: NO_LOG };
    const n = known.reduce((s, r) => s + r.sampled, 0);
    return {
      value: known.reduce((s, r) => s + pick(r).value! * r.sampled, 0) / n,
      basis: joinBases(known.map((r) => pick(r).basis)),
    };
  };
  return {
    sampled: all.reduce((s, r) => s + r.sampled, 0),
    sample_span_seconds: Math.max(...all.map((r) => r.sample_span_seconds ?? 0)),
    requests_per_day: sum((r) => r.requests_per_day),
    body_requests_per_day: sum((r) => r.body_requests_per_day),
    body_share: weighted((r) => r.body_share),
    mean_request_body_bytes: weighted((r) => r.mean_request_body_bytes),
    mean_response_bytes: weighted((r) => r.mean_response_bytes),
    login_api_body_share: weighted((r) => r.login_api_body_share),
  };
}

export interface WebVolume {
  logs: (SourceVolume & { origin: string })[];
  requests: RequestRates;
  measured: number;
}

export function webVolume(outputs: Record<string, ProbeResult>): { volume: WebVolume } {
  const r = outputs['web-log-sample'];
  if (!r || r.error) {
    throw new InconclusiveError(
      `web-log-sample: ${r?.error ? `${r.error.kind}: ${r.error.message}` : 'not collected'}`,
    );
  }
  const doc = r.data as LogSampleDocument | undefined;
  if (!doc?.has_host) throw new InconclusiveError('no web.host: the logs cannot be read');
  if (doc.logs.length === 0) throw new InconclusiveError('the configuration names no log file (set web.log_paths)');
  const logs = doc.logs.map((l) => {
    const v = volumesBySource(l.stat, [l.path])[0]!;
    const withError = l.error ? { basis: joinBases([v.basis, verbatim(l.error)]) } : {};
    return { ...v, source: l.path, origin: l.origin, ...withError };
  });
  const rates = doc.logs
    .map((l) => l.sample.split('\n').flatMap((line) => parseRequestLine(line) ?? []))
    .filter((lines) => lines.length > 0)
    .map(requestRates);
  return {
    volume: {
      logs,
      requests: rates.length > 0 ? combine(rates) : requestRates([]),
      measured: logs.filter((l) => l.bytes_per_day !== null).length,
    },
  };
}
