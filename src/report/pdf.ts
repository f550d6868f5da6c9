// The PDF report: the same HTML printed by a headless Chromium (puppeteer-core + a system browser), offline,
// with page script disabled, every network request refused, a header naming the organisation and date, page
// numbers, and a table of contents whose page numbers come from a first print pass.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import type { Lang, Report } from '../model.js';
import { escapeXml } from './charts.js';
import { renderHtml } from './html.js';
import { formatDate, ui } from './i18n.js';
import { InputError } from '../util/input-error.js';
import { fsReason } from '../util/input-file.js';
import { writeOutputFile } from '../util/output-file.js';

export interface PdfOptions {
  lang: Lang;
  out: string;
  /** Browser executable (option or config key); see findBrowser for the search order. */
  browserPath?: string;
  templatesDir?: string;
  /** Compute TOC page numbers with a second print pass (default true). */
  tocPageNumbers?: boolean;
  /** PDF bookmarks from the headings (tagged PDF). Off by default: it triples print time on large reports. */
  outline?: boolean;
  timeoutMs?: number;
}

export class BrowserNotFoundError extends Error {
  override name = 'BrowserNotFoundError';
}

const INSTALL_HINT = [
  'PDF output needs Chromium or Google Chrome. Install one, then run again:',
  '  Debian/Ubuntu: apt-get install chromium fonts-noto-cjk   (Ubuntu without snap: google-chrome-stable)',
  '  RHEL/Fedora:   dnf install chromium google-noto-sans-cjk-jp-fonts',
  '  macOS:         install Google Chrome from https://www.google.com/chrome/',
  '  Windows:       install Google Chrome or use Microsoft Edge',
  'or point socready at a browser with --browser <path>, the config key pdf.browser, or PUPPETEER_EXECUTABLE_PATH.',
  'fonts-noto-cjk (or another CJK font) is needed for Japanese text to render in the PDF.',
].join('\n');

/** Where browsers usually live, per platform. */
export function systemBrowserPaths(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
): string[] {
  if (platform === 'darwin') {
    return [
      '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
      '/Applications/Chromium.app/Contents/MacOS/Chromium',
      '/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge',
    ];
  }
  if (platform === 'win32') {
    const roots = [env.PROGRAMFILES, env['PROGRAMFILES(X86)'], env.LOCALAPPDATA].filter((r): r is string => Boolean(r));
    return roots.flatMap((root) => [
      `${root}\\Google\\Chrome\\Application\\chrome.exe`,
      `${root}\\Chromium\\Application\\chrome.exe`,
      `${root}\\Microsoft\\Edge\\Application\\msedge.exe`,
    ]);
  }
  return [
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
    '/usr/bin/google-chrome-stable',
    '/opt/google/chrome/chrome',
    '/snap/bin/chromium',
    '/usr/lib/chromium/chromium',
  ];
}

/**
 * Finds a browser: the explicit option or config key, then PUPPETEER_EXECUTABLE_PATH, then CHROME_PATH, then the
 * usual system paths. A path the user named that does not exist is an error (never silently replaced by another).
 */
export function findBrowser(
  configured?: string,
  env: NodeJS.ProcessEnv = process.env,
  exists: (path: string) => boolean = existsSync,
  platform: NodeJS.Platform = process.platform,
): string {
  const named: [string, string | undefined][] = [
    ['the browser option / config key', configured],
    ['PUPPETEER_EXECUTABLE_PATH', env.PUPPETEER_EXECUTABLE_PATH],
    ['CHROME_PATH', env.CHROME_PATH],
  ];
  for (const [source, path] of named) {
    if (!path) continue;
    if (exists(path)) return path;
    throw new BrowserNotFoundError(`${source} names ${path}, which does not exist.\n${INSTALL_HINT}`);
  }
  const found = systemBrowserPaths(platform, env).find((p) => exists(p));
  if (found) return found;
  throw new BrowserNotFoundError(`No Chromium or Chrome found.\n${INSTALL_HINT}`);
}

/** Flags for a throwaway, offline, quiet headless browser (RECIPES.md section 2). */
export const BROWSER_ARGS = [
  // Chromium refuses to start sandboxed as root; anyone else keeps the sandbox.
  ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
  '--headless',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
  '--disable-default-apps',
  '--disable-extensions',
  '--disable-features=Translate,MediaRouter,OptimizationHints',
  '--no-pings',
  '--mute-audio',
  // Request interception does not see preconnect, prefetch or DNS prefetch: send everything to a dead proxy and
  // resolve no name, so the browser cannot reach the network at all.
  '--proxy-server=http://127.0.0.1:9',
  '--proxy-bypass-list=<-loopback>',
  '--host-resolver-rules=MAP * ~NOTFOUND',
  '--dns-prefetch-disable',
];

