import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Report } from '../../../src/model.js';
import { FIXTURES_DIR } from '../../helpers/paths.js';

export function loadReport(name: 'report-full' | 'report-hostile'): Report {
  return JSON.parse(readFileSync(join(FIXTURES_DIR, 'html', `${name}.json`), 'utf8')) as Report;
}

/** The HTML between the opening tag carrying `id` and the next element with a section-level id. */
export function sectionOf(html: string, id: string): string {
  const start = html.indexOf(`id="${id}"`);
  if (start < 0) return '';
  const rest = html.slice(start + id.length + 5);
  const next = rest.search(/<section id="/);
  return next < 0 ? rest : rest.slice(0, next);
}
