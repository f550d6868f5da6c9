// Alert counts per rule over 30 days (src/rules/siem-alerts.ts reads the answers) as facts: the alert rate and the
// noisiest rules. The same figures feed the SOAR gate's alert volume through analyses.siem_alerts.
import { type Facts, InconclusiveError, ParseError } from '../../checks/types.js';
import { type AlertCounts, NoAlertIndexError, readAlertCounts } from '../../rules/siem-alerts.js';
import { defineParser, type ParserModule } from '../define.js';
import { type Outputs, otherProduct } from './util.js';

const PROBES = [
  'es-security-alert-counts',
  'splunk-alert-history',
  'wazuh-alert-counts',
  'sentinel-alert-counts',
  'os-sa-finding-counts',
];

/** Noisier than this per day, a rule fails the check (checks/products/siem-rules.yaml: noisiest_per_day lte 50). */
const NOISY_PER_DAY = 50;

/** Several answers of one SIEM (an OpenSearch cluster with the Wazuh indexer and Security Analytics): summed. */
function merged(all: AlertCounts[]): AlertCounts {
  if (all.length === 1) return all[0]!;
  const total = all.reduce((s, c) => s + c.total, 0);
  const inconclusive = all.flatMap((c) => c.inconclusive ?? []);
  return {
    source: all.map((c) => c.source).join(' + '),
    window_days: all[0]!.window_days,
    total,
    per_day: Math.round((total / all[0]!.window_days) * 100) / 100,
    rules: all.flatMap((c) => c.rules).sort((a, b) => b.alerts - a.alerts || a.rule.localeCompare(b.rule)),
    other_alerts: all.reduce((s, c) => s + c.other_alerts, 0),
    ...(inconclusive.length > 0 ? { inconclusive } : {}),
  };
}

const alertCounts = (outputs: Outputs): Facts => {
  const other = otherProduct(outputs, PROBES);
  if (other) return other;
  const read: AlertCounts[] = [];
  const undecided: string[] = [];
  const absent: string[] = [];
  for (const id of PROBES.filter((p) => outputs[p] && outputs[p].error?.kind !== 'unsupported')) {
    const r = outputs[id]!;
    // No Security Analytics plugin or detector index: nothing of it to count, like a cluster without wazuh-alerts-*.
    if (r.error?.kind === 'not-found' && id === 'os-sa-finding-counts') {
      absent.push(`${id}: ${r.error.message.slice(0, 160)}`);
      continue;
    }
    if (r.error) {
      undecided.push(`${id}: ${r.error.kind}: ${r.error.message}`);
      continue;
    }
    if (r.truncated) throw new ParseError(`${id}: the answer was cut at the size cap; raise the probe's max_bytes`);
    try {
      read.push(readAlertCounts(id, r.stdout));
    } catch (e) {
      if (e instanceof NoAlertIndexError) absent.push(e.message);
      else undecided.push(`${id}: ${(e as Error).message}`);
    }
  }
  if (read.length === 0) {
    if (undecided.length > 0) throw new InconclusiveError(undecided.join('; '));
    return { applicable: false, explanation: absent.join('; ') };
  }
  const c = merged(read);
  const top = c.rules.slice(0, 5);
  const noisiest = top[0]?.per_day ?? 0;
  const uncounted = [...undecided, ...(c.inconclusive ?? [])];
  // Parts not counted can only add alerts: a rule already too noisy fails; below the bar the answer is open.
  if (uncounted.length > 0 && noisiest <= NOISY_PER_DAY)
    throw new InconclusiveError(
      `${c.source}: ${c.total} alerts counted (noisiest ${noisiest}/day), but not everything could be counted: ` +
        uncounted.join('; '),
    );
  return {
    applicable: true,
    source: c.source,
    window_days: c.window_days,
    total: c.total,
    per_day: c.per_day,
    rules_alerting: c.rules.length,
    noisiest_per_day: noisiest,
    top: top.map((t) => `${t.rule}: ${t.per_day}/day`),
    explanation:
      `${c.source}: ${c.total} alerts in ${c.window_days} days (${c.per_day}/day) from ${c.rules.length} rules` +
      (c.basis ? ` (${c.basis})` : '') +
      (top.length > 0 ? `; noisiest: ${top.map((t) => `${t.rule} ${t.per_day}/day`).join(', ')}` : '') +
      (uncounted.length > 0 ? `; not counted: ${uncounted.join('; ')}` : ''),
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
