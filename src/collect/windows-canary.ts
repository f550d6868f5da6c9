// The Windows host canary behind --active: the host writes one Information event to its Application log through
// PowerShell (Write-EventLog on 5.1, eventcreate on 7; src/transport/pwsh-canary.ts), with a marker unique to this
// run, this target and this request; the event is read back on the host (Get-WinEvent: its record id and time), then
// traced with the same traceMarkers as every other canary to the collector (a Windows Event Collector's forwarded
// events, or the files NXLog/Winlogbeat write on a syslog collector) and the SIEM. The answer has the Linux host
// canary's document shape, so the same facts, summaries and report sections read it. With `long_canary`, the same
// write also writes a long, length-marked event (src/util/canary-text.ts; Write-EventLog only: eventcreate cannot carry
// it, which the document says instead of pretending), and each place that holds it (the host's own Application log,
// the collector, the SIEM) says whether it holds it whole or at how many characters it was cut.
import { randomBytes } from 'node:crypto';
import type { EventLogCanarySettings } from '../model.js';
import {
  type CanaryCopy,
  type CanaryTrace,
  type HostCanaryDocument,
  type LocalEvent,
  siemArrivalText,
} from '../parsers/linux/canary.js';
import type { PowerShellTransport } from '../transport/powershell.js';
import { eventLogReadBackScript, LONG_NOT_WRITTEN, LONG_WRITTEN } from '../transport/pwsh-canary.js';
import type { ProbeResult } from '../transport/types.js';
import { firstCut, lengthMarkedCanary, measureCanary } from '../util/canary-text.js';
import { type MarkerTrace, type TracePlaces, traceMarkers } from './trace.js';

export const DEFAULT_EVENT_SOURCE = 'socready';
export const DEFAULT_EVENT_ID = 100;
/** The long canary for `long_canary: true`: past 8 KB (rsyslog, syslog-ng), 10 000 (Splunk TRUNCATE) and 16 KB. */
export const DEFAULT_LONG_CANARY_CHARS = 20_000;
/** How long the host's own log is polled for the event it just wrote (it is there at once unless the write failed). */
const LOCAL_WAIT_MS = 10_000;

export interface WindowsCanaryOptions {
  host: PowerShellTransport;
  /** The places the host's events must reach, opened by the caller (collect/source.ts openTracePlaces). */
  places: TracePlaces;
  collectorId: string;
  collectorPaths: string[];
  settings: EventLogCanarySettings;
  runId: string;
  targetId: string;
  /** Errors met opening the places (kept, reported with the trace). */
  openErrors?: string[];
  pollMs?: number;
  maxPollMs?: number;
  localWaitMs?: number;
  now?: () => number;
}

/** The short and the long canary's markers: unique to this run, this target and this write. */
export function windowsMarkers(runId: string, targetId: string): { short: string; long: string } {
  const nonce = randomBytes(4).toString('hex');
  const base = `socready-canary-${runId}-${targetId}-${nonce}`.replace(/[^A-Za-z0-9._-]/g, '_');
  return { short: `${base}-1`, long: `${base}-2` };
}

/** Characters of the long canary the settings ask for, or undefined when they ask for none. */
export function longCanaryChars(s: EventLogCanarySettings): number | undefined {
  if (s.long_canary === undefined || s.long_canary === false) return undefined;
  return s.long_canary === true ? DEFAULT_LONG_CANARY_CHARS : s.long_canary;
}

/** The long event's fate as the write script reported it: written, or why not (the short event stands either way). */
export function longWriteOutcome(stdout: string): { written: true } | { written: false; why: string } {
  const lines = stdout.split(/\r?\n/).map((l) => l.trim());
  if (lines.includes(LONG_WRITTEN)) return { written: true };
  const said = lines.find((l) => l.startsWith(LONG_NOT_WRITTEN));
  return { written: false, why: said ? said.slice(LONG_NOT_WRITTEN.length).trim() : 'the write did not report it' };
}

