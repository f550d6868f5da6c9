// Reports written before `visibility_measured` existed carry measured visible counts and no flag: re-rendering them
// (socready report, trend) must show the counts they measured, never "not measured".
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { navigatorLayer } from '../../../src/coverage/exports.js';
import type { CoverageDetails } from '../../../src/coverage/types.js';
import type { Report } from '../../../src/model.js';
import { renderHtml } from '../../../src/report/html.js';
import { FIXTURES_DIR } from '../../helpers/paths.js';

const older = JSON.parse(
  readFileSync(join(FIXTURES_DIR, 'reports', 'acme', '2026-11-01T0900Z-e5f6', 'report.json'), 'utf8'),
) as Report;
const coverage = (older.analyses as Record<string, { summary: Record<string, unknown>; details: CoverageDetails }>)
  .coverage!;

describe('a report written before the visibility flag', () => {
  it('has measured counts and no flag (the fixture is what older runs wrote)', () => {
    expect(coverage.summary.techniques_visible).toBe(26);
    expect(coverage.details.visibility_measured).toBeUndefined();
  });

  it('renders its visible technique count in the coverage section, not "not measured"', () => {
    const html = renderHtml(older, { lang: 'en' });
    const section = html.slice(html.indexOf('id="sec-coverage"'));
    expect(section).toMatch(/Visible \(logs collected\)<\/th><td>26</);
    expect(section).not.toContain('not measured (no target reached proved a log source)');
  });

  it('exports a Navigator layer that says visibility was measured', () => {
    // The fixture keeps only the summary; the details an older run wrote lacked just the flag.
    const details = { attack: { version: '19.1' }, techniques: [] } as unknown as CoverageDetails;
    const layer = navigatorLayer(details);
    expect(navigatorLayer({ ...details, visibility_measured: false }).description).toContain('Visibility not measured');
    expect(layer.description).not.toContain('Visibility not measured');
    expect(layer.metadata).toContainEqual({ name: 'visibility measured', value: 'true' });
  });
});
