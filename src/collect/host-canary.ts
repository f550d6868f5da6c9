// The host canary behind --active: a Linux host writes two syslog lines through its own logger (a short one and one
// longer than rsyslog's default 8096-byte maxMessageSize, length-marked: src/util/canary-text.ts), each with a marker
// unique to this run, this target and this request; then the collector the inventory names is read (bounded tails of
// its configured files) until both arrive or the stated wait ends. Per canary the answer says whether it arrived,
// where, after how long, whether it arrived whole and, when not, where it was cut and at how many characters (see
// ../shared/RECIPES.md §11 for the rsyslog behaviour this reads).
import { randomBytes } from 'node:crypto';
import type { SyslogCanarySettings } from '../model.js';
import {
  type CanaryCopy,
  type CanarySighting,
  type CanaryTrace,
  type HostCanaryDocument,
  LONG_CANARY_BYTES,
  siemArrivalText,
} from '../parsers/linux/canary.js';
import { shellQuote } from '../transport/shell.js';
import type { Transport } from '../transport/types.js';
import { firstCut, lengthMarkedCanary } from '../util/canary-text.js';
import { splitSections } from '../util/file-sections.js';
import type { SiemSearchAnswer } from './siem-search.js';
import { followOnCollector, searchInSiem, sight, TAIL_BYTES, type TraceTiming, tailCommand } from './trace.js';

export type { CanaryTrace, HostCanaryDocument } from '../parsers/linux/canary.js';
export { sight, tailCommand } from './trace.js';

export const DEFAULT_LOCAL_PATHS = ['/var/log/syslog', '/var/log/messages'];
export const DEFAULT_MAX_WAIT_S = 30;
// Body length of the long canary (above rsyslog's 8096-byte default), defined beside the canary parser.
export { LONG_CANARY_BYTES };

/** logger's own default --size: a longer line is cut by logger before any syslog daemon sees it. */
const LOGGER_DEFAULT_SIZE = 1024;

export interface HostCanaryOptions {
  host: Transport;
  collector: Transport | undefined;
  collectorId: string;
  collectorPaths: string[];
  settings: SyslogCanarySettings;
  runId: string;
  targetId: string;
  sudo?: boolean;
  collectorSudo?: boolean;
  /** The SIEM the canaries must reach after the collector: its id and a read-only search for one marker. */
  siem?: { id: string; search(marker: string): Promise<SiemSearchAnswer> };
  /** For tests: the first poll interval and its cap, ms. */
  pollMs?: number;
  maxPollMs?: number;
  now?: () => number;
}

/** The shell command that plants one line through the host's logger; `--size` so logger itself cuts nothing. */
export function loggerCommand(message: string, socket?: string): string {
  const size = Math.max(LOGGER_DEFAULT_SIZE, Buffer.byteLength(message) + 1024);
  return (
    `logger --size ${size} -t socready -p user.notice${socket ? ` -u ${shellQuote(socket)}` : ''} -- ` +
    `${shellQuote(message)}`
  );
}

function markers(runId: string, targetId: string): { short: string; long: string } {
  const nonce = randomBytes(4).toString('hex');
  const base = `socready-canary-${runId}-${targetId}-${nonce}`.replace(/[^A-Za-z0-9._-]/g, '_');
  return { short: `${base}-1`, long: `${base}-2` };
}

/**
 * The long canary: length-marked (src/util/canary-text.ts), so a cut copy shows how many of its characters it holds,
 * and ending with an end token carrying the marker so a cut-off rest can be recognised. ASCII: bytes = characters.
 */
export function longCanary(marker: string, bytes = LONG_CANARY_BYTES): string {
  return lengthMarkedCanary(marker, bytes, 'long canary');
}

interface Pending {
  trace: CanaryTrace;
  body: string;
  sentAt: number;
}

