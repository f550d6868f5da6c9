// Schema errors of a YAML document as validation issues that carry file:line:col, for the YAML import formats.
import type { ErrorObject, ValidateFunction } from 'ajv';
import { type Document, type LineCounter, type Node, isMap, isScalar, isSeq } from 'yaml';
import type { IssueTier, ValidationIssue } from './model.js';

function describe(e: ErrorObject): { pointer: string; message: string } {
  if (e.keyword === 'additionalProperties') {
    const extra = (e.params as { additionalProperty: string }).additionalProperty;
    return { pointer: `${e.instancePath}/${extra}`, message: 'unknown field' };
  }
  if (e.keyword === 'required')
    return {
      pointer: e.instancePath,
      message: `missing required field "${(e.params as { missingProperty: string }).missingProperty}"`,
    };
  if (e.keyword === 'enum')
    return {
      pointer: e.instancePath,
      message: `must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`,
    };
  return { pointer: e.instancePath, message: e.message ?? e.keyword };
}

/** The node at a path (map keys compared as text, so "0" finds the key "0"), or the deepest ancestor found. */
function deepestNode(doc: Document.Parsed, path: string[]): Node | undefined {
  let node: unknown = doc.contents;
  let found = node as Node | undefined;
  for (const part of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => String(isScalar(p.key) ? p.key.value : p.key) === part);
      node = pair?.value ?? pair?.key;
    } else if (isSeq(node)) node = node.items[Number(part)];
    else break;
    if (!node) break;
    found = node as Node;
  }
  return found;
}

export function yamlSchemaIssues(
  fn: ValidateFunction,
  value: unknown,
  doc: Document.Parsed,
  lines: LineCounter,
  file: string,
  tier: IssueTier,
): ValidationIssue[] {
  if (fn(value)) return [];
  const seen = new Set<string>();
  const out: ValidationIssue[] = [];
  for (const e of fn.errors ?? []) {
    if (e.keyword === 'oneOf' || e.keyword === 'anyOf' || e.keyword === 'if') continue;
    const { pointer, message } = describe(e);
    const path = pointer
      .split('/')
      .slice(1)
      .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
    const node = deepestNode(doc, path);
    const pos = node?.range ? lines.linePos(node.range[0]) : undefined;
    const where = `${file}${pos ? `:${pos.line}:${pos.col}` : ''}`;
    const key = `${pointer}|${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({
      tier,
      level: 'error',
      path: pointer || '/',
      message: `${where}: ${pointer.replace(/^\//, '').replace(/\//g, '.') || '(top level)'}: ${message}`,
    });
  }
  return out;
}
