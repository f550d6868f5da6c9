// OpenSearch Security Analytics findings counted per rule: what the detectors really raised over the 30 whole UTC days
// before the scan's day. The findings search needs a detector id and absolute times, so its requests cannot be static
// catalog probes: they are built here from the enabled detectors the scan already read (os-sa-detectors), one chain of
// GET pages per detector, and sent through the API source (same credential, TLS, retries, redaction, read-only rule):
//   GET /_plugins/_security_analytics/findings/_search?detector_id=<id>&startTime=<ms>&endTime=<ms>&sortOrder=asc
//       &size=<page>&startIndex=<n>  ->  { total_findings, findings: [{ detectorId, id, timestamp, queries: [...] }] }
// (RestGetFindingsAction, GetFindingsResponse, FindingDto in opensearch-project/security-analytics). Each query of a
// finding is a rule the detector runs (`id` is the rule id, `name` its title): a finding naming two rules counts for
// each. The answers become one document (the evidence, re-read offline), never the findings themselves: a finding
// carries the matched log documents.
import type { ProbeDef } from '../checks/types.js';
import type { SaDetectorCount, SaFindingsDocument } from '../rules/siem-alerts.js';
import { failedResult } from '../transport/shell.js';
import type { ProbeResult } from '../transport/types.js';

/** Whole UTC days counted, ending at 00:00 UTC of the scan's day. */
export const SA_FINDINGS_WINDOW_DAYS = 30;
/**
 * Findings per page. The findings index answers from + size up to index.max_result_window (10,000 by default): a
 * detector with more findings than that in the window fails at that page and is reported inconclusive, not cut short.
 */
export const SA_FINDINGS_PAGE_SIZE = 500;
const FINDINGS_PATH = '/_plugins/_security_analytics/findings/_search';
const DAY_MS = 86_400_000;

/** Inclusive start and exclusive end, both at 00:00 UTC: the whole days before the scan's day. */
export interface FindingsWindow {
  start: Date;
  end: Date;
  days: number;
}

/** The last `days` whole UTC days before `now` (the scan's injected clock). */
export function findingsWindow(now: Date, days = SA_FINDINGS_WINDOW_DAYS): FindingsWindow {
  const end = new Date(Math.floor(now.getTime() / DAY_MS) * DAY_MS);
  return { start: new Date(end.getTime() - days * DAY_MS), end, days };
}

interface Detector {
  id: string;
  name: string;
  enabled: boolean;
}

interface DetectorHits {
  hits?: { total?: number | { value?: number }; hits?: { _id?: unknown; _source?: Record<string, unknown> }[] };
}

/** How many detectors the search matched, when it says (hits.total as a number or { value }). */
export function saDetectorTotal(body: string): number | undefined {
  const t = (JSON.parse(body) as DetectorHits).hits?.total;
  return typeof t === 'number' ? t : typeof t?.value === 'number' ? t.value : undefined;
}

/** The detectors of a `detectors/_search` answer (`_source.detector` in some versions, `_source` in others). */
export function saDetectors(body: string): Detector[] {
  const doc = JSON.parse(body) as DetectorHits;
  const hits = doc.hits?.hits;
  if (!Array.isArray(hits)) throw new Error('the detectors search answer has no hits.hits list');
  return hits
    .filter((h) => typeof h._id === 'string' && h._id !== '')
    .map((h) => {
      const src = (h._source?.detector as Record<string, unknown> | undefined) ?? h._source ?? {};
      return {
        id: h._id as string,
        name: typeof src.name === 'string' ? src.name : String(h._id),
        enabled: src.enabled === true,
      };
    });
}

/** Rule id -> title, from the rule searches' answers (`hits.hits[]._id`, `_source.title`); unreadable ones add none. */
export function saRuleTitles(bodies: string[]): Map<string, string> {
  const titles = new Map<string, string>();
  for (const body of bodies) {
    try {
      for (const h of (JSON.parse(body) as DetectorHits).hits?.hits ?? [])
        if (typeof h._id === 'string' && typeof h._source?.title === 'string') titles.set(h._id, h._source.title);
    } catch {
      // A rule search that failed or was cut names no rule; the finding's own query name is used instead.
    }
  }
  return titles;
}

/** The first page of one detector's findings over the window (built in code: never in the catalog). */
export function saFindingsProbe(base: ProbeDef, detectorId: string, window: FindingsWindow): ProbeDef {
  const query = new URLSearchParams({
    detector_id: detectorId,
    startTime: String(window.start.getTime()),
    endTime: String(window.end.getTime()),
    sortOrder: 'asc',
    size: String(SA_FINDINGS_PAGE_SIZE),
    startIndex: '0',
  });
  const { fan_out: _fanOut, needs: _needs, ...rest } = base;
  return { ...rest, method: 'GET', path: `${FINDINGS_PATH}?${query.toString()}`, paging: 'start-index' };
}

interface Finding {
  id?: unknown;
  timestamp?: unknown;
  queries?: { id?: unknown; name?: unknown }[];
}

/** When a finding was raised: epoch milliseconds (FindingDto), or an ISO date from other versions. */
function findingTime(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string') {
    const t = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
    return Number.isNaN(t) ? undefined : t;
  }
  return undefined;
}

