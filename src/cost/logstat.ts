// Log volume from sizes and time spans: the output of one small read-only shell function (LOG_STAT_SH) that prints,
// per log file of a rotation family (current, rotated, gzip-compressed), its size, mtime, uncompressed size and its
// first and last lines; and the function that turns those records into bytes per day per source. Nothing is guessed:
// a source whose span cannot be read is null with the reason, never 0.
import { lineTime } from './timestamps.js';
import { type Basis, basis } from './basis.js';

/**
 * `socready_logstat <source> <file>...`: one `file` record per readable regular file, then up to three `head` and
 * three `tail` lines (cut to 400 bytes). gzip files: uncompressed size from the trailer (`gzip -l`), first lines by
 * decompressing the start only, last lines only when the file is at most 4 MiB compressed (else its mtime stands in).
 * Files compressed otherwise (xz, bz2, zstd) are listed with an unknown uncompressed size.
 * The Linux probe `linux-log-volume` (checks/probes/linux.yaml) carries this exact text; a unit test keeps them equal.
 */
export const LOG_STAT_SH = `socready_logstat() {
  s=$1; shift
  for f in "$@"; do
    [ -f "$f" ] || continue
    if [ ! -r "$f" ]; then printf 'unreadable\\t%s\\t%s\\n' "$s" "$f"; continue; fi
    sz=$(stat -L -c %s "$f" 2>/dev/null) || continue
    mt=$(stat -L -c %Y "$f" 2>/dev/null) || continue
    case "$f" in
      *.gz)
        u=$(gzip -l "$f" 2>/dev/null | awk 'NR==2{print $2}')
        printf 'file\\t%s\\t%s\\t%s\\t%s\\t%s\\n' "$s" "$sz" "$mt" "\${u:-?}" "$f"
        gzip -dc "$f" 2>/dev/null | head -n 3 | cut -c1-400 | awk '{print "head\\t" $0}'
        [ "$sz" -le 4194304 ] && gzip -dc "$f" 2>/dev/null | tail -n 3 | cut -c1-400 | awk '{print "tail\\t" $0}'
        ;;
      *.xz|*.bz2|*.zst|*.lz4) printf 'file\\t%s\\t%s\\t%s\\t?\\t%s\\n' "$s" "$sz" "$mt" "$f" ;;
      *)
        printf 'file\\t%s\\t%s\\t%s\\t-\\t%s\\n' "$s" "$sz" "$mt" "$f"
        head -n 3 "$f" | cut -c1-400 | awk '{print "head\\t" $0}'
        tail -n 3 "$f" | cut -c1-400 | awk '{print "tail\\t" $0}'
        ;;
    esac
  done
}`;

export interface LogFile {
  source: string;
  path: string;
  /** Bytes on disk. */
  size: number;
  mtime_ms: number;
  compressed: boolean;
  /** Bytes the lines take once decompressed (what a forwarder ships); null when unknown. */
  bytes: number | null;
  head: string[];
  tail: string[];
}

/** One source's volume: total bytes over the span from the oldest first line to the newest last line. */
export interface SourceVolume {
  source: string;
  files: number;
  paths: string[];
  bytes: number;
  /** ISO times of the first and last line (the newest file's mtime when its last lines carry no time). */
  first: string | null;
  last: string | null;
  span_hours: number | null;
  bytes_per_day: number | null;
  /** How the figure was obtained, or why there is none. */
  basis: Basis;
}

/** The shortest span a per-day figure is extrapolated from. */
export const MIN_SPAN_MS = 3_600_000;

/** Parses the records LOG_STAT_SH prints; other lines (sections of the same probe) are ignored. */
export function parseLogStat(text: string): { files: LogFile[]; unreadable: { source: string; path: string }[] } {
  const files: LogFile[] = [];
  const unreadable: { source: string; path: string }[] = [];
  const seen = new Set<string>();
  let cur: LogFile | undefined;
  for (const line of text.split('\n')) {
    const tab = line.indexOf('\t');
    if (tab < 0) continue;
    const tag = line.slice(0, tab);
    const rest = line.slice(tab + 1);
    if (tag === 'file') {
      const [source, size, mtime, u, ...p] = rest.split('\t');
      const path = p.join('\t');
      cur = undefined;
      if (!source || !path || seen.has(path) || !/^\d+$/.test(size ?? '') || !/^\d+$/.test(mtime ?? '')) continue;
      seen.add(path);
      const compressed = u !== '-';
      cur = {
        source,
        path,
        size: Number(size),
        mtime_ms: Number(mtime) * 1000,
        compressed,
        bytes: !compressed ? Number(size) : /^\d+$/.test(u ?? '') ? Number(u) : null,
        head: [],
        tail: [],
      };
      files.push(cur);
    } else if (tag === 'unreadable') {
      const [source, ...p] = rest.split('\t');
      cur = undefined;
      if (source) unreadable.push({ source, path: p.join('\t') });
    } else if ((tag === 'head' || tag === 'tail') && cur) {
      cur[tag].push(rest);
    } else cur = undefined;
  }
  return { files, unreadable };
}

