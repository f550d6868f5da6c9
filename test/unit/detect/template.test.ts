import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { describe, expect, it } from 'vitest';
import { BUILTIN_RULES } from '../../../src/detect/run.js';
import { BUILTIN_SCENARIOS, runSampleDetections } from '../../../src/detect/sample.js';
import { TEMPLATES_DIR } from '../../../src/paths.js';
import { registerReportHelpers } from '../../../src/report/html.js';

const source = readFileSync(join(TEMPLATES_DIR, 'sections', 'detections.hbs'), 'utf8');

async function render(
  lang: 'en' | 'ja',
  tamper?: (d: { details: { scenarios: { title: { en: string; ja: string } }[] } }) => void,
): Promise<string> {
  const section = await runSampleDetections({
    rulePaths: [BUILTIN_RULES],
    scenarioPaths: [BUILTIN_SCENARIOS],
    blind: [{ product: 'nginx', category: 'webserver', fields: ['request_body'] }],
  });
  tamper?.(section as never);
  const hbs = Handlebars.create();
  registerReportHelpers(hbs as never, lang);
  return hbs.compile(source)({ report: { analyses: { detections: section } }, lang });
}

describe('detections report section', () => {
  it('renders the summary, the gaps and every scenario in English and Japanese', async () => {
    const en = await render('en');
    expect(en).toContain('Sample detections');
    expect(en).toContain('SQL injection in a POST body (web server body log)');
    expect(en).toMatch(/fields request_body/);
    expect(en).toMatch(/<span class="st st-fail">blind<\/span>/);
    const ja = await render('ja');
    expect(ja).toContain('サンプル検知による検証');
    expect(ja).toContain('POST ボディ経由の SQL インジェクション');
    expect(ja).toContain('検知不能');
  });

  it('escapes text that comes from scenario files', async () => {
    const html = await render('en', (d) => {
      d.details.scenarios[0]!.title.en = '<script>alert(1)</script>';
    });
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).toContain('&lt;script&gt;');
  });
});
