// The HTML report: one self-contained file (inline CSS and SVG, no script, no external request) rendered with
// Handlebars from templates/. All report data goes through Handlebars escaping; the only markup passed through
// unescaped is our own CSS file and the SVG that charts.ts builds, each wrapped in SafeString here in TypeScript,
// so no template ever needs a triple-stash.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import Handlebars from 'handlebars';
import { visibleFigures } from '../coverage/measured.js';
import type { Bilingual, CoverageSummary, Lang, Report } from '../model.js';
import { TEMPLATES_DIR } from '../paths.js';
import { levelBar, radarChart } from './charts.js';
import { buildView } from './html-view.js';
import {
  AREA_NAMES,
  formatDate,
  formatNumber,
  formatPercent,
  isLang,
  levelName,
  pick,
  tr,
  ui,
  type UiKey,
  UI,
} from './i18n.js';

export interface HtmlOptions {
  lang: Lang;
  /** Another templates folder (tests, custom branding); defaults to the package's templates/. */
  templatesDir?: string;
  /** Page number per section id, filled in by the PDF renderer's second pass ('placeholder': lay out as if known). */
  tocPages?: Record<string, number> | 'placeholder';
  /** Render for print into PDF (adds print-only classes; same content). */
  forPdf?: boolean;
}

type HbsEnv = typeof Handlebars;

/** The CSP of every report: nothing may load or run; inline styles and data: images only. */
export const REPORT_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

function isBilingual(v: unknown): v is Bilingual {
  return typeof v === 'object' && v !== null && ('en' in v || 'ja' in v);
}

/** Drops the Handlebars options object that every helper gets as its last argument. */
function args(list: unknown[]): unknown[] {
  return list.slice(0, -1);
}

/**
 * Registers the helpers report templates (ours and the analysis sections other modules write) may use.
 * The language is fixed per environment, so `{{tr "English" "日本語"}}` needs no lang argument.
 *   tr en ja · t bilingual · ui key · eq/ne/gt/and/or/not · num n [digits] · pct ratio · pctOf part whole ·
 *   date iso [withTime=true] · levelName n · areaName id · statusClass s (st-*) · sevClass s (sev-*) ·
 *   join list [sep] · levelBar n (SVG) · json v · lang · inc n
 * Avoid data fields with these names as bare {{name}} (a helper wins over a field); use {{this.name}} then.
 */
export function registerReportHelpers(hbs: HbsEnv, lang: Lang): void {
  hbs.registerHelper('tr', (en: unknown, ja: unknown) => tr(lang, String(en ?? ''), String(ja ?? '')));
  hbs.registerHelper('t', (value: unknown) =>
    isBilingual(value) ? pick(lang, value) : value === undefined || value === null ? '' : String(value),
  );
  hbs.registerHelper('ui', (key: unknown) =>
    typeof key === 'string' && key in UI ? ui(lang, key as UiKey) : String(key),
  );
  hbs.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  hbs.registerHelper('ne', (a: unknown, b: unknown) => a !== b);
  hbs.registerHelper('gt', (a: unknown, b: unknown) => Number(a) > Number(b));
  hbs.registerHelper('and', (...list: unknown[]) => args(list).every(Boolean));
  hbs.registerHelper('or', (...list: unknown[]) => args(list).some(Boolean));
  hbs.registerHelper('not', (a: unknown) => !a);
  hbs.registerHelper('num', (value: unknown, ...rest: unknown[]) => {
    const digits = args(rest)[0];
    return formatNumber(
      lang,
      value === null || value === undefined ? null : Number(value),
      typeof digits === 'number' ? digits : 1,
    );
  });
  hbs.registerHelper('pct', (value: unknown) =>
    formatPercent(lang, value === null || value === undefined ? null : Number(value)),
  );
  /** `{{pctOf part whole}}`: a share in percent, "—" when whole is 0. */
  hbs.registerHelper('pctOf', (part: unknown, whole: unknown) => {
    const w = Number(whole);
    return w > 0 ? formatPercent(lang, Number(part) / w) : '—';
  });
  hbs.registerHelper('date', (value: unknown, ...rest: unknown[]) => {
    const withTime = args(rest)[0];
    return formatDate(lang, value === undefined || value === null ? null : String(value), withTime !== false);
  });
  hbs.registerHelper('levelName', (level: unknown) => levelName(lang, typeof level === 'number' ? level : null));
  hbs.registerHelper('areaName', (area: unknown) =>
    typeof area === 'string' && area in AREA_NAMES
      ? pick(lang, AREA_NAMES[area as keyof typeof AREA_NAMES])
      : String(area ?? ''),
  );
  /** A CSS class from a status word; anything unexpected maps to a neutral class, never into the markup. */
  hbs.registerHelper(
    'statusClass',
    (status: unknown) =>
      `st-${
        String(status ?? 'unknown')
          .toLowerCase()
          .replace(/[^a-z-]/g, '') || 'unknown'
      }`,
  );
  hbs.registerHelper(
    'sevClass',
    (sev: unknown) =>
      `sev-${
        String(sev ?? 'info')
          .toLowerCase()
          .replace(/[^a-z]/g, '') || 'info'
      }`,
  );
  hbs.registerHelper('join', (list: unknown, sepArg: unknown) =>
    Array.isArray(list) ? list.map(String).join(typeof sepArg === 'string' ? sepArg : ', ') : '',
  );
  hbs.registerHelper(
    'levelBar',
    (level: unknown) => new hbs.SafeString(levelBar(typeof level === 'number' ? level : null)),
  );
  hbs.registerHelper('json', (value: unknown) => JSON.stringify(value));
  hbs.registerHelper('lang', () => lang);
  // One decision for every renderer: reports written before `visibility_measured` existed count as measured.
  hbs.registerHelper('visibilityMeasured', (summary: unknown) => visibleFigures(summary as CoverageSummary).measured);
  hbs.registerHelper('inc', (value: unknown) => Number(value) + 1);
  /** Escaped text with a line-break opportunity after each slash ("Deobfuscate/<wbr>Decode"), never inside a word. */
  hbs.registerHelper(
    'wrapSlashes',
    (value: unknown) => new hbs.SafeString(hbs.escapeExpression(String(value ?? '')).replace(/\//g, '/<wbr>')),
  );
  /** `{{#each (rows list n)}}`: a list cut into n rows of (nearly) equal length, e.g. ATT&CK tactics on A4. */
  hbs.registerHelper('rows', (list: unknown, n: unknown) => {
    if (!Array.isArray(list)) return [];
    const per = Math.max(1, Math.ceil(list.length / Math.max(1, Number(n) || 1)));
    const out: unknown[][] = [];
    for (let i = 0; i < list.length; i += per) out.push(list.slice(i, i + per));
    return out;
  });
}

function listTemplates(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listTemplates(full));
    else if (entry.isFile() && entry.name.endsWith('.hbs')) out.push(full);
  }
  return out.sort();
}

