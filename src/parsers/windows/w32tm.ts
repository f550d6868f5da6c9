import type { Parser } from '../../checks/types.js';
import { requireOk } from './auditpol.js';

export interface W32tmStatus {
  source: string | null;
  stratum: number | null;
  leap: number | null;
  /** Seconds, from "Phase Offset" when /verbose printed it. */
  phase_offset: number | null;
  last_sync: string | null;
  synced: boolean;
}

const LABELS: Record<string, string[]> = {
  source: ['Source', 'ソース'],
  stratum: ['Stratum', '階層'],
  leap: ['Leap Indicator', 'うるう秒インジケーター', 'うるう秒インジケータ'],
  phase: ['Phase Offset', '位相オフセット'],
  last: ['Last Successful Sync Time', '最終正常同期時刻', '最後に成功した同期時刻'],
};

/** Parses `w32tm /query /status [/verbose]` (English, Japanese labels as Windows prints them). */
export function parseW32tmStatus(text: string): W32tmStatus {
  const values = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*([^:：]+?)\s*[:：]\s*(.*)$/.exec(line);
    if (!m) continue;
    for (const [key, labels] of Object.entries(LABELS)) if (labels.includes(m[1]!)) values.set(key, m[2]!.trim());
  }
  const source = values.get('source') ?? null;
  const stratum = values.has('stratum') ? Number.parseInt(values.get('stratum')!, 10) : null;
  const leap = values.has('leap') ? Number.parseInt(values.get('leap')!, 10) : null;
  const phase = values.has('phase') ? Number.parseFloat(values.get('phase')!) : null;
  const local =
    !source ||
    /Local CMOS Clock|Free-running System Clock|ローカル CMOS クロック|フリー ランニング システム クロック/i.test(
      source,
    );
  return {
    source,
    stratum: Number.isNaN(stratum) ? null : stratum,
    leap: Number.isNaN(leap) ? null : leap,
    phase_offset: phase === null || Number.isNaN(phase) ? null : Math.abs(phase),
    last_sync: values.get('last') ?? null,
    // Leap indicator 3 means "not synchronised"; stratum 0/16 likewise.
    synced: !local && leap !== 3 && stratum !== null && stratum > 0 && stratum < 16,
  };
}

/** The lines w32tm printed that decide synchronisation (source, stratum, leap indicator, phase offset). */
function decidingLines(text: string): { probe: string; text: string }[] {
  const wanted = [...LABELS.source!, ...LABELS.stratum!, ...LABELS.leap!, ...LABELS.phase!];
  return text
    .split(/\r?\n/)
    .filter((line) => wanted.includes(/^\s*([^:：]+?)\s*[:：]/.exec(line)?.[1] ?? ''))
    .map((line) => ({ probe: 'win-w32tm', text: line.trim() }));
}

export const w32tmParser: Parser = (outputs) => {
  const out = requireOk(outputs['win-w32tm'], 'win-w32tm');
  if (/0x80070426|has not been started|開始されていません/i.test(out.stdout + out.stderr)) {
    const line = (out.stdout + out.stderr)
      .split(/\r?\n/)
      .find((l) => /0x80070426|has not been started|開始されていません/i.test(l));
    const stopped = [{ probe: 'win-w32tm', text: (line ?? '').trim() }];
    return { ...parseW32tmStatus(''), service_running: false, at: { synced: stopped, service_running: stopped } };
  }
  const lines = decidingLines(out.stdout);
  return { ...parseW32tmStatus(out.stdout), service_running: true, at: { synced: lines, phase_offset: lines } };
};
