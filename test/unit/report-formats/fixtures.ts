// The fixture runs of one organisation (test/fixtures/reports/acme, built by test/fixtures/reports/build.ts).
import { join } from 'node:path';
import { FIXTURES_DIR } from '../../helpers/paths.js';
import { readReport } from '../../../src/report/validate.js';

export const ACME_DIR = join(FIXTURES_DIR, 'reports', 'acme');
export const RUN_FILES = ['2026-09-01T0900Z-a1b2', '2026-10-01T0900Z-c3d4', '2026-11-01T0900Z-e5f6'].map((id) =>
  join(ACME_DIR, id, 'report.json'),
);
export const GOLDEN_DIR = join(FIXTURES_DIR, 'reports', 'golden');

export function run(i: 0 | 1 | 2) {
  return readReport(RUN_FILES[i]!);
}

/** Evidence from a compromised host trying to break out of every output format. */
export const HOSTILE =
  '<script>alert(1)</script> {{constructor.constructor("x")()}} </style><img src=x onerror=alert(2)> | ]]> & ' +
  '"\' \u0007 `code`';
