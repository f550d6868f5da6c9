// The source map as the renderers show it: the executive page's source × status strip with the use-cases each
// unmeasured class blinds and "what to connect next", the checklist row's missing classes, the terminal line.
// Reads only the report JSON (analyses.sources).
import type { Lang, Report, SourceClassResult, SourceStatus } from '../model.js';
import { pick, tr } from './i18n.js';

const STATUS_LABELS: Record<SourceStatus, { en: string; ja: string }> = {
  measured: { en: 'measured', ja: '実測' },
  declared: { en: 'declared only', ja: '申告のみ' },
  missing: { en: 'missing', ja: '未収集' },
  'not-in-estate': { en: 'not in estate', ja: '環境になし' },
  unknown: { en: 'unknown', ja: '不明' },
};

/** Badge class per status (the report's colour tokens: pass, warn, fail, not-applicable, inconclusive). */
const STATUS_CLASS: Record<SourceStatus, string> = {
  measured: 'st-pass',
  declared: 'st-warn',
  missing: 'st-fail',
  'not-in-estate': 'st-not-applicable',
  unknown: 'st-inconclusive',
};

/** Most urgent first: what blinds the SOC before what is fine. */
const STATUS_ORDER: SourceStatus[] = ['missing', 'unknown', 'declared', 'measured', 'not-in-estate'];

export interface SourceMapView {
  share: string;
  measured: string;
  estateDeclared: boolean;
  rows: {
    id: string;
    name: string;
    status: SourceStatus;
    statusLabel: string;
    cls: string;
    required: boolean;
    neededBy: string;
    blinds: string;
    /** How many required use-cases it blinds (0 when measured). */
    blindCount: number;
    records: string;
    blindTo: string;
    proof: string;
    reason: string;
    estate: string;
    evidence: string[];
  }[];
  /** blindsShort: the first use-cases it blinds and how many more, for the one-page executive summary. */
  /** Required classes the inventory says nothing about: one chip on the executive page, named in the section. */
  unknown: string[];
  unknownNames: string;
  next: { name: string; gains: string; blinds: string; blindsShort: string; blindCount: number }[];
  useCases: { name: string; attack: string; detect: boolean; visible: boolean; automate: boolean; missing: string }[];
  /** `known`: some figure of the people and alert-volume gate was measured or declared. */
  capacity?: {
    alerts: string;
    capacity: string;
    fpShare: string;
    threshold: string;
    ok: boolean;
    known: boolean;
    /** alerts is the SIEM's own alert history (not an estimate); source says which SIEMs and window. */
    measured: boolean;
    source?: string;
    noisy: { rule: string; target: string; perDay: string }[];
  };
}

const NEXT_SHOWN = 3;
const SHORT = 3;

function list(lang: Lang, items: string[]): string {
  return items.join(lang === 'ja' ? '、' : ', ');
}

function estateText(lang: Lang, c: SourceClassResult): string {
  const e = c.estate;
  if (e === undefined) return '';
  if (e === false) return tr(lang, 'none', 'なし');
  const parts = [e.count !== undefined ? String(e.count) : '', (e.products ?? []).join(' / '), e.scope ?? ''].filter(
    Boolean,
  );
  return parts.join(' · ');
}

