// Reads a playbook file of any supported format, validates it and builds the model. A file that cannot be read,
// parsed or recognised throws InputError (the CLI's exit 2); one that loads with errors comes back with valid=false.
import { extname } from 'node:path';
import { INPUT_LIMITS, parseJsonText, readInputText } from '../util/input-file.js';
import { InputError, parseYaml } from '../util/validate.js';
import { type AnalysisCut, Budget, DEFAULT_BUDGETS, type PlaybookBudgets } from './budget.js';
import { validateCacao } from './cacao-schema.js';
import { cacaoToModel } from './cacao.js';
import type { Playbook, PlaybookFormat, ValidationIssue } from './model.js';
import { isNativeDoc, nativeToModel, validateNative } from './native.js';
import { checkStructure } from './structure.js';
import { isXsoarDoc, validateXsoar, xsoarToModel } from './xsoar.js';

export interface LoadedPlaybook {
  playbook: Playbook;
  format: PlaybookFormat;
  validation: ValidationIssue[];
  /** No lenient-tier or structural error: an executor could run it. False too when validation was cut (unproven). */
  valid: boolean;
  /** Set when the validation budget ran out: the structural checks are incomplete, so validity is not established. */
  validation_cut?: AnalysisCut;
  /** Conformant to the CACAO 2.0 specification (CACAO files only; other formats are converted, never strict). */
  strict_valid?: boolean;
}

function readText(file: string): string {
  // A CACAO JSON playbook may be larger than a YAML one; both are read whole, so both have a cap.
  return readInputText(file, {
    maxBytes: extname(file).toLowerCase() === '.json' ? INPUT_LIMITS.jsonBytes : INPUT_LIMITS.yamlBytes,
  });
}

export interface PlaybookLoadOptions {
  budgets?: PlaybookBudgets;
  /** Injected clock for the budgets' deadlines (tests). */
  clock?: () => number;
}

function finish(
  playbook: Playbook,
  format: PlaybookFormat,
  schemaIssues: ValidationIssue[],
  opts: PlaybookLoadOptions,
): LoadedPlaybook {
  const budget = new Budget('validation', (opts.budgets ?? DEFAULT_BUDGETS).validation, opts.clock);
  const structure = checkStructure(playbook, budget);
  const validation = [...schemaIssues, ...structure.issues];
  const errors = validation.some((i) => i.level === 'error' && i.tier !== 'strict');
  // A playbook whose structure was not fully checked is not claimed valid (nor strictly conformant).
  const valid = !errors && !structure.cut;
  const strict_valid =
    format === 'cacao'
      ? !validation.some((i) => i.tier === 'strict' && i.level === 'error') && !structure.cut
      : undefined;
  return {
    playbook,
    format,
    validation,
    valid,
    strict_valid,
    ...(structure.cut ? { validation_cut: structure.cut } : {}),
  };
}

/** Loads a CACAO document already parsed (used for JSON files and tests). */
export function loadCacaoDoc(doc: unknown, file: string, opts: PlaybookLoadOptions = {}): LoadedPlaybook {
  const issues = validateCacao(doc);
  const fatal = issues.find(
    (i) =>
      i.tier === 'lenient' &&
      i.level === 'error' &&
      (i.path === '/' || i.path === '/workflow' || i.path === '/workflow_start'),
  );
  if (fatal || typeof doc !== 'object' || doc === null) {
    throw new InputError(
      file,
      `not a usable CACAO playbook: ${fatal ? `${fatal.path} ${fatal.message}` : 'not an object'}`,
    );
  }
  return finish(cacaoToModel(doc as Record<string, unknown>, file), 'cacao', issues, opts);
}

export function loadPlaybookText(text: string, file: string, opts: PlaybookLoadOptions = {}): LoadedPlaybook {
  const ext = extname(file).toLowerCase();
  const trimmed = text.trimStart();
  if (ext === '.json' || trimmed.startsWith('{')) {
    const doc = parseJsonText(text, file);
    if (isNativeDoc(doc) || isXsoarDoc(doc))
      throw new InputError(file, 'native and XSOAR playbooks are YAML files (.yml/.yaml)');
    return loadCacaoDoc(doc, file, opts);
  }
  const parsed = parseYaml(text, file);
  if (parsed.docs.length !== 1) throw new InputError(file, `expected one YAML document, found ${parsed.docs.length}`);
  const ydoc = parsed.docs[0]!;
  const value = parsed.values[0];
  if (isNativeDoc(value)) {
    const issues = validateNative(value, ydoc, parsed.lineCounter, file);
    if (!Array.isArray((value as { steps?: unknown }).steps))
      throw new InputError(file, issues[0]?.message ?? 'native playbook without steps');
    return finish(nativeToModel(value as Record<string, unknown>, file), 'native', issues, opts);
  }
  if (isXsoarDoc(value)) {
    const issues = validateXsoar(value, ydoc, parsed.lineCounter, file);
    const tasks = (value as { tasks?: unknown }).tasks;
    if (typeof tasks !== 'object' || tasks === null)
      throw new InputError(file, issues[0]?.message ?? 'XSOAR playbook without tasks');
    return finish(xsoarToModel(value as Record<string, unknown>, file), 'xsoar', issues, opts);
  }
  if (typeof value === 'object' && value !== null && 'workflow' in value) return loadCacaoDoc(value, file, opts);
  throw new InputError(
    file,
    'unrecognised playbook format: expected CACAO 2.0 JSON, a socready native YAML playbook ' +
      '(socready_playbook: 1) or a Cortex XSOAR playbook YAML (starttaskid, tasks)',
  );
}

export function loadPlaybookFile(file: string, opts: PlaybookLoadOptions = {}): LoadedPlaybook {
  return loadPlaybookText(readText(file), file, opts);
}
