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
}

export interface ReadOptions {
  /** Route every event to this log source instead of deciding from the event. */
  logsource?: EventLogSource;
  stats?: ReadStats;
  /** Called with the compressed/raw bytes read so far (progress bars). */
  onBytes?: (bytes: number) => void;
}

export function newStats(): ReadStats {
  return { events: 0, skipped: 0, bytes: 0, untimed: 0, problems: [] };
}

const EVENT_EXT = new Set(['.json', '.jsonl', '.ndjson', '.log', '.csv', '.txt', '.gz', '.evtx.json', '']);

/**
 * Files below the given paths (folders are walked; hidden files skipped), sorted. A symbolic link loop, a device or
 * an unreadable folder is passed to `onSkip` with the reason and the walk goes on.
 */
export function listEventFiles(paths: string[], onSkip: (path: string, reason: string) => void = () => undefined): string[] {
  return walkFiles(paths, {
    includeFile: (n) => !n.startsWith('.') && n !== 'info.yml' && (EVENT_EXT.has(extname(n)) || /\.log\.\d+(\.gz)?$/.test(n)),
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

/** Yields text chunks of a (possibly gzipped) file. */
async function* chunks(file: string, opts: ReadOptions): AsyncGenerator<string> {
  const raw = createReadStream(file, { highWaterMark: 1 << 20 });
  let bytes = 0;
  const gz = await isGzip(file);
  if (gz) {
    // Progress follows the compressed bytes, which is what the file size on disk measures.
    raw.on('data', (b) => {
      bytes += (b as Buffer).length;
      opts.onBytes?.(bytes);
    });
  }
  const stream = gz ? raw.pipe(createGunzip()) : raw;
  const decoder = new StringDecoder('utf8');
  for await (const b of stream) {
    if (!gz) {
      bytes += (b as Buffer).length;
      opts.onBytes?.(bytes);
    }
    yield decoder.write(b as Buffer);
  }
  const tail = decoder.end();
  if (tail) yield tail;
  if (opts.stats) opts.stats.bytes += bytes;
}

/** Splits a chunk stream into lines. */
async function* lines(src: AsyncIterable<string>): AsyncGenerator<string> {
  let rest = '';
  for await (const c of src) {
    const text = rest + c;
    let start = 0;
    let nl = text.indexOf('\n', start);
    while (nl >= 0) {
      yield text.charCodeAt(nl - 1) === 13 ? text.slice(start, nl - 1) : text.slice(start, nl);
      start = nl + 1;
      nl = text.indexOf('\n', start);
    }
    rest = text.slice(start);
  }
  if (rest) yield rest;
}

/**
 * Splits concatenated (pretty-printed) JSON documents, or the elements of a top-level array, by tracking nesting
 * depth outside strings. Works across chunk boundaries.
 */
async function* jsonDocs(src: AsyncIterable<string>): AsyncGenerator<string> {
  let buf = '';
  let depth = 0;
  let inStr = false;
  let esc = false;
  let start = -1;
  let arrayTop = false;
  let decided = false;
  for await (const c of src) {
    let i = buf.length;
    buf += c;
    for (; i < buf.length; i++) {
      const ch = buf.charCodeAt(i);
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
        if (depth === (arrayTop ? 1 : 0)) start = i;
        depth++;
      } else if (ch === 125 || ch === 93) {
        depth--;
        if (depth === (arrayTop ? 1 : 0) && start >= 0) {
          yield buf.slice(start, i + 1);
          start = -1;
        }
      }
    }
    // Keep only the unfinished document.
    if (start >= 0) {
      buf = buf.slice(start);
      start = 0;
    } else buf = '';
  }
}

type LineParser = (line: string, ls?: EventLogSource) => SigmaEvent | undefined;
const LINE_PARSERS: LineParser[] = [parseAuditd, parseAccessLog, parseSquid];

/** Reads the events of one file, deciding the format from its first bytes (and .csv from its name). */
export async function* readEventFile(file: string, opts: ReadOptions = {}): AsyncGenerator<SigmaEvent> {
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
    if (stats.problems.length < 20) stats.problems.push(`${file}:${lineNo}: ${why}`);
  };
  // Peek at the start to pick a format.
  const it = chunks(file, opts)[Symbol.asyncIterator]();
  const first = await it.next();
  if (first.done) return;
  const head = first.value;
  const replay = (async function* () {
    yield head;
    for (;;) {
      const n = await it.next();
      if (n.done) return;
      yield n.value;
    }
  })();
  const trimmed = head.trimStart();
  const firstLine = trimmed.split('\n', 1)[0]!.trim();
  const csv = /\.csv(\.gz)?$/i.test(file);
  if (!csv && (trimmed.startsWith('{') || trimmed.startsWith('['))) {
    let oneLine = false;
    try {
      JSON.parse(firstLine);
      oneLine = trimmed.startsWith('{');
    } catch {
      oneLine = false;
    }
    if (oneLine) {
      let n = 0;
      for await (const line of lines(replay)) {
        n++;
        if (!line.trim()) continue;
        let obj: unknown;
        try {
          obj = JSON.parse(line);
        } catch {
          // Node's message quotes the line; an event file may hold secrets: the place only.
          skip(n, 'not JSON');
          continue;
        }
        const ev = wrapJson(obj, opts.logsource);
        if (ev) yield counted(ev);
        else skip(n, 'not a JSON object');
      }
    } else {
      let n = 0;
      for await (const doc of jsonDocs(replay)) {
        n++;
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
    }
    return;
  }
  let header: string[] | undefined;
  let parser: LineParser | undefined;
  let n = 0;
  for await (const line of lines(replay)) {
    n++;
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
    else skip(n, 'not a recognised log line (auditd, access log, squid, JSON)');
  }
}

/** Reads every event below the given files and folders, one file after another. */
export async function* readEvents(paths: string[], opts: ReadOptions = {}): AsyncGenerator<SigmaEvent> {
  for (const f of listEventFiles(paths)) yield* readEventFile(f, opts);
}
