// The SIEM end of the host canary: a read-only search for the canary's marker through the product's own search API,
// sent by the API probe source (one credential policy, same-origin redirects only, secrets scrubbed, timeouts).
// Both searches are GET requests, so the API source's read-only rule (GET and HEAD only) holds unchanged:
//   Elasticsearch / OpenSearch: GET /<index>/_search?q="<marker>" (URI search, Lucene query string, read-only)
//   Splunk: GET /services/search/jobs/export?search=search index=<index> "<marker>"&output_mode=json (streams results)
//   Microsoft Sentinel: GET <workspace>/query?timespan=P1D&query=search in (<tables>) "<marker>" | take 5 (KQL)
import type { ProbeDef } from '../checks/types.js';
import type { ProbeResult } from '../transport/types.js';
import { measureCanary } from '../util/canary-text.js';

export { SIEM_SEARCH_PRODUCTS } from '../model.js';

export interface SiemSearchAnswer {
  /** The search ran and answered (it may have found nothing). */
  answered: boolean;
  found: boolean;
  /** The fields the SIEM holds for the event: parsed fields, not one message string, is what a detection needs. */
  fields: string[];
  /** The longest value holding the marker ends with the canary's end token. */
  whole?: boolean;
  /** A length-marked canary (src/util/canary-text.ts): the most of its characters a value holds. */
  chars?: number;
  error?: string;
}

/** The catalog-shaped probe the API source sends for one marker (never in the catalog: built per canary). */
export function siemSearchProbe(product: string, marker: string, index?: string, timeoutS = 30): ProbeDef {
  const quoted = `"${marker.replace(/["\\]/g, '')}"`;
  if (product === 'splunk') {
    const spl = `search index=${index ?? '*'} ${quoted} earliest=-24h | head 5`;
    return {
      id: 'siem-canary-search',
      platform: 'api',
      kind: 'http',
      method: 'GET',
      products: ['splunk'],
      path: `/services/search/jobs/export?output_mode=json&search=${encodeURIComponent(spl)}`,
      timeout: timeoutS,
      max_bytes: 4 * 1024 * 1024,
      description: 'Splunk search export for the canary marker (read-only).',
    };
  }
  if (product === 'sentinel') {
    // `index` names Log Analytics tables (Syslog, Event, CommonSecurityLog...); without it every table is searched.
    const tables = (index ?? '')
      .split(',')
      .map((t) => t.trim())
      .filter((t) => /^[A-Za-z][A-Za-z0-9_]*$/.test(t));
    const kql = `search ${tables.length ? `in (${tables.join(', ')}) ` : ''}${quoted} | take 5`;
    return {
      id: 'siem-canary-search',
      platform: 'api',
      kind: 'http',
      method: 'GET',
      products: ['sentinel'],
      path: `/query?timespan=P1D&query=${encodeURIComponent(kql)}`,
      timeout: timeoutS,
      max_bytes: 4 * 1024 * 1024,
      description: 'Log Analytics (Sentinel) KQL search for the canary marker (read-only).',
    };
  }
  const target = (index ?? '*').split(',').map(encodeURIComponent).join(',');
  return {
    id: 'siem-canary-search',
    platform: 'api',
    kind: 'http',
    method: 'GET',
    products: ['elasticsearch', 'opensearch'],
    path:
      `/${target}/_search?size=5&timeout=${Math.max(1, Math.floor(timeoutS * 0.8))}s&q=` +
      `${encodeURIComponent(quoted)}`,
    timeout: timeoutS,
    max_bytes: 4 * 1024 * 1024,
    description: 'Elasticsearch/OpenSearch URI search for the canary marker (read-only).',
  };
}

/** Field paths of a document, dot-joined (`source.ip`, `user.name`). */
function fieldPaths(doc: unknown, prefix = '', out: string[] = []): string[] {
  if (doc && typeof doc === 'object' && !Array.isArray(doc)) {
    for (const [k, v] of Object.entries(doc as Record<string, unknown>)) {
      const path = prefix ? `${prefix}.${k}` : k;
      if (v && typeof v === 'object' && !Array.isArray(v)) fieldPaths(v, path, out);
      else out.push(path);
    }
  }
  return out;
}

