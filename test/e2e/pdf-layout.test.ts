// The PDF as a reader sees it (Chromium print, read back with poppler): an evidence table starts on the page of its
// check instead of jumping to the next one and leaving this one half blank, and the ATT&CK matrix fits A4 with
// every tactic name and technique name whole.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAttackCatalog } from '../../src/attack/catalog.js';
import { computeCoverage } from '../../src/coverage/analyse.js';
import type { Finding, Report } from '../../src/model.js';
import { findBrowser, renderPdf } from '../../src/report/pdf.js';
import { loadRules } from '../../src/rules/load.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { finding, report } from '../unit/score/helpers.js';

function available(fn: () => unknown): boolean {
  try {
    fn();
    return true;
  } catch {
    return false;
  }
}
const ready = available(() => findBrowser()) && available(() => execFileSync('pdftotext', ['-v'], { stdio: 'ignore' }));

function pageTexts(pdf: string): string[] {
  const all = execFileSync('pdftotext', [pdf, '-'], { encoding: 'utf8' });
  return all.split('\f');
}

const lines = (tag: string, n: number) =>
  Array.from({ length: n }, (_, i) => `${tag}-line-${String(i + 1).padStart(3, '0')} some collected output`).join('\n');

function card(check: string, title: string, excerptLines: number): Finding {
  return {
    ...finding('log-collection', 'fail', {
      check,
      target: 'vm',
      severity: 'high',
      title: { en: title, ja: title },
      excerpt: lines(check, excerptLines),
    }),
    observed: { active: false, agents: [] },
  };
}

describe.skipIf(!ready)('PDF layout (Chromium, A4)', () => {
  let dir: string;
  const out: Record<string, string> = {};
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'socready-pdf-layout-'));
    // A first card that fills about half a page, then one whose evidence row is longer than what is left.
    const findings = [card('a.first', 'First check card', 28), card('b.second', 'Second check card', 70)];
    const rules = await loadRules([join(REPO_ROOT, 'checks', 'rules')]);
    const coverage = computeCoverage(rules, loadAttackCatalog(), { findings: [] });
    const r: Report = report({ findings, analyses: { coverage } });
    for (const lang of ['en', 'ja'] as const) {
      out[lang] = join(dir, `${lang}.pdf`);
      await renderPdf(r, { lang, out: out[lang]!, tocPageNumbers: false });
    }
  }, 240_000);
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  for (const lang of ['en', 'ja'] as const) {
    it(`starts a long evidence row on the page of its check card (${lang})`, () => {
      const pages = pageTexts(out[lang]!);
      // The card's own head (its "Expected:" line), not the executive page's top risks that name the same check.
      const expected = lang === 'en' ? 'Expected: Second check card' : 'あるべき状態: Second check card';
      const head = pages.findIndex((p) => p.includes(expected));
      expect(head).toBeGreaterThanOrEqual(0);
      expect(pages[head]).toContain('b.second-line-001');
    });
  }

  it('prints every tactic name of the matrix whole, and no technique name cut inside a word', () => {
    const text = pageTexts(out.en!).join('\n');
    for (const name of [
      'Reconnaissance',
      'Persistence',
      'Discovery',
      'Collection',
      'Exfiltration',
      'Execution',
      'Impact',
      'Stealth',
    ]) {
      expect(text).toMatch(new RegExp(`\\b${name}\\b`));
    }
    expect(text).not.toMatch(/Reconnais\s*\n|Persistenc\s*\n|Compro\s*\n\s*mise/);
  });
});
