export { loadQuestionnaire, answersSchema, type AnswersFile } from './answers.js';
export { exampleQuestionnaireYaml } from './example.js';
export {
  loadCatalog,
  attackTypeIds,
  CATALOG_FILE,
  type Question,
  type QuestionCatalog,
  type QuestionOption,
} from './catalog.js';
