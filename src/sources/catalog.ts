// The log-source catalog (checks/sources/sources.yaml): source classes, the checks that prove each collected, and the
// attack use-cases that need them. Loaded once, validated by its schema and for its cross-references.
import { join } from 'node:path';
import schema from '../../checks/schema/sources.schema.json' with { type: 'json' };
import { owaspCategory } from '../attack/owasp.js';
import type { Bilingual, LogSourceRef, TargetKind } from '../model.js';
import { CHECKS_DIR } from '../paths.js';
import { compileSchema, InputError, positionOf, readYamlFile, validateDoc } from '../util/validate.js';

export const SOURCES_FILE = join(CHECKS_DIR, 'sources', 'sources.yaml');

export interface SourceProof {
  /** Every one of these checks must pass on the same reached target. */
  checks: string[];
  proves: 'collected' | 'arrived';
  means: Bilingual;
}

export interface SourceClass {
  id: string;
  name: Bilingual;
  records: Bilingual;
  blind_to: Bilingual;
  target_kinds: TargetKind[];
  sigma: LogSourceRef[];
  data_components: string[];
  measured_by: SourceProof[];
}

export interface UseCase {
  id: string;
  name: Bilingual;
  attack: string[];
  owasp: string[];
  needs: string[];
  playbook_keywords?: string[];
}

export interface SourceCatalog {
  file: string;
  classes: SourceClass[];
  use_cases: UseCase[];
}

interface RawCatalog {
  version: 1;
  classes: SourceClass[];
  use_cases: UseCase[];
}

/** Loads and validates a source catalog; every problem is an InputError naming file, line and field. */
export function loadSourceCatalog(file: string = SOURCES_FILE): SourceCatalog {
  const parsed = readYamlFile(file);
  if (parsed.docs.length !== 1) throw new InputError(file, 'a source catalog is one YAML document');
  const raw = validateDoc<RawCatalog>(parsed, 0, compileSchema(schema));
  const located = (keys: (string | number)[], detail: string): InputError => {
    const pos = positionOf(parsed, 0, keys);
    return new InputError(file, detail, pos?.line, pos?.col, keys.join('.'));
  };
  const classIds = new Set<string>();
  raw.classes.forEach((c, i) => {
    if (classIds.has(c.id)) throw located(['classes', i, 'id'], `duplicate source class "${c.id}"`);
    classIds.add(c.id);
  });
  const useCaseIds = new Set<string>();
  raw.use_cases.forEach((u, i) => {
    if (useCaseIds.has(u.id)) throw located(['use_cases', i, 'id'], `duplicate use-case "${u.id}"`);
    useCaseIds.add(u.id);
    u.needs.forEach((n, j) => {
      if (!classIds.has(n)) throw located(['use_cases', i, 'needs', j], `unknown source class "${n}"`);
    });
    u.owasp.forEach((o, j) => {
      if (!owaspCategory(o)) throw located(['use_cases', i, 'owasp', j], `unknown OWASP Top 10 category "${o}"`);
    });
  });
  return { file, classes: raw.classes, use_cases: raw.use_cases };
}

let shipped: SourceCatalog | undefined;

/** The catalog socready ships, loaded once per process. */
export function shippedSourceCatalog(): SourceCatalog {
  shipped ??= loadSourceCatalog();
  return shipped;
}