/** Plants the canaries on the host and follows them to the collector, polling with backoff up to the stated wait. */
export async function runHostCanary(o: HostCanaryOptions): Promise<HostCanaryDocument> {
  const now = o.now ?? Date.now;
  const maxWaitMs = (o.settings.max_wait ?? DEFAULT_MAX_WAIT_S) * 1000;
  const m = markers(o.runId, o.targetId);
  const doc: HostCanaryDocument = {
    collector: o.collectorId,
    collector_paths: o.collectorPaths,
    max_wait_ms: maxWaitMs,
    polls: 0,
    read_errors: [],
    canaries: [],
  };
  const pending: Pending[] = [];
  for (const [name, marker, body] of [
    ['short', m.short, `${m.short} short canary ${m.short}-END`],
    ['long', m.long, longCanary(m.long)],
  ] as const) {
    const sentAt = now();
    const r = await o.host.run(loggerCommand(body, o.settings.logger_socket), { timeoutMs: 15_000, sudo: false });
    const failed = r.error
      ? `${r.error.kind}: ${r.error.message}`
      : r.exitCode !== 0
        ? `logger exited ${r.exitCode}: ${r.stderr.trim().split('\n')[0] ?? ''}`
        : undefined;
    const trace: CanaryTrace = {
      name,
      marker,
      sent_bytes: Buffer.byteLength(body),
      ...(name === 'long' ? { sent_chars: body.length } : {}),
      planted: !failed,
      ...(failed ? { plant_error: failed } : {}),
      sent_at: new Date(sentAt).toISOString(),
      arrived: false,
      last_seen: failed ? 'not planted' : 'logger (exit 0)',
      seen_locally: null,
      summary: '',
    };
    doc.canaries.push(trace);
    if (!failed) pending.push({ trace, body, sentAt });
  }

  const timing: TraceTiming = {
    start: now(),
    maxWaitMs,
    pollMs: o.pollMs ?? 250,
    maxPollMs: o.maxPollMs ?? 4000,
    now,
  };
  const traced = pending.map((p) => ({
    marker: p.trace.marker,
    sentAt: p.sentAt,
    expectsEnd: p.trace.name === 'long',
  }));
  const col = await followOnCollector(
    traced,
    { id: o.collectorId, transport: o.collector, paths: o.collectorPaths, sudo: o.collectorSudo ?? false },
    timing,
  );
  doc.polls = col.polls;
  doc.collector_read_ok = col.reads_ok > 0;
  doc.read_errors.push(...col.read_errors);
  for (const p of pending) {
    const a = col.arrivals.get(p.trace.marker)!;
    if (!a.arrived) continue;
    Object.assign(p.trace, {
      arrived: true,
      where: a.where,
      latency_ms: a.latency_ms,
      arrived_bytes: a.bytes,
      ...(a.chars !== undefined ? { arrived_chars: a.chars } : {}),
      whole: a.whole,
      remainder_separate: a.remainder_separate,
      last_seen: `collector:${a.where}`,
    });
  }

  // The host's own logs: where a canary that did not arrive was last seen, and whether the sender kept it whole.
  const local = await o.host.run(tailCommand(o.settings.local_paths ?? DEFAULT_LOCAL_PATHS), {
    timeoutMs: 30_000,
    maxBytes: TAIL_BYTES * 4,
    sudo: o.sudo ?? false,
  });
  const localRead = !local.error && splitSections(local.stdout).files.length > 0;
  let localLong: CanarySighting | undefined;
  for (const p of pending) {
    const t = p.trace;
    const s = localRead ? sight(local.stdout, t.marker, 'host') : { endElsewhere: false };
    t.seen_locally = localRead ? Boolean(s.hit) : null;
    if (!t.arrived && s.hit) t.last_seen = s.hit.place;
    if (t.arrived && t.whole === false) t.cut_at = cutPoint(t, s.hit);
    if (t.name === 'long') localLong = s.hit;
  }
  if (o.siem) {
    doc.siem = o.siem.id;
    const found = await searchInSiem(traced, o.siem, timing);
    for (const p of pending) p.trace.siem = found.get(p.trace.marker)!;
  }
  const long = pending.find((p) => p.trace.name === 'long');
  if (long) measurePath(long.trace, localLong);
  for (const t of doc.canaries) t.summary = summarise(t, doc);
  return doc;
}

