// Runs the pySigma backend test vectors through socready's converter and compares meaning (see query-eval.ts).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseYaml } from '../../../src/util/validate.js';
import { Unconvertible } from '../../../src/pushdown/ir.js';
import { convertBare, type Language } from '../../../src/pushdown/targets.js';
import { readVectors, type Vector } from '../../helpers/pysigma-vectors.js';
import { SHARED_DIR } from '../../helpers/paths.js';
import { disagreement, type Node, parseEsqlWhere, parseLucene, parseSpl } from '../../helpers/query-eval.js';

export const BACKENDS = join(SHARED_DIR, 'sigma-backends');

export interface Outcome {
  vector: Vector;
  status: 'matched' | 'unmatched' | 'not-applicable';
  detail: string;
  ours?: string;
}

const PARSERS: Partial<Record<Language, (s: string) => Node>> = {
  lucene: parseLucene,
  spl: parseSpl,
  esql: parseEsqlWhere,
};

export function runVectors(file: string, language: Language): Outcome[] {
  const parse = PARSERS[language]!;
  return readVectors(`${BACKENDS}/${file}`).map((vector): Outcome => {
    if (vector.notApplicable) return { vector, status: 'not-applicable', detail: vector.notApplicable };
    // Read as the engine's loader reads rules (YAML 1.2: `yes` is a string, not true).
    const docs = parseYaml(vector.yaml!, vector.name).docs.map((d) => d.toJS() as Record<string, unknown>);
    if (docs.some((d) => d.correlation))
      return { vector, status: 'not-applicable', detail: 'correlation rule: compared in correlation.test.ts' };
    if (docs.length !== 1)
      return { vector, status: 'not-applicable', detail: `${docs.length} rule documents in one vector` };
    let ours: string;
    try {
      ours = convertBare(docs[0]!, language);
    } catch (e) {
      if (!(e instanceof Unconvertible)) throw e;
      if (vector.expectsError) return { vector, status: 'matched', detail: `both refuse: ${e.reason}` };
      return { vector, status: 'unmatched', detail: `socready refuses (${e.kind}): ${e.reason}` };
    }
    if (vector.expectsError)
      return { vector, status: 'unmatched', detail: 'pySigma refuses this rule; socready converts it', ours };
    if (vector.expected?.length !== 1) return { vector, status: 'not-applicable', detail: 'no single expected query' };
    let theirs: Node;
    try {
      theirs = parse(vector.expected![0]!);
    } catch (e) {
      return {
        vector,
        status: 'unmatched',
        detail: `expected query not evaluable by the harness: ${(e as Error).message}`,
        ours,
      };
    }
    let mine: Node;
    try {
      mine = parse(ours);
    } catch (e) {
      return {
        vector,
        status: 'unmatched',
        detail: `socready's query not readable by the harness: ${(e as Error).message}`,
        ours,
      };
    }
    const diff = disagreement(mine, theirs);
    return diff
      ? { vector, status: 'unmatched', detail: `differs on event ${JSON.stringify(diff)}`, ours }
      : { vector, status: 'matched', detail: 'same meaning', ours };
  });
}

export const vectorsPresent = () => existsSync(BACKENDS);
