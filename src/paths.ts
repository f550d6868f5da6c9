import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// This file sits one level below the package root both as src/paths.ts (tsx, vitest) and dist/src/paths.js (built),
// so the data folders are found the same way in both.
const here = dirname(fileURLToPath(import.meta.url));
export const PACKAGE_ROOT = here.endsWith(join('dist', 'src')) ? join(here, '..', '..') : join(here, '..');
export const CHECKS_DIR = join(PACKAGE_ROOT, 'checks');
export const TEMPLATES_DIR = join(PACKAGE_ROOT, 'templates');
export const DEFAULT_REPORTS_DIR = 'reports';
