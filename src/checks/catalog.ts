import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import checkSchema from '../../checks/schema/check.schema.json' with { type: 'json' };
import probeSchema from '../../checks/schema/probe.schema.json' with { type: 'json' };
import { declaresFact, type ParserModule, parserIndex } from '../parsers/define.js';
import { PARSER_MODULES } from '../parsers/index.js';
import type { TargetKind } from '../model.js';
import { CHECKS_DIR } from '../paths.js';
import { exitViolation } from '../transport/pwsh-script.js';
import { compileSchema, InputError, readYamlFile, validateDoc } from '../util/validate.js';
import { factPaths } from './condition.js';
import { loadFactLabels } from './labels.js';
import { type CheckDef, PLACEHOLDER, type ProbeDef } from './types.js';

export interface Catalog {
  checks: CheckDef[];
  probes: Map<string, ProbeDef>;
  /** The parsers the checks were verified against: the registered ones plus any the caller added. */
  parsers: ReadonlyMap<string, ParserModule>;
  /** Files or checks that could not be loaded; the rest of the catalog is still used. */
  problems: InputError[];
}

/**
 * Folders under checks/ that hold something other than checks (read by their own loaders). Every other folder holds
 * checks and is loaded; its name is the platform, which must be known: a misspelt or new folder is a load error, not
 * a silently empty platform.
 */
export const NON_CHECK_FOLDERS = [
  'attack',
  'cost',
  'labels',
  'playbooks',
  'probes',
  'questionnaire',
  'rules',
  'scenarios',
  'schema',
  'sources',
] as const;

const TARGET_KINDS: readonly TargetKind[] = [
  'linux',
  'windows',
  'web',
  'waf',
  'ips',
  'ndr',
  'edr',
  'siem',
  'soar',
  'database',
  'firewall',
];
/** Platforms a check folder may be named after: every target kind, and `products` (API products of any kind). */
export const CHECK_PLATFORMS: readonly string[] = [...TARGET_KINDS, 'products'];

/** The check folders under a catalog root (each sub-folder that is not declared a non-check folder). */
export function checkFolders(root: string): string[] {
  let names: string[];
  try {
    names = readdirSync(root).sort();
  } catch {
    return [];
  }
  return names.filter((name) => {
    if ((NON_CHECK_FOLDERS as readonly string[]).includes(name) || name.startsWith('.')) return false;
    try {
      return statSync(join(root, name)).isDirectory();
    } catch {
      return false;
    }
  });
}

