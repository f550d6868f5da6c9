// Reading a report JSON back (report, trend, diff, --baseline): parse, then validate against report.schema.json so a
// renderer never meets a malformed document. Errors name the file and the field.
import type { ErrorObject } from 'ajv';
import type { Report } from '../model.js';
import { INPUT_LIMITS } from '../util/input-file.js';
import { readJsonObjectStreamed } from '../util/read-json-streamed.js';
import { compileSchema, InputError } from '../util/validate.js';
import { dropCheckText, expandCheckText } from './check-text.js';
import schema from './report.schema.json' with { type: 'json' };

export const REPORT_SCHEMA: object = schema;

function explain(e: ErrorObject): { field: string; detail: string } {
  const base = e.instancePath.replace(/^\//, '').replace(/\//g, '.');
  if (e.keyword === 'additionalProperties') {
    const extra = (e.params as { additionalProperty: string }).additionalProperty;
    return { field: base ? `${base}.${extra}` : extra, detail: 'unknown field' };
  }
  if (e.keyword === 'required') {
    return {
      field: base || '(top level)',
      detail: `missing required field "${(e.params as { missingProperty: string }).missingProperty}"`,
    };
  }
  if (e.keyword === 'enum') {
    return {
      field: base || '(top level)',
      detail: `must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map(String).join(', ')}`,
    };
  }
  return { field: base || '(top level)', detail: e.message ?? e.keyword };
}

/** Validates a parsed report document; throws InputError naming the file and the first, most specific field. */
export function validateReport(json: unknown, file: string): Report {
  const validate = compileSchema(REPORT_SCHEMA);
  if (!validate(json)) {
    const errors = validate.errors ?? [];
    const best =
      errors.find((e) => e.keyword === 'additionalProperties') ??
      errors.find((e) => e.keyword === 'required') ??
      errors.find((e) => e.keyword !== 'anyOf' && e.keyword !== 'oneOf') ??
      errors[0]!;
    const { field, detail } = explain(best);
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more problem${errors.length > 2 ? 's' : ''})` : '';
    throw new InputError(file, `not a socready report: ${detail}${more}`, undefined, undefined, field);
  }
  return json as Report;
}

/**
 * Reads and validates a report JSON file: value by value (a fleet's report is larger than one string may be), each
 * finding's check text put back from the check_text section (src/report/check-text.ts).
 */
export function readReport(file: string): Report {
  const json = readJsonObjectStreamed(file, {
    maxBytes: INPUT_LIMITS.reportBytes,
    maxValueBytes: INPUT_LIMITS.jsonBytes,
  });
  expandCheckText(json);
  // Validated whole: without the section, the schema requires every finding's title and mappings (put back above, or
  // the finding's own), so a finding whose check text is in neither place is named.
  if (typeof json === 'object' && json !== null) delete (json as { check_text?: unknown }).check_text;
  return dropCheckText(validateReport(json, file));
}

/** A whole run's report: a shard's partial one (scan --shard) has no analyses or score over the estate. */
export function readRunReport(file: string): Report {
  const report = readReport(file);
  if (report.run.shard) {
    const { index, count } = report.run.shard;
    throw new InputError(
      file,
      `a partial report of shard ${index}/${count} (scan --shard): join every shard with socready merge first`,
    );
  }
  return report;
}