/** Why the write failed, in words an operator acts on; undefined when the event was written. */
export function plantFailure(r: ProbeResult): string | undefined {
  // The long event's own line (its failure leaves the short event written) is not the write's outcome.
  const stdout = r.stdout
    .split('\n')
    .filter((l) => !l.trim().startsWith(LONG_NOT_WRITTEN))
    .join('\n');
  const text = `${stdout}\n${r.stderr}\n${r.error?.message ?? ''}`;
  const failed = r.error !== undefined || (r.exitCode !== null && r.exitCode !== 0) || /\bERROR:/.test(stdout);
  if (!failed) return undefined;
  const first = (r.error?.message || r.stderr.trim() || stdout.trim()).split('\n')[0]!.trim();
  if (/source not registered|source name .* does not exist/i.test(text))
    return (
      `source not registered (${first}); register it once as an administrator with ` +
      '`eventcreate /L APPLICATION /T INFORMATION /SO socready /ID 1 /D "socready source"` ' +
      '(usable by Write-EventLog and eventcreate alike)'
    );
  if (/access (is )?denied|not allowed|unauthori[sz]ed|SecurityException/i.test(text))
    return `access denied (${first}); writing to the Application log needs an administrator or a granted source`;
  if (/custom applications\/scripts only/i.test(text))
    return (
      `eventcreate refused the source (${first}): on PowerShell 7 socready writes with eventcreate, which accepts ` +
      'only sources eventcreate registered; register the source with eventcreate or reach the host with ' +
      'Windows PowerShell 5.1'
    );
  return r.error ? `${r.error.kind}: ${r.error.message}` : `the write failed: ${first}`;
}

/** The first event of a Get-WinEvent read-back (JSON array of objects) holding the marker, or undefined. */
export function readBack(stdout: string, marker: string, writtenBy?: string): LocalEvent | undefined {
  if (!stdout.trim()) return undefined;
  const parsed = JSON.parse(stdout) as unknown;
  const rows = (Array.isArray(parsed) ? parsed : [parsed]) as Record<string, unknown>[];
  const row = rows.find((e) => typeof e?.Message === 'string' && e.Message.includes(marker));
  if (!row) return undefined;
  // What the host's own log holds of a long canary: the first place it could have been cut.
  const measured = measureCanary(String(row.Message), marker);
  return {
    log: String(row.LogName ?? 'Application'),
    provider: String(row.ProviderName ?? ''),
    event_id: Number(row.Id),
    record_id: Number(row.RecordId),
    time_created: String(row.TimeCreated ?? ''),
    ...(typeof row.MachineName === 'string' ? { machine: row.MachineName } : {}),
    ...(writtenBy ? { written_by: writtenBy } : {}),
    ...(measured ? { chars: measured.chars, whole: measured.whole } : {}),
  };
}

const sleep = (ms: number) => new Promise((res) => setTimeout(res, ms));

/** Reads the event back on the host, polling briefly; null when the log could not be read. */
async function readLocally(
  o: WindowsCanaryOptions,
  marker: string,
  source: string,
  writtenBy: string | undefined,
): Promise<{ event?: LocalEvent; error?: string; readable: boolean }> {
  const now = o.now ?? Date.now;
  const start = now();
  let wait = o.pollMs ?? 250;
  const script = eventLogReadBackScript({ marker, source });
  for (;;) {
    const r = (await o.host.runBatch([{ id: 'eventlog-canary-readback', script }]))['eventlog-canary-readback']!;
    if (r.error) return { readable: false, error: `${r.error.kind}: ${r.error.message}` };
    try {
      const event = readBack(r.stdout, marker, writtenBy);
      if (event) return { event, readable: true };
    } catch (e) {
      return { readable: false, error: `unreadable Get-WinEvent answer: ${(e as Error).message}` };
    }
    if (now() - start >= (o.localWaitMs ?? LOCAL_WAIT_MS)) return { readable: true };
    await sleep(wait);
    wait = Math.min(wait * 2, o.maxPollMs ?? 4000);
  }
}

interface Planted {
  trace: CanaryTrace;
  sentAt: number;
}

