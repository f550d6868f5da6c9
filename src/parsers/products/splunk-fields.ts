// Whether the fields detections need are extracted as fields in Splunk, not left inside _raw: a `| fieldsummary`
// over a sample of recent web, Windows and Linux audit events lists every field Splunk extracted with its count. The
// Splunk mirror of es-detection-fields (src/parsers/products/field-mapping.ts); field names as the CIM and the
// Splunk add-ons write them (the names src/pushdown's SPL translation searches).
import { type Facts, InconclusiveError } from '../../checks/types.js';
import { defineParser, type ParserModule } from '../define.js';
import { type Outputs, otherProduct } from './util.js';

/** What each needed field stands for, and the names it goes by (CIM first, then the add-ons' own). */
const NEEDED: { what: string; names: string[] }[] = [
  { what: 'user', names: ['user', 'User', 'TargetUserName', 'SubjectUserName', 'acct'] },
  { what: 'source IP', names: ['src', 'src_ip', 'clientip', 'IpAddress', 'SourceIp'] },
  { what: 'command line', names: ['process', 'CommandLine', 'Process_Command_Line', 'cmdline', 'proctitle'] },
  { what: 'request body', names: ['http_request_body', 'request_body', 'form_data'] },
];

/** The fieldsummary rows (`result: { field, count }`); a FATAL/ERROR message is the search failing, never "none". */
export function fieldCounts(text: string): Map<string, number> {
  const out = new Map<string, number>();
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    let row: { result?: { field?: unknown; count?: unknown }; messages?: { type?: string; text?: string }[] };
    try {
      row = JSON.parse(line) as typeof row;
    } catch (e) {
      throw new InconclusiveError(`splunk-field-summary: line ${i + 1} is not JSON (${(e as Error).message})`);
    }
    const fatal = row.messages?.find((m) => m.type === 'FATAL' || m.type === 'ERROR');
    if (fatal) throw new InconclusiveError(`splunk-field-summary: the search failed: ${fatal.text}`);
    const n = Number(row.result?.count);
    if (typeof row.result?.field === 'string' && Number.isFinite(n)) out.set(row.result.field, n);
  });
  return out;
}

const parse = (outputs: Outputs): Facts => {
  const gate = otherProduct(outputs, ['splunk-field-summary']);
  if (gate) return gate;
  const r = outputs['splunk-field-summary']!;
  if (r.error) throw new InconclusiveError(`splunk-field-summary: ${r.error.kind}: ${r.error.message}`);
  if (r.truncated) throw new InconclusiveError('splunk-field-summary: the answer was cut at the size cap');
  const counts = fieldCounts(r.stdout);
  const fields = [...counts.entries()].filter(([, n]) => n > 0).map(([f]) => f);
  if (fields.length === 0)
    throw new InconclusiveError(
      'splunk-field-summary: no web, Windows or Linux audit event in the last 24 hours to sample (see the ' +
        'blind-rules and ingest checks)',
    );
  const parsed: string[] = [];
  const missing: string[] = [];
  for (const n of NEEDED) {
    const found = n.names.filter((x) => (counts.get(x) ?? 0) > 0);
    if (found.length > 0) parsed.push(`${n.what} (${found.join(', ')})`);
    else missing.push(`${n.what} (none of ${n.names.join(', ')})`);
  }
  return {
    applicable: true,
    fields: fields.length,
    parsed,
    missing,
    explanation:
      `${fields.length} fields extracted from the sampled events; parsed: ${parsed.join(', ') || 'none'}` +
      (missing.length ? `; not extracted (left inside _raw): ${missing.join(', ')}` : ''),
  };
};

export const splunkFieldParserModules: readonly ParserModule[] = [
  defineParser({
    name: 'splunk-detection-fields',
    probes: ['api-root', 'splunk-field-summary'],
    facts: ['applicable', 'fields', 'parsed', 'missing', 'explanation'],
    parse,
  }),
];
