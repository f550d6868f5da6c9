// The answer of a live web probe (TLS handshake, body canary, WAF probe, log sample) as the one evaluator reads it.
// The checks are catalog data (checks/web/live.yaml); parsers/web/live.ts turns this answer into their facts.
import type { LogSampleDocument } from '../cost/web-volume.js';
import type { LandingDocument, TlsDocument } from '../parsers/web/live.js';
import type { ProbeResult } from '../transport/types.js';

/** A live probe's answer as the evaluator reads it: the document in `data`, nothing on stdout. */
export function liveAnswer(data: TlsDocument | LandingDocument | LogSampleDocument, durationMs = 0): ProbeResult {
  return { stdout: '', stderr: '', exitCode: 0, truncated: false, durationMs, data };
}
