// Turns a Report into the view the HTML templates render: everything translated, grouped, sorted and linked here,
// so the templates only lay things out. Strings stay plain (Handlebars escapes them); only the SVG that charts.ts
// builds (which escapes its own text) is passed through as trusted markup by html.ts.
import { type CostView, costView } from './cost-view.js';
import {
  AREAS,
  type AnalysisSection,
  type AreaId,
  type AreaScore,
  type Finding,
  type FindingStatus,
  type Lang,
  type Report,
  type Severity,
} from '../model.js';
import {
  AREA_BUSINESS_RISK,
  AREA_NAMES,
  AREA_SHORT_NAMES,
  BASIS_LABELS,
  type ChecklistItem,
  READINESS_CHECKLIST,
  SEVERITY_LABELS,
  SOAR_TIMING_CHECKLIST,
  STATUS_LABELS,
  TARGET_STATUS_LABELS,
  VERDICT_EXPLAINED,
  formatDate,
  formatNumber,
  levelName,
  pick,
  summaryFieldLabel,
  tr,
  UI,
  type UiKey,
  ui,
} from './i18n.js';
import { checklistWhat } from './checklist-platform.js';
import { shownTitle } from './finding-title.js';
import { richBlocks } from './rich-text.js';
import { missingSourcesNotes, sourceMapView, type SourceMapView } from './source-map-view.js';
import { type WebRow, webRows } from './web-rows.js';

/** Catalog text as blocks the templates render: paragraphs of text and <code> spans, and <pre> blocks to copy. */
export interface RichBlock {
  code: boolean;
  text?: string;
  spans?: { code: boolean; text: string }[];
}

function richView(text: string): RichBlock[] {
  if (!text) return [];
  return richBlocks(text).map((b) =>
    b.kind === 'code' ? { code: true, text: b.text } : { code: false, spans: b.spans },
  );
}

export type DisplayStatus = FindingStatus | 'waived';

const STATUS_RANK: Record<DisplayStatus, number> = {
  fail: 7,
  error: 6,
  warn: 5,
  inconclusive: 4,
  waived: 3,
  pass: 2,
  'not-applicable': 1,
};
const SEVERITY_RANK: Record<Severity, number> = { critical: 5, high: 4, medium: 3, low: 2, info: 1 };

/** Caps keep one hostile or huge value from swamping the page (the report JSON keeps the full text). */
const MAX_EXCERPT = 2000;
const MAX_OBSERVED_VALUE = 400;
const MAX_REFS_SHOWN = 12;
/** The executive page names at most this many refs per gap; the area sections list them all. */
const MAX_GAP_REFS = 3;
const EXEC_GAPS = 4;
const EXEC_RISKS = 3;