/** Launches the browser with a fresh profile; the caller closes it and then removes profileDir. */
export async function launchBrowser(
  browserPath?: string,
  timeoutMs = 60_000,
): Promise<{ browser: Browser; profileDir: string }> {
  const executablePath = findBrowser(browserPath);
  // Everything Chromium writes (profile, dconf and fontconfig caches, crash reports) goes into one temporary folder
  // that the caller removes: the user's $HOME is never written, and nothing of a report outlives the render there.
  let profileDir: string;
  try {
    profileDir = mkdtempSync(join(tmpdir(), 'socready-chromium-'));
  } catch (e) {
    throw new InputError(tmpdir(), `cannot create a temporary folder for the browser: ${fsReason(e)} (set TMPDIR)`);
  }
  const home = join(profileDir, 'home');
  try {
    const browser = await puppeteer.launch({
      executablePath,
      headless: true,
      pipe: true,
      userDataDir: join(profileDir, 'profile'),
      args: [
        ...BROWSER_ARGS,
        '--disable-breakpad',
        '--disable-crash-reporter',
        `--crash-dumps-dir=${join(profileDir, 'crash')}`,
      ],
      env: {
        ...process.env,
        HOME: home,
        XDG_CONFIG_HOME: join(home, '.config'),
        XDG_CACHE_HOME: join(home, '.cache'),
        XDG_DATA_HOME: join(home, '.local', 'share'),
        XDG_RUNTIME_DIR: join(profileDir, 'run'),
      },
      timeout: timeoutMs,
    });
    return { browser, profileDir };
  } catch (err) {
    rmSync(profileDir, { recursive: true, force: true });
    throw err;
  }
}

/**
 * A page that can show the report and nothing else: no script, and every request that would leave the
 * document refused (the HTML is self-contained; anything else came from hostile data).
 */
export async function lockedPage(browser: Browser): Promise<{ page: Page; blocked: string[] }> {
  const page = await browser.newPage();
  const blocked: string[] = [];
  await page.setJavaScriptEnabled(false);
  await page.setRequestInterception(true);
  page.on('request', (request) => {
    const url = request.url();
    if (url.startsWith('data:') || url === 'about:blank') {
      void request.continue();
    } else {
      blocked.push(url);
      void request.abort('blockedbyclient');
    }
  });
  return { page, blocked };
}

function headerTemplate(report: Report, lang: Lang): string {
  const style =
    'font-family:"Noto Sans CJK JP","Noto Sans",sans-serif;font-size:7.5px;color:#5b6b7b;width:100%;margin:0 ' +
    '12mm;display:flex;justify-content:space-between;';
  // A long organisation name is cut with an ellipsis rather than pushing the date off the page.
  const cut = 'overflow:hidden;white-space:nowrap;text-overflow:ellipsis;';
  return (
    `<div style='${style}'><span ` +
    `style='${cut}max-width:55%;'>${escapeXml(report.run.organization.slice(0, 200))}</span><span ` +
    `style='${cut}'>${escapeXml(ui(lang, 'reportTitle'))} · ` +
    `${escapeXml(formatDate(lang, report.run.finished_at || report.run.started_at, false))}</span></div>`
  );
}

function footerTemplate(report: Report): string {
  const style =
    'font-family:"Noto Sans CJK JP","Noto Sans",sans-serif;font-size:7.5px;color:#5b6b7b;width:100%;margin:0 ' +
    '12mm;display:flex;justify-content:space-between;';
  return (
    `<div style='${style}'><span>${escapeXml(`${report.tool.name} · ${report.run.id}`)}</span><span><span ` +
    'class="pageNumber"></span> / <span class="totalPages"></span></span></div>'
  );
}

// ---- Reading our own PDF back: named destinations (one per TOC anchor) and the page order.

function objectBodies(text: string): Map<number, string> {
  const bodies = new Map<number, string>();
  const re = /(\d+) 0 obj\b([\s\S]*?)endobj/g;
  for (let m = re.exec(text); m; m = re.exec(text)) bodies.set(Number(m[1]), m[2] as string);
  return bodies;
}

