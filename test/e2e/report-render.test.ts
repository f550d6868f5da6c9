// End to end: the HTML opened in a real headless Chromium, and the PDF checked with poppler (pdftotext, pdffonts).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/model.js';
import { renderHtml } from '../../src/report/html.js';
import { findBrowser, launchBrowser, lockedPage, renderPdf } from '../../src/report/pdf.js';
import { FIXTURES_DIR, REPO_ROOT } from '../helpers/paths.js';

function load(name: string): Report {
  return JSON.parse(readFileSync(join(FIXTURES_DIR, 'html', `${name}.json`), 'utf8')) as Report;
}

function available(fn: () => unknown): boolean {
  try {
    fn();
    return true;
  } catch {
    return false;
  }
}

const hasBrowser = available(() => findBrowser());
const hasPoppler = available(() => execFileSync('pdftotext', ['-v'], { stdio: 'ignore' }));

describe.skipIf(!hasBrowser)('HTML report in headless Chromium', () => {
  let browser: Browser;
  let profileDir: string;
  beforeAll(async () => {
    ({ browser, profileDir } = await launchBrowser());
  });
  afterAll(async () => {
    await browser?.close();
    if (profileDir) rmSync(profileDir, { recursive: true, force: true });
  });

  it('shows the executive summary with the overall level and the SOAR verdict, with script disabled', async () => {
    const { page, blocked } = await lockedPage(browser);
    await page.setContent(renderHtml(load('report-full'), { lang: 'ja' }), { waitUntil: 'load' });
    const exec = await page.evaluate(() => {
      const el = document.querySelector('#sec-executive') as HTMLElement;
      const box = el.getBoundingClientRect();
      const radar = document.querySelector('#sec-executive svg.radar')?.getBoundingClientRect();
      // biome-ignore lint/performance/useDomNodeTextContent: the rendered (visible) text is what is checked
      return { text: el.innerText, height: box.height, width: box.width, radarWidth: radar?.width ?? 0 };
    });
    expect(exec.height).toBeGreaterThan(300);
    expect(exec.width).toBeGreaterThan(300);
    expect(exec.radarWidth).toBeGreaterThan(150);
    expect(exec.text).toContain('エグゼクティブサマリー');
    expect(exec.text).toContain('自動対応はまだ始められません');
    expect(exec.text).toContain('総合成熟度');
    expect(exec.text).toContain('bpf() システムコールが監査されている');
    expect(blocked).toEqual([]);
    await page.close();
  });

  it(
    'runs no script from hostile evidence, even with JavaScript enabled and the CSP removed, and shows it as ' + 'text',
    async () => {
      const hostile = renderHtml(load('report-hostile'), { lang: 'en' });
      // Without the CSP only escaping stands between the payloads and execution: that is what this proves.
      for (const html of [hostile, hostile.replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/, '')]) {
        const page = await browser.newPage();
        const dialogs: string[] = [];
        page.on('dialog', (d) => {
          dialogs.push(d.message());
          void d.dismiss();
        });
        await page.setRequestInterception(true);
        const requests: string[] = [];
        page.on('request', (r) => {
          if (!r.url().startsWith('data:') && r.url() !== 'about:blank') requests.push(r.url());
          void r.abort();
        });
        await page.setContent(html, { waitUntil: 'load' });
        const state = await page.evaluate(() => ({
          pwned: (window as unknown as { __pwned?: number }).__pwned,
          scripts: document.querySelectorAll('script').length,
          images: document.querySelectorAll('img').length,
          textareas: document.querySelectorAll('textarea').length,
          handlers: [...document.querySelectorAll('*')].filter((el) =>
            [...el.attributes].some((a) => a.name.startsWith('on')),
          ).length,
          ourStyle: document.querySelectorAll('style')[0]?.textContent?.startsWith('/* socready report') ?? false,
          coverBackground: getComputedStyle(document.querySelector('.cover') as Element).backgroundImage,
          bodyDisplay: getComputedStyle(document.body).display,
          overflowX: document.documentElement.scrollWidth - document.documentElement.clientWidth,
          title: document.title,
          // biome-ignore lint/performance/useDomNodeTextContent: the rendered (visible) text is what is checked
          text: document.body.innerText,
        }));
        expect(state.pwned).toBeUndefined();
        expect(dialogs).toEqual([]);
        expect(requests).toEqual([]);
        expect(state.scripts).toBe(0);
        expect(state.images).toBe(0);
        expect(state.textareas).toBe(0);
        expect(state.handlers).toBe(0);
        expect(state.ourStyle).toBe(true);
        expect(state.coverBackground).toContain('linear-gradient');
        expect(state.bodyDisplay).toBe('block');
        // A 2,600-character token and a 300-character target name wrap inside the page instead of widening it.
        expect(state.overflowX).toBeLessThanOrEqual(0);
        expect(state.title).toContain('Evil </style><script>window.__pwned=2</script>');
        expect(state.text).toContain('<script>window.__pwned=1;alert(1)</script>');
        expect(state.text).toContain('{{#each this}}{{/each}} {{{raw}}}');
        expect(state.text).toContain('</textarea><textarea>');
        expect(state.text).toContain(
          'Evil </style><script>window.__pwned=2</script> {{constructor.constructor}} </textarea> Corp',
        );
        expect(state.text).toContain('<img src=x onerror="window.__pwned=5">');
        await page.close();
      }
    },
  );

  it('blocks every network request from the locked page used for PDF printing', async () => {
    const { page, blocked } = await lockedPage(browser);
    await page.setContent(
      '<p>x</p><img src="http://127.0.0.1:9/beacon.png"><link rel="stylesheet" href="https://example.invalid/x.css">',
      {
        waitUntil: 'load',
      },
    );
    expect(blocked.sort()).toEqual(['http://127.0.0.1:9/beacon.png', 'https://example.invalid/x.css']);
    expect(await page.evaluate(() => 1 + 1)).toBe(2);
    await page.close();
  });
});