/** Plants the Windows canary (and the long one when asked), reads them back, and traces them to collector and SIEM. */
export async function runWindowsCanary(o: WindowsCanaryOptions): Promise<HostCanaryDocument> {
  const now = o.now ?? Date.now;
  const maxWaitMs = (o.settings.max_wait ?? 30) * 1000;
  const source = o.settings.source ?? DEFAULT_EVENT_SOURCE;
  const markers = windowsMarkers(o.runId, o.targetId);
  const body = `${markers.short} windows canary ${markers.short}-END`;
  const longChars = longCanaryChars(o.settings);
  const longBody = longChars ? lengthMarkedCanary(markers.long, longChars, 'windows long canary') : undefined;
  const doc: HostCanaryDocument = {
    collector: o.collectorId,
    collector_paths: o.collectorPaths,
    max_wait_ms: maxWaitMs,
    polls: 0,
    read_errors: [...(o.openErrors ?? [])],
    canaries: [],
    ...(o.places.siem ? { siem: o.places.siem.id } : {}),
    ...(longChars ? { long_requested_chars: longChars } : {}),
  };
  const sentAt = now();
  const r = await o.host.plantEventLogCanary({
    marker: markers.short,
    message: body,
    source,
    eventId: o.settings.event_id ?? DEFAULT_EVENT_ID,
    ...(longBody ? { long: { marker: markers.long, message: longBody } } : {}),
  });
  const failed = plantFailure(r);
  const writtenBy = failed ? undefined : /eventcreate/i.test(r.stdout) ? 'eventcreate' : 'Write-EventLog';
  const planted: Planted[] = [];
  const plant = (name: CanaryTrace['name'], marker: string, text: string): CanaryTrace => {
    const trace: CanaryTrace = {
      name,
      marker,
      sent_bytes: Buffer.byteLength(text),
      ...(name === 'long' ? { sent_chars: text.length } : {}),
      planted: !failed,
      ...(failed ? { plant_error: failed } : {}),
      sent_at: new Date(sentAt).toISOString(),
      arrived: false,
      last_seen: failed ? 'not planted' : `${writtenBy} (written)`,
      seen_locally: null,
      summary: '',
    };
    doc.canaries.push(trace);
    if (!failed) planted.push({ trace, sentAt });
    return trace;
  };
  plant('short', markers.short, body);
  if (longBody) {
    const outcome = failed ? undefined : longWriteOutcome(r.stdout);
    if (outcome?.written) plant('long', markers.long, longBody);
    // Not written: said once, on the document; the canaries list holds only events that exist.
    else doc.long_not_written = outcome ? outcome.why : `the write failed (${failed})`;
  }
  for (const p of planted) {
    const local = await readLocally(o, p.trace.marker, source, writtenBy);
    p.trace.seen_locally = local.readable ? Boolean(local.event) : null;
    if (local.error) doc.read_errors.push(`host ${o.targetId}: ${local.error}`);
    if (local.event) {
      p.trace.local_event = local.event;
      p.trace.last_seen = `host:${local.event.log} record ${local.event.record_id}`;
    }
  }
  if (planted.length > 0) {
    const traced = await traceMarkers(
      planted.map((p) => ({ marker: p.trace.marker, sentAt: p.sentAt, expectsEnd: p.trace.name === 'long' })),
      o.places,
      {
        maxWaitMs,
        ...(o.pollMs !== undefined ? { pollMs: o.pollMs } : {}),
        ...(o.maxPollMs !== undefined ? { maxPollMs: o.maxPollMs } : {}),
        now,
      },
    );
    doc.polls = traced.polls;
    doc.collector_read_ok = traced.collector_read_ok;
    doc.read_errors.push(...traced.read_errors);
    for (const [i, p] of planted.entries()) record(p.trace, traced.markers[i]!);
  }
  const short = doc.canaries.find((c) => c.name === 'short')!;
  const long = doc.canaries.find((c) => c.name === 'long');
  if (long) judgeLong(long, short);
  for (const t of doc.canaries) t.summary = summarise(t, doc);
  return doc;
}

/** A canary's collector arrival and SIEM search, from the trace. */
function record(trace: CanaryTrace, m: MarkerTrace): void {
  if (m.collector?.arrived) {
    Object.assign(trace, {
      arrived: true,
      where: m.collector.where,
      latency_ms: m.collector.latency_ms,
      arrived_bytes: m.collector.bytes,
      whole: m.collector.whole,
      ...(m.collector.chars !== undefined ? { arrived_chars: m.collector.chars } : {}),
      last_seen: `collector:${m.collector.where}`,
    });
  }
  if (m.siem) trace.siem = m.siem;
}

/**
 * The long canary along its path (host log, collector, SIEM): what each place holds, the first place that cut it and
 * at how many characters, or where it vanished while the short event went on (dropped for its size).
 */
