// `socready detect --siem`: converts each rule for the SIEM named in the inventory and asks it, read-only, how many
// events matched per day over a window. Rules that do not convert are listed with the reason; nothing is guessed.
import { readFileSync } from 'node:fs';
import { ApiProbeSource } from '../collect/api-source.js';
import type { Inventory, Target } from '../model.js';
import { listRuleFiles, loadRuleText } from '../sigma/loader.js';
import type { CompileOptions } from '../sigma/types.js';
import { parseYaml } from '../util/validate.js';
import { type CountWindow, type Counts, countWindow, planCount, readAnswer } from './count.js';
import { convertInSet, ruleResolver } from './correlation.js';
import { type Conversion, DEFAULT_ELASTIC_INDEX, type Language, LANGUAGES, type SiemTarget } from './targets.js';

export class PushdownUsageError extends Error {}

const PRODUCT_TARGET: Record<string, SiemTarget> = {
  elasticsearch: 'elastic',
  opensearch: 'elastic',
  splunk: 'splunk',
  sentinel: 'sentinel',
};

export interface PushdownRuleResult extends Conversion {
  language?: Language;
  query?: string;
  counts?: Counts;
  /** Alerts per day the rule would raise over the window, if each matching event became one alert. */
  alerts_per_day?: number;
  error?: string;
}

export interface PushdownOutput {
  target: string;
  product: string;
  language: Language;
  window: { start: string; end: string; days: number };
  rules_loaded: number;
  rules_failed: { path: string; error: string }[];
  converted: number;
  unsupported: number;
  counted: number;
  results: PushdownRuleResult[];
}

export interface PushdownOptions {
  rulePaths: string[];
  inventory: Inventory;
  siem: string;
  days: number;
  now: Date;
  index?: string;
  language?: Language;
  timeoutMs: number;
  placeholders?: CompileOptions['placeholders'];
  env?: NodeJS.ProcessEnv;
}

export function siemTarget(inventory: Inventory, id: string): { target: Target; product: string; kind: SiemTarget } {
  const target = inventory.targets.find((t) => t.id === id);
  if (!target) throw new PushdownUsageError(`--siem ${id}: no target with that id in ${inventory.source}`);
  const product = (target.api?.product ?? '').toLowerCase();
  const kind = PRODUCT_TARGET[product];
  if (!target.api || !kind) {
    throw new PushdownUsageError(
      `--siem ${id}: the target needs api: { url, product } with product one of ` +
        `${Object.keys(PRODUCT_TARGET).join(', ')}${product ? ` (it says "${product}")` : ''}`,
    );
  }
  return { target, product, kind };
}

/** Rule documents that the local engine loads (so a rule the engine refuses is a load failure here too). */
function loadDocs(
  paths: string[],
  opts: CompileOptions,
): { docs: Record<string, unknown>[]; failures: { path: string; error: string }[] } {
  const failures: { path: string; error: string }[] = [];
  const docs: Record<string, unknown>[] = [];
  for (const file of listRuleFiles(paths, failures)) {
    const text = readFileSync(file, 'utf8');
    const loaded = loadRuleText(text, file, opts);
    failures.push(...loaded.failures);
    const ok = new Set(loaded.rules.map((r) => r.doc));
    const parsed = parseYaml(text, file);
    parsed.docs.forEach((d, i) => {
      const value = d.toJS({ maxAliasCount: 100 }) as unknown;
      if (!ok.has(i) || !value || typeof value !== 'object') return;
      const doc = value as Record<string, unknown>;
      // Sigma 1.0 collections (action: global) are merged by the loader; their parts are not converted on their own.
      if ('action' in doc || (!('detection' in doc) && !('correlation' in doc))) return;
      docs.push(doc);
    });
  }
  return { docs, failures };
}

export async function runPushdown(o: PushdownOptions): Promise<PushdownOutput> {
  const { target, product, kind } = siemTarget(o.inventory, o.siem);
  const language = o.language ?? LANGUAGES[kind][0]!;
  if (!LANGUAGES[kind].includes(language))
    throw new PushdownUsageError(
      `--language ${language} is not a language of ${product} (${LANGUAGES[kind].join(', ')})`,
    );
  if (product === 'opensearch' && language === 'esql') throw new PushdownUsageError('OpenSearch has no ES|QL');
  const window: CountWindow = countWindow(o.now, o.days);
  const { docs, failures } = loadDocs(o.rulePaths, { placeholders: o.placeholders });
  const index = o.index ?? DEFAULT_ELASTIC_INDEX;
  const resolve = ruleResolver(docs);
  const results: PushdownRuleResult[] = docs.map((d) =>
    convertInSet(d, kind, { placeholders: o.placeholders, index, resolve }),
  );
  const source = new ApiProbeSource(target, { env: o.env, search: true });
  let openError: string | undefined;
  if (results.some((r) => r.queries?.[language])) {
    const e = await source.open();
    if (e) openError = `${e.kind}: ${e.message}`;
  }
  for (const r of results) {
    // A correlation converts to ES|QL only on Elasticsearch: it is counted there whatever the language asked for.
    const lang = r.correlation && kind === 'elastic' && product !== 'opensearch' ? 'esql' : language;
    const query = r.queries?.[lang];
    if (!query) {
      if (!r.unsupported && r.queries)
        r.unsupported = { kind: 'language', reason: `no ${lang} form: ${r.notes.join('; ') || 'see queries'}` };
      continue;
    }
    r.language = lang;
    r.query = query;
    if (openError) {
      r.error = openError;
      continue;
    }
    const plan = planCount(lang, query, window, {
      index,
      splunkIndex: o.index,
      timeoutMs: o.timeoutMs,
      correlation: Boolean(r.correlation),
    });
    const answer = readAnswer(plan, await source.search(plan.request), window);
    if ('error' in answer) r.error = answer.error;
    else {
      r.counts = answer;
      r.alerts_per_day = Math.round((answer.total / window.days) * 100) / 100;
    }
  }
  await source.close();
  return {
    target: target.id,
    product,
    language,
    window: { start: window.start.toISOString(), end: window.end.toISOString(), days: window.days },
    rules_loaded: docs.length,
    rules_failed: failures,
    converted: results.filter((r) => r.query).length,
    unsupported: results.filter((r) => r.unsupported).length,
    counted: results.filter((r) => r.counts).length,
    results,
  };
}
