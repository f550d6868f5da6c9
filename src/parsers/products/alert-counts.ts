// Alert counts per rule over 30 days (src/rules/siem-alerts.ts reads the answers) as facts: the alert rate and the
// noisiest rules. The same figures feed the SOAR gate's alert volume through analyses.siem_alerts.
import { type Facts, InconclusiveError, ParseError } from '../../checks/types.js';
import { NoAlertIndexError, readAlertCounts } from '../../rules/siem-alerts.js';
import { defineParser, type ParserModule } from '../define.js';
import { type Outputs, otherProduct } from './util.js';

const PROBES = ['es-security-alert-counts', 'splunk-alert-history', 'wazuh-alert-counts', 'sentinel-alert-counts'];

const alertCounts = (outputs: Outputs): Facts => {
  const other = otherProduct(outputs, PROBES);
  if (other) return other;
  const id = PROBES.find((p) => outputs[p] && outputs[p].error?.kind !== 'unsupported')!;
  const r = outputs[id]!;
  if (r.error) throw new InconclusiveError(`${id}: ${r.error.kind}: ${r.error.message}`);
  if (r.truncated) throw new ParseError(`${id}: the answer was cut at the size cap; raise the probe's max_bytes`);
  let c: ReturnType<typeof readAlertCounts>;
  try {
    c = readAlertCounts(id, r.stdout);
  } catch (e) {
    if (e instanceof NoAlertIndexError) return { applicable: false, explanation: e.message };
    throw new InconclusiveError(`${id}: ${(e as Error).message}`);
  }
  const top = c.rules.slice(0, 5);
  return {
    applicable: true,
    source: c.source,
    window_days: c.window_days,
    total: c.total,
    per_day: c.per_day,
    rules_alerting: c.rules.length,
    noisiest_per_day: top[0]?.per_day ?? 0,
    top: top.map((t) => `${t.rule}: ${t.per_day}/day`),
    explanation:
      `${c.source}: ${c.total} alerts in ${c.window_days} days (${c.per_day}/day) from ${c.rules.length} rules` +
      (c.basis ? ` (${c.basis})` : '') +
      (top.length > 0 ? `; noisiest: ${top.map((t) => `${t.rule} ${t.per_day}/day`).join(', ')}` : ''),
  };
};

export const alertCountParserModules: readonly ParserModule[] = [
  defineParser({
    name: 'siem-alert-counts',
    probes: PROBES,
    facts: [
      'applicable',
      'source',
      'window_days',
      'total',
      'per_day',
      'rules_alerting',
      'noisiest_per_day',
      'top',
      'explanation',
    ],
    parse: alertCounts,
  }),
];