export function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)} …[+${text.length - max}]` : text;
}

/** Anchor ids made only of [a-z0-9-], unique by a hash of the raw key, whatever the key contains. */
export function anchorId(prefix: string, key: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  const slug = key
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48);
  return `${prefix}-${slug}${slug ? '-' : ''}${(h >>> 0).toString(36)}`;
}

export function displayStatus(f: Finding): DisplayStatus {
  return f.waiver && !f.waiver.expired && f.status !== 'pass' && f.status !== 'not-applicable' ? 'waived' : f.status;
}

export interface Ref {
  label: string;
  href?: string;
}

/** One row per distinct outcome of a check: targets that showed the very same evidence share a row. */
export interface FindingRow {
  targets: { name: string; anchor: string }[];
  status: DisplayStatus;
  rawStatus: FindingStatus;
  statusLabel: string;
  reason?: string;
  excerpt?: string;
  observed: { key: string; value: string }[];
  /** What was run or read, once per distinct probe. */
  evidence: string[];
  evidenceCount: number;
  waiver?: { justification: string; expires: string; expired: boolean; file: string };
  /** What was observed and what was expected, in words. */
  observedText?: string;
  expectedText?: string;
  /** The lines that decided: `file:line` (or the command) and the text. */
  decisive: { where: string; text: string }[];
  /** Web: the configuration file read, and how it was tied to the server answering the URL. */
  configRead?: { path: string; how: string };
  related: { label: string; href: string; why: string }[];
}

export interface CheckCard {
  check: string;
  anchor: string;
  /** What was observed when the card fails or warns, else the check's title. */
  title: string;
  /** The check's desired-state title, shown beside an observed-state title. */
  catalogTitle?: string;
  severity: Severity;
  severityLabel: string;
  status: DisplayStatus;
  statusLabel: string;
  rationale: RichBlock[];
  remediation: RichBlock[];
  attack: string[];
  owasp: string[];
  counts: { status: DisplayStatus; label: string; count: number }[];
  rows: FindingRow[];
  passed: string[];
  notApplicable: string[];
}

export interface AreaView {
  id: AreaId;
  anchor: string;
  name: string;
  level: number | null;
  /** Named levelLabel, not levelName, so templates never shadow the levelName helper. */
  levelLabel: string;
  assessed: boolean;
  basis: string;
  attested: boolean;
  summary: string;
  criteria: { level: number; met: boolean; text: string; refs: Ref[]; more: number }[];
  checks: CheckCard[];
}

export interface ChecklistRow {
  item: string;
  what: string;
  mark: 'met' | 'partial' | 'missing' | 'unknown';
  markLabel: string;
  markSymbol: string;
  levels: { name: string; level: string; href: string }[];
  attested: boolean;
  notes: string[];
}

const MARK_SYMBOL = { met: '✓', partial: '△', missing: '✗', unknown: '—' } as const;

export interface ReportView {
  lang: Lang;
  report: Report;
  meta: { title: string; organization: string; date: string; runId: string; mode: string; tool: string };
  overall: { assessed: boolean; level: number | null; levelText: string; name: string };
  scored: boolean;
  verdict?: {
    key: string;
    title: string;
    meaning: string;
    gaps: { area: string; text: string; refs: Ref[]; more: number }[];
    moreGaps: number;
  };
  topRisks: {
    title: string;
    area: string;
    business: string;
    severity: Severity;
    severityLabel: string;
    affected: string;
    href: string;
  }[];
  radar: { axes: { label: string; value: number | null; previous?: number | null }[] };
  change: {
    hasPrevious: boolean;
    runId: string;
    rows: {
      area: string;
      before: string;
      now: string;
      delta: string;
      trend: 'up' | 'down' | 'same' | 'na';
      trendLabel: string;
    }[];
  };
  figures: { label: string; value: string; cls: string }[];
  statusCounts: { status: DisplayStatus; label: string; count: string }[];
  toc: { id: string; title: string; sub: boolean }[];
  areas: AreaView[];
  analyses: {
    name: string;
    anchor: string;
    title: string;
    hasPartial: boolean;
    /** Ran on socready's built-in examples (shown, not scored). */
    builtIn: boolean;
    summary: { label: string; value: string }[];
    problems: { path: string; error: string }[];
  }[];
  readiness: ChecklistRow[];
  soarTiming: ChecklistRow[];
  /** The log-source map (src/report/source-map-view.ts). */
  sourceMap?: SourceMapView;
  targets: {
    id: string;
    kind: string;
    address: string;
    transport: string;
    status: string;
    statusLabel: string;
    host: string;
    checksRun: string;
    error: string;
  }[];
  questionnaire?: { source: string; answers: { area: string; question: string; answer: string }[] };
  partialsContext: { report: Report; lang: Lang; webRows: WebRow[]; cost?: CostView };
}

function formatAnswer(lang: Lang, value: unknown): string {
  if (value === true) return ui(lang, 'yes');
  if (value === false) return ui(lang, 'no');
  if (value === null || value === undefined) return '—';
  if (typeof value === 'number') return formatNumber(lang, value);
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map((v) => formatAnswer(lang, v)).join(', ');
  return clip(JSON.stringify(value), MAX_OBSERVED_VALUE);
}

function formatObserved(value: unknown): string {
  if (typeof value === 'string') return clip(value, MAX_OBSERVED_VALUE);
  const json = JSON.stringify(value);
  return clip(json === undefined ? String(value) : json, MAX_OBSERVED_VALUE);
}

/** Analyses in report order; any other analysis a newer report carries follows, by name. */
const ANALYSIS_ORDER = ['sources', 'coverage', 'detections', 'playbooks', 'web'];

/** Section anchor of an analysis: readable for our own names, hashed for anything unexpected. */
export function analysisAnchor(name: string): string {
  return /^[a-z0-9-]{1,40}$/.test(name) ? `sec-${name}` : anchorId('sec', name);
}

export function analysisNames(report: Report): string[] {
  const present = Object.keys(report.analyses ?? {}).filter((k) => (report.analyses as Record<string, unknown>)[k]);
  return [
    ...ANALYSIS_ORDER.filter((n) => present.includes(n)),
    ...present.filter((n) => !ANALYSIS_ORDER.includes(n)).sort(),
  ];
}

/** Resolves the refs that levels and gaps cite (finding keys, evidence ids, analyses) to links inside the report. */
function makeRefResolver(report: Report, findingAnchors: Map<Finding, string>, areaAnchors: Map<AreaId, string>) {
  const byKey = new Map<string, string>();
  for (const [f, anchor] of findingAnchors) {
    for (const key of [`${f.check}@${f.target}`, `${f.check}:${f.target}`, `${f.target}/${f.check}`]) {
      if (!byKey.has(key)) byKey.set(key, anchor);
    }
    if (!byKey.has(f.check)) byKey.set(f.check, anchor);
    for (const ev of f.evidence) if (!byKey.has(ev)) byKey.set(ev, anchor);
  }
  for (const [area, anchor] of areaAnchors) byKey.set(`area:${area}`, anchor);
  return (ref: string): Ref => {
    const direct = byKey.get(ref);
    if (direct) return { label: ref, href: `#${direct}` };
    const analysis = analysisNames(report).find(
      (a) => ref === a || ref.startsWith(`analyses.${a}`) || ref.startsWith(`${a}:`) || ref.startsWith(`${a}.`),
    );
    if (analysis) return { label: ref, href: `#${analysisAnchor(analysis)}` };
    if (ref.startsWith('questionnaire') && report.questionnaire) return { label: ref, href: '#sec-questionnaire' };
    return { label: ref };
  };
}

