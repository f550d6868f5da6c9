// What the cost section of the HTML/PDF report shows, from analyses.cost only: today's volume by source, the
// forecast per phase as an inline SVG chart, cost per phase, what each phase makes detectable, the ways to cut volume,
// and (appendix) every change with its formula and inputs. Text is escaped by the template; the SVG by escapeXml.
import type { Bilingual, CostChange, CostHeadroom, CostRange, Lang, Report } from '../model.js';
import { AREA_NAMES, levelLabel } from '../score/labels.js';
import { escapeXml, PALETTE } from './charts.js';
import { formatNumber, pick, tr } from './i18n.js';

const GB = 1e9;

export function gbText(lang: Lang, bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined) return tr(lang, 'not measured', '未計測');
  const g = bytes / GB;
  return `${formatNumber(lang, g, g < 0.01 ? 4 : g < 1 ? 3 : 2)} GB`;
}

const rangeGb = (lang: Lang, r: CostRange | null) =>
  r
    ? `${gbText(lang, r.low)} – ${gbText(lang, r.high)} (${tr(lang, 'expected', '想定')} ${gbText(lang, r.expected)})`
    : '';

function money(lang: Lang, x: number | null | undefined, currency: string | null): string {
  if (x === null || x === undefined || !currency) return '—';
  return `${formatNumber(lang, x, 0)} ${currency}`;
}

const rangeMoney = (lang: Lang, r: CostRange | null, cur: string | null) =>
  r && cur
    ? `${money(lang, r.low, cur)} – ${money(lang, r.high, cur)} ` +
      `(${tr(lang, 'expected', '想定')} ${money(lang, r.expected, cur)})`
    : '—';

const num = (lang: Lang, x: number) => formatNumber(lang, x, Math.abs(x) < 10 ? 3 : 0);

