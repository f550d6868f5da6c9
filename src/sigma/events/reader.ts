// Streaming event input: files or folders, gzipped or not, in any supported format, with memory bounded by the
// largest single event (the file is read in chunks; only the current partial document is kept).
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { extname } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import type { EventLogSource, SigmaEvent } from '../types.js';
import { walkFiles } from '../../util/walk.js';
import { wrapJson } from './json.js';
import { parseAccessLog, parseAuditd, parseSquid, splitCsv } from './lines.js';
import { parsePostgresLog, parseServerAudit } from './database.js';

export interface ReadStats {
  events: number;
  skipped: number;
  bytes: number;
  /** Time range of the events that carry a time, and how many carry none. */
  timeMin?: number;
  timeMax?: number;
  untimed: number;
  /** The first few reasons lines were skipped, with file and line. */
  problems: string[];
  /** Files the reader refused (gzip bomb, corrupt gzip), with the reason; the other files were still read. */
  refused: { file: string; reason: string }[];
}

export interface ReadOptions {
  /** Route every event to this log source instead of deciding from the event. */
  logsource?: EventLogSource;
  stats?: ReadStats;
  /** Called with the compressed/raw bytes read so far (progress bars). */
  onBytes?: (bytes: number) => void;
}

/** How many skip reasons a run keeps (the first ones, in input order). */
export const MAX_PROBLEMS = 20;

export function newStats(): ReadStats {
  return { events: 0, skipped: 0, bytes: 0, untimed: 0, problems: [], refused: [] };
}

const EVENT_EXT = new Set(['.json', '.jsonl', '.ndjson', '.log', '.csv', '.txt', '.gz', '.evtx.json', '']);

/**
 * Files below the given paths (folders are walked; hidden files skipped), sorted. A symbolic link loop, a device or
 * an unreadable folder is passed to `onSkip` with the reason and the walk goes on.
 */
export function listEventFiles(
  paths: string[],
  onSkip: (path: string, reason: string) => void = () => undefined,
): string[] {
  return walkFiles(paths, {
    includeFile: (n) =>
      !n.startsWith('.') && n !== 'info.yml' && (EVENT_EXT.has(extname(n)) || /\.log\.\d+(\.gz)?$/.test(n)),
    onSkip,
  });
}

async function isGzip(file: string): Promise<boolean> {
  const fh = await open(file, 'r');
  try {
    const b = Buffer.alloc(2);
    await fh.read(b, 0, 2, 0);
    return b[0] === 0x1f && b[1] === 0x8b;
  } finally {
    await fh.close();
  }
}

/**
 * Stated limits of the event reader. A line (or one JSON document) longer than MAX_RECORD_CHARS is reported and
 * skipped. A gzip file is refused once it expands past MAX_EXPANDED_BYTES, or once it has expanded past
 * RATIO_CHECK_AFTER_BYTES at more than MAX_EXPANSION_RATIO times its compressed size (real log exports compress
 * 5 to 50 times; a bomb of zeros or newlines compresses about 1,000 times).
 */
export const EVENT_LIMITS = {
  MAX_RECORD_CHARS: 8 * 1024 * 1024,
  MAX_EXPANDED_BYTES: 4 * 1024 * 1024 * 1024,
  MAX_EXPANSION_RATIO: 200,
  RATIO_CHECK_AFTER_BYTES: 8 * 1024 * 1024,
};

/** A file the reader stopped reading, and why (gzip bomb, corrupt gzip). */
export class RefusedFile extends Error {}

