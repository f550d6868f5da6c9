// Levels per area across runs: `socready trend <dir>` reads every report JSON under a folder (reports/<run>/report.json
// or *.json), prints a table and renders a self-contained HTML page with an SVG line chart. A bad file is reported
// and skipped; it never loses the other runs.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { AREAS, type AreaId, type Lang, type Report, type SoarVerdict } from '../model.js';
import { AREA_NAMES, levelLabel, VERDICT_TEXT } from '../score/labels.js';
import { InputError } from '../util/validate.js';
import { ensureScore } from '../score/previous.js';
import { formatDate, formatDateTime } from './formats/locale.js';
import { readReport } from './validate.js';

export interface TrendPoint {
  file: string;
  run_id: string;
  started_at: string;
  organization: string;
  overall: number | null;
  verdict: SoarVerdict;
  levels: Record<AreaId, number | null>;
}

export interface TrendRuns {
  points: TrendPoint[];
  problems: { file: string; error: string }[];
}

function reportFiles(dir: string, depth = 0): string[] {
  const out: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch (e) {
    throw new InputError(dir, `cannot read folder: ${(e as Error).message}`);
  }
  for (const name of names) {
    const p = join(dir, name);
    let st: ReturnType<typeof statSync>;
    try {
      st = statSync(p);
    } catch {
      continue;
    }
    if (st.isDirectory() && depth < 2) out.push(...reportFiles(p, depth + 1));
    // Inside run folders only report.json is a report; other JSON there is evidence or layers.
    else if (st.isFile() && (depth === 0 ? name.endsWith('.json') : name === 'report.json')) out.push(p);
  }
  return out;
}

export function pointOf(report: Report, file: string): TrendPoint {
  const score = ensureScore(report);
  const levels = Object.fromEntries(
    AREAS.map((a) => [a, score.areas.find((x) => x.area === a)?.level ?? null]),
  ) as Record<AreaId, number | null>;
  return {
    file,
    run_id: report.run.id,
    started_at: report.run.started_at,
    organization: report.run.organization,
    overall: score.overall,
    verdict: score.soar.verdict,
    levels,
  };
}

export function loadTrend(dir: string): TrendRuns {
  const points: TrendPoint[] = [];
  const problems: TrendRuns['problems'] = [];
  for (const file of reportFiles(dir)) {
    try {
      const report = readReport(file);
      // A shard's partial report is a part of a run, not a run: its merge is the point of the trend.
      if (report.run.shard) continue;
      points.push(pointOf(report, file));
    } catch (e) {
      problems.push({ file, error: e instanceof InputError ? e.message : `${file}: ${(e as Error).message}` });
    }
  }
  points.sort((a, b) => a.started_at.localeCompare(b.started_at) || a.run_id.localeCompare(b.run_id));
  return { points, problems };
}

const SHORT: Record<AreaId, { en: string; ja: string }> = {
  'log-collection': { en: 'logs', ja: 'ログ' },
  'audit-policy': { en: 'audit', ja: '監査' },
  'detection-rules': { en: 'rules', ja: 'ルール' },
  'detection-validation': { en: 'valid.', ja: '検証' },
  'response-automation': { en: 'autom.', ja: '自動化' },
  'people-process': { en: 'people', ja: '体制' },
  infrastructure: { en: 'infra', ja: '基盤' },
};

const VERDICT_SHORT: Record<SoarVerdict, { en: string; ja: string }> = {
  ready: { en: 'ready', ja: '自動可' },
  'semi-automatic': { en: 'semi-auto', ja: '半自動' },
  'not-yet': { en: 'not yet', ja: '未達' },
};

/** Display width: CJK characters take two columns in a terminal. */
function width(s: string): number {
  let w = 0;
  for (const ch of s)
    w += /[\u1100-\u115F\u2E80-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6]/.test(ch)
      ? 2
      : 1;
  return w;
}

function pad(s: string, n: number): string {
  return s + ' '.repeat(Math.max(0, n - width(s)));
}

/** One row per run: date, run id, overall, each area, SOAR verdict. "–" is not assessed. */
export function formatTrendTable(runs: TrendRuns, lang: Lang): string {
  const head = [
    lang === 'en' ? 'date' : '日付',
    'run',
    lang === 'en' ? 'overall' : '総合',
    ...AREAS.map((a) => SHORT[a][lang]),
    'SOAR',
  ];
  const rows = runs.points.map((p) => [
    formatDate(p.started_at, lang),
    p.run_id,
    p.overall === null ? '–' : String(p.overall),
    ...AREAS.map((a) => (p.levels[a] === null ? '–' : String(p.levels[a]))),
    VERDICT_SHORT[p.verdict][lang],
  ]);
  const widths = head.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i]!))));
  const line = (r: string[]) =>
    r
      .map((c, i) => pad(c, widths[i]!))
      .join('  ')
      .trimEnd();
  const legend = AREAS.map((a) => `${SHORT[a][lang]} = ${AREA_NAMES[a][lang]}`).join('; ');
  return `${[line(head), ...rows.map(line)].join('\n')}\n\n${legend}; – = ${levelLabel(null, lang)}\n`;
}