function refsOf(refs: string[], resolve: (r: string) => Ref, max = MAX_REFS_SHOWN): { refs: Ref[]; more: number } {
  return { refs: refs.slice(0, max).map(resolve), more: Math.max(0, refs.length - max) };
}

function worst(statuses: DisplayStatus[]): DisplayStatus {
  return statuses.reduce<DisplayStatus>((w, s) => (STATUS_RANK[s] > STATUS_RANK[w] ? s : w), 'not-applicable');
}

function buildCheckCards(
  lang: Lang,
  findings: Finding[],
  anchors: Map<Finding, string>,
  evidenceWhat: Map<string, string>,
): CheckCard[] {
  const byCheck = new Map<string, Finding[]>();
  for (const f of findings) {
    const list = byCheck.get(f.check);
    if (list) list.push(f);
    else byCheck.set(f.check, [f]);
  }
  const cards: CheckCard[] = [];
  for (const [check, list] of byCheck) {
    const first = list[0] as Finding;
    const statuses = list.map(displayStatus);
    const status = worst(statuses);
    const counts = new Map<DisplayStatus, number>();
    for (const s of statuses) counts.set(s, (counts.get(s) ?? 0) + 1);
    const rows: FindingRow[] = [];
    const rowByKey = new Map<string, FindingRow>();
    const passed: string[] = [];
    const notApplicable: string[] = [];
    list.forEach((f, i) => {
      const ds = statuses[i] as DisplayStatus;
      // Passing and not-applicable targets are listed by name only; everything else gets its evidence shown.
      if (ds === 'pass' && !f.waiver) passed.push(f.target);
      else if (ds === 'not-applicable') notApplicable.push(f.target);
      else {
        const target = { name: f.target, anchor: anchors.get(f) as string };
        const key = JSON.stringify([
          ds,
          f.status,
          f.reason,
          f.excerpt,
          f.observed,
          f.waiver,
          f.explanation,
          f.decisive,
          f.config_read,
          f.related,
        ]);
        const same = rowByKey.get(key);
        const whats = f.evidence.map((id) => evidenceWhat.get(id)).filter((w): w is string => Boolean(w));
        if (same) {
          same.targets.push(target);
          same.evidenceCount += f.evidence.length;
          for (const w of whats) if (!same.evidence.includes(w)) same.evidence.push(w);
          return;
        }
        const row: FindingRow = {
          targets: [target],
          status: ds,
          rawStatus: f.status,
          statusLabel:
            ds === 'waived'
              ? `${pick(lang, STATUS_LABELS.waived)} (${pick(lang, STATUS_LABELS[f.status])})`
              : pick(lang, STATUS_LABELS[ds]),
          reason: f.reason,
          excerpt: f.excerpt ? clip(f.excerpt, MAX_EXCERPT) : undefined,
          observed: Object.entries(f.observed ?? {}).map(([k, value]) => ({ key: k, value: formatObserved(value) })),
          evidence: [...new Set(whats)],
          evidenceCount: f.evidence.length,
          waiver: f.waiver ? { ...f.waiver, expires: formatDate(lang, f.waiver.expires, false) } : undefined,
          ...(f.explanation
            ? { observedText: pick(lang, f.explanation.observed), expectedText: pick(lang, f.explanation.expected) }
            : {}),
          decisive: (f.decisive ?? []).map((l) => ({
            where: l.file ? `${l.file}${l.line ? `:${l.line}` : ''}` : (l.command ?? ''),
            text: clip(l.text, MAX_EXCERPT),
          })),
          ...(f.config_read ? { configRead: f.config_read } : {}),
          related: (f.related ?? []).map((r) => ({
            label: r.check,
            href: `#${anchorId('c', r.check)}`,
            why: pick(lang, r.why),
          })),
        };
        rowByKey.set(key, row);
        rows.push(row);
      }
    });
    rows.sort((a, b) => STATUS_RANK[b.status] - STATUS_RANK[a.status] || b.targets.length - a.targets.length);
    cards.push({
      check,
      anchor: anchorId('c', check),
      // A failing card says what was observed; the check's desired-state title stays beside it as the catalog name.
      title: pick(
        lang,
        shownTitle({ status: status === 'waived' ? 'fail' : status, title: first.title, fail_title: first.fail_title }),
      ),
      catalogTitle: status === 'fail' || status === 'warn' || status === 'waived' ? pick(lang, first.title) : undefined,
      severity: first.severity,
      severityLabel: pick(lang, SEVERITY_LABELS[first.severity] ?? SEVERITY_LABELS.info),
      status,
      statusLabel: pick(lang, STATUS_LABELS[status]),
      rationale: richView(pick(lang, first.rationale)),
      remediation: richView(pick(lang, first.remediation)),
      attack: first.maps?.attack ?? [],
      owasp: first.maps?.owasp ?? [],
      counts: [...counts.entries()]
        .sort((a, b) => STATUS_RANK[b[0]] - STATUS_RANK[a[0]])
        .map(([s, count]) => ({ status: s, label: pick(lang, STATUS_LABELS[s]), count })),
      rows,
      passed: passed.sort(),
      notApplicable: notApplicable.sort(),
    });
  }
  cards.sort(
    (a, b) =>
      STATUS_RANK[b.status] - STATUS_RANK[a.status] ||
      (SEVERITY_RANK[b.severity] ?? 0) - (SEVERITY_RANK[a.severity] ?? 0) ||
      a.check.localeCompare(b.check),
  );
  return cards;
}

