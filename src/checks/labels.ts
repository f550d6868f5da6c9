// The words that name a parser's facts in a finding's observed text (checks/labels/*.yaml), so the generic
// explanation reads "auditd が稼働している: いいえ" in Japanese, not a fact path. Data, like the checks.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import labelsSchema from '../../checks/schema/labels.schema.json' with { type: 'json' };
import type { Bilingual } from '../model.js';
import { compileSchema, InputError, readYamlFile, validateDoc } from '../util/validate.js';

/** Parser name -> fact path pattern (`*` is one segment) -> label. */
export type FactLabels = Map<string, Record<string, Bilingual>>;

export function loadFactLabels(dir: string, parsers: ReadonlySet<string>, problems: InputError[]): FactLabels {
  const labels: FactLabels = new Map();
  let files: string[] = [];
  try {
    files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));
  } catch {
    return labels;
  }
  const validate = compileSchema(labelsSchema);
  for (const name of files.sort()) {
    const file = join(dir, name);
    try {
      const doc = validateDoc<Record<string, Record<string, Bilingual>>>(readYamlFile(file), 0, validate);
      for (const [parser, paths] of Object.entries(doc)) {
        if (!parsers.has(parser))
          throw new InputError(file, `labels for unknown parser "${parser}"`, undefined, undefined, parser);
        labels.set(parser, { ...labels.get(parser), ...paths });
      }
    } catch (e) {
      problems.push(e instanceof InputError ? e : new InputError(file, String(e)));
    }
  }
  return labels;
}

/** The label a pattern table gives a fact path, if any (the longest matching pattern wins). */
export function labelFor(table: Record<string, Bilingual> | undefined, path: string): Bilingual | undefined {
  if (!table) return undefined;
  const segs = path.split('.');
  let best: [number, Bilingual] | undefined;
  for (const [pattern, label] of Object.entries(table)) {
    const p = pattern.split('.');
    if (p.length !== segs.length || !p.every((s, i) => s === '*' || s === segs[i])) continue;
    const exact = p.filter((s) => s !== '*').length;
    if (!best || exact > best[0]) best = [exact, label];
  }
  return best?.[1];
}
