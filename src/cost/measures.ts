// The measured figures of a run, read from the volume checks' findings (their observed facts): today's volume per
// source and the named rates the volume models use (`web.body_requests_per_day`, `linux.bytes_per_day.linux-audit`).
import type { CostSource, Finding } from '../model.js';
import { asBasis } from './basis.js';
import type { Rate } from './linux-volume.js';
import type { SourceVolume } from './logstat.js';
import type { RequestRates } from './web-volume.js';
import type { EventLogVolume } from './windows-volume.js';

export const VOLUME_CHECKS = [
  'linux.volume.measured',
  'web.volume.measured',
  'windows.volume.measured',
  'database.postgresql.statement-volume-measured',
  'database.mariadb.statement-volume-measured',
  'products.es.ingest-volume',
  'products.splunk.license-usage',
  'products.splunk.ingest-by-sourcetype',
  // Headroom facts (src/cost/headroom.ts): no sources, kept through the spill for the analysis.
  'products.splunk.licence-headroom',
  'products.es.disk-headroom',
] as const;

export interface MeasuredFigure extends Rate {
  check: string;
}

/** Which source-map class a measured log belongs to, where it is one. */
const LINUX_CLASS: Record<string, string> = {
  'linux-audit': 'linux-os-audit',
  'linux-auth': 'linux-os-audit',
  'modsecurity-audit': 'waf',
  database: 'database-audit',
};
const WINDOWS_CLASS: Record<string, string> = {
  Security: 'windows-os-audit',
  'Microsoft-Windows-Sysmon/Operational': 'sysmon',
  'Microsoft-Windows-PowerShell/Operational': 'windows-os-audit',
};

export interface Measures {
  today: CostSource[];
  /** target id -> input name -> figure. */
  rates: Map<string, Map<string, MeasuredFigure>>;
}

const REQUEST_RATES: (keyof RequestRates)[] = [
  'requests_per_day',
  'body_requests_per_day',
  'body_share',
  'mean_request_body_bytes',
  'mean_response_bytes',
  'login_api_body_share',
];

function row(target: string, check: string, v: SourceVolume, cls: string | null): CostSource {
  return {
    target,
    source: v.source,
    class: cls,
    check,
    bytes: v.bytes,
    files: v.files,
    first: v.first,
    last: v.last,
    span_hours: v.span_hours,
    bytes_per_day: v.bytes_per_day,
    basis: asBasis(v.basis),
  };
}

/**
 * What readMeasures needs of a finding once the scan has set the rest aside (src/collect/spill.ts): the volume facts
 * without their file lists, only for the volume checks.
 */
export function volumeFactsOnly(f: Finding): Pick<Finding, 'observed'> | undefined {
  const volume = f.observed?.volume as Record<string, unknown> | undefined;
  if (!volume || !(VOLUME_CHECKS as readonly string[]).includes(f.check)) return undefined;
  const withoutPaths = (list: unknown) =>
    Array.isArray(list) ? list.map(({ paths: _paths, ...rest }: Record<string, unknown>) => rest) : list;
  return {
    observed: {
      volume: {
        ...volume,
        ...(volume.sources !== undefined ? { sources: withoutPaths(volume.sources) } : {}),
        ...(volume.logs !== undefined ? { logs: withoutPaths(volume.logs) } : {}),
      },
    },
  };
}

export function readMeasures(findings: Finding[]): Measures {
  const today: CostSource[] = [];
  const rates = new Map<string, Map<string, MeasuredFigure>>();
  const put = (target: string, name: string, m: MeasuredFigure) => {
    if (!rates.has(target)) rates.set(target, new Map());
    rates.get(target)!.set(name, m);
  };
  const sorted = [...findings].sort((a, b) => a.target.localeCompare(b.target) || a.check.localeCompare(b.check));
  for (const f of sorted) {
    const volume = f.observed?.volume as Record<string, unknown> | undefined;
    if (!volume || !(VOLUME_CHECKS as readonly string[]).includes(f.check)) continue;
    const t = f.target;
    if (f.check === 'linux.volume.measured') {
      for (const v of (volume.sources as SourceVolume[] | undefined) ?? []) {
        today.push(row(t, f.check, v, LINUX_CLASS[v.source] ?? null));
        put(t, `linux.bytes_per_day.${v.source}`, { value: v.bytes_per_day, basis: asBasis(v.basis), check: f.check });
      }
      const p = volume.process_starts_per_day as Rate | undefined;
      if (p) put(t, 'linux.process_starts_per_day', { ...p, basis: asBasis(p.basis), check: f.check });
    } else if (f.check === 'web.volume.measured') {
      for (const v of (volume.logs as (SourceVolume & { origin: string })[] | undefined) ?? []) {
        today.push(row(t, f.check, v, /modsecurity/i.test(v.origin) ? 'waf' : null));
      }
      const req = volume.requests as RequestRates | undefined;
      for (const k of REQUEST_RATES) {
        const r = req?.[k] as Rate | undefined;
        if (r) put(t, `web.${k}`, { ...r, basis: asBasis(r.basis), check: f.check });
      }
    } else if (f.check.startsWith('database.')) {
      const s = volume.statements_per_day as Rate | undefined;
      if (s) put(t, 'database.statements_per_day', { ...s, basis: asBasis(s.basis), check: f.check });
    } else if (f.check.startsWith('products.')) {
      // Already in the SIEM: what it ingests today, per index or licence pool.
      for (const v of (volume.sources as SourceVolume[] | undefined) ?? []) today.push(row(t, f.check, v, null));
    } else {
      for (const v of (volume.logs as EventLogVolume[] | undefined) ?? []) {
        today.push(row(t, f.check, v, WINDOWS_CLASS[v.source] ?? null));
        const basis = asBasis(v.basis);
        put(t, `windows.bytes_per_day.${v.source}`, { value: v.bytes_per_day, basis, check: f.check });
        put(t, `windows.records_per_day.${v.source}`, { value: v.records_per_day, basis, check: f.check });
      }
    }
  }
  return { today, rates };
}