function yamlFiles(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.sort().flatMap((name) => {
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
          if (probes.has(probe.id))
            throw new InputError(file, `duplicate probe id "${probe.id}"`, undefined, undefined, `${i}.id`);
          const stops = probe.platform === 'windows' && probe.command ? exitViolation(probe.command) : undefined;
          if (stops) throw new InputError(file, `probe "${probe.id}": ${stops}`, undefined, undefined, `${i}.command`);
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

/** Cross-checks a schema-valid check against the probes, the parser and the facts that parser declares. */
function crossCheck(
  check: CheckDef,
  probes: Map<string, ProbeDef>,
  parsers: ReadonlyMap<string, ParserModule>,
  file: string,
): void {
  const at = (field: string) => `${check.id}.${field}`;
  for (const p of check.probes) {
    if (!probes.has(p)) throw new InputError(file, `unknown probe "${p}"`, undefined, undefined, at('probes'));
  }
  const parser = parsers.get(check.parser);
  if (!parser) throw new InputError(file, `unknown parser "${check.parser}"`, undefined, undefined, at('parser'));
  const unread = check.probes.filter((p) => !parser.probes.includes(p));
  if (unread.length > 0) {
    throw new InputError(
      file,
      `parser "${parser.name}" does not read probe(s) ${unread.join(', ')} (it reads ${parser.probes.join(', ')})`,
      undefined,
      undefined,
      at('probes'),
    );
  }
  if (check.explain !== undefined && !declaresFact(parser, check.explain)) {
    throw new InputError(
      file,
      `fact "${check.explain}" is not among the facts parser "${parser.name}" declares (${parser.facts.join(', ')})`,
      undefined,
      undefined,
      at('explain'),
    );
  }
  const textFacts = check.explain_text
    ? [
        check.explain_text.observed.en,
        check.explain_text.observed.ja,
        check.explain_text.expected.en,
        check.explain_text.expected.ja,
      ].flatMap((t) => [...t.matchAll(PLACEHOLDER)].map((m) => m[1]!))
    : [];
  for (const [field, path] of [
    ...textFacts.map((p) => ['explain_text', p] as const),
    ...(check.decisive ?? []).map((p) => ['decisive', p] as const),
  ]) {
    if (!declaresFact(parser, path)) {
      throw new InputError(
        file,
        `fact "${path}" is not among the facts parser "${parser.name}" declares (${parser.facts.join(', ')})`,
        undefined,
        undefined,
        at(field),
      );
    }
  }
  for (const field of ['condition', 'applies_if', 'warn_if', 'inconclusive_if'] as const) {
    const cond = check[field];
    if (!cond) continue;
    for (const path of factPaths(cond)) {
      if (!declaresFact(parser, path)) {
        throw new InputError(
          file,
          `fact "${path}" is not among the facts parser "${parser.name}" declares (${parser.facts.join(', ')})`,
          undefined,
          undefined,
          at(field),
        );
      }
    }
    for (const m of JSON.stringify(cond).matchAll(/"matches":"((?:[^"\\]|\\.)*)"/g)) {
      try {
        new RegExp(JSON.parse(`"${m[1]}"`) as string);
      } catch (e) {
        throw new InputError(file, `bad regular expression: ${(e as Error).message}`, undefined, undefined, at(field));
      }
    }
  }
}

/**
 * Loads the check catalog (one check per YAML document) and the probe catalog; bad entries become problems.
 * extraDirs adds check folders from elsewhere; extraParsers adds parser modules not (yet) registered in
 * src/parsers/index.ts (the CONTRIBUTING examples are loaded this way).
 */
export function loadCatalog(
  root: string = CHECKS_DIR,
  extraDirs: string[] = [],
  extraParsers: readonly ParserModule[] = [],
): Catalog {
  const problems: InputError[] = [];
  const parsers = parserIndex([...PARSER_MODULES, ...extraParsers]);
  const probes = loadProbes(join(root, 'probes'), problems);
  for (const probe of probes.values()) {
    for (const need of probe.needs ?? []) {
      if (!probes.has(need))
        problems.push(
          new InputError(
            join(root, 'probes'),
            `probe "${probe.id}" needs unknown probe "${need}"`,
            undefined,
            undefined,
            `${probe.id}.needs`,
          ),
        );
    }
  }
  const validate = compileSchema(checkSchema);
  const checks: CheckDef[] = [];
  const seen = new Set<string>();
  const dirs: string[] = [...extraDirs];
  for (const folder of checkFolders(root)) {
    if (!CHECK_PLATFORMS.includes(folder)) {
      problems.push(
        new InputError(
          join(root, folder),
          `unknown platform "${folder}": a check folder is named after a platform ` +
            `(${CHECK_PLATFORMS.join(', ')}); folders that hold no checks are declared in NON_CHECK_FOLDERS ` +
            `(${NON_CHECK_FOLDERS.join(', ')})`,
        ),
      );
      continue;
    }
    dirs.push(join(root, folder));
  }
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
        if (seen.has(check.id))
          throw new InputError(file, `duplicate check id "${check.id}"`, undefined, undefined, 'id');
        crossCheck(check, probes, parsers, file);
        seen.add(check.id);
        checks.push({ ...check, file: relative(root, file) });
      } catch (e) {
        problems.push(e instanceof InputError ? e : new InputError(file, String(e)));
      }
    });
  }
  for (const check of checks) {
    for (const r of check.related ?? []) {
      if (!seen.has(r.check))
        problems.push(
          new InputError(
            join(root, check.file ?? ''),
            `related check "${r.check}" does not exist`,
            undefined,
            undefined,
            `${check.id}.related`,
          ),
        );
    }
  }
  // The words for each parser's facts (checks/labels), carried by the checks that use that parser.
  const labels = loadFactLabels(join(root, 'labels'), new Set(parsers.keys()), problems);
  const labelled = checks.map((c) => (labels.has(c.parser) ? { ...c, fact_labels: labels.get(c.parser) } : c));
  return { checks: labelled, probes, parsers, problems };
}
