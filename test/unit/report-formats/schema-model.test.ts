// Guards "the report schema matches src/model.ts exactly": every field of the report's interfaces is in the schema
// with the same optionality, and the schema has no field the model lacks. Fails when one changes without the other.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPORT_SCHEMA } from '../../../src/report/validate.js';
import { REPO_ROOT } from '../../helpers/paths.js';

const MODEL = readFileSync(join(REPO_ROOT, 'src', 'model.ts'), 'utf8');

/** Top-level fields of an exported interface: name -> optional. */
function fields(name: string): Map<string, boolean> {
  const start = MODEL.indexOf(`export interface ${name} `);
  expect(start, `interface ${name} in src/model.ts`).toBeGreaterThanOrEqual(0);
  const body = MODEL.slice(MODEL.indexOf('{', start) + 1);
  const out = new Map<string, boolean>();
  let depth = 0;
  for (const line of body.split('\n')) {
    if (depth === 0) {
      const m = /^ {2}([a-z_$][\w$]*)(\??):/i.exec(line);
      if (m) out.set(m[1]!, m[2] === '?');
      if (/^}/.test(line)) break;
    }
    depth += (line.match(/[{(]/g) ?? []).length - (line.match(/[})]/g) ?? []).length;
  }
  return out;
}

type Node = { properties?: Record<string, unknown>; required?: string[] };
const WHOLE_FINDING = (REPORT_SCHEMA as { else: { properties: { findings: { items: Node } } } }).else.properties
  .findings.items;
const defs = (REPORT_SCHEMA as { definitions: Record<string, Node> }).definitions;
const root = REPORT_SCHEMA as Node & { properties: Record<string, Node> };

const PAIRS: [string, Node][] = [
  ['Report', root],
  ['TargetResult', defs.targetResult!],
  ['Finding', defs.finding!],
  ['Evidence', defs.evidence!],
  ['Analyses', root.properties.analyses!],
  ['CoverageSummary', defs.coverageSummary!],
  ['DetectionSummary', defs.detectionSummary!],
  ['PlaybookSummary', defs.playbookSummary!],
  ['AreaScore', defs.areaScore!],
  ['Score', root.properties.score!],
  ['QuestionnaireResult', root.properties.questionnaire!],
  ['Mappings', defs.mappings!],
  ['LogSourceRef', defs.logSourceRef!],
];
// Optional analyses added to the model later get a summary definition named after them.
if (MODEL.includes('export interface WebSummary ')) PAIRS.push(['WebSummary', defs.webSummary ?? {}]);

describe('report.schema.json mirrors src/model.ts', () => {
  it.each(PAIRS)('%s: same fields, same optionality', (name, node) => {
    const model = fields(name);
    const props = Object.keys(node.properties ?? {}).sort();
    expect(props).toEqual([...model.keys()].sort());
    const required = [...model]
      .filter(([, optional]) => !optional)
      .map(([k]) => k)
      .sort();
    // A whole report (in memory, or a file without check_text) also requires what the file may leave to check_text.
    const whole = name === 'Finding' ? (WHOLE_FINDING.required ?? []) : [];
    expect([...(node.required ?? []), ...whole].sort()).toEqual(required);
  });
});
