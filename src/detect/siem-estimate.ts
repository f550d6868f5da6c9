// The scan's alert-volume estimate pushed down into the SIEM (inventory `estimate: { siem: <target> }`): each rule is
// converted to the SIEM's language and counted per day there, read-only (src/pushdown/run.ts), so the estimate covers
// the SIEM's retention instead of an export. The report keeps per rule the query, the counts or why there are none.
import type { Inventory } from '../model.js';
import type { Counts } from '../pushdown/count.js';
import { type PushdownOutput, runPushdown } from '../pushdown/run.js';

export interface SiemEstimateRule {
  rule_id: string;
  title: string;
  level?: string;
  language?: string;
  query?: string;
  counts?: Counts;
  alerts_per_day?: number;
  /** Why the rule was not converted (correlation type, log source without routing, field without mapping...). */
  unsupported?: { kind: string; reason: string };
  /** Why the SIEM gave no count (refused, timed out, failed). */
  error?: string;
}

/** The push-down's figures (./pushdown/run.ts), with failed counts and the per-day alert sum over counted rules. */
export interface SiemEstimate extends Omit<PushdownOutput, 'language' | 'results'> {
  language: string;
  failed: number;
  /** Sum over the counted rules: each matching event one alert. */
  alerts_per_day: number;
  rules: SiemEstimateRule[];
}

export async function estimateInSiem(opts: {
  inventory: Inventory;
  rulePaths: string[];
  now: Date;
  env?: NodeJS.ProcessEnv;
}): Promise<SiemEstimate> {
  const settings = opts.inventory.estimate!;
  const out = await runPushdown({
    rulePaths: opts.rulePaths,
    inventory: opts.inventory,
    siem: settings.siem,
    days: settings.days ?? 30,
    now: opts.now,
    ...(settings.index ? { index: settings.index } : {}),
    ...(settings.language ? { language: settings.language } : {}),
    timeoutMs: (settings.timeout ?? 60) * 1000,
    ...(opts.env ? { env: opts.env } : {}),
  });
  const rules = out.results.map(
    (r): SiemEstimateRule => ({
      rule_id: r.rule_id,
      title: r.title,
      ...(r.level ? { level: r.level } : {}),
      ...(r.language ? { language: r.language } : {}),
      ...(r.query ? { query: r.query } : {}),
      ...(r.counts ? { counts: r.counts } : {}),
      ...(r.alerts_per_day !== undefined ? { alerts_per_day: r.alerts_per_day } : {}),
      ...(r.unsupported ? { unsupported: r.unsupported } : {}),
      ...(r.error ? { error: r.error } : {}),
    }),
  );
  // Noisiest first, then the rules that were not counted, each group in a stable order.
  rules.sort((a, b) => (b.alerts_per_day ?? -1) - (a.alerts_per_day ?? -1) || a.title.localeCompare(b.title));
  const total = rules.reduce((n, r) => n + (r.alerts_per_day ?? 0), 0);
  return {
    target: out.target,
    product: out.product,
    language: out.language,
    window: out.window,
    rules_loaded: out.rules_loaded,
    rules_failed: out.rules_failed,
    converted: out.converted,
    unsupported: out.unsupported,
    counted: out.counted,
    failed: rules.filter((r) => r.error).length,
    alerts_per_day: Math.round(total * 100) / 100,
    rules,
  };
}
