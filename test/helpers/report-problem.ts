import { InputError } from '../../src/util/input-error.js';
import type { Report } from '../../src/model.js';
import { validateReport } from '../../src/report/validate.js';

/**
 * Why a report does not validate, whole (undefined when it does): the schema's message and the value it names, so a
 * failure on a machine whose state differs (an end-to-end scan audits the machine it runs on) can be read from the log.
 */
export function reportProblem(report: Report, file: string): string | undefined {
  try {
    validateReport(report, file);
    return undefined;
  } catch (e) {
    const field = e instanceof InputError ? e.field : undefined;
    let value: unknown = report;
    for (const part of field?.split('.') ?? []) value = (value as Record<string, unknown> | undefined)?.[part];
    return `${(e as Error).message}\n${field ?? '(no field)'} = ${JSON.stringify(value)?.slice(0, 4000)}`;
  }
}