/** Yields text chunks of a (possibly gzipped) file; a gzip file past the expansion limits throws RefusedFile. */
async function* chunks(file: string, opts: ReadOptions): AsyncGenerator<string> {
  const gz = await isGzip(file);
  // Small compressed reads keep the expansion ratio measured finely enough to stop a bomb early.
  const raw = createReadStream(file, { highWaterMark: gz ? 16 * 1024 : 1 << 20 });
  let bytes = 0;
  let expanded = 0;
  if (gz) {
    // Progress follows the compressed bytes, which is what the file size on disk measures.
    raw.on('data', (b) => {
      bytes += (b as Buffer).length;
      opts.onBytes?.(bytes);
    });
  }
  const gunzip = gz ? createGunzip() : undefined;
  const stream = gunzip ? raw.pipe(gunzip) : raw;
  const decoder = new StringDecoder('utf8');
  try {
    for await (const b of stream) {
      const len = (b as Buffer).length;
      if (!gz) {
        bytes += len;
        opts.onBytes?.(bytes);
      } else {
        expanded += len;
        if (expanded > EVENT_LIMITS.MAX_EXPANDED_BYTES)
          throw new RefusedFile(
            `gzip expands past ${EVENT_LIMITS.MAX_EXPANDED_BYTES} bytes (the limit); file not read further`,
          );
        if (
          expanded > EVENT_LIMITS.RATIO_CHECK_AFTER_BYTES &&
          expanded > EVENT_LIMITS.MAX_EXPANSION_RATIO * Math.max(bytes, 1)
        )
          throw new RefusedFile(
            `gzip expands more than ${EVENT_LIMITS.MAX_EXPANSION_RATIO} times (${expanded} bytes from ` +
              `${bytes} compressed; a gzip bomb?); file not read further`,
          );
      }
      yield decoder.write(b as Buffer);
    }
  } catch (e) {
    if (e instanceof RefusedFile) throw e;
    // Only a broken gzip stream is the file's fault; anything else (EACCES, EISDIR) keeps its own error.
    if (gz && (e as NodeJS.ErrnoException).code?.startsWith('Z_'))
      throw new RefusedFile(`not valid gzip: ${(e as Error).message}`);
    throw e;
  } finally {
    raw.destroy();
    gunzip?.destroy();
    if (opts.stats) opts.stats.bytes += bytes;
  }
  const tail = decoder.end();
  if (tail) yield tail;
}

/** Stands for a line or document longer than the record limit (skipped, but still counted for line numbers). */
export const TOO_LONG: unique symbol = Symbol('too long');
type Record_ = string | typeof TOO_LONG;

/**
 * Splits a chunk stream into lines, one batch per chunk (an await per line would make a file of millions of empty
 * lines slow). Linear in bytes: each chunk is scanned once and the pieces of an unfinished line are kept in a list
 * (joined once), never re-concatenated and re-scanned per chunk. A line past `maxChars` is dropped as it arrives, so
 * memory stays bounded by the limit.
 */
export async function* splitLines(
  src: AsyncIterable<string>,
  maxChars = EVENT_LIMITS.MAX_RECORD_CHARS,
): AsyncGenerator<Record_[]> {
  let parts: string[] = [];
  let partLen = 0;
  let tooLong = false;
  for await (const c of src) {
    const batch: Record_[] = [];
    let start = 0;
    let nl = c.indexOf('\n');
    while (nl >= 0) {
      if (tooLong || partLen + (nl - start) > maxChars) batch.push(TOO_LONG);
      else {
        let line = partLen ? parts.join('') + c.slice(start, nl) : c.slice(start, nl);
        if (line.charCodeAt(line.length - 1) === 13) line = line.slice(0, -1);
        batch.push(line);
      }
      parts = [];
      partLen = 0;
      tooLong = false;
      start = nl + 1;
      nl = c.indexOf('\n', start);
    }
    if (start < c.length && !tooLong) {
      partLen += c.length - start;
      if (partLen > maxChars) {
        tooLong = true;
        parts = [];
      } else parts.push(c.slice(start));
    }
    if (batch.length) yield batch;
  }
  if (tooLong) yield [TOO_LONG];
  else if (partLen) {
    const line = parts.join('');
    yield [line.charCodeAt(line.length - 1) === 13 ? line.slice(0, -1) : line];
  }
}

/**
 * Splits concatenated (pretty-printed) JSON documents, or the elements of a top-level array, by tracking nesting
 * depth outside strings. Works across chunk boundaries; linear in bytes like `splitLines`, with the same record cap.
 */
export async function* jsonDocs(
  src: AsyncIterable<string>,
  maxChars = EVENT_LIMITS.MAX_RECORD_CHARS,
): AsyncGenerator<Record_> {
  let depth = 0;
  let inStr = false;
  let esc = false;
  let inDoc = false;
  let tooLong = false;
  let parts: string[] = [];
  let partLen = 0;
  let arrayTop = false;
  let decided = false;
  for await (const c of src) {
    let segStart = 0;
    for (let i = 0; i < c.length; i++) {
      const ch = c.charCodeAt(i);
      if (inStr) {
        if (esc) esc = false;
        else if (ch === 92) esc = true;
        else if (ch === 34) inStr = false;
        continue;
      }
      if (ch === 34) inStr = true;
      else if (ch === 123 || ch === 91) {
        if (!decided) {
          decided = true;
          if (ch === 91) {
            arrayTop = true;
            depth = 1;
            continue;
          }
        }
        if (depth === (arrayTop ? 1 : 0)) {
          inDoc = true;
          segStart = i;
        }
        depth++;
      } else if (ch === 125 || ch === 93) {
        depth--;
        if (depth === (arrayTop ? 1 : 0) && inDoc) {
          if (tooLong || partLen + (i + 1 - segStart) > maxChars) yield TOO_LONG;
          else yield partLen ? parts.join('') + c.slice(segStart, i + 1) : c.slice(segStart, i + 1);
          inDoc = false;
          tooLong = false;
          parts = [];
          partLen = 0;
        }
      }
    }
    // Keep only the unfinished document, as pieces.
    if (inDoc && !tooLong) {
      partLen += c.length - segStart;
      if (partLen > maxChars) {
        tooLong = true;
        parts = [];
      } else parts.push(c.slice(segStart));
    }
  }
}