function markFor(levels: (number | null)[], blocked: boolean): ChecklistRow['mark'] {
  const known = levels.filter((l): l is number => l !== null);
  // Nothing measured: unknown, unless the SOAR gate names a gap here (then it is plainly missing).
  if (known.length === 0) return blocked ? 'missing' : 'unknown';
  const min = Math.min(...known);
  if (min >= 3 && !blocked && known.length === levels.length) return 'met';
  if (min >= 1) return 'partial';
  return 'missing';
}

/** What every part of the view needs: the report, the language, the scores by area and the anchors to link to. */
interface ViewContext {
  report: Report;
  lang: Lang;
  score: Report['score'];
  areaScores: Map<AreaId, AreaScore>;
  levelOf: (area: AreaId) => number | null;
  areaAnchors: Map<AreaId, string>;
  findingAnchors: Map<Finding, string>;
  resolve: (ref: string) => Ref;
  evidenceWhat: Map<string, string>;
}

function viewContext(report: Report, lang: Lang): ViewContext {
  const score = report.score;
  const areaScores = new Map<AreaId, AreaScore>((score?.areas ?? []).map((a) => [a.area, a]));
  const areaAnchors = new Map<AreaId, string>(AREAS.map((a) => [a, `area-${a}`]));
  const findingAnchors = new Map<Finding, string>();
  const usedAnchors = new Set<string>();
  for (const f of report.findings) {
    let anchor = anchorId('f', `${f.check}@${f.target}`);
    // The same check and target twice (should not happen) still gets distinct anchors.
    for (let i = 2; usedAnchors.has(anchor); i++) anchor = anchorId('f', `${f.check}@${f.target}#${i}`);
    usedAnchors.add(anchor);
    findingAnchors.set(f, anchor);
  }
  return {
    report,
    lang,
    score,
    areaScores,
    levelOf: (area) => areaScores.get(area)?.level ?? null,
    areaAnchors,
    findingAnchors,
    resolve: makeRefResolver(report, findingAnchors, areaAnchors),
    evidenceWhat: new Map(report.evidence.map((e) => [e.id, e.what])),
  };
}

