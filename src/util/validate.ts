import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import YAML, { LineCounter, isAlias, isMap, isScalar, isSeq, visit, type Document, type Node } from 'yaml';
import { InputError } from './input-error.js';
import { INPUT_LIMITS, readInputText, type ReadInputOptions } from './input-file.js';

export { InputError } from './input-error.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

export function newAjv(): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: false, allowUnionTypes: true });
  addFormats(ajv);
  return ajv;
}

const sharedAjv = newAjv();
const compiled = new WeakMap<object, ValidateFunction>();

export function compileSchema(schema: object): ValidateFunction {
  let fn = compiled.get(schema);
  if (!fn) {
    fn = sharedAjv.compile(schema);
    compiled.set(schema, fn);
  }
  return fn;
}

export interface ParsedYaml {
  docs: Document.Parsed[];
  lineCounter: LineCounter;
  file: string;
  /** Each document as plain JavaScript, resolved once under the alias limit. */
  values: unknown[];
}

/**
 * Aliases a document may expand: enough for any hand-written file, far below a "billion laughs" alias bomb. The yaml
 * library throws a bare ReferenceError past it; parseYaml turns that into a located input error.
 */
export const MAX_YAML_ALIASES = 100;

/** The yaml library's message, first line, cut before any quoted source (an alias or tag name from the file). */
function yamlMessage(message: string): string {
  return (message.split('\n')[0] ?? '')
    .replace(/:\s.*$/, '')
    .replace(/ at line \d+, column \d+$/, '')
    .slice(0, 160);
}

/** The offset of the first repeated scalar key in any map of the document, found with one set per map. */
function duplicateKey(doc: Document.Parsed): number | undefined {
  let at: number | undefined;
  visit(doc, {
    Map(_, map) {
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        const key = isScalar(pair.key) ? pair.key.value : pair.key;
        if (seen.has(key)) {
          at = (pair.key as Node | null)?.range?.[0] ?? map.range?.[0] ?? 0;
          return visit.BREAK;
        }
        seen.add(key);
      }
      return undefined;
    },
  });
  return at;
}

/**
 * THE YAML loader of socready: every YAML input (inventory, questionnaire, waivers, playbooks, rules, scenarios, the
 * catalog) is parsed here, with the same alias limit and the same error naming file, line and column, never the text.
 */
export function parseYaml(text: string, file: string): ParsedYaml {
  const lineCounter = new LineCounter();
  // uniqueKeys off: the yaml package checks each key against every earlier one (a map of 100,000 keys took minutes);
  // duplicateKey below does the same check with a set, in linear time.
  const docs = YAML.parseAllDocuments(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
  const list = Array.isArray(docs) ? docs : [docs as unknown as Document.Parsed];
  const values: unknown[] = [];
  for (const doc of list) {
    const err = doc.errors[0];
    if (err) {
      const pos = lineCounter.linePos(err.pos[0]);
      throw new InputError(file, `YAML syntax: ${yamlMessage(err.message)}`, pos.line, pos.col);
    }
    const dup = duplicateKey(doc);
    if (dup !== undefined) {
      const pos = lineCounter.linePos(dup);
      throw new InputError(file, 'YAML syntax: Map keys must be unique', pos.line, pos.col);
    }
    try {
      values.push(doc.toJS({ maxAliasCount: MAX_YAML_ALIASES }));
    } catch (e) {
      if (!(e instanceof ReferenceError || e instanceof RangeError)) throw e;
      let at: Node | undefined;
      visit(doc, {
        Alias(_k, node) {
          at = node;
          return visit.BREAK;
        },
      });
      const pos = at && isAlias(at) && at.range ? lineCounter.linePos(at.range[0]) : undefined;
      throw new InputError(
        file,
        e instanceof RangeError
          ? 'YAML nested too deeply: refused'
          : `YAML aliases expand past ${MAX_YAML_ALIASES} (an alias bomb?): refused`,
        pos?.line,
        pos?.col,
      );
    }
  }
  return { docs: list, lineCounter, file, values };
}

/** Reads (regular file, size cap; see input-file.ts) and parses a YAML file. */
export function readYamlFile(file: string, opts: Partial<ReadInputOptions> = {}): ParsedYaml {
  return parseYaml(readInputText(file, { maxBytes: INPUT_LIMITS.yamlBytes, ...opts }), file);
}

/** Finds the YAML node at a JSON pointer such as /targets/0/ssh/key, for line numbers in schema errors. */
function nodeAt(doc: Document.Parsed, pointer: string, preferKey = false): Node | undefined {
  let node: unknown = doc.contents;
  const segments = pointer.split('/').slice(1);
  for (const [i, raw] of segments.entries()) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (isMap(node)) {
      const pair = node.items.find((p) => (p.key as { value?: unknown })?.value === key);
      // An unknown field is best shown at its key, not its value.
      node = preferKey && i === segments.length - 1 ? pair?.key : (pair?.value ?? pair?.key);
    } else if (isSeq(node)) {
      node = node.items[Number(key)];
    } else return undefined;
  }
  return node as Node | undefined;
}