function esc(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const COLOURS: Record<AreaId | 'overall', string> = {
  'log-collection': '#1f77b4',
  'audit-policy': '#ff7f0e',
  'detection-rules': '#2ca02c',
  'detection-validation': '#d62728',
  'response-automation': '#9467bd',
  'people-process': '#8c564b',
  infrastructure: '#17becf',
  overall: '#111111',
};
// Dashes tell the lines apart in print and for readers who do not see colours.
const DASHES: Record<AreaId | 'overall', string> = {
  'log-collection': '',
  'audit-policy': '6 3',
  'detection-rules': '2 3',
  'detection-validation': '8 3 2 3',
  'response-automation': '4 4',
  'people-process': '1 2',
  infrastructure: '10 4',
  overall: '',
};

/** An SVG line chart of the level per area (0..5) across runs; gaps where an area was not assessed. */
export function trendSvg(points: TrendPoint[], lang: Lang): string {
  const W = 760;
  const H = 320;
  const left = 40;
  const right = 20;
  const top = 20;
  const bottom = 60;
  const n = points.length;
  const x = (i: number) => (n <= 1 ? left + (W - left - right) / 2 : left + (i * (W - left - right)) / (n - 1));
  const y = (l: number) => top + ((5 - l) * (H - top - bottom)) / 5;
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" ` +
      `aria-label="${esc(lang === 'en' ? 'Maturity level per area across runs' : '実行ごとの領域別成熟度')}">`,
  );
  for (let l = 0; l <= 5; l++) {
    parts.push(
      `<line x1="${left}" y1="${y(l)}" x2="${W - right}" y2="${y(l)}" stroke="#ddd"/><text x="${left - 8}" ` +
        `y="${y(l) + 4}" text-anchor="end" font-size="11">${l}</text>`,
    );
  }
  points.forEach((p, i) => {
    parts.push(
      `<text x="${x(i)}" y="${H - bottom + 16}" text-anchor="middle" ` +
        `font-size="10">${esc(formatDate(p.started_at, lang))}</text>`,
    );
  });
  const series: (AreaId | 'overall')[] = [...AREAS, 'overall'];
  for (const s of series) {
    const value = (p: TrendPoint) => (s === 'overall' ? p.overall : p.levels[s]);
    let seg: string[] = [];
    const flush = () => {
      if (seg.length > 1) {
        parts.push(
          `<polyline fill="none" stroke="${COLOURS[s]}" ` +
            `stroke-width="${s === 'overall' ? 3 : 2}"${DASHES[s] ? ` stroke-dasharray="${DASHES[s]}"` : ''} ` +
            `points="${seg.join(' ')}"/>`,
        );
      }
      seg = [];
    };
    points.forEach((p, i) => {
      const v = value(p);
      if (v === null) {
        flush();
        return;
      }
      seg.push(`${x(i).toFixed(1)},${y(v).toFixed(1)}`);
      parts.push(
        `<circle cx="${x(i).toFixed(1)}" cy="${y(v).toFixed(1)}" r="3" ` +
          `fill="${COLOURS[s]}"><title>` +
          esc(
            `${s === 'overall' ? (lang === 'en' ? 'Overall' : '総合') : AREA_NAMES[s][lang]}: ${levelLabel(v, lang)}`,
          ) +
          '</title></circle>',
      );
    });
    flush();
  }
  // Legend under the axis, two columns wide enough for Japanese names.
  series.forEach((s, i) => {
    const lx = left + (i % 4) * 180;
    const ly = H - bottom + 32 + Math.floor(i / 4) * 16;
    const name = s === 'overall' ? (lang === 'en' ? 'Overall' : '総合') : AREA_NAMES[s][lang];
    parts.push(
      `<line x1="${lx}" y1="${ly - 4}" x2="${lx + 22}" y2="${ly - 4}" stroke="${COLOURS[s]}" ` +
        `stroke-width="2"${DASHES[s] ? ` stroke-dasharray="${DASHES[s]}"` : ''}/><text x="${lx + 28}" ` +
        `y="${ly}" font-size="11">${esc(name)}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('\n');
}

export function renderTrendHtml(runs: TrendRuns, lang: Lang): string {
  const L = (en: string, ja: string) => (lang === 'en' ? en : ja);
  const orgs = [...new Set(runs.points.map((p) => p.organization))];
  const head = [
    L('Run', '実行'),
    L('Date', '日時'),
    L('Overall', '総合'),
    ...AREAS.map((a) => AREA_NAMES[a][lang]),
    'SOAR',
  ];
  const rows = runs.points
    .map(
      (p) =>
        `<tr><td>${esc(p.run_id)}</td><td>${esc(formatDateTime(p.started_at, lang))}</td><td>` +
        `${esc(levelLabel(p.overall, lang))}</td>` +
        `${AREAS.map((a) => `<td>${esc(levelLabel(p.levels[a], lang))}</td>`).join('')}<td>` +
        `${esc(VERDICT_TEXT[p.verdict][lang])}</td></tr>`,
    )
    .join('\n');
  const problems = runs.problems.length
    ? `<h2>${L('Files skipped', '読み込めなかったファイル')}</h2><ul>` +
      `${runs.problems.map((p) => `<li>${esc(p.error)}</li>`).join('')}</ul>`
    : '';
  return `<!DOCTYPE html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${esc(L('socready maturity trend', 'socready 成熟度の推移'))}${orgs.length ? ` – ${esc(orgs.join(', '))}` : ''}</title>
<style>
body { font-family: "Noto Sans CJK JP", "Noto Sans JP", system-ui, sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; font-size: 13px; }
th, td { border: 1px solid #ccc; padding: 4px 8px; text-align: left; }
th { background: #f3f3f3; }
svg { max-width: 100%; height: auto; }
@media print { body { margin: 0; } }
</style>
</head>
<body>
<h1>${esc(L('Maturity level per area across runs', '実行ごとの領域別成熟度の推移'))}</h1>
<p>${esc(orgs.join(', '))} · ${runs.points.length} ${esc(L('runs', '回の実行'))}</p>
${trendSvg(runs.points, lang)}
<table>
<thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead>
<tbody>
${rows}
</tbody>
</table>
${problems}
</body>
</html>
`;
}
