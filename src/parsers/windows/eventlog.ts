import type { Parser } from '../../checks/types.js';
import { ParseError } from '../../checks/types.js';
import { requireOk } from './auditpol.js';

export interface EventLogInfo {
  name: string;
  enabled: boolean;
  max_bytes: number | null;
  mode: 'circular' | 'autobackup' | 'retain' | 'unknown';
  records: number | null;
  /** The entry Get-WinEvent printed for it. */
  at: { probe: string; text: string };
}

const MODES = ['circular', 'autobackup', 'retain'] as const;

/** Reads JSON that PowerShell's ConvertTo-Json wrote: a single object is not wrapped in an array. */
export function psJsonList<T>(text: string, what: string): T[] {
  const trimmed = text.replace(/^\uFEFF/, '').trim();
  if (trimmed === '') return [];
  try {
    const v = JSON.parse(trimmed) as unknown;
    return (Array.isArray(v) ? v : [v]) as T[];
  } catch (e) {
    throw new ParseError(`${what}: not JSON: ${(e as Error).message}`);
  }
}

/**
 * Parses `Get-WinEvent -ListLog ... | Select LogName, IsEnabled, MaximumSizeInBytes, LogMode, RecordCount |
 * ConvertTo-Json`.
 */
export function parseEventLogs(text: string): EventLogInfo[] {
  return psJsonList<Record<string, unknown>>(text, 'win-eventlog').map((l) => {
    const rawMode = l.LogMode;
    const mode = typeof rawMode === 'number' ? MODES[rawMode] : MODES.find((m) => m === String(rawMode).toLowerCase());
    return {
      name: String(l.LogName),
      enabled: l.IsEnabled === true || l.IsEnabled === 'True',
      max_bytes: typeof l.MaximumSizeInBytes === 'number' ? l.MaximumSizeInBytes : null,
      mode: mode ?? 'unknown',
      records: typeof l.RecordCount === 'number' ? l.RecordCount : null,
      at: { probe: 'win-eventlog', text: JSON.stringify(l) },
    };
  });
}

export const eventLogParser: Parser = (outputs) => {
  const logs = parseEventLogs(requireOk(outputs['win-eventlog'], 'win-eventlog').stdout);
  const byName = Object.fromEntries(logs.map((l) => [l.name.toLowerCase().replace(/[^a-z0-9]+/g, '_'), l]));
  return { logs, by_name: byName };
};
