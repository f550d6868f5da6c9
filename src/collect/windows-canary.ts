// The Windows host canary behind --active: the host writes one Information event to its Application log through
// PowerShell (Write-EventLog on 5.1, eventcreate on 7; src/transport/pwsh-canary.ts), with a marker unique to this
// run, this target and this request; the event is read back on the host (Get-WinEvent: its record id and time), then
// traced with the same traceMarkers as every other canary to the collector (a Windows Event Collector's forwarded
// events, or the files NXLog/Winlogbeat write on a syslog collector) and the SIEM. The answer has the Linux host
// canary's document shape, so the same facts, summaries and report sections read it.
import { randomBytes } from 'node:crypto';
import type { EventLogCanarySettings } from '../model.js';
import {
  type CanaryTrace,
  type HostCanaryDocument,
  type LocalEvent,
  siemArrivalText,
} from '../parsers/linux/canary.js';
import type { PowerShellTransport } from '../transport/powershell.js';
import { eventLogReadBackScript } from '../transport/pwsh-canary.js';
import type { ProbeResult } from '../transport/types.js';
import { type TracePlaces, traceMarkers } from './trace.js';

export const DEFAULT_EVENT_SOURCE = 'socready';
export const DEFAULT_EVENT_ID = 100;
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

export function windowsMarker(runId: string, targetId: string): string {
  const nonce = randomBytes(4).toString('hex');
  return `socready-canary-${runId}-${targetId}-${nonce}-1`.replace(/[^A-Za-z0-9._-]/g, '_');
}

/** Why the write failed, in words an operator acts on; undefined when the event was written. */
export function plantFailure(r: ProbeResult): string | undefined {
  const text = `${r.stdout}\n${r.stderr}\n${r.error?.message ?? ''}`;
  const failed = r.error !== undefined || (r.exitCode !== null && r.exitCode !== 0) || /\bERROR:/.test(r.stdout);
  if (!failed) return undefined;
  const first = (r.error?.message || r.stderr.trim() || r.stdout.trim()).split('\n')[0]!.trim();
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
  return {
    log: String(row.LogName ?? 'Application'),
    provider: String(row.ProviderName ?? ''),
    event_id: Number(row.Id),
    record_id: Number(row.RecordId),
    time_created: String(row.TimeCreated ?? ''),
    ...(typeof row.MachineName === 'string' ? { machine: row.MachineName } : {}),
    ...(writtenBy ? { written_by: writtenBy } : {}),
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

/** Plants the Windows canary, reads it back on the host, and traces it to the collector and the SIEM. */
export async function runWindowsCanary(o: WindowsCanaryOptions): Promise<HostCanaryDocument> {
  const now = o.now ?? Date.now;
  const maxWaitMs = (o.settings.max_wait ?? 30) * 1000;
  const source = o.settings.source ?? DEFAULT_EVENT_SOURCE;
  const marker = windowsMarker(o.runId, o.targetId);
  const body = `${marker} windows canary ${marker}-END`;
  const doc: HostCanaryDocument = {
    collector: o.collectorId,
    collector_paths: o.collectorPaths,
    max_wait_ms: maxWaitMs,
    polls: 0,
    read_errors: [...(o.openErrors ?? [])],
    canaries: [],
    ...(o.places.siem ? { siem: o.places.siem.id } : {}),
  };
  const sentAt = now();
  const r = await o.host.plantEventLogCanary({
    marker,
    message: body,
    source,
    eventId: o.settings.event_id ?? DEFAULT_EVENT_ID,
  });
  const failed = plantFailure(r);
  const writtenBy = failed ? undefined : /eventcreate/i.test(r.stdout) ? 'eventcreate' : 'Write-EventLog';
  const trace: CanaryTrace = {
    name: 'short',
    marker,
    sent_bytes: Buffer.byteLength(body),
    planted: !failed,
    ...(failed ? { plant_error: failed } : {}),
    sent_at: new Date(sentAt).toISOString(),
    arrived: false,
    last_seen: failed ? 'not planted' : `${writtenBy} (written)`,
    seen_locally: null,
    summary: '',
  };
  doc.canaries.push(trace);
  if (!failed) {
    const local = await readLocally(o, marker, source, writtenBy);
    trace.seen_locally = local.readable ? Boolean(local.event) : null;
    if (local.error) doc.read_errors.push(`host ${o.targetId}: ${local.error}`);
    if (local.event) {
      trace.local_event = local.event;
      trace.last_seen = `host:${local.event.log} record ${local.event.record_id}`;
    }
    const traced = await traceMarkers([{ marker, sentAt, expectsEnd: false }], o.places, {
      maxWaitMs,
      ...(o.pollMs !== undefined ? { pollMs: o.pollMs } : {}),
      ...(o.maxPollMs !== undefined ? { maxPollMs: o.maxPollMs } : {}),
      now,
    });
    doc.polls = traced.polls;
    doc.collector_read_ok = traced.collector_read_ok;
    doc.read_errors.push(...traced.read_errors);
    const m = traced.markers[0]!;
    if (m.collector?.arrived) {
      Object.assign(trace, {
        arrived: true,
        where: m.collector.where,
        latency_ms: m.collector.latency_ms,
        arrived_bytes: m.collector.bytes,
        whole: m.collector.whole,
        last_seen: `collector:${m.collector.where}`,
      });
    }
    if (m.siem) trace.siem = m.siem;
  }
  trace.summary = summarise(trace, doc);
  return doc;
}

function summarise(t: CanaryTrace, doc: HostCanaryDocument): string {
  const what = `Windows canary event (${t.sent_bytes} bytes, ${t.marker})`;
  if (!t.planted) return `${what}: not written (${t.plant_error})`;
  const e = t.local_event;
  const local = e
    ? `written by ${e.written_by} as ${e.log} event ${e.event_id} record ${e.record_id} at ${e.time_created}`
    : t.seen_locally === false
      ? "written, but not found in the host's own Application log"
      : "written; the host's Application log could not be read back";
  const errors = doc.read_errors.length > 0 ? `; ${doc.read_errors.join('; ')}` : '';
  const collector = t.arrived
    ? `arrived on ${doc.collector} in ${t.where} after ${t.latency_ms} ms${t.whole === false ? ', cut' : ''}`
    : `did not arrive on ${doc.collector} within ${doc.max_wait_ms / 1000} s (${doc.polls} reads of ` +
      `${doc.collector_paths.join(', ')})`;
  const siem = t.siem ? `; ${siemArrivalText(t.siem)}` : '';
  return `${what}: ${local}; ${collector}${siem}${t.arrived ? '' : errors}`;
}
