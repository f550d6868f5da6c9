// The forecast of each recommended logging change: for every failing or warning finding whose check a volume model
// names, the added bytes per day (low/expected/high) from the model's terms filled with this target's measured
// figures, the storage at the organisation's retention and the monthly cost under its price table.
import type {
  AnalysisSection,
  Bilingual,
  CostChange,
  CostInput,
  CostMoney,
  CostRange,
  Finding,
  PriceTable,
  Severity,
  SourceMapDetails,
  SourceMapSummary,
} from '../model.js';
import type { MeasuredFigure, Measures } from './measures.js';
import type { Term, VolumeModel } from './tables.js';
import { basis, composeBasis, joinBases } from './basis.js';

export const GB = 1e9;
/** Days in an average month: monthly prices are per month, volumes per day. */
export const DAYS_PER_MONTH = 30.4375;

const SEVERITY_RANK: Record<Severity, number> = { critical: 4, high: 3, medium: 2, low: 1, info: 0 };

export const severityRank = (s: Severity) => SEVERITY_RANK[s];

/** A term's input resolved on the change's target, then on the host its logs live on (web.host, database.host). */
export type Lookup = (target: string, input: string) => MeasuredFigure | undefined;

export function lookupIn(measures: Measures, hostOf: Map<string, string>): Lookup {
  return (target, input) =>
    measures.rates.get(target)?.get(input) ?? measures.rates.get(hostOf.get(target) ?? '')?.get(input);
}

/** A measured input, summed over a list (each measured part; the missing ones are named in the basis). */
export function resolveInput(lookup: Lookup, target: string, input: string | string[]): MeasuredFigure | undefined {
  const names = Array.isArray(input) ? input : [input];
  const found = names.map((n) => ({ n, m: lookup(target, n) }));
  const known = found.filter((x) => x.m && x.m.value !== null);
  if (known.length === 0) {
    const why = joinBases(
      found.map((x) => composeBasis((_, text) => `${x.n}: ${text(x.m ? x.m.basis : NOT_MEASURED)}`)),
    );
    return { value: null, basis: why, check: found.find((x) => x.m)?.m?.check ?? '' };
  }
  const missing = found.filter((x) => !x.m || x.m.value === null).map((x) => x.n);
  return {
    value: known.reduce((s, x) => s + x.m!.value!, 0),
    basis: composeBasis(
      (lang, text) =>
        known
          .map(
            (x) =>
              `${x.n} = ${round(x.m!.value!)}${lang === 'en' ? ` (${text(x.m!.basis)})` : `（${text(x.m!.basis)}）`}`,
          )
          .join(' + ') +
        (missing.length === 0
          ? ''
          : lang === 'en'
            ? `; not measured, left out: ${missing.join(', ')}`
            : `；未計測のため除外: ${missing.join(', ')}`),
    ),
    check: known[0]!.m!.check,
  };
}

const NOT_MEASURED = basis('not measured by this scan', 'このスキャンでは未計測');

const round = (x: number) => (Math.abs(x) >= 100 ? Math.round(x) : Math.round(x * 1000) / 1000);

function fillTerm(term: Term, lookup: Lookup, target: string): CostInput {
  const base = { name: term.name, ...(term.input !== undefined ? { input: term.input } : {}) };
  if (term.input !== undefined) {
    const m = resolveInput(lookup, target, term.input);
    if (m && m.value !== null) {
      return { ...base, source: 'measured', range: [m.value, m.value, m.value], basis: m.basis };
    }
    if (term.assumed) {
      const why = m?.basis ?? NOT_MEASURED;
      return {
        ...base,
        source: 'assumed',
        range: term.assumed,
        basis: basis(`not measured (${why.en}); assumed range`, `未計測（${why.ja}）。仮定の範囲`),
      };
    }
    return { ...base, source: 'missing', range: null, basis: m?.basis ?? NOT_MEASURED };
  }
  return {
    ...base,
    source: 'assumed',
    range: term.assumed!,
    basis: basis('assumed range (checks/cost/volume-models.yaml)', '仮定の範囲（checks/cost/volume-models.yaml）'),
  };
}

const product = (inputs: CostInput[], i: 0 | 1 | 2) => inputs.reduce((p, t) => p * t.range![i], 1);

