// Whether the fields a detection reads are parsed as fields in the SIEM, and whether long values are indexed: the
// get-field-mapping API answers, per index, each field's type and (for keyword fields) ignore_above. A keyword field
// with ignore_above N keeps a longer value in _source but does not index it: a search or rule on that field never
// matches a request body or command line longer than N characters, which is where an attack payload usually sits.
import { type Facts, InconclusiveError } from '../../checks/types.js';
import { defineParser, type ParserModule } from '../define.js';
import { asRecord, type Outputs, readJson } from './util.js';

/** The fields detections need, in ECS names, and what each stands for. */
const NEEDED: Record<string, string> = {
  'user.name': 'user',
  'source.ip': 'source IP',
  'process.command_line': 'command line',
  'http.request.body.content': 'request body',
};
/** Fields that carry long values: a keyword mapping with ignore_above below 8 KB drops exactly the long ones. */
const LONG = new Set(['process.command_line', 'http.request.body.content', 'message']);
const LONG_ENOUGH = 8192;

const fieldMapping = (outputs: Outputs): Facts => {
  const body = asRecord(readJson(outputs, 'es-detection-field-mapping'));
  const mapped = new Map<string, string[]>();
  const cut: string[] = [];
  let indices = 0;
  for (const [index, v] of Object.entries(body)) {
    // System indices (.kibana, .alerts, .security) hold no events.
    if (index.startsWith('.')) continue;
    indices++;
    for (const [field, m] of Object.entries(asRecord(asRecord(v).mappings))) {
      const leaf = Object.values(asRecord(asRecord(m).mapping))[0];
      const type = String(asRecord(leaf).type ?? 'unknown');
      mapped.set(field, [...(mapped.get(field) ?? []), `${index}: ${type}`]);
      const above = asRecord(leaf).ignore_above;
      if (LONG.has(field) && type === 'keyword' && typeof above === 'number' && above < LONG_ENOUGH)
        cut.push(`${field} in ${index}: keyword, ignore_above ${above} (longer values are not indexed)`);
    }
  }
  if (indices === 0)
    throw new InconclusiveError('es-detection-field-mapping: no event index was visible to the account');
  const missing = Object.keys(NEEDED).filter((f) => !mapped.has(f));
  const parsed = Object.keys(NEEDED).filter((f) => mapped.has(f));
  return {
    applicable: true,
    indices,
    parsed: parsed.map((f) => `${NEEDED[f]} (${f})`),
    missing: missing.map((f) => `${NEEDED[f]} (${f})`),
    cut,
    explanation_fields:
      `${indices} event indices read; parsed: ${parsed.map((f) => NEEDED[f]).join(', ') || 'none'}` +
      (missing.length ? `; not a field in any index: ${missing.map((f) => `${NEEDED[f]} (${f})`).join(', ')}` : ''),
    explanation_cut:
      cut.length === 0
        ? `${indices} event indices read: no long field (message, command line, request body) is a keyword ` +
          `with ignore_above below ${LONG_ENOUGH}`
        : `cut at indexing: ${cut.join('; ')}`,
  };
};

export const fieldMappingParserModules: readonly ParserModule[] = [
  defineParser({
    name: 'es-detection-fields',
    probes: ['es-detection-field-mapping'],
    facts: ['applicable', 'indices', 'parsed', 'missing', 'cut', 'explanation_fields', 'explanation_cut'],
    parse: fieldMapping,
  }),
];