/** Page object numbers in document order, walking the /Pages tree from the catalog. */
function pageOrder(bodies: Map<number, string>, text: string): number[] {
  const rootRef = /\/Root (\d+) 0 R/.exec(text);
  const catalog = rootRef
    ? bodies.get(Number(rootRef[1]))
    : [...bodies.values()].find((b) => /\/Type\s*\/Catalog/.test(b));
  const pagesRef = catalog ? /\/Pages (\d+) 0 R/.exec(catalog) : null;
  const order: number[] = [];
  const walk = (num: number, depth: number) => {
    const body = bodies.get(num);
    if (!body || depth > 64) return;
    if (/\/Type\s*\/Pages\b/.test(body)) {
      const kids = /\/Kids\s*\[([^\]]*)\]/.exec(body);
      for (const k of kids?.[1]?.matchAll(/(\d+) 0 R/g) ?? []) walk(Number(k[1]), depth + 1);
    } else if (/\/Type\s*\/Page\b/.test(body)) {
      order.push(num);
    }
  };
  if (pagesRef) walk(Number(pagesRef[1]), 0);
  return order;
}

export function pdfPageCount(pdf: Uint8Array): number {
  const text = Buffer.from(pdf).toString('latin1');
  const order = pageOrder(objectBodies(text), text);
  if (order.length) return order.length;
  return (text.match(/\/Type\s*\/Page\b/g) ?? []).length;
}

/**
 * Page number (1-based) of each named destination Chromium wrote for in-document links, e.g. { "sec-areas": 3 }.
 * Empty when the PDF is not laid out the way Skia writes it (then the TOC keeps its links without numbers).
 */
export function namedDestinationPages(pdf: Uint8Array): Record<string, number> {
  const text = Buffer.from(pdf).toString('latin1');
  const bodies = objectBodies(text);
  const order = pageOrder(bodies, text);
  const index = new Map(order.map((num, i) => [num, i + 1]));
  const pages: Record<string, number> = {};
  const re = /\/([A-Za-z0-9_.#-]+)\s*\[\s*(\d+) 0 R\s*\/XYZ/g;
  for (const body of bodies.values()) {
    if (body.includes('/Dest ')) continue; // link annotations, not the destination dictionary
    for (const m of body.matchAll(re)) {
      const page = index.get(Number(m[2]));
      const name = (m[1] as string).replace(/#([0-9A-Fa-f]{2})/g, (_, h: string) =>
        String.fromCharCode(Number.parseInt(h, 16)),
      );
      if (page && !(name in pages)) pages[name] = page;
    }
  }
  return pages;
}

async function printPdf(
  page: Page,
  html: string,
  report: Report,
  opts: PdfOptions,
  timeoutMs: number,
): Promise<Uint8Array> {
  const lang = opts.lang;
  await page.setContent(html, { waitUntil: 'load', timeout: timeoutMs });
  return page.pdf({
    format: 'A4',
    printBackground: true,
    displayHeaderFooter: true,
    headerTemplate: headerTemplate(report, lang),
    footerTemplate: footerTemplate(report),
    margin: { top: '16mm', bottom: '14mm', left: '12mm', right: '12mm' },
    outline: Boolean(opts.outline),
    tagged: Boolean(opts.outline),
    timeout: timeoutMs,
  });
}

/** Renders the report to a PDF at opts.out, using an already started browser (bench, batch rendering). */
export async function renderPdfWith(
  browser: Browser,
  report: Report,
  opts: PdfOptions,
): Promise<{ pages: number; blocked: string[] }> {
  const timeoutMs = opts.timeoutMs ?? 300_000;
  const { page, blocked } = await lockedPage(browser);
  try {
    const base = { lang: opts.lang, templatesDir: opts.templatesDir, forPdf: true };
    let pdf: Uint8Array;
    if (opts.tocPageNumbers === false) {
      pdf = await printPdf(page, renderHtml(report, base), report, opts, timeoutMs);
    } else {
      // Pass 1 lays out with placeholder numbers in the TOC; pass 2 prints the real ones. The TOC has its own
      // page, so the numbers cannot move anything after it.
      const first = await printPdf(
        page,
        renderHtml(report, { ...base, tocPages: 'placeholder' }),
        report,
        opts,
        timeoutMs,
      );
      const pages = namedDestinationPages(first);
      pdf = Object.keys(pages).length
        ? await printPdf(page, renderHtml(report, { ...base, tocPages: pages }), report, opts, timeoutMs)
        : first;
    }
    writeOutputFile(opts.out, pdf, { mode: 0o640 }); // like report.html: the report quotes evidence
    return { pages: pdfPageCount(pdf), blocked };
  } finally {
    await page.close().catch(() => undefined);
  }
}

/** Renders the report to a PDF file: starts a headless browser with a fresh profile, prints, and cleans up. */
export async function renderPdf(report: Report, opts: PdfOptions): Promise<void> {
  const { browser, profileDir } = await launchBrowser(opts.browserPath, opts.timeoutMs);
  try {
    await renderPdfWith(browser, report, opts);
  } finally {
    await browser.close().catch(() => undefined);
    rmSync(profileDir, { recursive: true, force: true });
  }
}
