// The cost analysis (analyses.cost): today's volume per source, the forecast of each recommended logging change, the
// staged plan within the budget and the ways to cut volume. Every figure goes into the report with its inputs, so a
// team can recompute it with its own prices.
import type { AnalysisSection, CostDetails, CostRange, CostSummary, Inventory, Report } from '../model.js';
import { forecastChanges, lookupIn } from './forecast.js';
import { headroomOf } from './headroom.js';
import { readMeasures } from './measures.js';
import { buildPhases, groupIntoPhases, orderChanges, savingsFor, type WhatIfFn, withTechniques } from './plan.js';
import { loadVolumeModels, VOLUME_MODELS_FILE } from './tables.js';

export type { WhatIf, WhatIfFn } from './plan.js';
export { VOLUME_CHECKS, volumeFactsOnly } from './measures.js';

export interface CostOptions {
  inventory: Pick<Inventory, 'targets' | 'costs' | 'budget'>;
  whatIf?: WhatIfFn;
  modelsFile?: string;
}

const sum = (xs: CostRange[]): CostRange | null =>
  xs.length === 0
    ? null
    : xs.reduce((s, r) => ({ low: s.low + r.low, expected: s.expected + r.expected, high: s.high + r.high }), {
        low: 0,
        expected: 0,
        high: 0,
      });

export function analyseCost(report: Report, opts: CostOptions): AnalysisSection<CostSummary, CostDetails> {
  const inv = opts.inventory;
  const models = loadVolumeModels(opts.modelsFile ?? VOLUME_MODELS_FILE);
  const measures = readMeasures(report.findings);
  // A web target's logs and a database's files are measured on the host they live on.
  const hostOf = new Map<string, string>();
  for (const t of inv.targets) {
    const host = t.web?.host ?? t.database?.host;
    if (host) hostOf.set(t.id, host);
  }
  const lookup = lookupIn(measures, hostOf);
  const changes = forecastChanges({
    findings: report.findings,
    models: models.models,
    lookup,
    prices: inv.costs,
    sources: report.analyses.sources,
  });
  const ordered = orderChanges(changes);
  const priced = Boolean(inv.costs?.currency);
  const budget = inv.budget?.per_month !== undefined && !priced ? undefined : inv.budget;
  const attackOf = new Map((report.analyses.sources?.details.use_cases ?? []).map((u) => [u.id, u.attack]));
  const phases = withTechniques(buildPhases(groupIntoPhases(ordered, budget), budget, opts.whatIf, priced), attackOf);
  const quantified = changes.filter((c) => c.bytes_per_day !== null);
  const measured = measures.today.filter((s) => s.bytes_per_day !== null);
  const summary: CostSummary = {
    currency: inv.costs?.currency ?? null,
    sources_measured: measured.length,
    // Nothing measured is not 0 bytes a day.
    today_bytes_per_day: measured.length ? measured.reduce((s, x) => s + x.bytes_per_day!, 0) : null,
    changes: changes.length,
    changes_quantified: quantified.length,
    added_bytes_per_day: sum(quantified.map((c) => c.bytes_per_day!)),
    // Unknown if any quantified change's cost is unknown: a partial sum would read as the whole bill.
    monthly_cost:
      priced && quantified.every((c) => c.monthly_cost) ? sum(quantified.map((c) => c.monthly_cost!)) : null,
    phases: phases.length,
    budget: inv.budget ?? null,
  };
  return {
    summary,
    details: {
      models: models.file,
      prices: inv.costs ?? null,
      today: measures.today,
      rates: [...measures.rates.entries()]
        .flatMap(([target, m]) => [...m.entries()].map(([name, r]) => ({ target, name, ...r })))
        .filter((r) => !r.name.startsWith('linux.bytes_per_day.') && !r.name.startsWith('windows.bytes_per_day.')),
      changes: [...ordered, ...changes.filter((c) => c.bytes_per_day === null)],
      phases,
      unquantified: changes.filter((c) => c.bytes_per_day === null).map((c) => c.id),
      savings: savingsFor(ordered, models.savings, lookup),
      headroom: headroomOf(report.findings, summary.added_bytes_per_day, inv.costs),
    },
    problems:
      inv.budget?.per_month !== undefined && !priced
        ? [{ path: 'budget.per_month', error: 'a budget in money needs a price table: phases not split' }]
        : [],
  };
}