export function sourceMapView(report: Report, lang: Lang): SourceMapView | undefined {
  const map = report.analyses.sources;
  if (!map) return undefined;
  const s = map.summary;
  const ucName = (id: string) => pick(lang, map.details.use_cases.find((u) => u.id === id)?.name) || id;
  const clsName = (id: string) => pick(lang, map.details.classes.find((c) => c.id === id)?.name) || id;
  const blindsOf = (c: SourceClassResult) =>
    c.status === 'measured'
      ? []
      : map.details.use_cases
          .filter((u) => (u.detect || u.automate) && u.missing.includes(c.id))
          .map((u) => ucName(u.id));
  const rows = [...map.details.classes]
    .sort(
      (a, b) =>
        Number(b.required) - Number(a.required) || STATUS_ORDER.indexOf(a.status) - STATUS_ORDER.indexOf(b.status),
    )
    .map((c) => ({
      id: c.id,
      name: pick(lang, c.name),
      status: c.status,
      statusLabel: pick(lang, STATUS_LABELS[c.status]),
      cls: STATUS_CLASS[c.status],
      required: c.required,
      neededBy: list(lang, c.needed_by.map(ucName)),
      blinds: list(lang, blindsOf(c)),
      blindCount: blindsOf(c).length,
      records: pick(lang, c.records),
      blindTo: pick(lang, c.blind_to),
      proof:
        c.proof === 'arrived'
          ? tr(lang, 'arrival proven', '到達を確認')
          : c.proof === 'collected'
            ? tr(lang, 'collection proven', '収集を確認')
            : '',
      reason: pick(lang, c.reason),
      estate: estateText(lang, c),
      evidence: c.evidence,
    }));
  const cap = report.score?.soar.capacity;
  const n = (v: number | null) => (v === null ? '—' : String(Math.round(v * 100) / 100));
  const p = (v: number | null) => (v === null ? '—' : `${Math.round(v * 1000) / 10}%`);
  return {
    share: s.weighted_share === null ? '—' : `${Math.round(s.weighted_share * 100)}%`,
    measured: tr(
      lang,
      `${s.classes_measured} of ${s.classes_required}`,
      `${s.classes_required} 種中 ${s.classes_measured} 種`,
    ),
    estateDeclared: s.estate_declared,
    rows,
    unknown: rows.filter((r) => r.required && r.status === 'unknown').map((r) => r.name),
    unknownNames: list(
      lang,
      rows.filter((r) => r.required && r.status === 'unknown').map((r) => r.name),
    ),
    next: map.details.next.slice(0, NEXT_SHOWN).map((x) => ({
      name: clsName(x.class),
      gains: list(lang, x.gains.map(ucName)),
      blinds: list(lang, x.blinds.map(ucName)),
      blindsShort:
        `${list(lang, x.blinds.slice(0, SHORT).map(ucName))}` +
        `${x.blinds.length > SHORT ? ` (+${x.blinds.length - SHORT})` : ''}`,
      blindCount: x.blinds.length,
    })),
    useCases: map.details.use_cases
      .filter((u) => u.applicable && (u.detect || u.automate))
      .map((u) => ({
        name: pick(lang, u.name),
        attack: [...u.attack, ...u.owasp].join(' '),
        detect: u.detect,
        visible: u.visible,
        automate: u.automate,
        missing: list(lang, u.missing.map(clsName)),
      })),
    ...(cap
      ? {
          capacity: {
            alerts: n(cap.alerts_per_day),
            capacity: n(cap.capacity_per_day),
            fpShare: p(cap.false_positive_share),
            threshold: p(cap.false_positive_threshold),
            ok: cap.ok,
            measured: cap.alerts_basis === 'siem-alert-history',
            ...(cap.alerts_source ? { source: alertsSourceText(report, lang) ?? cap.alerts_source } : {}),
            noisy: (cap.noisy_rules ?? []).map((r) => ({ rule: r.rule, target: r.target, perDay: n(r.per_day) })),
            known: cap.alerts_per_day !== null || cap.capacity_per_day !== null || cap.false_positive_share !== null,
          },
        }
      : {}),
  };
}

/**
 * Where the measured alert figure was read, in the page's language: the SIEM targets and what answered (their own
 * names), a target counted only in part (a floor), and the window. Undefined without the SIEM's alert counts.
 */
function alertsSourceText(report: Report, lang: Lang): string | undefined {
  const siem = report.analyses.siem_alerts;
  if (!siem || siem.details.length === 0) return undefined;
  const days = siem.summary.window_days;
  const parts = siem.details.map((d) => {
    const n = d.inconclusive?.length ?? 0;
    const floor =
      n > 0 ? tr(lang, `; ${n} not counted, so at least this many`, `；${n} 件は集計できず、少なくともこの件数`) : '';
    return `${d.target} (${d.source}${floor})`;
  });
  return parts.join(', ') + tr(lang, `, last ${days} days`, `、直近 ${days} 日`);
}

/** Notes for the "log collection scope" checklist row: the required classes not measured, by status. */
export function missingSourcesNotes(report: Report, lang: Lang): string[] {
  const map = report.analyses.sources;
  if (!map) return [];
  const notes: string[] = [];
  for (const status of ['missing', 'unknown', 'declared'] as const) {
    const names = map.details.classes.filter((c) => c.required && c.status === status).map((c) => pick(lang, c.name));
    if (names.length === 0) continue;
    const label = {
      missing: tr(lang, 'Not collected or not proven', '未収集または未確認'),
      unknown: tr(lang, 'Not declared in the inventory (unknown)', 'インベントリに記載なし（不明）'),
      declared: tr(lang, 'Declared only, not measured', '申告のみ（未実測）'),
    }[status];
    notes.push(`${label}: ${list(lang, names)}`);
  }
  return notes;
}

/** One terminal line: share measured and the classes to connect next. */
export function sourceMapLine(report: Report, lang: Lang): string | undefined {
  const v = sourceMapView(report, lang);
  const map = report.analyses.sources;
  if (!v || !map) return undefined;
  const next = map.details.next.map(
    (x) => pick(lang, map.details.classes.find((c) => c.id === x.class)?.name) || x.class,
  );
  const shown = next.slice(0, 4);
  const more = next.length > shown.length ? ` (+${next.length - shown.length})` : '';
  const uc = tr(
    lang,
    `${map.summary.use_cases_visible}/${map.summary.use_cases_required} use-cases visible`,
    `ユースケース ${map.summary.use_cases_required} 件中 ${map.summary.use_cases_visible} 件が可視`,
  );
  return tr(
    lang,
    `Log sources: ${v.measured} required classes measured (${v.share} weighted), ` +
      `${uc}${shown.length ? `; connect next: ${list(lang, shown)}${more}` : ''}`,
    `ログソース: 必要な ${v.measured}を実測（重み付き ${v.share}）、${uc}${shown.length ? `。次に接続: ${list(lang, shown)}${more}` : ''}`,
  );
}
