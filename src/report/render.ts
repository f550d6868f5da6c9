// One entry point for every output format. Renderers read only the report document; a report without a score
// (an older or hand-built one) is scored first with the current model.
import { dirname } from 'node:path';
import type { Lang, Report } from '../model.js';
import { controlFree } from '../util/terminal.js';
import { InputError } from '../util/validate.js';
import { ensureScore } from '../score/previous.js';
import { renderHdf } from './formats/hdf.js';
import { renderJunit } from './formats/junit.js';
import { renderMarkdown } from './formats/markdown.js';
import { renderSarif } from './formats/sarif.js';
import { renderHtml } from './html.js';
import { ensureOutputDir, writeOutputFile } from '../util/output-file.js';

export const REPORT_FORMATS = ['json', 'html', 'pdf', 'md', 'junit', 'sarif', 'hdf', 'navigator'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** The usual file name of each format (socready report without -o writes next to nothing: it prints, except PDF). */
export const FORMAT_EXTENSIONS: Record<ReportFormat, string> = {
  json: '.json',
  html: '.html',
  pdf: '.pdf',
  md: '.md',
  junit: '.junit.xml',
  sarif: '.sarif',
  hdf: '.hdf.json',
  navigator: '.layer.json',
};

export function isReportFormat(v: string): v is ReportFormat {
  return (REPORT_FORMATS as readonly string[]).includes(v);
}

export interface RenderOptions {
  lang: Lang;
  /** Output file; required for pdf. Text formats are written there too when given. */
  out?: string;
  browserPath?: string;
}

function withScore(report: Report): Report {
  return report.score ? report : { ...report, score: ensureScore(report) };
}

/**
 * Renders a report. Returns the text of text formats (also written to opts.out when set); for pdf, writes opts.out
 * and returns undefined.
 */
export async function renderReport(
  report: Report,
  format: ReportFormat,
  opts: RenderOptions,
): Promise<string | undefined> {
  // JSON keeps the report exactly (JSON escapes control characters) and HTML/PDF escape in their templates; the text
  // formats (Markdown, JUnit, SARIF, HDF, the Navigator layer) render a copy free of control characters.
  const r = ['json', 'html', 'pdf'].includes(format) ? withScore(report) : controlFree(withScore(report));
  const { lang } = opts;
  let text: string;
  switch (format) {
    case 'json':
      text = `${JSON.stringify(r, null, 2)}\n`;
      break;
    case 'html':
      text = renderHtml(r, { lang });
      break;
    case 'md':
      text = renderMarkdown(r, { lang });
      break;
    case 'junit':
      text = renderJunit(r, { lang });
      break;
    case 'sarif':
      text = renderSarif(r, { lang });
      break;
    case 'hdf':
      text = renderHdf(r, { lang });
      break;
    case 'navigator': {
      const details = r.analyses.coverage?.details as { navigator?: unknown } | undefined;
      if (!details || typeof details !== 'object' || details.navigator === undefined) {
        throw new InputError(
          opts.out ?? '(report)',
          lang === 'en'
            ? 'this report has no ATT&CK Navigator layer: the coverage analysis did not run (give the ' +
                'inventory rule sources and scan again)'
            : 'このレポートには ATT&CK Navigator レイヤーがありません。カバレッジ分析が実行されていません（インベントリにルールを指定して再スキャンしてください）',
        );
      }
      text = `${JSON.stringify(details.navigator, null, 2)}\n`;
      break;
    }
    case 'pdf': {
      if (!opts.out) throw new InputError('(command line)', 'PDF output needs a file: -o report.pdf');
      ensureOutputDir(dirname(opts.out));
      // Loaded on demand: puppeteer is only needed for PDF.
      const { renderPdf } = await import('./pdf.js');
      await renderPdf(r, { lang, out: opts.out, ...(opts.browserPath ? { browserPath: opts.browserPath } : {}) });
      return undefined;
    }
  }
  if (opts.out) writeOutputFile(opts.out, text);
  return text;
}
