// The database canaries' answers as facts: was the marked query (or the marked failed login) sent, and where on the
// host did the database's own log record it, how long after.
import { InconclusiveError, ParseError } from '../../checks/types.js';
import type { ProbeResult } from '../../transport/types.js';
import { defineParser } from '../define.js';
import { siemArrivalText } from '../linux/canary.js';

/** What src/database/canary.ts answers for one canary. */
export interface DbCanaryDocument {
  marker: string;
  /** The statement or login reached the server (a failed login is "sent" when the server refused it). */
  sent: boolean;
  send_error?: string;
  /** When the statement or login was sent (ISO time): arrival latencies count from here. */
  sent_at?: string;
  found: boolean;
  /** The file the marker was found in, and the line (redacted later with the finding). */
  where?: string;
  line?: string;
  latency_ms?: number;
  searched: string[];
  waited_ms: number;
  /** Audit-trail read-backs that failed (a view not readable, an event log access denied). */
  search_errors?: string[];
  /** What the product needs to record a marked SELECT at all (said when the marker was not found). */
  needs?: string;
  /** Where the record went next: the collector (and SIEM) the database's host forwards to (src/database/arrival.ts). */
  arrival?: DbArrival;
}

/**
 * The canary followed past the server's own log: "written" is the marker in the server's own file on its host;
 * "arrived" is the marker at the collector its host forwards to and, when one is named, in the SIEM.
 */
export interface DbArrival {
  collector: string;
  collector_paths: string[];
  /** Why the collector was not read (the marker was never written on the host, no transport to the collector). */
  skipped?: string;
  arrived: boolean;
  where?: string;
  line?: string;
  latency_ms?: number;
  reads: number;
  errors: string[];
  siem?: { target: string; arrived: boolean; latency_ms?: number; fields: string[]; searches: number; error?: string };
  max_wait_ms: number;
}

function documentOf(probe: string, outputs: Record<string, ProbeResult>): DbCanaryDocument {
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
  return d;
}

function facts(probe: string, outputs: Record<string, ProbeResult>): Record<string, unknown> {
  const d = documentOf(probe, outputs);
  const why = !d.sent
    ? `the marked ${probe === 'db-canary' ? 'query' : 'login'} could not be sent: ${d.send_error ?? 'unknown error'}`
    : d.found
      ? `written: ${d.marker} found in the server's own log ${d.where} after ${d.latency_ms} ms: ${d.line ?? ''}`
      : `${d.marker} not found after ${d.waited_ms} ms in ` +
        (d.searched.length > 0
          ? d.searched.join(', ')
          : '(nowhere to search: the settings name no log file and no running audit)') +
        (d.search_errors?.length ? `; ${d.search_errors.join('; ')}` : '') +
        (d.needs ? `; ${d.needs}` : '');
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
    // Not found while a read-back failed: the trail could not be read, which proves nothing either way.
    search_failed: !d.found && (d.search_errors?.length ?? 0) > 0,
    why,
  };
}

/** One line for the finding: where the record was written, and where it arrived or was last seen. */
export function arrivalText(a: DbArrival): string {
  if (a.skipped) return `not followed to ${a.collector}: ${a.skipped}`;
  const collector = a.arrived
    ? `arrived on ${a.collector} in ${a.where} after ${a.latency_ms} ms`
    : `did not arrive on ${a.collector} within ${a.max_wait_ms / 1000} s ` +
      `(${a.reads} reads of ${a.collector_paths.join(', ') || 'no path'})` +
      (a.errors.length > 0 ? `; ${a.errors.join('; ')}` : '');
  const siem = a.siem ? `; ${siemArrivalText(a.siem)}` : '';
  return collector + siem;
}

/**
 * Arrival facts: `written` is the marker in the server's own log on its host; `arrived` is the marker at the last
 * stop the host declares (the SIEM when its syslog names one, else the collector). Only arrival proves collection.
 */
function arrivalFacts(probe: string, outputs: Record<string, ProbeResult>): Record<string, unknown> {
  const d = documentOf(probe, outputs);
  const a = d.arrival;
  const siemDeclared = a?.siem !== undefined;
  const arrived = a === undefined ? false : siemDeclared ? a.siem!.arrived : a.arrived;
  const written = d.found ? `written in ${d.where} after ${d.latency_ms} ms` : "not written in the server's own log";
  const why = !d.sent
    ? `the marked ${probe === 'db-canary' ? 'query' : 'login'} could not be sent: ${d.send_error ?? 'unknown error'}`
    : a === undefined
      ? "the database's host declares no collector (syslog.collector, or eventlog.collector on Windows): " +
        'arrival not followed'
      : `${d.marker} ${written}; ${arrivalText(a)}`;
  return {
    sent: d.sent,
    written: d.found,
    declared: a !== undefined,
    collector_arrived: a?.arrived ?? false,
    siem_declared: siemDeclared,
    siem_arrived: a?.siem?.arrived ?? false,
    arrived,
    latency_ms: (siemDeclared ? a?.siem?.latency_ms : a?.latency_ms) ?? -1,
    why,
  };
}

export const dbCanaryArrivalParser = defineParser({
  name: 'database-canary-arrival',
  probes: ['db-canary'],
  facts: [
    'sent',
    'written',
    'declared',
    'collector_arrived',
    'siem_declared',
    'siem_arrived',
    'arrived',
    'latency_ms',
    'why',
  ],
  parse: (outputs) => arrivalFacts('db-canary', outputs),
});

export const dbCanaryParser = defineParser({
  name: 'database-canary',
  probes: ['db-canary'],
  facts: ['sent', 'found', 'where', 'latency_ms', 'searched', 'search_failed', 'why'],
  parse: (outputs) => facts('db-canary', outputs),
});

export const dbFailedLoginParser = defineParser({
  name: 'database-failed-login-canary',
  probes: ['db-failed-login'],
  facts: ['sent', 'found', 'where', 'latency_ms', 'searched', 'search_failed', 'why'],
  parse: (outputs) => facts('db-failed-login', outputs),
});
