// The staged plan: the quantified changes ordered by detection value per added GB/day (critical findings first,
// deterministic tie-breaks so the plan does not depend on the order findings arrived in), grouped into phases that
// fit the budget (money per month, or GB per day), each with what it buys: the use-cases that become visible, and the
// maturity and SOAR-gate change (a what-if re-score with the phase's findings passing, supplied by the caller).
import type { AreaId, CostChange, CostDetails, CostPhase, CostRange, SoarVerdict } from '../model.js';
import { GB, type Lookup, resolveInput, severityRank } from './forecast.js';
import type { Range, Saving } from './tables.js';
import { type Basis, basis } from './basis.js';

/** What the run would score if these findings passed (src/analyse.ts re-runs the source map and the score). */
export interface WhatIf {
  overall: number | null;
  areas: Partial<Record<AreaId, number | null>>;
  soar: SoarVerdict | null;
  soar_ready: string[];
  use_cases_visible: string[];
}

export type WhatIfFn = (passing: ReadonlySet<string>) => WhatIf;

const EPSILON_GB = 0.001;

/** Value per added GB/day (a change that adds almost nothing is bounded, not infinite). */
export const valuePerGb = (c: CostChange) => c.value / Math.max(c.bytes_per_day!.expected / GB, EPSILON_GB);

/** Critical findings first, then value per GB/day, value, smaller volume, and the change id: a total order. */
export function orderChanges(changes: CostChange[]): CostChange[] {
  return changes
    .filter((c) => c.bytes_per_day !== null)
    .sort(
      (a, b) =>
        Number(b.severity === 'critical') - Number(a.severity === 'critical') ||
        valuePerGb(b) - valuePerGb(a) ||
        b.value - a.value ||
        severityRank(b.severity) - severityRank(a.severity) ||
        a.bytes_per_day!.expected - b.bytes_per_day!.expected ||
        a.id.localeCompare(b.id),
    );
}

const add = (a: CostRange, b: CostRange): CostRange => ({
  low: a.low + b.low,
  expected: a.expected + b.expected,
  high: a.high + b.high,
});
const ZERO: CostRange = { low: 0, expected: 0, high: 0 };

export interface PhaseBudget {
  per_month?: number;
  gb_per_day?: number;
}

/** The measure a budget is spent in: money per month (expected), or GB per day (expected). */
function spend(c: CostChange, budget: PhaseBudget): number | null {
  if (budget.per_month !== undefined) return c.monthly_cost?.expected ?? null;
  return c.bytes_per_day!.expected / GB;
}

/** Greedy in plan order: a change that does not fit what is left of the phase opens the next one. */
export function groupIntoPhases(ordered: CostChange[], budget: PhaseBudget | undefined): CostChange[][] {
  const limit = budget?.per_month ?? budget?.gb_per_day;
  if (!budget || limit === undefined) return ordered.length > 0 ? [ordered] : [];
  const phases: CostChange[][] = [];
  let current: CostChange[] = [];
  let used = 0;
  // A change whose cost is unknown cannot be fitted into a money budget: it goes to a last phase of its own rather
  // than spending nothing.
  const unknown: CostChange[] = [];
  for (const c of ordered) {
    const s = spend(c, budget);
    if (s === null) {
      unknown.push(c);
      continue;
    }
    if (current.length > 0 && used + s > limit) {
      phases.push(current);
      current = [];
      used = 0;
    }
    current.push(c);
    used += s;
  }
  if (current.length > 0) phases.push(current);
  if (unknown.length > 0) phases.push(unknown);
  return phases;
}