/** Steady-state storage and the monthly cost of an added volume under the price table. */
export function priced(
  bytes: CostRange,
  eventsPerDay: number | null,
  agents: number,
  prices: PriceTable | undefined,
): { stored_gb: CostChange['stored_gb']; monthly_cost: CostMoney | null } {
  const scale = (f: (gbDay: number) => number): CostRange => ({
    low: f(bytes.low / GB),
    expected: f(bytes.expected / GB),
    high: f(bytes.high / GB),
  });
  const ratio = prices?.stored_per_ingested ?? 1;
  const ret = prices?.retention_days;
  const stored_gb = ret
    ? {
        hot: scale((g) => g * ratio * ret.hot),
        warm: ret.warm !== undefined ? scale((g) => g * ratio * ret.warm!) : null,
      }
    : null;
  if (!prices?.currency) return { stored_gb, monthly_cost: null };
  const ingest = (g: number) => (prices.ingest_per_gb_day !== undefined ? g * prices.ingest_per_gb_day : null);
  const storage = (g: number) => {
    const s = prices.storage_per_gb_month;
    if (!s || !ret) return null;
    return g * ratio * (ret.hot * (s.hot ?? 0) + (ret.warm ?? 0) * (s.warm ?? 0));
  };
  const eps = prices.per_eps !== undefined && eventsPerDay !== null ? (eventsPerDay / 86_400) * prices.per_eps : null;
  const agent = prices.per_agent !== undefined ? agents * prices.per_agent : null;
  const g = bytes.expected / GB;
  const parts = { ingest: ingest(g), storage: storage(g), eps, agents: agent };
  // A part the price table prices but whose input is unmeasured (events per second, retention) makes the total
  // unknown, as does a table that prices none of them: null, never a cost of 0.
  const priced = [
    prices.ingest_per_gb_day !== undefined,
    prices.storage_per_gb_month !== undefined,
    prices.per_eps !== undefined,
    prices.per_agent !== undefined,
  ];
  const values = [parts.ingest, parts.storage, parts.eps, parts.agents];
  if (!priced.some(Boolean) || priced.some((p, i) => p && values[i] === null)) return { stored_gb, monthly_cost: null };
  const total = (x: number) => (ingest(x) ?? 0) + (storage(x) ?? 0) + (eps ?? 0) + (agent ?? 0);
  return { stored_gb, monthly_cost: { ...scale(total), parts } };
}

type SourceMap = AnalysisSection<SourceMapSummary, SourceMapDetails>;

/** Required use-cases that need the class while it is unmeasured; each counts 1 / (classes it still misses). */
export function detectionValue(
  cls: string,
  map: SourceMap | undefined,
): { use_cases: string[]; techniques: string[]; value: number } {
  const needing = (map?.details.use_cases ?? []).filter(
    (u) => u.applicable && (u.detect || u.automate) && u.missing.includes(cls),
  );
  return {
    use_cases: needing.map((u) => u.id).sort(),
    techniques: [...new Set(needing.flatMap((u) => u.attack))].sort(),
    value: needing.reduce((s, u) => s + 1 / u.missing.length, 0),
  };
}

const ref = (f: Finding) => `finding:${f.check}@${f.target}`;

export interface ForecastInputs {
  findings: Finding[];
  models: VolumeModel[];
  lookup: Lookup;
  prices?: PriceTable;
  sources?: SourceMap;
}

function formulaOf(model: VolumeModel): Bilingual {
  return {
    en: model.terms.map((t) => t.name.en).join(' × '),
    ja: model.terms.map((t) => t.name.ja).join(' × '),
  };
}

/** One change per model and target, from every failing or warning finding of the model's checks there. */
export function forecastChanges(inp: ForecastInputs): CostChange[] {
  const modelOf = new Map(inp.models.flatMap((m) => m.checks.map((c) => [c, m] as const)));
  const groups = new Map<string, { model: VolumeModel; target: string; findings: Finding[] }>();
  for (const f of inp.findings) {
    if (f.status !== 'fail' && f.status !== 'warn') continue;
    if (f.waiver && !f.waiver.expired) continue;
    const model = modelOf.get(f.check);
    if (!model) continue;
    const id = `${model.id}@${f.target}`;
    if (!groups.has(id)) groups.set(id, { model, target: f.target, findings: [] });
    groups.get(id)!.findings.push(f);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([id, { model, target, findings }]) => {
      const inputs = model.terms.map((t) => fillTerm(t, inp.lookup, target));
      const missing = inputs.filter((t) => t.source === 'missing');
      const rateTerm = model.terms.findIndex((t) => t.rate);
      const events = rateTerm >= 0 && inputs[rateTerm]!.range ? inputs[rateTerm]!.range![1] : null;
      const bytes: CostRange | null =
        missing.length > 0 ? null : { low: product(inputs, 0), expected: product(inputs, 1), high: product(inputs, 2) };
      const money = bytes
        ? priced(bytes, events, model.agents ?? 0, inp.prices)
        : { stored_gb: null, monthly_cost: null };
      const severity = findings.map((f) => f.severity).sort((a, b) => SEVERITY_RANK[b] - SEVERITY_RANK[a])[0]!;
      return {
        id,
        model: model.id,
        title: model.title,
        target,
        class: model.class,
        findings: findings.map(ref).sort(),
        severity,
        formula: formulaOf(model),
        inputs,
        bytes_per_day: bytes,
        events_per_day: events,
        ...(missing.length > 0
          ? {
              reason: basis(
                `not measured: ${missing.map((t) => `${t.name.en} (${t.basis.en})`).join('; ')}`,
                `未計測: ${missing.map((t) => `${t.name.ja || t.name.en}（${t.basis.ja}）`).join('；')}`,
              ),
            }
          : {}),
        ...money,
        ...detectionValue(model.class, inp.sources),
      };
    });
}