function buildVerdict({ score, lang, resolve }: ViewContext): ReportView['verdict'] {
  const verdictKey = score?.soar.verdict;
  if (!verdictKey) return undefined;
  const gaps = score?.soar.gaps ?? [];
  return {
    key: verdictKey,
    title: pick(lang, VERDICT_EXPLAINED[verdictKey].title),
    meaning: pick(lang, VERDICT_EXPLAINED[verdictKey].meaning),
    // The executive page must fit one page: the first gaps there, all of them in the SOAR timing checklist.
    gaps: gaps.slice(0, EXEC_GAPS).map((g) => ({
      area: pick(lang, AREA_NAMES[g.area]),
      text: pick(lang, g.text),
      ...refsOf(g.refs ?? [], resolve, MAX_GAP_REFS),
    })),
    moreGaps: Math.max(0, gaps.length - EXEC_GAPS),
  };
}

function buildTopRisks({ report, lang }: ViewContext): ReportView['topRisks'] {
  const targetCount = report.targets.length;
  const risksByCheck = new Map<string, Finding[]>();
  for (const f of report.findings) {
    const ds = displayStatus(f);
    if (ds !== 'fail' && ds !== 'warn') continue;
    const list = risksByCheck.get(f.check);
    if (list) list.push(f);
    else risksByCheck.set(f.check, [f]);
  }
  return [...risksByCheck.values()]
    .sort((a, b) => {
      const fa = a[0] as Finding;
      const fb = b[0] as Finding;
      const failA = a.some((f) => f.status === 'fail') ? 1 : 0;
      const failB = b.some((f) => f.status === 'fail') ? 1 : 0;
      return (
        (SEVERITY_RANK[fb.severity] ?? 0) - (SEVERITY_RANK[fa.severity] ?? 0) ||
        failB - failA ||
        b.length * fb.weight - a.length * fa.weight ||
        fa.check.localeCompare(fb.check)
      );
    })
    .slice(0, EXEC_RISKS)
    .map((list) => {
      const f = list[0] as Finding;
      return {
        title: pick(lang, shownTitle(list.find((x) => x.status === 'fail') ?? f)),
        area: pick(lang, AREA_NAMES[f.area]),
        business: pick(lang, AREA_BUSINESS_RISK[f.area]),
        severity: f.severity,
        severityLabel: pick(lang, SEVERITY_LABELS[f.severity] ?? SEVERITY_LABELS.info),
        affected: tr(
          lang,
          `${formatNumber(lang, list.length)} of ${formatNumber(lang, targetCount)} targets`,
          `${formatNumber(lang, targetCount)} 台中 ${formatNumber(lang, list.length)} 台`,
        ),
        href: `#${anchorId('c', f.check)}`,
      };
    });
}

