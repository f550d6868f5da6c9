// Whether the fields detections need are extracted as fields in Splunk, not left inside _raw. One search samples
// each source family apart (up to 2000 recent events of Windows/Sysmon, Linux audit and auth, web access, and
// ModSecurity/WAF sourcetypes, so a loud family cannot crowd out a quiet one) and counts, per sourcetype, the events
// that carry each field name. A field group is required only of the families that carry it and were sampled: a
// web-only estate has no command line, access logs hold no request body. The Splunk mirror of es-detection-fields
// (src/parsers/products/field-mapping.ts); field names as the CIM and the Splunk add-ons write them (the names
// src/pushdown's SPL translation searches).
import { type Facts, InconclusiveError } from '../../checks/types.js';
import { defineParser, type ParserModule } from '../define.js';
import { splunkExportRows } from './splunk-export.js';
import { type Outputs, otherProduct } from './util.js';

type Group = 'user' | 'source IP' | 'command line' | 'request body';

/** What each needed field stands for, and the names it goes by (CIM first, then the add-ons' own). */
export const FIELD_GROUPS: Record<Group, string[]> = {
  user: ['user', 'User', 'TargetUserName', 'SubjectUserName', 'acct'],
  'source IP': ['src', 'src_ip', 'clientip', 'IpAddress', 'SourceIp'],
  'command line': ['process', 'CommandLine', 'Process_Command_Line', 'cmdline', 'proctitle'],
  'request body': ['http_request_body', 'request_body', 'form_data'],
};

/** The source families the search samples, how a sourcetype is told to belong, and the groups each must carry. */
const FAMILIES: { name: string; test: RegExp; needs: Group[] }[] = [
  { name: 'Windows', test: /wineventlog|sysmon/i, needs: ['user', 'source IP', 'command line'] },
  { name: 'Linux audit', test: /linux_audit|auditd/i, needs: ['user', 'source IP', 'command line'] },
  { name: 'Linux auth', test: /^linux_secure$/i, needs: ['user', 'source IP'] },
  { name: 'WAF', test: /modsec|waf/i, needs: ['source IP', 'request body'] },
  { name: 'web access', test: /access/i, needs: ['user', 'source IP'] },
];

/** Per sourcetype, the sampled events and how many carry each field (`result: { sourcetype, events, <field> }`). */
export function sourcetypeFieldCounts(text: string): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  for (const { result: r } of splunkExportRows(text, 'splunk-field-summary')) {
    if (typeof r.sourcetype !== 'string') continue;
    const counts = new Map<string, number>();
    for (const [k, v] of Object.entries(r)) {
      const n = Number(v);
      if (k !== 'sourcetype' && Number.isFinite(n)) counts.set(k, n);
    }
    out.set(r.sourcetype, counts);
  }
  return out;
}

const parse = (outputs: Outputs): Facts => {
  const gate = otherProduct(outputs, ['splunk-field-summary']);
  if (gate) return gate;
  const r = outputs['splunk-field-summary']!;
  if (r.error) throw new InconclusiveError(`splunk-field-summary: ${r.error.kind}: ${r.error.message}`);
  if (r.truncated) throw new InconclusiveError('splunk-field-summary: the answer was cut at the size cap');
  const bySourcetype = sourcetypeFieldCounts(r.stdout);
  // Each sampled sourcetype joins the first family it matches; the others (no family) are not judged.
  const sampled = new Map<string, { sourcetypes: string[]; counts: Map<string, number> }>();
  for (const [st, counts] of bySourcetype) {
    const family = FAMILIES.find((f) => f.test.test(st));
    if (!family || (counts.get('events') ?? 0) <= 0) continue;
    const s = sampled.get(family.name) ?? { sourcetypes: [], counts: new Map<string, number>() };
    s.sourcetypes.push(st);
    for (const [f, n] of counts) s.counts.set(f, (s.counts.get(f) ?? 0) + n);
    sampled.set(family.name, s);
  }
  if (sampled.size === 0)
    throw new InconclusiveError(
      'splunk-field-summary: no web, Windows or Linux audit event in the last 24 hours to sample (see the ' +
        'blind-rules and ingest checks)',
    );
  const parsed: string[] = [];
  const missing: string[] = [];
  const fields = new Set<string>();
  for (const family of FAMILIES) {
    const s = sampled.get(family.name);
    if (!s) continue;
    for (const group of family.needs) {
      const found = FIELD_GROUPS[group].filter((x) => (s.counts.get(x) ?? 0) > 0);
      for (const f of found) fields.add(f);
      if (found.length > 0) parsed.push(`${family.name} ${group} (${found.join(', ')})`);
      else missing.push(`${family.name} ${group} (none of ${FIELD_GROUPS[group].join(', ')})`);
    }
  }
  const families = FAMILIES.filter((f) => sampled.has(f.name)).map(
    (f) => `${f.name} (${sampled.get(f.name)!.sourcetypes.join(', ')})`,
  );
  return {
    applicable: true,
    fields: fields.size,
    parsed,
    missing,
    explanation:
      `sampled ${families.join(', ')}; parsed: ${parsed.join(', ') || 'none'}` +
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
