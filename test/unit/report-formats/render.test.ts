import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderReport, REPORT_FORMATS } from '../../../src/report/render.js';
import { validateReport } from '../../../src/report/validate.js';
import { InputError } from '../../../src/util/validate.js';
import { run } from './fixtures.js';

describe('renderReport dispatcher', () => {
  it('knows every format the CLI offers', () => {
    expect([...REPORT_FORMATS]).toEqual(['json', 'html', 'pdf', 'md', 'junit', 'sarif', 'hdf', 'navigator']);
  });

  it('scores a report that has no score before rendering, so the JSON it writes validates', async () => {
    const { score: _s, ...unscored } = run(2);
    const json = JSON.parse((await renderReport(unscored, 'json', { lang: 'en' }))!);
    // 2, not the 3 stored in the fixture: these reports predate the source map (issue 13), and without one the
    // log-collection scope is not certified (level 1), which caps the overall level one above it.
    expect(json.score.overall).toBe(2);
    expect(() => validateReport(json, 'out.json')).not.toThrow();
  });

  it('writes the text to -o as well as returning it', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'socready-render-')), 'nested', 'r.md');
    const text = await renderReport(run(2), 'md', { lang: 'ja', out });
    expect(readFileSync(out, 'utf8')).toBe(text);
  });

  it('hands html to the HTML renderer in the requested language', async () => {
    const html = (await renderReport(run(2), 'html', { lang: 'ja' }))!;
    expect(html).toMatch(/<html[^>]*lang="ja"/);
  });

  it('explains that a navigator layer needs the coverage analysis when there is none', async () => {
    const r = { ...run(2), analyses: {} };
    await expect(renderReport(r, 'navigator', { lang: 'en' })).rejects.toThrow(InputError);
    await expect(renderReport(r, 'navigator', { lang: 'en' })).rejects.toThrow(/coverage analysis did not run/);
  });

  it('refuses a PDF without an output file', async () => {
    await expect(renderReport(run(2), 'pdf', { lang: 'en' })).rejects.toThrow(/PDF output needs a file/);
  });
});
