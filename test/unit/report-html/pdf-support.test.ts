import { describe, expect, it } from 'vitest';
import {
  BrowserNotFoundError,
  findBrowser,
  namedDestinationPages,
  pdfPageCount,
  systemBrowserPaths,
} from '../../../src/report/pdf.js';

const existing =
  (...paths: string[]) =>
  (p: string) =>
    paths.includes(p);

describe('findBrowser', () => {
  it('prefers the configured path, then PUPPETEER_EXECUTABLE_PATH, then CHROME_PATH, then system paths', () => {
    const env = { PUPPETEER_EXECUTABLE_PATH: '/opt/pp/chrome', CHROME_PATH: '/opt/cp/chrome' };
    const all = existing('/cfg/chrome', '/opt/pp/chrome', '/opt/cp/chrome', '/usr/bin/chromium');
    expect(findBrowser('/cfg/chrome', env, all, 'linux')).toBe('/cfg/chrome');
    expect(findBrowser(undefined, env, all, 'linux')).toBe('/opt/pp/chrome');
    expect(findBrowser(undefined, { CHROME_PATH: '/opt/cp/chrome' }, all, 'linux')).toBe('/opt/cp/chrome');
    expect(findBrowser(undefined, {}, all, 'linux')).toBe('/usr/bin/chromium');
    expect(findBrowser(undefined, {}, existing('/usr/bin/google-chrome-stable'), 'linux')).toBe(
      '/usr/bin/google-chrome-stable',
    );
  });

  it('knows where Chrome lives on macOS and Windows', () => {
    expect(
      findBrowser(undefined, {}, existing('/Applications/Google Chrome.app/Contents/MacOS/Google Chrome'), 'darwin'),
    ).toContain('Google Chrome.app');
    const win = systemBrowserPaths('win32', { PROGRAMFILES: 'C:\\Program Files' });
    expect(win).toContain('C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe');
    expect(findBrowser(undefined, { PROGRAMFILES: 'C:\\Program Files' }, existing(win[0] as string), 'win32')).toBe(
      win[0],
    );
  });

  it('refuses a named path that does not exist instead of silently using another browser', () => {
    expect(() => findBrowser('/nope/chrome', {}, existing('/usr/bin/chromium'), 'linux')).toThrow(
      /browser option.*\/nope\/chrome.*does not exist/,
    );
    expect(() =>
      findBrowser(undefined, { PUPPETEER_EXECUTABLE_PATH: '/nope' }, existing('/usr/bin/chromium'), 'linux'),
    ).toThrow(/PUPPETEER_EXECUTABLE_PATH/);
  });

  it('says how to install a browser when none is found', () => {
    let error: unknown;
    try {
      findBrowser(undefined, {}, () => false, 'linux');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(BrowserNotFoundError);
    expect((error as Error).message).toContain('apt-get install chromium fonts-noto-cjk');
    expect((error as Error).message).toContain('PUPPETEER_EXECUTABLE_PATH');
  });
});

// A minimal PDF laid out the way Chromium (Skia) writes it: a nested page tree and a /Dests dictionary.
const PDF = `%PDF-1.4
1 0 obj <</Type /Catalog /Pages 2 0 R /Dests 9 0 R>> endobj
2 0 obj <</Type /Pages /Kids [3 0 R 4 0 R] /Count 3>> endobj
3 0 obj <</Type /Pages /Kids [6 0 R 5 0 R] /Count 2>> endobj
4 0 obj <</Type /Pages /Kids [7 0 R] /Count 1>> endobj
5 0 obj <</Type /Page /Parent 3 0 R>> endobj
6 0 obj <</Type /Page /Parent 3 0 R>> endobj
7 0 obj <</Type /Page /Parent 4 0 R>> endobj
8 0 obj <</Type /Annot /Subtype /Link /Dest [7 0 R /XYZ 0 0 0]>> endobj
9 0 obj <</sec-executive [6 0 R /XYZ 6 826 0]
/sec-areas [5 0 R /XYZ 6 826 0]
/area-log-collection [7 0 R /XYZ 6 800 0]>> endobj
trailer <</Root 1 0 R>>
%%EOF`;

describe('reading our PDF back', () => {
  it('maps named destinations to 1-based page numbers in page-tree order', () => {
    expect(namedDestinationPages(Buffer.from(PDF, 'latin1'))).toEqual({
      'sec-executive': 1,
      'sec-areas': 2,
      'area-log-collection': 3,
    });
  });

  it('counts pages through the page tree', () => {
    expect(pdfPageCount(Buffer.from(PDF, 'latin1'))).toBe(3);
  });
});
