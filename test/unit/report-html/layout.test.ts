// The structural fixes behind a readable HTML/PDF: code in catalog text is <code>, not literal backticks; the commands
// behind a finding are collapsed after its output; evidence tables may break across pages; the ATT&CK matrix is laid
// out in two rows of tactics so that A4 fits every tactic name and whole technique names.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../src/checks/catalog.js';
import type { Finding } from '../../../src/model.js';
import { TEMPLATES_DIR } from '../../../src/paths.js';
import { loadAttackCatalog } from '../../../src/attack/catalog.js';
import { computeCoverage } from '../../../src/coverage/analyse.js';
import { loadRules } from '../../../src/rules/load.js';
import { renderHtml } from '../../../src/report/html.js';
import { anchorId } from '../../../src/report/html-view.js';
import { REPO_ROOT } from '../../helpers/paths.js';
import { finding, report } from '../score/helpers.js';

const catalog = loadCatalog();
function failed(id: string): Finding {
  const c = catalog.checks.find((x) => x.id === id)!;
  return {
    ...finding(c.area, 'fail', {
      check: c.id,
      target: 'vm',
      severity: c.severity,
      title: c.title,
      rationale: c.rationale,
      remediation: c.remediation,
      evidence: ['ev-1'],
      excerpt: 'active=false',
    }),
    observed: { active: false },
    fail_title: c.fail_title,
  };
}
const withCode = report({
  findings: [failed('linux.logfwd.configured'), failed('linux.audit.rules.execve'), failed('linux.auditd.running')],
  evidence: [
    {
      id: 'ev-1',
      target: 'vm',
      probe: 'service-state',
      what: 'for u in $units; do systemctl show --property=ActiveState "$u"; done',
      exit_code: 0,
      collected_at: '2026-11-01T09:00:00.000Z',
      duration_ms: 3,
    } as never,
  ],
});

/** Visible text of an HTML document: tags and <style> removed. */
function textOf(html: string): string {
  return html.replace(/<style[\s\S]*?<\/style>/g, '').replace(/<[^>]+>/g, ' ');
}
/** Handlebars escapes = and quotes as entities; tests compare the text a browser shows. */
function decoded(html: string): string {
  return html
    .replace(/&#x3D;/g, '=')
    .replace(/&quot;/g, '"')
    .replace(/&#x27;/g, "'");
}

describe('catalog text in the HTML report', () => {
  for (const lang of ['en', 'ja'] as const) {
    it(`renders \`code\` spans as <code> and leaves no literal backtick in the text (${lang})`, () => {
      const html = renderHtml(withCode, { lang });
      expect(textOf(html)).not.toContain('`');
      expect(html).toContain('<code>systemctl enable --now auditd</code>');
      expect(html).toMatch(/<code>augenrules --load<\/code>/);
    });
  }

  it('keeps multi-line audit rules one per line in a <pre> block', () => {
    const html = decoded(renderHtml(withCode, { lang: 'en' }));
    expect(html).toContain(
      '<pre class="code-block"><code>-a always,exit -F arch=b64 -S execve,execveat -k exec\n-a always,exit ' +
        '-F arch=b32 -S execve,execveat -k exec</code></pre>',
    );
  });

  it('escapes markup inside code spans (the catalog may be extended by users)', () => {
    const hostile = report({
      findings: [
        { ...failed('linux.auditd.running'), remediation: { en: 'run `<img src=x onerror=alert(1)>` now', ja: 'x' } },
      ],
    });
    const html = renderHtml(hostile, { lang: 'en' });
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('<code>&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;</code>');
  });
});

describe('evidence blocks', () => {
  it('show the observed output first and put the commands run in a collapsed <details> after it', () => {
    const html = renderHtml(withCode, { lang: 'en' });
    const card = html.slice(html.indexOf(`id="${anchorId('c', 'linux.logfwd.configured')}"`));
    const excerpt = card.indexOf('class="excerpt"');
    const details = card.indexOf('<details class="evidence-cmds">');
    expect(excerpt).toBeGreaterThan(0);
    expect(details).toBeGreaterThan(excerpt);
    expect(card.slice(details, card.indexOf('</details>'))).toContain('<summary>What was run or read (1)</summary>');
    expect(card).not.toMatch(/<details[^>]* open/);
  });

  it(
    'may break across pages: no avoid-break rule on evidence tables, their rows or excerpts, and no grid in ' + 'print',
    () => {
      const css = readFileSync(join(TEMPLATES_DIR, 'report.css'), 'utf8');
      const print = css.slice(css.indexOf('@media print'));
      expect(print).toMatch(/\.finding-rows tr, \.excerpt \{ break-inside: auto; \}/);
      expect(print).toMatch(/\.observed \{ display: block; \}/);
      for (const rule of css.replace(/\/\*[\s\S]*?\*\//g, '').matchAll(/([^{}]+)\{([^}]*)\}/g)) {
        if (/(page-)?break-inside:\s*avoid/.test(rule[2]!))
          expect(rule[1]).not.toMatch(/finding-rows|excerpt|evidence|\.check\b|\.area\b/);
      }
      const templates = ['partials/check-card.hbs', 'sections/coverage.hbs']
        .map((f) => readFileSync(join(TEMPLATES_DIR, f), 'utf8'))
        .join('\n');
      expect(templates).not.toContain('page-break-inside: avoid');
    },
  );
});

describe('ATT&CK matrix on A4', async () => {
  // The built-in pack against the shipped catalog: the matrix of every live tactic, as a scan draws it.
  const rules = await loadRules([join(REPO_ROOT, 'checks', 'rules')]);
  const coverage = computeCoverage(rules, loadAttackCatalog(), { findings: [] });
  const full = report({ analyses: { coverage } });
  const html = renderHtml(full, { lang: 'en' });
  it('lays the tactics out in two rows of at most half the tactics each', () => {
    const tactics = full.analyses.coverage!.details as { matrix: unknown[] };
    const rows = [...html.matchAll(/<div class="cov-matrix cov-matrix-rows" style="--cols: (\d+)">/g)].map((m) =>
      Number(m[1]),
    );
    expect(rows).toHaveLength(2);
    expect(rows.reduce((a, b) => a + b, 0)).toBe(tactics.matrix.length);
    expect(Math.max(...rows)).toBeLessThanOrEqual(Math.ceil(tactics.matrix.length / 2));
  });
  it('never breaks a technique name inside a word; slashes are the break opportunities', () => {
    const style = html.slice(
      html.indexOf('.coverage .cov-cell'),
      html.indexOf('}', html.indexOf('.coverage .cov-cell')),
    );
    expect(style).not.toMatch(/word-break:\s*break-(word|all)/);
    expect(style).toMatch(/word-break:\s*normal/);
    const withSlash = renderHtml(
      {
        ...full,
        analyses: {
          ...full.analyses,
          coverage: {
            ...full.analyses.coverage!,
            details: {
              ...(full.analyses.coverage!.details as object),
              matrix: [
                {
                  id: 'TA0005',
                  shortname: 'stealth',
                  name: 'Stealth',
                  label: { en: 'Stealth', ja: 'ステルス' },
                  covered: 0,
                  total: 1,
                  techniques: [
                    {
                      id: 'T1140',
                      name: 'Deobfuscate/Decode Files or Information',
                      grade: 'none',
                      own_grade: 'none',
                      rules: 0,
                      focus: false,
                      subtechniques: [],
                      title: 'x',
                    },
                  ],
                },
              ],
            },
          },
        },
      },
      { lang: 'en' },
    );
    expect(withSlash).toContain('Deobfuscate/<wbr>Decode Files or Information');
  });
});