/** Bars: today's volume, then today plus each phase cumulatively (expected), with a low–high whisker. */
export function phaseChart(lang: Lang, today: number, phases: { label: string; range: CostRange }[]): string {
  const bars = [{ label: tr(lang, 'Today', '現在'), low: today, expected: today, high: today, base: today }];
  let acc: CostRange = { low: today, expected: today, high: today };
  for (const p of phases) {
    acc = { low: acc.low + p.range.low, expected: acc.expected + p.range.expected, high: acc.high + p.range.high };
    bars.push({ label: p.label, ...acc, base: today });
  }
  const width = 520;
  const height = 230;
  const left = 64;
  const bottom = 190;
  const top = 24;
  const max = Math.max(...bars.map((b) => b.high), 1);
  const slot = (width - left - 10) / bars.length;
  const y = (v: number) => bottom - ((bottom - top) * v) / max;
  const r1 = (v: number) => (Math.round(v * 10) / 10).toString();
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="cost-chart" viewBox="0 0 ${width} ${height}" role="img"` +
      ` aria-label="${escapeXml(tr(lang, 'Log volume per day by phase', 'フェーズごとの 1 日あたりログ量'))}">`,
    `<line x1="${left}" y1="${bottom}" x2="${width - 6}" y2="${bottom}" stroke="#555"/>`,
    `<line x1="${left}" y1="${top}" x2="${left}" y2="${bottom}" stroke="#555"/>`,
  ];
  for (const f of [0, 0.5, 1]) {
    parts.push(
      `<text x="${left - 4}" y="${r1(y(max * f) + 3)}" font-size="9" text-anchor="end">` +
        `${escapeXml(gbText(lang, max * f))}</text>`,
    );
  }
  bars.forEach((b, i) => {
    const x = left + slot * i + slot * 0.2;
    const w = slot * 0.6;
    parts.push(
      `<rect x="${r1(x)}" y="${r1(y(b.base))}" width="${r1(w)}" height="${r1(bottom - y(b.base))}" fill="#bbb"/>`,
    );
    if (b.expected > b.base) {
      parts.push(
        `<rect x="${r1(x)}" y="${r1(y(b.expected))}" width="${r1(w)}" height="${r1(y(b.base) - y(b.expected))}"` +
          ` fill="${PALETTE[0]}"/>`,
      );
      const cx = r1(x + w / 2);
      parts.push(`<line x1="${cx}" y1="${r1(y(b.low))}" x2="${cx}" y2="${r1(y(b.high))}" stroke="${PALETTE[1]}"/>`);
    }
    parts.push(
      `<text x="${r1(x + w / 2)}" y="${bottom + 14}" font-size="10" text-anchor="middle">${escapeXml(b.label)}</text>`,
      `<text x="${r1(x + w / 2)}" y="${r1(y(b.high) - 4)}" font-size="9" text-anchor="middle">` +
        `${escapeXml(gbText(lang, b.expected))}</text>`,
    );
  });
  parts.push(
    `<rect x="${left}" y="${height - 14}" width="10" height="8" fill="#bbb"/>`,
    `<text x="${left + 14}" y="${height - 6}" font-size="9">${escapeXml(tr(lang, 'today', '現在'))}</text>`,
    `<rect x="${left + 70}" y="${height - 14}" width="10" height="8" fill="${PALETTE[0]}"/>`,
    `<text x="${left + 84}" y="${height - 6}" font-size="9">` +
      `${escapeXml(tr(lang, 'added, expected (line: low–high)', '追加分・想定値（線: 下限〜上限）'))}</text>`,
    '</svg>',
  );
  return parts.join('');
}

export interface CostView {
  currency: string | null;
  headline: { label: string; value: string }[];
  today: {
    target: string;
    source: string;
    perDay: string;
    span: string;
    files: number;
    basis: string;
    measured: boolean;
  }[];
  chart: string;
  phases: {
    phase: number;
    overBudget: boolean;
    changes: string[];
    volume: string;
    cost: string;
    useCases: string[];
    techniques: string;
    maturity: string;
    soar: string;
  }[];
  savings: { title: string; change: string; saving: string; basis: string }[];
  unquantified: { title: string; target: string; reason: string }[];
  appendix: {
    title: string;
    target: string;
    severity: string;
    findings: string;
    formula: string;
    inputs: { name: string; value: string; source: string; basis: string }[];
    volume: string;
    stored: string;
    cost: string;
    useCases: string;
  }[];
  /** The forecast against each SIEM's licence and disk headroom. */
  headroom: { target: string; limit: string; headroom: string; verdict: string; exceeds: boolean; basis: string }[];
  problems: string[];
}

/** "fits / exceeds the licence by X GB/day / fills the disk in N days", from one headroom row. */
export function headroomVerdict(lang: Lang, h: CostHeadroom): string {
  const perDay = tr(lang, '/day', '／日');
  if (h.verdict === 'unknown' || !h.needed) {
    return tr(lang, 'no recommended change has a volume figure', '量を見積もれる推奨変更がありません');
  }
  const highNote =
    h.verdict === 'fits' && h.high_fits === false
      ? tr(lang, ' (the high estimate does not)', '（上限の見積りでは収まりません）')
      : '';
  if (h.kind === 'licence') {
    return h.verdict === 'fits'
      ? tr(
          lang,
          `the recommended changes fit: ${gbText(lang, h.needed.expected)}${perDay} added`,
          `推奨変更は収まります: 追加 ${gbText(lang, h.needed.expected)}${perDay}`,
        ) + highNote
      : tr(
          lang,
          `the recommended changes exceed the licence by ${gbText(lang, h.over_bytes_per_day)}${perDay}`,
          `推奨変更はライセンスを ${gbText(lang, h.over_bytes_per_day)}${perDay} 超えます`,
        );
  }
  const days = formatNumber(lang, h.retention_days ?? 0, 0);
  return h.verdict === 'fits'
    ? tr(
        lang,
        `the recommended changes fit: ${gbText(lang, h.needed.expected)} kept ${days} days`,
        `推奨変更は収まります: ${days} 日保持で ${gbText(lang, h.needed.expected)}`,
      ) + highNote
    : tr(
        lang,
        'the recommended changes fill the disk to the high watermark in ' +
          `${formatNumber(lang, h.days_to_fill ?? 0, 1)} ` +
          `days (${gbText(lang, h.needed.expected)} needed for ${days} days)`,
        `推奨変更により ${formatNumber(lang, h.days_to_fill ?? 0, 1)} 日で high ウォーターマークに達します` +
          `（${days} 日保持に ${gbText(lang, h.needed.expected)} 必要）`,
      );
}

function inputValue(lang: Lang, r: [number, number, number] | null): string {
  if (!r) return tr(lang, 'not measured', '未計測');
  return r[0] === r[2] ? num(lang, r[0]) : `${num(lang, r[0])} / ${num(lang, r[1])} / ${num(lang, r[2])}`;
}

const SOURCE_WORDS: Record<string, Bilingual> = {
  measured: { en: 'measured', ja: '実測' },
  assumed: { en: 'assumed', ja: '仮定' },
  missing: { en: 'missing', ja: '不明' },
};

export function costView(report: Report, lang: Lang): CostView | undefined {
  const c = report.analyses.cost;
  if (!c) return undefined;
  const s = c.summary;
  const cur = s.currency;
  const ucName = new Map(
    (report.analyses.sources?.details.use_cases ?? []).map((u) => [u.id, pick(lang, u.name)] as const),
  );
  const changeById = new Map(c.details.changes.map((x) => [x.id, x]));
  const changeLabel = (x: CostChange | undefined, id: string) => (x ? `${pick(lang, x.title)} — ${x.target}` : id);
  const budget =
    s.budget?.per_month !== undefined
      ? money(lang, s.budget.per_month, cur) + tr(lang, ' per month', '／月')
      : s.budget?.gb_per_day !== undefined
        ? `${formatNumber(lang, s.budget.gb_per_day, 3)} GB${tr(lang, ' per day', '／日')}`
        : tr(lang, 'none given (one phase)', '指定なし（1 フェーズ）');
  const headline = [
    {
      label: tr(lang, 'Log volume today (measured sources)', '現在のログ量（実測できたソース）'),
      value:
        `${gbText(lang, s.today_bytes_per_day)}${tr(lang, '/day', '／日')} ` +
        tr(lang, `(${s.sources_measured} source(s) measured)`, `（実測できたソース ${s.sources_measured} 件）`),
    },
    {
      label: tr(lang, 'Added by every recommended change', '推奨変更すべてによる追加量'),
      value: s.added_bytes_per_day
        ? `${rangeGb(lang, s.added_bytes_per_day)}${tr(lang, '/day', '／日')}`
        : tr(lang, 'not measured', '未計測'),
    },
    {
      label: tr(lang, 'Cost per month', '月額費用'),
      value: cur
        ? rangeMoney(lang, s.monthly_cost, cur)
        : tr(lang, 'no price table: volumes only', '価格表なし（量のみ）'),
    },
    { label: tr(lang, 'Budget per phase', 'フェーズあたりの予算'), value: budget },
    {
      label: tr(lang, 'Changes forecast / with a figure', '見積り対象の変更／数値あり'),
      value: `${s.changes} / ${s.changes_quantified}`,
    },
  ];
  const verdict = (v: string | null) =>
    v === 'ready'
      ? tr(lang, 'ready', '可')
      : v === 'semi-automatic'
        ? tr(lang, 'semi-automatic', '半自動')
        : v === 'not-yet'
          ? tr(lang, 'not yet', '未達')
          : '—';
  return {
    currency: cur,
    headline,
    today: c.details.today.map((t) => ({
      target: t.target,
      source: t.source,
      perDay: t.bytes_per_day !== null ? gbText(lang, t.bytes_per_day) : tr(lang, 'not measured', '未計測'),
      span: t.span_hours !== null ? `${formatNumber(lang, t.span_hours, 1)} h` : '—',
      files: t.files,
      basis: pick(lang, t.basis),
      measured: t.bytes_per_day !== null,
    })),
    chart: phaseChart(
      lang,
      // The chart starts from 0 when nothing was measured; the headline says "not measured".
      s.today_bytes_per_day ?? 0,
      c.details.phases.map((p) => ({
        label: tr(lang, `Phase ${p.phase}`, `フェーズ ${p.phase}`),
        range: p.bytes_per_day,
      })),
    ),
    phases: c.details.phases.map((p) => ({
      phase: p.phase,
      overBudget: p.over_budget,
      changes: p.changes.map((id) => changeLabel(changeById.get(id), id)),
      volume: rangeGb(lang, p.bytes_per_day),
      cost: cur ? rangeMoney(lang, p.monthly_cost, cur) : '—',
      useCases: p.use_cases_gained.map((u) => ucName.get(u) ?? u),
      techniques: p.techniques_gained.join(', '),
      maturity: [
        `${tr(lang, 'overall', '総合')} ${levelLabel(p.maturity.overall[0], lang)} → ` +
          levelLabel(p.maturity.overall[1], lang),
        ...p.maturity.areas.map(
          (a) => `${pick(lang, AREA_NAMES[a.area])} ${levelLabel(a.before, lang)} → ${levelLabel(a.after, lang)}`,
        ),
      ].join('; '),
      soar:
        `${verdict(p.soar.verdict[0])} → ${verdict(p.soar.verdict[1])}` +
        (p.soar.ready_gained.length > 0
          ? ` (${tr(lang, 'ready to automate: ', '自動化可能: ')}` +
            `${p.soar.ready_gained.map((u) => ucName.get(u) ?? u).join(', ')})`
          : ''),
    })),
    savings: c.details.savings.map((x) => ({
      title: pick(lang, x.title),
      change: changeLabel(changeById.get(x.change), x.change),
      saving: `${gbText(lang, x.bytes_per_day.low)} – ${gbText(lang, x.bytes_per_day.high)}${tr(lang, '/day', '／日')}`,
      basis: pick(lang, x.basis),
    })),
    unquantified: c.details.unquantified.map((id) => {
      const x = changeById.get(id)!;
      return { title: pick(lang, x.title), target: x.target, reason: pick(lang, x.reason) };
    }),
    appendix: c.details.changes.map((x) => ({
      title: pick(lang, x.title),
      target: x.target,
      severity: x.severity,
      findings: x.findings.map((f) => f.replace(/^finding:/, '')).join(', '),
      formula: pick(lang, x.formula),
      inputs: x.inputs.map((i) => ({
        name: pick(lang, i.name),
        value: inputValue(lang, i.range),
        source: pick(lang, SOURCE_WORDS[i.source] ?? SOURCE_WORDS.missing!),
        basis: pick(lang, i.basis),
      })),
      volume: x.bytes_per_day ? rangeGb(lang, x.bytes_per_day) : pick(lang, x.reason),
      stored: x.stored_gb
        ? `hot ${formatNumber(lang, x.stored_gb.hot.expected, 1)} GB` +
          (x.stored_gb.warm ? ` · warm ${formatNumber(lang, x.stored_gb.warm.expected, 1)} GB` : '')
        : '—',
      cost: cur ? rangeMoney(lang, x.monthly_cost, cur) : '—',
      useCases: x.use_cases.map((u) => ucName.get(u) ?? u).join(', '),
    })),
    headroom: (c.details.headroom ?? []).map((h) => ({
      target: h.target,
      limit:
        h.kind === 'licence'
          ? tr(lang, 'Licence: quota minus the busiest of 30 days', 'ライセンス: 上限 − 直近 30 日の最大の日')
          : tr(lang, 'Disk before the high watermark', 'high ウォーターマークまでのディスク'),
      headroom:
        h.kind === 'licence'
          ? `${gbText(lang, h.headroom_bytes)}${tr(lang, '/day', '／日')}`
          : gbText(lang, h.headroom_bytes),
      verdict: headroomVerdict(lang, h),
      exceeds: h.verdict === 'exceeds',
      basis: pick(lang, h.basis),
    })),
    problems: c.problems.map((p) => `${p.path}: ${p.error}`),
  };
}