/**
 * Where a long canary was cut. logger cuts at its --size; rsyslog cuts a message longer than the input's
 * maxMessageSize: at the sender's input the rest is dropped, at the collector's imtcp the rest arrives as a second,
 * header-less message (RECIPES §11). The host's own copy, when readable, settles it directly.
 */
function cutPoint(t: CanaryTrace, local: CanarySighting | undefined): CanaryTrace['cut_at'] {
  if ((t.arrived_bytes ?? 0) <= LOGGER_DEFAULT_SIZE) return 'logger';
  if (local) return local.whole ? 'collector-input' : 'sender-input';
  return t.remainder_separate ? 'collector-input' : 'sender-input';
}

/**
 * The long canary's copies along its path (the host's own log, the collector, the SIEM), each whole or with the
 * characters it holds, and the length of the first cut copy: the figure the cut is reported at.
 */
function measurePath(t: CanaryTrace, local: CanarySighting | undefined): void {
  const copies: CanaryCopy[] = [];
  const chars = (n: number | undefined) => (n !== undefined ? { chars: n } : {});
  if (local) copies.push({ place: local.place, seen: true, whole: local.whole, ...chars(local.chars) });
  if (t.arrived)
    copies.push({ place: `collector:${t.where}`, seen: true, whole: t.whole ?? false, ...chars(t.arrived_chars) });
  const s = t.siem;
  if (s?.arrived) copies.push({ place: `siem:${s.target}`, seen: true, whole: s.whole ?? false, ...chars(s.chars) });
  t.copies = copies;
  const cut = t.cut_at ? firstCut(copies) : undefined;
  if (cut?.chars !== undefined) t.cut_chars = cut.chars;
}

function siemText(t: CanaryTrace): string {
  return t.siem ? `; ${siemArrivalText(t.siem)}` : '';
}

function summarise(t: CanaryTrace, doc: HostCanaryDocument): string {
  return summariseCollector(t, doc) + (t.planted ? siemText(t) : '');
}

function summariseCollector(t: CanaryTrace, doc: HostCanaryDocument): string {
  const what = `${t.name} canary (${t.sent_bytes} bytes, ${t.marker})`;
  if (!t.planted) return `${what}: not planted (${t.plant_error})`;
  if (!t.arrived) {
    const where = t.last_seen.startsWith('host:')
      ? `last seen in the host's own log ${t.last_seen.slice(5)}`
      : t.seen_locally === false
        ? "not in the host's own logs either"
        : "the host's own logs were not readable";
    const errors = doc.read_errors.length > 0 ? `; ${doc.read_errors.join('; ')}` : '';
    return (
      `${what}: did not arrive on ${doc.collector} within ${doc.max_wait_ms / 1000} s (${doc.polls} reads of ` +
      `${doc.collector_paths.join(', ')}); ${where}${errors}`
    );
  }
  const base = `${what}: arrived on ${doc.collector} in ${t.where} after ${t.latency_ms} ms`;
  if (t.whole) return `${base}, whole`;
  const cut =
    t.cut_at === 'logger'
      ? "cut by logger's 1 KiB default (--size)"
      : t.cut_at === 'sender-input'
        ? "cut at the sender's input (rsyslog maxMessageSize on the host; the rest was dropped)"
        : "cut at the collector's input (its " +
          `maxMessageSize${t.remainder_separate ? '; the rest arrived as a separate, header-less message' : ''}` +
          ')';
  const first = t.copies?.find((c) => !c.whole);
  const where = first?.place.startsWith('host:')
    ? ` in the host's own log ${first.place.slice(5)}`
    : ' on the collector';
  const at =
    t.cut_chars !== undefined ? ` (the canary cut first at ${t.cut_chars} of ${t.sent_chars} characters${where})` : '';
  return `${base}, but only ${t.arrived_bytes} of ${t.sent_bytes} bytes${at}: ${cut}`;
}