function previousLevels(report: Report): Map<AreaId, number | null> {
  return new Map((report.previous?.areas ?? []).map((a) => [a.area, a.level]));
}

function buildRadar({ report, lang, levelOf }: ViewContext): ReportView['radar'] {
  const prevLevels = previousLevels(report);
  return {
    axes: AREAS.map((area) => ({
      label: pick(lang, AREA_SHORT_NAMES[area]),
      value: levelOf(area),
      previous: report.previous ? (prevLevels.get(area) ?? null) : undefined,
    })),
  };
}

function changeRow(
  lang: Lang,
  name: string,
  before: number | null | undefined,
  now: number | null,
): ReportView['change']['rows'][number] {
  const b = before ?? null;
  let trend: 'up' | 'down' | 'same' | 'na' = 'na';
  if (b !== null && now !== null) trend = now > b ? 'up' : now < b ? 'down' : 'same';
  const trendLabel =
    trend === 'up'
      ? ui(lang, 'improved')
      : trend === 'down'
        ? ui(lang, 'worse')
        : trend === 'same'
          ? ui(lang, 'unchanged')
          : '';
  const delta =
    trend === 'up' || trend === 'down'
      ? `${now! - b! > 0 ? '+' : ''}${formatNumber(lang, now! - b!)}`
      : trend === 'na'
        ? '—'
        : '';
  const show = (l: number | null) => (l === null ? ui(lang, 'notAssessed') : formatNumber(lang, l));
  return { area: name, before: show(b), now: show(now), delta, trend, trendLabel };
}

function buildChange({ report, lang, levelOf, score }: ViewContext): ReportView['change'] {
  const prev = report.previous;
  const prevLevels = previousLevels(report);
  return {
    hasPrevious: Boolean(prev),
    runId: prev?.run_id ?? '',
    rows: prev
      ? [
          changeRow(lang, ui(lang, 'overall'), prev.overall, score?.overall ?? null),
          ...AREAS.map((area) => changeRow(lang, pick(lang, AREA_NAMES[area]), prevLevels.get(area), levelOf(area))),
        ]
      : [],
  };
}

function buildStatusCounts({ report, lang }: ViewContext): ReportView['statusCounts'] {
  const statusTotals = new Map<DisplayStatus, number>();
  for (const f of report.findings) {
    const ds = displayStatus(f);
    statusTotals.set(ds, (statusTotals.get(ds) ?? 0) + 1);
  }
  return (Object.keys(STATUS_RANK) as DisplayStatus[])
    .sort((a, b) => STATUS_RANK[b] - STATUS_RANK[a])
    .filter((s) => statusTotals.has(s))
    .map((s) => ({
      status: s,
      label: pick(lang, STATUS_LABELS[s]),
      count: formatNumber(lang, statusTotals.get(s) ?? 0),
    }));
}

function buildFigures({ report, lang }: ViewContext): ReportView['figures'] {
  const targetCount = report.targets.length;
  const unreachable = report.targets.filter((t) => t.status === 'unreachable' || t.status === 'error').length;
  return [
    { label: ui(lang, 'targets'), value: formatNumber(lang, targetCount), cls: 'neutral' },
    { label: ui(lang, 'targetsAssessed'), value: formatNumber(lang, targetCount - unreachable), cls: 'good' },
    {
      label: ui(lang, 'targetsUnreachable'),
      value: formatNumber(lang, unreachable),
      cls: unreachable ? 'bad' : 'neutral',
    },
    {
      label: ui(lang, 'checks'),
      value: formatNumber(lang, new Set(report.findings.map((f) => f.check)).size),
      cls: 'neutral',
    },
    { label: ui(lang, 'findings'), value: formatNumber(lang, report.findings.length), cls: 'neutral' },
  ];
}

