import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Reference data beside the clone (never copied into the project). */
export const SHARED_DIR = process.env.SOCREADY_SHARED_DIR ?? join(REPO_ROOT, '..', 'shared');
export const FIXTURES_DIR = join(REPO_ROOT, 'test', 'fixtures');