/** Line and column of the key at `keys` (map keys and list indexes from the top) in one document, if it is there. */
export function positionOf(
  parsed: ParsedYaml,
  docIndex: number,
  keys: (string | number)[],
): { line: number; col: number } | undefined {
  const doc = parsed.docs[docIndex];
  const pointer = keys.map((k) => `/${String(k).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
  const node = doc ? nodeAt(doc, pointer, true) : undefined;
  return node?.range ? parsed.lineCounter.linePos(node.range[0]) : undefined;
}

function describeError(e: ErrorObject): { field: string; detail: string; pointer: string } {
  const field = e.instancePath.replace(/^\//, '').replace(/\//g, '.') || '(top level)';
  if (e.keyword === 'additionalProperties') {
    const extra = (e.params as { additionalProperty: string }).additionalProperty;
    return {
      field: field === '(top level)' ? extra : `${field}.${extra}`,
      detail: 'unknown field',
      pointer: `${e.instancePath}/${extra}`,
    };
  }
  if (e.keyword === 'required') {
    return {
      field,
      detail: `missing required field "${(e.params as { missingProperty: string }).missingProperty}"`,
      pointer: e.instancePath,
    };
  }
  if (e.keyword === 'enum') {
    return {
      field,
      detail: `must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map(String).join(', ')}`,
      pointer: e.instancePath,
    };
  }
  return { field, detail: e.message ?? e.keyword, pointer: e.instancePath };
}

/** Validates a parsed YAML document against a schema; the error names file, line, column and field. */
export function validateDoc<T>(parsed: ParsedYaml, docIndex: number, validate: ValidateFunction, at = ''): T {
  const doc = parsed.docs[docIndex]!;
  const whole = parsed.values[docIndex];
  // `at` (a JSON pointer) validates one element of the document, e.g. /3 for the fourth item of a list.
  const value = at
    ? at
        .split('/')
        .slice(1)
        .reduce<unknown>((v, k) => (v as Record<string, unknown>)?.[k], whole)
    : whole;
  if (!validate(value)) {
    const errors = validate.errors ?? [];
    // The most specific error first: unknown fields and missing fields explain themselves best.
    const best =
      errors.find((e) => e.keyword === 'additionalProperties') ??
      errors.find((e) => e.keyword === 'required') ??
      errors.find((e) => e.keyword !== 'oneOf' && e.keyword !== 'anyOf' && e.keyword !== 'if') ??
      errors[0]!;
    const { field, detail, pointer } = describeError(best);
    const node =
      nodeAt(doc, at + pointer, best.keyword === 'additionalProperties') ??
      nodeAt(doc, at + best.instancePath) ??
      nodeAt(doc, at);
    const pos = node?.range ? parsed.lineCounter.linePos(node.range[0]) : undefined;
    const prefix = at ? at.slice(1).replace(/\//g, '.') : '';
    throw new InputError(
      parsed.file,
      detail,
      pos?.line,
      pos?.col,
      prefix ? (field === '(top level)' ? prefix : `${prefix}.${field}`) : field,
    );
  }
  return value as T;
}

/** Validates a plain JSON value (no line numbers available). */
export function validateValue<T>(value: unknown, validate: ValidateFunction, file: string): T {
  if (!validate(value)) {
    const e = validate.errors![0]!;
    const { field, detail } = describeError(e);
    throw new InputError(file, detail, undefined, undefined, field);
  }
  return value as T;
}