describe.skipIf(!hasBrowser || !hasPoppler)('PDF report', () => {
  const dir = mkdtempSync(join(tmpdir(), 'socready-pdf-e2e-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(
    'writes a paged Japanese PDF with the SOAR verdict, a numbered table of contents and embedded Noto CJK ' + 'fonts',
    async () => {
      const out = join(dir, 'report.ja.pdf');
      await renderPdf(load('report-full'), { lang: 'ja', out });
      const info = execFileSync('pdfinfo', [out], { encoding: 'utf8' });
      const pages = Number(/Pages:\s+(\d+)/.exec(info)?.[1]);
      expect(pages).toBeGreaterThanOrEqual(5);
      const text = execFileSync('pdftotext', ['-layout', out, '-'], { encoding: 'utf8' });
      expect(text).toContain('エグゼクティブサマリー');
      expect(text).toContain('自動対応はまだ始められません');
      expect(text).toContain('株式会社サンプル製作所');
      expect(text).toContain(`1 / ${pages}`);
      expect(text).toContain(`${pages} / ${pages}`);
      // The TOC (page 2) carries real page numbers, and each points at the page where its section starts.
      const toc = execFileSync('pdftotext', ['-layout', '-f', '2', '-l', '2', out, '-'], { encoding: 'utf8' });
      const readinessPage = Number(/準備状況チェックリスト\s+(\d+)/.exec(toc)?.[1]);
      expect(readinessPage).toBeGreaterThan(2);
      const thatPage = execFileSync('pdftotext', ['-f', String(readinessPage), '-l', String(readinessPage), out, '-'], {
        encoding: 'utf8',
      });
      expect(thatPage).toContain('準備状況チェックリスト');
      // pdftotext reads text even from tofu glyphs, so check the fonts: all embedded, and Noto Sans CJK among them.
      const fonts = execFileSync('pdffonts', [out], { encoding: 'utf8' }).split('\n').slice(2).filter(Boolean);
      expect(fonts.length).toBeGreaterThan(0);
      for (const line of fonts) expect(line).toMatch(/\byes\b/);
      const raw = readFileSync(out).toString('latin1');
      expect(raw).toMatch(/\/FontName \/[A-Z]{6}\+NotoSansCJKjp-Regular/);
    },
  );

  it('prints hostile evidence as text in the PDF', async () => {
    const out = join(dir, 'hostile.pdf');
    await renderPdf(load('report-hostile'), { lang: 'en', out, tocPageNumbers: false });
    // Skia writes no space glyphs, so pdftotext may drop spaces between Latin words: compare without whitespace.
    const text = execFileSync('pdftotext', ['-raw', out, '-'], { encoding: 'utf8' }).replace(/\s+/g, '');
    const has = (needle: string) => expect(text).toContain(needle.replace(/\s+/g, ''));
    has('<script>window.__pwned=1;alert(1)</script>');
    has('</textarea><textarea>');
    has('{{#each this}}{{/each}} {{{raw}}}');
    has('Not yet ready for automated response');
    // The header template names the organisation, escaped.
    has('Evil </style><script>window.__pwned=2</script> {{constructor.constructor}} </textarea> Corp');
  });
});

describe.skipIf(!hasBrowser || !hasPoppler)('socready report CLI on a fixture run', () => {
  const dir = mkdtempSync(join(tmpdir(), 'socready-cli-e2e-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const cli = (...args: string[]) =>
    execFileSync(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'src', 'cli.ts'), ...args], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      stdio: 'pipe',
    });

  it('re-renders report.json as HTML whose executive summary shows in Chromium, and as a Japanese PDF', async () => {
    const fixture = join(FIXTURES_DIR, 'html', 'report-full.json');
    const html = join(dir, 'report.html');
    const pdf = join(dir, 'report.pdf');
    cli('report', fixture, '--format', 'html', '-o', html, '--lang', 'en');
    cli('report', fixture, '--format', 'pdf', '-o', pdf, '--lang', 'ja');
    const { browser, profileDir } = await launchBrowser();
    try {
      const { page } = await lockedPage(browser);
      await page.setContent(readFileSync(html, 'utf8'), { waitUntil: 'load' });
      // biome-ignore lint/performance/useDomNodeTextContent: the rendered (visible) text is what is checked
      const text = await page.evaluate(() => (document.querySelector('#sec-executive') as HTMLElement).innerText);
      expect(text).toContain('Executive summary');
      expect(text).toContain('Not yet ready for automated response');
    } finally {
      await browser.close();
      rmSync(profileDir, { recursive: true, force: true });
    }
    const pdfText = execFileSync('pdftotext', [pdf, '-'], { encoding: 'utf8' });
    expect(pdfText).toContain('自動対応はまだ始められません');
    expect(
      Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [pdf], { encoding: 'utf8' }))?.[1]),
    ).toBeGreaterThanOrEqual(5);
  });
});
