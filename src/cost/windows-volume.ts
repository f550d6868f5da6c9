// Facts of the `win-eventlog-volume` probe: per event log, records and bytes per day from its record count and file
// size over the span between its oldest and newest record (Get-WinEvent -ListLog and one record at each end).
import { InconclusiveError, ParseError } from '../checks/types.js';
import type { ProbeResult } from '../transport/types.js';
import { type Basis, basis } from './basis.js';
import { MIN_SPAN_MS, type SourceVolume } from './logstat.js';

interface ListLog {
  LogName?: string;
  FileSize?: number | null;
  RecordCount?: number | null;
  MaximumSizeInBytes?: number | null;
  IsEnabled?: boolean;
  LogMode?: string;
  Oldest?: string | null;
  Newest?: string | null;
}

export interface EventLogVolume extends SourceVolume {
  records: number | null;
  records_per_day: number | null;
  /** The log is at its maximum size and circular: older records are overwritten, the span is what it keeps. */
  wrapping: boolean;
}

export function eventLogVolume(l: ListLog): EventLogVolume {
  const name = String(l.LogName ?? '?');
  const bytes = typeof l.FileSize === 'number' ? l.FileSize : 0;
  const records = typeof l.RecordCount === 'number' ? l.RecordCount : null;
  const oldest = l.Oldest ? Date.parse(l.Oldest) : Number.NaN;
  const newest = l.Newest ? Date.parse(l.Newest) : Number.NaN;
  const wrapping =
    l.LogMode === 'Circular' && typeof l.MaximumSizeInBytes === 'number' && bytes >= l.MaximumSizeInBytes * 0.98;
  const base = { source: name, files: 1, paths: [name], bytes, records, wrapping };
  const none = (why: Basis): EventLogVolume => ({
    ...base,
    first: null,
    last: null,
    span_hours: null,
    bytes_per_day: null,
    records_per_day: null,
    basis: why,
  });
  if (l.IsEnabled === false) return none(basis('the log is disabled', 'ログが無効'));
  if (!Number.isFinite(oldest) || !Number.isFinite(newest) || !records)
    return none(basis('the log holds no record', 'ログにレコードがない'));
  const span = newest - oldest;
  const timed = {
    ...base,
    first: new Date(oldest).toISOString(),
    last: new Date(newest).toISOString(),
    span_hours: span / 3_600_000,
  };
  if (span < MIN_SPAN_MS) {
    return {
      ...timed,
      bytes_per_day: null,
      records_per_day: null,
      basis: basis('its records span under an hour', 'レコードの期間が 1 時間未満'),
    };
  }
  return {
    ...timed,
    bytes_per_day: (bytes * 86_400_000) / span,
    records_per_day: (records * 86_400_000) / span,
    basis: basis(
      `${records} records, ${bytes} bytes (evtx file) between the oldest and newest record` +
        (wrapping ? '; the log is full and circular: its span is what it keeps, the rate is exact' : ''),
      `最古と最新のレコードの間に ${records} レコード、${bytes} バイト（evtx ファイル）` +
        (wrapping ? '。ログは満杯で循環上書き: 期間は保持分で、レートは正確' : ''),
    ),
  };
}

export function windowsVolume(outputs: Record<string, ProbeResult>): {
  volume: { logs: EventLogVolume[]; measured: number };
} {
  const r = outputs['win-eventlog-volume'];
  if (!r || r.error) {
    throw new InconclusiveError(
      `win-eventlog-volume: ${r?.error ? `${r.error.kind}: ${r.error.message}` : 'not collected'}`,
    );
  }
  const text = r.stdout.trim();
  if (text === '') throw new InconclusiveError('win-eventlog-volume: no event log could be listed');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new ParseError(`win-eventlog-volume: not JSON (${(e as Error).message})`);
  }
  const list = (Array.isArray(parsed) ? parsed : [parsed]) as ListLog[];
  const logs = list.filter((l) => l && typeof l === 'object').map(eventLogVolume);
  return { volume: { logs, measured: logs.filter((l) => l.bytes_per_day !== null).length } };
}