/** One detector's chain of pages (joined by the API source) counted per rule and day; a cut chain counts nothing. */
export function countDetector(
  detector: Detector,
  request: string,
  r: ProbeResult,
  window: FindingsWindow,
  titles: Map<string, string>,
  maxPages: number,
): SaDetectorCount {
  const out: SaDetectorCount = { id: detector.id, name: detector.name, request, status: 'failed', rules: [] };
  if (r.error) return { ...out, reason: `${r.error.kind}: ${r.error.message}` };
  if (r.truncated) return { ...out, status: 'capped', reason: 'the answer was cut at the size cap; raise max_bytes' };
  let doc: { total_findings?: unknown; findings?: unknown };
  try {
    doc = JSON.parse(r.stdout) as typeof doc;
  } catch (e) {
    return { ...out, reason: `the answer is not JSON (${(e as Error).message})` };
  }
  const total = doc.total_findings;
  if (!Array.isArray(doc.findings) || typeof total !== 'number')
    return { ...out, reason: 'the answer has no total_findings and findings list' };
  // A page answered twice (a startIndex the server ignores, findings shifting between pages) repeats findings by id:
  // each counts once, and the repeats do not stand in for the findings that were not read.
  const ids = new Set<string>();
  const findings = (doc.findings as Finding[]).filter((f) => {
    if (typeof f?.id !== 'string' || f.id === '') return true;
    if (ids.has(f.id)) return false;
    ids.add(f.id);
    return true;
  });
  const repeated = doc.findings.length - findings.length;
  if (findings.length < total)
    return {
      ...out,
      status: 'capped',
      total_findings: total,
      findings_read: findings.length,
      reason:
        `${findings.length} of ${total} findings read (at most ${maxPages} pages of ${SA_FINDINGS_PAGE_SIZE}` +
        `${repeated > 0 ? `; ${repeated} findings repeated across pages` : ''}): ` +
        'the rest were not read, so this detector is not counted',
    };
  const start = window.start.getTime();
  const end = window.end.getTime();
  const rules = new Map<string, { id: string; name: string; findings: number; days: Record<string, number> }>();
  let counted = 0;
  for (const f of findings) {
    const t = findingTime(f?.timestamp);
    // Versions without startTime/endTime answer every finding: only the window's are counted.
    if (t === undefined || t < start || t >= end) continue;
    counted++;
    const day = new Date(Math.floor(t / DAY_MS) * DAY_MS).toISOString().slice(0, 10);
    const ids = new Set<string>();
    for (const q of Array.isArray(f.queries) ? f.queries : []) {
      if (typeof q?.id !== 'string' || q.id === '' || ids.has(q.id)) continue;
      ids.add(q.id);
      const name = titles.get(q.id) ?? (typeof q.name === 'string' && q.name ? q.name : q.id);
      const rule = rules.get(q.id) ?? { id: q.id, name, findings: 0, days: {} };
      rule.findings++;
      rule.days[day] = (rule.days[day] ?? 0) + 1;
      rules.set(q.id, rule);
    }
  }
  return {
    ...out,
    status: 'counted',
    total_findings: total,
    findings_read: findings.length,
    findings_counted: counted,
    rules: [...rules.values()].sort((a, b) => b.findings - a.findings || a.id.localeCompare(b.id)),
  };
}

/**
 * The fan-out probe: one chain of findings pages per enabled detector of the `needs` answers, counted into one
 * document. The detectors answer decides whether there is anything to ask: its failure is this probe's.
 */
export async function collectSaFindings(
  probe: ProbeDef,
  via: {
    /** What an earlier probe of this target answered. */
    answered: (id: string) => ProbeResult | undefined;
    /** The scan's clock. */
    now: Date;
    /** Sends one built probe, every page of it, through the API source. */
    send: (p: ProbeDef) => Promise<ProbeResult>;
    /** The request line a built probe is recorded as. */
    describe: (p: ProbeDef) => string;
    /** The API source's cap of pages per paged probe. */
    maxPages: number;
  },
): Promise<ProbeResult> {
  const { answered, now, send, describe, maxPages } = via;
  const started = Date.now();
  const [detectorsId, ...ruleIds] = probe.needs ?? [];
  const d = detectorsId ? answered(detectorsId) : undefined;
  if (!d)
    return failedResult({ kind: 'config', message: `${probe.id} needs the detectors search (needs) collected first` });
  if (d.error) return failedResult({ kind: d.error.kind, message: `${detectorsId}: ${d.error.message}` });
  if (d.truncated)
    return failedResult({ kind: 'other', message: `${detectorsId}: the answer was cut at the size cap` });
  let detectors: Detector[];
  try {
    detectors = saDetectors(d.stdout);
  } catch (e) {
    return failedResult({ kind: 'other', message: `${detectorsId}: ${(e as Error).message}` });
  }
  const titles = saRuleTitles(
    ruleIds.map((id) => answered(id)).flatMap((r) => (r && !r.error && !r.truncated ? [r.stdout] : [])),
  );
  const window = findingsWindow(now);
  const counts: SaDetectorCount[] = [];
  // One detector at a time: a chain of pages is sequential anyway, and a scan never floods the cluster.
  for (const detector of detectors.filter((x) => x.enabled)) {
    const page = saFindingsProbe(probe, detector.id, window);
    counts.push(countDetector(detector, describe(page), await send(page), window, titles, maxPages));
  }
  // Detectors the search did not return may be enabled: whatever they raised is not counted, and says so.
  const total = saDetectorTotal(d.stdout);
  if (total !== undefined && total > detectors.length)
    counts.push({
      id: '*',
      name: `${total - detectors.length} more`,
      request: describe(probe),
      status: 'capped',
      reason: `the detectors search returned ${detectors.length} of ${total} detectors: the rest were not asked`,
      rules: [],
    });
  const doc: SaFindingsDocument = {
    security_analytics_findings: {
      window: { start: window.start.toISOString(), end: window.end.toISOString(), days: window.days },
      detectors: counts,
      disabled_detectors: detectors.filter((x) => !x.enabled).map((x) => x.name),
    },
  };
  return {
    stdout: `${JSON.stringify(doc, null, 2)}\n`,
    stderr: '',
    exitCode: 0,
    truncated: false,
    durationMs: Date.now() - started,
  };
}
