// The questionnaire catalog (checks/questionnaire/questionnaire.yaml): bilingual questions, answer types and the
// options scoring reads. Loaded once per process and validated like any other input.
import { join } from 'node:path';
import type { AreaId, Bilingual } from '../model.js';
import { CHECKS_DIR } from '../paths.js';
import { compileSchema, InputError, readYamlFile, validateDoc } from '../util/validate.js';
import schema from './catalog.schema.json' with { type: 'json' };

export interface QuestionOption {
  value: string;
  label: Bilingual;
  /** The maturity level this answer supports, shown as a hint next to the answer. */
  level?: number;
}

export interface Question {
  id: string;
  area: AreaId;
  type: 'integer' | 'boolean' | 'choice' | 'multi';
  minimum?: number;
  maximum?: number;
  question: Bilingual;
  help?: Bilingual;
  level_if_true?: number;
  options?: QuestionOption[];
}

export interface QuestionCatalog {
  version: 1;
  questions: Question[];
}

export const CATALOG_FILE = join(CHECKS_DIR, 'questionnaire', 'questionnaire.yaml');

let cached: QuestionCatalog | undefined;

export function loadCatalog(file = CATALOG_FILE): QuestionCatalog {
  if (file === CATALOG_FILE && cached) return cached;
  const parsed = readYamlFile(file);
  const catalog = validateDoc<QuestionCatalog>(parsed, 0, compileSchema(schema));
  const seen = new Set<string>();
  for (const q of catalog.questions) {
    if (seen.has(q.id))
      throw new InputError(file, `duplicate question id "${q.id}"`, undefined, undefined, 'questions');
    seen.add(q.id);
    if ((q.type === 'choice' || q.type === 'multi') && !q.options?.length) {
      throw new InputError(
        file,
        `question "${q.id}" of type ${q.type} needs options`,
        undefined,
        undefined,
        'questions',
      );
    }
  }
  if (file === CATALOG_FILE) cached = catalog;
  return catalog;
}

/** The attack types a response procedure can cover (options of procedures.attack_types). */
export function attackTypeIds(): string[] {
  return (
    loadCatalog()
      .questions.find((q) => q.id === 'procedures.attack_types')
      ?.options?.map((o) => o.value) ?? []
  );
}
