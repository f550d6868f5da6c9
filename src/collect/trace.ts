// Following planted markers through the places a source's logs must reach: the central collector (bounded tails of
// its configured files, read over its own transport) and the SIEM (one read-only search per marker). Every canary
// (the host's logger lines, the web body canary, a database's canary query) is traced by these two functions, so the
// polling bound, the backoff and "where was it last seen" mean the same for each. A marker that must arrive whole
// carries an end token (`<marker>-END`) at its very end: the token present on the marker's line means nothing was cut.
import type { CanaryCollectorArrival, CanaryMarkerTrace } from '../model.js';
import type { CanarySiemTrace, CanarySighting } from '../parsers/linux/canary.js';
import { shellQuote } from '../transport/shell.js';
import type { Transport } from '../transport/types.js';
import { measureCanary } from '../util/canary-text.js';
import { splitSections } from '../util/file-sections.js';
import type { SiemSearchAnswer } from './siem-search.js';

/** Bytes read from the end of each collector file per poll. */
export const TAIL_BYTES = 4 * 1024 * 1024;

/** One marker to follow: planted at `sentAt` (ms), whole when its line holds `<marker>-END`. */
export interface TracedMarker {
  marker: string;
  sentAt: number;
  /** Planted with an end token: a cut message is awaited a moment longer for its rest (imtcp splits it). */
  expectsEnd: boolean;
}

/** A central collector: another target, read through its own transport. */
export interface CollectorPlace {
  id: string;
  /** Absent: no transport socready can use reaches it. */
  transport: Transport | undefined;
  paths: string[];
  sudo?: boolean;
  /**
   * The read that answers `==> place <==` sections instead of the tails of `paths` (a Windows Event Collector's
   * forwarded-events logs, src/transport/pwsh-canary.ts eventLogTailScript).
   */
  command?: string;
}

/** A SIEM: a read-only search for one marker (src/collect/siem-search.ts builds the request for each product). */
export interface SiemPlace {
  id: string;
  search(marker: string): Promise<SiemSearchAnswer>;
}

/** Bounded polling: the stated maximum wait from `start`, a first interval doubled up to a cap. */
export interface TraceTiming {
  start: number;
  maxWaitMs: number;
  pollMs: number;
  maxPollMs: number;
  now: () => number;
}

export type { CanarySighting } from '../parsers/linux/canary.js';

export type CollectorArrival = CanaryCollectorArrival;

export interface CollectorTrace {
  polls: number;
  /** Reads of the collector that answered (a read error ends the polling). */
  reads_ok: number;
  read_errors: string[];
  arrivals: Map<string, CollectorArrival>;
}

export type SiemArrival = CanarySiemTrace;

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Reads the last bytes of every file matching the paths (globs allowed) as `==> path <==` sections. */
export function tailCommand(paths: string[], maxBytes = TAIL_BYTES): string {
  const list = paths.map((p) => p.replace(/[^*?[\]]+/g, (part) => shellQuote(part))).join(' ');
  return (
    `for f in ${list}; do [ -f "$f" ] || continue; printf '==> %s <==\\n' "$f"; ` +
    `tail -c ${maxBytes} -- "$f"; printf '\\n'; done; true`
  );
}

/**
 * Where a marker appears in `==> path <==` sections: the most complete line holding it (bytes from the marker on)
 * and whether its end token stands on another line. The marker counts as a word (run 1's is a prefix of run 10's),
 * and its own end token alone is not a sighting of the marker.
 */
export function sight(output: string, marker: string, prefix: string): { hit?: CanarySighting; endElsewhere: boolean } {
  let hit: CanarySighting | undefined;
  let endElsewhere = false;
  const end = `${marker}-END`;
  const re = new RegExp(`${escapeRe(marker)}(?![0-9]|-END)`);
  for (const f of splitSections(output).files) {
    for (const line of f.text.split('\n')) {
      const m = re.exec(line);
      if (m) {
        const body = line.slice(m.index).trimEnd();
        // A length-marked canary is measured against its own text (what trails it on the line does not count).
        const measured = measureCanary(body, marker);
        const candidate: CanarySighting = {
          place: `${prefix}:${f.path}`,
          bytes: Buffer.byteLength(body),
          whole: measured ? measured.whole : body.includes(end),
          ...(measured ? { chars: measured.chars } : {}),
        };
        // Several copies (a retried message, a URL and a body): the most complete one counts.
        if (!hit || candidate.bytes > hit.bytes) hit = candidate;
      } else if (line.includes(end)) endElsewhere = true;
    }
  }
  return { ...(hit ? { hit } : {}), endElsewhere };
}

const sleep = (ms: number) => new Promise((res) => setTimeout(res, ms));

/**
 * Reads the collector's files until every marker arrived (a cut one that expects its end gets 2 s more for its
 * rest) or the stated wait ends. A read error stops the polling: it is reported, not retried.
 */
