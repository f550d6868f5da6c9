import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ProbeResult } from '../../../../src/transport/types.js';
import { FIXTURES_DIR } from '../../../helpers/paths.js';

/** The Date the fixtures' event times are relative to. */
export const SERVER_DATE = 'Mon, 23 Nov 2026 17:00:00 GMT';
export const SERVER_NOW = Date.parse(SERVER_DATE);

export function fixture(path: string): string {
  return readFileSync(join(FIXTURES_DIR, 'products', path), 'utf8');
}

/** A probe answered by the API source: body on stdout, response metadata on stderr. */
export function answered(body: string, opts: { status?: number; tls?: string; date?: string } = {}): ProbeResult {
  const status = opts.status ?? 200;
  return {
    stdout: body,
    stderr: [
      `HTTP ${status} OK`,
      `date: ${opts.date ?? SERVER_DATE}`,
      'content-type: application/json; charset=UTF-8',
      `tls: ${opts.tls ?? 'verified TLSv1.3'}`,
    ].join('\n'),
    exitCode: status,
    truncated: false,
    durationMs: 12,
  };
}

export function fromFixture(path: string, opts?: { status?: number; tls?: string; date?: string }): ProbeResult {
  return answered(fixture(path), opts);
}

export function failed(kind: NonNullable<ProbeResult['error']>['kind'], message: string = kind): ProbeResult {
  return { stdout: '', stderr: '', exitCode: null, truncated: false, durationMs: 0, error: { kind, message } };
}

export const otherProductProbe = (): ProbeResult => failed('unsupported', 'asked only of another product');
