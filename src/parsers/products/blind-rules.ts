// The blind-rule join on one SIEM target: the rules its API says it runs (Kibana detection engine, Splunk saved
// searches) against the source health the same target answers (Splunk data/indexes and the per-sourcetype tstats;
// an Elasticsearch cluster's per-index search). Kibana answers rules but no index health: there the join runs in
// the coverage analysis (src/analyse.ts), which sees every target's answers.
import { type Facts, InconclusiveError } from '../../checks/types.js';
import { blindRules } from './rule-blindness.js';
import { readKibanaRules, readSplunkSavedSearches } from '../../rules/siem-api.js';
import { defineParser, type ParserModule } from '../define.js';
import { sourceHealthOf, splunkSourcetypeHealth } from './source-health.js';
import { type Outputs, serverNow } from './util.js';

const RULE_PROBES = ['kibana-detection-rules', 'splunk-saved-searches'] as const;
const HEALTH_PROBES = ['es-ingest-recency', 'es-indices-volume', 'splunk-indexes', 'splunk-sourcetypes'] as const;

const answered = (outputs: Outputs, id: string) =>
  outputs[id] !== undefined && outputs[id]!.error?.kind !== 'unsupported';

function body(outputs: Outputs, id: string): string {
  const r = outputs[id]!;
  if (r.error) throw new InconclusiveError(`${id}: ${r.error.kind}: ${r.error.message}`);
  if (r.truncated)
    throw new InconclusiveError(`${id}: the answer was cut at the size cap; raise the probe's max_bytes`);
  return r.stdout;
}

const parse = (outputs: Outputs): Facts => {
  const ruleProbe = RULE_PROBES.find((p) => answered(outputs, p));
  const healthProbes = HEALTH_PROBES.filter((p) => answered(outputs, p));
  if (!ruleProbe || !healthProbes.some((p) => p === 'es-ingest-recency' || p === 'splunk-indexes'))
    return { applicable: false };
  const text = body(outputs, ruleProbe);
  const read =
    ruleProbe === 'kibana-detection-rules'
      ? readKibanaRules(text, ruleProbe)
      : readSplunkSavedSearches(text, ruleProbe);
  if (read.problems.some((p) => /not JSON|no "data"|no "entry"/.test(p.error)))
    throw new InconclusiveError(read.problems[0]!.error);
  const bodies: Record<string, string> = {};
  const unmeasured: string[] = [];
  for (const p of healthProbes) {
    // The sourcetype counts and _cat/indices only add detail: without them the index-level join still holds.
    if ((p === 'splunk-sourcetypes' || p === 'es-indices-volume') && outputs[p]!.error) {
      unmeasured.push(`${p} (${outputs[p]!.error!.kind})`);
      continue;
    }
    if (p === 'splunk-sourcetypes') {
      // A search Splunk cancelled or refused (FATAL message) leaves the sourcetypes unmeasured, not the indexes.
      try {
        splunkSourcetypeHealth(outputs[p]!.stdout);
      } catch (e) {
        unmeasured.push((e as Error).message);
        continue;
      }
    }
    bodies[p] = body(outputs, p);
  }
  const nowMs = serverNow(...healthProbes.map((p) => outputs[p]));
  let health: ReturnType<typeof sourceHealthOf>;
  try {
    health = sourceHealthOf('this SIEM', bodies, nowMs);
  } catch (e) {
    throw new InconclusiveError((e as Error).message);
  }
  const enabled = read.rules.filter((r) => !r.disabled && !r.correlation);
  const judged = enabled.filter((r) => r.reads);
  const blind = blindRules(enabled, health ? [health] : []);
  const listed = blind.map((b) => ({
    rule: b.title,
    reason: b.reason,
    patterns: b.patterns,
    sourcetypes: b.sourcetypes,
    matched: b.matched,
  }));
  const partial = read.problems.find((p) => /the rest are not in this answer/.test(p.error));
  return {
    applicable: true,
    complete: !partial,
    enabled: enabled.length,
    judged: judged.length,
    blind: blind.length,
    blind_rules: listed,
    explanation:
      (blind.length === 0
        ? `${judged.length} of ${enabled.length} enabled rules name their indices or sourcetypes; each receives events`
        : `${blind.length} of ${enabled.length} enabled rules are blind: ` +
          blind.map((b) => b.explain.en.replace(/ on this SIEM/g, '')).join(' ')) +
      (unmeasured.length ? ` (not measured: ${unmeasured.join(', ')})` : '') +
      (partial ? `; ${partial.error.replace(/^[^:]*: /, '')}` : ''),
  };
};

export const blindRuleParserModules: readonly ParserModule[] = [
  defineParser({
    name: 'siem-blind-rules',
    probes: ['api-root', ...RULE_PROBES, ...HEALTH_PROBES],
    facts: ['applicable', 'complete', 'enabled', 'judged', 'blind', 'blind_rules', 'explanation'],
    parse,
  }),
];