export async function followOnCollector(
  markers: TracedMarker[],
  place: CollectorPlace,
  t: TraceTiming,
): Promise<CollectorTrace> {
  const out: CollectorTrace = { polls: 0, reads_ok: 0, read_errors: [], arrivals: new Map() };
  for (const m of markers) out.arrivals.set(m.marker, { arrived: false });
  if (!place.transport) {
    out.read_errors.push(`collector ${place.id}: not reachable through any transport`);
    return out;
  }
  const partialAt = new Map<string, number>();
  const open = () => markers.some((m) => !out.arrivals.get(m.marker)!.arrived || partialAt.has(m.marker));
  let wait = t.pollMs;
  while (open()) {
    out.polls++;
    const r = await place.transport.run(place.command ?? tailCommand(place.paths), {
      timeoutMs: 30_000,
      maxBytes: TAIL_BYTES * (place.paths.length + 1),
      sudo: place.sudo ?? false,
    });
    if (r.error) {
      out.read_errors.push(`collector ${place.id}: ${r.error.kind}: ${r.error.message}`);
      break;
    }
    out.reads_ok++;
    for (const m of markers) {
      const s = sight(r.stdout, m.marker, 'collector');
      if (!s.hit) continue;
      const a = out.arrivals.get(m.marker)!;
      if (!a.arrived) {
        a.arrived = true;
        a.where = s.hit.place.slice('collector:'.length);
        a.latency_ms = t.now() - m.sentAt;
      }
      a.bytes = s.hit.bytes;
      if (s.hit.chars !== undefined) a.chars = s.hit.chars;
      a.whole = s.hit.whole;
      a.remainder_separate = s.endElsewhere;
      // A cut message: its rest may come a moment later as a separate message; wait for it at most 2 s.
      if (s.hit.whole || s.endElsewhere || !m.expectsEnd) partialAt.delete(m.marker);
      else if (!partialAt.has(m.marker)) partialAt.set(m.marker, t.now());
      else if (t.now() - partialAt.get(m.marker)! >= 2000) partialAt.delete(m.marker);
    }
    if (!open() || t.now() - t.start >= t.maxWaitMs) break;
    await sleep(Math.min(wait, Math.max(0, t.start + t.maxWaitMs - t.now())));
    wait = Math.min(wait * 2, t.maxPollMs);
  }
  return out;
}

/** Searches the SIEM for every marker, with the same backoff, until all are found or the wait is over. */
export async function searchInSiem(
  markers: TracedMarker[],
  siem: SiemPlace,
  t: TraceTiming,
): Promise<Map<string, SiemArrival>> {
  const out = new Map<string, SiemArrival>(
    markers.map((m) => [m.marker, { target: siem.id, arrived: false, fields: [], searches: 0 }]),
  );
  let wait = t.pollMs;
  for (;;) {
    for (const m of markers) {
      const s = out.get(m.marker)!;
      if (s.arrived) continue;
      s.searches++;
      const a = await siem.search(m.marker);
      if (!a.answered) s.error = a.error;
      else delete s.error;
      if (a.found) {
        s.arrived = true;
        s.latency_ms = t.now() - m.sentAt;
        s.fields = a.fields;
        if (a.whole !== undefined) s.whole = a.whole;
        if (a.chars !== undefined) s.chars = a.chars;
      }
    }
    const all = [...out.values()];
    // A refused credential does not get better by asking again.
    const refused = all.some((s) => /^(auth-failed|permission-denied)/.test(s.error ?? ''));
    if (refused || all.every((s) => s.arrived) || t.now() - t.start >= t.maxWaitMs) return out;
    await sleep(Math.min(wait, Math.max(0, t.start + t.maxWaitMs - t.now())));
    wait = Math.min(wait * 2, t.maxPollMs);
  }
}

/** The places a source's logs must reach, as the inventory's source declarations name them. */
export interface TracePlaces {
  collector?: CollectorPlace;
  siem?: SiemPlace;
}

export type MarkerTrace = CanaryMarkerTrace;

export interface TraceResult {
  max_wait_ms: number;
  polls: number;
  /** Whether any read of the collector answered: without one, a marker's absence there proves nothing. */
  collector_read_ok: boolean;
  read_errors: string[];
  markers: MarkerTrace[];
}

/**
 * The one entry point: trace markers planted on a target through the places its source declaration names (its
 * collector, then its SIEM), with one stated maximum wait for both. Database and web canaries call this after
 * planting; the host canary uses the two steps above directly (it also reads the host's own logs in between).
 */
export async function traceMarkers(
  markers: TracedMarker[],
  places: TracePlaces,
  o: { maxWaitMs: number; pollMs?: number; maxPollMs?: number; now?: () => number },
): Promise<TraceResult> {
  const now = o.now ?? Date.now;
  const timing: TraceTiming = {
    start: now(),
    maxWaitMs: o.maxWaitMs,
    pollMs: o.pollMs ?? 250,
    maxPollMs: o.maxPollMs ?? 4000,
    now,
  };
  const col = places.collector ? await followOnCollector(markers, places.collector, timing) : undefined;
  const siem = places.siem ? await searchInSiem(markers, places.siem, timing) : undefined;
  return {
    max_wait_ms: o.maxWaitMs,
    polls: col?.polls ?? 0,
    collector_read_ok: (col?.reads_ok ?? 0) > 0,
    read_errors: col?.read_errors ?? [],
    markers: markers.map((m) => {
      const c = col?.arrivals.get(m.marker);
      const s = siem?.get(m.marker);
      const last = s?.arrived ? `siem:${s.target}` : c?.arrived ? `collector:${c.where}` : 'planted';
      return {
        marker: m.marker,
        ...(c ? { collector: { id: places.collector!.id, ...c } } : {}),
        ...(s ? { siem: s } : {}),
        last_seen: last,
      };
    }),
  };
}