/**
 * Whether the start of a file is NDJSON: decided over a sample of lines, not the first alone, so one malformed line
 * (a lone "{") does not turn a file of valid lines into zero events. A pretty-printed document has few lines that
 * are whole JSON objects; NDJSON has mostly such lines.
 */
export function looksLikeNdjson(head: string, sample = 32): boolean {
  const segs = head.split('\n', sample + 1);
  // The last segment may be cut by the chunk boundary; judge it only when the head ended there.
  if (segs.length > sample || !head.endsWith('\n')) segs.pop();
  let lines = 0;
  let objects = 0;
  for (const s of segs) {
    const t = s.trim();
    if (!t) continue;
    lines++;
    if (t[0] !== '{') continue;
    try {
      const v: unknown = JSON.parse(t);
      if (v && typeof v === 'object' && !Array.isArray(v)) objects++;
    } catch {
      // A malformed line: counted as a line that is not an object.
    }
  }
  return objects > 0 && objects * 2 >= lines;
}

type LineParser = (line: string, ls?: EventLogSource) => SigmaEvent | undefined;
const LINE_PARSERS: LineParser[] = [parseAuditd, parseAccessLog, parseSquid, parsePostgresLog, parseServerAudit];

/** Reads the events of one file, deciding the format from its first bytes (and .csv from its name). A refused file
 * (gzip bomb, corrupt gzip) is recorded in `stats.refused` with the reason, and reading goes on with the next file. */
export async function* readEventFile(file: string, opts: ReadOptions = {}): AsyncGenerator<SigmaEvent> {
  try {
    yield* readRecords(file, opts);
  } catch (e) {
    if (!(e instanceof RefusedFile)) throw e;
    if (opts.stats) opts.stats.refused.push({ file, reason: e.message });
  }
}

/** The start of a file, read to decide its format, and the whole text again from that start. */
interface Peeked {
  head: string;
  replay: AsyncIterable<string>;
  ndjson: boolean;
  csv: boolean;
}

async function peek(file: string, opts: ReadOptions): Promise<Peeked | undefined> {
  const it = chunks(file, opts)[Symbol.asyncIterator]();
  const first = await it.next();
  if (first.done) return undefined;
  const head = first.value;
  const replay = (async function* () {
    yield head;
    for (;;) {
      const n = await it.next();
      if (n.done) return;
      yield n.value;
    }
  })();
  const csv = /\.csv(\.gz)?$/i.test(file);
  return { head, replay, csv, ndjson: !csv && looksLikeNdjson(head) };
}

/**
 * One NDJSON line as an event; undefined for a blank line, or why the line was skipped. Shared by this reader and
 * the worker threads, so both read a line the same way.
 */
export function ndjsonLine(line: string, logsource?: EventLogSource): SigmaEvent | string | undefined {
  if (!line.trim()) return undefined;
  let obj: unknown;
  try {
    obj = JSON.parse(line);
  } catch {
    // Node's message quotes the line; an event file may hold secrets: the place only.
    return 'not JSON';
  }
  return wrapJson(obj, logsource) ?? 'not a JSON object';
}

/** Why a line longer than the record limit was skipped. */
export const tooLongWhy = () => `longer than ${EVENT_LIMITS.MAX_RECORD_CHARS} characters (the limit); skipped`;

/**
 * NDJSON lines handed out unparsed, for worker threads to parse and match: line `first + i` of `file` is `lines[i]`;
 * positions in `tooLong` stand for lines past the record limit (their text is empty, their skip is the reader's).
 */
export interface LineBatch {
  file: string;
  first: number;
  lines: string[];
  tooLong: number[];
}

/**
 * Like readEventFile, but an NDJSON file comes out as LineBatches of about `batchChars` characters (parsed, routed
 * and counted by whoever matches them) and every other format as events, read here. Memory stays bounded by one
 * batch. A refused file is recorded as readEventFile does, after the lines read before the refusal.
 */
