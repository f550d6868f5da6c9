// Shared helpers of the product API parsers: which product a target is, reading a JSON answer, the server's clock.
import { type Facts, InconclusiveError, ParseError } from '../../checks/types.js';
import type { ProbeResult } from '../../transport/types.js';

export type Outputs = Record<string, ProbeResult>;

/**
 * Product checks name probes of one product; the API source answers another product's probe with `unsupported`.
 * The facts then say `applicable: false` and the check's applies_if makes it not-applicable (not inconclusive).
 */
export function otherProduct(outputs: Outputs, probeIds: string[]): Facts | undefined {
  const answered = probeIds.filter((id) => outputs[id]?.error?.kind !== 'unsupported');
  return answered.length === 0 ? { applicable: false } : undefined;
}

/** A probe's answer as JSON; a failed request or an answer that cannot be read makes the check undecidable. */
export function readJson<T = unknown>(outputs: Outputs, id: string): T {
  const r = outputs[id];
  if (!r) throw new InconclusiveError(`${id}: not collected`);
  if (r.error) throw new InconclusiveError(`${id}: ${r.error.kind}: ${r.error.message}`);
  if (r.truncated) throw new ParseError(`${id}: the answer was cut at the size cap; raise the probe's max_bytes`);
  try {
    return JSON.parse(r.stdout) as T;
  } catch (e) {
    throw new ParseError(`${id}: the answer is not JSON (${(e as Error).message})`);
  }
}

/** True when the probe was answered with HTTP 404: the endpoint (a plugin, a feature) does not exist there. */
export function isNotFound(outputs: Outputs, id: string): boolean {
  return outputs[id]?.error?.kind === 'not-found';
}

/**
 * The server's clock from the Date header the API source recorded, so ages do not depend on when evidence is re-read.
 */
export function serverNow(...results: (ProbeResult | undefined)[]): number {
  for (const r of results) {
    const m = /^date:\s*(.+)$/im.exec(r?.stderr ?? '');
    const t = m ? Date.parse(m[1]!) : Number.NaN;
    if (!Number.isNaN(t)) return t;
  }
  return Date.now();
}

const UNIT_MS: Record<string, number> = {
  d: 86_400_000,
  h: 3_600_000,
  m: 60_000,
  s: 1000,
  ms: 1,
  micros: 0.001,
  nanos: 0.000001,
};

/** Elasticsearch/OpenSearch time units ("90d", "12h", "0ms") in days; undefined when it is not a time value. */
export function durationDays(value: unknown): number | undefined {
  if (typeof value === 'number') return value / UNIT_MS.d!;
  if (typeof value !== 'string') return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(d|h|m|s|ms|micros|nanos)\s*$/.exec(value);
  if (!m) return undefined;
  return (Number(m[1]) * UNIT_MS[m[2]!]!) / UNIT_MS.d!;
}

export function round(n: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

export function asRecord(v: unknown): Record<string, unknown> {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}
