import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import checkSchema from '../../checks/schema/check.schema.json' with { type: 'json' };
import probeSchema from '../../checks/schema/probe.schema.json' with { type: 'json' };
import { PARSERS } from '../parsers/index.js';
import { CHECKS_DIR } from '../paths.js';
import { compileSchema, InputError, readYamlFile, validateDoc } from '../util/validate.js';
import type { CheckDef, ProbeDef } from './types.js';

export interface Catalog {
  checks: CheckDef[];
  probes: Map<string, ProbeDef>;
  /** Files or checks that could not be loaded; the rest of the catalog is still used. */
  problems: InputError[];
}

const CHECK_PLATFORMS = ['linux', 'windows', 'web', 'products'];

function yamlFiles(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries
    .sort()
    .flatMap((name) => {
      const full = join(dir, name);
      let isDir = false;
      try {
        isDir = statSync(full).isDirectory();
      } catch {
        return []; // a dangling link is not a catalog file
      }
      if (isDir) return yamlFiles(full);
      return /\.ya?ml$/.test(name) ? [full] : [];
    });
}

export function loadProbes(dir: string, problems: InputError[]): Map<string, ProbeDef> {
  const validate = compileSchema(probeSchema);
  const probes = new Map<string, ProbeDef>();
  for (const file of yamlFiles(dir)) {
    try {
      const parsed = readYamlFile(file);
      const list = parsed.values[0];
      if (!Array.isArray(list)) throw new InputError(file, 'a probe file holds a YAML list of probes');
      list.forEach((_, i) => {
        // Each probe is validated on its own so that one bad probe does not hide the others.
        try {
          const probe = validateDoc<ProbeDef>(parsed, 0, validate, `/${i}`);
          if (probes.has(probe.id)) throw new InputError(file, `duplicate probe id "${probe.id}"`, undefined, undefined, `${i}.id`);
          probes.set(probe.id, probe);
        } catch (e) {
          problems.push(e instanceof InputError ? e : new InputError(file, String(e)));
        }
      });
    } catch (e) {
      problems.push(e instanceof InputError ? e : new InputError(file, String(e)));
    }
  }
  return probes;
}

/** Cross-checks a schema-valid check against the probes and parsers it names. */
function crossCheck(check: CheckDef, probes: Map<string, ProbeDef>, file: string): void {
  for (const p of check.probes) {
    if (!probes.has(p)) throw new InputError(file, `unknown probe "${p}"`, undefined, undefined, `${check.id}.probes`);
  }
  if (!PARSERS[check.parser]) throw new InputError(file, `unknown parser "${check.parser}"`, undefined, undefined, `${check.id}.parser`);
  for (const cond of [check.condition, check.applies_if, check.warn_if]) {
    if (!cond) continue;
    for (const m of JSON.stringify(cond).matchAll(/"matches":"((?:[^"\\]|\\.)*)"/g)) {
      try {
        new RegExp(JSON.parse(`"${m[1]}"`) as string);
      } catch (e) {
        throw new InputError(file, `bad regular expression: ${(e as Error).message}`, undefined, undefined, `${check.id}.condition`);
      }
    }
  }
}

/** Loads the check catalog (one check per YAML document) and the probe catalog; bad entries become problems. */
export function loadCatalog(root: string = CHECKS_DIR, extraDirs: string[] = []): Catalog {
  const problems: InputError[] = [];
  const probes = loadProbes(join(root, 'probes'), problems);
  const validate = compileSchema(checkSchema);
  const checks: CheckDef[] = [];
  const seen = new Set<string>();
  const dirs = [...CHECK_PLATFORMS.map((p) => join(root, p)), ...extraDirs];
  for (const file of dirs.flatMap(yamlFiles)) {
    let parsed: ReturnType<typeof readYamlFile>;
    try {
      parsed = readYamlFile(file);
    } catch (e) {
      problems.push(e as InputError);
      continue;
    }
    parsed.docs.forEach((doc, i) => {
      if (doc.contents === null) return;
      try {
        const check = validateDoc<CheckDef>(parsed, i, validate);
        if (seen.has(check.id)) throw new InputError(file, `duplicate check id "${check.id}"`, undefined, undefined, 'id');
        crossCheck(check, probes, file);
        seen.add(check.id);
        checks.push({ ...check, file: relative(root, file) });
      } catch (e) {
        problems.push(e instanceof InputError ? e : new InputError(file, String(e)));
      }
    });
  }
  return { checks, probes, problems };
}