function buildAreas(ctx: ViewContext): AreaView[] {
  const { report, lang, areaScores, areaAnchors, findingAnchors, resolve, evidenceWhat } = ctx;
  const findingsByArea = new Map<AreaId, Finding[]>();
  for (const f of report.findings) {
    const list = findingsByArea.get(f.area);
    if (list) list.push(f);
    else findingsByArea.set(f.area, [f]);
  }
  return AREAS.map((area) => {
    const s = areaScores.get(area);
    const level = s?.level ?? null;
    const basis = s?.basis ?? 'not-assessed';
    return {
      id: area,
      anchor: areaAnchors.get(area) as string,
      name: pick(lang, AREA_NAMES[area]),
      level,
      levelLabel: levelName(lang, level),
      assessed: level !== null,
      basis: pick(lang, BASIS_LABELS[basis] ?? BASIS_LABELS['not-assessed']),
      attested: basis === 'attested' || basis === 'mixed',
      summary: s ? pick(lang, s.summary) : '',
      criteria: (s?.criteria ?? [])
        .slice()
        .sort((a, b) => a.level - b.level)
        .map((c) => ({ level: c.level, met: c.met, text: pick(lang, c.text), ...refsOf(c.evidence ?? [], resolve) })),
      checks: buildCheckCards(lang, findingsByArea.get(area) ?? [], findingAnchors, evidenceWhat),
    };
  });
}

function buildAnalyses({ report, lang }: ViewContext): ReportView['analyses'] {
  return analysisNames(report).map((name) => {
    const section = (report.analyses as Record<string, AnalysisSection<unknown> | undefined>)[
      name
    ] as AnalysisSection<unknown>;
    const summary = Object.entries((section.summary ?? {}) as Record<string, unknown>).map(([key, value]) => ({
      label: summaryFieldLabel(lang, key),
      // A null figure is one the run could not measure (visibility with no target reached), never a zero.
      value:
        typeof value === 'number'
          ? formatNumber(lang, value)
          : value === null
            ? ui(lang, 'notMeasured')
            : formatAnswer(lang, value),
    }));
    return {
      name,
      anchor: analysisAnchor(name),
      title: name in UI ? ui(lang, name as UiKey) : summaryFieldLabel(lang, name),
      hasPartial: false,
      builtIn: section.content === 'built-in',
      summary,
      problems: section.problems ?? [],
    };
  });
}

const MARK_LABELS = { met: 'markMet', partial: 'markPartial', missing: 'markMissing', unknown: 'markUnknown' } as const;

/** One checklist row (the content is data in i18n.ts), marked from the levels and SOAR gaps of its areas. */
function checklistRow(ctx: ViewContext, item: ChecklistItem): ChecklistRow {
  const { report, lang, score, levelOf, areaScores, areaAnchors } = ctx;
  const gaps = item.gaps
    ? (score?.soar.gaps ?? []).filter((g) => item.areas.includes(g.area)).map((g) => pick(lang, g.text))
    : [];
  const answers = item.answers
    ? (report.questionnaire?.answers ?? [])
        .filter((a) => item.answers!.test(a.id))
        .map((a) => `${pick(lang, a.question)}: ${formatAnswer(lang, a.answer)} (${ui(lang, 'attested')})`)
    : [];
  const mark = markFor(item.areas.map(levelOf), gaps.length > 0);
  return {
    item: pick(lang, item.item),
    what: pick(
      lang,
      checklistWhat(
        item,
        report.targets.map((t) => t.kind),
      ),
    ),
    mark,
    markLabel: ui(lang, MARK_LABELS[mark]),
    markSymbol: MARK_SYMBOL[mark],
    levels: item.areas.map((a) => ({
      name: pick(lang, AREA_SHORT_NAMES[a]),
      level:
        levelOf(a) === null
          ? ui(lang, 'notAssessed')
          : `${formatNumber(lang, levelOf(a))} ${levelName(lang, levelOf(a))}`,
      href: `#${areaAnchors.get(a)}`,
    })),
    attested: item.areas.some((a) => {
      const b = areaScores.get(a)?.basis;
      return b === 'attested' || b === 'mixed';
    }),
    notes: [...gaps, ...answers, ...(item.sources ? missingSourcesNotes(report, lang) : [])],
  };
}