function judgeLong(t: CanaryTrace, short: CanaryTrace): void {
  const copies: CanaryCopy[] = [];
  // A copy without a measure (its header did not survive) is whole only if its end token did.
  const copy = (place: string, whole: boolean | undefined, chars: number | undefined) =>
    copies.push({ place, seen: true, whole: whole ?? false, ...(chars !== undefined ? { chars } : {}) });
  const e = t.local_event;
  if (e && e.chars !== undefined) copy(`host:${e.log}`, e.whole, e.chars);
  if (t.arrived) copy(`collector:${t.where}`, t.whole, t.arrived_chars);
  if (t.siem?.arrived) copy(`siem:${t.siem.target}`, t.siem.whole, t.siem.chars);
  t.copies = copies;
  const cut = firstCut(copies);
  if (cut) {
    t.cut_at = cut.place.startsWith('host:') ? 'host-log' : cut.place.startsWith('collector:') ? 'collector' : 'siem';
    if (cut.chars !== undefined) t.cut_chars = cut.chars;
  }
  if (!t.arrived && short.arrived) t.dropped_at = 'collector';
  else if (t.arrived && t.siem && !t.siem.arrived && !t.siem.error && short.siem?.arrived) t.dropped_at = 'siem';
}

const placeName = (place: string, doc: HostCanaryDocument) =>
  place.startsWith('host:')
    ? `the host's ${place.slice(5)} log`
    : place.startsWith('collector:')
      ? `${place.slice(10)} on ${doc.collector}`
      : `SIEM ${place.slice(5)}`;

/** Where the long canary stayed whole, where it was cut and at what length: the sentence the finding shows. */
export function longVerdictText(t: CanaryTrace, doc: HostCanaryDocument): string {
  const of = t.sent_chars ?? t.sent_bytes;
  const length = (chars: number | undefined) =>
    chars !== undefined ? `at ${chars} of ${of} characters` : '(its length unreadable)';
  const held = (t.copies ?? []).map(
    (c) => `${placeName(c.place, doc)}: ${c.whole ? 'whole' : `cut ${length(c.chars)}`}`,
  );
  const path = held.length > 0 ? ` (${held.join('; ')})` : '';
  if (t.cut_at) {
    const c = t.copies!.find((x) => !x.whole)!;
    return `cut first in ${placeName(c.place, doc)} ${length(t.cut_chars)}${path}`;
  }
  if (t.dropped_at === 'collector')
    return `the short event arrived on ${doc.collector} but this one did not: dropped on the way, likely for its size`;
  if (t.dropped_at === 'siem')
    return (
      `whole on ${doc.collector}, but not in SIEM ${t.siem!.target} where the short event is: dropped there` + path
    );
  if (held.length === 0) return 'not read back anywhere';
  if (t.siem && !t.siem.arrived)
    return (
      `whole in every place read${path}, but not found in SIEM ${t.siem.target}` +
      `${t.siem.error ? ` (${t.siem.error})` : ', where the short event is not either'}: ` +
      'whether it arrives there whole is unknown'
    );
  return `whole in every place read${path}`;
}

function summarise(t: CanaryTrace, doc: HostCanaryDocument): string {
  const what =
    t.name === 'long'
      ? `Windows long canary event (${t.sent_chars} characters, ${t.marker})`
      : `Windows canary event (${t.sent_bytes} bytes, ${t.marker})`;
  if (!t.planted) return `${what}: not written (${t.plant_error})`;
  const e = t.local_event;
  const local = e
    ? `written by ${e.written_by} as ${e.log} event ${e.event_id} record ${e.record_id} at ${e.time_created}`
    : t.seen_locally === false
      ? "written, but not found in the host's own Application log"
      : "written; the host's Application log could not be read back";
  const errors = doc.read_errors.length > 0 ? `; ${doc.read_errors.join('; ')}` : '';
  const cut =
    t.whole === false ? (t.arrived_chars !== undefined ? `, cut at ${t.arrived_chars} characters` : ', cut') : '';
  const collector = t.arrived
    ? `arrived on ${doc.collector} in ${t.where} after ${t.latency_ms} ms${cut}`
    : `did not arrive on ${doc.collector} within ${doc.max_wait_ms / 1000} s (${doc.polls} reads of ` +
      `${doc.collector_paths.join(', ')})`;
  const siem = t.siem ? `; ${siemArrivalText(t.siem)}` : '';
  const verdict = t.name === 'long' ? `; ${longVerdictText(t, doc)}` : '';
  return `${what}: ${local}; ${collector}${siem}${verdict}${t.arrived ? '' : errors}`;
}
