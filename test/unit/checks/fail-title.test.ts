// The catalog contract for titles: a check's title states the desired state; every check also says, in both
// languages, what a failing finding observed, and every output shows that next to a fail or warn.
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../src/checks/catalog.js';
import { evaluateCheck } from '../../../src/checks/evaluate.js';
import type { Finding, Report } from '../../../src/model.js';
import { shownTitle } from '../../../src/report/finding-title.js';
import { renderJunit } from '../../../src/report/formats/junit.js';
import { renderMarkdown } from '../../../src/report/formats/markdown.js';
import { renderSarif } from '../../../src/report/formats/sarif.js';
import { renderHtml } from '../../../src/report/html.js';
import { terminalSummary } from '../../../src/summary.js';
import { finding, report } from '../score/helpers.js';

describe('every catalog check has a fail_title in both languages', () => {
  const catalog = loadCatalog();
  it('loads the catalog without problems', () => {
    expect(catalog.problems.map((p) => p.message)).toEqual([]);
    expect(catalog.checks.length).toBeGreaterThan(100);
  });
  it('each YAML check (linux, windows, web, products) says what a failure observed, distinct from its title', () => {
    const missing = catalog.checks
      .filter((c) => !c.fail_title?.en?.trim() || !c.fail_title?.ja?.trim())
      .map((c) => c.id);
    expect(missing).toEqual([]);
    const same = catalog.checks
      .filter((c) => c.fail_title!.en === c.title.en || c.fail_title!.ja === c.title.ja)
      .map((c) => c.id);
    expect(same).toEqual([]);
  });
  it('the live web checks, once TypeScript and now in checks/web/live.yaml, kept theirs', () => {
    for (const id of [
      'web.tls.handshake',
      'web.tls.certificate-trust',
      'web.tls.inspection-point',
      'web.active.body-canary',
      'web.active.waf-detection',
    ]) {
      const c = catalog.checks.find((x) => x.id === id)!;
      expect(c.file, id).toBe('web/live.yaml');
      expect(c.fail_title?.en.trim(), c.id).not.toBe('');
      expect(c.fail_title?.ja.trim(), c.id).not.toBe('');
    }
  });
  it('the evaluator carries fail_title into the finding', () => {
    const check = catalog.checks.find((c) => c.id === 'linux.auditd.running')!;
    const f = evaluateCheck(check, {}, { targetId: 'h1', kind: 'linux' } as never);
    expect(f.fail_title).toEqual(check.fail_title);
  });
});

describe('a failing finding shows what was observed; the check keeps its desired-state title', () => {
  const title = { en: 'auditd is running', ja: 'auditd が稼働している' };
  const fail_title = { en: 'auditd is not running', ja: 'auditd が稼働していない' };
  const failing: Finding = {
    ...finding('audit-policy', 'fail', {
      check: 'linux.auditd.running',
      severity: 'critical',
      title,
      target: 'web-01',
    }),
    fail_title,
  };
  const passing: Finding = { ...failing, status: 'pass', target: 'web-02' };
  const r: Report = report({ findings: [failing, passing], targets: [] });

  it('shownTitle picks fail_title for fail and warn only', () => {
    expect(shownTitle(failing)).toEqual(fail_title);
    expect(shownTitle({ ...failing, status: 'warn' })).toEqual(fail_title);
    expect(shownTitle(passing)).toEqual(title);
    expect(shownTitle({ ...failing, status: 'inconclusive' })).toEqual(title);
    expect(shownTitle({ status: 'fail', title })).toEqual(title);
  });
  it('terminal top risks', () => {
    expect(terminalSummary(r, {}, false, 'en')).toMatch(/critical\s+auditd is not running/);
    expect(terminalSummary(r, {}, false, 'ja')).toContain('auditd が稼働していない');
  });
  it(
    'HTML (and so the PDF): the card heading and the top risk say ' + 'what was observed, the desired state is kept',
    () => {
      const html = renderHtml(r, { lang: 'en' });
      expect(html).toContain('<h4>auditd is not running</h4>');
      expect(html).toMatch(/Expected: auditd is running/);
      expect(html).not.toContain('<h4>auditd is running</h4>');
      const ja = renderHtml(r, { lang: 'ja' });
      expect(ja).toContain('<h4>auditd が稼働していない</h4>');
    },
  );
  it('Markdown, JUnit and SARIF messages', () => {
    expect(renderMarkdown(r, { lang: 'en' })).toContain('auditd is not running');
    const junit = renderJunit(r, { lang: 'en' });
    expect(junit).toContain('<failure message="auditd is not running"');
    const sarif = JSON.parse(renderSarif(r, { lang: 'en' }));
    const results = sarif.runs[0].results as { message: { text: string } }[];
    expect(results.some((x) => x.message.text.startsWith('auditd is not running'))).toBe(true);
    // The SARIF rule is the catalog's check: its description stays the desired state.
    expect(sarif.runs[0].tool.driver.rules[0].shortDescription.text).toBe('auditd is running');
  });
});
