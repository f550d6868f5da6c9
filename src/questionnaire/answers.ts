// The answers file an organisation fills in (written by `socready init`). Validated against a JSON Schema built from
// the catalog, so a typo in an id, a wrong type or an unknown option is reported with file, line and field.
import type { QuestionnaireResult } from '../model.js';
import { compileSchema, readYamlFile, validateDoc } from '../util/validate.js';
import { loadCatalog, type Question, type QuestionCatalog } from './catalog.js';

export interface AnswersFile {
  version?: 1;
  organization?: string | null;
  answered_by?: string | null;
  answered_at?: string | null;
  answers: Record<string, unknown>;
}

function answerSchema(q: Question): object {
  const nullable = (s: object) => ({ anyOf: [s, { type: 'null' }] });
  switch (q.type) {
    case 'integer':
      return nullable({
        type: 'integer',
        minimum: q.minimum ?? 0,
        ...(q.maximum !== undefined ? { maximum: q.maximum } : {}),
      });
    case 'boolean':
      return nullable({ type: 'boolean' });
    case 'choice':
      return nullable({ enum: q.options!.map((o) => o.value) });
    case 'multi':
      return nullable({ type: 'array', uniqueItems: true, items: { enum: q.options!.map((o) => o.value) } });
  }
}

const schemas = new WeakMap<QuestionCatalog, object>();

export function answersSchema(catalog: QuestionCatalog): object {
  let s = schemas.get(catalog);
  if (!s) {
    s = {
      type: 'object',
      additionalProperties: false,
      required: ['answers'],
      properties: {
        version: { const: 1 },
        organization: { type: ['string', 'null'] },
        answered_by: { type: ['string', 'null'] },
        answered_at: { anyOf: [{ type: 'string', format: 'date' }, { type: 'null' }] },
        answers: {
          type: 'object',
          additionalProperties: false,
          properties: Object.fromEntries(catalog.questions.map((q) => [q.id, answerSchema(q)])),
        },
      },
    };
    schemas.set(catalog, s);
  }
  return s;
}

function levelHint(q: Question, answer: unknown): number | undefined {
  if (q.type === 'boolean') return answer === true ? q.level_if_true : answer === false ? 0 : undefined;
  if (q.type === 'choice') return q.options?.find((o) => o.value === answer)?.level;
  return undefined;
}

/** Reads, validates and resolves an answers file. Unanswered questions (null or absent) are left out. */
export function loadQuestionnaire(path: string, catalog: QuestionCatalog = loadCatalog()): QuestionnaireResult {
  const parsed = readYamlFile(path);
  const doc = validateDoc<AnswersFile>(parsed, 0, compileSchema(answersSchema(catalog)));
  const answers: QuestionnaireResult['answers'] = [];
  for (const q of catalog.questions) {
    const answer = doc.answers[q.id];
    if (answer === undefined || answer === null) continue;
    const hint = levelHint(q, answer);
    answers.push({
      id: q.id,
      area: q.area,
      question: q.question,
      answer,
      ...(hint !== undefined ? { level_hint: hint } : {}),
    });
  }
  return { source: path, answers };
}
