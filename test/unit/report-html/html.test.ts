import { cpSync, mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { afterAll, describe, expect, it } from 'vitest';
import { TEMPLATES_DIR } from '../../../src/paths.js';
import { REPORT_CSP, renderHtml } from '../../../src/report/html.js';
import { loadReport, sectionOf } from './helpers.js';

const full = loadReport('report-full');
const en = renderHtml(full, { lang: 'en' });
const ja = renderHtml(full, { lang: 'ja' });

describe('HTML report structure', () => {
  it('puts the executive page first, then findings by area, analyses, readiness and SOAR timing checklists', () => {
    const order = [
      'sec-executive',
      'sec-toc',
      'sec-areas',
      'sec-analyses',
      'sec-readiness',
      'sec-soar-timing',
      'sec-scope',
    ].map((id) => en.indexOf(`id="${id}"`));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it(
    'shows the overall level, the SOAR verdict in plain words, top risks, the radar chart and the change since ' +
      'the last run',
    () => {
      const exec = sectionOf(en, 'sec-executive');
      expect(exec).toContain('Not yet ready for automated response');
      expect(exec).toMatch(/class="big">2<\/span>/);
      expect(exec).toContain('Top risks');
      expect(exec).toContain('bpf() calls are audited');
      expect(exec).toContain('An intruder on a server could act unrecorded');
      expect(exec).toMatch(/<svg[^>]*class="chart radar"/);
      expect(exec).toContain('2026-08-18T0900Z-1c2d');
      expect(exec).toMatch(/Log collection scope<\/td><td class="num">1<\/td><td class="num">2<\/td>.*improved/);
      expect(exec).toMatch(/Infrastructure[^<]*<\/td><td class="num">3<\/td><td class="num">2<\/td>.*worse/);
    },
  );

  it('groups findings by area with status badges, evidence excerpts and remediation', () => {
    const audit = sectionOf(en, 'area-audit-policy');
    expect(audit).toContain('Level 2 · Managed');
    expect(audit).toContain('bpf() calls are audited');
    expect(audit).toContain('class="badge st-fail"');
    expect(audit).toContain('# no rule for -S bpf');
    expect(audit).toContain('Add &quot;-a always,exit -F arch&#x3D;b64 -S bpf -k bpf&quot;');
    expect(audit).toContain('class="badge st-inconclusive"');
    expect(audit).not.toContain('Request bodies are logged');
  });

  it('shows targets that gave the very same evidence in one row, each still addressable by its own anchor', () => {
    const audit = sectionOf(en, 'area-audit-policy');
    const bpfCard = audit.slice(audit.indexOf('bpf() calls are audited'));
    const firstRow = /<td class="col-target">([\s\S]*?)<\/td>/.exec(bpfCard)?.[1] ?? '';
    expect([...firstRow.matchAll(/class="target-name">([^<]+)</g)].map((m) => m[1])).toEqual([
      'web-01',
      'web-02',
      'app-01',
    ]);
    expect(firstRow).toContain('3 targets');
    // Once for the three failing targets, once for log-01, whose waiver makes its row differ.
    expect(bpfCard.split('<article')[0]?.match(/# no rule for -S bpf/g)).toHaveLength(2);
  });

  it(
    'marks a waived finding as waived with its justification and expiry, and an expired waiver as no longer ' +
      'applying',
    () => {
      const audit = sectionOf(en, 'area-audit-policy');
      expect(audit).toContain('Waived (Fail)');
      expect(audit).toContain('Waived until 31 March 2027');
      expect(audit).toContain('compensating control accepted by CISO');
      const infra = sectionOf(en, 'area-infrastructure');
      expect(infra).toContain('Waiver expired on 31 October 2026');
      expect(infra).toContain('it no longer applies');
    },
  );

  it('shows an area nothing measured as "not assessed", never as level 0', () => {
    const area = sectionOf(en, 'area-response-automation');
    expect(area).toContain('area-not-assessed');
    expect(area).toContain('Not assessed');
    expect(area).not.toMatch(/Level 0/);
    expect(en).toMatch(/class="label not-assessed"[^>]*>Automation<tspan[^>]*>Not assessed<\/tspan>/);
  });

  it('links each level criterion to the findings behind it', () => {
    const audit = sectionOf(en, 'area-audit-policy');
    const href = /<a href="#(f-[a-z0-9-]+)">linux\.audit\.rules\.bpf@web-01<\/a>/.exec(audit)?.[1];
    expect(href).toBeDefined();
    expect(en).toContain(`<code id="${href}" class="target-name">web-01</code>`);
  });

  it('renders the readiness checklist with one mark per row and the three SOAR timing items', () => {
    const readiness = sectionOf(en, 'sec-readiness');
    for (const item of [
      'Log collection scope',
      'Audit policy',
      'Detection rules',
      'People and organisation',
      'Automation and infrastructure',
    ]) {
      expect(readiness).toContain(`<td class="item">${item}`);
    }
    expect(readiness.match(/<span class="mark mark-/g)).toHaveLength(5);
    expect(readiness).toContain('<span class="mark mark-met">✓</span>');
    const timing = sectionOf(en, 'sec-soar-timing');
    expect(timing).toContain('The SIEM yields accurate events');
    expect(timing).toContain('Response procedures per attack type are standardised');
    expect(timing).toContain('The business impact of automated blocking was assessed');
    expect(timing.match(/<span class="mark mark-/g)).toHaveLength(3);
    expect(timing).toMatch(/mark-missing[\s\S]*business impact of automated blocking/);
  });
});

describe('HTML report is self-contained and inert', () => {
  it('has a strict CSP, no script, and no reference to anything outside the document', () => {
    for (const html of [en, ja]) {
      expect(html).toContain(
        `<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP.replace(/'/g, '&#x27;')}">`,
      );
      expect(html).not.toMatch(/<script/i);
      expect(html).not.toMatch(/\s(src|href|action|srcset|background)="(?!#)/i);
      expect(html).not.toMatch(/url\(|@import/i);
      // Ours comes first; analysis partials may add their own, but every <style> is closed exactly once.
      expect(html.indexOf('<style>')).toBe(html.indexOf('<style>/* socready report'));
      expect(html.match(/<style/gi)?.length).toBe(html.match(/<\/style/gi)?.length);
    }
  });

  it('escapes hostile evidence: <script>, {{, </style> and </textarea> from hosts come out as text', () => {
    const hostile = loadReport('report-hostile');
    for (const lang of ['en', 'ja'] as const) {
      const html = renderHtml(hostile, { lang });
      expect(html).not.toMatch(/<script/i);
      expect(html).not.toMatch(/<img/i);
      expect(html).not.toMatch(/<textarea|<\/textarea/i);
      expect(html).not.toMatch(/<a href="javascript/i);
      expect(html.match(/<\/style/gi)?.length).toBe(html.match(/<style/gi)?.length);
      const esc = Handlebars.Utils.escapeExpression;
      expect(html).toContain(esc('<script>window.__pwned=1;alert(1)</script>'));
      expect(html).toContain('{{constructor.constructor}}');
      expect(html).toContain('{{#each this}}{{/each}} {{{raw}}}');
      expect(html).toContain('&lt;/textarea&gt;');
      expect(html).toContain('Evil &lt;/style&gt;&lt;script&gt;');
      expect(html).toContain(esc('</pre><h1>INJECTED</h1>'));
      expect(html).toContain(esc('<a href="javascript:window.__pwned=6">click</a>'));
      // Ids and attributes built from hostile target names stay inside their quotes.
      expect(html).not.toMatch(/id="[^"]*"[^>\s]/);
    }
  });
});

describe('HTML report languages', () => {
  it('sets <html lang> and translates every interface text', () => {
    expect(en).toContain('<html lang="en">');
    expect(ja).toContain('<html lang="ja">');
    expect(ja).toContain('エグゼクティブサマリー');
    expect(ja).toContain('自動対応はまだ始められません');
    expect(ja).toContain('準備状況チェックリスト');
    expect(ja).toContain('SIEM が正確なイベントを出せている');
    expect(ja).toContain('/etc/audit/rules.d/ に「-a always,exit');
    expect(en).not.toContain('エグゼクティブサマリー');
    expect(en).not.toContain('自動対応はまだ始められません');
  });

  it('formats dates and numbers for the locale', () => {
    expect(ja).toContain('2026年11月20日 9:14 UTC');
    expect(en).toContain('20 November 2026 at 09:14 UTC');
    expect(ja).toContain('7 台中 3 台');
    expect(en).toContain('3 of 7 targets');
  });

  it('uses the Noto Sans CJK JP font family', () => {
    expect(en).toContain('font-family: "Noto Sans CJK JP"');
  });
});

describe('HTML report edge cases', () => {
  it('renders an unscored report with every area not assessed', () => {
    const { score: _score, previous: _previous, ...rest } = full;
    const html = renderHtml(rest, { lang: 'en' });
    expect(html).toContain('This report has not been scored');
    expect(html.match(/class="area area-not-assessed"/g)).toHaveLength(7);
    expect(html).toContain('No earlier run to compare with');
    expect(html).not.toContain('class="kpi verdict');
  });

  it('renders an empty report without failing', () => {
    const html = renderHtml(
      { ...full, targets: [], findings: [], evidence: [], analyses: {}, questionnaire: undefined },
      { lang: 'ja' },
    );
    expect(html).toContain('不合格の項目はありません。');
    expect(html).not.toContain('id="sec-analyses"');
  });
});

describe('analysis section partials', () => {
  const dir = mkdtempSync(join(tmpdir(), 'socready-templates-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  cpSync(TEMPLATES_DIR, dir, { recursive: true });
  rmSync(join(dir, 'sections'), { recursive: true, force: true });
  mkdirSync(join(dir, 'sections'));
  writeFileSync(
    join(dir, 'sections', 'coverage.hbs'),
    '<h3 class="cov-test">{{tr "Coverage partial" "カバレッジ部品"}}</h3><p>{{num ' +
      'report.analyses.coverage.summary.rules_total}} · {{lang}} · {{t report.findings.0.title}} · {{#if (eq ' +
      'lang "ja")}}JA{{/if}}</p>',
  );
  writeFileSync(join(dir, 'sections', 'playbooks.hbs'), '<h3 class="pb-test">playbooks partial</h3>');

  it('renders templates/sections/<name>.hbs with { report, lang } when the analysis exists', () => {
    const html = renderHtml(full, { lang: 'ja', templatesDir: dir });
    expect(html).toContain(
      '<h3 class="cov-test">カバレッジ部品</h3><p>212 · ja · プロセス実行（execve）が監査されている · JA</p>',
    );
    // The detections analysis has no partial: the built-in summary table stands in for it.
    expect(sectionOf(html, 'sec-detections')).toContain('見逃した攻撃');
  });

  it('renders an analysis this renderer does not know with its own partial, or a summary table, escaped', () => {
    writeFileSync(
      join(dir, 'sections', 'web.hbs'),
      '<p class="web-test">{{report.analyses.web.summary.canaries_sent}} {{tr "canaries" "カナリア"}}</p>',
    );
    const analyses = {
      ...full.analyses,
      web: { summary: { canaries_sent: 4 }, details: [], problems: [] },
      'x"><b>': { summary: { '<i>k</i>': '<script>v</script>' }, details: {}, problems: [] },
    } as unknown as typeof full.analyses;
    const html = renderHtml({ ...full, analyses }, { lang: 'en', templatesDir: dir });
    expect(html).toContain('<p class="web-test">4 canaries</p>');
    expect(html).toMatch(/<a href="#sec-web">/);
    expect(html).not.toMatch(/<b>|<i>|<script/);
    expect(html).toContain('&lt;script&gt;v&lt;/script&gt;');
  });

  it('does not render a section partial whose analysis is absent', () => {
    const html = renderHtml(full, { lang: 'en', templatesDir: dir });
    expect(html).not.toContain('pb-test');
    expect(html).toContain('Coverage partial');
  });
});

describe('templates', () => {
  it('never use a triple-stash or {{& }}: only TypeScript may mark markup as trusted', async () => {
    const { readdirSync, readFileSync } = await import('node:fs');
    const files = readdirSync(TEMPLATES_DIR, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && e.name.endsWith('.hbs'))
      .map((e) => join(e.parentPath, e.name));
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      expect({ file, unescaped: /\{\{\{|\{\{~?\s*&/.test(text) }).toEqual({ file, unescaped: false });
    }
  });
});

describe('fixtures', () => {
  it('are valid socready reports (report.schema.json)', async () => {
    const { validateReport } = await import('../../../src/report/validate.js');
    expect(() => validateReport(loadReport('report-full'), 'report-full.json')).not.toThrow();
    expect(() => validateReport(loadReport('report-hostile'), 'report-hostile.json')).not.toThrow();
  });
});
