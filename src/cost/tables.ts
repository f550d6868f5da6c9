// The two tables the forecast reads: the volume models socready ships (checks/cost/volume-models.yaml) and the
// organisation's price table (inventory `costs:`, a costs.yaml path or the table inline). Both are validated by their
// schema; every problem is an InputError naming file, line and field.
import { join } from 'node:path';
import costsSchema from '../../checks/schema/costs.schema.json' with { type: 'json' };
import modelsSchema from '../../checks/schema/volume-models.schema.json' with { type: 'json' };
import type { Bilingual, PriceTable } from '../model.js';

export type { PriceTable };
import { CHECKS_DIR } from '../paths.js';
import { compileSchema, InputError, type ParsedYaml, positionOf, readYamlFile, validateDoc } from '../util/validate.js';
import { shippedSourceCatalog } from '../sources/catalog.js';

export const VOLUME_MODELS_FILE = join(CHECKS_DIR, 'cost', 'volume-models.yaml');

export type Range = [number, number, number];

export interface Term {
  name: Bilingual;
  input?: string | string[];
  assumed?: Range;
  rate?: boolean;
}

export interface VolumeModel {
  id: string;
  title: Bilingual;
  class: string;
  checks: string[];
  agents?: number;
  terms: Term[];
}

export interface Saving {
  id: string;
  applies_to: string[];
  title: Bilingual;
  keeps?: { input?: string | string[]; assumed: Range };
  saving?: Range;
}

export interface VolumeModels {
  file: string;
  models: VolumeModel[];
  savings: Saving[];
}

function located(parsed: ParsedYaml, keys: (string | number)[], detail: string): InputError {
  const pos = positionOf(parsed, 0, keys);
  return new InputError(parsed.file, detail, pos?.line, pos?.col, keys.join('.'));
}

function ordered(parsed: ParsedYaml, at: (string | number)[], r: Range): void {
  if (!(r[0] <= r[1] && r[1] <= r[2])) throw located(parsed, at, 'a range is [low, expected, high], in that order');
}

/** Loads and checks the volume models: schema, unique ids, known source classes and check ids, ordered ranges. */
export function loadVolumeModels(file: string = VOLUME_MODELS_FILE, checkIds?: ReadonlySet<string>): VolumeModels {
  const parsed = readYamlFile(file);
  if (parsed.docs.length !== 1) throw new InputError(file, 'a volume model file is one YAML document');
  const raw = validateDoc<{ models: VolumeModel[]; savings?: Saving[] }>(parsed, 0, compileSchema(modelsSchema));
  const classes = new Set(shippedSourceCatalog().classes.map((c) => c.id));
  const ids = new Set<string>();
  raw.models.forEach((m, i) => {
    if (ids.has(m.id)) throw located(parsed, ['models', i, 'id'], `duplicate model "${m.id}"`);
    ids.add(m.id);
    if (!classes.has(m.class)) throw located(parsed, ['models', i, 'class'], `unknown source class "${m.class}"`);
    m.checks.forEach((c, j) => {
      if (checkIds && !checkIds.has(c)) throw located(parsed, ['models', i, 'checks', j], `unknown check "${c}"`);
    });
    m.terms.forEach((t, j) => {
      if (t.assumed) ordered(parsed, ['models', i, 'terms', j, 'assumed'], t.assumed);
    });
  });
  const byCheck = new Map<string, string>();
  raw.models.forEach((m, i) => {
    m.checks.forEach((c, j) => {
      // One check, one model: a finding must not be counted twice.
      const other = byCheck.get(c);
      if (other) throw located(parsed, ['models', i, 'checks', j], `check "${c}" is already in model "${other}"`);
      byCheck.set(c, m.id);
    });
  });
  (raw.savings ?? []).forEach((s, i) => {
    s.applies_to.forEach((a, j) => {
      if (!ids.has(a)) throw located(parsed, ['savings', i, 'applies_to', j], `unknown model "${a}"`);
    });
    if (s.saving) ordered(parsed, ['savings', i, 'saving'], s.saving);
    if (s.keeps) ordered(parsed, ['savings', i, 'keeps', 'assumed'], s.keeps.assumed);
  });
  return { file, models: raw.models, savings: raw.savings ?? [] };
}

const PRICES = ['ingest_per_gb_day', 'storage_per_gb_month', 'per_eps', 'per_agent'] as const;

/** A price table with a price needs a currency; retention is needed to price storage. */
function checkPrices(t: PriceTable, fail: (keys: (string | number)[], detail: string) => InputError): PriceTable {
  const priced = PRICES.filter((k) => t[k] !== undefined);
  if (priced.length > 0 && !t.currency) throw fail([priced[0]!], 'a price needs `currency` (e.g. JPY, USD)');
  if (t.storage_per_gb_month && !t.retention_days) {
    throw fail(['storage_per_gb_month'], 'storage prices need `retention_days` (hot, and warm if priced)');
  }
  if (t.storage_per_gb_month?.warm !== undefined && t.retention_days?.warm === undefined) {
    throw fail(['storage_per_gb_month', 'warm'], 'a warm storage price needs `retention_days.warm`');
  }
  return t;
}

/** A costs.yaml file. */
export function loadPriceTable(file: string): PriceTable {
  const parsed = readYamlFile(file);
  if (parsed.docs.length !== 1) throw new InputError(file, 'a price table is one YAML document');
  const raw = validateDoc<Omit<PriceTable, 'source'>>(parsed, 0, compileSchema(costsSchema));
  return checkPrices({ ...raw, source: file }, (keys, detail) => located(parsed, keys, detail));
}

/** The inventory's inline `costs:` table, located in the inventory file. */
export function inlinePriceTable(parsed: ParsedYaml): PriceTable {
  const raw = validateDoc<Omit<PriceTable, 'source'>>(parsed, 0, compileSchema(costsSchema), '/costs');
  return checkPrices({ ...raw, source: `${parsed.file} (costs)` }, (keys, detail) =>
    located(parsed, ['costs', ...keys], detail),
  );
}