export function buildPhases(
  groups: CostChange[][],
  budget: PhaseBudget | undefined,
  whatIf: WhatIfFn | undefined,
  priced: boolean,
): CostPhase[] {
  const limit = budget?.per_month ?? budget?.gb_per_day;
  const passing = new Set<string>();
  let before = whatIf?.(passing);
  return groups.map((changes, i) => {
    for (const c of changes) for (const f of c.findings) passing.add(f);
    const after = whatIf?.(new Set(passing));
    const bytes = changes.reduce((s, c) => add(s, c.bytes_per_day!), ZERO);
    // A change of unknown cost makes its phase's cost unknown (null), never a sum that counts it as 0.
    const money =
      priced && changes.every((c) => c.monthly_cost) ? changes.reduce((s, c) => add(s, c.monthly_cost!), ZERO) : null;
    const used = budget ? changes.reduce((s, c) => s + (spend(c, budget) ?? 0), 0) : 0;
    const gained = after && before ? after.use_cases_visible.filter((u) => !before!.use_cases_visible.includes(u)) : [];
    const areas =
      after && before
        ? (Object.keys(after.areas) as AreaId[])
            .filter((a) => after.areas[a] !== before!.areas[a])
            .sort()
            .map((a) => ({ area: a, before: before!.areas[a] ?? null, after: after.areas[a] ?? null }))
        : [];
    const phase: CostPhase = {
      phase: i + 1,
      changes: changes.map((c) => c.id),
      bytes_per_day: bytes,
      monthly_cost: money,
      over_budget: limit !== undefined && used > limit,
      use_cases_gained: gained.sort(),
      techniques_gained: [],
      maturity: { overall: [before?.overall ?? null, after?.overall ?? null], areas },
      soar: {
        verdict: [before?.soar ?? null, after?.soar ?? null],
        ready_gained: after && before ? after.soar_ready.filter((u) => !before!.soar_ready.includes(u)).sort() : [],
      },
    };
    before = after;
    return phase;
  });
}

/** Each way to cut a change's volume, with its estimated saving on the change's expected figure. */
export function savingsFor(changes: CostChange[], savings: Saving[], lookup: Lookup): CostDetails['savings'] {
  const out: CostDetails['savings'] = [];
  for (const s of savings) {
    for (const c of changes) {
      if (!s.applies_to.includes(c.model) || !c.bytes_per_day) continue;
      let fraction: Range;
      let why: Basis;
      if (s.keeps) {
        const m = s.keeps.input !== undefined ? resolveInput(lookup, c.target, s.keeps.input) : undefined;
        if (m && m.value !== null) {
          fraction = [1 - m.value, 1 - m.value, 1 - m.value];
          const share = Math.round(m.value * 1000) / 10;
          why = basis(
            `keeps the measured share ${share}% (${m.basis.en})`,
            `実測の割合 ${share}% を残す（${m.basis.ja}）`,
          );
        } else {
          const [l, e, h] = s.keeps.assumed;
          fraction = [1 - h, 1 - e, 1 - l];
          why = basis(
            `keeps an assumed ${l * 100}–${h * 100}% (share not measured)`,
            `仮定の ${l * 100}〜${h * 100}% を残す（割合は未計測）`,
          );
        }
      } else {
        fraction = s.saving!;
        why = basis(
          'assumed share saved (checks/cost/volume-models.yaml)',
          '仮定の削減割合（checks/cost/volume-models.yaml）',
        );
      }
      const e = c.bytes_per_day.expected;
      out.push({
        id: s.id,
        title: s.title,
        change: c.id,
        fraction,
        bytes_per_day: { low: e * fraction[0], expected: e * fraction[1], high: e * fraction[2] },
        basis: why,
      });
    }
  }
  return out.sort(
    (a, b) =>
      b.bytes_per_day.expected - a.bytes_per_day.expected ||
      a.id.localeCompare(b.id) ||
      a.change.localeCompare(b.change),
  );
}

/** Techniques of the use-cases a phase makes visible (from the source map's use-cases). */
export function withTechniques(phases: CostPhase[], attackOf: Map<string, string[]>): CostPhase[] {
  return phases.map((p) => ({
    ...p,
    techniques_gained: [...new Set(p.use_cases_gained.flatMap((u) => attackOf.get(u) ?? []))].sort(),
  }));
}
