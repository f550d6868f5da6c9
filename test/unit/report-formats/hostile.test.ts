import { describe, expect, it } from 'vitest';
import { renderJunit } from '../../../src/report/formats/junit.js';
import { renderMarkdown } from '../../../src/report/formats/markdown.js';
import { renderSarif } from '../../../src/report/formats/sarif.js';
import { renderHdf } from '../../../src/report/formats/hdf.js';
import { loadTrend, renderTrendHtml } from '../../../src/report/trend.js';
import { finding, report } from '../score/helpers.js';
import { ACME_DIR, HOSTILE } from './fixtures.js';

const hostileReport = report({
  run: { organization: HOSTILE } as never,
  findings: [
    finding('audit-policy', 'fail', {
      check: 'linux.audit.x',
      target: 'evil|host',
      title: { en: HOSTILE, ja: HOSTILE },
      remediation: { en: HOSTILE, ja: HOSTILE },
      reason: HOSTILE,
      excerpt: HOSTILE,
      observed: { value: HOSTILE },
    }),
    finding('audit-policy', 'inconclusive', { target: 'h2', reason: HOSTILE }),
  ],
});

describe('evidence from a compromised host stays text in every machine format', () => {
  it('Markdown: no live HTML, no broken table row', () => {
    const md = renderMarkdown(hostileReport, { lang: 'en' });
    expect(md).not.toMatch(/<script|<img|<\/style>/i);
    expect(md).toContain('&lt;script&gt;');
    const row = md.split('\n').find((l) => l.includes('linux.audit.x'))!;
    // the row keeps its four columns: the pipes inside collected text are escaped
    expect(row.replace(/\\\|/g, '').split('|')).toHaveLength(6);
  });

  it('JUnit: well-formed XML with the markup escaped and control characters replaced', () => {
    const xml = renderJunit(hostileReport, { lang: 'en' });
    expect(xml).not.toMatch(/<script|<img|<\/style>|\u0007/);
    expect(xml).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(xml).toContain(']]&gt;');
    // every tag in the document is one JUnit uses
    const tags = new Set([...xml.matchAll(/<\/?([a-zA-Z?][\w-]*)/g)].map((m) => m[1]));
    expect([...tags].sort()).toEqual(
      ['?xml', 'error', 'failure', 'properties', 'property', 'testcase', 'testsuite', 'testsuites']
        .filter((t) => tags.has(t))
        .sort(),
    );
  });

  it('SARIF and HDF: JSON strings carry the text unchanged and parse back', () => {
    const sarif = JSON.parse(renderSarif(hostileReport, { lang: 'en' }));
    expect(sarif.runs[0].results[0].message.text).toContain(HOSTILE);
    const hdf = JSON.parse(renderHdf(hostileReport, { lang: 'en' }));
    expect(hdf.profiles[0].controls[0].title).toBe(HOSTILE);
  });

  it('trend HTML escapes an organisation name and run id', () => {
    const t = loadTrend(ACME_DIR);
    t.points = t.points.map((p) => ({ ...p, organization: HOSTILE, run_id: HOSTILE }));
    const html = renderTrendHtml(t, 'en');
    expect(html).not.toMatch(/<script|<img/i);
    expect(html.match(/<\/style>/g)).toHaveLength(1);
    expect(html).toContain('&lt;script&gt;');
  });
});