function buildTargets({ report, lang }: ViewContext): ReportView['targets'] {
  return report.targets.map((t) => ({
    id: t.id,
    kind: t.kind,
    address: t.address,
    transport: t.transport,
    status: t.status,
    statusLabel: pick(lang, TARGET_STATUS_LABELS[t.status] ?? TARGET_STATUS_LABELS.error),
    host: [t.host?.hostname, t.host?.os].filter(Boolean).join(' · '),
    checksRun: formatNumber(lang, t.checks_run),
    error: t.error ? `${t.error.kind}: ${t.error.message}` : '',
  }));
}

function buildQuestionnaire({ report, lang }: ViewContext): ReportView['questionnaire'] {
  if (!report.questionnaire) return undefined;
  return {
    source: report.questionnaire.source,
    answers: report.questionnaire.answers.map((a) => ({
      area: pick(lang, AREA_NAMES[a.area]),
      question: pick(lang, a.question),
      answer: formatAnswer(lang, a.answer),
    })),
  };
}

function buildToc(
  lang: Lang,
  areas: AreaView[],
  analyses: ReportView['analyses'],
  hasQuestionnaire: boolean,
): ReportView['toc'] {
  const toc: ReportView['toc'] = [
    { id: 'sec-executive', title: ui(lang, 'executiveSummary'), sub: false },
    { id: 'sec-areas', title: ui(lang, 'findingsByArea'), sub: false },
    ...areas.map((a) => ({ id: a.anchor, title: a.name, sub: true })),
  ];
  if (analyses.length) {
    toc.push({ id: 'sec-analyses', title: ui(lang, 'analyses'), sub: false });
    for (const a of analyses) toc.push({ id: a.anchor, title: a.title, sub: true });
  }
  toc.push(
    { id: 'sec-readiness', title: ui(lang, 'readinessChecklist'), sub: false },
    { id: 'sec-soar-timing', title: ui(lang, 'soarTiming'), sub: false },
    { id: 'sec-scope', title: ui(lang, 'scope'), sub: false },
  );
  if (hasQuestionnaire) toc.push({ id: 'sec-questionnaire', title: ui(lang, 'questionnaire'), sub: false });
  return toc;
}

export function buildView(report: Report, lang: Lang): ReportView {
  const ctx = viewContext(report, lang);
  const overall = ctx.score?.overall ?? null;
  const areas = buildAreas(ctx);
  const analyses = buildAnalyses(ctx);
  const questionnaire = buildQuestionnaire(ctx);
  return {
    lang,
    report,
    meta: {
      title: ui(lang, 'reportTitle'),
      organization: report.run.organization,
      date: formatDate(lang, report.run.finished_at || report.run.started_at),
      runId: report.run.id,
      mode: report.run.mode,
      tool: `${report.tool.name} ${report.tool.version}`,
    },
    overall: {
      assessed: overall !== null,
      level: overall,
      levelText: overall === null ? '—' : formatNumber(lang, overall),
      name: levelName(lang, overall),
    },
    scored: Boolean(ctx.score),
    verdict: buildVerdict(ctx),
    topRisks: buildTopRisks(ctx),
    radar: buildRadar(ctx),
    change: buildChange(ctx),
    figures: buildFigures(ctx),
    statusCounts: buildStatusCounts(ctx),
    toc: buildToc(lang, areas, analyses, Boolean(questionnaire)),
    areas,
    analyses,
    readiness: READINESS_CHECKLIST.map((item) => checklistRow(ctx, item)),
    soarTiming: SOAR_TIMING_CHECKLIST.map((item) => checklistRow(ctx, item)),
    sourceMap: sourceMapView(report, lang),
    targets: buildTargets(ctx),
    questionnaire,
    partialsContext: {
      report,
      lang,
      webRows: webRows(report, lang, (check) => anchorId('c', check)),
      cost: costView(report, lang),
    },
  };
}