interface Compiled {
  template: Handlebars.TemplateDelegate;
  sections: Set<string>;
}

const cache = new Map<string, Compiled>();

/** The cache key changes whenever a template file is added, removed or edited. */
function cacheKey(dir: string, lang: Lang): string {
  const files = [
    join(dir, 'report.hbs'),
    join(dir, 'report.css'),
    ...listTemplates(join(dir, 'partials')),
    ...listTemplates(join(dir, 'sections')),
  ];
  return (
    `${dir}|${lang}|` +
    `${files.map((f) => (existsSync(f) ? `${f}:${statSync(f).mtimeMs}:${statSync(f).size}` : f)).join('|')}`
  );
}

function compile(dir: string, lang: Lang): Compiled {
  const key = cacheKey(dir, lang);
  const hit = cache.get(key);
  if (hit) return hit;
  const hbs = Handlebars.create();
  registerReportHelpers(hbs, lang);
  const css = readFileSync(join(dir, 'report.css'), 'utf8');
  // Our own stylesheet is inlined as trusted text; it must not be able to close its <style> element.
  if (/<\/style/i.test(css)) throw new Error(`${join(dir, 'report.css')}: must not contain "</style"`);
  hbs.registerHelper('inlineCss', () => new hbs.SafeString(css));
  const partialsDir = join(dir, 'partials');
  for (const file of listTemplates(partialsDir)) {
    const name = relative(partialsDir, file)
      .split(sep)
      .join('/')
      .replace(/\.hbs$/, '');
    hbs.registerPartial(name, readFileSync(file, 'utf8'));
  }
  const sections = new Set<string>();
  const sectionsDir = join(dir, 'sections');
  for (const file of listTemplates(sectionsDir)) {
    const name = relative(sectionsDir, file)
      .split(sep)
      .join('/')
      .replace(/\.hbs$/, '');
    // Section partials are named by file name: templates/sections/coverage.hbs is {{> coverage}}.
    hbs.registerPartial(name, readFileSync(file, 'utf8'));
    sections.add(name);
  }
  const template = hbs.compile(readFileSync(join(dir, 'report.hbs'), 'utf8'), { strict: false, noEscape: false });
  const compiled = { template, sections };
  if (cache.size > 16) cache.clear();
  cache.set(key, compiled);
  return compiled;
}

/** Renders the report as one self-contained HTML document in the given language. */
export function renderHtml(report: Report, opts: HtmlOptions): string {
  const lang: Lang = isLang(opts.lang) ? opts.lang : 'en';
  const dir = opts.templatesDir ?? TEMPLATES_DIR;
  const { template, sections } = compile(dir, lang);
  const view = buildView(report, lang);
  for (const a of view.analyses) a.hasPartial = sections.has(a.name);
  // The cost chart is our own SVG (charts escape every label), passed through like the radar.
  const cost = view.partialsContext.cost;
  if (cost) cost.chart = new Handlebars.SafeString(cost.chart) as unknown as string;
  const radarSvg = new Handlebars.SafeString(
    radarChart(view.radar.axes, {
      title: ui(lang, 'radarTitle'),
      notAssessedLabel: ui(lang, 'notAssessed'),
      currentLabel: ui(lang, 'radarCurrent'),
      previousLabel: ui(lang, 'radarPrevious'),
    }),
  );
  const pages = opts.tocPages;
  const toc = view.toc.map((entry) => ({ ...entry, page: pages === 'placeholder' ? '00' : pages?.[entry.id] }));
  return template(
    {
      ...view,
      toc,
      radarSvg,
      csp: REPORT_CSP,
      forPdf: Boolean(opts.forPdf),
      hasTocPages: pages !== undefined && (pages === 'placeholder' || Object.keys(pages).length > 0),
    },
    { allowProtoPropertiesByDefault: false, allowProtoMethodsByDefault: false },
  );
}