export async function* readEventUnits(
  file: string,
  opts: ReadOptions = {},
  batchChars = 1 << 20,
): AsyncGenerator<LineBatch | SigmaEvent> {
  let batch: LineBatch = { file, first: 1, lines: [], tooLong: [] };
  try {
    const p = await peek(file, opts);
    if (!p) return;
    if (!p.ndjson) {
      yield* readPeeked(file, opts, p);
      return;
    }
    let n = 0;
    let chars = 0;
    for await (const part of splitLines(p.replay))
      for (const line of part) {
        n++;
        if (line === TOO_LONG) {
          batch.tooLong.push(batch.lines.length);
          batch.lines.push('');
        } else {
          batch.lines.push(line);
          chars += line.length + 1;
        }
        if (chars >= batchChars) {
          yield batch;
          batch = { file, first: n + 1, lines: [], tooLong: [] };
          chars = 0;
        }
      }
    if (batch.lines.length) yield batch;
  } catch (e) {
    if (!(e instanceof RefusedFile)) throw e;
    // What was read before the refusal is matched, as in readEventFile.
    if (batch.lines.length) yield batch;
    if (opts.stats) opts.stats.refused.push({ file, reason: e.message });
  }
}

async function* readRecords(file: string, opts: ReadOptions): AsyncGenerator<SigmaEvent> {
  const p = await peek(file, opts);
  if (p) yield* readPeeked(file, opts, p);
}

async function* readPeeked(file: string, opts: ReadOptions, p: Peeked): AsyncGenerator<SigmaEvent> {
  const stats = opts.stats;
  const counted = (ev: SigmaEvent): SigmaEvent => {
    if (!stats) return ev;
    stats.events++;
    const t = ev.time;
    if (t === undefined) stats.untimed++;
    else {
      if (stats.timeMin === undefined || t < stats.timeMin) stats.timeMin = t;
      if (stats.timeMax === undefined || t > stats.timeMax) stats.timeMax = t;
    }
    return ev;
  };
  const skip = (lineNo: number, why: string) => {
    if (!stats) return;
    stats.skipped++;
    if (stats.problems.length < MAX_PROBLEMS) stats.problems.push(`${file}:${lineNo}: ${why}`);
  };
  const { replay, csv } = p;
  const trimmed = p.head.trimStart();
  if (p.ndjson) {
    let n = 0;
    for await (const batch of splitLines(replay))
      for (const line of batch) {
        n++;
        if (line === TOO_LONG) {
          skip(n, tooLongWhy());
          continue;
        }
        const ev = ndjsonLine(line, opts.logsource);
        if (ev === undefined) continue;
        if (typeof ev === 'string') skip(n, ev);
        else yield counted(ev);
      }
    return;
  }
  if (!csv && (trimmed.startsWith('{') || trimmed.startsWith('['))) {
    let n = 0;
    for await (const doc of jsonDocs(replay)) {
      n++;
      if (doc === TOO_LONG) {
        skip(n, `document ${n} is ${tooLongWhy()}`);
        continue;
      }
      let obj: unknown;
      try {
        obj = JSON.parse(doc);
      } catch {
        skip(n, `document ${n} is not JSON`);
        continue;
      }
      const ev = wrapJson(obj, opts.logsource);
      if (ev) yield counted(ev);
      else skip(n, `document ${n} is not a JSON object`);
    }
    return;
  }
  let header: string[] | undefined;
  let parser: LineParser | undefined;
  let n = 0;
  for await (const batch of splitLines(replay))
    for (const line of batch) {
      n++;
      if (line === TOO_LONG) {
        skip(n, tooLongWhy());
        continue;
      }
      if (!line.trim()) continue;
      if (csv) {
        if (!header) {
          header = splitCsv(line.replace(/^\uFEFF/, '')).map((h) => h.trim());
          continue;
        }
        const cells = splitCsv(line);
        const obj: Record<string, unknown> = {};
        header.forEach((h, i) => {
          const v = cells[i];
          if (v !== undefined && v !== '') obj[h] = v;
        });
        const ev = wrapJson(obj, opts.logsource);
        if (ev) yield counted(ev);
        continue;
      }
      let ev = parser?.(line, opts.logsource);
      if (!ev) {
        for (const p of LINE_PARSERS) {
          ev = p(line, opts.logsource);
          if (ev) {
            parser = p;
            break;
          }
        }
      }
      if (!ev && line.trimStart().startsWith('{')) {
        try {
          ev = wrapJson(JSON.parse(line), opts.logsource);
        } catch {
          ev = undefined;
        }
      }
      if (ev) yield counted(ev);
      else skip(n, 'not a recognised log line (auditd, access log, squid, PostgreSQL, MariaDB server_audit, JSON)');
    }
}

/** Reads every event below the given files and folders, one file after another. */
export async function* readEvents(paths: string[], opts: ReadOptions = {}): AsyncGenerator<SigmaEvent> {
  for (const f of listEventFiles(paths)) yield* readEventFile(f, opts);
}
