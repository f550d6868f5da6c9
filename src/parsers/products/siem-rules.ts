// The detection rules a SIEM runs, from its own read-only APIs: Kibana's detection engine (`_find`), Splunk's
// saved searches, Wazuh's rules, OpenSearch Security Analytics detectors and Sentinel's analytics rules. The facts
// count them (enabled vs disabled); the rules themselves go into the coverage analysis from the stored answers
// (src/rules/siem-api.ts, the same readers), where a disabled rule counts as absent.
import { type Facts, InconclusiveError } from '../../checks/types.js';
import { readOpenSearchSecurityAnalytics, readSentinelAlertRules, readWazuhRules } from '../../rules/siem-api.js';
import { defineParser, type ParserModule } from '../define.js';
import { asRecord, isNotFound, type Outputs, otherProduct, readJson } from './util.js';

const on = (v: unknown) => v === true || v === 1 || v === '1' || v === 'true';

function facts(source: string, total: number, enabled: number, declared?: number, cut?: string): Facts {
  const disabled = total - enabled;
  const incomplete = (declared !== undefined && declared > total) || cut !== undefined;
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
      (cut ? `; ${cut}` : incomplete ? `; the API reported ${declared}, so the rest were not read (paging)` : ''),
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

/** The stored answer's text, or the reason the check cannot be decided (the same refusals as readJson). */
function answerText(outputs: Outputs, id: string): string {
  readJson(outputs, id);
  return outputs[id]!.stdout;
}

const pagingCut = (problems: { error: string }[]) =>
  problems.find((p) => / of \d+ |nextLink|paging/.test(p.error))?.error.replace(/^[^:]*: /, '');

const wazuhRules = (outputs: Outputs): Facts => {
  const read = readWazuhRules(answerText(outputs, 'wazuh-rules'), 'wazuh-rules');
  if (read.rules.length === 0 && read.problems.length > 0) throw new InconclusiveError(read.problems[0]!.error);
  return facts(
    'Wazuh rules (status=enabled, level 1 and above)',
    read.rules.length,
    read.rules.filter((r) => !r.disabled).length,
    undefined,
    pagingCut(read.problems),
  );
};

const SA_PROBES = ['os-sa-detectors', 'os-sa-rules-prepackaged', 'os-sa-rules-custom'];

const openSearchSa = (outputs: Outputs): Facts => {
  // No detector index yet (404), or no plugin (400, classified not-found): Security Analytics runs nothing here; the
  // rules may run elsewhere (a Wazuh manager in front of this indexer).
  if (isNotFound(outputs, 'os-sa-detectors'))
    return {
      applicable: false,
      explanation:
        'OpenSearch Security Analytics: no detectors here (' +
        outputs['os-sa-detectors']!.error!.message.slice(0, 120) +
        ')',
    };
  const [detectors, prePackaged, custom] = SA_PROBES.map((id) => JSON.parse(answerText(outputs, id)) as unknown);
  const joined = JSON.stringify({ security_analytics: { detectors, rules: { pre_packaged: prePackaged, custom } } });
  const read = readOpenSearchSecurityAnalytics(joined, 'os-sa');
  return facts(
    'OpenSearch Security Analytics (rules of its detectors)',
    read.rules.length,
    read.rules.filter((r) => !r.disabled).length,
    undefined,
    pagingCut(read.problems),
  );
};

const sentinelRules = (outputs: Outputs): Facts => {
  const read = readSentinelAlertRules(answerText(outputs, 'sentinel-alert-rules'), 'sentinel-alert-rules');
  if (read.rules.length === 0 && read.problems.length > 0) throw new InconclusiveError(read.problems[0]!.error);
  return facts(
    'Microsoft Sentinel analytics rules',
    read.rules.length,
    read.rules.filter((r) => !r.disabled).length,
    undefined,
    pagingCut(read.problems),
  );
};

const answered = (outputs: Outputs, id: string) =>
  outputs[id] !== undefined && outputs[id].error?.kind !== 'unsupported';

export const siemRuleParserModules: readonly ParserModule[] = [
  defineParser({
    name: 'siem-detection-rules',
    probes: [
      'api-root',
      'kibana-detection-rules',
      'splunk-saved-searches',
      'wazuh-rules',
      ...SA_PROBES,
      'sentinel-alert-rules',
    ],
    facts: ['applicable', 'source', 'total', 'enabled', 'disabled', 'complete', 'explanation'],
    parse: (outputs) => {
      if (answered(outputs, 'kibana-detection-rules')) return kibanaRules(outputs);
      if (answered(outputs, 'wazuh-rules')) return wazuhRules(outputs);
      if (answered(outputs, 'os-sa-detectors')) return openSearchSa(outputs);
      if (answered(outputs, 'sentinel-alert-rules')) return sentinelRules(outputs);
      return otherProduct(outputs, ['splunk-saved-searches']) ?? splunkSearches(outputs);
    },
  }),
];