const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());

/** Bytes per day of one source from its files; null with the reason when it cannot be said. */
export function sourceVolume(source: string, files: LogFile[], unreadable: string[] = []): SourceVolume {
  const base = {
    source,
    files: files.length,
    paths: files.map((f) => f.path).slice(0, 20),
  };
  const none = (basis: Basis, bytes = 0): SourceVolume => ({
    ...base,
    bytes,
    first: null,
    last: null,
    span_hours: null,
    bytes_per_day: null,
    basis,
  });
  if (files.length === 0) {
    return none(
      unreadable.length > 0
        ? basis(`not readable: ${unreadable.join(', ')}`, `読み取れない: ${unreadable.join(', ')}`)
        : basis('no log file found', 'ログファイルが見つからない'),
    );
  }
  const unknown = files.filter((f) => f.bytes === null);
  const bytes = files.reduce((s, f) => s + (f.bytes ?? 0), 0);
  if (unknown.length > 0) {
    const paths = unknown.map((f) => f.path).join(', ');
    return none(basis(`uncompressed size unknown for ${paths}`, `展開後のサイズが不明: ${paths}`), bytes);
  }
  if (bytes === 0)
    return {
      ...none(basis('the files are empty: nothing written in their span', 'ファイルが空: 期間中に書き込みがない')),
      bytes_per_day: null,
    };
  const firsts = files.map((f) => f.head.map((l) => lineTime(l, f.mtime_ms)).find((t) => t !== undefined));
  const lasts = files.map(
    (f) =>
      f.tail
        .map((l) => lineTime(l, f.mtime_ms))
        .filter((t): t is number => t !== undefined)
        .at(-1) ?? f.mtime_ms,
  );
  const known = firsts.filter((t): t is number => t !== undefined);
  if (known.length === 0)
    return none(basis('no timestamp in the first lines of any file', 'どのファイルの先頭行にも時刻がない'), bytes);
  const first = Math.min(...known);
  const last = Math.max(...lasts);
  const span = last - first;
  const timed = basis(
    `${bytes} bytes in ${files.length} file(s) between the first and last line's time`,
    `${files.length} ファイルの先頭行から末尾行の時刻までに ${bytes} バイト`,
  );
  if (span < MIN_SPAN_MS) {
    const min = Math.round(span / 60_000);
    return {
      ...none(
        basis(
          `span of ${min} min is under an hour: too short to say a day`,
          `期間が ${min} 分で 1 時間未満: 1 日あたりを出すには短すぎる`,
        ),
        bytes,
      ),
      first: iso(first),
      last: iso(last),
      span_hours: span / 3_600_000,
    };
  }
  const untimed = files.filter((_, i) => firsts[i] === undefined).length;
  return {
    ...base,
    bytes,
    first: iso(first),
    last: iso(last),
    span_hours: span / 3_600_000,
    bytes_per_day: (bytes * 86_400_000) / span,
    basis:
      untimed > 0
        ? basis(
            `${timed.en} (${untimed} file(s) had no timestamp in their first lines)`,
            `${timed.ja}（${untimed} ファイルは先頭行に時刻がない）`,
          )
        : timed,
  };
}

/** Every source named in the records (and the expected ones, so a missing log says so), in a stable order. */
export function volumesBySource(text: string, expected: readonly string[] = []): SourceVolume[] {
  const { files, unreadable } = parseLogStat(text);
  const names = [...new Set([...expected, ...files.map((f) => f.source), ...unreadable.map((u) => u.source)])];
  return names.map((n) =>
    sourceVolume(
      n,
      files.filter((f) => f.source === n),
      unreadable.filter((u) => u.source === n).map((u) => u.path),
    ),
  );
}
