// The host-canary live probe's answer (src/collect/host-canary.ts) as facts: per canary whether it arrived on the
// collector, where, how fast, whole or cut and where. The checks in checks/linux/log-arrival.yaml decide over them.
import { type Facts, InconclusiveError, ParseError } from '../../checks/types.js';
import type { CanarySiemArrival } from '../../model.js';
import type { ProbeResult } from '../../transport/types.js';
import { defineParser, type ParserModule } from '../define.js';

/** The document the host-canary live probe answers (src/collect/host-canary.ts writes it). */
export interface CanarySighting {
  /** collector:<path> or host:<path>. */
  place: string;
  /** Bytes of the canary body found on the marker's line (from the marker to the end of the line). */
  bytes: number;
  /** The line ends with the canary's end token (a length-marked canary: all its characters are there). */
  whole: boolean;
  /** A length-marked canary (src/util/canary-text.ts): how many of its characters the line holds. */
  chars?: number;
}

export interface CanaryTrace {
  name: 'short' | 'long';
  marker: string;
  sent_bytes: number;
  planted: boolean;
  plant_error?: string;
  sent_at: string;
  arrived: boolean;
  /** The collector file it was found in. */
  where?: string;
  /** From planting to the collector read that first showed it: an upper bound, within one poll interval. */
  latency_ms?: number;
  /** The furthest place it was seen: collector:<path>, host:<path>, `logger (exit 0)` or `not planted`. */
  last_seen: string;
  /** The host's own log files held it (null: none of them could be read). */
  seen_locally: boolean | null;
  arrived_bytes?: number;
  whole?: boolean;
  /** A length-marked long canary (src/util/canary-text.ts): its characters, sent and held by the collector. */
  sent_chars?: number;
  arrived_chars?: number;
  /**
   * Where a long canary was cut. Linux: logger (its 1 KiB default), sender-input, collector-input. Windows: the first
   * place along the path that holds it cut (the host's own log, the collector, the SIEM).
   */
  cut_at?: 'logger' | 'sender-input' | 'collector-input' | 'host-log' | 'collector' | 'siem';
  /** The characters the first cut copy holds (Linux: the host's own log or the collector). */
  cut_chars?: number;
  /** Windows: the long canary vanished where the short one went on (on the way to the collector, or the SIEM). */
  dropped_at?: 'collector' | 'siem';
  /** Each place along the path that holds the long canary, in path order, whole or with its length. */
  copies?: CanaryCopy[];
  /** The cut-off rest arrived on the collector as a separate, header-less message (imtcp splits an over-long frame). */
  remainder_separate?: boolean;
  /** Windows: the canary event as the host's own Application log holds it (read back with Get-WinEvent). */
  local_event?: LocalEvent;
  /** The search for it in the SIEM the host's syslog.siem names, when one is declared. */
  siem?: CanarySiemTrace;
  summary: string;
}

export type CanarySiemTrace = CanarySiemArrival;

/** One place holding a long canary: `host:<log>`, `collector:<where>` or `siem:<target>`. */
export interface CanaryCopy {
  place: string;
  seen: boolean;
  whole: boolean;
  /** Characters of the canary this copy holds (all of them when whole); absent when its header did not survive. */
  chars?: number;
}

/** One phrase for a canary's SIEM end, the same in every canary's finding (host, Windows, web, database). */
export function siemArrivalText(s: CanarySiemArrival): string {
  if (s.arrived) {
    const cut = s.whole === false ? (s.chars !== undefined ? `, cut at ${s.chars} characters` : ', cut') : '';
    return `in SIEM ${s.target} after ${s.latency_ms} ms${cut} (fields: ${s.fields.join(', ') || 'none'})`;
  }
  return s.error
    ? `SIEM ${s.target} could not be searched (${s.error})`
    : `not found in SIEM ${s.target} (${s.searches} searches)`;
}

/** A Windows canary event read back on its host: its record id and time are what to search for by hand. */
export interface LocalEvent {
  log: string;
  provider: string;
  event_id: number;
  record_id: number;
  time_created: string;
  machine?: string;
  /** How it was written: Write-EventLog (Windows PowerShell 5.1) or eventcreate (PowerShell 7). */
  written_by?: string;
  /** A length-marked long canary: the characters the host's own log holds, and whether that is all of them. */
  chars?: number;
  whole?: boolean;
}

export interface HostCanaryDocument {
  collector: string;
  collector_paths: string[];
  max_wait_ms: number;
  polls: number;
  /** Whether any read of the collector answered (absent in evidence stored before it was recorded). */
  collector_read_ok?: boolean;
  read_errors: string[];
  canaries: CanaryTrace[];
  /** The SIEM target searched for the canaries, when the host's syslog.siem names one. */
  siem?: string;
  /** Windows: the long canary's length the settings asked for (eventlog.long_canary). */
  long_requested_chars?: number;
  /** Windows: why the long canary asked for was not written (eventcreate cannot carry it; the write failed). */
  long_not_written?: string;
}

function documentOf(outputs: Record<string, ProbeResult>, probe: string): HostCanaryDocument {
  const r = outputs[probe];
  if (r && r.data !== undefined) return r.data as HostCanaryDocument;
  // Stored evidence holds the same document as JSON text: a replay decides as the live scan did.
  if (r && !r.error && r.stdout.trim().startsWith('{')) {
    try {
      const doc = JSON.parse(r.stdout) as HostCanaryDocument;
      if (Array.isArray(doc.canaries)) return doc;
    } catch (e) {
      throw new ParseError(`${probe}: the stored document is not JSON (${(e as Error).message})`);
    }
    throw new ParseError(`${probe}: the stored document has no canaries`);
  }
  throw new InconclusiveError(`${probe}: ${r?.error ? `${r.error.kind}: ${r.error.message}` : 'not planted'}`);
}

