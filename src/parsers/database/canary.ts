// The database canaries' answers as facts: was the marked query (or the marked failed login) sent, and where on the
// host did the database's own log record it, how long after.
import { InconclusiveError, ParseError } from '../../checks/types.js';
import type { ProbeResult } from '../../transport/types.js';
import { defineParser } from '../define.js';

/** What src/database/canary.ts answers for one canary. */
export interface DbCanaryDocument {
  marker: string;
  /** The statement or login reached the server (a failed login is "sent" when the server refused it). */
  sent: boolean;
  send_error?: string;
  found: boolean;
  /** The file the marker was found in, and the line (redacted later with the finding). */
  where?: string;
  line?: string;
  latency_ms?: number;
  searched: string[];
  waited_ms: number;
}

function facts(probe: string, outputs: Record<string, ProbeResult>): Record<string, unknown> {
  const r = outputs[probe];
  if (!r) throw new InconclusiveError(`${probe}: not sent`);
  if (r.error) throw new InconclusiveError(`${probe}: ${r.error.message}`);
  let d = r.data as DbCanaryDocument | undefined;
  // Replayed evidence has the document as text only.
  if (d === undefined && r.stdout.trim().startsWith('{')) {
    try {
      d = JSON.parse(r.stdout) as DbCanaryDocument;
    } catch {
      throw new ParseError(`${probe}: the stored canary document is not JSON`);
    }
  }
  if (!d || typeof d.marker !== 'string') throw new ParseError(`${probe}: no canary document`);
  const why = !d.sent
    ? `the marked ${probe === 'db-canary' ? 'query' : 'login'} could not be sent: ${d.send_error ?? 'unknown error'}`
    : d.found
      ? `${d.marker} found in ${d.where} after ${d.latency_ms} ms: ${d.line ?? ''}`
      : `${d.marker} not found after ${d.waited_ms} ms in ` +
        (d.searched.length > 0
          ? d.searched.join(', ')
          : '(no log file known: the settings did not say where the server logs)');
  // The decisive lines: the log line that carried the marker, or each log searched in vain.
  const lines = d.found
    ? [{ file: d.where, text: d.line ?? d.marker }]
    : d.searched.map((file) => ({ file, text: `${d.marker}: not found after ${d.waited_ms} ms` }));
  return {
    at: { found: lines.length > 0 ? lines : [{ probe, text: why }], sent: { probe, text: why } },
    sent: d.sent,
    found: d.found,
    where: d.where ?? '',
    latency_ms: d.latency_ms ?? -1,
    searched: d.searched,
    why,
  };
}

export const dbCanaryParser = defineParser({
  name: 'database-canary',
  probes: ['db-canary'],
  facts: ['sent', 'found', 'where', 'latency_ms', 'searched', 'why'],
  parse: (outputs) => facts('db-canary', outputs),
});

export const dbFailedLoginParser = defineParser({
  name: 'database-failed-login-canary',
  probes: ['db-failed-login'],
  facts: ['sent', 'found', 'where', 'latency_ms', 'searched', 'why'],
  parse: (outputs) => facts('db-failed-login', outputs),
});
