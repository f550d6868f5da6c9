// Facts of the `linux-log-volume` probe: bytes per day per log source, the journal, and process starts per day.
import { InconclusiveError } from '../checks/types.js';
import type { ProbeResult } from '../transport/types.js';
import { permissionProblem, toolMissing } from '../parsers/linux/util.js';
import { type Basis, basis } from './basis.js';
import { MIN_SPAN_MS, type SourceVolume, volumesBySource } from './logstat.js';
import { lineTime } from './timestamps.js';

/** The sources the probe names, in its order (a source with no file says so rather than vanishing). */
export const LINUX_SOURCES = [
  'web-access',
  'modsecurity-audit',
  'linux-audit',
  'linux-auth',
  'syslog',
  'database',
  'journal',
] as const;

export interface Rate {
  value: number | null;
  basis: Basis;
}

export interface LinuxVolume {
  sources: SourceVolume[];
  process_starts_per_day: Rate;
  /** Sources with a bytes-per-day figure. */
  measured: number;
}

const UNITS: Record<string, number> = { B: 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 };

function tagged(text: string, tag: string): string[] {
  return text
    .split('\n')
    .filter((l) => l.startsWith(`${tag}\t`))
    .map((l) => l.slice(tag.length + 1));
}

/** The journal: its files' size on disk over the span of its entries (journal files hold compressed entries). */
function journalVolume(text: string): SourceVolume {
  const usage = tagged(text, 'journal-usage')[0];
  const base = { source: 'journal', files: 0, paths: [] as string[] };
  const none = (why: Basis): SourceVolume => ({
    ...base,
    bytes: 0,
    first: null,
    last: null,
    span_hours: null,
    bytes_per_day: null,
    basis: why,
  });
  if (usage === undefined) return none(basis('journalctl is not installed', 'journalctl がインストールされていない'));
  const m = /take up ([\d.]+)\s*([BKMGT])/i.exec(usage);
  if (!m) {
    const said = usage.slice(0, 120);
    return none(basis(`journalctl --disk-usage said: ${said}`, `journalctl --disk-usage の出力: ${said}`));
  }
  const bytes = Math.round(Number(m[1]) * UNITS[m[2]!.toUpperCase()]!);
  const first = lineTime(tagged(text, 'journal-first')[0] ?? '');
  const last = lineTime(tagged(text, 'journal-last')[0] ?? '');
  if (first === undefined || last === undefined)
    return { ...none(basis('no journal entry could be read', 'ジャーナルのエントリーを読めない')), bytes };
  const span = last - first;
  const out = {
    ...base,
    bytes,
    first: new Date(first).toISOString(),
    last: new Date(last).toISOString(),
    span_hours: span / 3_600_000,
  };
  if (span < MIN_SPAN_MS)
    return {
      ...out,
      bytes_per_day: null,
      basis: basis('the journal spans under an hour', 'ジャーナルの期間が 1 時間未満'),
    };
  return {
    ...out,
    bytes_per_day: (bytes * 86_400_000) / span,
    basis: basis(
      `journalctl --disk-usage (${usage.trim()}) over the span of its entries; on-disk size, compressed`,
      `journalctl --disk-usage（${usage.trim()}）をエントリーの期間で割った値。ディスク上の圧縮後サイズ`,
    ),
  };
}

/** Process starts since boot (the kernel's `processes` counter) over the time since boot. */
function processStarts(text: string): Rate {
  const count = Number(tagged(text, 'proc-processes')[0]);
  const boot = Number(tagged(text, 'proc-btime')[0]);
  const now = Number(tagged(text, 'now')[0]);
  if (!Number.isFinite(count) || !Number.isFinite(boot) || !Number.isFinite(now) || count <= 0 || boot <= 0) {
    return {
      value: null,
      basis: basis('/proc/stat gave no processes/btime counter', '/proc/stat に processes/btime のカウンターがない'),
    };
  }
  const up = (now - boot) * 1000;
  if (up < MIN_SPAN_MS) {
    const min = Math.round(up / 60_000);
    return {
      value: null,
      basis: basis(`the host booted ${min} min ago: too recent`, `ホストの起動が ${min} 分前: 最近すぎる`),
    };
  }
  const days = (up / 86_400_000).toFixed(2);
  return {
    value: (count * 86_400_000) / up,
    basis: basis(
      `/proc/stat processes ${count} over ${days} days since boot (btime ${boot})`,
      `/proc/stat の processes ${count} を起動後 ${days} 日で割った値（btime ${boot}）`,
    ),
  };
}

export function linuxVolume(outputs: Record<string, ProbeResult>): { volume: LinuxVolume } {
  const r = outputs['linux-log-volume'];
  if (!r || (r.error && r.error.kind !== 'not-found')) {
    throw new InconclusiveError(
      `linux-log-volume: ${r?.error ? `${r.error.kind}: ${r.error.message}` : 'not collected'}`,
    );
  }
  if (toolMissing(r)) throw new InconclusiveError('linux-log-volume: the shell could not run it (exit 127)');
  const perm = permissionProblem(r);
  if (perm && !r.stdout.includes('file\t')) throw new InconclusiveError(`linux-log-volume: ${perm}`);
  const files = volumesBySource(
    r.stdout,
    LINUX_SOURCES.filter((s) => s !== 'journal'),
  );
  const sources = [...files, journalVolume(r.stdout)];
  return {
    volume: {
      sources,
      process_starts_per_day: processStarts(r.stdout),
      measured: sources.filter((s) => s.bytes_per_day !== null).length,
    },
  };
}