function canaryFacts(t: CanaryTrace | undefined, probe: string): Facts {
  if (!t) return { planted: false, arrived: false, summary: 'not planted', siem: null };
  // The probe's own account of each canary is the line that decided (the live probe has no output lines).
  const said = (text: string) => ({ probe, text });
  const siem = t.siem
    ? {
        ...t.siem,
        latency_ms: t.siem.latency_ms ?? null,
        whole: t.siem.whole ?? null,
        decided: t.siem.arrived || !t.siem.error,
        at: said(
          `${t.name}: ${t.siem.arrived ? 'found' : 'not found'} in the SIEM ${t.siem.target}` +
            `${t.siem.searches !== undefined ? ` after ${t.siem.searches} search(es)` : ''}` +
            `${t.siem.error ? ` (${t.siem.error})` : ''}`,
        ),
      }
    : null;
  return {
    ...t,
    latency_ms: t.latency_ms ?? null,
    whole: t.whole ?? null,
    cut_at: t.cut_at ?? null,
    siem,
    at: said(t.summary),
  };
}

/** Older stored documents: a collector read error ends the polling, so every poll before it answered. */
const readOkOf = (doc: HostCanaryDocument) =>
  doc.polls - (doc.read_errors.some((e) => e.startsWith(`collector ${doc.collector}:`)) ? 1 : 0) > 0;

const hostCanary = (outputs: Record<string, ProbeResult>, probe = 'host-canary'): Facts => {
  const doc = documentOf(outputs, probe);
  const short = doc.canaries.find((c) => c.name === 'short');
  const long = doc.canaries.find((c) => c.name === 'long');
  return {
    collector: doc.collector,
    siem_declared: doc.siem !== undefined,
    collector_paths: doc.collector_paths,
    max_wait_ms: doc.max_wait_ms,
    polls: doc.polls,
    collector_read_ok: doc.collector_read_ok ?? readOkOf(doc),
    read_errors: doc.read_errors,
    planted: doc.canaries.every((c) => c.planted),
    arrived: doc.canaries.every((c) => c.arrived),
    canaries: doc.canaries.map((c) => canaryFacts(c, probe)),
    short: canaryFacts(short, probe),
    long: canaryFacts(long, probe),
    summary: doc.canaries.map((c) => c.summary).join('\n'),
  };
};

/**
 * The Windows long canary's verdict: whole (every place that holds it holds it whole), cut (the first place that cut
 * it), dropped (gone where the short event went on), or unknown (not written, or neither event arrived).
 */
function longVerdict(doc: HostCanaryDocument): { verdict: 'whole' | 'cut' | 'dropped' | 'unknown'; why: string } {
  const long = doc.canaries.find((c) => c.name === 'long');
  if (doc.long_requested_chars === undefined) return { verdict: 'unknown', why: 'no long canary was asked for' };
  const asked = `long canary (${doc.long_requested_chars} characters)`;
  if (!long) return { verdict: 'unknown', why: `${asked} not written: ${doc.long_not_written ?? 'no answer'}` };
  // Whole only where it was read: a SIEM searched without finding it (nor, or not searchably, the short event) has
  // not shown whether it arrives there whole.
  const siemUnread = long.siem !== undefined && !long.siem.arrived;
  const verdict = long.cut_at ? 'cut' : long.dropped_at ? 'dropped' : long.arrived && !siemUnread ? 'whole' : 'unknown';
  return { verdict, why: long.summary };
}

function windowsCanary(outputs: Record<string, ProbeResult>): Facts {
  const probe = 'windows-event-canary';
  const facts = hostCanary(outputs, probe);
  const doc = documentOf(outputs, probe);
  const v = longVerdict(doc);
  const long = facts.long as Facts;
  // The long canary's arrival is judged by its own check: canary-arrives asks only whether events get there.
  const events = (facts.canaries as Facts[]).filter((c) => c.name !== 'long');
  return {
    ...facts,
    canaries: events,
    planted: events.every((c) => c.planted),
    arrived: events.every((c) => c.arrived),
    long_requested: doc.long_requested_chars !== undefined,
    long_verdict: v.verdict,
    long: { ...long, verdict: v.verdict, why: v.why },
  };
}

/** Body length of the host's long canary: above rsyslog's default 8096-byte maxMessageSize (header included). */
export const LONG_CANARY_BYTES = 12_000;

/** The facts of a canary document, Linux (logger lines) and Windows (one event) alike. */
const CANARY_DOCUMENT_FACTS = [
  'collector',
  'siem_declared',
  'collector_paths',
  'max_wait_ms',
  'polls',
  'collector_read_ok',
  'read_errors',
  'planted',
  'arrived',
  'summary',
  'canaries[].name',
  'canaries[].arrived',
  'canaries[].planted',
  'canaries[].latency_ms',
];

export const canaryParserModules: readonly ParserModule[] = [
  defineParser({
    name: 'host-canary',
    probes: ['host-canary'],
    facts: [...CANARY_DOCUMENT_FACTS, 'canaries[].whole', 'short', 'long'],
    parse: (outputs) => hostCanary(outputs),
  }),
  // The Windows host canary (src/collect/windows-canary.ts) answers the same document with one canary event, and a
  // long one when eventlog.long_canary asks for it.
  defineParser({
    name: 'windows-event-canary',
    probes: ['windows-event-canary'],
    facts: [...CANARY_DOCUMENT_FACTS, 'canaries[].local_event', 'short', 'long', 'long_requested', 'long_verdict'],
    parse: (outputs) => windowsCanary(outputs),
  }),
];
