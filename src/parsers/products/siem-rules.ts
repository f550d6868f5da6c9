// The detection rules a SIEM runs, from its own read-only APIs: Kibana's detection engine (`_find`) and Splunk's
// saved searches. The facts count them (enabled vs disabled); the rules themselves go into the coverage analysis
// from the stored answers (src/rules/siem-api.ts), where a disabled rule counts as absent.
import { type Facts, InconclusiveError } from '../../checks/types.js';
import { defineParser, type ParserModule } from '../define.js';
import { asRecord, type Outputs, otherProduct, readJson } from './util.js';

const on = (v: unknown) => v === true || v === 1 || v === '1' || v === 'true';

function facts(source: string, total: number, enabled: number, declared?: number): Facts {
  const disabled = total - enabled;
  const incomplete = declared !== undefined && declared > total;
  return {
    applicable: true,
    source,
    total,
    enabled,
    disabled,
    complete: !incomplete,
    explanation:
      `${source}: ${total} detection rules read, ${enabled} enabled, ${disabled} disabled (counted as absent ` +
      'in coverage)' +
      (incomplete ? `; the API reported ${declared}, so the rest were not read (paging)` : ''),
  };
}

const kibanaRules = (outputs: Outputs): Facts => {
  const body = asRecord(readJson(outputs, 'kibana-detection-rules'));
  if (!Array.isArray(body.data)) throw new InconclusiveError('kibana-detection-rules: the answer has no "data" list');
  const rules = body.data.map(asRecord);
  return facts(
    'Kibana detection engine',
    rules.length,
    rules.filter((r) => on(r.enabled)).length,
    typeof body.total === 'number' ? body.total : undefined,
  );
};

/** A saved search that is a detection: a correlation search, annotated, or scheduled with an alert action. */
function isDetection(c: Record<string, unknown>): boolean {
  if (
    on(c['action.correlationsearch.enabled']) ||
    c['action.correlationsearch.annotations'] ||
    c['action.escu.mappings']
  )
    return true;
  return on(c.is_scheduled) && (on(c['alert.track']) || (typeof c.actions === 'string' && c.actions.trim() !== ''));
}

const splunkSearches = (outputs: Outputs): Facts => {
  const body = asRecord(readJson(outputs, 'splunk-saved-searches'));
  if (!Array.isArray(body.entry)) throw new InconclusiveError('splunk-saved-searches: the answer has no "entry" list');
  const detections = body.entry.map((e) => asRecord(asRecord(e).content)).filter(isDetection);
  const total = asRecord(body.paging).total;
  return facts(
    'Splunk saved searches',
    detections.length,
    detections.filter((c) => !on(c.disabled)).length,
    typeof total === 'number' && total > body.entry.length ? total : undefined,
  );
};

export const siemRuleParserModules: readonly ParserModule[] = [
  defineParser({
    name: 'siem-detection-rules',
    probes: ['api-root', 'kibana-detection-rules', 'splunk-saved-searches'],
    facts: ['applicable', 'source', 'total', 'enabled', 'disabled', 'complete', 'explanation'],
    parse: (outputs) => {
      const kibana = outputs['kibana-detection-rules'];
      if (kibana && kibana.error?.kind !== 'unsupported') return kibanaRules(outputs);
      return otherProduct(outputs, ['splunk-saved-searches']) ?? splunkSearches(outputs);
    },
  }),
];