function wholeIn(doc: unknown, marker: string): { whole: boolean; chars?: number } | undefined {
  const texts: string[] = [];
  const walk = (v: unknown) => {
    if (typeof v === 'string') texts.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(doc);
  const holding = texts.filter((t) => t.includes(marker));
  if (holding.length === 0) return undefined;
  // A length-marked canary is measured in every value holding it (message, event.original, an insertion string).
  const measured = holding.map((t) => measureCanary(t, marker)).filter((m) => m !== undefined);
  if (measured.length > 0) {
    const best = measured.reduce((a, b) => (b.chars > a.chars ? b : a));
    return { whole: best.whole, chars: best.chars };
  }
  return { whole: holding.some((t) => t.trimEnd().endsWith(`${marker}-END`)) };
}

/** Reads the search answer: found or not, and with which fields; an error or a timed-out search did not decide. */
export function readSiemSearch(product: string, result: ProbeResult, marker: string): SiemSearchAnswer {
  if (result.error)
    return { answered: false, found: false, fields: [], error: `${result.error.kind}: ${result.error.message}` };
  let docs: unknown[] = [];
  try {
    if (product === 'splunk') {
      // One JSON object per line: {"preview":false,"offset":0,"result":{...}}; a failed search carries "messages".
      for (const line of result.stdout.split('\n')) {
        if (!line.trim()) continue;
        const row = JSON.parse(line) as { result?: unknown; messages?: { type: string; text: string }[] };
        const fatal = row.messages?.find((m) => m.type === 'FATAL' || m.type === 'ERROR');
        if (fatal) return { answered: false, found: false, fields: [], error: `search failed: ${fatal.text}` };
        if (row.result) docs.push(row.result);
      }
    } else if (product === 'sentinel') {
      // { tables: [{ columns: [{ name }], rows: [[...]] }] }; a failed or partial query carries `error`.
      const body = JSON.parse(result.stdout) as {
        error?: { code?: string; message?: string };
        tables?: { columns?: { name?: string }[]; rows?: unknown[][] }[];
      };
      if (body.error)
        return {
          answered: false,
          found: false,
          fields: [],
          error: `the query failed (${body.error.code ?? 'error'}: ${body.error.message ?? ''})`,
        };
      const table = body.tables?.[0];
      const cols = (table?.columns ?? []).map((c) => String(c.name ?? ''));
      // A row as the fields Log Analytics holds for it; empty columns (other tables' in a `search`) are not fields.
      docs = (table?.rows ?? []).map((row) =>
        Object.fromEntries(
          cols.map((c, i) => [c, row[i]]).filter(([, v]) => v !== null && v !== '' && v !== undefined),
        ),
      );
    } else {
      const body = JSON.parse(result.stdout) as { timed_out?: boolean; hits?: { hits?: { _source?: unknown }[] } };
      if (body.timed_out === true)
        return {
          answered: false,
          found: false,
          fields: [],
          error: 'the search timed out on the cluster (timed_out: true)',
        };
      docs = (body.hits?.hits ?? []).map((h) => h._source ?? {});
    }
  } catch (e) {
    return { answered: false, found: false, fields: [], error: `unreadable search answer: ${(e as Error).message}` };
  }
  const matching = docs.filter((d) => JSON.stringify(d).includes(marker));
  if (matching.length === 0) return { answered: true, found: false, fields: [] };
  const fields = [...new Set(matching.flatMap((d) => fieldPaths(d)))]
    .filter((f) => !f.startsWith('_') && !f.startsWith('$'))
    .sort();
  // Several hits: the most complete copy counts.
  const copies = matching.map((d) => wholeIn(d, marker)).filter((w) => w !== undefined);
  const best =
    copies.find((c) => c.whole) ??
    copies.reduce<(typeof copies)[number] | undefined>(
      (a, b) => (!a || (b.chars ?? 0) > (a.chars ?? 0) ? b : a),
      undefined,
    );
  return {
    answered: true,
    found: true,
    fields,
    ...(best ? { whole: best.whole, ...(best.chars !== undefined ? { chars: best.chars } : {}) } : {}),
  };
}
